/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AArch64 world switch: from the host kernel at EL2 (VHE: HCR_EL2.E2H
 * set) into a guest at EL1 and back, after the Arm ARM (DDI 0487),
 * "The AArch64 Exception model": ERET from EL2 to EL1 with SPSR_EL2 and
 * ELR_EL2, exceptions taken to EL2 through VBAR_EL2.
 *
 * axas_a64_switch() pushes a frame on the host's stack (SP_EL2) with what
 * the calling convention says a callee keeps and with the context
 * pointer, swaps SP_EL0 (the host keeps current there), VBAR_EL2 and
 * HCR_EL2 (TGE clear, VM set: the guest's EL1&0 regime behind Stage-2)
 * for the guest's values and enters the guest with ERET.
 *
 * While the guest runs at EL1, SP_EL2 stays as the switch left it, so
 * each entry of the vector table below saves x0 and x1 below the frame,
 * finds the context in the frame and saves the guest's registers and the
 * syndrome registers there. Then the host's HCR_EL2 (TGE back), VBAR_EL2
 * and SP_EL0 come back and axas_a64_switch() returns to its caller. The
 * caller runs with interrupts masked; TPIDR_EL2, the host's per-CPU
 * offset, is never touched.
 *
 * An exception taken from EL2 itself while our vectors are installed (a
 * bug, or an SError) leaves the same way, marked as such, rather than
 * through the host's vectors; one taken on SP_EL0 at EL2 cannot happen in
 * a kernel, which runs on SP_EL2, and parks the CPU.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "vcpu-arm64.h"

	.text

/* void axas_a64_switch(struct axas_a64_ctx *ctx), ctx in x0 */
SYM_FUNC_START(axas_a64_switch)
	stp	x29, x30, [sp, #-AXAS_A64_FRAME]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #AXAS_A64_FRAME_CTX]

	/* The host's SP_EL0, VBAR_EL2 and HCR_EL2, kept for the exit. */
	mrs	x1, sp_el0
	str	x1, [x0, #AXAS_A64_HOST_SP_EL0]
	mrs	x1, vbar_el2
	str	x1, [x0, #AXAS_A64_HOST_VBAR]
	mrs	x1, hcr_el2
	str	x1, [x0, #AXAS_A64_HOST_HCR]

	/* The guest's: our vectors first, then HCR_EL2 without TGE. */
	ldr	x1, [x0, #AXAS_A64_SP_EL0]
	msr	sp_el0, x1
	adr_l	x1, axas_a64_vectors
	msr	vbar_el2, x1
	ldr	x1, [x0, #AXAS_A64_GUEST_HCR]
	msr	hcr_el2, x1
	ldr	x1, [x0, #AXAS_A64_PC]
	msr	elr_el2, x1
	ldr	x1, [x0, #AXAS_A64_PSTATE]
	msr	spsr_el2, x1
	isb

	/* The guest's registers, x0 and x1 last. */
	ldp	x2, x3, [x0, #AXAS_A64_GPR(2)]
	ldp	x4, x5, [x0, #AXAS_A64_GPR(4)]
	ldp	x6, x7, [x0, #AXAS_A64_GPR(6)]
	ldp	x8, x9, [x0, #AXAS_A64_GPR(8)]
	ldp	x10, x11, [x0, #AXAS_A64_GPR(10)]
	ldp	x12, x13, [x0, #AXAS_A64_GPR(12)]
	ldp	x14, x15, [x0, #AXAS_A64_GPR(14)]
	ldp	x16, x17, [x0, #AXAS_A64_GPR(16)]
	ldp	x18, x19, [x0, #AXAS_A64_GPR(18)]
	ldp	x20, x21, [x0, #AXAS_A64_GPR(20)]
	ldp	x22, x23, [x0, #AXAS_A64_GPR(22)]
	ldp	x24, x25, [x0, #AXAS_A64_GPR(24)]
	ldp	x26, x27, [x0, #AXAS_A64_GPR(26)]
	ldp	x28, x29, [x0, #AXAS_A64_GPR(28)]
	ldr	x30, [x0, #AXAS_A64_GPR(30)]
	ldp	x0, x1, [x0, #AXAS_A64_GPR(0)]
	eret
	/* Nothing runs past the ERET, not even speculatively. */
	dsb	nsh
	isb
SYM_FUNC_END(axas_a64_switch)

/*
 * Every exit: x0 and x1 of the interrupted code below the frame, x1 the
 * vector's AXAS_A64_VEC_* code.
 */
SYM_CODE_START_LOCAL(axas_a64_exit)
	ldr	x0, [sp, #16 + AXAS_A64_FRAME_CTX]
	str	x1, [x0, #AXAS_A64_VECTOR]
	stp	x2, x3, [x0, #AXAS_A64_GPR(2)]
	stp	x4, x5, [x0, #AXAS_A64_GPR(4)]
	stp	x6, x7, [x0, #AXAS_A64_GPR(6)]
	stp	x8, x9, [x0, #AXAS_A64_GPR(8)]
	stp	x10, x11, [x0, #AXAS_A64_GPR(10)]
	stp	x12, x13, [x0, #AXAS_A64_GPR(12)]
	stp	x14, x15, [x0, #AXAS_A64_GPR(14)]
	stp	x16, x17, [x0, #AXAS_A64_GPR(16)]
	stp	x18, x19, [x0, #AXAS_A64_GPR(18)]
	stp	x20, x21, [x0, #AXAS_A64_GPR(20)]
	stp	x22, x23, [x0, #AXAS_A64_GPR(22)]
	stp	x24, x25, [x0, #AXAS_A64_GPR(24)]
	stp	x26, x27, [x0, #AXAS_A64_GPR(26)]
	stp	x28, x29, [x0, #AXAS_A64_GPR(28)]
	str	x30, [x0, #AXAS_A64_GPR(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #AXAS_A64_GPR(0)]

	/* Where and why. */
	mrs	x1, elr_el2
	str	x1, [x0, #AXAS_A64_PC]
	mrs	x1, spsr_el2
	str	x1, [x0, #AXAS_A64_PSTATE]
	mrs	x1, esr_el2
	str	x1, [x0, #AXAS_A64_ESR]
	mrs	x1, far_el2
	str	x1, [x0, #AXAS_A64_FAR]
	mrs	x1, hpfar_el2
	str	x1, [x0, #AXAS_A64_HPFAR]

	/* The host's registers back: HCR_EL2 (TGE) and its vectors first. */
	mrs	x1, sp_el0
	str	x1, [x0, #AXAS_A64_SP_EL0]
	ldr	x1, [x0, #AXAS_A64_HOST_HCR]
	msr	hcr_el2, x1
	ldr	x1, [x0, #AXAS_A64_HOST_VBAR]
	msr	vbar_el2, x1
	ldr	x1, [x0, #AXAS_A64_HOST_SP_EL0]
	msr	sp_el0, x1
	isb

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #AXAS_A64_FRAME
	ret
SYM_CODE_END(axas_a64_exit)

/* One 128-byte entry of the table: save x0 and x1, leave with @code. */
.macro	axas_a64_vec code
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\code
	b	axas_a64_exit
.endm

/* EL2 on SP_EL0: no kernel runs so; stop this CPU rather than guess. */
.macro	axas_a64_park
	.balign	0x80
1:	wfe
	b	1b
.endm

	/* VBAR_EL2 bits [10:0] are RES0: a 2 KiB aligned table. */
	.balign	0x800
SYM_CODE_START_LOCAL(axas_a64_vectors)
	axas_a64_park				/* EL2, SP_EL0: sync */
	axas_a64_park				/* IRQ */
	axas_a64_park				/* FIQ */
	axas_a64_park				/* SError */
	axas_a64_vec	(AXAS_A64_VEC_EL2 + 0)	/* EL2, SP_EL2: sync */
	axas_a64_vec	(AXAS_A64_VEC_EL2 + 1)	/* IRQ */
	axas_a64_vec	(AXAS_A64_VEC_EL2 + 2)	/* FIQ */
	axas_a64_vec	(AXAS_A64_VEC_EL2 + 3)	/* SError */
	axas_a64_vec	AXAS_A64_VEC_SYNC	/* lower EL, AArch64: sync */
	axas_a64_vec	AXAS_A64_VEC_IRQ	/* IRQ */
	axas_a64_vec	AXAS_A64_VEC_FIQ	/* FIQ */
	axas_a64_vec	AXAS_A64_VEC_SERROR	/* SError */
	axas_a64_vec	(AXAS_A64_VEC_A32 + 0)	/* lower EL, AArch32: sync */
	axas_a64_vec	(AXAS_A64_VEC_A32 + 1)	/* IRQ */
	axas_a64_vec	(AXAS_A64_VEC_A32 + 2)	/* FIQ */
	axas_a64_vec	(AXAS_A64_VEC_A32 + 3)	/* SError */
SYM_CODE_END(axas_a64_vectors)
