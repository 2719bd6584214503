// SPDX-License-Identifier: GPL-2.0
/*
 * AMD nested paging (NPT), after the AMD64 Architecture Programmer's
 * Manual volume 2: "Nested Paging" in the SVM chapter, and the long-mode
 * page translation chapter for the entries themselves.
 *
 * The nested walk reads ordinary AMD64 long-mode 4-level tables rooted at
 * the VMCB's nCR3, so a space is always 48 bits wide; this format offers
 * no 5-level nested paging. Nested walks are user accesses: every entry,
 * table or leaf, sets P and U/S, tables also R/W, and a leaf's R/W and
 * NX give write and no-execute. Read is never optional here, so P is read.
 *
 * Leaves are PTEs at level 0 and PS entries at the PDE (2 MiB) and PDPE
 * (1 GiB) levels. The memory type comes from the PAT index formed by
 * PAT:PCD:PWT, with PAT at bit 7 in a PTE and bit 12 in a PS leaf. With
 * the power-on PAT, index 0 is write-back and index 3 uncacheable, so
 * device memory sets PCD and PWT and no leaf ever sets PAT. Leaves are
 * created accessed and, when writable, dirty, so the walker never has to
 * write them back.
 *
 * Bits 11:9 of every entry and bits 62:52 of leaves are available to
 * software. As on EPT, bit 11 marks a zapped entry and bit 52 a frame the
 * space owns; device memory needs no marker, PCD says it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>

#include "pgtable.h"

#define NPT_P			BIT_ULL(0)
#define NPT_RW			BIT_ULL(1)
#define NPT_US			BIT_ULL(2)
#define NPT_PWT			BIT_ULL(3)
#define NPT_PCD			BIT_ULL(4)
#define NPT_A			BIT_ULL(5)
#define NPT_D			BIT_ULL(6)
#define NPT_PS			BIT_ULL(7)	/* above level 0 */
#define NPT_PAT_PTE		BIT_ULL(7)	/* level 0 */
#define NPT_PAT_PS		BIT_ULL(12)	/* PS leaves */
#define NPT_NX			BIT_ULL(63)
#define NPT_SW_ZAPPED		BIT_ULL(11)
#define NPT_SW_OWNED		BIT_ULL(52)

/* Four levels of 9 bits above the 4 KiB page: 48 bits, nothing else. */
static int npt_geometry(unsigned int ia_bits, struct axas_geometry *geo)
{
	if (ia_bits != 48)
		return -EINVAL;
	geo->top_level = 3;
	geo->root_order = 0;
	geo->root_ptes = AXAS_PTES_PER_TABLE;
	return 0;
}

/* Tables grant everything; the leaf alone decides (A is set too). */
static u64 npt_table_pte(phys_addr_t pa)
{
	return axas_pa_to_pte(&axas_fmt_amd_npt, pa) | NPT_P | NPT_RW |
	       NPT_US | NPT_A;
}

static u64 npt_leaf_attrs(unsigned int level, u32 flags)
{
	u64 pte = NPT_P | NPT_US | NPT_A;

	if (flags & AXAS_WRITE)
		pte |= NPT_RW | NPT_D;
	if (!(flags & AXAS_EXEC))
		pte |= NPT_NX;
	/* PAT index 3 (PAT = 0, PCD = 1, PWT = 1): UC in the default PAT. */
	if (flags & AXAS_DEVICE)
		pte |= NPT_PCD | NPT_PWT;
	if (level)
		pte |= NPT_PS;
	if (flags & AXAS_PTE_OWNED)
		pte |= NPT_SW_OWNED;
	return pte;
}

/* Also for zapped leaves, whose P is clear: every leaf is readable. */
static u32 npt_pte_flags(u64 pte)
{
	u32 flags = AXAS_READ;

	if (pte & NPT_RW)
		flags |= AXAS_WRITE;
	if (!(pte & NPT_NX))
		flags |= AXAS_EXEC;
	if (pte & NPT_PCD)
		flags |= AXAS_DEVICE;
	if (pte & NPT_SW_OWNED)
		flags |= AXAS_PTE_OWNED;
	return flags;
}

/*
 * nCR3 holds the root's address with PWT and PCD clear (write-back
 * walks). The ASID lives in the VMCB, not in nCR3: the SVM exit handler
 * will map the space's VMID to a hardware ASID when it runs a guest.
 */
static void npt_hw_regs(const struct axas_pgtable *pgt, u16 vmid,
			struct axas_hw_regs *regs)
{
	regs->root = (u64)pgt->root_pa;
	regs->ctl = 0;
}

const struct axas_format axas_fmt_amd_npt = {
	.name		= "amd-npt",
	.min_ia_bits	= 48,
	.max_ia_bits	= 48,
	.max_leaf_level	= 2,
	.split_bbm	= false,
	.vmid_bits	= 15,
	.pfn_shift	= AXAS_PAGE_SHIFT,
	.pa_mask	= GENMASK_ULL(51 - AXAS_PAGE_SHIFT, 0),
	.geometry	= npt_geometry,
	.table_pte	= npt_table_pte,
	.leaf_attrs	= npt_leaf_attrs,
	.valid_mask	= NPT_P,
	.table_mask	= NPT_PS,
	.table_val	= 0,
	.zap_bit	= NPT_SW_ZAPPED,
	.owned_bit	= NPT_SW_OWNED,
	.pte_flags	= npt_pte_flags,
	/* A supervisor leaf: a nested walk (a user access) faults on it. */
	.wrong_leaf_clear = NPT_US,
	.hw_regs	= npt_hw_regs,
};
