// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V vCPUs: guests in VS-mode on a G-stage table, for a host kernel in
 * HS-mode (the H extension), after the privileged specification's
 * "Hypervisor Extension".
 *
 * A guest entry points hgatp at the space (mode, VMID, root), loads the
 * guest's VS-level CSRs and its floating-point registers, and switches
 * (vcpu-riscv-switch.S). Afterwards the VS-level CSRs are saved, the
 * host's delegation comes back and hgatp is cleared, so that no CPU keeps
 * walking a table between runs.
 *
 * What an operating system needs, as KVM gives it:
 * - the guest's own traps go to the guest: hedeleg delegates breakpoints,
 *   misaligned fetches, ECALLs from VU-mode (its system calls) and the
 *   VS-stage page faults; hideleg the three VS-level interrupts. The
 *   rest (ECALL from VS-mode: the SBI, illegal and virtual instructions,
 *   guest-page faults) comes here.
 * - interrupts: AXAS_SET_IRQ sets VSSIP, VSTIP or VSEIP in a word that
 *   each entry writes to hvip, and kicks a running vCPU out (the kick is
 *   an interrupt on its hart, which ends the guest's run there);
 * - time: the guest reads the time CSR directly (hcounteren.TM, with
 *   htimedelta 0: guest time is the host's), and AXAS_SET_TIMER, the
 *   SBI's set_timer, arms an hrtimer that raises VSTIP. The Sstc
 *   extension (vstimecmp) is not used: henvcfg.STCE stays as the host
 *   left it, clear unless another hypervisor set it.
 * - WFI traps (hstatus.VTW) as a virtual instruction; the run loop then
 *   sleeps until an interrupt the guest enabled in vsie is pending.
 *
 * The guest's virtual addresses are guest-physical while vsatp is Bare;
 * with paging on, MMIO decoding walks the guest's own Sv39, Sv48 or Sv57
 * table through the space to read the trapped instruction. QEMU leaves
 * htinst 0; a transformed instruction in htinst is used when a CPU
 * provides one.
 *
 * Invalidation needs nothing here: unmap and protect fence the space's
 * VMID on every hart through SBI (arch-riscv.c), and VMIDs are never
 * shared between spaces.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/fpu.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/csr.h>
#include <asm/delay.h>
#include <asm/hwcap.h>
#include <asm/timex.h>

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
static_assert(offsetof(struct axas_rv_ctx, trap_sstatus) ==
	      AXAS_RV_TRAP_SSTATUS);
static_assert(sizeof(struct axas_rv_ctx) == AXAS_RV_CTX_SIZE);
static_assert(offsetof(struct axas_rv_fp, fcsr) == AXAS_RV_FP_FCSR);
static_assert(sizeof(struct axas_rv_fp) == AXAS_RV_FP_SIZE);

#define RV_REG_A0	10
#define RV_REG_A7	17
#define RV_ECALL_LEN	4
#define RV_INSN_WFI	0x10500073
#define RV_WFI_LEN	4

/* The guest's own traps, handled by the guest (see the top). */
#define AXAS_RV_HEDELEG	(BIT(EXC_INST_MISALIGNED) | BIT(EXC_BREAKPOINT) | \
			 BIT(EXC_SYSCALL) | BIT(EXC_INST_PAGE_FAULT) |	 \
			 BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT))
/* VSSIP, VSTIP, VSEIP: in hvip, hideleg and hie. */
#define AXAS_RV_VS_IRQS	(BIT(IRQ_VS_SOFT) | BIT(IRQ_VS_TIMER) | BIT(IRQ_VS_EXT))
#define AXAS_RV_HCOUNTEREN_TM	BIT(1)

/* VS-stage page table entries (the guest's own table, for decoding). */
#define RV_PTE_V	BIT(0)
#define RV_PTE_R	BIT(1)
#define RV_PTE_W	BIT(2)
#define RV_PTE_X	BIT(3)
#define RV_PTE_PPN	GENMASK_ULL(53, 10)

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
 * @vcpu: the vCPU this is the state of.
 * @irqs: pending guest interrupts, as hvip bits (AXAS_RV_VS_IRQS); set
 *	and cleared atomically from any thread and from @timer.
 * @timer: the guest's timer (AXAS_SET_TIMER); raises VSTIP.
 * @fp: the guest's floating-point registers.
 */
struct axas_rv_vcpu {
	struct axas_rv_ctx ctx;
	struct axas_rv_fp fp;
	unsigned long hgatp;
	unsigned long vsstatus;
	unsigned long vsie;
	unsigned long vstvec;
	unsigned long vsscratch;
	unsigned long vsepc;
	unsigned long vscause;
	unsigned long vstval;
	unsigned long vsatp;
	struct axas_vcpu *vcpu;
	unsigned long irqs;
	struct hrtimer timer;
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

/* ---- guest interrupts and the timer ---------------------------------------- */

bool axas_arch_vcpu_has_irq(void)
{
	return true;
}

/*
 * Raise a guest interrupt: the bit first, then the barrier that pairs
 * with the run loop's after it publishes its runner (vcpu.c), so that
 * either the kick finds the runner or the runner's next entry finds the
 * bit.
 */
static void axas_rv_raise(struct axas_rv_vcpu *rv, unsigned int bit)
{
	set_bit(bit, &rv->irqs);
	/* The bit before the runner: see above. */
	smp_mb__after_atomic();
	wake_up_interruptible(&rv->vcpu->wq);
	axas_vcpu_kick(rv->vcpu);
}

static void axas_rv_lower(struct axas_rv_vcpu *rv, unsigned int bit)
{
	clear_bit(bit, &rv->irqs);
	/* As in axas_rv_raise(): the bit before the runner. */
	smp_mb__after_atomic();
	axas_vcpu_kick(rv->vcpu);
}

static enum hrtimer_restart axas_rv_timer_fn(struct hrtimer *timer)
{
	struct axas_rv_vcpu *rv = container_of(timer, struct axas_rv_vcpu,
					       timer);

	axas_rv_raise(rv, IRQ_VS_TIMER);
	return HRTIMER_NORESTART;
}

static long axas_rv_set_irq(struct axas_rv_vcpu *rv, void __user *argp)
{
	static const unsigned int bit[] = {
		[AXAS_IRQ_SOFTWARE] = IRQ_VS_SOFT,
		[AXAS_IRQ_TIMER] = IRQ_VS_TIMER,
		[AXAS_IRQ_EXTERNAL] = IRQ_VS_EXT,
	};
	struct axas_irq req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.irq >= ARRAY_SIZE(bit) || req.level > 1 || req.reserved)
		return -EINVAL;
	if (req.level)
		axas_rv_raise(rv, bit[req.irq]);
	else
		axas_rv_lower(rv, bit[req.irq]);
	return 0;
}

/* Deadlines further out than this (about 12 days) wait this long. */
#define AXAS_RV_TIMER_MAX_S	BIT_ULL(20)

static long axas_rv_set_timer(struct axas_rv_vcpu *rv, void __user *argp)
{
	struct axas_timer req;
	u64 now, delta, ns;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved)
		return -EINVAL;

	hrtimer_cancel(&rv->timer);
	clear_bit(IRQ_VS_TIMER, &rv->irqs);
	if (req.deadline == AXAS_TIMER_OFF)
		return 0;
	/* Guest time is host time: htimedelta is 0. */
	now = get_cycles64();
	if ((s64)(req.deadline - now) <= 0) {
		axas_rv_raise(rv, IRQ_VS_TIMER);
		return 0;
	}
	delta = req.deadline - now;
	if (!riscv_timebase || delta / riscv_timebase >= AXAS_RV_TIMER_MAX_S)
		ns = AXAS_RV_TIMER_MAX_S * NSEC_PER_SEC;
	else
		ns = mul_u64_u32_div(delta, NSEC_PER_SEC, riscv_timebase);
	hrtimer_start(&rv->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
	return 0;
}

long axas_arch_vcpu_irq_ioctl(struct axas_vcpu *vcpu, unsigned int cmd,
			      void __user *argp)
{
	switch (cmd) {
	case AXAS_SET_IRQ:
		return axas_rv_set_irq(axas_rv(vcpu), argp);
	case AXAS_SET_TIMER:
		return axas_rv_set_timer(axas_rv(vcpu), argp);
	}
	return -ENOTTY;
}

/* WFI ends when an interrupt is pending that vsie enables (SIE or not). */
bool axas_arch_vcpu_wakeup(struct axas_vcpu *vcpu)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);

	return READ_ONCE(rv->irqs) & (rv->vsie << VSIP_TO_HVIP_SHIFT);
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
	rv->ctx.trap_sstatus = SR_SPP;
	rv->vcpu = vcpu;
	hrtimer_init(&rv->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rv->timer.function = axas_rv_timer_fn;
	vcpu->arch = rv;
	return 0;
}

void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);

	hrtimer_cancel(&rv->timer);
	kfree(rv);
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
	rv->ctx.trap_sstatus = SR_SPP;	/* SET starts it in VS-mode */
	return 0;
}

/*
 * The guest's floating-point registers in, the host task's saved away.
 * Without CONFIG_FPU the guest gets none (sstatus.FS off: its FP
 * instructions trap as illegal).
 */
#ifdef CONFIG_FPU
static bool axas_rv_fp_enter(struct axas_rv_vcpu *rv)
{
	if (!kernel_fpu_available())
		return false;
	kernel_fpu_begin();
	axas_rv_fp_load(&rv->fp);
	return true;
}

static void axas_rv_fp_exit(struct axas_rv_vcpu *rv)
{
	axas_rv_fp_save(&rv->fp);
	kernel_fpu_end();
}
#else
static bool axas_rv_fp_enter(struct axas_rv_vcpu *rv)
{
	return false;
}

static void axas_rv_fp_exit(struct axas_rv_vcpu *rv)
{
}
#endif

/* The guest's pending interrupts, as the next entry writes them to hvip. */
static unsigned long axas_rv_hvip(struct axas_rv_vcpu *rv)
{
	return READ_ONCE(rv->irqs) & AXAS_RV_VS_IRQS;
}

/* Interrupts are off: nothing else runs on this hart meanwhile. */
void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	struct axas_rv_ctx *ctx = &rv->ctx;
	unsigned long hedeleg, hideleg, hcounteren, hvip, cause, insn;
	bool fp;

	fp = axas_rv_fp_enter(rv);
	hedeleg = csr_swap(CSR_HEDELEG, AXAS_RV_HEDELEG);
	hideleg = csr_swap(CSR_HIDELEG, AXAS_RV_VS_IRQS);
	hcounteren = csr_swap(CSR_HCOUNTEREN, AXAS_RV_HCOUNTEREN_TM);
	csr_write(CSR_HTIMEDELTA, 0);
	hvip = axas_rv_hvip(rv);
	csr_write(CSR_HVIP, hvip);
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
	 * Back to V=1 (SPV) in the mode the guest left (SPP: VS-mode, or
	 * VU-mode when a host interrupt came while its user code ran), with
	 * SPIE clear (the guest's own interrupt state is in vsstatus), the
	 * FP unit on if it holds the guest's registers (vsstatus.FS then
	 * says whether the guest may use it) and no vector state; SPVP lets
	 * HLV see the guest in that mode. WFI traps (VTW).
	 */
	ctx->sstatus = (csr_read(CSR_SSTATUS) & ~(SR_SPIE | SR_VS | SR_SPP)) |
		       (ctx->trap_sstatus & SR_SPP);
	if (!fp)
		ctx->sstatus &= ~SR_FS;
	ctx->hstatus = (csr_read(CSR_HSTATUS) &
			~(HSTATUS_VTSR | HSTATUS_VTVM | HSTATUS_SPVP)) |
		       HSTATUS_SPV | HSTATUS_VTW |
		       (ctx->trap_sstatus & SR_SPP ? HSTATUS_SPVP : 0);
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
	/* The guest clears its own software interrupt (sip.SSIP). */
	if ((hvip & BIT(IRQ_VS_SOFT)) && !(csr_read(CSR_HVIP) & BIT(IRQ_VS_SOFT)))
		clear_bit(IRQ_VS_SOFT, &rv->irqs);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HCOUNTEREN, hcounteren);
	csr_write(CSR_HEDELEG, hedeleg);
	csr_write(CSR_HIDELEG, hideleg);
	if (fp)
		axas_rv_fp_exit(rv);

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
	case EXC_VIRTUAL_INST_FAULT:
		/*
		 * stval holds the instruction (QEMU sets it; a hart that
		 * leaves it 0 gets the internal-error exit for its WFI).
		 */
		insn = ctx->stval;
		if (insn == RV_INSN_WFI) {
			ctx->pc += RV_WFI_LEN;
			trap->kind = AXAS_TRAP_WFI;
			return;
		}
		fallthrough;
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

/*
 * A guest-virtual address to guest-physical through the guest's own
 * Sv39, Sv48 or Sv57 table (vsatp), read through the space: what the
 * hardware did to fetch the instruction that trapped. Permissions and
 * A/D bits are not checked: the fetch already happened.
 */
static int axas_rv_gva_to_gpa(struct axas_vcpu *vcpu, u64 gva, u64 *gpa)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	unsigned int mode = rv->vsatp >> SATP_MODE_SHIFT;
	unsigned int levels, va_bits, shift;
	u64 table, pte, size;
	int lvl;

	switch (mode) {
	case 0:		/* Bare */
		*gpa = gva;
		return 0;
	case SATP_MODE_39 >> SATP_MODE_SHIFT:
		levels = 3;
		break;
	case SATP_MODE_48 >> SATP_MODE_SHIFT:
		levels = 4;
		break;
	case SATP_MODE_57 >> SATP_MODE_SHIFT:
		levels = 5;
		break;
	default:
		return -EOPNOTSUPP;
	}
	va_bits = 12 + 9 * levels;
	/* Bits above the top one must copy it. */
	if ((s64)(gva << (64 - va_bits)) >> (64 - va_bits) != (s64)gva)
		return -EFAULT;

	table = (u64)(rv->vsatp & SATP_PPN) << PAGE_SHIFT;
	for (lvl = levels - 1; lvl >= 0; lvl--) {
		shift = 12 + 9 * lvl;
		if (axas_read(vcpu->as, table + ((gva >> shift) & 511) * 8,
			      &pte, sizeof(pte)))
			return -EFAULT;
		if (!(pte & RV_PTE_V) ||
		    ((pte & (RV_PTE_R | RV_PTE_W)) == RV_PTE_W))
			return -EFAULT;
		table = ((pte & RV_PTE_PPN) >> 10) << PAGE_SHIFT;
		if (pte & (RV_PTE_R | RV_PTE_X)) {
			size = BIT_ULL(shift);
			/* A superpage's low PPN bits must be 0. */
			if (table & (size - 1))
				return -EFAULT;
			*gpa = table | (gva & (size - 1));
			return 0;
		}
	}
	return -EFAULT;		/* a pointer where a leaf must be */
}

/* Two bytes of the guest's code at a guest-virtual address. */
static int axas_rv_fetch_half(struct axas_vcpu *vcpu, u64 gva, u16 *half)
{
	u64 gpa;
	int ret;

	ret = axas_rv_gva_to_gpa(vcpu, gva, &gpa);
	if (ret)
		return ret;
	return axas_read(vcpu->as, gpa, half, 2) ? -EFAULT : 0;
}

/* The trapped instruction: from htinst when transformed, else memory. */
static int axas_rv_fetch(struct axas_vcpu *vcpu, u32 *insn,
			 unsigned int *len)
{
	struct axas_rv_vcpu *rv = axas_rv(vcpu);
	unsigned long pc = rv->ctx.pc;
	u16 half[2];
	int ret;

	/*
	 * A transformed instruction has bit 0 set; its bit 1 is clear when
	 * the trapping instruction was compressed.
	 */
	if (rv->ctx.htinst & 1) {
		*insn = rv->ctx.htinst | 2;
		*len = rv->ctx.htinst & 2 ? 4 : 2;
		return 0;
	}
	/* Each half on its own: a 4-byte instruction may cross a page. */
	ret = axas_rv_fetch_half(vcpu, pc, &half[0]);
	if (ret)
		return ret;
	*insn = half[0];
	*len = 2;
	if ((half[0] & 3) == 3) {
		ret = axas_rv_fetch_half(vcpu, pc + 2, &half[1]);
		if (ret)
			return ret;
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
