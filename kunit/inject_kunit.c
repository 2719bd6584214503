// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: allocation failures. Each operation runs with the HAL refusing its
 * first, second, third ... allocation until it succeeds; every failing run
 * must return -ENOMEM, leak nothing and change nothing: translate, the
 * reference walk of every page in and around the range, the stats and the
 * HAL's live pages are compared with what they were before.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <kunit/test.h>

#include "refdec.h"

#define RW	(AXAS_READ | AXAS_WRITE)
#define RWX	(AXAS_READ | AXAS_WRITE | AXAS_EXEC)

#define G1	0x40000000ULL
#define G2	0x80000000ULL
#define G3	0xc0000000ULL

/* Enough for any operation here; more means the retries never end. */
#define INJECT_MAX_RUNS	64

/**
 * struct inject_ctx - the fixture
 * @th: the failing HAL.
 * @cfg: the configuration.
 * @as: the space.
 * @root: its decoded registers.
 * @pas: frames the test owns, for map_pages.
 */
struct inject_ctx {
	struct axas_kt_hal *th;
	const struct axas_kt_cfg *cfg;
	struct axas_space *as;
	struct axas_kt_root root;
	phys_addr_t *pas;
};

/**
 * struct inject_scenario - one operation under allocation failure
 * @name: what it is.
 * @setup: builds the state the operation starts from (never fails).
 * @op: the operation.
 * @check: after success, checks that it did what it should.
 * @must_alloc: the operation cannot succeed without allocating.
 * @ranges: addresses compared before and after each failing run.
 */
struct inject_scenario {
	const char *name;
	void (*setup)(struct kunit *test, struct inject_ctx *c);
	int (*op)(struct inject_ctx *c);
	void (*check)(struct kunit *test, struct inject_ctx *c);
	bool must_alloc;
	struct axas_kt_range ranges[3];
};

static int inject_test_init(struct kunit *test)
{
	struct inject_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->cfg = test->param_value;
	c->th = axas_kt_hal_create(test);
	test->priv = c;
	return 0;
}

static unsigned int nr_ranges(const struct inject_scenario *sc)
{
	unsigned int n = 0;

	while (n < ARRAY_SIZE(sc->ranges) && sc->ranges[n].step)
		n++;
	return n;
}

static void inject_run(struct kunit *test, const struct inject_scenario *sc)
{
	struct inject_ctx *c = test->priv;
	struct axas_kt_snap *before, *after;
	unsigned int n, calls = 0, nr = nr_ranges(sc);
	int ret = -ENOMEM;
	bool same;

	c->as = axas_kt_space_create(test, c->th, c->cfg, 0,
				     1ULL << c->cfg->ia_bits, 0);
	axas_kt_root_of(test, c->as, c->cfg->format, &c->root);
	if (sc->setup)
		sc->setup(test, c);
	KUNIT_ASSERT_TRUE(test, axas_kt_expect_consistent(test, c->th, c->as,
							  &c->root));

	for (n = 1; n <= INJECT_MAX_RUNS; n++) {
		before = axas_kt_snap_take(test, c->th, c->as, &c->root,
					   sc->ranges, nr);
		atomic_set(&c->th->failed, 0);
		axas_kt_hal_arm(c->th, n);
		ret = sc->op(c);
		calls = atomic_read(&c->th->alloc_calls);
		axas_kt_hal_arm(c->th, 0);
		if (!ret)
			break;

		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s, allocation %u failing",
				    sc->name, n);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->th->failed), 1,
				    "%s failed without reaching allocation %u",
				    sc->name, n);
		after = axas_kt_snap_take(test, c->th, c->as, &c->root,
					  sc->ranges, nr);
		same = axas_kt_snap_expect_same(test, before, after);
		axas_kt_snap_free(test, before);
		axas_kt_snap_free(test, after);
		if (!same || ret != -ENOMEM ||
		    !axas_kt_expect_consistent(test, c->th, c->as, &c->root)) {
			kunit_info(test, "%s: allocation %u failing", sc->name, n);
			return;
		}
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s never succeeded", sc->name);
	KUNIT_EXPECT_LT_MSG(test, calls, n,
			    "%s succeeded although allocation %u failed",
			    sc->name, n);
	if (sc->must_alloc)
		KUNIT_EXPECT_GT_MSG(test, n, 1, "%s succeeded without allocating",
				    sc->name);
	kunit_info(test, "%s: %u allocations, each failure handled", sc->name,
		   n - 1);
	sc->check(test, c);
	axas_kt_expect_consistent(test, c->th, c->as, &c->root);
	axas_kt_hal_expect_sane(test, c->th);
}

static bool expect_map(struct kunit *test, struct inject_ctx *c, u64 gpa,
		       phys_addr_t hpa, u32 flags, u64 size)
{
	return axas_kt_expect_map(test, c->th, c->as, &c->root, gpa, hpa,
				  flags, size);
}

/* ---- map_linear: a page in an empty table ---------------------------------- */

static int op_map_page(struct inject_ctx *c)
{
	return axas_map_linear(c->as, G1 + 5 * SZ_4K, 0x80005000, SZ_4K, RW);
}

static void check_map_page(struct kunit *test, struct inject_ctx *c)
{
	expect_map(test, c, G1 + 5 * SZ_4K + 1, 0x80005001, RW, SZ_4K);
	expect_map(test, c, G1 + 4 * SZ_4K, AXAS_KT_UNMAPPED, 0, 0);
}

static const struct inject_scenario sc_map_page = {
	.name = "map_linear of one page",
	.op = op_map_page,
	.check = check_map_page,
	.must_alloc = true,
	.ranges = { { G1 - SZ_16K, G1 + SZ_64K, SZ_4K } },
};

/* ---- map_linear: 1G (or 2M) blocks, a 2M block and a page ------------------- */

static int op_map_blocks(struct inject_ctx *c)
{
	return axas_map_linear(c->as, G1, G2, G1 + SZ_2M + SZ_4K, RWX);
}

static void check_map_blocks(struct kunit *test, struct inject_ctx *c)
{
	expect_map(test, c, G1 + 7, G2 + 7, RWX, axas_kt_cfg_max_leaf(c->cfg));
	expect_map(test, c, G2 + 5, G3 + 5, RWX, SZ_2M);
	expect_map(test, c, G2 + SZ_2M, G3 + SZ_2M, RWX, SZ_4K);
	expect_map(test, c, G2 + SZ_2M + SZ_4K, AXAS_KT_UNMAPPED, 0, 0);
}

static const struct inject_scenario sc_map_blocks = {
	.name = "map_linear of blocks and a page",
	.op = op_map_blocks,
	.check = check_map_blocks,
	.must_alloc = true,
	.ranges = {
		{ G1 - SZ_16K, G1 + SZ_16K, SZ_4K },
		{ G1, G2 + SZ_4M, SZ_2M },
		{ G2 + SZ_2M - SZ_16K, G2 + SZ_2M + SZ_32K, SZ_4K },
	},
};

/* ---- map_alloc: eager, across a 2 MiB boundary ------------------------------ */

static int op_map_eager(struct inject_ctx *c)
{
	return axas_map_alloc(c->as, G1 + SZ_2M - SZ_8K, SZ_16K, RW, true);
}

static void check_map_eager(struct kunit *test, struct inject_ctx *c)
{
	struct axas_translation t;
	struct axas_stats st;
	unsigned int i;
	u64 gpa;

	axas_get_stats(c->as, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 4);
	for (i = 0; i < 4; i++) {
		gpa = G1 + SZ_2M - SZ_8K + i * SZ_4K;
		KUNIT_ASSERT_EQ(test, axas_translate(c->as, gpa, &t), 0);
		expect_map(test, c, gpa, t.hpa, RW, SZ_4K);
	}
}

static const struct inject_scenario sc_map_eager = {
	.name = "map_alloc eager",
	.op = op_map_eager,
	.check = check_map_eager,
	.must_alloc = true,
	.ranges = { { G1 + SZ_2M - SZ_32K, G1 + SZ_2M + SZ_32K, SZ_4K } },
};

/* ---- map_alloc: lazy, then a fault ------------------------------------------- */

static int op_map_lazy(struct inject_ctx *c)
{
	return axas_map_alloc(c->as, G1 + SZ_2M - SZ_8K, SZ_16K, RW, false);
}

static void check_map_lazy(struct kunit *test, struct inject_ctx *c)
{
	struct axas_stats st;

	expect_map(test, c, G1 + SZ_2M, AXAS_KT_UNMAPPED, 0, 0);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(c->as, G1 + SZ_2M, SZ_4K, RW,
					     false), -EEXIST);
	axas_get_stats(c->as, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
}

static const struct inject_scenario sc_map_lazy = {
	.name = "map_alloc lazy",
	.op = op_map_lazy,
	.check = check_map_lazy,
	.ranges = { { G1 + SZ_2M - SZ_32K, G1 + SZ_2M + SZ_32K, SZ_4K } },
};

static void setup_lazy(struct kunit *test, struct inject_ctx *c)
{
	KUNIT_ASSERT_EQ(test, op_map_lazy(c), 0);
}

static int op_fault(struct inject_ctx *c)
{
	return axas_handle_fault(c->as, G1 + SZ_2M + 0x123, AXAS_WRITE);
}

static void check_fault(struct kunit *test, struct inject_ctx *c)
{
	struct axas_translation t;
	struct axas_stats st;

	KUNIT_ASSERT_EQ(test, axas_translate(c->as, G1 + SZ_2M, &t), 0);
	expect_map(test, c, G1 + SZ_2M, t.hpa, RW, SZ_4K);
	expect_map(test, c, G1 + SZ_2M - SZ_4K, AXAS_KT_UNMAPPED, 0, 0);
	axas_get_stats(c->as, &st);
	KUNIT_EXPECT_EQ(test, st.faults, 1);
	KUNIT_EXPECT_EQ(test, st.data_pages, 1);
}

static const struct inject_scenario sc_fault = {
	.name = "fault on a lazy page",
	.setup = setup_lazy,
	.op = op_fault,
	.check = check_fault,
	.must_alloc = true,
	.ranges = { { G1 + SZ_2M - SZ_32K, G1 + SZ_2M + SZ_32K, SZ_4K } },
};

/* ---- protect and unmap that split blocks -------------------------------------- */

static void setup_big(struct kunit *test, struct inject_ctx *c)
{
	KUNIT_ASSERT_EQ(test, axas_map_linear(c->as, G1, G3, G1, RWX), 0);
}

/* Two pages across a 2 MiB boundary: the 1G block and two 2M blocks split. */
#define CUT	(G1 + SZ_4M - SZ_4K)

static int op_protect(struct inject_ctx *c)
{
	return axas_protect(c->as, CUT, SZ_8K, AXAS_READ);
}

static void check_cut(struct kunit *test, struct inject_ctx *c, bool unmapped)
{
	u64 a;

	for (a = CUT - SZ_2M + SZ_4K; a < CUT + SZ_2M + SZ_4K; a += SZ_4K) {
		if (a >= CUT && a < CUT + SZ_8K) {
			if (!expect_map(test, c, a,
					unmapped ? AXAS_KT_UNMAPPED : G3 + (a - G1),
					AXAS_READ, SZ_4K))
				return;
		} else if (!expect_map(test, c, a, G3 + (a - G1), RWX, SZ_4K)) {
			return;
		}
	}
	expect_map(test, c, G1, G3, RWX, SZ_2M);
	expect_map(test, c, G1 + SZ_8M, G3 + SZ_8M, RWX, SZ_2M);
}

static void check_protect(struct kunit *test, struct inject_ctx *c)
{
	check_cut(test, c, false);
}

static const struct inject_scenario sc_protect = {
	.name = "protect splitting blocks",
	.setup = setup_big,
	.op = op_protect,
	.check = check_protect,
	.must_alloc = true,
	.ranges = {
		{ CUT - SZ_2M, CUT + SZ_2M + SZ_4K, SZ_4K },
		{ G1, G2, SZ_2M },
	},
};

static int op_unmap(struct inject_ctx *c)
{
	return axas_unmap(c->as, CUT, SZ_8K);
}

static void check_unmap(struct kunit *test, struct inject_ctx *c)
{
	check_cut(test, c, true);
}

static const struct inject_scenario sc_unmap = {
	.name = "unmap splitting blocks",
	.setup = setup_big,
	.op = op_unmap,
	.check = check_unmap,
	.must_alloc = true,
	.ranges = {
		{ CUT - SZ_2M, CUT + SZ_2M + SZ_4K, SZ_4K },
		{ G1, G2, SZ_2M },
	},
};

/* ---- map_pages: a 2 MiB block and three pages; cutting the block ------------- */

#define PAGES_AT	(G1 + SZ_2M)
#define PAGES_NR	(512 + 3)

/* A 2 MiB aligned block of the test's own, then three single pages. */
static void setup_frames(struct kunit *test, struct inject_ctx *c)
{
	unsigned int i;
	phys_addr_t pa;

	c->pas = kunit_kcalloc(test, PAGES_NR, sizeof(*c->pas), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->pas);
	axas_kt_host_alloc(test, c->th, 9, &pa);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(pa, SZ_2M));
	for (i = 0; i < 512; i++)
		c->pas[i] = pa + i * SZ_4K;
	for (i = 512; i < PAGES_NR; i++)
		axas_kt_host_alloc(test, c->th, 0, &c->pas[i]);
}

static int op_map_pages(struct inject_ctx *c)
{
	return axas_map_pages(c->as, PAGES_AT, c->pas, PAGES_NR, RW);
}

static void check_map_pages(struct kunit *test, struct inject_ctx *c)
{
	unsigned int i;

	expect_map(test, c, PAGES_AT + 9, c->pas[0] + 9, RW, SZ_2M);
	for (i = 512; i < PAGES_NR; i++)
		expect_map(test, c, PAGES_AT + i * SZ_4K, c->pas[i], RW, SZ_4K);
	expect_map(test, c, PAGES_AT + PAGES_NR * SZ_4K, AXAS_KT_UNMAPPED, 0,
		   0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->th->bad_calls), 0);
}

static const struct inject_scenario sc_map_pages = {
	.name = "map_pages of a block and pages",
	.setup = setup_frames,
	.op = op_map_pages,
	.check = check_map_pages,
	.must_alloc = true,
	.ranges = {
		{ PAGES_AT - SZ_16K, PAGES_AT + SZ_2M + SZ_32K, SZ_4K },
		{ G1, G2, SZ_2M },
	},
};

static void setup_pages(struct kunit *test, struct inject_ctx *c)
{
	setup_frames(test, c);
	KUNIT_ASSERT_EQ(test, op_map_pages(c), 0);
}

static int op_unmap_pages(struct inject_ctx *c)
{
	return axas_unmap(c->as, PAGES_AT + 5 * SZ_4K, SZ_4K);
}

static void check_unmap_pages(struct kunit *test, struct inject_ctx *c)
{
	unsigned int i;

	for (i = 0; i < PAGES_NR; i++) {
		if (!expect_map(test, c, PAGES_AT + i * SZ_4K,
				i == 5 ? AXAS_KT_UNMAPPED : c->pas[i],
				i == 5 ? 0 : RW, i == 5 ? 0 : SZ_4K))
			break;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->th->bad_calls), 0);
}

static const struct inject_scenario sc_unmap_pages = {
	.name = "unmap splitting a pages block",
	.setup = setup_pages,
	.op = op_unmap_pages,
	.check = check_unmap_pages,
	.must_alloc = true,
	.ranges = {
		{ PAGES_AT - SZ_16K, PAGES_AT + SZ_2M + SZ_32K, SZ_4K },
	},
};

static void inject_map_page_test(struct kunit *test)
{
	inject_run(test, &sc_map_page);
}

static void inject_map_blocks_test(struct kunit *test)
{
	inject_run(test, &sc_map_blocks);
}

static void inject_map_pages_test(struct kunit *test)
{
	inject_run(test, &sc_map_pages);
}

static void inject_unmap_pages_test(struct kunit *test)
{
	inject_run(test, &sc_unmap_pages);
}

static void inject_map_eager_test(struct kunit *test)
{
	inject_run(test, &sc_map_eager);
}

static void inject_map_lazy_test(struct kunit *test)
{
	inject_run(test, &sc_map_lazy);
}

static void inject_fault_test(struct kunit *test)
{
	inject_run(test, &sc_fault);
}

static void inject_protect_test(struct kunit *test)
{
	inject_run(test, &sc_protect);
}

static void inject_unmap_test(struct kunit *test)
{
	inject_run(test, &sc_unmap);
}

/* Creation: the root allocation failing gives -ENOMEM and no leak. */
static void inject_create_test(struct kunit *test)
{
	struct inject_ctx *c = test->priv;
	struct axas_space_cfg cfg = {
		.format = c->cfg->format,
		.ia_bits = c->cfg->ia_bits,
		.size = SZ_1G,
		.hal = &c->th->hal,
	};
	struct axas_space *as = NULL;
	unsigned int n;

	for (n = 1; n <= INJECT_MAX_RUNS; n++) {
		axas_kt_hal_arm(c->th, n);
		as = axas_space_create(&cfg);
		axas_kt_hal_arm(c->th, 0);
		if (!IS_ERR(as))
			break;
		KUNIT_EXPECT_EQ(test, PTR_ERR(as), -ENOMEM);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&c->th->live_pages), 0);
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(as));
	KUNIT_EXPECT_GT(test, n, 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->th->live_pages),
			axas_kt_cfg_root_pages(c->cfg));
	axas_space_destroy(as);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->th->live_pages), 0);
}

static struct kunit_case inject_test_cases[] = {
	KUNIT_CASE_PARAM(inject_create_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_map_page_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_map_blocks_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_map_eager_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_map_lazy_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_fault_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_protect_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_unmap_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_map_pages_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(inject_unmap_pages_test, axas_kt_cfg_params),
	{}
};

static struct kunit_suite inject_test_suite = {
	.name = "axaddrspace_inject",
	.init = inject_test_init,
	.test_cases = inject_test_cases,
};

kunit_test_suites(&inject_test_suite);
