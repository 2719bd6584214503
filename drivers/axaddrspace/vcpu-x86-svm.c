// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD SVM backend of x86 vCPUs (vcpu-x86.h): guests on AMD NPT
 * spaces, after the AMD64 APM volume 2, chapter 15 "Secure Virtual
 * Machine" (VMRUN, VMLOAD/VMSAVE, the VMCB, intercepts, nested paging,
 * TLB control).
 *
 * Every CPU gets EFER.SVME and a host save area (VM_HSAVE_PA) at module
 * load and when it comes online; both are undone at unload. Each vCPU has
 * a VMCB with nested paging on (nCR3 = the space's root) that intercepts
 * every exit this module handles (VMMCALL, HLT, all I/O ports, all MSRs,
 * interrupts, NMIs, shutdown, the exceptions and the SVM instructions),
 * so a guest can touch neither host ports nor host MSRs.
 *
 * VMRUN runs with GIF clear around it and RFLAGS.IF set, so that a host
 * interrupt makes the guest exit (V_INTR_MASKING) and is taken after
 * STGI. VMSAVE/VMLOAD swap the state VMRUN leaves alone (FS, GS, TR,
 * LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs) through a per-CPU host
 * save area; the guest may use the FPU, whose user state is saved first,
 * and the debug registers, which host breakpoints get back after it.
 *
 * TLB: every vCPU uses ASID 1, and the whole TLB is flushed by VMRUN
 * (TLB_CONTROL 1: QEMU has no flush by ASID) whenever the vCPU's space
 * was flushed since its last entry, the vCPU moved CPU, or another vCPU
 * ran on this CPU meanwhile. A flush of a space (arch-x86.c) interrupts
 * the CPUs running one of its vCPUs so that they re-enter and flush.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/svm.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "space.h"
#include "vcpu-x86.h"

#define SVM_ASID		1
#define SVM_IOPM_ORDER		2	/* 12 KiB, in 16 */
#define SVM_MSRPM_ORDER		1	/* 8 KiB */
/* Every exception but #MC, which the guest takes (and then shuts down). */
#define SVM_EXCEPTIONS		(~0U & ~BIT(18))
#define SVM_GPAT		0x0007040600070406ULL	/* power-on PAT */
#define SVM_DR6			0xffff0ff0ULL
#define SVM_DR7			0x400ULL

/* VMCB segment attributes: type, S, DPL, P, AVL, L, D/B, G. */
#define SVM_ATTR_CODE64		0xa9b	/* execute/read, accessed, L, G */
#define SVM_ATTR_DATA		0xc93	/* read/write, accessed, D/B, G */
#define SVM_ATTR_TSS64		0x08b	/* busy 64-bit TSS */

/* EXITINFO1 of a nested page fault. */
#define SVM_NPF_WRITE		BIT_ULL(1)
#define SVM_NPF_FETCH		BIT_ULL(4)
/* EXITINFO1 of an IOIO intercept: type (1 = IN), sizes, port. */
#define SVM_IOIO_IN		BIT_ULL(0)
#define SVM_IOIO_PORT_SHIFT	16

/**
 * struct axas_svm_cpu - per CPU
 * @hsave: the VM_HSAVE_PA page, for VMRUN.
 * @host_save: the host's VMSAVE area around a guest run.
 * @last: the vCPU that ran last on this CPU (its ASID's TLB entries).
 */
struct axas_svm_cpu {
	struct page *hsave;
	struct page *host_save;
	void *last;
};

/**
 * struct axas_svm - the backend state of one vCPU (&axas_x86_vcpu.hw)
 * @vmcb: the VMCB, one page.
 * @vmcb_pa: its physical address.
 * @cpu: the CPU it last ran on, -1 before the first run.
 * @flushes: &axas_space.tlb_flushes at its last entry.
 */
struct axas_svm {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	int cpu;
	s64 flushes;
};

static DEFINE_PER_CPU(struct axas_svm_cpu, axas_svm_cpus);
static struct page *axas_svm_iopm, *axas_svm_msrpm;
static enum cpuhp_state axas_svm_hp_state;
static bool axas_svm_on;

static const char *axas_svm_unsupported(void)
{
	u64 efer, vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM))
		return "the CPU has no SVM";
	if (!boot_cpu_has(X86_FEATURE_NPT))
		return "SVM without nested paging (NPT)";
	if (pgtable_l5_enabled())
		return "the host's 5-level paging makes nested walks 5-level; NPT spaces have 4";
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return "EFER.SVME is already set: another hypervisor (KVM?) owns SVM";
	return NULL;
}

/* cpuhp callbacks: they run on the CPU concerned. */
static int axas_svm_cpu_online(unsigned int cpu)
{
	struct axas_svm_cpu *sc = this_cpu_ptr(&axas_svm_cpus);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("CPU %u: EFER.SVME is already set: SVM is in use\n", cpu);
		return -EBUSY;
	}
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sc->hsave));
	return 0;
}

static int axas_svm_cpu_offline(unsigned int cpu)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	return 0;
}

static void axas_svm_free_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct axas_svm_cpu *sc = per_cpu_ptr(&axas_svm_cpus, cpu);

		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_save)
			__free_page(sc->host_save);
		sc->hsave = NULL;
		sc->host_save = NULL;
	}
	if (axas_svm_iopm)
		__free_pages(axas_svm_iopm, SVM_IOPM_ORDER);
	if (axas_svm_msrpm)
		__free_pages(axas_svm_msrpm, SVM_MSRPM_ORDER);
	axas_svm_iopm = NULL;
	axas_svm_msrpm = NULL;
}

static int axas_svm_hw_enable(void)
{
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		struct axas_svm_cpu *sc = per_cpu_ptr(&axas_svm_cpus, cpu);
		int node = cpu_to_node(cpu);

		sc->hsave = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		sc->host_save = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO,
						 0);
		if (!sc->hsave || !sc->host_save)
			goto out_nomem;
	}
	/* All ones: every port and every MSR intercepted. */
	axas_svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	axas_svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!axas_svm_iopm || !axas_svm_msrpm)
		goto out_nomem;
	memset(page_address(axas_svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	memset(page_address(axas_svm_msrpm), 0xff,
	       PAGE_SIZE << SVM_MSRPM_ORDER);

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "axaddrspace/svm:online",
				axas_svm_cpu_online, axas_svm_cpu_offline);
	if (ret < 0) {
		axas_svm_free_pages();
		return ret;
	}
	axas_svm_hp_state = ret;
	WRITE_ONCE(axas_svm_on, true);
	return 0;

out_nomem:
	axas_svm_free_pages();
	return -ENOMEM;
}

static void axas_svm_hw_disable(void)
{
	WRITE_ONCE(axas_svm_on, false);
	cpuhp_remove_state(axas_svm_hp_state);
	axas_svm_free_pages();
}

/* NPT spaces are always 48 bits, 4 levels; the format was checked. */
static int axas_svm_check_space(struct axas_space *as)
{
	return 0;
}

static void axas_svm_seg(struct vmcb_seg *seg, u16 sel, u16 attrib, u32 limit)
{
	seg->selector = sel;
	seg->attrib = attrib;
	seg->limit = limit;
	seg->base = 0;
}

/* The starting state of the contract: 64-bit mode, CPL 0, flat. */
static void axas_svm_reset(struct vmcb *vmcb)
{
	struct vmcb_save_area *save = &vmcb->save;

	axas_svm_seg(&save->cs, AXAS_X86_SEL_CODE, SVM_ATTR_CODE64, ~0U);
	axas_svm_seg(&save->ds, AXAS_X86_SEL_DATA, SVM_ATTR_DATA, ~0U);
	axas_svm_seg(&save->es, AXAS_X86_SEL_DATA, SVM_ATTR_DATA, ~0U);
	axas_svm_seg(&save->ss, AXAS_X86_SEL_DATA, SVM_ATTR_DATA, ~0U);
	axas_svm_seg(&save->fs, AXAS_X86_SEL_DATA, SVM_ATTR_DATA, ~0U);
	axas_svm_seg(&save->gs, AXAS_X86_SEL_DATA, SVM_ATTR_DATA, ~0U);
	axas_svm_seg(&save->tr, 0, SVM_ATTR_TSS64, 0x67);
	axas_svm_seg(&save->ldtr, 0, 0, 0);
	axas_svm_seg(&save->gdtr, 0, 0, 0);
	axas_svm_seg(&save->idtr, 0, 0, 0);
	save->cpl = 0;
	/* VMRUN requires SVME in the guest's EFER (vcpu-x86.h). */
	save->efer = AXAS_X86_GUEST_EFER | EFER_SVME;
	save->cr0 = AXAS_X86_GUEST_CR0;
	save->cr4 = AXAS_X86_GUEST_CR4;
	save->cr2 = 0;
	save->dr6 = SVM_DR6;
	save->dr7 = SVM_DR7;
	save->g_pat = SVM_GPAT;
	save->star = 0;
	save->lstar = 0;
	save->cstar = 0;
	save->sfmask = 0;
	save->kernel_gs_base = 0;
	save->sysenter_cs = 0;
	save->sysenter_esp = 0;
	save->sysenter_eip = 0;
}

static void axas_svm_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

static int axas_svm_init(struct axas_vcpu *vcpu)
{
	static const u8 intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
		INTERCEPT_HLT, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_INVD, INTERCEPT_TASK_SWITCH,
		INTERCEPT_FERR_FREEZE, INTERCEPT_INVLPGA, INTERCEPT_VMRUN,
		INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
		INTERCEPT_XSETBV, INTERCEPT_RDPRU,
	};
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct vmcb_control_area *c;
	struct axas_hw_regs regs;
	struct axas_svm *svm;
	struct page *page;
	unsigned int i;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->cpu = -1;
	svm->flushes = -1;

	c = &svm->vmcb->control;
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		axas_svm_intercept(c, intercepts[i]);
	c->intercepts[INTERCEPT_EXCEPTION] = SVM_EXCEPTIONS;
	c->iopm_base_pa = page_to_phys(axas_svm_iopm);
	c->msrpm_base_pa = page_to_phys(axas_svm_msrpm);
	c->asid = SVM_ASID;
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	axas_hw_regs(vcpu->as, &regs);
	c->nested_cr3 = regs.root;
	axas_svm_reset(svm->vmcb);
	x->hw = svm;
	return 0;
}

static void axas_svm_destroy(struct axas_vcpu *vcpu)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct axas_svm *svm = x->hw;
	unsigned int cpu;

	if (!svm)
		return;
	/* A CPU's "last" must never match a later VMCB at this address. */
	for_each_possible_cpu(cpu)
		cmpxchg(&per_cpu_ptr(&axas_svm_cpus, cpu)->last, svm, NULL);
	free_page((unsigned long)svm->vmcb);
	kfree(svm);
	x->hw = NULL;
}

static void axas_svm_exit(struct axas_x86_vcpu *x, const struct vmcb *vmcb,
			  struct axas_trap *trap)
{
	const struct vmcb_control_area *c = &vmcb->control;
	u64 info1 = c->exit_info_1, info2 = c->exit_info_2;

	memset(trap, 0, sizeof(*trap));
	switch (c->exit_code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		trap->kind = AXAS_TRAP_IRQ;
		return;
	case SVM_EXIT_VMMCALL:
		trap->kind = AXAS_TRAP_HYPERCALL;
		return;
	case SVM_EXIT_NPF:
		trap->kind = AXAS_TRAP_GUEST_FAULT;
		trap->gpa = info2;
		if (info1 & SVM_NPF_FETCH)
			trap->access = AXAS_EXEC;
		else if (info1 & SVM_NPF_WRITE)
			trap->access = AXAS_WRITE;
		else
			trap->access = AXAS_READ;
		trap->info[2] = x->rip;
		return;
	case SVM_EXIT_HLT:
		trap->kind = AXAS_TRAP_HLT;
		trap->info[1] = 1;
		return;
	case SVM_EXIT_IOIO:
		/* String and REP forms are for userspace to refuse: OTHER. */
		if (info1 & (SVM_IOIO_STR_MASK | SVM_IOIO_REP_MASK) ||
		    info2 <= x->rip || info2 - x->rip > AXAS_X86_MAX_INSN)
			break;
		trap->kind = AXAS_TRAP_IO;
		trap->gpa = info1 >> SVM_IOIO_PORT_SHIFT;
		trap->access = info1 & SVM_IOIO_IN ? AXAS_READ : AXAS_WRITE;
		trap->info[0] = (info1 & SVM_IOIO_SIZE_MASK) >>
				SVM_IOIO_SIZE_SHIFT;
		/* One-hot 1, 2, 4: the size in bytes. */
		if (trap->info[0] != 1 && trap->info[0] != 2 &&
		    trap->info[0] != 4)
			break;
		trap->info[1] = info2 - x->rip;
		return;
	}
	trap->kind = AXAS_TRAP_OTHER;
	trap->info[0] = c->exit_code | (u64)c->exit_code_hi << 32;
	trap->info[1] = info1;
	trap->info[2] = x->rip;
	trap->info[3] = info2;
}

/* Interrupts are off: this CPU is ours until the guest exits. */
static void axas_svm_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_svm_cpu *sc = this_cpu_ptr(&axas_svm_cpus);
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct axas_svm *svm = x->hw;
	struct vmcb *vmcb = svm->vmcb;
	int cpu = smp_processor_id();
	s64 flushes;

	if (x->reset) {
		axas_svm_reset(vmcb);
		x->reset = false;
	}
	vmcb->save.rip = x->rip;
	vmcb->save.rflags = x->rflags;
	vmcb->save.rsp = x->gpr[AXAS_X86_RSP];
	vmcb->save.rax = x->gpr[AXAS_X86_RAX];
	vmcb->save.cr3 = x->cr3;

	flushes = axas_x86_guest_begin(vcpu->as);
	if (flushes != svm->flushes || svm->cpu != cpu || sc->last != svm)
		vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	else
		vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	svm->flushes = flushes;
	svm->cpu = cpu;
	sc->last = svm;
	vmcb->control.clean = 0;

	kernel_fpu_begin();
	asm volatile("clgi" ::: "memory");
	/* GIF holds interrupts off; IF set makes them exit the guest. */
	raw_local_irq_enable();
	axas_svm_run(svm->vmcb_pa, x->gpr, page_to_phys(sc->host_save));
	raw_local_irq_disable();
	/* #VMEXIT left DR7 disabled, and the guest may have set DR0-3. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	asm volatile("stgi" ::: "memory");
	kernel_fpu_end();
	axas_x86_guest_end();

	x->rip = vmcb->save.rip;
	x->rflags = vmcb->save.rflags;
	x->gpr[AXAS_X86_RSP] = vmcb->save.rsp;
	x->gpr[AXAS_X86_RAX] = vmcb->save.rax;
	x->cr3 = vmcb->save.cr3;
	axas_svm_exit(x, vmcb, trap);
}

const struct axas_x86_backend axas_x86_svm = {
	.name		= "SVM",
	.format		= AXAS_FMT_AMD_NPT,
	.unsupported	= axas_svm_unsupported,
	.hw_enable	= axas_svm_hw_enable,
	.hw_disable	= axas_svm_hw_disable,
	.check_space	= axas_svm_check_space,
	.init		= axas_svm_init,
	.destroy	= axas_svm_destroy,
	.enter		= axas_svm_enter,
};

/**
 * axas_x86_svm_native() - whether NPT flushes reach SVM guests here
 *
 * Context: any context.
 * Return: true once the SVM backend enabled SVM on every CPU.
 */
bool axas_x86_svm_native(void)
{
	return READ_ONCE(axas_svm_on);
}
