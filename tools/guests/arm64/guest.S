/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AArch64 test guest of axas_vcpu_test: bare metal, EL1 with the MMU
 * off (guest virtual = guest physical; data accesses are Device-nGnRnE,
 * so every access is aligned), no stack, no data. Linked at 0x80000000
 * (guest.lds) and loaded there as a flat binary. The same commands as the
 * RISC-V guest (tools/guests/riscv/guest.S).
 *
 * Entry at 0x80000000 with x0 = command, x1..x4 = arguments.
 *
 * Hypercalls (HVC #0, x8 = number):
 *   0 DONE(x0 = result)    the command is over. Resumed, the guest calls
 *                          DONE again with x0 = the value the host returned.
 *   1 REPORT(x0 = value)   the guest goes on after the call.
 *
 * Commands (anything else: DONE(-1)):
 *   0 NOP                  DONE(x1)
 *   1 TOUCH(x1 = base, x2 = npages, x3 = seed)
 *                          page i: str (seed + i) at base + i * 4096 and
 *                          str ~(seed + i) at base + i * 4096 + 4088;
 *                          DONE(npages). x5 is the page, x6 is i.
 *   2 MMIO(x1 = address, x2 = value)
 *                          the access sequence below; DONE(0)
 *   3 STORE(x1 = address, x2 = value)  str x2, [x1]; DONE(0)
 *   4 LOAD(x1 = address)   ldr x0, [x1]; DONE(x0)
 *   5 SPIN(x1 = address)   ldr x5, [x1] until it is non-zero; DONE(x5)
 *   6 JUMP(x1 = address)   br x1
 *   7 ILLEGAL              SMC #0, which HCR_EL2.TSC traps to EL2 (an
 *                          UNDEFINED instruction would be taken at EL1,
 *                          by the guest itself)
 *   8 SUM(x1 = base, x2 = npages)
 *                          DONE(sum of the first u64 of each page)
 *   9 STALE_LOAD(x1 = P, x2 = Q)
 *                          ldr x5, [x1]; REPORT(x5); then, resumed,
 *                          { ldr x5, [x1]; ldr x6, [x2] } until x6 is
 *                          non-zero; ldr x0, [x1]; DONE(x0).
 *  10 STALE_STORE(x1 = P, x2 = Q, x3 = value)
 *                          str x3, [x1]; ldr x5, [x1]; REPORT(x5); then,
 *                          resumed, { str x3, [x1]; ldr x6, [x2] } until
 *                          x6 is non-zero; str x3, [x1]; DONE(0).
 *  11 SYSREG(x1 = value)   mrs x11, id_aa64mmfr0_el1 (trapped by
 *                          HCR_EL2.TID3); REPORT(x11); msr mdscr_el1, x1
 *                          (trapped by MDCR_EL2.TDA); DONE(x11 + 1).
 *
 * The word at 0x80000004 calls DONE(-2): a guest that reports -2 was
 * started 4 bytes past the pc the host set.
 *
 * The MMIO sequence, mirrored by mmio_steps[] in axas_vcpu_test.c. Each
 * load first sets its destination to 0x5a5, so that a value written to
 * the wrong register shows; each is followed by REPORT(destination).
 *
 *   step  insn   address  width  extension         register
 *      0  ldrb   x1+0     1      zero              w5
 *      1  ldrsb  x1+8     1      sign, to 64 bits  x9
 *      2  ldrsb  x1+16    1      sign, to 32 bits  w15
 *      3  ldrh   x1+24    2      zero              w21
 *      4  ldrsh  x1+32    2      sign, to 64 bits  x27
 *      5  ldrsh  x1+40    2      sign, to 32 bits  w30
 *      6  ldr    x1+48    4      zero              w3
 *      7  ldrsw  x1+56    4      sign, to 64 bits  x14
 *      8  ldr    x1+64    8      -                 x18
 *   stores, of x6 = x2 >> 8, x7 = x2 >> 16, x19 = ~x2, x10 = x2 >> 24:
 *      9  strb   x1+72    1      w2   -> x2 & 0xff
 *     10  strh   x1+80    2      w6   -> (x2 >> 8) & 0xffff
 *     11  str    x1+88    4      w7   -> (x2 >> 16) & 0xffffffff
 *     12  str    x1+96    8      x19  -> ~x2
 *     13  str    x1+104   4      w10  -> (x2 >> 24) & 0xffffffff
 *     14  str    x1+112   8      xzr  -> 0
 *   DONE(x0 = 0)
 */

#define HC_DONE		0
#define HC_REPORT	1

#define POISON		0x5a5

	.section .text.entry, "ax", %progbits
	.globl	_start
_start:
	b	dispatch
	/* 0x80000004: only a start 4 bytes past _start gets here. */
	mov	x0, #-2
	b	done

dispatch:
	cmp	x0, #0
	b.eq	cmd_nop
	cmp	x0, #1
	b.eq	cmd_touch
	cmp	x0, #2
	b.eq	cmd_mmio
	cmp	x0, #3
	b.eq	cmd_store
	cmp	x0, #4
	b.eq	cmd_load
	cmp	x0, #5
	b.eq	cmd_spin
	cmp	x0, #6
	b.eq	cmd_jump
	cmp	x0, #7
	b.eq	cmd_illegal
	cmp	x0, #8
	b.eq	cmd_sum
	cmp	x0, #9
	b.eq	cmd_stale_load
	cmp	x0, #10
	b.eq	cmd_stale_store
	cmp	x0, #11
	b.eq	cmd_sysreg
	mov	x0, #-1
	/* fall through */

/* DONE(x0); resumed, x0 is what the host returned: DONE again. */
done:
	mov	x8, #HC_DONE
	hvc	#0
	b	done

/* REPORT(\reg) */
.macro report reg
	mov	x0, \reg
	mov	x8, #HC_REPORT
	hvc	#0
.endm

cmd_nop:
	mov	x0, x1
	b	done

/* x5: page, x6: i, x7: seed + i */
cmd_touch:
	mov	x5, x1
	mov	x6, #0
1:	cmp	x6, x2
	b.hs	2f
	add	x7, x3, x6
	str	x7, [x5]
	mvn	x9, x7
	str	x9, [x5, #4088]
	add	x5, x5, #4096
	add	x6, x6, #1
	b	1b
2:	mov	x0, x2
	b	done

cmd_mmio:
	/* loads */
	mov	x5, #POISON
	ldrb	w5, [x1, #0]
	report	x5
	mov	x9, #POISON
	ldrsb	x9, [x1, #8]
	report	x9
	mov	x15, #POISON
	ldrsb	w15, [x1, #16]
	report	x15
	mov	x21, #POISON
	ldrh	w21, [x1, #24]
	report	x21
	mov	x27, #POISON
	ldrsh	x27, [x1, #32]
	report	x27
	mov	x30, #POISON
	ldrsh	w30, [x1, #40]
	report	x30
	mov	x3, #POISON
	ldr	w3, [x1, #48]
	report	x3
	mov	x14, #POISON
	ldrsw	x14, [x1, #56]
	report	x14
	mov	x18, #POISON
	ldr	x18, [x1, #64]
	report	x18
	/* stores */
	lsr	x6, x2, #8
	lsr	x7, x2, #16
	mvn	x19, x2
	lsr	x10, x2, #24
	strb	w2, [x1, #72]
	strh	w6, [x1, #80]
	str	w7, [x1, #88]
	str	x19, [x1, #96]
	str	w10, [x1, #104]
	str	xzr, [x1, #112]
	mov	x0, #0
	b	done

cmd_store:
	str	x2, [x1]
	mov	x0, #0
	b	done

cmd_load:
	ldr	x0, [x1]
	b	done

cmd_spin:
1:	ldr	x5, [x1]
	cbz	x5, 1b
	mov	x0, x5
	b	done

cmd_jump:
	br	x1

cmd_illegal:
	smc	#0
	mov	x0, #-3
	b	done

/* x5: page, x6: i, x9: sum */
cmd_sum:
	mov	x5, x1
	mov	x6, #0
	mov	x9, #0
1:	cmp	x6, x2
	b.hs	2f
	ldr	x7, [x5]
	add	x9, x9, x7
	add	x5, x5, #4096
	add	x6, x6, #1
	b	1b
2:	mov	x0, x9
	b	done

/* No trap between the REPORT and the last access: nothing invalidates. */
cmd_stale_load:
	ldr	x5, [x1]
	report	x5
1:	ldr	x5, [x1]
	ldr	x6, [x2]
	cbz	x6, 1b
	ldr	x0, [x1]
	b	done

cmd_stale_store:
	str	x3, [x1]
	ldr	x5, [x1]
	report	x5
1:	str	x3, [x1]
	ldr	x6, [x2]
	cbz	x6, 1b
	str	x3, [x1]
	mov	x0, #0
	b	done

/* Two system-register accesses the hypervisor traps: a read, a write. */
cmd_sysreg:
	mov	x11, #0x5a5
	mrs	x11, id_aa64mmfr0_el1
	report	x11
	msr	mdscr_el1, x1
	add	x0, x11, #1
	b	done

	.section .note.GNU-stack, "", %progbits
