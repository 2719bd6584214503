/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V world switch: from the host in HS-mode into a guest in VS-mode
 * and back, after the privileged specification's "Hypervisor Extension"
 * (hstatus.SPV, sret, traps from V=1 into HS-mode).
 *
 * axas_rv_switch() saves what the calling convention says a callee keeps,
 * swaps sstatus, hstatus, stvec and sscratch for the guest's values, loads
 * the guest's registers and returns into the guest with sret. Every trap
 * from the guest then lands on axas_rv_trap, the vector installed for the
 * run: sscratch holds the context, so one swap frees a register to save
 * the guest's registers and the trap CSRs with; then the host's CSRs and
 * registers come back and axas_rv_switch() returns to its caller.
 *
 * The caller runs with interrupts disabled, so nothing in HS-mode can trap
 * between the vector swap and sret, nor after the trap before the host's
 * vector is back. While the guest runs, HS-mode interrupts are enabled
 * whatever sstatus.SIE says (V=1 is less privileged), so a host interrupt
 * ends the run here and is taken once the caller enables interrupts.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/csr.h>

#include "vcpu-riscv.h"

	.text

/* void axas_rv_switch(struct axas_rv_ctx *ctx), ctx in a0 */
SYM_FUNC_START(axas_rv_switch)
	REG_S	ra, AXAS_RV_HOST(0)(a0)
	REG_S	sp, AXAS_RV_HOST(1)(a0)
	REG_S	gp, AXAS_RV_HOST(2)(a0)
	REG_S	tp, AXAS_RV_HOST(3)(a0)
	REG_S	s0, AXAS_RV_HOST(4)(a0)
	REG_S	s1, AXAS_RV_HOST(5)(a0)
	REG_S	s2, AXAS_RV_HOST(6)(a0)
	REG_S	s3, AXAS_RV_HOST(7)(a0)
	REG_S	s4, AXAS_RV_HOST(8)(a0)
	REG_S	s5, AXAS_RV_HOST(9)(a0)
	REG_S	s6, AXAS_RV_HOST(10)(a0)
	REG_S	s7, AXAS_RV_HOST(11)(a0)
	REG_S	s8, AXAS_RV_HOST(12)(a0)
	REG_S	s9, AXAS_RV_HOST(13)(a0)
	REG_S	s10, AXAS_RV_HOST(14)(a0)
	REG_S	s11, AXAS_RV_HOST(15)(a0)

	/* The guest's CSRs in, the host's kept for the trap. */
	REG_L	t0, AXAS_RV_GUEST_SSTATUS(a0)
	REG_L	t1, AXAS_RV_GUEST_HSTATUS(a0)
	REG_L	t2, AXAS_RV_GUEST_PC(a0)
	la	t3, axas_rv_trap
	csrrw	t0, CSR_SSTATUS, t0
	csrrw	t1, CSR_HSTATUS, t1
	csrw	CSR_SEPC, t2
	csrrw	t3, CSR_STVEC, t3
	csrrw	t4, CSR_SSCRATCH, a0
	REG_S	t0, AXAS_RV_HOST_SSTATUS(a0)
	REG_S	t1, AXAS_RV_HOST_HSTATUS(a0)
	REG_S	t3, AXAS_RV_HOST_STVEC(a0)
	REG_S	t4, AXAS_RV_HOST_SSCRATCH(a0)

	/* The guest's registers, a0 last. */
	REG_L	ra, AXAS_RV_GPR(1)(a0)
	REG_L	sp, AXAS_RV_GPR(2)(a0)
	REG_L	gp, AXAS_RV_GPR(3)(a0)
	REG_L	tp, AXAS_RV_GPR(4)(a0)
	REG_L	t0, AXAS_RV_GPR(5)(a0)
	REG_L	t1, AXAS_RV_GPR(6)(a0)
	REG_L	t2, AXAS_RV_GPR(7)(a0)
	REG_L	s0, AXAS_RV_GPR(8)(a0)
	REG_L	s1, AXAS_RV_GPR(9)(a0)
	REG_L	a1, AXAS_RV_GPR(11)(a0)
	REG_L	a2, AXAS_RV_GPR(12)(a0)
	REG_L	a3, AXAS_RV_GPR(13)(a0)
	REG_L	a4, AXAS_RV_GPR(14)(a0)
	REG_L	a5, AXAS_RV_GPR(15)(a0)
	REG_L	a6, AXAS_RV_GPR(16)(a0)
	REG_L	a7, AXAS_RV_GPR(17)(a0)
	REG_L	s2, AXAS_RV_GPR(18)(a0)
	REG_L	s3, AXAS_RV_GPR(19)(a0)
	REG_L	s4, AXAS_RV_GPR(20)(a0)
	REG_L	s5, AXAS_RV_GPR(21)(a0)
	REG_L	s6, AXAS_RV_GPR(22)(a0)
	REG_L	s7, AXAS_RV_GPR(23)(a0)
	REG_L	s8, AXAS_RV_GPR(24)(a0)
	REG_L	s9, AXAS_RV_GPR(25)(a0)
	REG_L	s10, AXAS_RV_GPR(26)(a0)
	REG_L	s11, AXAS_RV_GPR(27)(a0)
	REG_L	t3, AXAS_RV_GPR(28)(a0)
	REG_L	t4, AXAS_RV_GPR(29)(a0)
	REG_L	t5, AXAS_RV_GPR(30)(a0)
	REG_L	t6, AXAS_RV_GPR(31)(a0)
	REG_L	a0, AXAS_RV_GPR(10)(a0)
	sret
SYM_FUNC_END(axas_rv_switch)

	/* stvec in direct mode: the vector's low two bits must be 0. */
	.balign	4
SYM_CODE_START(axas_rv_trap)
	/* a0 <-> sscratch: the context in a0, the guest's a0 in sscratch. */
	csrrw	a0, CSR_SSCRATCH, a0
	REG_S	ra, AXAS_RV_GPR(1)(a0)
	REG_S	sp, AXAS_RV_GPR(2)(a0)
	REG_S	gp, AXAS_RV_GPR(3)(a0)
	REG_S	tp, AXAS_RV_GPR(4)(a0)
	REG_S	t0, AXAS_RV_GPR(5)(a0)
	REG_S	t1, AXAS_RV_GPR(6)(a0)
	REG_S	t2, AXAS_RV_GPR(7)(a0)
	REG_S	s0, AXAS_RV_GPR(8)(a0)
	REG_S	s1, AXAS_RV_GPR(9)(a0)
	REG_S	a1, AXAS_RV_GPR(11)(a0)
	REG_S	a2, AXAS_RV_GPR(12)(a0)
	REG_S	a3, AXAS_RV_GPR(13)(a0)
	REG_S	a4, AXAS_RV_GPR(14)(a0)
	REG_S	a5, AXAS_RV_GPR(15)(a0)
	REG_S	a6, AXAS_RV_GPR(16)(a0)
	REG_S	a7, AXAS_RV_GPR(17)(a0)
	REG_S	s2, AXAS_RV_GPR(18)(a0)
	REG_S	s3, AXAS_RV_GPR(19)(a0)
	REG_S	s4, AXAS_RV_GPR(20)(a0)
	REG_S	s5, AXAS_RV_GPR(21)(a0)
	REG_S	s6, AXAS_RV_GPR(22)(a0)
	REG_S	s7, AXAS_RV_GPR(23)(a0)
	REG_S	s8, AXAS_RV_GPR(24)(a0)
	REG_S	s9, AXAS_RV_GPR(25)(a0)
	REG_S	s10, AXAS_RV_GPR(26)(a0)
	REG_S	s11, AXAS_RV_GPR(27)(a0)
	REG_S	t3, AXAS_RV_GPR(28)(a0)
	REG_S	t4, AXAS_RV_GPR(29)(a0)
	REG_S	t5, AXAS_RV_GPR(30)(a0)
	REG_S	t6, AXAS_RV_GPR(31)(a0)

	/* The guest's a0 and pc, and why it trapped. */
	REG_L	t0, AXAS_RV_HOST_SSCRATCH(a0)
	csrrw	t0, CSR_SSCRATCH, t0
	REG_S	t0, AXAS_RV_GPR(10)(a0)
	csrr	t0, CSR_SEPC
	REG_S	t0, AXAS_RV_GUEST_PC(a0)
	csrr	t0, CSR_SCAUSE
	REG_S	t0, AXAS_RV_SCAUSE(a0)
	csrr	t0, CSR_STVAL
	REG_S	t0, AXAS_RV_STVAL(a0)
	csrr	t0, CSR_HTVAL
	REG_S	t0, AXAS_RV_HTVAL(a0)
	csrr	t0, CSR_HTINST
	REG_S	t0, AXAS_RV_HTINST(a0)
	csrr	t0, CSR_SSTATUS
	REG_S	t0, AXAS_RV_TRAP_SSTATUS(a0)

	/* The host's CSRs back: its vector first. */
	REG_L	t0, AXAS_RV_HOST_STVEC(a0)
	REG_L	t1, AXAS_RV_HOST_HSTATUS(a0)
	REG_L	t2, AXAS_RV_HOST_SSTATUS(a0)
	csrw	CSR_STVEC, t0
	csrw	CSR_HSTATUS, t1
	csrw	CSR_SSTATUS, t2

	REG_L	ra, AXAS_RV_HOST(0)(a0)
	REG_L	sp, AXAS_RV_HOST(1)(a0)
	REG_L	gp, AXAS_RV_HOST(2)(a0)
	REG_L	tp, AXAS_RV_HOST(3)(a0)
	REG_L	s0, AXAS_RV_HOST(4)(a0)
	REG_L	s1, AXAS_RV_HOST(5)(a0)
	REG_L	s2, AXAS_RV_HOST(6)(a0)
	REG_L	s3, AXAS_RV_HOST(7)(a0)
	REG_L	s4, AXAS_RV_HOST(8)(a0)
	REG_L	s5, AXAS_RV_HOST(9)(a0)
	REG_L	s6, AXAS_RV_HOST(10)(a0)
	REG_L	s7, AXAS_RV_HOST(11)(a0)
	REG_L	s8, AXAS_RV_HOST(12)(a0)
	REG_L	s9, AXAS_RV_HOST(13)(a0)
	REG_L	s10, AXAS_RV_HOST(14)(a0)
	REG_L	s11, AXAS_RV_HOST(15)(a0)
	ret
SYM_CODE_END(axas_rv_trap)

#ifdef CONFIG_FPU
/*
 * The guest's floating-point registers, moved while the host's own are
 * saved away by kernel_fpu_begin() (vcpu-riscv.c). a0: struct axas_rv_fp.
 */
SYM_FUNC_START(axas_rv_fp_save)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fsd	f\n, AXAS_RV_FP_F(\n)(a0)
	.endr
	frcsr	t0
	REG_S	t0, AXAS_RV_FP_FCSR(a0)
	ret
SYM_FUNC_END(axas_rv_fp_save)

SYM_FUNC_START(axas_rv_fp_load)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fld	f\n, AXAS_RV_FP_F(\n)(a0)
	.endr
	REG_L	t0, AXAS_RV_FP_FCSR(a0)
	fscsr	t0
	ret
SYM_FUNC_END(axas_rv_fp_load)
#endif /* CONFIG_FPU */
