// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 Stage-2 translation with the 4 KiB granule, after the Arm ARM
 * (DDI 0487), chapter D8 "The AArch64 Virtual Memory System Architecture":
 * VMSAv8-64 stage 2 descriptors and the VTCR_EL2 / VTTBR_EL2 registers.
 *
 * Arm numbers levels from the root (0) down to the page level (3); here
 * level 0 is the page level, so Arm level = 3 - our level.
 *
 * The start level may hold up to 16 concatenated tables. Like KVM we use
 * that to walk as few levels as possible: 32 to 34-bit IPAs start at Arm
 * level 2, 35 to 43-bit at level 1, 44 to 48-bit at level 0. The root is
 * aligned to its own size, as VTTBR_EL2.BADDR requires.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>

#include "pgtable.h"

#define S2_VALID		BIT_ULL(0)
#define S2_TABLE_OR_PAGE	BIT_ULL(1)
#define S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_NORMAL_WB	0xfULL	/* outer and inner write-back */
#define S2_MEMATTR_DEVICE	0x1ULL	/* Device-nGnRE */
#define S2_AP_R			BIT_ULL(6)
#define S2_AP_W			BIT_ULL(7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT_ULL(10)
#define S2_XN_SHIFT		53
#define S2_XN_ALL		(2ULL << S2_XN_SHIFT)
#define S2_XN_MASK		(3ULL << S2_XN_SHIFT)
/* Bits 58:55 are reserved for software use. */
#define S2_SW_OWNED		BIT_ULL(55)
#define S2_SW_ZAPPED		BIT_ULL(58)

#define VTCR_T0SZ_SHIFT		0
#define VTCR_SL0_SHIFT		6
#define VTCR_IRGN0_SHIFT	8
#define VTCR_ORGN0_SHIFT	10
#define VTCR_RGN_WBWA		1ULL	/* write-back, read/write-allocate */
#define VTCR_SH0_SHIFT		12
#define VTCR_SH_INNER		3ULL
#define VTCR_TG0_SHIFT		14
#define VTCR_TG0_4K		0ULL
#define VTCR_PS_SHIFT		16
#define VTCR_PS_48BIT		5ULL
#define VTCR_VS_16BIT		BIT_ULL(19)
#define VTCR_RES1		BIT_ULL(31)
#define VTTBR_VMID_SHIFT	48

static int s2_geometry(unsigned int ia_bits, struct axas_geometry *geo)
{
	unsigned int top, ptes_log2;

	if (ia_bits <= 34)
		top = 1;
	else if (ia_bits <= 43)
		top = 2;
	else
		top = 3;

	ptes_log2 = ia_bits - axas_level_shift(top);
	geo->top_level = top;
	geo->root_ptes = 1U << ptes_log2;
	geo->root_order = ptes_log2 > AXAS_PTES_SHIFT ?
			  ptes_log2 - AXAS_PTES_SHIFT : 0;
	return 0;
}

static u64 s2_table_pte(phys_addr_t pa)
{
	return axas_pa_to_pte(&axas_fmt_arm_s2, pa) | S2_VALID | S2_TABLE_OR_PAGE;
}

static u64 s2_leaf_attrs(unsigned int level, u32 flags)
{
	u64 pte = S2_VALID | S2_AF;

	if (!level)
		pte |= S2_TABLE_OR_PAGE;
	if (flags & AXAS_DEVICE)
		pte |= S2_MEMATTR_DEVICE << S2_MEMATTR_SHIFT;
	else
		pte |= (S2_MEMATTR_NORMAL_WB << S2_MEMATTR_SHIFT) | S2_SH_INNER;
	if (flags & AXAS_READ)
		pte |= S2_AP_R;
	if (flags & AXAS_WRITE)
		pte |= S2_AP_W;
	if (!(flags & AXAS_EXEC))
		pte |= S2_XN_ALL;
	if (flags & AXAS_PTE_OWNED)
		pte |= S2_SW_OWNED;
	return pte;
}

static u32 s2_pte_flags(u64 pte)
{
	u32 flags = 0;

	if (pte & S2_AP_R)
		flags |= AXAS_READ;
	if (pte & S2_AP_W)
		flags |= AXAS_WRITE;
	if (!(pte & S2_XN_MASK))
		flags |= AXAS_EXEC;
	/* Device types have MemAttr[3:2] (outer attribute) == 0b00. */
	if (!((pte >> S2_MEMATTR_SHIFT) & 0xc))
		flags |= AXAS_DEVICE;
	if (pte & S2_SW_OWNED)
		flags |= AXAS_PTE_OWNED;
	return flags;
}

static void s2_hw_regs(const struct axas_pgtable *pgt, u16 vmid,
		       struct axas_hw_regs *regs)
{
	/* SL0 for the 4 KiB granule: 0 starts at Arm level 2, 1 at 1, 2 at 0. */
	u64 sl0 = pgt->geo.top_level - 1;

	regs->root = (u64)pgt->root_pa | ((u64)vmid << VTTBR_VMID_SHIFT);
	regs->ctl = ((64ULL - pgt->ia_bits) << VTCR_T0SZ_SHIFT) |
		    (sl0 << VTCR_SL0_SHIFT) |
		    (VTCR_RGN_WBWA << VTCR_IRGN0_SHIFT) |
		    (VTCR_RGN_WBWA << VTCR_ORGN0_SHIFT) |
		    (VTCR_SH_INNER << VTCR_SH0_SHIFT) |
		    (VTCR_TG0_4K << VTCR_TG0_SHIFT) |
		    (VTCR_PS_48BIT << VTCR_PS_SHIFT) | VTCR_RES1;
	if (axas_fmt_arm_s2.vmid_bits == 16)
		regs->ctl |= VTCR_VS_16BIT;
}

const struct axas_format axas_fmt_arm_s2 = {
	.name		= "arm-s2",
	.min_ia_bits	= 32,
	.max_ia_bits	= 48,
	.max_leaf_level	= 2,
	.split_bbm	= true,
	.vmid_bits	= 8,
	.pfn_shift	= AXAS_PAGE_SHIFT,
	.pa_mask	= GENMASK_ULL(47 - AXAS_PAGE_SHIFT, 0),
	.geometry	= s2_geometry,
	.table_pte	= s2_table_pte,
	.leaf_attrs	= s2_leaf_attrs,
	.valid_mask	= S2_VALID,
	.table_mask	= S2_TABLE_OR_PAGE,
	.table_val	= S2_TABLE_OR_PAGE,
	.zap_bit	= S2_SW_ZAPPED,
	.owned_bit	= S2_SW_OWNED,
	.pte_flags	= s2_pte_flags,
	.wrong_leaf_clear = S2_AF,
	.hw_regs	= s2_hw_regs,
};
