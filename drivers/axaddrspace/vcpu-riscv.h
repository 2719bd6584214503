/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world-switch context of a RISC-V vCPU, shared by vcpu-riscv.c and
 * the entry and trap code in vcpu-riscv-switch.S. The assembler sees the
 * offsets only; C checks them against the structure.
 */
#ifndef _AXADDRSPACE_VCPU_RISCV_H
#define _AXADDRSPACE_VCPU_RISCV_H

/* Guest x0 to x31 (the x0 slot is unused). */
#define AXAS_RV_GPR(n)		((n) * 8)
#define AXAS_RV_GUEST_PC	256
#define AXAS_RV_GUEST_SSTATUS	264
#define AXAS_RV_GUEST_HSTATUS	272
/* Host ra, sp, gp, tp, s0 to s11: what a call must keep. */
#define AXAS_RV_HOST(n)		(280 + (n) * 8)
#define AXAS_RV_HOST_SSTATUS	408
#define AXAS_RV_HOST_HSTATUS	416
#define AXAS_RV_HOST_STVEC	424
#define AXAS_RV_HOST_SSCRATCH	432
/* Written by the trap code. */
#define AXAS_RV_SCAUSE		440
#define AXAS_RV_STVAL		448
#define AXAS_RV_HTVAL		456
#define AXAS_RV_HTINST		464
#define AXAS_RV_TRAP_SSTATUS	472
#define AXAS_RV_CTX_SIZE	480

/* struct axas_rv_fp: f0 to f31, then fcsr. */
#define AXAS_RV_FP_F(n)		((n) * 8)
#define AXAS_RV_FP_FCSR		256
#define AXAS_RV_FP_SIZE		264

#ifndef __ASSEMBLY__

#include <linux/types.h>

/**
 * struct axas_rv_ctx - registers switched by vcpu-riscv-switch.S
 * @gpr: the guest's x0 to x31; x0 is never loaded.
 * @pc: the guest's pc (sepc when it trapped).
 * @sstatus: sstatus for the guest entry (SPP set: return to VS-mode).
 * @hstatus: hstatus for the guest entry (SPV set: return to V=1).
 * @host: the host's ra, sp, gp, tp and s0 to s11.
 * @host_sstatus: the host's sstatus, restored at the trap.
 * @host_hstatus: the host's hstatus, restored at the trap.
 * @host_stvec: the host's trap vector, restored at the trap.
 * @host_sscratch: the host's sscratch, restored at the trap.
 * @scause: scause of the trap that ended the run.
 * @stval: its stval.
 * @htval: its htval (guest-physical address >> 2 for guest-page faults).
 * @htinst: its htinst (0, or a transformed instruction).
 * @trap_sstatus: sstatus at the trap: its SPP says whether the guest was
 *	in VS-mode or VU-mode, and so where the next entry returns to.
 */
struct axas_rv_ctx {
	unsigned long gpr[32];
	unsigned long pc;
	unsigned long sstatus;
	unsigned long hstatus;
	unsigned long host[16];
	unsigned long host_sstatus;
	unsigned long host_hstatus;
	unsigned long host_stvec;
	unsigned long host_sscratch;
	unsigned long scause;
	unsigned long stval;
	unsigned long htval;
	unsigned long htinst;
	unsigned long trap_sstatus;
};

/**
 * struct axas_rv_fp - the guest's floating-point registers
 * @f: f0 to f31 (the D extension: 64 bits each).
 * @fcsr: the floating-point control and status register.
 */
struct axas_rv_fp {
	u64 f[32];
	unsigned long fcsr;
};

/* Enter the guest; returns when it traps to HS-mode. Interrupts off. */
void axas_rv_switch(struct axas_rv_ctx *ctx);

/*
 * Store or load every floating-point register. sstatus.FS must be on
 * (kernel_fpu_begin()); only with CONFIG_FPU.
 */
void axas_rv_fp_save(struct axas_rv_fp *fp);
void axas_rv_fp_load(const struct axas_rv_fp *fp);

#endif /* __ASSEMBLY__ */
#endif /* _AXADDRSPACE_VCPU_RISCV_H */
