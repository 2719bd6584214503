// SPDX-License-Identifier: GPL-2.0
/*
 * x86 vCPUs, the part VMX and SVM share (vcpu-x86.h): the choice of
 * backend, the registers, hypercalls, and the MMIO, port-I/O and HLT
 * exits. The backend only enters the guest and says why it came back.
 *
 * Guests run in 64-bit mode with paging on, so the instruction behind an
 * MMIO fault is found by walking the guest's own 4-level tables from its
 * CR3 through the space (AMD64 APM volume 2, "Long-Mode Page
 * Translation"), then decoded by insn-x86.c: neither QEMU's SVM nor the
 * SVM of many CPUs gives the instruction or its length.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/cpufeature.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "space.h"
#include "vcpu-x86.h"

/* Guest page-table entries (APM volume 2, "Long-Mode Page Translation"). */
#define X86_PTE_P		BIT_ULL(0)
#define X86_PTE_PS		BIT_ULL(7)
#define X86_PTE_ADDR		GENMASK_ULL(51, 12)

/* Set once at module load (axas_arch_vcpu_unsupported()), then read-only. */
static const struct axas_x86_backend *axas_x86_be;
static const char *axas_x86_why;
static bool axas_x86_picked, axas_x86_enabled;

static void axas_x86_pick(void)
{
	const char *why;

	if (axas_x86_picked)
		return;
	axas_x86_picked = true;
	if (boot_cpu_has(X86_FEATURE_VMX)) {
		why = axas_x86_vmx.unsupported();
		if (!why) {
			axas_x86_be = &axas_x86_vmx;
			return;
		}
		axas_x86_why = why;
	}
	if (boot_cpu_has(X86_FEATURE_SVM)) {
		why = axas_x86_svm.unsupported();
		if (!why) {
			axas_x86_be = &axas_x86_svm;
			axas_x86_why = NULL;
			return;
		}
		axas_x86_why = why;
	}
	if (!axas_x86_why)
		axas_x86_why = "the CPU has neither VMX nor SVM";
}

const char *axas_arch_vcpu_unsupported(void)
{
	axas_x86_pick();
	return axas_x86_why;
}

int axas_arch_vcpu_hw_enable(void)
{
	int ret;

	axas_x86_pick();
	if (!axas_x86_be)
		return 0;
	ret = axas_x86_be->hw_enable();
	if (ret)
		return ret;
	pr_info("guests run on %s\n", axas_x86_be->name);
	axas_x86_enabled = true;
	return 0;
}

void axas_arch_vcpu_hw_disable(void)
{
	if (!axas_x86_enabled)
		return;
	axas_x86_be->hw_disable();
	axas_x86_enabled = false;
}

bool axas_arch_vcpu_supported(void)
{
	return axas_x86_enabled;
}

int axas_arch_vcpu_format(void)
{
	return axas_x86_enabled ? axas_x86_be->format : -1;
}

int axas_arch_vcpu_check_space(struct axas_space *as)
{
	if (!axas_x86_enabled || as->format != axas_x86_be->format)
		return -EINVAL;
	return axas_x86_be->check_space(as);
}

int axas_arch_vcpu_init(struct axas_vcpu *vcpu)
{
	struct axas_x86_vcpu *x;
	int ret;

	x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	if (!x)
		return -ENOMEM;
	x->rflags = AXAS_X86_GUEST_RFLAGS;
	x->reset = true;
	vcpu->arch = x;
	ret = axas_x86_be->init(vcpu);
	if (ret) {
		vcpu->arch = NULL;
		kfree(x);
	}
	return ret;
}

void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu)
{
	if (!vcpu->arch)
		return;
	axas_x86_be->destroy(vcpu);
	kfree(vcpu->arch);
	vcpu->arch = NULL;
}

void axas_arch_get_regs(struct axas_vcpu *vcpu, struct axas_regs *regs)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);

	regs->pc = x->rip;
	memcpy(regs->gpr, x->gpr, sizeof(x->gpr));
	regs->arch[0] = x->cr3;
}

int axas_arch_set_regs(struct axas_vcpu *vcpu, const struct axas_regs *regs)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	u64 cr3 = regs->arch[0];

	if (memchr_inv(&regs->gpr[AXAS_X86_NR_GPRS], 0,
		       sizeof(regs->gpr) - sizeof(x->gpr)) ||
	    memchr_inv(&regs->arch[1], 0, sizeof(regs->arch) - sizeof(u64)))
		return -EINVAL;
	if (!IS_ALIGNED(cr3, SZ_4K) || cr3 >= vcpu->as->end)
		return -EINVAL;
	memcpy(x->gpr, regs->gpr, sizeof(x->gpr));
	x->rip = regs->pc;
	x->rflags = AXAS_X86_GUEST_RFLAGS;
	x->cr3 = cr3;
	x->reset = true;
	return 0;
}

void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);

	axas_x86_be->enter(vcpu, trap);
	if (trap->kind == AXAS_TRAP_IO && trap->access == AXAS_WRITE)
		trap->info[2] = x->gpr[AXAS_X86_RAX];
}

void axas_arch_hypercall_args(struct axas_vcpu *vcpu, u64 *nr, u64 args[6])
{
	static const u8 arg_regs[6] = {
		AXAS_X86_RDI, AXAS_X86_RSI, AXAS_X86_RDX,
		AXAS_X86_R10, AXAS_X86_R8, AXAS_X86_R9,
	};
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	unsigned int i;

	*nr = x->gpr[AXAS_X86_RAX];
	for (i = 0; i < 6; i++)
		args[i] = x->gpr[arg_regs[i]];
}

void axas_arch_hypercall_done(struct axas_vcpu *vcpu, u64 ret)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);

	x->gpr[AXAS_X86_RAX] = ret;
	x->rip += AXAS_X86_HC_LEN;
}

/*
 * The guest-physical address of guest-virtual @va through the guest's
 * 4-level tables at @cr3, and the bytes up to the end of its page.
 */
static int axas_x86_gva_to_gpa(struct axas_space *as, u64 cr3, u64 va,
			       u64 *gpa, u64 *room)
{
	u64 table = cr3 & X86_PTE_ADDR, pte, size;
	int level;

	/* Bits 63:47 must all equal bit 47 (canonical). */
	if ((u64)((s64)(va << 16) >> 16) != va)
		return -EFAULT;
	for (level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * level;

		if (axas_read(as, table + ((va >> shift) & 511) * 8, &pte,
			      sizeof(pte)))
			return -EFAULT;
		if (!(pte & X86_PTE_P))
			return -EFAULT;
		if (level == 0 || ((level == 1 || level == 2) &&
				   (pte & X86_PTE_PS))) {
			size = BIT_ULL(shift);
			*gpa = ((pte & X86_PTE_ADDR) & ~(size - 1)) |
			       (va & (size - 1));
			*room = size - (va & (size - 1));
			return 0;
		}
		table = pte & X86_PTE_ADDR;
	}
	return -EFAULT;
}

/* Up to 15 bytes at the guest's RIP; how many in *@got. */
static int axas_x86_fetch(struct axas_vcpu *vcpu, u8 *buf, unsigned int *got)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	unsigned int n = 0;
	u64 gpa, room;

	while (n < AXAS_X86_MAX_INSN) {
		unsigned int chunk;

		if (axas_x86_gva_to_gpa(vcpu->as, x->cr3, x->rip + n, &gpa,
					&room))
			break;
		chunk = min_t(u64, room, AXAS_X86_MAX_INSN - n);
		if (axas_read(vcpu->as, gpa, buf + n, chunk))
			break;
		n += chunk;
	}
	*got = n;
	return n ? 0 : -EFAULT;
}

int axas_arch_decode_mmio(struct axas_vcpu *vcpu,
			  const struct axas_trap *trap,
			  struct axas_mmio_insn *mi, u64 *data, u64 info[2])
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	u8 buf[AXAS_X86_MAX_INSN] = { };
	unsigned int got;
	u64 val;
	int ret;

	info[0] = x->rip;
	info[1] = 0;
	ret = axas_x86_fetch(vcpu, buf, &got);
	if (ret)
		return ret;
	memcpy(&info[1], buf, sizeof(info[1]));
	ret = axas_x86_decode_mmio(buf, got, mi);
	if (ret)
		return ret;
	/* The instruction must be the access that faulted. */
	if (mi->write != !!(trap->access & AXAS_WRITE))
		return -EINVAL;
	if (!mi->write)
		val = 0;
	else if (mi->imm)
		val = mi->imm_val;
	else if (mi->high8)
		val = x->gpr[mi->reg] >> 8;
	else
		val = x->gpr[mi->reg];
	*data = val;
	return 0;
}

/* A load's value into its register as x86 writes registers; skip it. */
void axas_arch_mmio_done(struct axas_vcpu *vcpu,
			 const struct axas_mmio_insn *mi, u64 data)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	u64 *reg = &x->gpr[mi->reg];

	if (!mi->write) {
		switch (mi->dest_len) {
		case 1:
			if (mi->high8)
				*reg = (*reg & ~0xff00ULL) | (u8)data << 8;
			else
				*reg = (*reg & ~0xffULL) | (u8)data;
			break;
		case 2:
			*reg = (*reg & ~0xffffULL) | (u16)data;
			break;
		case 4:
			*reg = (u32)data;
			break;
		default:
			*reg = data;
		}
	}
	x->rip += mi->insn_len;
}

/* RDMSR and WRMSR are not turned into exits: the SYSREG command is arm64's. */
int axas_arch_decode_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap,
			    struct axas_mmio_insn *mi, u32 *encoding, u64 *data)
{
	return -EOPNOTSUPP;
}

/* ---- guests running now, for flushes -------------------------------------- */

/* The space whose guest this CPU runs, or NULL; written with irqs off. */
static DEFINE_PER_CPU(struct axas_space *, axas_x86_running);

/**
 * axas_x86_guest_begin() - this CPU is about to enter a guest of @as
 * @as: the vCPU's space.
 *
 * Context: interrupts disabled, until the matching axas_x86_guest_end().
 * Return: &axas_space.tlb_flushes, read after this CPU was published; an
 * entry flushes its TLB when the value differs from its last entry's.
 */
s64 axas_x86_guest_begin(struct axas_space *as)
{
	this_cpu_write(axas_x86_running, as);
	/* Publish before reading the count; pairs with axas_x86_kick_guests(). */
	smp_mb();
	return atomic64_read(&as->tlb_flushes);
}

/**
 * axas_x86_guest_end() - this CPU left the guest that it entered
 *
 * Context: interrupts disabled.
 */
void axas_x86_guest_end(void)
{
	this_cpu_write(axas_x86_running, NULL);
}

static void axas_x86_kick(void *info)
{
	/* The interrupt itself made the guest exit: nothing else to do. */
}

/**
 * axas_x86_kick_guests() - make the running guests of @as see a flush
 * @as: the space, whose &axas_space.tlb_flushes was just incremented.
 *
 * Every later entry of a vCPU of @as flushes its TLB (the count differs);
 * CPUs that run one now are interrupted, which ends their guest's run.
 *
 * Context: any context; with interrupts disabled the running guests are
 * only flushed at their next exit. May spin waiting for other CPUs.
 */
void axas_x86_kick_guests(struct axas_space *as)
{
	unsigned int cpu, self;

	/* The count was bumped: read the CPUs after (axas_x86_guest_begin()). */
	smp_mb();
	if (irqs_disabled())
		return;
	self = get_cpu();
	for_each_online_cpu(cpu) {
		if (cpu == self ||
		    READ_ONCE(*per_cpu_ptr(&axas_x86_running, cpu)) != as)
			continue;
		smp_call_function_single(cpu, axas_x86_kick, NULL, 1);
	}
	put_cpu();
}
