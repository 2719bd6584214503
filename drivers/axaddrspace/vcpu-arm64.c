// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 vCPUs: guests at EL1 on a Stage-2 table, for a host kernel that
 * runs at EL2 with the Virtualization Host Extensions (HCR_EL2.E2H), after
 * the Arm ARM (DDI 0487): "The Virtualization Host Extensions", "Stage 2
 * translation", "ESR_EL2" and "HCR_EL2".
 *
 * Only such a host can: a kernel at EL1 has no EL2 to trap to, and a
 * kernel with KVM built in lets KVM own EL2 (its vectors, VMIDs and trap
 * configuration), so this module stays out of it there.
 *
 * With E2H set the host's EL1 register names reach EL2 registers; the
 * guest's EL1 registers are reached through the *_EL12 encodings (and the
 * few that have none, such as SP_EL1, TPIDR_EL1 and PAR_EL1, by name).
 * They are loaded at each entry and saved at each exit, so vCPUs of
 * several spaces share a CPU. HCR_EL2 for the guest is VM, RW and E2H,
 * physical IRQ, FIQ and SError to EL2 (IMO, FMO, AMO), SMC trapped (TSC),
 * the ID registers trapped (TID3: the VMM answers them, to show the guest
 * the CPU it models), FWB where the CPU has it, and no TGE. Floating
 * point, SVE and SME trap to EL2 while the guest runs (CPTR_EL2 through
 * CPACR_EL1), and so do the PMU and the debug registers (MDCR_EL2): the
 * guest never sees the host's state in them. Trapped MRS and MSR are
 * SYSREG exits that userspace completes. The host's SP_EL0 (current),
 * TPIDR_EL0 and TPIDRRO_EL0 (its user TLS) are swapped for the guest's
 * too, and PSTATE.PAN, which an exception from the guest leaves as the
 * guest had it, is restored.
 *
 * A guest starts at EL1h with DAIF masked and the MMU off, so its data
 * accesses are Device-nGnRnE and its addresses guest-physical. Invalidation
 * needs nothing here: unmap and protect issue TLBI by VMID broadcast to the
 * inner-shareable domain (arch-arm64.c), and VMIDs are never shared
 * between spaces. Fresh frames need no cache maintenance with FWB (QEMU's
 * -cpu max has it, and models no caches); without FWB an MMU-off guest
 * reads memory non-cacheable, and hardware would need the host's writes
 * cleaned to the point of coherency first, which is not done yet.
 *
 * Not switched yet: the EL1 timers (CNTV_*, CNTP_* of EL1; the host's
 * are the EL2 ones, so a guest cannot disturb them) and the GIC's virtual
 * CPU interface, which a guest has no use for without virtual interrupts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "space.h"
#include "vcpu.h"
#include "vcpu-arm64.h"

static_assert(offsetof(struct axas_a64_ctx, pc) == AXAS_A64_PC);
static_assert(offsetof(struct axas_a64_ctx, pstate) == AXAS_A64_PSTATE);
static_assert(offsetof(struct axas_a64_ctx, sp_el0) == AXAS_A64_SP_EL0);
static_assert(offsetof(struct axas_a64_ctx, guest_hcr) == AXAS_A64_GUEST_HCR);
static_assert(offsetof(struct axas_a64_ctx, host_hcr) == AXAS_A64_HOST_HCR);
static_assert(offsetof(struct axas_a64_ctx, host_vbar) == AXAS_A64_HOST_VBAR);
static_assert(offsetof(struct axas_a64_ctx, host_sp_el0) ==
	      AXAS_A64_HOST_SP_EL0);
static_assert(offsetof(struct axas_a64_ctx, vector) == AXAS_A64_VECTOR);
static_assert(offsetof(struct axas_a64_ctx, esr) == AXAS_A64_ESR);
static_assert(offsetof(struct axas_a64_ctx, far) == AXAS_A64_FAR);
static_assert(offsetof(struct axas_a64_ctx, hpfar) == AXAS_A64_HPFAR);
static_assert(sizeof(struct axas_a64_ctx) == AXAS_A64_CTX_SIZE);

#define A64_REG_X0		0
#define A64_REG_X8		8
#define A64_REG_ZR		31	/* Rt 31 of a load or store: xzr */
#define A64_INSN_LEN		4

/* EL1h, D, A, I and F masked: where a new guest starts. */
#define A64_PSTATE_RESET	(PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | \
				 PSR_I_BIT | PSR_F_BIT)

/* SCTLR_EL1 at reset, MMU and caches off: the RES1 bits of ARMv8.0. */
#define A64_SCTLR_RESET		(BIT(29) | BIT(28) | BIT(23) | BIT(22) | \
				 BIT(20) | BIT(11))

/* HPFAR_EL2.FIPA, bits [47:4]: IPA[51:12]. */
#define A64_HPFAR_FIPA		GENMASK_ULL(47, 4)

/* VTCR_EL2 fields the check reads (fmt-arm-s2.c sets them). */
#define A64_VTCR_T0SZ		GENMASK_ULL(5, 0)
#define A64_VTCR_PS_SHIFT	16
#define A64_VTCR_PS		GENMASK_ULL(18, 16)
#define A64_VTCR_VS		BIT_ULL(19)
#define A64_VTCR_HA		BIT_ULL(21)
#define A64_VTCR_HD		BIT_ULL(22)
#define A64_VTTBR_VMID_SHIFT	48

/* The guest's EL1 (and EL0) system registers, saved between runs. */
enum {
	A64_SCTLR, A64_CPACR, A64_TTBR0, A64_TTBR1, A64_TCR, A64_MAIR,
	A64_AMAIR, A64_VBAR, A64_CONTEXTIDR, A64_ELR, A64_SPSR, A64_ESR,
	A64_FAR, A64_AFSR0, A64_AFSR1, A64_CNTKCTL, A64_TPIDR_EL1, A64_PAR,
	A64_SP_EL1, A64_TPIDR_EL0, A64_TPIDRRO_EL0, A64_NR_SYSREGS,
};

/**
 * struct axas_a64_vcpu - an AArch64 vCPU
 * @ctx: registers the world switch moves.
 * @vttbr: the space's VTTBR_EL2 (root and VMID).
 * @vtcr: the space's VTCR_EL2, PS fitted to this CPU.
 * @sysregs: the guest's EL1 system registers, by A64_* index.
 */
struct axas_a64_vcpu {
	struct axas_a64_ctx ctx;
	u64 vttbr;
	u64 vtcr;
	u64 sysregs[A64_NR_SYSREGS];
};

static struct axas_a64_vcpu *axas_a64(struct axas_vcpu *vcpu)
{
	return vcpu->arch;
}

/* Why this host runs no guests, or NULL. */
const char *axas_arch_vcpu_unsupported(void)
{
	if (IS_ENABLED(CONFIG_KVM))
		return "KVM is built in and owns EL2";
	if (!is_kernel_in_hyp_mode())
		return "the kernel runs at EL1, not at EL2 with VHE";
	/*
	 * With pseudo-NMIs, "interrupts off" is the GIC's priority mask, which
	 * would keep host interrupts from ending a run: not handled yet.
	 */
	if (system_uses_irq_prio_masking())
		return "pseudo-NMIs (GIC priority masking) are on";
	return NULL;
}

/* Nothing to enable: the CPU is always in a mode to run guests. */
int axas_arch_vcpu_hw_enable(void)
{
	return 0;
}

void axas_arch_vcpu_hw_disable(void)
{
}

int axas_arch_vcpu_format(void)
{
	return AXAS_FMT_ARM_S2;
}

bool axas_arch_vcpu_supported(void)
{
	return !axas_arch_vcpu_unsupported();
}

/* ID_AA64MMFR0_EL1.PARange, the same on every CPU the kernel runs. */
static unsigned int axas_a64_parange(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);

	return cpuid_feature_extract_unsigned_field(mmfr0, ID_AA64MMFR0_EL1_PARANGE_SHIFT);
}

/* PARange in bits; 0 for a value not defined. */
static unsigned int axas_a64_pa_bits(unsigned int parange)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange < ARRAY_SIZE(bits) ? bits[parange] : 0;
}

int axas_arch_vcpu_check_space(struct axas_space *as)
{
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	unsigned int parange, pa_bits, ia_bits, vmid_bits;
	struct axas_hw_regs regs;

	if (as->format != AXAS_FMT_ARM_S2)
		return -EINVAL;
	axas_hw_regs(as, &regs);
	parange = axas_a64_parange();
	/* PS beyond PARange is clamped at entry; PARange bounds the IPA. */
	pa_bits = axas_a64_pa_bits(min_t(unsigned int, parange, 6));
	ia_bits = 64 - (regs.ctl & A64_VTCR_T0SZ);
	if (!pa_bits || ia_bits > pa_bits)
		return -EINVAL;
	/* VTCR_EL2.VS picks 8 or 16 VMID bits; the CPU must have them. */
	vmid_bits = regs.ctl & A64_VTCR_VS ? 16 : 8;
	if (vmid_bits > get_vmid_bits(mmfr1) ||
	    regs.root >> A64_VTTBR_VMID_SHIFT >= BIT(vmid_bits))
		return -EINVAL;
	/* Hardware AF and dirty updates would hide the faults we serve. */
	if (regs.ctl & (A64_VTCR_HA | A64_VTCR_HD))
		return -EINVAL;
	return 0;
}

int axas_arch_vcpu_init(struct axas_vcpu *vcpu)
{
	struct axas_hw_regs regs;
	struct axas_a64_vcpu *a;
	unsigned int parange;
	u64 ps;

	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	axas_hw_regs(vcpu->as, &regs);
	a->vttbr = regs.root;
	a->vtcr = regs.ctl;
	parange = axas_a64_parange();
	ps = (a->vtcr & A64_VTCR_PS) >> A64_VTCR_PS_SHIFT;
	if (parange < ps) {
		a->vtcr &= ~A64_VTCR_PS;
		a->vtcr |= (u64)parange << A64_VTCR_PS_SHIFT;
	}

	a->ctx.guest_hcr = HCR_VM | HCR_RW | HCR_E2H | HCR_IMO | HCR_FMO |
			   HCR_AMO | HCR_TSC | HCR_TID3;
	if (cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
		a->ctx.guest_hcr |= HCR_FWB;
	a->ctx.pstate = A64_PSTATE_RESET;
	a->sysregs[A64_SCTLR] = A64_SCTLR_RESET;
	vcpu->arch = a;
	return 0;
}

void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu)
{
	kfree(vcpu->arch);
	vcpu->arch = NULL;
}

void axas_arch_get_regs(struct axas_vcpu *vcpu, struct axas_regs *regs)
{
	struct axas_a64_vcpu *a = axas_a64(vcpu);
	unsigned int i;

	regs->pc = a->ctx.pc;
	for (i = 0; i < 31; i++)
		regs->gpr[i] = a->ctx.gpr[i];
	regs->gpr[31] = a->sysregs[A64_SP_EL1];
}

int axas_arch_set_regs(struct axas_vcpu *vcpu, const struct axas_regs *regs)
{
	struct axas_a64_vcpu *a = axas_a64(vcpu);
	unsigned int i;

	/* A64 instructions are 4 bytes, 4-byte aligned. */
	if (regs->pc & 3 || memchr_inv(regs->arch, 0, sizeof(regs->arch)))
		return -EINVAL;
	a->ctx.pc = regs->pc;
	for (i = 0; i < 31; i++)
		a->ctx.gpr[i] = regs->gpr[i];
	a->sysregs[A64_SP_EL1] = regs->gpr[31];
	/* A new start: EL1h, interrupts masked. */
	a->ctx.pstate = A64_PSTATE_RESET;
	return 0;
}

static void axas_a64_load_el1(const u64 *r)
{
	write_sysreg_s(r[A64_SCTLR], SYS_SCTLR_EL12);
	write_sysreg_s(r[A64_CPACR], SYS_CPACR_EL12);
	write_sysreg_s(r[A64_TTBR0], SYS_TTBR0_EL12);
	write_sysreg_s(r[A64_TTBR1], SYS_TTBR1_EL12);
	write_sysreg_s(r[A64_TCR], SYS_TCR_EL12);
	write_sysreg_s(r[A64_MAIR], SYS_MAIR_EL12);
	write_sysreg_s(r[A64_AMAIR], SYS_AMAIR_EL12);
	write_sysreg_s(r[A64_VBAR], SYS_VBAR_EL12);
	write_sysreg_s(r[A64_CONTEXTIDR], SYS_CONTEXTIDR_EL12);
	write_sysreg_s(r[A64_ELR], SYS_ELR_EL12);
	write_sysreg_s(r[A64_SPSR], SYS_SPSR_EL12);
	write_sysreg_s(r[A64_ESR], SYS_ESR_EL12);
	write_sysreg_s(r[A64_FAR], SYS_FAR_EL12);
	write_sysreg_s(r[A64_AFSR0], SYS_AFSR0_EL12);
	write_sysreg_s(r[A64_AFSR1], SYS_AFSR1_EL12);
	write_sysreg_s(r[A64_CNTKCTL], SYS_CNTKCTL_EL12);
	write_sysreg(r[A64_TPIDR_EL1], tpidr_el1);
	write_sysreg(r[A64_PAR], par_el1);
	write_sysreg(r[A64_SP_EL1], sp_el1);
	write_sysreg(r[A64_TPIDR_EL0], tpidr_el0);
	write_sysreg(r[A64_TPIDRRO_EL0], tpidrro_el0);
}

static void axas_a64_save_el1(u64 *r)
{
	r[A64_SCTLR] = read_sysreg_s(SYS_SCTLR_EL12);
	r[A64_CPACR] = read_sysreg_s(SYS_CPACR_EL12);
	r[A64_TTBR0] = read_sysreg_s(SYS_TTBR0_EL12);
	r[A64_TTBR1] = read_sysreg_s(SYS_TTBR1_EL12);
	r[A64_TCR] = read_sysreg_s(SYS_TCR_EL12);
	r[A64_MAIR] = read_sysreg_s(SYS_MAIR_EL12);
	r[A64_AMAIR] = read_sysreg_s(SYS_AMAIR_EL12);
	r[A64_VBAR] = read_sysreg_s(SYS_VBAR_EL12);
	r[A64_CONTEXTIDR] = read_sysreg_s(SYS_CONTEXTIDR_EL12);
	r[A64_ELR] = read_sysreg_s(SYS_ELR_EL12);
	r[A64_SPSR] = read_sysreg_s(SYS_SPSR_EL12);
	r[A64_ESR] = read_sysreg_s(SYS_ESR_EL12);
	r[A64_FAR] = read_sysreg_s(SYS_FAR_EL12);
	r[A64_AFSR0] = read_sysreg_s(SYS_AFSR0_EL12);
	r[A64_AFSR1] = read_sysreg_s(SYS_AFSR1_EL12);
	r[A64_CNTKCTL] = read_sysreg_s(SYS_CNTKCTL_EL12);
	r[A64_TPIDR_EL1] = read_sysreg(tpidr_el1);
	r[A64_PAR] = read_sysreg(par_el1);
	r[A64_SP_EL1] = read_sysreg(sp_el1);
	r[A64_TPIDR_EL0] = read_sysreg(tpidr_el0);
	r[A64_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
}

/* Translation, access flag and permission faults: what Stage-2 serves. */
static bool axas_a64_s2_fault(u64 esr)
{
	switch (esr & ESR_ELx_FSC_TYPE) {
	case ESR_ELx_FSC_FAULT:
	case ESR_ELx_FSC_ACCESS:
	case ESR_ELx_FSC_PERM:
		return true;
	}
	return false;
}

/* Interrupts are off: nothing else runs on this CPU meanwhile. */
void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_a64_vcpu *a = axas_a64(vcpu);
	struct axas_a64_ctx *ctx = &a->ctx;
	u64 vttbr, vtcr, cptr, mdcr, tpidr, tpidrro, daif, esr, ec;
	bool pan = false;

	daif = read_sysreg(daif);
	if (cpus_have_final_cap(ARM64_HAS_PAN))
		pan = read_sysreg_s(SYS_PSTATE_PAN);
	vttbr = read_sysreg(vttbr_el2);
	vtcr = read_sysreg(vtcr_el2);
	cptr = read_sysreg(cpacr_el1);	/* CPTR_EL2, with E2H */
	mdcr = read_sysreg(mdcr_el2);
	tpidr = read_sysreg(tpidr_el0);
	tpidrro = read_sysreg(tpidrro_el0);

	/* Only an AArch64 EL1 or EL0 state goes back in. */
	switch (ctx->pstate & (PSR_MODE32_BIT | PSR_MODE_MASK)) {
	case PSR_MODE_EL0t:
	case PSR_MODE_EL1t:
	case PSR_MODE_EL1h:
		break;
	default:
		ctx->pstate = A64_PSTATE_RESET;
	}

	axas_a64_load_el1(a->sysregs);
	write_sysreg(a->vtcr, vtcr_el2);
	write_sysreg(a->vttbr, vttbr_el2);
	write_sysreg(cptr & ~(CPACR_ELx_FPEN | CPACR_ELx_ZEN | CPACR_ELx_SMEN),
		     cpacr_el1);
	write_sysreg(mdcr | MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TDA |
		     MDCR_EL2_TDOSA | MDCR_EL2_TDRA, mdcr_el2);
	isb();
	/* Guest code written through the host's mapping. */
	icache_inval_all_pou();

	axas_a64_switch(ctx);

	axas_a64_save_el1(a->sysregs);
	write_sysreg(tpidr, tpidr_el0);
	write_sysreg(tpidrro, tpidrro_el0);
	write_sysreg(mdcr, mdcr_el2);
	write_sysreg(cptr, cpacr_el1);
	write_sysreg(vttbr, vttbr_el2);
	write_sysreg(vtcr, vtcr_el2);
	isb();
	if (pan)
		set_pstate_pan(1);
	write_sysreg(daif, daif);

	memset(trap, 0, sizeof(*trap));
	esr = ctx->esr;
	switch (ctx->vector) {
	case AXAS_A64_VEC_IRQ:
	case AXAS_A64_VEC_FIQ:
		trap->kind = AXAS_TRAP_IRQ;
		return;
	case AXAS_A64_VEC_SYNC:
		break;
	default:
		if (ctx->vector >= AXAS_A64_VEC_EL2 &&
		    ctx->vector < AXAS_A64_VEC_A32)
			pr_warn_ratelimited("exception at EL2 during a guest entry: vector %llu, ESR %#llx, ELR %#llx\n",
					    ctx->vector, esr, ctx->pc);
		goto other;
	}

	ec = ESR_ELx_EC(esr);
	switch (ec) {
	case ESR_ELx_EC_HVC64:
		trap->kind = AXAS_TRAP_HYPERCALL;
		return;
	case ESR_ELx_EC_SYS64:	/* MRS or MSR trapped by HCR_EL2 or MDCR_EL2 */
		trap->kind = AXAS_TRAP_SYSREG;
		trap->info[0] = esr;
		trap->info[1] = ctx->far;
		trap->info[2] = ctx->pc;
		trap->info[3] = ctx->hpfar;
		return;
	case ESR_ELx_EC_IABT_LOW:
		if (!axas_a64_s2_fault(esr))
			goto other;
		trap->access = AXAS_EXEC;
		break;
	case ESR_ELx_EC_DABT_LOW:
		if (!axas_a64_s2_fault(esr))
			goto other;
		trap->access = esr & ESR_ELx_WNR ? AXAS_WRITE : AXAS_READ;
		break;
	default:
		goto other;
	}
	/* HPFAR_EL2 has the page, FAR_EL2 the offset in it. */
	trap->kind = AXAS_TRAP_GUEST_FAULT;
	trap->gpa = ((ctx->hpfar & A64_HPFAR_FIPA) << 8) |
		    (ctx->far & ~PAGE_MASK);
	trap->info[2] = ctx->pc;
	return;

other:
	trap->kind = AXAS_TRAP_OTHER;
	trap->info[0] = esr;
	trap->info[1] = ctx->far;
	trap->info[2] = ctx->pc;
	trap->info[3] = ctx->hpfar;
}

void axas_arch_hypercall_args(struct axas_vcpu *vcpu, u64 *nr, u64 args[6])
{
	struct axas_a64_ctx *ctx = &axas_a64(vcpu)->ctx;
	unsigned int i;

	*nr = ctx->gpr[A64_REG_X8];
	for (i = 0; i < 6; i++)
		args[i] = ctx->gpr[A64_REG_X0 + i];
}

/* ELR_EL2 after an HVC is already the next instruction. */
void axas_arch_hypercall_done(struct axas_vcpu *vcpu, u64 ret)
{
	axas_a64(vcpu)->ctx.gpr[A64_REG_X0] = ret;
}

/*
 * The syndrome describes the access when ESR_EL2.ISV is set (a load or
 * store of one general-purpose register without writeback); the rest is
 * not decoded. @info gets the pc and, for the record, the instruction.
 */
int axas_arch_decode_mmio(struct axas_vcpu *vcpu,
			  const struct axas_trap *trap,
			  struct axas_mmio_insn *mi, u64 *data, u64 info[2])
{
	struct axas_a64_vcpu *a = axas_a64(vcpu);
	struct axas_a64_ctx *ctx = &a->ctx;
	u64 esr = ctx->esr;
	u32 insn = 0;

	info[0] = ctx->pc;
	info[1] = 0;
	/* With the guest's MMU off its pc is guest-physical. */
	if (!(a->sysregs[A64_SCTLR] & SCTLR_ELx_M) &&
	    !axas_read(vcpu->as, ctx->pc, &insn, sizeof(insn)))
		info[1] = insn;
	if (!(esr & ESR_ELx_ISV))
		return -EOPNOTSUPP;
	mi->len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	mi->insn_len = esr & ESR_ELx_IL ? 4 : 2;
	mi->reg = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	mi->write = !!(esr & ESR_ELx_WNR);
	mi->sign_extend = !mi->write && (esr & ESR_ELx_SSE);
	mi->dest32 = !mi->write && !(esr & ESR_ELx_SF);
	/* The syndrome must describe the access that faulted. */
	if (mi->write != !!(trap->access & AXAS_WRITE))
		return -EINVAL;
	if (mi->write)
		*data = mi->reg == A64_REG_ZR ? 0 : ctx->gpr[mi->reg];
	else
		*data = 0;
	return 0;
}

void axas_arch_mmio_done(struct axas_vcpu *vcpu,
			 const struct axas_mmio_insn *mi, u64 data)
{
	struct axas_a64_ctx *ctx = &axas_a64(vcpu)->ctx;

	if (!mi->write && mi->reg != A64_REG_ZR)
		ctx->gpr[mi->reg] = mi->dest32 ? (u32)data : data;
	ctx->pc += mi->insn_len;
}

/*
 * ESR_EL2's ISS for EC 0x18 names the register (Op0, Op1, CRn, CRm, Op2),
 * the general-purpose register Rt and the direction. The access finishes
 * like an 8-byte load or store of Rt: the next run writes a read's value
 * to Rt (xzr: nowhere) and steps over the instruction.
 */
int axas_arch_decode_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap,
			    struct axas_mmio_insn *mi, u32 *encoding, u64 *data)
{
	struct axas_a64_ctx *ctx = &axas_a64(vcpu)->ctx;
	u64 esr = trap->info[0];
	u32 op0, op1, crn, crm, op2;

	op0 = (esr & ESR_ELx_SYS64_ISS_OP0_MASK) >> ESR_ELx_SYS64_ISS_OP0_SHIFT;
	op1 = (esr & ESR_ELx_SYS64_ISS_OP1_MASK) >> ESR_ELx_SYS64_ISS_OP1_SHIFT;
	crn = (esr & ESR_ELx_SYS64_ISS_CRN_MASK) >> ESR_ELx_SYS64_ISS_CRN_SHIFT;
	crm = (esr & ESR_ELx_SYS64_ISS_CRM_MASK) >> ESR_ELx_SYS64_ISS_CRM_SHIFT;
	op2 = (esr & ESR_ELx_SYS64_ISS_OP2_MASK) >> ESR_ELx_SYS64_ISS_OP2_SHIFT;
	*encoding = AXAS_SYSREG(op0, op1, crn, crm, op2);

	memset(mi, 0, sizeof(*mi));
	mi->len = 8;
	mi->insn_len = 4;
	mi->reg = (esr & ESR_ELx_SYS64_ISS_RT_MASK) >> ESR_ELx_SYS64_ISS_RT_SHIFT;
	mi->write = (esr & ESR_ELx_SYS64_ISS_DIR_MASK) ==
		    ESR_ELx_SYS64_ISS_DIR_WRITE;
	*data = mi->write && mi->reg != A64_REG_ZR ? ctx->gpr[mi->reg] : 0;
	return 0;
}
