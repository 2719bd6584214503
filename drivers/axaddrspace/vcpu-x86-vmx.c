// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VMX backend of x86 vCPUs (vcpu-x86.h): guests on EPT spaces,
 * after the Intel SDM volume 3C, chapters "Virtual Machine Control
 * Structures", "VMX Non-Root Operation", "VM Entries", "VM Exits" and
 * "VMX Support for Address Translation".
 *
 * Every CPU enters VMX operation (CR4.VMXE, VMXON) at module load and when
 * it comes online, and leaves it (VMXOFF) at unload and when it goes
 * offline. Each vCPU has a VMCS with EPT on (EPTP = the space's root) that
 * makes every event this module handles exit: external interrupts and
 * NMIs, every exception, HLT, VMCALL, all I/O instructions and, as no MSR
 * bitmap is used, all RDMSR and WRMSR; the other VMX instructions, CPUID,
 * INVD, XSETBV, GETSEC and more always exit. A guest therefore touches
 * neither host ports nor host MSRs.
 *
 * A VMCS is made current (VMPTRLD) on the CPU that enters the guest and
 * cleared (VMCLEAR) right after the exit, with interrupts off throughout:
 * it is never active on a CPU the vCPU left, and VMXOFF finds none active
 * whenever it runs. The price is VMLAUNCH on every entry, where VMRESUME
 * would do on a CPU the vCPU did not leave; the host fields that differ
 * per CPU are written at every entry too.
 *
 * TLB: VPID is off, so VM entries and exits flush the guest's linear
 * translations (SDM "VPID and the TLB"). What outlives an exit are the
 * guest-physical translations of the EPTP, which an entry flushes (INVEPT
 * single-context) whenever the space was flushed since the vCPU's last
 * entry or the vCPU last ran on another CPU; a flush of a space also
 * interrupts the CPUs that run one of its guests now
 * (axas_x86_kick_guests()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
/* For load_gs_index(), which moved to <asm/gsseg.h> in 6.2. */
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "space.h"
#include "vcpu-x86.h"

/* VM-entry access rights: type, S, DPL, P, AVL, L, D/B, G, unusable. */
#define VMX_AR_CODE64		0xa09b	/* execute/read, accessed, L, G */
#define VMX_AR_DATA		0xc093	/* read/write, accessed, D/B, G */
#define VMX_AR_TSS64		0x008b	/* busy 64-bit TSS */
#define VMX_AR_UNUSABLE		0x10000
#define VMX_DR7			0x400ULL
#define VMX_VMCS_LINK_NONE	(~0ULL)

/* Exit qualification of an EPT violation (bits 0 to 2: the access). */
#define VMX_EPT_QUAL_READ	BIT_ULL(0)
#define VMX_EPT_QUAL_WRITE	BIT_ULL(1)
#define VMX_EPT_QUAL_FETCH	BIT_ULL(2)
/* Exit qualification of an I/O instruction. */
#define VMX_IO_SIZE_MASK	0x7ULL		/* size - 1 */
#define VMX_IO_IN		BIT_ULL(3)
#define VMX_IO_STRING		BIT_ULL(4)
#define VMX_IO_REP		BIT_ULL(5)
#define VMX_IO_PORT_SHIFT	16

/* &axas_trap.info[0] of a VMLAUNCH that failed before any guest state. */
#define VMX_VMFAIL		(~0ULL)

#define VMX_INVEPT_SINGLE	1

/* IA32_VMX_BASIC (SDM volume 3D, "Basic VMX Information"). */
#define VMX_BASIC_REVISION	GENMASK_ULL(30, 0)
#define VMX_BASIC_SIZE		GENMASK_ULL(44, 32)
#define VMX_BASIC_MEMTYPE	GENMASK_ULL(53, 50)
#define VMX_BASIC_MEMTYPE_WB	6
#define VMX_BASIC_TRUE		BIT_ULL(55)

/* What every vCPU needs; axas_vmx_unsupported() checks that it is there. */
#define VMX_PIN_WANT		(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING)
#define VMX_PROC_WANT		(CPU_BASED_HLT_EXITING | \
				 CPU_BASED_UNCOND_IO_EXITING | \
				 CPU_BASED_MWAIT_EXITING | \
				 CPU_BASED_MONITOR_EXITING | \
				 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define VMX_PROC2_WANT		SECONDARY_EXEC_ENABLE_EPT
#define VMX_EXIT_WANT		(VM_EXIT_HOST_ADDR_SPACE_SIZE | \
				 VM_EXIT_LOAD_IA32_EFER | \
				 VM_EXIT_SAVE_IA32_EFER)
#define VMX_ENTRY_WANT		(VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_EFER)
#define VMX_EPT_WANT		(VMX_EPT_PAGE_WALK_4_BIT | VMX_EPTP_WB_BIT | \
				 VMX_EPT_INVEPT_BIT | VMX_EPT_EXTENT_CONTEXT_BIT)

/**
 * struct axas_vmx_caps - read once by axas_vmx_unsupported(), then constant
 * @revision: VMCS revision identifier (IA32_VMX_BASIC bits 30:0).
 * @pin: pin-based controls to use.
 * @proc: primary processor-based controls.
 * @proc2: secondary processor-based controls.
 * @exit: VM-exit controls.
 * @entry: VM-entry controls.
 * @ept: IA32_VMX_EPT_VPID_CAP.
 * @cr0_fixed0: CR0 bits that must be 1 in VMX operation.
 * @cr0_fixed1: CR0 bits that may be 1.
 * @cr4_fixed0: CR4 bits that must be 1 (VMXE).
 * @cr4_fixed1: CR4 bits that may be 1.
 */
struct axas_vmx_caps {
	u32 revision;
	u32 pin, proc, proc2, exit, entry;
	u64 ept;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/**
 * struct axas_vmx_cpu - per CPU
 * @vmxon: the VMXON region.
 * @on: this CPU is in VMX operation (set and read on the CPU itself).
 */
struct axas_vmx_cpu {
	struct page *vmxon;
	bool on;
};

/**
 * struct axas_vmx - the backend state of one vCPU (&axas_x86_vcpu.hw)
 * @vmcs: the VMCS region, one page.
 * @vmcs_pa: its physical address.
 * @eptp: the space's EPT pointer.
 * @cpu: the CPU it last ran on, -1 before the first run.
 * @flushes: &axas_space.tlb_flushes at its last entry.
 * @ready: the VMCS holds the controls (written at the first entry).
 */
struct axas_vmx {
	void *vmcs;
	u64 vmcs_pa;
	u64 eptp;
	int cpu;
	s64 flushes;
	bool ready;
};

static struct axas_vmx_caps axas_vmx_caps;
static DEFINE_PER_CPU(struct axas_vmx_cpu, axas_vmx_cpus);
static enum cpuhp_state axas_vmx_hp_state;

/* VMX instructions: true when they succeeded (CF and ZF clear). */
static bool axas_vmxon(u64 pa)
{
	bool fail;

	asm volatile("vmxon %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static void axas_vmxoff(void)
{
	asm volatile("vmxoff" ::: "cc", "memory");
}

static bool axas_vmclear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static bool axas_vmptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static u64 axas_vmread(unsigned long field)
{
	unsigned long val = 0;

	asm volatile("vmread %[field], %[val]"
		     : [val] "=r" (val) : [field] "r" (field) : "cc");
	return val;
}

/* Returns true on failure, so that a sequence of writes can OR them. */
static bool axas_vmwrite(unsigned long field, u64 val)
{
	bool fail;

	asm volatile("vmwrite %[val], %[field]; setna %[fail]"
		     : [fail] "=qm" (fail)
		     : [val] "r" ((unsigned long)val), [field] "r" (field)
		     : "cc");
	return fail;
}

static void axas_invept(u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { .eptp = eptp };

	asm volatile("invept %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" ((unsigned long)VMX_INVEPT_SINGLE)
		     : "cc", "memory");
}

/*
 * The controls to use, given the capability MSR: the bits it forces to 1
 * (low half) plus @want, which must all be allowed (high half). 0 when
 * one of @want is not allowed.
 */
static bool axas_vmx_ctl(u32 msr, u32 want, u32 *ctl)
{
	u64 cap;

	rdmsrl(msr, cap);
	*ctl = (want | (u32)cap) & (u32)(cap >> 32);
	return (*ctl & want) == want;
}

static const char *axas_vmx_read_caps(struct axas_vmx_caps *c)
{
	bool true_ctls;
	u64 basic;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	if (FIELD_GET(VMX_BASIC_SIZE, basic) > PAGE_SIZE)
		return "the VMCS is larger than a page";
	if (FIELD_GET(VMX_BASIC_MEMTYPE, basic) != VMX_BASIC_MEMTYPE_WB)
		return "the VMCS is not write-back memory";
	c->revision = FIELD_GET(VMX_BASIC_REVISION, basic);
	true_ctls = basic & VMX_BASIC_TRUE;

	if (!axas_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			  MSR_IA32_VMX_PINBASED_CTLS, VMX_PIN_WANT, &c->pin))
		return "VMX cannot exit on external interrupts and NMIs";
	if (!axas_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			  MSR_IA32_VMX_PROCBASED_CTLS, VMX_PROC_WANT, &c->proc))
		return "VMX has no secondary controls or cannot exit on HLT or I/O";
	if (!axas_vmx_ctl(MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_WANT,
			  &c->proc2))
		return "VMX without EPT";
	if (!axas_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			  MSR_IA32_VMX_EXIT_CTLS, VMX_EXIT_WANT, &c->exit))
		return "VM exits cannot load EFER or a 64-bit host";
	if (!axas_vmx_ctl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			  MSR_IA32_VMX_ENTRY_CTLS, VMX_ENTRY_WANT, &c->entry))
		return "VM entries cannot load EFER or a 64-bit guest";
	/* Never acknowledge interrupts on exit: the host takes them itself. */
	if (c->exit & VM_EXIT_ACK_INTR_ON_EXIT)
		return "VM exits must acknowledge interrupts";

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, c->ept);
	if ((c->ept & VMX_EPT_WANT) != VMX_EPT_WANT)
		return "EPT without 4-level walks, write-back tables or single-context INVEPT";

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);
	if ((AXAS_X86_GUEST_CR0 | c->cr0_fixed0) & ~c->cr0_fixed1)
		return "the guest's CR0 is not allowed in VMX operation";
	return NULL;
}

static const char *axas_vmx_unsupported(void)
{
	u64 feat;

	if (!boot_cpu_has(X86_FEATURE_VMX))
		return "the CPU has no VMX";
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED))
		return "IA32_FEATURE_CONTROL is not locked, so VMXON would fault";
	if (!(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return "VMX is disabled by the firmware (IA32_FEATURE_CONTROL)";
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return "CR4.VMXE is already set: another hypervisor (KVM?) owns VMX";
	return axas_vmx_read_caps(&axas_vmx_caps);
}

/* cpuhp callbacks: they run on the CPU concerned. */
static int axas_vmx_cpu_online(unsigned int cpu)
{
	struct axas_vmx_cpu *vc = this_cpu_ptr(&axas_vmx_cpus);
	u32 *revision = page_address(vc->vmxon);
	unsigned long flags;
	int ret = 0;

	local_irq_save(flags);
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU %u: CR4.VMXE is already set: VMX is in use\n", cpu);
		ret = -EBUSY;
		goto out;
	}
	*revision = axas_vmx_caps.revision;
	cr4_set_bits(X86_CR4_VMXE);
	if (!axas_vmxon(page_to_phys(vc->vmxon))) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err("CPU %u: VMXON failed\n", cpu);
		ret = -EIO;
		goto out;
	}
	vc->on = true;
out:
	local_irq_restore(flags);
	return ret;
}

static int axas_vmx_cpu_offline(unsigned int cpu)
{
	struct axas_vmx_cpu *vc = this_cpu_ptr(&axas_vmx_cpus);
	unsigned long flags;

	local_irq_save(flags);
	if (vc->on) {
		axas_vmxoff();
		cr4_clear_bits(X86_CR4_VMXE);
		vc->on = false;
	}
	local_irq_restore(flags);
	return 0;
}

static void axas_vmx_free_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct axas_vmx_cpu *vc = per_cpu_ptr(&axas_vmx_cpus, cpu);

		if (vc->vmxon)
			__free_page(vc->vmxon);
		vc->vmxon = NULL;
	}
}

static int axas_vmx_hw_enable(void)
{
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		struct axas_vmx_cpu *vc = per_cpu_ptr(&axas_vmx_cpus, cpu);

		vc->vmxon = alloc_pages_node(cpu_to_node(cpu),
					     GFP_KERNEL | __GFP_ZERO, 0);
		if (!vc->vmxon) {
			axas_vmx_free_pages();
			return -ENOMEM;
		}
	}
	/* On failure, the CPUs that did VMXON are taken out again. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "axaddrspace/vmx:online",
				axas_vmx_cpu_online, axas_vmx_cpu_offline);
	if (ret < 0) {
		axas_vmx_free_pages();
		return ret;
	}
	axas_vmx_hp_state = ret;
	return 0;
}

static void axas_vmx_hw_disable(void)
{
	cpuhp_remove_state(axas_vmx_hp_state);
	axas_vmx_free_pages();
}

static int axas_vmx_check_space(struct axas_space *as)
{
	const struct axas_pgtable *pgt = &as->pgt;
	u64 ept = axas_vmx_caps.ept;

	if (pgt->geo.top_level == 4 && !(ept & VMX_EPT_PAGE_WALK_5_BIT))
		return -EINVAL;
	if ((pgt->cfg_flags & AXAS_CFG_EPT_AD) && !(ept & VMX_EPT_AD_BIT))
		return -EINVAL;
	if (!(ept & VMX_EPT_2MB_PAGE_BIT) || !(ept & VMX_EPT_1GB_PAGE_BIT))
		return -EINVAL;	/* spaces map blocks of both sizes */
	return 0;
}

static int axas_vmx_init(struct axas_vcpu *vcpu)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct axas_hw_regs regs;
	struct axas_vmx *vmx;
	struct page *page;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(vmx);
		return -ENOMEM;
	}
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = axas_vmx_caps.revision;
	axas_hw_regs(vcpu->as, &regs);
	vmx->eptp = regs.root;
	vmx->cpu = -1;
	vmx->flushes = -1;
	x->hw = vmx;
	return 0;
}

static void axas_vmx_destroy(struct axas_vcpu *vcpu)
{
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct axas_vmx *vmx = x->hw;

	if (!vmx)
		return;
	/* Cleared after every exit: no CPU has it active. */
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	x->hw = NULL;
}

static u64 axas_vmx_cr(u64 val, u64 fixed0, u64 fixed1)
{
	return (val | fixed0) & fixed1;
}

/* The fields that never change for a vCPU; false when one was refused. */
static bool axas_vmx_setup(struct axas_vmx *vmx)
{
	const struct axas_vmx_caps *c = &axas_vmx_caps;
	bool fail = false;

	fail |= axas_vmwrite(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	fail |= axas_vmwrite(CPU_BASED_VM_EXEC_CONTROL, c->proc);
	fail |= axas_vmwrite(SECONDARY_VM_EXEC_CONTROL, c->proc2);
	fail |= axas_vmwrite(VM_EXIT_CONTROLS, c->exit);
	fail |= axas_vmwrite(VM_ENTRY_CONTROLS, c->entry);
	/* Every exception exits, #PF with any error code. */
	fail |= axas_vmwrite(EXCEPTION_BITMAP, ~0U);
	fail |= axas_vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	fail |= axas_vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	fail |= axas_vmwrite(CR3_TARGET_COUNT, 0);
	fail |= axas_vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	fail |= axas_vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	fail |= axas_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	fail |= axas_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	fail |= axas_vmwrite(EPT_POINTER, vmx->eptp);
	fail |= axas_vmwrite(VMCS_LINK_POINTER, VMX_VMCS_LINK_NONE);
	/* The guest owns no CR0 or CR4 bit: changing one exits. */
	fail |= axas_vmwrite(CR0_GUEST_HOST_MASK, ~0UL);
	fail |= axas_vmwrite(CR4_GUEST_HOST_MASK, ~0UL);
	fail |= axas_vmwrite(CR0_READ_SHADOW, AXAS_X86_GUEST_CR0);
	fail |= axas_vmwrite(CR4_READ_SHADOW, AXAS_X86_GUEST_CR4);

	/* Host state that is the same on every CPU. */
	fail |= axas_vmwrite(HOST_CS_SELECTOR, __KERNEL_CS);
	fail |= axas_vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	fail |= axas_vmwrite(HOST_DS_SELECTOR, 0);
	fail |= axas_vmwrite(HOST_ES_SELECTOR, 0);
	fail |= axas_vmwrite(HOST_FS_SELECTOR, 0);
	fail |= axas_vmwrite(HOST_GS_SELECTOR, 0);
	fail |= axas_vmwrite(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	fail |= axas_vmwrite(HOST_RIP, (unsigned long)axas_vmx_exit);
	return !fail;
}

static bool axas_vmx_seg(unsigned int i, u16 sel, u32 ar, u32 limit)
{
	/* ES, CS, SS, DS, FS, GS, LDTR, TR: fields 2 apart in that order. */
	bool fail = false;

	fail |= axas_vmwrite(GUEST_ES_SELECTOR + i * 2, sel);
	fail |= axas_vmwrite(GUEST_ES_AR_BYTES + i * 2, ar);
	fail |= axas_vmwrite(GUEST_ES_LIMIT + i * 2, limit);
	fail |= axas_vmwrite(GUEST_ES_BASE + i * 2, 0);
	return fail;
}

/* The starting state of the contract: 64-bit mode, CPL 0, flat. */
static bool axas_vmx_reset(void)
{
	const struct axas_vmx_caps *c = &axas_vmx_caps;
	bool fail = false;

	fail |= axas_vmx_seg(0, AXAS_X86_SEL_DATA, VMX_AR_DATA, ~0U);	/* ES */
	fail |= axas_vmx_seg(1, AXAS_X86_SEL_CODE, VMX_AR_CODE64, ~0U);	/* CS */
	fail |= axas_vmx_seg(2, AXAS_X86_SEL_DATA, VMX_AR_DATA, ~0U);	/* SS */
	fail |= axas_vmx_seg(3, AXAS_X86_SEL_DATA, VMX_AR_DATA, ~0U);	/* DS */
	fail |= axas_vmx_seg(4, AXAS_X86_SEL_DATA, VMX_AR_DATA, ~0U);	/* FS */
	fail |= axas_vmx_seg(5, AXAS_X86_SEL_DATA, VMX_AR_DATA, ~0U);	/* GS */
	fail |= axas_vmx_seg(6, 0, VMX_AR_UNUSABLE, 0);			/* LDTR */
	fail |= axas_vmx_seg(7, 0, VMX_AR_TSS64, 0x67);			/* TR */
	fail |= axas_vmwrite(GUEST_GDTR_BASE, 0);
	fail |= axas_vmwrite(GUEST_GDTR_LIMIT, 0);
	fail |= axas_vmwrite(GUEST_IDTR_BASE, 0);
	fail |= axas_vmwrite(GUEST_IDTR_LIMIT, 0);
	/* CR4.VMXE is a fixed-1 bit even in the guest; the shadow hides it. */
	fail |= axas_vmwrite(GUEST_CR0, axas_vmx_cr(AXAS_X86_GUEST_CR0,
						    c->cr0_fixed0,
						    c->cr0_fixed1));
	fail |= axas_vmwrite(GUEST_CR4, axas_vmx_cr(AXAS_X86_GUEST_CR4,
						    c->cr4_fixed0,
						    c->cr4_fixed1));
	fail |= axas_vmwrite(GUEST_IA32_EFER, AXAS_X86_GUEST_EFER);
	fail |= axas_vmwrite(GUEST_DR7, VMX_DR7);
	fail |= axas_vmwrite(GUEST_IA32_DEBUGCTL, 0);
	fail |= axas_vmwrite(GUEST_SYSENTER_CS, 0);
	fail |= axas_vmwrite(GUEST_SYSENTER_ESP, 0);
	fail |= axas_vmwrite(GUEST_SYSENTER_EIP, 0);
	fail |= axas_vmwrite(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	fail |= axas_vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	fail |= axas_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	return !fail;
}

/* Host state that differs per CPU or per task. */
static bool axas_vmx_host(int cpu)
{
	struct desc_ptr idt;
	bool fail = false;
	u64 msr;

	fail |= axas_vmwrite(HOST_CR0, read_cr0());
	fail |= axas_vmwrite(HOST_CR3, __read_cr3());
	fail |= axas_vmwrite(HOST_CR4, cr4_read_shadow());
	rdmsrl(MSR_FS_BASE, msr);
	fail |= axas_vmwrite(HOST_FS_BASE, msr);
	rdmsrl(MSR_GS_BASE, msr);
	fail |= axas_vmwrite(HOST_GS_BASE, msr);
	fail |= axas_vmwrite(HOST_TR_BASE,
			     (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	fail |= axas_vmwrite(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	store_idt(&idt);
	fail |= axas_vmwrite(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	fail |= axas_vmwrite(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	fail |= axas_vmwrite(HOST_IA32_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	fail |= axas_vmwrite(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	fail |= axas_vmwrite(HOST_IA32_EFER, msr);
	return !fail;
}

static void axas_vmx_other(struct axas_x86_vcpu *x, struct axas_trap *trap,
			   u64 reason, u64 qual, u64 word)
{
	trap->kind = AXAS_TRAP_OTHER;
	trap->info[0] = reason;
	trap->info[1] = qual;
	trap->info[2] = x->rip;
	trap->info[3] = word;
}

/* Read the exit from the current VMCS into @x and @trap. */
static void axas_vmx_exit_trap(struct axas_x86_vcpu *x, struct axas_trap *trap)
{
	u32 reason = axas_vmread(VM_EXIT_REASON);
	u64 qual = axas_vmread(EXIT_QUALIFICATION);
	u32 intr;

	x->rip = axas_vmread(GUEST_RIP);
	x->rflags = (axas_vmread(GUEST_RFLAGS) & ~X86_EFLAGS_IF) |
		    (x->rflags & X86_EFLAGS_IF);
	x->gpr[AXAS_X86_RSP] = axas_vmread(GUEST_RSP);
	x->cr3 = axas_vmread(GUEST_CR3);

	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		/* Invalid guest state or MSR loading: nothing ran. */
		axas_vmx_other(x, trap, reason, qual,
			       axas_vmread(VM_INSTRUCTION_ERROR));
		return;
	}
	switch ((u16)reason) {
	case EXIT_REASON_EXCEPTION_NMI:
		intr = axas_vmread(VM_EXIT_INTR_INFO);
		if ((intr & INTR_INFO_VALID_MASK) &&
		    (intr & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
			/* The host's NMI: raise it again, to the host. */
			apic->send_IPI_mask(cpumask_of(smp_processor_id()),
					    NMI_VECTOR);
			trap->kind = AXAS_TRAP_IRQ;
			return;
		}
		axas_vmx_other(x, trap, reason, intr, qual);
		return;
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		trap->kind = AXAS_TRAP_IRQ;
		return;
	case EXIT_REASON_VMCALL:
		trap->kind = AXAS_TRAP_HYPERCALL;
		return;
	case EXIT_REASON_EPT_VIOLATION:
		trap->kind = AXAS_TRAP_GUEST_FAULT;
		trap->gpa = axas_vmread(GUEST_PHYSICAL_ADDRESS);
		if (qual & VMX_EPT_QUAL_FETCH)
			trap->access = AXAS_EXEC;
		else if (qual & VMX_EPT_QUAL_WRITE)
			trap->access = AXAS_WRITE;
		else
			trap->access = AXAS_READ;
		trap->info[2] = x->rip;
		return;
	case EXIT_REASON_EPT_MISCONFIG:
		axas_vmx_other(x, trap, reason, qual,
			       axas_vmread(GUEST_PHYSICAL_ADDRESS));
		return;
	case EXIT_REASON_HLT:
		trap->kind = AXAS_TRAP_HLT;
		trap->info[1] = axas_vmread(VM_EXIT_INSTRUCTION_LEN);
		return;
	case EXIT_REASON_IO_INSTRUCTION:
		/* String and REP forms are for userspace to refuse: OTHER. */
		if (qual & (VMX_IO_STRING | VMX_IO_REP))
			break;
		trap->kind = AXAS_TRAP_IO;
		trap->gpa = (u16)(qual >> VMX_IO_PORT_SHIFT);
		trap->access = qual & VMX_IO_IN ? AXAS_READ : AXAS_WRITE;
		trap->info[0] = (qual & VMX_IO_SIZE_MASK) + 1;
		trap->info[1] = axas_vmread(VM_EXIT_INSTRUCTION_LEN);
		if (trap->info[0] != 1 && trap->info[0] != 2 &&
		    trap->info[0] != 4)
			break;
		return;
	}
	memset(trap, 0, sizeof(*trap));
	axas_vmx_other(x, trap, reason, qual,
		       axas_vmread(GUEST_PHYSICAL_ADDRESS));
}

/* Interrupts are off: this CPU is ours until the guest exits. */
static void axas_vmx_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	struct axas_vmx_cpu *vc = this_cpu_ptr(&axas_vmx_cpus);
	struct axas_x86_vcpu *x = axas_x86(vcpu);
	struct axas_vmx *vmx = x->hw;
	int cpu = smp_processor_id();
	u64 kernel_gs_base;
	u16 ds, es, fs, gs;
	s64 flushes;
	bool fail;

	memset(trap, 0, sizeof(*trap));
	if (!vc->on || !axas_vmptrld(vmx->vmcs_pa)) {
		/* Only if VMXON was undone under us; never expected. */
		axas_vmx_other(x, trap, VMX_VMFAIL, 0, 0);
		return;
	}
	fail = false;
	if (!vmx->ready) {
		fail |= !axas_vmx_setup(vmx);
		vmx->ready = true;
	}
	if (x->reset) {
		fail |= !axas_vmx_reset();
		x->reset = false;
	}
	fail |= !axas_vmx_host(cpu);
	fail |= axas_vmwrite(GUEST_RIP, x->rip);
	/*
	 * The guest runs with RFLAGS.IF set, which it cannot tell: external
	 * interrupts and NMIs exit before they reach it whatever IF says.
	 * Bochs 2.7 needs it: it masks interrupts at VM entry by the IF it
	 * loads before it counts itself in the guest, so with IF clear
	 * they never exit. The guest's own IF is kept in @x->rflags.
	 */
	fail |= axas_vmwrite(GUEST_RFLAGS, x->rflags | X86_EFLAGS_IF);
	fail |= axas_vmwrite(GUEST_RSP, x->gpr[AXAS_X86_RSP]);
	fail |= axas_vmwrite(GUEST_CR3, x->cr3);
	if (fail) {
		axas_vmx_other(x, trap, VMX_VMFAIL,
			       axas_vmread(VM_INSTRUCTION_ERROR), 0);
		goto out_clear;
	}

	flushes = axas_x86_guest_begin(vcpu->as);
	if (flushes != vmx->flushes || vmx->cpu != cpu)
		axas_invept(vmx->eptp);
	vmx->flushes = flushes;
	vmx->cpu = cpu;

	savesegment(ds, ds);
	savesegment(es, es);
	savesegment(fs, fs);
	savesegment(gs, gs);
	/* SWAPGS in the guest would change it, and VM exits do not load it. */
	rdmsrl(MSR_KERNEL_GS_BASE, kernel_gs_base);

	kernel_fpu_begin();
	fail = axas_vmx_run(x->gpr);
	kernel_fpu_end();

	/* VM exits leave null DS to GS selectors and a 0x67 TR limit. */
	if (unlikely(ds | es)) {
		loadsegment(ds, ds);
		loadsegment(es, es);
	}
	if (unlikely(fs)) {
		u64 fs_base;

		rdmsrl(MSR_FS_BASE, fs_base);
		loadsegment(fs, fs);
		wrmsrl(MSR_FS_BASE, fs_base);
	}
	if (unlikely(gs))
		load_gs_index(gs);
	wrmsrl(MSR_KERNEL_GS_BASE, kernel_gs_base);
	invalidate_tss_limit();
	/* And GDTR and IDTR limits of 0xffff: the GDT's matters. */
	load_fixmap_gdt(cpu);
	axas_x86_guest_end();

	if (fail)
		axas_vmx_other(x, trap, VMX_VMFAIL,
			       axas_vmread(VM_INSTRUCTION_ERROR), 0);
	else
		axas_vmx_exit_trap(x, trap);
out_clear:
	axas_vmclear(vmx->vmcs_pa);
}

const struct axas_x86_backend axas_x86_vmx = {
	.name		= "VMX",
	.format		= AXAS_FMT_EPT,
	.unsupported	= axas_vmx_unsupported,
	.hw_enable	= axas_vmx_hw_enable,
	.hw_disable	= axas_vmx_hw_disable,
	.check_space	= axas_vmx_check_space,
	.init		= axas_vmx_init,
	.destroy	= axas_vmx_destroy,
	.enter		= axas_vmx_enter,
};
