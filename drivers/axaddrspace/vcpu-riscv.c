// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V vCPUs: guests in VS-mode on a G-stage table, for a host kernel in
 * HS-mode (the H extension), after the privileged specification's
 * "Hypervisor Extension".
 *
 * A guest entry points hgatp at the space (mode, VMID, root), loads the
 * guest's VS-level CSRs, delegates nothing (hedeleg and hideleg 0: every
 * guest trap comes to us) and switches (vcpu-riscv-switch.S). Afterwards
 * the VS-level CSRs are saved, the host's delegation comes back and hgatp
 * is cleared, so that no CPU keeps walking a table between runs.
 *
 * The guest starts with vsatp Bare, so its virtual addresses are
 * guest-physical; MMIO decoding reads the trapped instruction through the
 * space at the guest's pc and refuses a guest that turned paging on. QEMU
 * leaves htinst 0; a transformed instruction in htinst is used when a
 * CPU provides one.
 *
 * Invalidation needs nothing here: unmap and protect fence the space's
 * VMID on every hart through SBI (arch-riscv.c), and VMIDs are never
 * shared between spaces.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/csr.h>
#include <asm/hwcap.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "space.h"
#include "vcpu.h"
#include "vcpu-riscv.h"

static_assert(offsetof(struct axas_rv_ctx, pc) == AXAS_RV_GUEST_PC);
static_assert(offsetof(struct axas_rv_ctx, sstatus) == AXAS_RV_GUEST_SSTATUS);
static_assert(offsetof(struct axas_rv_ctx, hstatus) == AXAS_RV_GUEST_HSTATUS);
static_assert(offsetof(struct axas_rv_ctx, host) == AXAS_RV_HOST(0));
static_assert(offsetof(struct axas_rv_ctx, host_sstatus) ==
	      AXAS_RV_HOST_SSTATUS);
static_assert(offsetof(struct axas_rv_ctx, host_hstatus) ==
	      AXAS_RV_HOST_HSTATUS);
static_assert(offsetof(struct axas_rv_ctx, host_stvec) == AXAS_RV_HOST_STVEC);
static_assert(offsetof(struct axas_rv_ctx, host_sscratch) ==
	      AXAS_RV_HOST_SSCRATCH);
static_assert(offsetof(struct axas_rv_ctx, scause) == AXAS_RV_SCAUSE);
static_assert(offsetof(struct axas_rv_ctx, stval) == AXAS_RV_STVAL);
static_assert(offsetof(struct axas_rv_ctx, htval) == AXAS_RV_HTVAL);
static_assert(offsetof(struct axas_rv_ctx, htinst) == AXAS_RV_HTINST);
static_assert(sizeof(struct axas_rv_ctx) == AXAS_RV_CTX_SIZE);

#define RV_REG_A0	10
#define RV_REG_A7	17
#define RV_ECALL_LEN	4

/**
 * struct axas_rv_vcpu - a RISC-V vCPU
 * @ctx: registers the world switch moves.
 * @hgatp: the space's hgatp (mode, VMID, root).
 * @vsstatus: the guest's VS-level CSRs, kept between runs.
 * @vsie: see @vsstatus.
 * @vstvec: see @vsstatus.
 * @vsscratch: see @vsstatus.
 * @vsepc: see @vsstatus.
 * @vscause: see @vsstatus.
 * @vstval: see @vsstatus.
 * @vsatp: see @vsstatus.
 */
struct axas_rv_vcpu {
	struct axas_rv_ctx ctx;
	unsigned long hgatp;
	unsigned long vsstatus;
	unsigned long vsie;
	unsigned long vstvec;
	unsigned long vsscratch;
	unsigned long vsepc;
	unsigned long vscause;
	unsigned long vstval;
	unsigned long vsatp;
};

static struct axas_rv_vcpu *axas_rv(struct axas_vcpu *vcpu)
{
	return vcpu->arch;
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
	return AXAS_FMT_RISCV_GSTAGE;
}

bool axas_arch_vcpu_supported(void)
{
	return riscv_isa_extension_available(NULL, h);
}

const char *axas_arch_vcpu_unsupported(void)
{
	return axas_arch_vcpu_supported() ? NULL :
	       "the CPU has no H extension";
}

/*
 * hgatp is WARL: a write with an unsupported mode changes nothing, and
 * VMID bits beyond VMIDLEN read as 0. Probe with the space's own value.
 */
static bool axas_rv_hgatp_ok(unsigned long hgatp)
{
	unsigned long old, val;

	preempt_disable();
	old = csr_swap(CSR_HGATP, hgatp);
	val = csr_swap(CSR_HGATP, old);
	preempt_enable();
	return val == hgatp;
}

int axas_arch_vcpu_check_space(struct axas_space *as)
{
	struct axas_hw_regs regs;

	if (as->format != AXAS_FMT_RISCV_GSTAGE)
		return -EINVAL;
	axas_hw_regs(as, &regs);
	/* Sv48x4 or a VMID this hart cannot hold. */
	if (!axas_rv_hgatp_ok(regs.root))
		return -EINVAL;
	return 0;
}

int axas_arch_vcpu_init(struct axas_vcpu *vcpu)
{
	struct axas_hw_regs regs;
	struct axas_rv_vcpu *rv;

	rv = kzalloc(sizeof(*rv), GFP_KERNEL_ACCOUNT);
	if (!rv)
		return -ENOMEM;
	axas_hw_regs(vcpu->as, &regs);
	rv->hgatp = regs.root;
	/* VS-mode at reset: interrupts off, FP and vector off, Bare. */
	rv->vsstatus = 0;
	vcpu->arch = rv;
	return 0;
}

void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu)
{
	kfree(vcpu->arch);
	vcpu->arch = NULL;
}

void axas_arch_get_regs(struct axas_vcpu *vcpu, struct axas_regs *regs)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	unsigned int i;

	regs->pc = rv->ctx.pc;
	regs->gpr[0] = 0;
	for (i = 1; i < 32; i++)
		regs->gpr[i] = rv->ctx.gpr[i];
}

int axas_arch_set_regs(struct axas_vcpu *vcpu, const struct axas_regs *regs)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	unsigned int i;

	if (regs->gpr[0] || memchr_inv(regs->arch, 0, sizeof(regs->arch)))
		return -EINVAL;
	rv->ctx.pc = regs->pc;
	for (i = 1; i < 32; i++)
		rv->ctx.gpr[i] = regs->gpr[i];
	return 0;
}

/* Interrupts are off: nothing else runs on this hart meanwhile. */
void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	struct axas_rv_ctx *ctx = &rv->ctx;
	unsigned long hedeleg, hideleg, cause;

	hedeleg = csr_swap(CSR_HEDELEG, 0);
	hideleg = csr_swap(CSR_HIDELEG, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_VSSTATUS, rv->vsstatus);
	csr_write(CSR_VSIE, rv->vsie);
	csr_write(CSR_VSTVEC, rv->vstvec);
	csr_write(CSR_VSSCRATCH, rv->vsscratch);
	csr_write(CSR_VSEPC, rv->vsepc);
	csr_write(CSR_VSCAUSE, rv->vscause);
	csr_write(CSR_VSTVAL, rv->vstval);
	csr_write(CSR_VSATP, rv->vsatp);
	csr_write(CSR_HGATP, rv->hgatp);
	/* Guest code written through the host's mapping, or on another hart. */
	local_flush_icache_all();

	/*
	 * Into VS-mode (SPV, SPP), with the guest's VS-level interrupts off
	 * at sret (SPIE clear) and no access to the host's FP or vector
	 * state; SPVP lets HLV see the guest as VS-mode.
	 */
	ctx->sstatus = (csr_read(CSR_SSTATUS) & ~(SR_SPIE | SR_FS | SR_VS)) |
		       SR_SPP;
	ctx->hstatus = (csr_read(CSR_HSTATUS) &
			~(HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM)) |
		       HSTATUS_SPV | HSTATUS_SPVP;
	axas_rv_switch(ctx);

	csr_write(CSR_HGATP, 0);
	rv->vsstatus = csr_read(CSR_VSSTATUS);
	rv->vsie = csr_read(CSR_VSIE);
	rv->vstvec = csr_read(CSR_VSTVEC);
	rv->vsscratch = csr_read(CSR_VSSCRATCH);
	rv->vsepc = csr_read(CSR_VSEPC);
	rv->vscause = csr_read(CSR_VSCAUSE);
	rv->vstval = csr_read(CSR_VSTVAL);
	rv->vsatp = csr_read(CSR_VSATP);
	csr_write(CSR_HEDELEG, hedeleg);
	csr_write(CSR_HIDELEG, hideleg);

	memset(trap, 0, sizeof(*trap));
	cause = ctx->scause;
	if (cause & CAUSE_IRQ_FLAG) {
		trap->kind = AXAS_TRAP_IRQ;
		return;
	}
	switch (cause) {
	case EXC_SUPERVISOR_SYSCALL:	/* an ECALL from VS-mode */
		trap->kind = AXAS_TRAP_HYPERCALL;
		return;
	case EXC_INST_GUEST_PAGE_FAULT:
		trap->access = AXAS_EXEC;
		break;
	case EXC_LOAD_GUEST_PAGE_FAULT:
		trap->access = AXAS_READ;
		break;
	case EXC_STORE_GUEST_PAGE_FAULT:
		trap->access = AXAS_WRITE;
		break;
	default:
		trap->kind = AXAS_TRAP_OTHER;
		trap->info[0] = cause;
		trap->info[1] = ctx->stval;
		trap->info[2] = ctx->pc;
		trap->info[3] = ctx->htval;
		return;
	}
	/* htval holds the address >> 2; stval's low bits complete it. */
	trap->kind = AXAS_TRAP_GUEST_FAULT;
	trap->gpa = ((u64)ctx->htval << 2) | (ctx->stval & 3);
	trap->info[2] = ctx->pc;
}

void axas_arch_hypercall_args(struct axas_vcpu *vcpu, u64 *nr, u64 args[6])
{
	struct axas_rv_ctx *ctx = &axas_rv(vcpu)->ctx;
	unsigned int i;

	*nr = ctx->gpr[RV_REG_A7];
	for (i = 0; i < 6; i++)
		args[i] = ctx->gpr[RV_REG_A0 + i];
}

void axas_arch_hypercall_done(struct axas_vcpu *vcpu, u64 ret)
{
	struct axas_rv_ctx *ctx = &axas_rv(vcpu)->ctx;

	ctx->gpr[RV_REG_A0] = ret;
	ctx->pc += RV_ECALL_LEN;
}

/* The trapped instruction: from htinst when transformed, else memory. */
static int axas_rv_fetch(struct axas_vcpu *vcpu, u32 *insn,
			 unsigned int *len)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	struct axas_space *as = vcpu->as;
	unsigned long pc = rv->ctx.pc;
	u16 half[2];

	/*
	 * A transformed instruction has bit 0 set; its bit 1 is clear when
	 * the trapping instruction was compressed.
	 */
	if (rv->ctx.htinst & 1) {
		*insn = rv->ctx.htinst | 2;
		*len = rv->ctx.htinst & 2 ? 4 : 2;
		return 0;
	}
	/* Guest paging on: pc is a guest-virtual address. */
	if (rv->vsatp >> SATP_MODE_SHIFT)
		return -EOPNOTSUPP;
	if (axas_read(as, pc, &half[0], 2))
		return -EFAULT;
	*insn = half[0];
	*len = 2;
	if ((half[0] & 3) == 3) {
		if (axas_read(as, pc + 2, &half[1], 2))
			return -EFAULT;
		*insn |= (u32)half[1] << 16;
		*len = 4;
	}
	return 0;
}

int axas_arch_decode_mmio(struct axas_vcpu *vcpu,
			  const struct axas_trap *trap,
			  struct axas_mmio_insn *mi, u64 *data, u64 info[2])
{
	struct axas_rv_ctx *ctx = &axas_rv(vcpu)->ctx;
	unsigned int len;
	u32 insn = 0;
	int ret;

	info[0] = ctx->pc;
	info[1] = 0;
	ret = axas_rv_fetch(vcpu, &insn, &len);
	if (ret)
		return ret;
	info[1] = insn;
	ret = axas_riscv_decode_mmio(insn, mi);
	if (ret)
		return ret;
	mi->insn_len = len;
	/* The instruction must be the access that faulted. */
	if (mi->write != !!(trap->access & AXAS_WRITE))
		return -EINVAL;
	*data = mi->write ? ctx->gpr[mi->reg] : 0;
	return 0;
}

void axas_arch_mmio_done(struct axas_vcpu *vcpu,
			 const struct axas_mmio_insn *mi, u64 data)
{
	struct axas_rv_ctx *ctx = &axas_rv(vcpu)->ctx;

	if (!mi->write && mi->reg)
		ctx->gpr[mi->reg] = data;
	ctx->pc += mi->insn_len;
}

/* RISC-V has no system-register trap of this kind (CSRs trap as others). */
int axas_arch_decode_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap,
			    struct axas_mmio_insn *mi, u32 *encoding, u64 *data)
{
	return -EOPNOTSUPP;
}
