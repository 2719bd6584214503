// SPDX-License-Identifier: GPL-2.0
/*
 * Reference decoders and test HAL for the axaddrspace KUnit suites.
 *
 * The decoders follow the manuals, not the core:
 *  - Intel SDM volume 3C, "The Extended Page Table Mechanism (EPT)":
 *    EPTP layout, EPT paging-structure entries, EPT misconfigurations;
 *  - Arm ARM (DDI 0487), D8 "The AArch64 Virtual Memory System
 *    Architecture": VTCR_EL2, VTTBR_EL2, stage 2 descriptors with the
 *    4 KiB granule, concatenated start-level tables;
 *  - RISC-V privileged specification, "Hypervisor Extension": hgatp,
 *    Sv39x4 and Sv48x4 G-stage translation;
 *  - AMD64 APM volume 2, "Nested Paging" (SVM) and "Long-Mode Page
 *    Translation": nCR3 and the 4-level long-mode entries.
 *
 * On top of what the manuals require, they check the exact encodings the
 * core promises (a misconfiguration the hardware would tolerate is still a
 * broken promise), and report either as AXAS_KT_BAD with the rule in why.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <kunit/resource.h>
#include <kunit/test.h>

#include "refdec.h"

/* ------------------------------------------------------------------ */
/* Configurations                                                      */

static const struct axas_kt_cfg axas_kt_cfgs[] = {
	{ AXAS_FMT_EPT, 48, "ept-48" },
	{ AXAS_FMT_EPT, 57, "ept-57" },
	{ AXAS_FMT_ARM_S2, 32, "arm-s2-32" },
	{ AXAS_FMT_ARM_S2, 34, "arm-s2-34" },
	{ AXAS_FMT_ARM_S2, 35, "arm-s2-35" },
	{ AXAS_FMT_ARM_S2, 39, "arm-s2-39" },
	{ AXAS_FMT_ARM_S2, 40, "arm-s2-40" },
	{ AXAS_FMT_ARM_S2, 43, "arm-s2-43" },
	{ AXAS_FMT_ARM_S2, 44, "arm-s2-44" },
	{ AXAS_FMT_ARM_S2, 48, "arm-s2-48" },
	{ AXAS_FMT_RISCV_GSTAGE, 41, "riscv-gstage-41" },
	{ AXAS_FMT_RISCV_GSTAGE, 50, "riscv-gstage-50" },
	{ AXAS_FMT_AMD_NPT, 48, "amd-npt-48" },
};

static const struct axas_kt_cfg axas_kt_fmt_cfgs[] = {
	{ AXAS_FMT_EPT, 48, "ept-48" },
	{ AXAS_FMT_ARM_S2, 40, "arm-s2-40" },
	{ AXAS_FMT_RISCV_GSTAGE, 41, "riscv-gstage-41" },
	{ AXAS_FMT_AMD_NPT, 48, "amd-npt-48" },
};

KUNIT_ARRAY_PARAM_DESC(axas_kt_cfgs, axas_kt_cfgs, desc);
KUNIT_ARRAY_PARAM_DESC(axas_kt_fmt_cfgs, axas_kt_fmt_cfgs, desc);

const void *axas_kt_cfg_params(const void *prev, char *desc)
{
	return axas_kt_cfgs_gen_params(prev, desc);
}

const void *axas_kt_fmt_params(const void *prev, char *desc)
{
	return axas_kt_fmt_cfgs_gen_params(prev, desc);
}

unsigned int axas_kt_cfg_root_pages(const struct axas_kt_cfg *cfg)
{
	switch (cfg->format) {
	case AXAS_FMT_ARM_S2:
		/* Start level 2 below 35 bits, 1 below 44, else 0 (KVM). */
		if (cfg->ia_bits <= 34)
			return 1U << (cfg->ia_bits - 30);
		if (cfg->ia_bits <= 39)
			return 1;
		if (cfg->ia_bits <= 43)
			return 1U << (cfg->ia_bits - 39);
		return 1;
	case AXAS_FMT_RISCV_GSTAGE:
		return 4;
	default:
		return 1;
	}
}

unsigned int axas_kt_cfg_top_level(const struct axas_kt_cfg *cfg)
{
	switch (cfg->format) {
	case AXAS_FMT_EPT:
		return cfg->ia_bits == 48 ? 3 : 4;
	case AXAS_FMT_ARM_S2:
		if (cfg->ia_bits <= 34)
			return 1;	/* Arm level 2 */
		return cfg->ia_bits <= 43 ? 2 : 3;
	case AXAS_FMT_AMD_NPT:
		return 3;	/* PML4 */
	default:
		return cfg->ia_bits == 41 ? 2 : 3;
	}
}

u64 axas_kt_cfg_max_leaf(const struct axas_kt_cfg *cfg)
{
	return axas_kt_cfg_top_level(cfg) >= 2 ? SZ_1G : SZ_2M;
}

/* ------------------------------------------------------------------ */
/* Test HAL                                                            */

/* Registry values: owner, head-of-block flag and order. */
#define KT_OWNER_HAL		1UL
#define KT_OWNER_HOST		2UL
#define KT_OWNER_MASK		3UL
#define KT_HEAD			BIT(2)
#define KT_ORDER_SHIFT		8

static unsigned long kt_reg_value(void *entry)
{
	return entry ? xa_to_value(entry) : 0;
}

static int kt_register(struct axas_kt_hal *th, unsigned long pfn,
		       unsigned int order, unsigned long owner)
{
	unsigned long i, v;
	void *old;

	for (i = 0; i < (1UL << order); i++) {
		v = owner | (i ? 0 : KT_HEAD | order << KT_ORDER_SHIFT);
		old = xa_store_irq(&th->pages, pfn + i, xa_mk_value(v),
				   GFP_KERNEL);
		if (xa_is_err(old)) {
			while (i--)
				xa_erase_irq(&th->pages, pfn + i);
			return xa_err(old);
		}
	}
	return 0;
}

static void kt_unregister(struct axas_kt_hal *th, unsigned long pfn,
			  unsigned int order)
{
	unsigned long flags, i;

	xa_lock_irqsave(&th->pages, flags);
	for (i = 0; i < (1UL << order); i++)
		__xa_erase(&th->pages, pfn + i);
	xa_unlock_irqrestore(&th->pages, flags);
}

static void *kt_alloc(void *priv, unsigned int order)
{
	struct axas_kt_hal *th = priv;
	int call = atomic_inc_return(&th->alloc_calls);
	struct page *page;

	/* The HAL contract: alloc is never called under the space lock. */
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT) && !preemptible())
		atomic_inc(&th->atomic_allocs);
	might_sleep();

	if (call == atomic_read(&th->fail_at)) {
		atomic_inc(&th->failed);
		return NULL;
	}
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return NULL;
	if (kt_register(th, page_to_pfn(page), order, KT_OWNER_HAL)) {
		__free_pages(page, order);
		return NULL;
	}
	atomic_long_inc(&th->allocs);
	atomic_long_add(1L << order, &th->live_pages);
	return page_address(page);
}

static void kt_free(void *priv, void *va, unsigned int order)
{
	struct axas_kt_hal *th = priv;
	unsigned long v, pfn;

	if (!va || offset_in_page(va) || !virt_addr_valid(va)) {
		atomic_inc(&th->bad_calls);
		return;
	}
	pfn = page_to_pfn(virt_to_page(va));
	v = kt_reg_value(xa_load(&th->pages, pfn));
	if ((v & KT_OWNER_MASK) != KT_OWNER_HAL || !(v & KT_HEAD) ||
	    v >> KT_ORDER_SHIFT != order) {
		/* Not ours, not a block start, or the wrong size: keep it. */
		atomic_inc(&th->bad_calls);
		return;
	}
	kt_unregister(th, pfn, order);
	/* Poison, so that a table read after its free shows garbage. */
	memset(va, 0x6b, PAGE_SIZE << order);
	__free_pages(virt_to_page(va), order);
	atomic_long_inc(&th->frees);
	atomic_long_sub(1L << order, &th->live_pages);
}

static unsigned long kt_owner(struct axas_kt_hal *th, unsigned long pfn)
{
	return kt_reg_value(xa_load(&th->pages, pfn)) & KT_OWNER_MASK;
}

static phys_addr_t kt_virt_to_phys(void *priv, void *va)
{
	struct axas_kt_hal *th = priv;

	if (!virt_addr_valid(va) ||
	    kt_owner(th, page_to_pfn(virt_to_page(va))) != KT_OWNER_HAL)
		atomic_inc(&th->bad_calls);
	return virt_to_phys(va);
}

/* Only for what alloc returned: tables and frames of map_alloc areas. */
static void *kt_phys_to_virt(void *priv, phys_addr_t pa)
{
	struct axas_kt_hal *th = priv;
	unsigned long owner = kt_owner(th, PHYS_PFN(pa));

	if (owner == KT_OWNER_HAL)
		return phys_to_virt(pa);
	atomic_inc(&th->bad_calls);
	/* Host pages the test owns are safe to hand out; the count fails the test. */
	return owner ? phys_to_virt(pa) : NULL;
}

/* Only memory the test registered is "ordinary memory" for linear areas. */
static void *kt_host_va(void *priv, phys_addr_t pa)
{
	struct axas_kt_hal *th = priv;

	if (kt_owner(th, PHYS_PFN(pa)) != KT_OWNER_HOST)
		return NULL;
	return phys_to_virt(pa);
}

static const struct axas_hal_ops axas_kt_hal_ops = {
	.alloc		= kt_alloc,
	.free		= kt_free,
	.virt_to_phys	= kt_virt_to_phys,
	.phys_to_virt	= kt_phys_to_virt,
	.host_va	= kt_host_va,
};

static void kt_hal_release(void *data)
{
	struct axas_kt_hal *th = data;
	unsigned long pfn, v;
	void *entry;

	KUNIT_EXPECT_EQ_MSG(th->test, atomic_long_read(&th->live_pages), 0,
			    "HAL pages still allocated after every space was destroyed");
	KUNIT_EXPECT_EQ_MSG(th->test, atomic_long_read(&th->allocs),
			    atomic_long_read(&th->frees),
			    "HAL allocations and frees do not match");
	axas_kt_hal_expect_sane(th->test, th);

	/* Give leaked pages back so that one failure does not poison the rest. */
	xa_for_each(&th->pages, pfn, entry) {
		v = kt_reg_value(entry);
		if ((v & KT_OWNER_MASK) == KT_OWNER_HAL && (v & KT_HEAD))
			__free_pages(pfn_to_page(pfn), v >> KT_ORDER_SHIFT);
	}
	xa_destroy(&th->pages);
}

struct axas_kt_hal *axas_kt_hal_create(struct kunit *test)
{
	struct axas_kt_hal *th;

	th = kunit_kzalloc(test, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	th->test = test;
	th->hal.ops = &axas_kt_hal_ops;
	th->hal.priv = th;
	xa_init_flags(&th->pages, XA_FLAGS_LOCK_IRQ);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, kt_hal_release, th));
	return th;
}

void axas_kt_hal_arm(struct axas_kt_hal *th, unsigned int nth)
{
	atomic_set(&th->fail_at, 0);
	atomic_set(&th->alloc_calls, 0);
	atomic_set(&th->fail_at, nth);
}

void axas_kt_hal_expect_sane(struct kunit *test, struct axas_kt_hal *th)
{
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&th->bad_calls), 0,
			    "HAL called on memory it did not hand out (free, virt_to_phys, phys_to_virt)");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&th->atomic_allocs), 0,
			    "HAL alloc called where sleeping is not allowed");
}

struct kt_host_block {
	struct axas_kt_hal *th;
	struct page *page;
	unsigned int order;
};

static void kt_host_free(void *data)
{
	struct kt_host_block *blk = data;

	kt_unregister(blk->th, page_to_pfn(blk->page), blk->order);
	__free_pages(blk->page, blk->order);
}

void *axas_kt_host_alloc(struct kunit *test, struct axas_kt_hal *th,
			 unsigned int order, phys_addr_t *pa)
{
	struct kt_host_block *blk;

	blk = kunit_kzalloc(test, sizeof(*blk), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	blk->th = th;
	blk->order = order;
	blk->page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	KUNIT_ASSERT_NOT_NULL(test, blk->page);
	if (kt_register(th, page_to_pfn(blk->page), order, KT_OWNER_HOST)) {
		__free_pages(blk->page, order);
		KUNIT_FAIL_AND_ABORT(test, "cannot register host pages");
	}
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, kt_host_free, blk));
	*pa = page_to_phys(blk->page);
	return page_address(blk->page);
}

KUNIT_DEFINE_ACTION_WRAPPER(kt_space_destroy, axas_space_destroy,
			    struct axas_space *);

struct axas_space *axas_kt_space_create(struct kunit *test,
					struct axas_kt_hal *th,
					const struct axas_kt_cfg *cfg,
					u64 base, u64 size, u32 flags)
{
	struct axas_space_cfg c = {
		.format = cfg->format,
		.ia_bits = cfg->ia_bits,
		.base = base,
		.size = size,
		.hal = th ? &th->hal : NULL,
		.flags = flags,
	};
	struct axas_space *as;

	as = axas_space_create(&c);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, as, "%s base %#llx size %#llx",
					 cfg->desc, base, size);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, kt_space_destroy, as));
	return as;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static unsigned int kt_shift(unsigned int level)
{
	return 12 + 9 * level;
}

/* Intel SDM 3C, "Extended-Page-Table Pointer (EPTP)". */
#define KT_EPTP_MT			GENMASK_ULL(2, 0)
#define KT_EPTP_WALK		GENMASK_ULL(5, 3)
#define KT_EPTP_AD			BIT_ULL(6)
#define KT_EPTP_RSVD		(GENMASK_ULL(11, 7) | GENMASK_ULL(63, 52))
#define KT_EPTP_ADDR		GENMASK_ULL(51, 12)

static int kt_ept_regs(const struct axas_hw_regs *regs,
		       struct axas_kt_root *root, const char **why)
{
	u64 eptp = regs->root;
	unsigned int walk = FIELD_GET(KT_EPTP_WALK, eptp);

	if (FIELD_GET(KT_EPTP_MT, eptp) != 6) {
		*why = "EPTP memory type is not write-back (6)";
		return -EINVAL;
	}
	if (walk != 3 && walk != 4) {
		*why = "EPTP walk length is neither 4 nor 5 levels";
		return -EINVAL;
	}
	if (eptp & KT_EPTP_RSVD) {
		*why = "EPTP reserved bits set";
		return -EINVAL;
	}
	if (regs->ctl) {
		*why = "ctl must be 0 for EPT";
		return -EINVAL;
	}
	root->top_level = walk;
	root->ia_bits = kt_shift(walk) + 9;
	root->root_entries = 512;
	root->root_pages = 1;
	root->root_pa = eptp & KT_EPTP_ADDR;
	root->oa_bits = 52;
	root->ept_ad = eptp & KT_EPTP_AD;
	return 0;
}

/* Arm ARM D8, VTCR_EL2 and VTTBR_EL2 with the 4 KiB granule. */
#define KT_VTCR_T0SZ		GENMASK_ULL(5, 0)
#define KT_VTCR_SL0		GENMASK_ULL(7, 6)
#define KT_VTCR_IRGN0		GENMASK_ULL(9, 8)
#define KT_VTCR_ORGN0		GENMASK_ULL(11, 10)
#define KT_VTCR_SH0		GENMASK_ULL(13, 12)
#define KT_VTCR_TG0		GENMASK_ULL(15, 14)
#define KT_VTCR_PS			GENMASK_ULL(18, 16)
#define KT_VTCR_VS			BIT_ULL(19)
#define KT_VTCR_RES1		BIT_ULL(31)
/* DS, SL2 and up change how the walk is done: not for this format. */
#define KT_VTCR_HIGH		GENMASK_ULL(63, 32)
#define KT_VTTBR_BADDR		GENMASK_ULL(47, 1)
#define KT_VTTBR_VMID		GENMASK_ULL(63, 48)

static int kt_s2_regs(const struct axas_hw_regs *regs,
		      struct axas_kt_root *root, const char **why)
{
	static const u8 ps_bits[] = { 32, 36, 40, 42, 44, 48, 48 };
	u64 vtcr = regs->ctl, vttbr = regs->root;
	unsigned int ia, sl0, start, below, min_ia, max_ia, ps;
	u64 root_bytes;

	if (!(vtcr & KT_VTCR_RES1) || (vtcr & KT_VTCR_HIGH)) {
		*why = "VTCR_EL2 bit 31 (RES1) clear or bits 63:32 set";
		return -EINVAL;
	}
	if (FIELD_GET(KT_VTCR_TG0, vtcr) != 0) {
		*why = "VTCR_EL2.TG0 is not the 4 KiB granule";
		return -EINVAL;
	}
	if (FIELD_GET(KT_VTCR_SH0, vtcr) != 3 || FIELD_GET(KT_VTCR_ORGN0, vtcr) != 1 ||
	    FIELD_GET(KT_VTCR_IRGN0, vtcr) != 1) {
		*why = "VTCR_EL2 table walks not inner-shareable write-back";
		return -EINVAL;
	}
	ps = FIELD_GET(KT_VTCR_PS, vtcr);
	if (ps >= ARRAY_SIZE(ps_bits)) {
		*why = "VTCR_EL2.PS reserved encoding";
		return -EINVAL;
	}
	sl0 = FIELD_GET(KT_VTCR_SL0, vtcr);
	if (sl0 == 3) {
		*why = "VTCR_EL2.SL0 = 3 is reserved for the 4 KiB granule";
		return -EINVAL;
	}
	/* SL0: 0 starts at Arm level 2, 1 at level 1, 2 at level 0. */
	start = 2 - sl0;
	below = 3 - start;
	ia = 64 - FIELD_GET(KT_VTCR_T0SZ, vtcr);
	/*
	 * AArch64.S2InconsistentSL(): the start level must resolve at least
	 * one bit and at most one more stride plus 2^4 concatenated tables.
	 */
	min_ia = below * 9 + 12 + 1;
	max_ia = min_ia + 8 + 4;
	if (ia < min_ia || ia > max_ia || ia > 48) {
		*why = "VTCR_EL2.T0SZ inconsistent with SL0";
		return -EINVAL;
	}
	if (!(vtcr & KT_VTCR_VS) && (vttbr & GENMASK_ULL(63, 56))) {
		*why = "VTTBR_EL2.VMID[15:8] set with 8-bit VMIDs";
		return -EINVAL;
	}
	root->ia_bits = ia;
	root->top_level = below;
	root->root_entries = 1U << (ia - kt_shift(below));
	root_bytes = root->root_entries * 8ULL;
	root->root_pages = DIV_ROUND_UP(root_bytes, PAGE_SIZE);
	if (root->root_pages > 16) {
		*why = "more than 16 concatenated start-level tables";
		return -EINVAL;
	}
	root->root_pa = vttbr & KT_VTTBR_BADDR;
	if (root->root_pa & (max_t(u64, root_bytes, PAGE_SIZE) - 1)) {
		*why = "VTTBR_EL2.BADDR not aligned to the root size";
		return -EINVAL;
	}
	root->oa_bits = ps_bits[ps];
	root->vmid = FIELD_GET(KT_VTTBR_VMID, vttbr);
	return 0;
}

/* RISC-V privileged specification, hgatp. */
#define KT_HGATP_MODE		GENMASK_ULL(63, 60)
#define KT_HGATP_RSVD		GENMASK_ULL(59, 58)
#define KT_HGATP_VMID		GENMASK_ULL(57, 44)
#define KT_HGATP_PPN		GENMASK_ULL(43, 0)

static int kt_gs_regs(const struct axas_hw_regs *regs,
		      struct axas_kt_root *root, const char **why)
{
	u64 hgatp = regs->root;

	switch (FIELD_GET(KT_HGATP_MODE, hgatp)) {
	case 8:
		root->top_level = 2;
		break;
	case 9:
		root->top_level = 3;
		break;
	default:
		*why = "hgatp.MODE is neither Sv39x4 (8) nor Sv48x4 (9)";
		return -EINVAL;
	}
	if (hgatp & KT_HGATP_RSVD) {
		*why = "hgatp bits 59:58 set";
		return -EINVAL;
	}
	if (regs->ctl) {
		*why = "ctl must be 0 for G-stage";
		return -EINVAL;
	}
	root->ia_bits = kt_shift(root->top_level) + 11;
	root->root_entries = 2048;
	root->root_pages = 4;
	root->root_pa = (phys_addr_t)FIELD_GET(KT_HGATP_PPN, hgatp) << 12;
	if (root->root_pa & (SZ_16K - 1)) {
		*why = "hgatp root not 16 KiB aligned";
		return -EINVAL;
	}
	root->oa_bits = 56;
	root->vmid = FIELD_GET(KT_HGATP_VMID, hgatp);
	return 0;
}

/*
 * APM vol. 2, "Nested Paging": nCR3 has the long-mode CR3 layout, the
 * PML4 base in bits 51:12, PWT and PCD in bits 3 and 4, the rest reserved.
 * The core promises write-back walks, so PWT and PCD are 0 as well.
 */
#define KT_NCR3_ADDR		GENMASK_ULL(51, 12)

static int kt_npt_regs(const struct axas_hw_regs *regs,
		       struct axas_kt_root *root, const char **why)
{
	u64 ncr3 = regs->root;

	if (ncr3 & ~KT_NCR3_ADDR) {
		*why = "nCR3 has bits other than the PML4 base set (PWT/PCD, reserved)";
		return -EINVAL;
	}
	if (regs->ctl) {
		*why = "ctl must be 0 for NPT";
		return -EINVAL;
	}
	root->top_level = 3;
	root->ia_bits = 48;
	root->root_entries = 512;
	root->root_pages = 1;
	root->root_pa = ncr3;
	/* M: the widest physical address the architecture allows. */
	root->oa_bits = 52;
	return 0;
}

int axas_kt_decode_regs(u32 format, const struct axas_hw_regs *regs,
			struct axas_kt_root *root, const char **why)
{
	memset(root, 0, sizeof(*root));
	root->format = format;
	*why = NULL;
	switch (format) {
	case AXAS_FMT_EPT:
		return kt_ept_regs(regs, root, why);
	case AXAS_FMT_ARM_S2:
		return kt_s2_regs(regs, root, why);
	case AXAS_FMT_RISCV_GSTAGE:
		return kt_gs_regs(regs, root, why);
	case AXAS_FMT_AMD_NPT:
		return kt_npt_regs(regs, root, why);
	default:
		*why = "unknown format";
		return -EINVAL;
	}
}

void axas_kt_root_of(struct kunit *test, struct axas_space *as, u32 format,
		     struct axas_kt_root *root)
{
	struct axas_hw_regs regs;
	const char *why;
	int ret;

	axas_hw_regs(as, &regs);
	ret = axas_kt_decode_regs(format, &regs, root, &why);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "root %#llx ctl %#llx: %s",
			    regs.root, regs.ctl, why);
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */

enum kt_kind { KT_E_NONE, KT_E_TABLE, KT_E_LEAF, KT_E_BAD };

struct kt_entry {
	enum kt_kind kind;
	phys_addr_t pa;
	u32 prot;
	const char *why;
};

static void kt_bad(struct kt_entry *e, const char *why)
{
	e->kind = KT_E_BAD;
	e->why = why;
}

/* SDM 3C, "EPT Translation Mechanism" and "EPT Misconfigurations". */
#define KT_EPT_R			BIT_ULL(0)
#define KT_EPT_W			BIT_ULL(1)
#define KT_EPT_X			BIT_ULL(2)
#define KT_EPT_MT			GENMASK_ULL(5, 3)
#define KT_EPT_IPAT		BIT_ULL(6)
#define KT_EPT_PS			BIT_ULL(7)
#define KT_EPT_A			BIT_ULL(8)
#define KT_EPT_D			BIT_ULL(9)
#define KT_EPT_ADDR		GENMASK_ULL(51, 12)
#define KT_EPT_SW			(BIT_ULL(52) | BIT_ULL(11))

static void kt_ept_entry(const struct axas_kt_root *root, unsigned int level,
			 u64 pte, struct kt_entry *e)
{
	unsigned int mt = FIELD_GET(KT_EPT_MT, pte);
	u64 size = AXAS_KT_LEAF_SIZE(level);

	e->pa = pte & KT_EPT_ADDR;
	if (!(pte & (KT_EPT_R | KT_EPT_W | KT_EPT_X))) {
		e->kind = KT_E_NONE;
		return;
	}
	if ((pte & KT_EPT_W) && !(pte & KT_EPT_R))
		return kt_bad(e, "EPT misconfiguration: write without read");
	if (!(pte & KT_EPT_R))
		return kt_bad(e, "execute-only entry (the core always grants read)");
	if (level && !(pte & KT_EPT_PS)) {
		/* Non-leaf: bits 7:3 are reserved; the core grants RWX. */
		if ((pte & GENMASK_ULL(7, 0)) != (KT_EPT_R | KT_EPT_W | KT_EPT_X))
			return kt_bad(e, "EPT non-leaf entry is not RWX with bits 7:3 clear");
		if (pte & KT_EPT_A)
			return kt_bad(e, "EPT non-leaf accessed flag set");
		e->kind = KT_E_TABLE;
		return;
	}
	if (level > 2)
		return kt_bad(e, "EPT misconfiguration: bit 7 set in a PML4E/PML5E");
	if (mt == 2 || mt == 3 || mt == 7)
		return kt_bad(e, "EPT misconfiguration: reserved memory type");
	if (mt != 6 && mt != 0)
		return kt_bad(e, "EPT leaf memory type is neither WB nor UC");
	if (!(pte & KT_EPT_IPAT))
		return kt_bad(e, "EPT leaf does not ignore the guest PAT");
	if (!level && (pte & KT_EPT_PS))
		return kt_bad(e, "EPT 4 KiB leaf with bit 7 set");
	if (pte & (KT_EPT_A | KT_EPT_D))
		return kt_bad(e, "EPT leaf accessed/dirty set without a walker");
	if (e->pa & (size - 1))
		return kt_bad(e, "EPT misconfiguration: misaligned block address");
	e->kind = KT_E_LEAF;
	e->prot = AXAS_READ;
	if (pte & KT_EPT_W)
		e->prot |= AXAS_WRITE;
	if (pte & KT_EPT_X)
		e->prot |= AXAS_EXEC;
	if (mt == 0)
		e->prot |= AXAS_DEVICE;
}

/* Arm ARM D8.3, VMSAv8-64 stage 2 descriptors, 4 KiB granule. */
#define KT_S2_VALID		BIT_ULL(0)
#define KT_S2_TABLE		BIT_ULL(1)
#define KT_S2_MEMATTR		GENMASK_ULL(5, 2)
#define KT_S2_AP_R			BIT_ULL(6)
#define KT_S2_AP_W			BIT_ULL(7)
#define KT_S2_SH			GENMASK_ULL(9, 8)
#define KT_S2_AF			BIT_ULL(10)
#define KT_S2_ADDR			GENMASK_ULL(47, 12)
#define KT_S2_OA_HIGH		GENMASK_ULL(51, 48)
#define KT_S2_DBM			BIT_ULL(51)
#define KT_S2_CONT			BIT_ULL(52)
#define KT_S2_XN			GENMASK_ULL(54, 53)
#define KT_S2_SW			GENMASK_ULL(58, 55)

static void kt_s2_entry(const struct axas_kt_root *root, unsigned int level,
			u64 pte, struct kt_entry *e)
{
	u64 size = AXAS_KT_LEAF_SIZE(level);
	unsigned int attr = FIELD_GET(KT_S2_MEMATTR, pte);
	unsigned int sh = FIELD_GET(KT_S2_SH, pte);
	unsigned int xn = FIELD_GET(KT_S2_XN, pte);

	e->pa = pte & KT_S2_ADDR;
	if (!(pte & KT_S2_VALID)) {
		e->kind = KT_E_NONE;
		return;
	}
	if (!level && !(pte & KT_S2_TABLE))
		return kt_bad(e, "stage 2 level 3 descriptor with bit 1 clear (reserved)");
	if (level && (pte & KT_S2_TABLE)) {
		if (pte & KT_S2_OA_HIGH)
			return kt_bad(e, "stage 2 table address bits 51:48 set");
		if (root->oa_bits < 64 && e->pa >> root->oa_bits)
			return kt_bad(e, "stage 2 table address beyond VTCR_EL2.PS");
		e->kind = KT_E_TABLE;
		return;
	}
	if (level > 2)
		return kt_bad(e, "stage 2 block at level 0 (4 KiB granule)");
	if (pte & GENMASK_ULL(50, 48))
		return kt_bad(e, "stage 2 output address bits 50:48 set (RES0)");
	if (root->oa_bits < 64 && e->pa >> root->oa_bits)
		return kt_bad(e, "stage 2 output address beyond VTCR_EL2.PS");
	if (e->pa & (size - 1))
		return kt_bad(e, "stage 2 block output address misaligned");
	if (sh == 1)
		return kt_bad(e, "stage 2 SH = 0b01 is reserved");
	if (!(pte & KT_S2_AF))
		return kt_bad(e, "stage 2 leaf with the access flag clear");
	if (!(pte & KT_S2_AP_R))
		return kt_bad(e, "stage 2 leaf without read (the core always grants read)");
	if (pte & (KT_S2_DBM | KT_S2_CONT))
		return kt_bad(e, "stage 2 leaf with DBM or the contiguous hint");
	if (xn != 0 && xn != 2)
		return kt_bad(e, "stage 2 XN neither 0b00 nor 0b10");
	if (attr == 0xf) {
		if (sh != 3)
			return kt_bad(e, "stage 2 normal memory not inner shareable");
	} else if (attr == 0x1) {
		if (sh != 0)
			return kt_bad(e, "stage 2 device memory with SH != 0");
	} else {
		return kt_bad(e, "stage 2 MemAttr neither normal WB nor Device-nGnRE");
	}
	e->kind = KT_E_LEAF;
	e->prot = AXAS_READ;
	if (pte & KT_S2_AP_W)
		e->prot |= AXAS_WRITE;
	if (!xn)
		e->prot |= AXAS_EXEC;
	if (attr == 0x1)
		e->prot |= AXAS_DEVICE;
}

/* RISC-V privileged specification, "Virtual Address Translation Process". */
#define KT_GS_V			BIT_ULL(0)
#define KT_GS_R			BIT_ULL(1)
#define KT_GS_W			BIT_ULL(2)
#define KT_GS_X			BIT_ULL(3)
#define KT_GS_U			BIT_ULL(4)
#define KT_GS_G			BIT_ULL(5)
#define KT_GS_A			BIT_ULL(6)
#define KT_GS_D			BIT_ULL(7)
#define KT_GS_SW			GENMASK_ULL(9, 8)
#define KT_GS_PPN			GENMASK_ULL(53, 10)
#define KT_GS_RSVD			GENMASK_ULL(60, 54)
#define KT_GS_PBMT_N		GENMASK_ULL(63, 61)

static void kt_gs_entry(const struct axas_kt_root *root, unsigned int level,
			u64 pte, struct kt_entry *e)
{
	u64 ppn = FIELD_GET(KT_GS_PPN, pte);

	e->pa = (phys_addr_t)ppn << 12;
	if (!(pte & KT_GS_V)) {
		e->kind = KT_E_NONE;
		return;
	}
	if (pte & KT_GS_RSVD)
		return kt_bad(e, "G-stage PTE reserved bits 60:54 set");
	if (pte & KT_GS_PBMT_N)
		return kt_bad(e, "G-stage PTE PBMT/N set");
	if ((pte & KT_GS_W) && !(pte & KT_GS_R))
		return kt_bad(e, "G-stage PTE W without R (reserved)");
	if (pte & KT_GS_G)
		return kt_bad(e, "G-stage PTE with G set (software must clear it)");
	if (!(pte & (KT_GS_R | KT_GS_X))) {
		if (!level)
			return kt_bad(e, "G-stage non-leaf PTE at the last level");
		if (pte & (KT_GS_U | KT_GS_A | KT_GS_D))
			return kt_bad(e, "G-stage non-leaf PTE with D, A or U set");
		e->kind = KT_E_TABLE;
		return;
	}
	if (level > 2)
		return kt_bad(e, "G-stage leaf above 1 GiB");
	if (!(pte & KT_GS_U))
		return kt_bad(e, "G-stage leaf without U (every access would fault)");
	if (!(pte & KT_GS_R))
		return kt_bad(e, "G-stage leaf without R (the core always grants read)");
	if (!(pte & KT_GS_A))
		return kt_bad(e, "G-stage leaf with A clear");
	if (!!(pte & KT_GS_D) != !!(pte & KT_GS_W))
		return kt_bad(e, "G-stage leaf D not set exactly when writable");
	if (ppn & (BIT_ULL(9 * level) - 1))
		return kt_bad(e, "G-stage misaligned superpage");
	e->kind = KT_E_LEAF;
	e->prot = AXAS_READ;
	if (pte & KT_GS_W)
		e->prot |= AXAS_WRITE;
	if (pte & KT_GS_X)
		e->prot |= AXAS_EXEC;
}

/*
 * APM vol. 2, "Long-Mode Page Translation" (entry formats, reserved bits)
 * and "Nested Paging": nested walks are user accesses, so every entry
 * needs U/S, and the walk faults on a reserved bit set.
 */
#define KT_NPT_P		BIT_ULL(0)
#define KT_NPT_RW		BIT_ULL(1)
#define KT_NPT_US		BIT_ULL(2)
#define KT_NPT_PWT		BIT_ULL(3)
#define KT_NPT_PCD		BIT_ULL(4)
#define KT_NPT_A		BIT_ULL(5)
#define KT_NPT_D		BIT_ULL(6)
#define KT_NPT_PS		BIT_ULL(7)	/* PDPE, PDE */
#define KT_NPT_PAT4K		BIT_ULL(7)	/* PTE */
#define KT_NPT_G		BIT_ULL(8)
#define KT_NPT_PATBIG		BIT_ULL(12)	/* 2 MiB and 1 GiB leaves */
#define KT_NPT_NX		BIT_ULL(63)
#define KT_NPT_AVL		GENMASK_ULL(11, 9)
#define KT_NPT_AVL_HIGH		GENMASK_ULL(62, 52)
#define KT_NPT_SW		(KT_NPT_AVL | KT_NPT_AVL_HIGH)

static void kt_npt_entry(const struct axas_kt_root *root, unsigned int level,
			 u64 pte, struct kt_entry *e)
{
	unsigned int m = root->oa_bits;
	unsigned int shift = kt_shift(level);
	bool pwt = pte & KT_NPT_PWT, pcd = pte & KT_NPT_PCD;

	e->pa = pte & GENMASK_ULL(51, 12);
	if (!(pte & KT_NPT_P)) {
		e->kind = KT_E_NONE;
		return;
	}
	if (m < 52 && (pte & GENMASK_ULL(51, m)))
		return kt_bad(e, "NPT entry with reserved address bits 51:M set");
	if (!(pte & KT_NPT_US))
		return kt_bad(e, "NPT entry without U/S (nested walks are user accesses)");
	if (level == 3 && (pte & (KT_NPT_PS | KT_NPT_G)))
		return kt_bad(e, "NPT PML4E with bit 7 (PS) or 8 set (MBZ)");
	if (level && !(pte & KT_NPT_PS)) {
		/* Tables grant everything and are walked write-back. */
		if ((pte & GENMASK_ULL(8, 0)) !=
		    (KT_NPT_P | KT_NPT_RW | KT_NPT_US | KT_NPT_A))
			return kt_bad(e, "NPT table entry not P|RW|US|A, bits 8:3 clear");
		if (pte & KT_NPT_NX)
			return kt_bad(e, "NPT table entry with NX set");
		e->kind = KT_E_TABLE;
		return;
	}
	if (level > 2)
		return kt_bad(e, "NPT leaf above 1 GiB");
	if (level) {
		if (pte & GENMASK_ULL(shift - 1, 13))
			return kt_bad(e, "NPT large leaf with reserved address bits set (MBZ)");
		if (pte & KT_NPT_PATBIG)
			return kt_bad(e, "NPT large leaf with PAT (bit 12) set");
		e->pa = pte & GENMASK_ULL(51, shift);
	} else if (pte & KT_NPT_PAT4K) {
		return kt_bad(e, "NPT PTE with PAT (bit 7) set");
	}
	if (pte & KT_NPT_G)
		return kt_bad(e, "NPT leaf with G set");
	if (!(pte & KT_NPT_A))
		return kt_bad(e, "NPT leaf with A clear");
	if (!!(pte & KT_NPT_D) != !!(pte & KT_NPT_RW))
		return kt_bad(e, "NPT leaf D not set exactly when writable");
	if (pwt != pcd)
		return kt_bad(e, "NPT leaf PAT index neither 0 (WB) nor 3 (UC)");
	e->kind = KT_E_LEAF;
	e->prot = AXAS_READ;
	if (pte & KT_NPT_RW)
		e->prot |= AXAS_WRITE;
	if (!(pte & KT_NPT_NX))
		e->prot |= AXAS_EXEC;
	if (pcd)
		e->prot |= AXAS_DEVICE;
}

static void kt_decode_entry(const struct axas_kt_root *root, unsigned int level,
			    u64 pte, struct kt_entry *e)
{
	memset(e, 0, sizeof(*e));
	switch (root->format) {
	case AXAS_FMT_EPT:
		kt_ept_entry(root, level, pte, e);
		break;
	case AXAS_FMT_ARM_S2:
		kt_s2_entry(root, level, pte, e);
		break;
	case AXAS_FMT_RISCV_GSTAGE:
		kt_gs_entry(root, level, pte, e);
		break;
	case AXAS_FMT_AMD_NPT:
		kt_npt_entry(root, level, pte, e);
		break;
	default:
		kt_bad(e, "unknown format");
	}
}

u64 axas_kt_sw_bits(u32 format)
{
	switch (format) {
	case AXAS_FMT_EPT:
		return KT_EPT_SW;
	case AXAS_FMT_ARM_S2:
		return KT_S2_SW;
	case AXAS_FMT_AMD_NPT:
		return KT_NPT_SW;
	default:
		return KT_GS_SW;
	}
}

u32 axas_kt_hw_prot_mask(u32 format)
{
	return AXAS_PROT_MASK |
	       (format == AXAS_FMT_RISCV_GSTAGE ? 0 : AXAS_DEVICE);
}

u64 axas_kt_expected_leaf(u32 format, unsigned int level, phys_addr_t pa,
			  u32 flags)
{
	bool r = flags & AXAS_READ, w = flags & AXAS_WRITE;
	bool x = flags & AXAS_EXEC, dev = flags & AXAS_DEVICE;
	u64 pte = 0;

	switch (format) {
	case AXAS_FMT_EPT:
		pte = pa | KT_EPT_IPAT | FIELD_PREP(KT_EPT_MT, dev ? 0 : 6);
		pte |= (r ? KT_EPT_R : 0) | (w ? KT_EPT_W : 0) | (x ? KT_EPT_X : 0);
		pte |= level ? KT_EPT_PS : 0;
		break;
	case AXAS_FMT_ARM_S2:
		pte = pa | KT_S2_VALID | KT_S2_AF | (level ? 0 : KT_S2_TABLE);
		pte |= dev ? FIELD_PREP(KT_S2_MEMATTR, 1) :
			     FIELD_PREP(KT_S2_MEMATTR, 0xf) | FIELD_PREP(KT_S2_SH, 3);
		pte |= (r ? KT_S2_AP_R : 0) | (w ? KT_S2_AP_W : 0);
		pte |= x ? 0 : FIELD_PREP(KT_S2_XN, 2);
		break;
	case AXAS_FMT_RISCV_GSTAGE:
		pte = FIELD_PREP(KT_GS_PPN, pa >> 12) | KT_GS_V | KT_GS_U | KT_GS_A;
		pte |= (r ? KT_GS_R : 0) | (w ? KT_GS_W | KT_GS_D : 0) | (x ? KT_GS_X : 0);
		break;
	case AXAS_FMT_AMD_NPT:
		/* READ is P; device memory is PAT index 3 (PCD | PWT). */
		pte = pa | (r ? KT_NPT_P : 0) | KT_NPT_US | KT_NPT_A;
		pte |= w ? KT_NPT_RW | KT_NPT_D : 0;
		pte |= x ? 0 : KT_NPT_NX;
		pte |= dev ? KT_NPT_PCD | KT_NPT_PWT : 0;
		pte |= level ? KT_NPT_PS : 0;
		break;
	}
	return pte;
}

/* ------------------------------------------------------------------ */
/* Walks                                                               */

static bool kt_read_pte(const struct axas_hal *hal, phys_addr_t table,
			unsigned int idx, u64 *pte)
{
	phys_addr_t pa = table + (phys_addr_t)idx * sizeof(u64);
	void *va = hal->ops->phys_to_virt(hal->priv, pa & PAGE_MASK);

	if (!va)
		return false;
	*pte = READ_ONCE(*(u64 *)(va + offset_in_page(pa)));
	return true;
}

void axas_kt_walk(const struct axas_hal *hal, const struct axas_kt_root *root,
		  u64 gpa, struct axas_kt_walk *w)
{
	unsigned int level = root->top_level;
	phys_addr_t table = root->root_pa;
	unsigned int idx;
	struct kt_entry e;

	memset(w, 0, sizeof(*w));
	w->status = AXAS_KT_BAD;
	if (gpa >> root->ia_bits) {
		w->why = "address beyond the input width";
		return;
	}
	idx = (gpa >> kt_shift(level)) & (root->root_entries - 1);
	for (;;) {
		w->level = level;
		w->tables[level] = table;
		if (!kt_read_pte(hal, table, idx, &w->pte)) {
			w->why = "table not in memory the HAL handed out";
			return;
		}
		w->ptes[level] = w->pte;
		kt_decode_entry(root, level, w->pte, &e);
		switch (e.kind) {
		case KT_E_NONE:
			w->status = AXAS_KT_NONE;
			return;
		case KT_E_BAD:
			w->why = e.why;
			return;
		case KT_E_LEAF:
			w->status = AXAS_KT_LEAF;
			w->size = AXAS_KT_LEAF_SIZE(level);
			w->hpa = e.pa + (gpa & (w->size - 1));
			w->prot = e.prot;
			return;
		case KT_E_TABLE:
			table = e.pa;
			level--;
			idx = (gpa >> kt_shift(level)) & 511;
			break;
		}
	}
}

static void kt_scan_bad(struct axas_kt_scan *s, const char *why, u64 gpa)
{
	if (!s->bad++) {
		s->why = why;
		s->bad_gpa = gpa;
	}
}

static void kt_scan_table(const struct axas_hal *hal,
			  const struct axas_kt_root *root,
			  struct axas_kt_scan *s, phys_addr_t table,
			  unsigned int level, unsigned int nr, u64 base)
{
	unsigned int i, valid = 0;
	struct kt_entry e;
	u64 pte, gpa;

	for (i = 0; i < nr; i++) {
		gpa = base + ((u64)i << kt_shift(level));
		if (!kt_read_pte(hal, table, i, &pte)) {
			kt_scan_bad(s, "table not in memory the HAL handed out", gpa);
			return;
		}
		kt_decode_entry(root, level, pte, &e);
		switch (e.kind) {
		case KT_E_NONE:
			continue;
		case KT_E_BAD:
			kt_scan_bad(s, e.why, gpa);
			break;
		case KT_E_LEAF:
			s->leaves++;
			s->leaf_bytes[level] += AXAS_KT_LEAF_SIZE(level);
			break;
		case KT_E_TABLE:
			s->tables++;
			kt_scan_table(hal, root, s, e.pa, level - 1, 512, gpa);
			break;
		}
		valid++;
	}
	if (nr == 512 && table != root->root_pa && !valid)
		s->empty_tables++;
}

void axas_kt_scan(const struct axas_hal *hal, const struct axas_kt_root *root,
		  struct axas_kt_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->tables = root->root_pages;
	kt_scan_table(hal, root, s, root->root_pa, root->top_level,
		      root->root_entries, 0);
}

bool axas_kt_expect_consistent(struct kunit *test, struct axas_kt_hal *th,
			       struct axas_space *as,
			       const struct axas_kt_root *root)
{
	struct axas_kt_scan s;
	struct axas_stats st;
	bool ok = true;
	int i;

	axas_get_stats(as, &st);
	axas_kt_scan(&th->hal, root, &s);
	if (s.bad) {
		KUNIT_FAIL(test, "%llu bad entries, first at gpa %#llx: %s",
			   s.bad, s.bad_gpa, s.why);
		ok = false;
	}
	if (s.empty_tables) {
		KUNIT_FAIL(test, "%llu empty table pages left in the tree",
			   s.empty_tables);
		ok = false;
	}
	if (s.tables != st.table_pages) {
		KUNIT_FAIL(test, "stats table_pages %llu, tree has %llu",
			   st.table_pages, s.tables);
		ok = false;
	}
	for (i = 0; i < AXAS_LEAF_LEVELS; i++) {
		if (s.leaf_bytes[i] != st.mapped[i]) {
			KUNIT_FAIL(test, "stats mapped[%d] %#llx, tree has %#llx",
				   i, st.mapped[i], s.leaf_bytes[i]);
			ok = false;
		}
	}
	if (atomic_long_read(&th->live_pages) != st.table_pages + st.data_pages) {
		KUNIT_FAIL(test, "HAL has %ld pages live, stats say %llu tables + %llu data",
			   atomic_long_read(&th->live_pages), st.table_pages,
			   st.data_pages);
		ok = false;
	}
	return ok;
}

bool axas_kt_expect_map(struct kunit *test, struct axas_kt_hal *th,
			struct axas_space *as, const struct axas_kt_root *root,
			u64 gpa, phys_addr_t hpa, u32 flags, u64 leaf_size)
{
	struct axas_translation t = {};
	struct axas_kt_walk w;
	u64 want, sw = axas_kt_sw_bits(root->format);
	int ret;

	ret = axas_translate(as, gpa, &t);
	axas_kt_walk(&th->hal, root, gpa, &w);

	if (hpa == AXAS_KT_UNMAPPED) {
		if (ret == -ENOENT && w.status == AXAS_KT_NONE)
			return true;
		KUNIT_FAIL(test,
			   "gpa %#llx should be unmapped: translate %d (hpa %pa), walk %d %s (pte %#llx level %u)",
			   gpa, ret, &t.hpa, w.status, w.why ?: "", w.pte,
			   w.level);
		return false;
	}
	if (ret || t.hpa != hpa || t.flags != flags ||
	    (leaf_size && t.leaf_size != leaf_size)) {
		KUNIT_FAIL(test,
			   "gpa %#llx: translate %d hpa %pa flags %#x size %#llx; want hpa %pa flags %#x size %#llx",
			   gpa, ret, &t.hpa, t.flags, t.leaf_size, &hpa, flags,
			   leaf_size);
		return false;
	}
	if (w.status != AXAS_KT_LEAF) {
		KUNIT_FAIL(test, "gpa %#llx: walk %d %s (pte %#llx level %u)",
			   gpa, w.status, w.why ?: "", w.pte, w.level);
		return false;
	}
	want = axas_kt_expected_leaf(root->format, w.level,
				     hpa - (gpa & (w.size - 1)), flags);
	if (w.hpa != hpa || w.size != t.leaf_size ||
	    w.prot != (flags & axas_kt_hw_prot_mask(root->format)) ||
	    (w.pte & ~sw) != want) {
		KUNIT_FAIL(test,
			   "gpa %#llx: walk hpa %pa size %#llx prot %#x pte %#llx; want hpa %pa size %#llx flags %#x pte %#llx",
			   gpa, &w.hpa, w.size, w.prot, w.pte, &hpa,
			   t.leaf_size, flags, want);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Snapshots                                                           */

struct kt_snap_page {
	u64 gpa;
	int ret;
	struct axas_translation t;
	enum axas_kt_status status;
	u64 pte;
};

struct axas_kt_snap {
	struct axas_stats st;
	long live_pages;
	unsigned int nr;
	struct kt_snap_page pages[] __counted_by(nr);
};

struct axas_kt_snap *axas_kt_snap_take(struct kunit *test,
				       struct axas_kt_hal *th,
				       struct axas_space *as,
				       const struct axas_kt_root *root,
				       const struct axas_kt_range *r,
				       unsigned int nr)
{
	struct axas_kt_snap *snap;
	struct kt_snap_page *p;
	struct axas_kt_walk w;
	unsigned int i, n = 0;
	u64 gpa;

	for (i = 0; i < nr; i++)
		n += DIV_ROUND_UP(r[i].end - r[i].start, r[i].step);
	snap = kunit_kzalloc(test, struct_size(snap, pages, n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	snap->nr = n;
	axas_get_stats(as, &snap->st);
	snap->live_pages = atomic_long_read(&th->live_pages);
	p = snap->pages;
	for (i = 0; i < nr; i++) {
		for (gpa = r[i].start; gpa < r[i].end; gpa += r[i].step, p++) {
			p->gpa = gpa;
			p->ret = axas_translate(as, gpa, &p->t);
			axas_kt_walk(&th->hal, root, gpa, &w);
			p->status = w.status;
			p->pte = w.pte;
		}
	}
	return snap;
}

bool axas_kt_snap_expect_same(struct kunit *test,
			      const struct axas_kt_snap *a,
			      const struct axas_kt_snap *b)
{
	const struct kt_snap_page *p, *q;
	unsigned int i;

	if (memcmp(&a->st, &b->st, sizeof(a->st))) {
		KUNIT_FAIL(test,
			   "stats changed: tables %llu->%llu data %llu->%llu mapped %#llx/%#llx/%#llx->%#llx/%#llx/%#llx faults %llu->%llu spurious %llu->%llu flushes %llu->%llu",
			   a->st.table_pages, b->st.table_pages,
			   a->st.data_pages, b->st.data_pages,
			   a->st.mapped[0], a->st.mapped[1], a->st.mapped[2],
			   b->st.mapped[0], b->st.mapped[1], b->st.mapped[2],
			   a->st.faults, b->st.faults, a->st.spurious_faults,
			   b->st.spurious_faults, a->st.tlb_flushes,
			   b->st.tlb_flushes);
		return false;
	}
	if (a->live_pages != b->live_pages) {
		KUNIT_FAIL(test, "HAL live pages changed: %ld -> %ld",
			   a->live_pages, b->live_pages);
		return false;
	}
	if (WARN_ON(a->nr != b->nr))
		return false;
	for (i = 0; i < a->nr; i++) {
		p = &a->pages[i];
		q = &b->pages[i];
		if (p->ret != q->ret || p->status != q->status ||
		    p->pte != q->pte ||
		    (!p->ret && (p->t.hpa != q->t.hpa ||
				 p->t.flags != q->t.flags ||
				 p->t.leaf_size != q->t.leaf_size))) {
			KUNIT_FAIL(test,
				   "gpa %#llx changed: translate %d -> %d, hpa %pa -> %pa, flags %#x -> %#x, size %#llx -> %#llx, walk %d -> %d, pte %#llx -> %#llx",
				   p->gpa, p->ret, q->ret, &p->t.hpa, &q->t.hpa,
				   p->t.flags, q->t.flags, p->t.leaf_size,
				   q->t.leaf_size, p->status, q->status, p->pte,
				   q->pte);
			return false;
		}
	}
	return true;
}

void axas_kt_snap_free(struct kunit *test, struct axas_kt_snap *snap)
{
	kunit_kfree(test, snap);
}
