// SPDX-License-Identifier: GPL-2.0
/*
 * Intel EPT, after the Intel SDM volume 3C, chapter "VMX Support for
 * Address Translation", section "The Extended Page Table Mechanism (EPT)".
 *
 * 4-level walks cover 48 bits of guest-physical address, 5-level walks 57;
 * those are the two widths a space can have.
 * A present entry has any of bits 2:0 (read, write, execute) set; the
 * permissions of every level are combined, so tables grant all three.
 * Leaves carry the memory type in bits 5:3 and ignore the guest PAT (bit
 * 6), and blocks (2 MiB, 1 GiB) set bit 7.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>

#include "pgtable.h"

#define EPT_READ		BIT_ULL(0)
#define EPT_WRITE		BIT_ULL(1)
#define EPT_EXEC		BIT_ULL(2)
#define EPT_RWX			(EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MT_SHIFT		3
#define EPT_MT_UC		0ULL
#define EPT_MT_WB		6ULL
#define EPT_IGNORE_PAT		BIT_ULL(6)
#define EPT_LEAF_BLOCK		BIT_ULL(7)
/* Bits the processor ignores: 11, and 62:52 without the optional features. */
#define EPT_SW_ZAPPED		BIT_ULL(11)
#define EPT_SW_OWNED		BIT_ULL(52)

#define EPTP_MT_WB		6ULL
#define EPTP_WALK_SHIFT		3
#define EPTP_AD_ENABLE		BIT_ULL(6)

/* The walk length fixes the width: 4 levels cover 48 bits, 5 cover 57. */
static int ept_geometry(unsigned int ia_bits, struct axas_geometry *geo)
{
	unsigned int top = ia_bits == 48 ? 3 : 4;

	if (ia_bits != 48 && ia_bits != 57)
		return -EINVAL;

	geo->top_level = top;
	geo->root_order = 0;
	geo->root_ptes = 1U << (ia_bits - axas_level_shift(top));
	return 0;
}

static u64 ept_table_pte(phys_addr_t pa)
{
	return axas_pa_to_pte(&axas_fmt_ept, pa) | EPT_RWX;
}

static u64 ept_leaf_attrs(unsigned int level, u32 flags)
{
	u64 pte = EPT_IGNORE_PAT;

	if (flags & AXAS_READ)
		pte |= EPT_READ;
	if (flags & AXAS_WRITE)
		pte |= EPT_WRITE;
	if (flags & AXAS_EXEC)
		pte |= EPT_EXEC;
	pte |= (flags & AXAS_DEVICE ? EPT_MT_UC : EPT_MT_WB) << EPT_MT_SHIFT;
	if (level)
		pte |= EPT_LEAF_BLOCK;
	if (flags & AXAS_PTE_OWNED)
		pte |= EPT_SW_OWNED;
	return pte;
}

static u32 ept_pte_flags(u64 pte)
{
	u32 flags = 0;

	/*
	 * Every mapping reads; W without R is only ever the test hook's
	 * wrong leaf (AXAS_PTE_WRONG), which software still sees as mapped.
	 */
	if (pte & (EPT_READ | EPT_WRITE))
		flags |= AXAS_READ;
	if (pte & EPT_WRITE)
		flags |= AXAS_WRITE;
	if (pte & EPT_EXEC)
		flags |= AXAS_EXEC;
	if (((pte >> EPT_MT_SHIFT) & 7) == EPT_MT_UC)
		flags |= AXAS_DEVICE;
	if (pte & EPT_SW_OWNED)
		flags |= AXAS_PTE_OWNED;
	return flags;
}

static void ept_hw_regs(const struct axas_pgtable *pgt, u16 vmid,
			struct axas_hw_regs *regs)
{
	regs->root = (u64)pgt->root_pa | EPTP_MT_WB |
		     ((u64)pgt->geo.top_level << EPTP_WALK_SHIFT);
	if (pgt->cfg_flags & AXAS_CFG_EPT_AD)
		regs->root |= EPTP_AD_ENABLE;
	regs->ctl = 0;
}

const struct axas_format axas_fmt_ept = {
	.name		= "ept",
	.min_ia_bits	= 48,
	.max_ia_bits	= 57,
	.max_leaf_level	= 2,
	.split_bbm	= false,
	.vmid_bits	= 16,
	.pfn_shift	= AXAS_PAGE_SHIFT,
	.pa_mask	= GENMASK_ULL(51 - AXAS_PAGE_SHIFT, 0),
	.geometry	= ept_geometry,
	.table_pte	= ept_table_pte,
	.leaf_attrs	= ept_leaf_attrs,
	/* Writable without read: an EPT misconfiguration (SDM 29.3.3.1). */
	.wrong_leaf_clear = EPT_READ,
	.valid_mask	= EPT_RWX,
	.table_mask	= EPT_LEAF_BLOCK,
	.table_val	= 0,
	.zap_bit	= EPT_SW_ZAPPED,
	.owned_bit	= EPT_SW_OWNED,
	.pte_flags	= ept_pte_flags,
	.hw_regs	= ept_hw_regs,
};
