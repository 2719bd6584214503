// SPDX-License-Identifier: GPL-2.0
/*
 * TLB invalidation on x86: INVEPT single-context (Intel SDM volume 3C,
 * "Invalidating Cached Translation Information") for EPT spaces.
 *
 * INVEPT only exists in VMX operation. The exit handler that enters
 * guests invalidates on entry whenever a space changed; here the
 * instruction is issued only when this CPU has CR4.VMXE set, and an
 * exception-table entry absorbs the #UD should VMXON not have been
 * executed after all, since no flush is lost by skipping it then.
 *
 * AMD NPT spaces: SVM has no host instruction that invalidates nested
 * translations by guest address outside VMRUN (INVLPGA takes a
 * guest-virtual address). Once the SVM backend runs guests, every entry
 * after a flush of the space makes VMRUN flush (TLB_CONTROL), and CPUs
 * running a guest of the space are interrupted so that they re-enter
 * (axas_x86_kick_guests()). Without it the flush is only counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/types.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/processor-flags.h>
#include <asm/tlbflush.h>

#include "space.h"
#include "vcpu-x86.h"

#define INVEPT_SINGLE_CONTEXT	1

struct axas_invept_desc {
	u64 eptp;
	u64 reserved;
};

/* A #UD outside VMX operation resumes after the instruction. */
static void axas_invept(unsigned long type, u64 eptp)
{
	struct axas_invept_desc desc = { .eptp = eptp };

	asm volatile("1: invept %[desc], %[type]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
}

bool axas_arch_flush_native(const struct axas_space *as)
{
	if (as->format == AXAS_FMT_AMD_NPT)
		return axas_x86_svm_native();
	return as->format == AXAS_FMT_EPT && boot_cpu_has(X86_FEATURE_VMX) &&
	       (cr4_read_shadow() & X86_CR4_VMXE);
}

void axas_arch_flush(struct axas_space *as, u64 start, u64 end)
{
	struct axas_hw_regs regs;

	if (as->format == AXAS_FMT_AMD_NPT) {
		if (axas_x86_svm_native())
			axas_x86_kick_guests(as);
		return;
	}
	if (!axas_arch_flush_native(as))
		return;
	axas_hw_regs(as, &regs);
	axas_invept(INVEPT_SINGLE_CONTEXT, regs.root);
	/* Other CPUs: at their next entry, and now if they run a guest. */
	axas_x86_kick_guests(as);
}
