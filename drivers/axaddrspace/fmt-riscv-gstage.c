// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V G-stage translation, after the RISC-V privileged specification,
 * chapter "Hypervisor Extension", section "Two-Stage Address Translation"
 * (Sv39x4, Sv48x4) and the hgatp register.
 *
 * The x4 modes widen the root by two bits: 2048 entries, 16 KiB, aligned
 * to 16 KiB. G-stage accesses are treated as user accesses, so every leaf
 * sets U. Without Svadu the hardware faults on a clear A, or on a clear D
 * for a store, so leaves are created accessed and (when writable) dirty.
 * Non-leaf entries must leave D, A and U clear.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>

#include "pgtable.h"

#define GS_V			BIT_ULL(0)
#define GS_R			BIT_ULL(1)
#define GS_W			BIT_ULL(2)
#define GS_X			BIT_ULL(3)
#define GS_U			BIT_ULL(4)
#define GS_A			BIT_ULL(6)
#define GS_D			BIT_ULL(7)
#define GS_RWX			(GS_R | GS_W | GS_X)
/* RSW, bits 9:8, belongs to software in valid entries. */
#define GS_SW_OWNED		BIT_ULL(8)
#define GS_SW_DEVICE		BIT_ULL(9)
/* Invalid entries are entirely software's. */
#define GS_SW_ZAPPED		BIT_ULL(63)
#define GS_PFN_SHIFT		10

#define HGATP_MODE_SHIFT	60
#define HGATP_MODE_SV39X4	8ULL
#define HGATP_MODE_SV48X4	9ULL
#define HGATP_VMID_SHIFT	44

/* The mode fixes the width: Sv39x4 covers 41 bits, Sv48x4 50. */
static int gs_geometry(unsigned int ia_bits, struct axas_geometry *geo)
{
	if (ia_bits != 41 && ia_bits != 50)
		return -EINVAL;
	geo->top_level = ia_bits == 41 ? 2 : 3;
	geo->root_order = 2;
	geo->root_ptes = 4 * AXAS_PTES_PER_TABLE;
	return 0;
}

static u64 gs_table_pte(phys_addr_t pa)
{
	return axas_pa_to_pte(&axas_fmt_riscv_gstage, pa) | GS_V;
}

static u64 gs_leaf_attrs(unsigned int level, u32 flags)
{
	u64 pte = GS_V | GS_U | GS_A;

	if (flags & AXAS_READ)
		pte |= GS_R;
	if (flags & AXAS_WRITE)
		pte |= GS_W | GS_D;
	if (flags & AXAS_EXEC)
		pte |= GS_X;
	if (flags & AXAS_DEVICE)
		pte |= GS_SW_DEVICE;
	if (flags & AXAS_PTE_OWNED)
		pte |= GS_SW_OWNED;
	return pte;
}

static u32 gs_pte_flags(u64 pte)
{
	u32 flags = 0;

	if (pte & GS_R)
		flags |= AXAS_READ;
	if (pte & GS_W)
		flags |= AXAS_WRITE;
	if (pte & GS_X)
		flags |= AXAS_EXEC;
	if (pte & GS_SW_DEVICE)
		flags |= AXAS_DEVICE;
	if (pte & GS_SW_OWNED)
		flags |= AXAS_PTE_OWNED;
	return flags;
}

static void gs_hw_regs(const struct axas_pgtable *pgt, u16 vmid,
		       struct axas_hw_regs *regs)
{
	u64 mode = pgt->geo.top_level == 2 ? HGATP_MODE_SV39X4 :
					     HGATP_MODE_SV48X4;

	regs->root = (mode << HGATP_MODE_SHIFT) |
		     ((u64)vmid << HGATP_VMID_SHIFT) |
		     ((u64)pgt->root_pa >> AXAS_PAGE_SHIFT);
	regs->ctl = 0;
}

const struct axas_format axas_fmt_riscv_gstage = {
	.name		= "riscv-gstage",
	.min_ia_bits	= 41,
	.max_ia_bits	= 50,
	.max_leaf_level	= 2,
	.split_bbm	= false,
	.vmid_bits	= 14,
	.pfn_shift	= GS_PFN_SHIFT,
	.pa_mask	= GENMASK_ULL(43, 0),
	.geometry	= gs_geometry,
	.table_pte	= gs_table_pte,
	.leaf_attrs	= gs_leaf_attrs,
	.valid_mask	= GS_V,
	.table_mask	= GS_RWX,
	.table_val	= 0,
	.zap_bit	= GS_SW_ZAPPED,
	.owned_bit	= GS_SW_OWNED,
	.pte_flags	= gs_pte_flags,
	.wrong_leaf_clear = GS_U,
	.hw_regs	= gs_hw_regs,
};
