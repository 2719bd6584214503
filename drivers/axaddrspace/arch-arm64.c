// SPDX-License-Identifier: GPL-2.0
/*
 * TLB invalidation on arm64 for Stage-2 spaces (Arm ARM, "TLB maintenance
 * instructions"): TLBI IPAS2E1IS per page then TLBI VMALLE1IS, under the
 * space's VMID, broadcast to the inner-shareable domain.
 *
 * Stage-2 TLBIs act on the VMID in VTTBR_EL2, so it is switched to the
 * space's for the duration. With VHE, HCR_EL2.TGE makes EL1 TLBIs target
 * the host's EL2&0 regime, so TGE is cleared meanwhile, with interrupts
 * off. The instructions exist only at EL2: a kernel at EL1 cannot issue
 * them and the guest-entry path invalidates instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>
#include <asm/virt.h>

#include "space.h"

/* Past this many pages one TLBI VMALLS12E1IS is cheaper. */
#define AXAS_TLBI_MAX_PAGES	64

bool axas_arch_flush_native(const struct axas_space *as)
{
	return as->format == AXAS_FMT_ARM_S2 && is_kernel_in_hyp_mode();
}

void axas_arch_flush(struct axas_space *as, u64 start, u64 end)
{
	struct axas_hw_regs regs;
	unsigned long flags;
	u64 vttbr, hcr, addr;

	if (!axas_arch_flush_native(as))
		return;
	axas_hw_regs(as, &regs);

	local_irq_save(flags);
	vttbr = read_sysreg(vttbr_el2);
	hcr = read_sysreg(hcr_el2);
	write_sysreg(regs.root, vttbr_el2);
	write_sysreg(hcr & ~HCR_TGE, hcr_el2);
	isb();

	dsb(ishst);
	if ((end - start) >> PAGE_SHIFT > AXAS_TLBI_MAX_PAGES) {
		__tlbi(vmalls12e1is);
	} else {
		for (addr = start; addr < end; addr += PAGE_SIZE)
			__tlbi(ipas2e1is, addr >> 12);
		dsb(ish);
		__tlbi(vmalle1is);
	}
	dsb(ish);
	isb();

	write_sysreg(hcr, hcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	isb();
	local_irq_restore(flags);
}
