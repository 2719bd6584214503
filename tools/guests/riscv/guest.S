/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RISC-V test guest of axas_vcpu_test: bare metal, RV64GC, VS-mode
 * with vsatp Bare (guest virtual = guest physical), no stack, no data.
 * Linked at 0x80000000 (guest.lds) and loaded there as a flat binary.
 *
 * Entry at 0x80000000 with a0 = command, a1..a4 = arguments.
 *
 * Hypercalls (ECALL, a7 = number):
 *   0 DONE(a0 = result)    the command is over. Resumed, the guest calls
 *                          DONE again with a0 = the value the host returned.
 *   1 REPORT(a0 = value)   the guest goes on after the call.
 *
 * Commands (anything else: DONE(-1)):
 *   0 NOP                  DONE(a1)
 *   1 TOUCH(a1 = base, a2 = npages, a3 = seed)
 *                          page i: sd (seed + i) at base + i * 4096 and
 *                          sd ~(seed + i) at base + i * 4096 + 4088;
 *                          DONE(npages)
 *   2 MMIO(a1 = address, a2 = value)
 *                          the access sequence below; DONE(0)
 *   3 STORE(a1 = address, a2 = value)  sd a2, 0(a1); DONE(0)
 *   4 LOAD(a1 = address)   ld a0, 0(a1); DONE(a0)
 *   5 SPIN(a1 = address)   ld t0, 0(a1) until it is non-zero; DONE(t0)
 *   6 JUMP(a1 = address)   jr a1
 *   7 ILLEGAL              the all-zero word, an illegal instruction
 *   8 SUM(a1 = base, a2 = npages)
 *                          DONE(sum of the first u64 of each page)
 *   9 STALE_LOAD(a1 = P, a2 = Q)
 *                          ld t0, 0(a1); REPORT(t0); then, resumed,
 *                          { ld t0, 0(a1); ld t1, 0(a2) } until t1 is
 *                          non-zero; ld a0, 0(a1); DONE(a0). While it
 *                          spins, P's translation stays in the TLB; the
 *                          last load shows whether it was invalidated.
 *  15 WFI(a1 = sie bits)    stvec = a handler, sie = a1, sstatus.SIE on,
 *                          wfi: an interrupt taken -> DONE(scause); none
 *                          -> DONE(sip). sie is cleared again.
 *  16 FP(a1 = seed)        sstatus.FS = Initial; f0..f31 = a1 + i (as
 *                          raw bits) and fcsr = 0x67; REPORT(0); then,
 *                          resumed, DONE(registers that changed + 100
 *                          if fcsr did).
 *  10 STALE_STORE(a1 = P, a2 = Q, a3 = value)
 *                          sd a3, 0(a1); ld t0, 0(a1); REPORT(t0); then,
 *                          resumed, { sd a3, 0(a1); ld t1, 0(a2) } until
 *                          t1 is non-zero; sd a3, 0(a1); DONE(0).
 *
 * The word at 0x80000004 calls DONE(-2): a guest that reports -2 was
 * started 4 bytes past the pc the host set.
 *
 * The MMIO sequence, mirrored by mmio_steps[] in axas_vcpu_test.c. Each
 * load first sets its destination to 0x5a5, so that a value written to
 * the wrong register shows; each is followed by REPORT(destination).
 * Only the four c.* instructions are compressed; everything else is 32
 * bits (.option norvc). A compressed access is followed by a compressed
 * instruction whose effect the host sees, so that resuming 4 bytes after
 * it instead of 2 shows too.
 *
 *   step  insn  address  width  extension  register
 *      0  lb    a1+0     1      sign       t0  (x5)
 *      1  lbu   a1+8     1      zero       s1  (x9)
 *      2  lh    a1+16    2      sign       a5  (x15)
 *      3  lhu   a1+24    2      zero       t6  (x31)
 *      4  lw    a1+32    4      sign       s11 (x27)
 *      5  lwu   a1+40    4      zero       ra  (x1)
 *      6  ld    a1+48    8      -          gp  (x3)
 *      7  c.lw  a1+56    4      sign       a4  (x14), then c.mv a0, a4
 *      8  c.ld  a1+64    8      -          s0  (x8),  then c.mv a0, s0
 *   stores, of t1 = a2 >> 8, t2 = a2 >> 16, s2 = ~a2, a3 = a2 >> 24:
 *      9  sb    a1+72    1      a2         -> a2 & 0xff
 *     10  sh    a1+80    2      t1  (x6)   -> (a2 >> 8) & 0xffff
 *     11  sw    a1+88    4      t2  (x7)   -> (a2 >> 16) & 0xffffffff
 *     12  sd    a1+96    8      s2  (x18)  -> ~a2
 *     13  c.sw  a1+104   4      a3  (x13)  -> (a2 >> 24) & 0xffffffff,
 *                                             then c.mv a3, a2
 *     14  c.sd  a1+112   8      a3  (x13)  -> a2 (the c.mv above),
 *                                             then c.li a0, 0
 *   DONE(a0 = 0)
 */

#define HC_DONE		0
#define HC_REPORT	1

#define POISON		0x5a5

	.option norvc

	.section .text.entry, "ax", %progbits
	.globl	_start
_start:
	j	dispatch
	/* 0x80000004: only a start 4 bytes past _start gets here. */
	li	a0, -2
	j	done

dispatch:
	li	t0, 0
	beq	a0, t0, cmd_nop
	li	t0, 1
	beq	a0, t0, cmd_touch
	li	t0, 2
	beq	a0, t0, cmd_mmio
	li	t0, 3
	beq	a0, t0, cmd_store
	li	t0, 4
	beq	a0, t0, cmd_load
	li	t0, 5
	beq	a0, t0, cmd_spin
	li	t0, 6
	beq	a0, t0, cmd_jump
	li	t0, 7
	beq	a0, t0, cmd_illegal
	li	t0, 8
	beq	a0, t0, cmd_sum
	li	t0, 9
	beq	a0, t0, cmd_stale_load
	li	t0, 10
	beq	a0, t0, cmd_stale_store
	li	t0, 15
	beq	a0, t0, cmd_wfi
	li	t0, 16
	beq	a0, t0, cmd_fp
	li	a0, -1
	/* fall through */

/* DONE(a0); resumed, a0 is what the host returned: DONE again. */
done:
	li	a7, HC_DONE
	ecall
	j	done

/* REPORT(\reg) */
.macro report reg
	mv	a0, \reg
	li	a7, HC_REPORT
	ecall
.endm

cmd_nop:
	mv	a0, a1
	j	done

/* t0: page, t1: i, t2: seed + i, t4: 4088, t6: 4096 */
cmd_touch:
	mv	t0, a1
	li	t1, 0
	li	t4, 4088
	li	t6, 4096
1:	bgeu	t1, a2, 2f
	add	t2, a3, t1
	sd	t2, 0(t0)
	not	t3, t2
	add	t5, t0, t4
	sd	t3, 0(t5)
	add	t0, t0, t6
	addi	t1, t1, 1
	j	1b
2:	mv	a0, a2
	j	done

cmd_mmio:
	/* loads */
	li	t0, POISON
	lb	t0, 0(a1)
	report	t0
	li	s1, POISON
	lbu	s1, 8(a1)
	report	s1
	li	a5, POISON
	lh	a5, 16(a1)
	report	a5
	li	t6, POISON
	lhu	t6, 24(a1)
	report	t6
	li	s11, POISON
	lw	s11, 32(a1)
	report	s11
	li	ra, POISON
	lwu	ra, 40(a1)
	report	ra
	li	gp, POISON
	ld	gp, 48(a1)
	report	gp
	li	a4, POISON
	.option push
	.option rvc
	c.lw	a4, 56(a1)
	c.mv	a0, a4
	.option pop
	li	a7, HC_REPORT
	ecall
	li	s0, POISON
	.option push
	.option rvc
	c.ld	s0, 64(a1)
	c.mv	a0, s0
	.option pop
	li	a7, HC_REPORT
	ecall
	/* stores */
	srli	t1, a2, 8
	srli	t2, a2, 16
	not	s2, a2
	srli	a3, a2, 24
	sb	a2, 72(a1)
	sh	t1, 80(a1)
	sw	t2, 88(a1)
	sd	s2, 96(a1)
	.option push
	.option rvc
	c.sw	a3, 104(a1)
	c.mv	a3, a2
	c.sd	a3, 112(a1)
	c.li	a0, 0
	.option pop
	j	done

cmd_store:
	sd	a2, 0(a1)
	li	a0, 0
	j	done

cmd_load:
	ld	a0, 0(a1)
	j	done

cmd_spin:
1:	ld	t0, 0(a1)
	beqz	t0, 1b
	mv	a0, t0
	j	done

cmd_jump:
	jr	a1

cmd_illegal:
	.word	0
	li	a0, -3
	j	done

/* t0: page, t1: i, t3: sum, t6: 4096 */
cmd_sum:
	mv	t0, a1
	li	t1, 0
	li	t3, 0
	li	t6, 4096
1:	bgeu	t1, a2, 2f
	ld	t2, 0(t0)
	add	t3, t3, t2
	add	t0, t0, t6
	addi	t1, t1, 1
	j	1b
2:	mv	a0, t3
	j	done

/* No trap between the REPORT and the last access: nothing flushes. */
cmd_stale_load:
	ld	t0, 0(a1)
	report	t0
1:	ld	t0, 0(a1)
	ld	t1, 0(a2)
	beqz	t1, 1b
	ld	a0, 0(a1)
	j	done

cmd_stale_store:
	sd	a3, 0(a1)
	ld	t0, 0(a1)
	report	t0
1:	sd	a3, 0(a1)
	ld	t1, 0(a2)
	beqz	t1, 1b
	sd	a3, 0(a1)
	li	a0, 0
	j	done

cmd_wfi:
	la	t0, 1f
	csrw	stvec, t0
	csrw	sie, a1
	csrsi	sstatus, 2		/* SIE */
	wfi
	csrci	sstatus, 2
	csrw	sie, zero
	csrr	a0, sip
	j	done
	.balign	4
1:	csrr	a0, scause		/* the interrupt, taken */
	csrw	sie, zero
	j	done

#define FCSR_TEST	0x67	/* frm 3 (RUP), fflags NV, DZ, OF */

cmd_fp:
	li	t0, 0x2000		/* sstatus.FS = Initial */
	csrs	sstatus, t0
	li	t1, FCSR_TEST
	fscsr	t1
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	t2, a1, \n
	fmv.d.x	f\n, t2
	.endr
	report	zero
	li	t3, 0
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fmv.x.d	t2, f\n
	addi	t4, a1, \n
	beq	t2, t4, 1f
	addi	t3, t3, 1
1:
	.endr
	frcsr	t2
	li	t4, FCSR_TEST
	beq	t2, t4, 2f
	addi	t3, t3, 100
2:	mv	a0, t3
	j	done

	.section .note.GNU-stack, "", %progbits
