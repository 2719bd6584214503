/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest image axas_vcpu_test loads: the flat binary that
 * tools/Makefile names in AXAS_GUEST_BIN (tools/guests/ARCH/guest.S),
 * between axas_guest_start and axas_guest_end. Empty where no guest of
 * the architecture exists yet.
 */
	.section .rodata, "a", %progbits
	.balign	16
	.globl	axas_guest_start
	.globl	axas_guest_end
axas_guest_start:
#ifdef AXAS_GUEST_BIN
	.incbin	AXAS_GUEST_BIN
#endif
axas_guest_end:

	.section .note.GNU-stack, "", %progbits
