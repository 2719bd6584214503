/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world-switch context of an AArch64 vCPU, shared by vcpu-arm64.c and
 * the entry, vectors and exit code in vcpu-arm64-switch.S. The assembler
 * sees the offsets only; C checks them against the structure.
 */
#ifndef _AXADDRSPACE_VCPU_ARM64_H
#define _AXADDRSPACE_VCPU_ARM64_H

/* Guest x0 to x30. */
#define AXAS_A64_GPR(n)		((n) * 8)
#define AXAS_A64_PC		248
#define AXAS_A64_PSTATE		256
#define AXAS_A64_SP_EL0		264
#define AXAS_A64_GUEST_HCR	272
#define AXAS_A64_HOST_HCR	280
#define AXAS_A64_HOST_VBAR	288
#define AXAS_A64_HOST_SP_EL0	296
/* Written by the vectors. */
#define AXAS_A64_VECTOR		304
#define AXAS_A64_ESR		312
#define AXAS_A64_FAR		320
#define AXAS_A64_HPFAR		328
#define AXAS_A64_CTX_SIZE	336

/*
 * The host's frame that axas_a64_switch() pushes on its stack: x29, x30,
 * x19 to x28 and the context pointer, where the vectors find it.
 */
#define AXAS_A64_FRAME		112
#define AXAS_A64_FRAME_CTX	96

/* axas_a64_ctx.vector: which entry of the table the exit came through. */
#define AXAS_A64_VEC_SYNC	0	/* lower EL, AArch64 */
#define AXAS_A64_VEC_IRQ	1
#define AXAS_A64_VEC_FIQ	2
#define AXAS_A64_VEC_SERROR	3
#define AXAS_A64_VEC_EL2	4	/* 4 to 7: EL2 itself, SP_EL2 */
#define AXAS_A64_VEC_A32	8	/* 8 to 11: lower EL, AArch32 */

#ifndef __ASSEMBLY__

#include <linux/types.h>

/**
 * struct axas_a64_ctx - registers switched by vcpu-arm64-switch.S
 * @gpr: the guest's x0 to x30.
 * @pc: the guest's pc (ELR_EL2 at entry and at the exit).
 * @pstate: the guest's PSTATE (SPSR_EL2 at entry and at the exit).
 * @sp_el0: the guest's SP_EL0; the host keeps current there.
 * @guest_hcr: HCR_EL2 while the guest runs.
 * @host_hcr: the host's HCR_EL2, restored at the exit.
 * @host_vbar: the host's VBAR_EL2, restored at the exit.
 * @host_sp_el0: the host's SP_EL0, restored at the exit.
 * @vector: AXAS_A64_VEC_* of the exit.
 * @esr: ESR_EL2 at the exit.
 * @far: FAR_EL2 at the exit.
 * @hpfar: HPFAR_EL2 at the exit.
 */
struct axas_a64_ctx {
	u64 gpr[31];
	u64 pc;
	u64 pstate;
	u64 sp_el0;
	u64 guest_hcr;
	u64 host_hcr;
	u64 host_vbar;
	u64 host_sp_el0;
	u64 vector;
	u64 esr;
	u64 far;
	u64 hpfar;
};

/* Enter the guest; returns when it traps to EL2. Interrupts off. */
void axas_a64_switch(struct axas_a64_ctx *ctx);

#endif /* __ASSEMBLY__ */
#endif /* _AXADDRSPACE_VCPU_ARM64_H */
