// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the hardware formats, checked with the reference decoders.
 *
 * Every configuration: the registers and the root they point at, VMIDs,
 * address-width limits, leaves of every size at both ends of the width,
 * and the exact entry bits for every permission and memory type.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "refdec.h"

/* The fixture: a test HAL (the configuration is the case's parameter). */
struct format_priv {
	struct axas_kt_hal *th;
};

static int format_test_init(struct kunit *test)
{
	struct format_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	priv->th = axas_kt_hal_create(test);
	test->priv = priv;
	return 0;
}

static struct axas_space *full_space(struct kunit *test,
				     struct axas_kt_root *root)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	struct format_priv *priv = test->priv;
	struct axas_space *as;

	as = axas_kt_space_create(test, priv->th, cfg, 0, 1ULL << cfg->ia_bits,
				  0);
	axas_kt_root_of(test, as, cfg->format, root);
	return as;
}

static void format_name_test(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, axas_format_name(AXAS_FMT_EPT), "ept");
	KUNIT_EXPECT_STREQ(test, axas_format_name(AXAS_FMT_ARM_S2), "arm-s2");
	KUNIT_EXPECT_STREQ(test, axas_format_name(AXAS_FMT_RISCV_GSTAGE),
			   "riscv-gstage");
	KUNIT_EXPECT_STREQ(test, axas_format_name(AXAS_FMT_AMD_NPT), "amd-npt");
	KUNIT_EXPECT_NULL(test, axas_format_name(AXAS_FMT_COUNT));
	KUNIT_EXPECT_NULL(test, axas_format_name(~0U));
}

/* The registers select the configured width, start level and root size. */
static void format_regs_test(struct kunit *test)
{
	struct format_priv *priv = test->priv;
	const struct axas_kt_cfg *cfg = test->param_value;
	unsigned int pages = axas_kt_cfg_root_pages(cfg), i;
	struct axas_kt_root root;
	struct axas_kt_scan scan;
	struct axas_stats st;
	struct axas_space *as;
	void *va;

	as = full_space(test, &root);
	KUNIT_EXPECT_EQ(test, root.ia_bits, cfg->ia_bits);
	KUNIT_EXPECT_EQ(test, root.top_level, axas_kt_cfg_top_level(cfg));
	KUNIT_EXPECT_EQ(test, root.root_pages, pages);
	KUNIT_EXPECT_FALSE(test, root.ept_ad);
	if (cfg->format == AXAS_FMT_ARM_S2)
		KUNIT_EXPECT_EQ_MSG(test, root.root_entries,
				    1U << (cfg->ia_bits - (12 + 9 * root.top_level)),
				    "concatenated start level");
	if (cfg->format == AXAS_FMT_RISCV_GSTAGE)
		KUNIT_EXPECT_EQ(test, root.root_entries, 2048);

	/* The root is aligned to its size and is HAL memory, all of it. */
	KUNIT_EXPECT_EQ(test, root.root_pa & (pages * AXAS_KT_PAGE - 1), 0);
	for (i = 0; i < pages; i++) {
		va = priv->th->hal.ops->phys_to_virt(priv->th->hal.priv,
						       root.root_pa + i * AXAS_KT_PAGE);
		KUNIT_EXPECT_NOT_NULL_MSG(test, va, "root page %u", i);
	}

	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.table_pages, pages);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	KUNIT_EXPECT_EQ(test, st.mapped[0] + st.mapped[1] + st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&priv->th->live_pages), pages);

	/* An empty root: no valid entry anywhere. */
	axas_kt_scan(&priv->th->hal, &root, &scan);
	KUNIT_EXPECT_EQ(test, scan.bad, 0);
	KUNIT_EXPECT_EQ(test, scan.tables, pages);
	KUNIT_EXPECT_EQ(test, scan.leaf_bytes[0] + scan.leaf_bytes[1] +
			      scan.leaf_bytes[2], 0);
}

/* VMIDs: in the register, non-zero, distinct across live spaces. */
static void format_vmid_test(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	struct axas_kt_root r1, r2;
	struct axas_space *a, *b;

	a = full_space(test, &r1);
	b = full_space(test, &r2);
	KUNIT_EXPECT_NE(test, axas_vmid(a), 0);
	KUNIT_EXPECT_NE(test, axas_vmid(b), 0);
	KUNIT_EXPECT_NE(test, axas_vmid(a), axas_vmid(b));
	KUNIT_EXPECT_NE(test, r1.root_pa, r2.root_pa);
	/* EPT and NPT roots carry no VMID (VPID, ASID live elsewhere). */
	if (cfg->format != AXAS_FMT_EPT && cfg->format != AXAS_FMT_AMD_NPT) {
		KUNIT_EXPECT_EQ(test, r1.vmid, axas_vmid(a));
		KUNIT_EXPECT_EQ(test, r2.vmid, axas_vmid(b));
	}
}

/* base + size must stay inside 2^ia_bits, without wrapping. */
static void format_width_test(struct kunit *test)
{
	struct format_priv *priv = test->priv;
	const struct axas_kt_cfg *cfg = test->param_value;
	u64 top = 1ULL << cfg->ia_bits;
	const struct {
		u64 base, size;
	} bad[] = {
		{ 0, top + SZ_4K },
		{ top - SZ_4K, SZ_8K },
		{ top, SZ_4K },
		{ 0, 2 * top },
		{ -(u64)SZ_4K, SZ_8K },		/* wraps to 4 KiB */
		{ SZ_4K, -(u64)SZ_4K },		/* wraps to 0 */
	};
	struct axas_space_cfg c = {
		.format = cfg->format,
		.ia_bits = cfg->ia_bits,
		.hal = &priv->th->hal,
	};
	struct axas_kt_root root;
	struct axas_space *as;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c.base = bad[i].base;
		c.size = bad[i].size;
		as = axas_space_create(&c);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(as), -ERANGE,
				    "base %#llx size %#llx", c.base, c.size);
		if (!IS_ERR(as))
			axas_space_destroy(as);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&priv->th->live_pages), 0);

	/* The last page of the width is fine, and works. */
	as = axas_kt_space_create(test, priv->th, cfg, top - SZ_4K, SZ_4K, 0);
	axas_kt_root_of(test, as, cfg->format, &root);
	KUNIT_EXPECT_EQ(test, root.ia_bits, cfg->ia_bits);
	KUNIT_EXPECT_EQ(test, axas_map_linear(as, top - SZ_4K, 0x80000000,
					      SZ_4K, AXAS_READ), 0);
	axas_kt_expect_map(test, priv->th, as, &root, top - 1, 0x80000fff,
			   AXAS_READ, SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_map_linear(as, top - SZ_8K, 0x80000000,
					      SZ_4K, AXAS_READ), -ERANGE);
	axas_kt_expect_consistent(test, priv->th, as, &root);
}

struct bad_create_case {
	const char *desc;
	u32 format;
	u32 ia_bits;
	u64 base;
	u64 size;
	u32 flags;
	int err;
};

static const struct bad_create_case bad_create_cases[] = {
	{ "ept-47", AXAS_FMT_EPT, 47, 0, SZ_1G, 0, -EINVAL },
	{ "ept-49", AXAS_FMT_EPT, 49, 0, SZ_1G, 0, -EINVAL },
	{ "ept-39", AXAS_FMT_EPT, 39, 0, SZ_1G, 0, -EINVAL },
	{ "ept-56", AXAS_FMT_EPT, 56, 0, SZ_1G, 0, -EINVAL },
	{ "ept-58", AXAS_FMT_EPT, 58, 0, SZ_1G, 0, -EINVAL },
	{ "ept-64", AXAS_FMT_EPT, 64, 0, SZ_1G, 0, -EINVAL },
	{ "arm-s2-31", AXAS_FMT_ARM_S2, 31, 0, SZ_1G, 0, -EINVAL },
	{ "arm-s2-49", AXAS_FMT_ARM_S2, 49, 0, SZ_1G, 0, -EINVAL },
	{ "arm-s2-52", AXAS_FMT_ARM_S2, 52, 0, SZ_1G, 0, -EINVAL },
	{ "arm-s2-0", AXAS_FMT_ARM_S2, 0, 0, SZ_4K, 0, -EINVAL },
	{ "riscv-gstage-39", AXAS_FMT_RISCV_GSTAGE, 39, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-40", AXAS_FMT_RISCV_GSTAGE, 40, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-42", AXAS_FMT_RISCV_GSTAGE, 42, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-48", AXAS_FMT_RISCV_GSTAGE, 48, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-49", AXAS_FMT_RISCV_GSTAGE, 49, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-51", AXAS_FMT_RISCV_GSTAGE, 51, 0, SZ_1G, 0, -EINVAL },
	{ "riscv-gstage-57", AXAS_FMT_RISCV_GSTAGE, 57, 0, SZ_1G, 0, -EINVAL },
	{ "amd-npt-39", AXAS_FMT_AMD_NPT, 39, 0, SZ_1G, 0, -EINVAL },
	{ "amd-npt-47", AXAS_FMT_AMD_NPT, 47, 0, SZ_1G, 0, -EINVAL },
	{ "amd-npt-49", AXAS_FMT_AMD_NPT, 49, 0, SZ_1G, 0, -EINVAL },
	{ "amd-npt-52", AXAS_FMT_AMD_NPT, 52, 0, SZ_1G, 0, -EINVAL },
	{ "amd-npt-57", AXAS_FMT_AMD_NPT, 57, 0, SZ_1G, 0, -EINVAL },
	{ "format AXAS_FMT_COUNT", AXAS_FMT_COUNT, 48, 0, SZ_1G, 0, -EINVAL },
	{ "format ~0", ~0U, 48, 0, SZ_1G, 0, -EINVAL },
	{ "unknown cfg flag", AXAS_FMT_EPT, 48, 0, SZ_1G, BIT(2), -EINVAL },
	{ "cfg flag bit 31", AXAS_FMT_ARM_S2, 40, 0, SZ_1G, BIT(31), -EINVAL },
	{ "misaligned base", AXAS_FMT_EPT, 48, 0x800, SZ_1G, 0, -EINVAL },
	{ "misaligned size", AXAS_FMT_ARM_S2, 40, 0, SZ_4K + 8, 0, -EINVAL },
	{ "zero size", AXAS_FMT_RISCV_GSTAGE, 41, 0, 0, 0, -EINVAL },
	{ "zero size at the top", AXAS_FMT_EPT, 48, 1ULL << 48, 0, 0, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(bad_create, bad_create_cases, desc);

static void format_bad_create_test(struct kunit *test)
{
	const struct bad_create_case *p = test->param_value;
	struct format_priv *priv = test->priv;
	struct axas_kt_hal *th = priv->th;
	struct axas_space_cfg c = {
		.format = p->format,
		.ia_bits = p->ia_bits,
		.base = p->base,
		.size = p->size,
		.hal = &th->hal,
		.flags = p->flags,
	};
	struct axas_space *as;

	as = axas_space_create(&c);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(as), p->err);
	if (!IS_ERR(as))
		axas_space_destroy(as);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&th->live_pages), 0);
}

/* hpa for a made-up linear leaf of each size (translate-only). */
static const phys_addr_t leaf_hpa[AXAS_LEAF_LEVELS] = {
	0x80003000, 0x80600000, 0xc0000000,
};

/* Leaves of every size at the lowest and the highest addresses. */
static void format_leaf_levels_test(struct kunit *test)
{
	struct format_priv *priv = test->priv;
	const struct axas_kt_cfg *cfg = test->param_value;
	u64 top = 1ULL << cfg->ia_bits, size, leaf, gpa, off;
	unsigned int pages = axas_kt_cfg_root_pages(cfg);
	const u32 rw = AXAS_READ | AXAS_WRITE;
	struct axas_kt_root root;
	struct axas_space *as;
	struct axas_stats st;
	phys_addr_t hpa;
	unsigned int l, pos;

	as = full_space(test, &root);
	for (l = 0; l < AXAS_LEAF_LEVELS; l++) {
		/* A 1 GiB range takes 2 MiB leaves below an Arm level-2 root. */
		size = AXAS_KT_LEAF_SIZE(l);
		leaf = min(size, axas_kt_cfg_max_leaf(cfg));
		hpa = leaf_hpa[l];
		for (pos = 0; pos < 2; pos++) {
			gpa = pos ? top - size : 0;
			KUNIT_ASSERT_EQ_MSG(test, axas_map_linear(as, gpa, hpa, size, rw),
					    0, "level %u gpa %#llx", l, gpa);
			for (off = 0; off < size; off += size / 4)
				axas_kt_expect_map(test, priv->th, as, &root,
						   gpa + off + 0x18, hpa + off + 0x18,
						   rw, leaf);
			axas_kt_expect_map(test, priv->th, as, &root,
					   gpa + size - 1, hpa + size - 1, rw, leaf);
			if (pos)
				axas_kt_expect_map(test, priv->th, as, &root,
						   gpa - 1, AXAS_KT_UNMAPPED, 0, 0);
			else
				axas_kt_expect_map(test, priv->th, as, &root,
						   gpa + size, AXAS_KT_UNMAPPED, 0, 0);
			axas_get_stats(as, &st);
			KUNIT_EXPECT_EQ(test, st.mapped[axas_kt_leaf_level(leaf)],
					size);
			axas_kt_expect_consistent(test, priv->th, as, &root);

			KUNIT_ASSERT_EQ(test, axas_unmap(as, gpa, size), 0);
			axas_kt_expect_map(test, priv->th, as, &root, gpa,
					   AXAS_KT_UNMAPPED, 0, 0);
			axas_kt_expect_consistent(test, priv->th, as, &root);
			axas_get_stats(as, &st);
			KUNIT_EXPECT_EQ(test, st.table_pages, pages);
		}
	}
}

/* AXAS_MAP_NOBLOCK: 4 KiB leaves even where 2 MiB would fit. */
static void format_noblock_test(struct kunit *test)
{
	struct format_priv *priv = test->priv;
	const u32 flags = AXAS_READ | AXAS_EXEC;
	u64 gpa = SZ_1G - SZ_2M, off;
	phys_addr_t hpa = 0x80000000 - SZ_2M;
	struct axas_kt_root root;
	struct axas_space *as;
	struct axas_stats st;

	as = full_space(test, &root);
	KUNIT_ASSERT_EQ(test, axas_map_linear(as, gpa, hpa, SZ_4M,
					      flags | AXAS_MAP_NOBLOCK), 0);
	for (off = 0; off < SZ_4M; off += 61 * SZ_4K)
		if (!axas_kt_expect_map(test, priv->th, as, &root, gpa + off,
					hpa + off, flags, SZ_4K))
			break;
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[0], SZ_4M);
	KUNIT_EXPECT_EQ(test, st.mapped[1], 0);
	axas_kt_expect_consistent(test, priv->th, as, &root);

	/* The same range without the flag takes 2 MiB leaves. */
	KUNIT_ASSERT_EQ(test, axas_unmap(as, gpa, SZ_4M), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(as, gpa, hpa, SZ_4M, flags), 0);
	axas_kt_expect_map(test, priv->th, as, &root, gpa + SZ_2M + 5,
			   hpa + SZ_2M + 5, flags, SZ_2M);
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[1], SZ_4M);
	axas_kt_expect_consistent(test, priv->th, as, &root);
}

static const u32 prot_combos[] = {
	AXAS_READ,
	AXAS_READ | AXAS_WRITE,
	AXAS_READ | AXAS_EXEC,
	AXAS_READ | AXAS_WRITE | AXAS_EXEC,
};

/* Every permission and memory type, at every leaf size, exact bits. */
static void format_flags_test(struct kunit *test)
{
	struct format_priv *priv = test->priv;
	const struct axas_kt_cfg *cfg = test->param_value;
	u64 top = 1ULL << cfg->ia_bits, size, gpa;
	struct axas_translation t;
	struct axas_kt_root root;
	struct axas_space *as;
	unsigned int l, i, dev;
	u32 flags;

	as = full_space(test, &root);
	for (l = 0; l < AXAS_LEAF_LEVELS; l++) {
		size = AXAS_KT_LEAF_SIZE(l);
		/* Near the top: the last root entry for the 1 GiB leaf. */
		gpa = top - 2ULL * SZ_1G + size;
		for (i = 0; i < ARRAY_SIZE(prot_combos); i++) {
			for (dev = 0; dev < 2; dev++) {
				flags = prot_combos[i] | (dev ? AXAS_DEVICE : 0);
				KUNIT_ASSERT_EQ(test, axas_map_linear(as, gpa, leaf_hpa[l],
								      size, flags), 0);
				axas_kt_expect_map(test, priv->th, as, &root,
						   gpa + 8, leaf_hpa[l] + 8, flags,
						   min(size, axas_kt_cfg_max_leaf(cfg)));
				KUNIT_ASSERT_EQ(test, axas_unmap(as, gpa, size), 0);
			}
		}
	}
	axas_kt_expect_consistent(test, priv->th, as, &root);

	/* Flags without read, or unknown, are refused; nothing is mapped. */
	for (flags = 0; flags <= AXAS_MAP_FLAGS_MASK; flags++) {
		if (flags & AXAS_READ)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, axas_map_linear(as, SZ_1G, 0x80000000,
							  SZ_4K, flags),
				    -EINVAL, "flags %#x", flags);
	}
	KUNIT_EXPECT_EQ(test, axas_map_linear(as, SZ_1G, 0x80000000, SZ_4K,
					      AXAS_READ | BIT(4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(as, SZ_1G, 0x80000000, SZ_4K,
					      AXAS_READ | BIT(9)), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(as, SZ_1G, 0x80000000, SZ_4K,
					      AXAS_READ | BIT(31)), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_translate(as, SZ_1G, &t), -ENOENT);
	axas_kt_expect_consistent(test, priv->th, as, &root);
}

/* EPTP bit 6 follows AXAS_CFG_EPT_AD; other formats refuse the flag. */
static void format_ept_ad_test(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	struct format_priv *priv = test->priv;
	struct axas_space_cfg c = {
		.format = cfg->format,
		.ia_bits = cfg->ia_bits,
		.size = SZ_1G,
		.hal = &priv->th->hal,
		.flags = AXAS_CFG_EPT_AD,
	};
	struct axas_kt_root root;
	struct axas_kt_hal *th;
	struct axas_space *as;

	if (cfg->format != AXAS_FMT_EPT) {
		as = axas_space_create(&c);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(as), -EINVAL);
		if (!IS_ERR(as))
			axas_space_destroy(as);
		return;
	}

	as = axas_kt_space_create(test, priv->th, cfg, 0, SZ_1G, 0);
	axas_kt_root_of(test, as, cfg->format, &root);
	KUNIT_EXPECT_FALSE(test, root.ept_ad);

	/* A HAL of its own, so that the books are this space's alone. */
	th = axas_kt_hal_create(test);
	as = axas_kt_space_create(test, th, cfg, 0, SZ_1G, AXAS_CFG_EPT_AD);
	axas_kt_root_of(test, as, cfg->format, &root);
	KUNIT_EXPECT_TRUE(test, root.ept_ad);
	KUNIT_EXPECT_EQ(test, root.ia_bits, cfg->ia_bits);

	/* Leaves still start with A and D clear (the decoder checks). */
	KUNIT_ASSERT_EQ(test, axas_map_linear(as, SZ_2M, 0x80000000, SZ_2M,
					      AXAS_READ | AXAS_WRITE), 0);
	axas_kt_expect_map(test, th, as, &root, SZ_2M, 0x80000000,
			   AXAS_READ | AXAS_WRITE, SZ_2M);
	axas_kt_expect_consistent(test, th, as, &root);
}

/**
 * struct entry_visit - what axas_walk_entries() showed
 * @th: the HAL, to walk the table independently.
 * @root: the decoded registers.
 * @count: entries visited.
 * @tables: table entries among them.
 * @leaves: leaves among them.
 * @stop_at: return 7 from this visit on (0: never).
 * @last_gpa: address of the previous entry.
 * @last_level: level of the previous entry.
 * @err: first disagreement (the callback runs under the space lock and
 *	cannot report it itself).
 * @err_gpa: where.
 */
struct entry_visit {
	struct axas_kt_hal *th;
	const struct axas_kt_root *root;
	u64 count;
	u64 tables;
	u64 leaves;
	u64 stop_at;
	u64 last_gpa;
	unsigned int last_level;
	const char *err;
	u64 err_gpa;
};

/* Why @e disagrees with the reference walk @w of its address, or NULL. */
static const char *entry_mismatch(const struct entry_visit *v,
				  const struct axas_entry *e,
				  const struct axas_kt_walk *w)
{
	u32 mask = axas_kt_hw_prot_mask(v->root->format);

	if (w->level > e->level || w->ptes[e->level] != e->pte)
		return "entry is not what the reference walk reads";
	if (e->table) {
		if (e->flags || w->level == e->level ||
		    w->tables[e->level - 1] != e->pa)
			return "table entry does not point where the reference walk goes";
		return NULL;
	}
	if (w->status != AXAS_KT_LEAF || w->level != e->level ||
	    w->hpa != e->pa || (e->flags & mask) != w->prot ||
	    (e->flags & ~(AXAS_PROT_MASK | AXAS_DEVICE)))
		return "leaf entry disagrees with the reference walk";
	return NULL;
}

static int entry_visit_fn(void *arg, const struct axas_entry *e)
{
	struct entry_visit *v = arg;
	struct axas_kt_walk w;
	const char *err = NULL;

	if (v->count && !(e->gpa > v->last_gpa ||
			  (e->gpa == v->last_gpa && e->level < v->last_level))) {
		err = "entries out of address order, or a table after its entries";
	} else if (e->level > v->root->top_level ||
		   e->size != 1ULL << (12 + 9 * e->level) ||
		   e->gpa & (e->size - 1)) {
		err = "entry level, size and address disagree";
	} else {
		axas_kt_walk(&v->th->hal, v->root, e->gpa, &w);
		err = entry_mismatch(v, e, &w);
	}

	if (err && !v->err) {
		v->err = err;
		v->err_gpa = e->gpa;
	}
	v->count++;
	if (e->table)
		v->tables++;
	else
		v->leaves++;
	v->last_gpa = e->gpa;
	v->last_level = e->level;
	return v->stop_at && v->count >= v->stop_at ? 7 : 0;
}

/* axas_walk_entries() shows exactly the valid entries, in order. */
static void format_walk_entries_test(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	struct format_priv *priv = test->priv;
	u64 top = 1ULL << cfg->ia_bits;
	struct entry_visit v = { };
	struct axas_kt_root root;
	struct axas_kt_scan scan;
	struct axas_space *as;

	as = full_space(test, &root);
	v.th = priv->th;
	v.root = &root;
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, 0, top, entry_visit_fn, &v),
			0);
	KUNIT_EXPECT_EQ(test, v.count, 0);

	KUNIT_ASSERT_EQ(test, axas_map_linear(as, top - SZ_1G, 0xc0000000,
					      SZ_1G, AXAS_READ | AXAS_EXEC), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(as, SZ_1G, 0x80200000, SZ_2M,
					      AXAS_READ), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(as, SZ_1G + SZ_4M, 0x80000000,
					      SZ_4K, AXAS_READ | AXAS_DEVICE), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(as, SZ_1G + SZ_8M - SZ_4K, 3 * SZ_4K,
					     AXAS_READ | AXAS_WRITE, true), 0);
	axas_kt_scan(&priv->th->hal, &root, &scan);
	KUNIT_ASSERT_EQ(test, scan.bad, 0);

	memset(&v, 0, sizeof(v));
	v.th = priv->th;
	v.root = &root;
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, 0, top, entry_visit_fn, &v),
			0);
	KUNIT_EXPECT_NULL_MSG(test, v.err, "gpa %#llx: %s", v.err_gpa, v.err);
	KUNIT_EXPECT_EQ(test, v.tables, scan.tables - root.root_pages);
	KUNIT_EXPECT_EQ(test, v.leaves, scan.leaves);

	/* One page inside the 2 MiB leaf: its path and the leaf itself. */
	memset(&v, 0, sizeof(v));
	v.th = priv->th;
	v.root = &root;
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, SZ_1G + SZ_4K, SZ_4K,
						entry_visit_fn, &v), 0);
	KUNIT_EXPECT_NULL_MSG(test, v.err, "gpa %#llx: %s", v.err_gpa, v.err);
	KUNIT_EXPECT_EQ(test, v.count, root.top_level);
	KUNIT_EXPECT_EQ(test, v.leaves, 1);
	KUNIT_EXPECT_EQ(test, v.last_gpa, SZ_1G);

	/* A non-zero return stops the walk and is passed on. */
	memset(&v, 0, sizeof(v));
	v.th = priv->th;
	v.root = &root;
	v.stop_at = 2;
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, 0, top, entry_visit_fn, &v),
			7);
	KUNIT_EXPECT_EQ(test, v.count, 2);

	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, 1, SZ_4K, entry_visit_fn,
						&v), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, 0, 0, entry_visit_fn, &v),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_walk_entries(as, top, SZ_4K, entry_visit_fn,
						&v), -ERANGE);
}

static struct kunit_case format_test_cases[] = {
	KUNIT_CASE(format_name_test),
	KUNIT_CASE_PARAM(format_regs_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_vmid_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_width_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_bad_create_test, bad_create_gen_params),
	KUNIT_CASE_PARAM(format_leaf_levels_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_noblock_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_flags_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_ept_ad_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(format_walk_entries_test, axas_kt_cfg_params),
	{}
};

static struct kunit_suite format_test_suite = {
	.name = "axaddrspace_format",
	.init = format_test_init,
	.test_cases = format_test_cases,
};

kunit_test_suites(&format_test_suite);
