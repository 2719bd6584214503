// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: every operation of a space and every error it documents, on every
 * configuration, checked through translate, the reference walk, the stats
 * and the test HAL's books.
 *
 * Guest memory is only ever written where the test owns it: map_alloc
 * frames, or host pages the test allocated itself. Made-up host addresses
 * are used for translate-only checks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "refdec.h"

#define R	AXAS_READ
#define RW	(AXAS_READ | AXAS_WRITE)
#define RX	(AXAS_READ | AXAS_EXEC)
#define RWX	(AXAS_READ | AXAS_WRITE | AXAS_EXEC)

#define G1	0x40000000ULL	/* 1 GiB */
#define G2	0x80000000ULL	/* 2 GiB */
#define G3	0xc0000000ULL	/* 3 GiB */

/**
 * struct space_priv - the fixture
 * @th: test HAL.
 * @cfg: the configuration (the case's parameter).
 * @as: the space under test.
 * @root: what its registers say.
 * @top: 2^ia_bits.
 */
struct space_priv {
	struct axas_kt_hal *th;
	const struct axas_kt_cfg *cfg;
	struct axas_space *as;
	struct axas_kt_root root;
	u64 top;
};

static int space_test_init(struct kunit *test)
{
	struct space_priv *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->cfg = test->param_value;
	p->th = axas_kt_hal_create(test);
	if (p->cfg)
		p->top = 1ULL << p->cfg->ia_bits;
	test->priv = p;
	return 0;
}

static struct space_priv *space_setup(struct kunit *test, u64 base, u64 size)
{
	struct space_priv *p = test->priv;

	p->as = axas_kt_space_create(test, p->th, p->cfg, base, size, 0);
	axas_kt_root_of(test, p->as, p->cfg->format, &p->root);
	return p;
}

static struct space_priv *space_setup_full(struct kunit *test)
{
	struct space_priv *p = test->priv;

	return space_setup(test, 0, p->top);
}

static bool expect_map(struct kunit *test, u64 gpa, phys_addr_t hpa,
		       u32 flags, u64 size)
{
	struct space_priv *p = test->priv;

	return axas_kt_expect_map(test, p->th, p->as, &p->root, gpa, hpa,
				  flags, size);
}

static bool expect_unmapped(struct kunit *test, u64 gpa)
{
	return expect_map(test, gpa, AXAS_KT_UNMAPPED, 0, 0);
}

static bool expect_consistent(struct kunit *test)
{
	struct space_priv *p = test->priv;

	return axas_kt_expect_consistent(test, p->th, p->as, &p->root);
}

static void get_stats(struct kunit *test, struct axas_stats *st)
{
	struct space_priv *p = test->priv;

	axas_get_stats(p->as, st);
}

/* Host-physical address of a mapped guest page, asserting it is mapped. */
static phys_addr_t hpa_of(struct kunit *test, u64 gpa)
{
	struct space_priv *p = test->priv;
	struct axas_translation t;

	KUNIT_ASSERT_EQ_MSG(test, axas_translate(p->as, gpa, &t), 0,
			    "gpa %#llx", gpa);
	return t.hpa;
}

/* Kernel view of a map_alloc frame, through the HAL (not the core). */
static u8 *frame_va(struct kunit *test, u64 gpa)
{
	struct space_priv *p = test->priv;
	phys_addr_t hpa = hpa_of(test, gpa);
	u8 *va;

	va = p->th->hal.ops->phys_to_virt(p->th->hal.priv, hpa & PAGE_MASK);
	KUNIT_ASSERT_NOT_NULL_MSG(test, va, "frame of gpa %#llx not from the HAL",
				  gpa);
	return va + offset_in_page(hpa);
}

static void fill(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7 + (i >> 8);
}

static bool all_bytes(const u8 *buf, size_t len, u8 val)
{
	return !memchr_inv(buf, val, len);
}

/* ---- map_linear ------------------------------------------------------------ */

/* Host addresses above and below the guest address, and host address 0. */
static void space_map_linear_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G1 + SZ_2M, gpa2 = G2, gpa3 = G3 + SZ_4K;
	phys_addr_t hpa = G3 + SZ_2M, hpa2 = 0x10000000;
	static const u64 offs[] = { 0, 0x1234, SZ_2M - 1, SZ_2M, SZ_4M - 1 };
	struct axas_stats st;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, gpa, hpa, SZ_4M, RW), 0);
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		expect_map(test, gpa + offs[i], hpa + offs[i], RW, SZ_2M);
	expect_unmapped(test, gpa - 1);
	expect_unmapped(test, gpa + SZ_4M);

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, gpa2, hpa2,
					      SZ_2M + SZ_8K, RX), 0);
	expect_map(test, gpa2 + 5, hpa2 + 5, RX, SZ_2M);
	expect_map(test, gpa2 + SZ_2M + 7, hpa2 + SZ_2M + 7, RX, SZ_4K);
	expect_map(test, gpa2 + SZ_2M + SZ_8K - 1, hpa2 + SZ_2M + SZ_8K - 1,
		   RX, SZ_4K);
	expect_unmapped(test, gpa2 + SZ_2M + SZ_8K);

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, gpa3, 0, SZ_4K, R), 0);
	expect_map(test, gpa3 + 0xfff, 0xfff, R, SZ_4K);

	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[0], SZ_8K + SZ_4K);
	KUNIT_EXPECT_EQ(test, st.mapped[1], SZ_4M + SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	expect_consistent(test);
}

struct leaf_case {
	const char *what;
	u64 gpa;
	phys_addr_t hpa;
	u64 size;
};

static const struct leaf_case leaf_cases[] = {
	{ "4K, 1G, 2M, 4K", G1 - SZ_4K, G2 - SZ_4K, G1 + SZ_2M + SZ_8K },
	{ "2M only (hpa 2M off 1G)", G1, G2 + SZ_2M, G1 },
	{ "4K only (hpa 4K off 2M)", G1 + SZ_2M, G2 + SZ_2M + SZ_4K, SZ_4M },
	{ "4K, 2M, 4K", 0x1ff000, 0x801ff000, SZ_2M + SZ_8K },
	{ "congruent but never 2M aligned", G1 + SZ_4K, G2 + SZ_4K, SZ_2M },
};

/*
 * Brute force: the largest leaf, up to @max, that fits around @a and both
 * alignments.
 */
static u64 oracle_leaf(const struct leaf_case *c, u64 a, u64 max)
{
	u64 l, start;
	int i;

	for (i = axas_kt_leaf_level(max); i > 0; i--) {
		l = AXAS_KT_LEAF_SIZE(i);
		start = ALIGN_DOWN(a, l);
		if (start >= c->gpa && start + l <= c->gpa + c->size &&
		    !((c->gpa - c->hpa) & (l - 1)))
			return l;
	}
	return SZ_4K;
}

static void space_largest_leaf_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	const struct leaf_case *c;
	u64 mapped[AXAS_LEAF_LEVELS];
	u64 a, l, end;
	struct axas_stats st;
	unsigned int i;
	bool ok;

	for (c = leaf_cases; c < leaf_cases + ARRAY_SIZE(leaf_cases); c++) {
		kunit_info(test, "case: %s", c->what);
		KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, c->gpa, c->hpa,
						      c->size, RWX), 0);
		memset(mapped, 0, sizeof(mapped));
		end = c->gpa + c->size;
		ok = true;
		for (a = c->gpa; a < end && ok; a += l) {
			l = oracle_leaf(c, a, axas_kt_cfg_max_leaf(p->cfg));
			for (i = 0; i < AXAS_LEAF_LEVELS; i++)
				if (l == AXAS_KT_LEAF_SIZE(i))
					mapped[i] += l;
			ok = expect_map(test, a, c->hpa + (a - c->gpa), RWX, l) &&
			     expect_map(test, a + l / 2 + 3,
					c->hpa + (a - c->gpa) + l / 2 + 3, RWX, l) &&
			     expect_map(test, a + l - 1,
					c->hpa + (a - c->gpa) + l - 1, RWX, l);
		}
		get_stats(test, &st);
		for (i = 0; i < AXAS_LEAF_LEVELS; i++)
			KUNIT_EXPECT_EQ_MSG(test, st.mapped[i], mapped[i],
					    "%s: leaf level %u", c->what, i);
		expect_consistent(test);
		KUNIT_ASSERT_EQ(test, axas_unmap(p->as, c->gpa, c->size), 0);
		get_stats(test, &st);
		KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	}
}

/* ---- map_alloc ----------------------------------------------------------------- */

static void space_map_alloc_eager_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G1 - SZ_8K;	/* 4 pages across a 1 GiB boundary */
	const size_t len = 4 * SZ_4K;
	phys_addr_t hpa[4];
	struct axas_stats st;
	u8 *buf, *va;
	unsigned int i, j;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, gpa, len, RW, true), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 4);
	KUNIT_EXPECT_EQ(test, st.mapped[0], len);
	KUNIT_EXPECT_EQ(test, st.faults, 0);

	for (i = 0; i < 4; i++) {
		hpa[i] = hpa_of(test, gpa + i * SZ_4K);
		KUNIT_EXPECT_EQ(test, offset_in_page(hpa[i]), 0);
		expect_map(test, gpa + i * SZ_4K + 9, hpa[i] + 9, RW, SZ_4K);
		va = frame_va(test, gpa + i * SZ_4K);
		KUNIT_EXPECT_TRUE_MSG(test, all_bytes(va, SZ_4K, 0),
				      "frame %u not zeroed", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, hpa[i], hpa[j]);
	}
	memset(buf, 0xaa, len);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, gpa, buf, len), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(buf, len, 0));
	expect_consistent(test);

	/* Read-only eager areas are populated too. */
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G2, SZ_4K, R, true), 0);
	expect_map(test, G2, hpa_of(test, G2), R, SZ_4K);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 5);

	/* Only permissions: no device memory, no read-less areas. */
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G3, SZ_4K, R | AXAS_DEVICE,
					     true), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G3, SZ_4K, AXAS_WRITE,
					     true), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G3, SZ_4K, R | BIT(5),
					     false), -EINVAL);
	expect_unmapped(test, G3);
	expect_consistent(test);
}

static void space_map_alloc_lazy_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G1 + SZ_2M - SZ_8K;	/* 4 pages across a 2 MiB boundary */
	struct axas_stats st, st0;
	unsigned int i, calls;
	u8 buf[64];

	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, gpa, 4 * SZ_4K, RW, false),
			0);
	for (i = 0; i < 4; i++)
		expect_unmapped(test, gpa + i * SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, gpa, buf, sizeof(buf)), -EFAULT);
	get_stats(test, &st0);
	KUNIT_EXPECT_EQ(test, st0.data_pages, 0);
	expect_consistent(test);

	/* First fault: a zeroed frame. */
	KUNIT_ASSERT_EQ(test, axas_handle_fault(p->as, gpa + SZ_4K + 0x123,
						AXAS_WRITE), 0);
	expect_map(test, gpa + SZ_4K, hpa_of(test, gpa + SZ_4K), RW, SZ_4K);
	KUNIT_EXPECT_TRUE(test, all_bytes(frame_va(test, gpa + SZ_4K), SZ_4K, 0));
	memset(buf, 0x55, sizeof(buf));
	KUNIT_EXPECT_EQ(test, axas_read(p->as, gpa + SZ_4K + 100, buf,
					sizeof(buf)), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(buf, sizeof(buf), 0));
	expect_unmapped(test, gpa);
	expect_unmapped(test, gpa + SZ_8K);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults + 1);
	KUNIT_EXPECT_EQ(test, st.data_pages, 1);
	KUNIT_EXPECT_EQ(test, st.spurious_faults, st0.spurious_faults);
	expect_consistent(test);

	/* Second fault on the same page: nothing allocated, counted spurious. */
	axas_kt_hal_arm(p->th, 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa + SZ_4K, AXAS_READ), 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa + SZ_8K - 1,
						AXAS_WRITE), 0);
	calls = atomic_read(&p->th->alloc_calls);
	KUNIT_EXPECT_EQ_MSG(test, calls, 0, "a spurious fault called alloc");
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults + 1);
	KUNIT_EXPECT_EQ(test, st.spurious_faults, st0.spurious_faults + 2);
	KUNIT_EXPECT_EQ(test, st.data_pages, 1);

	/* The rest, then unmap: frames and tables go back. */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa + i * SZ_4K,
							AXAS_READ), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 4);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults + 4);
	expect_consistent(test);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, gpa, 4 * SZ_4K), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			p->root.root_pages);
	expect_consistent(test);
	/* The area is gone with its pages. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa, AXAS_READ), -ENOENT);
}

/* ---- faults ---------------------------------------------------------------------- */

static void space_fault_errors_test(struct kunit *test)
{
	struct space_priv *p = space_setup(test, G1, G1);
	u64 lazy = G1 + SZ_2M, lin = G1 + SZ_4M;
	struct axas_stats st, st0;

	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, lazy, SZ_16K, RX, false), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, lin, G3, SZ_8K, RW), 0);
	get_stats(test, &st0);

	/* No area. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, G1, AXAS_READ), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy + SZ_16K,
						AXAS_READ), -ENOENT);
	/* Outside the space. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, G1 - 1, AXAS_READ),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, G2, AXAS_READ), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, ~0ULL, AXAS_READ),
			-ERANGE);
	/* Bad access. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_DEVICE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy,
						AXAS_READ | AXAS_MAP_NOBLOCK),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_READ | BIT(31)),
			-EINVAL);

	/* Write to a read-execute lazy page: refused, nothing allocated. */
	axas_kt_hal_arm(p->th, 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_WRITE), -EACCES);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy,
						AXAS_READ | AXAS_WRITE), -EACCES);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->th->alloc_calls), 0);
	expect_unmapped(test, lazy);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);

	/* Execute is allowed; then the present page still refuses writes. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_EXEC), 0);
	expect_map(test, lazy, hpa_of(test, lazy), RX, SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_WRITE), -EACCES);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, RX), 0);

	/* A present linear page: permitted faults are spurious. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lin + 5, RW), 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lin + SZ_4K, AXAS_EXEC),
			-EACCES);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults + 1);
	KUNIT_EXPECT_EQ(test, st.spurious_faults, st0.spurious_faults + 2);
	KUNIT_EXPECT_EQ(test, st.data_pages, 1);
	expect_consistent(test);
}

/* ---- map_pages ------------------------------------------------------------------------ */

#define NR_MIXED	(512 + 3)

/*
 * Frames the test owns for map_pages: a 2 MiB block (naturally aligned, as
 * the page allocator hands out an order-9 block), then three single pages.
 */
static void mixed_frames(struct kunit *test, phys_addr_t *pas, u8 **va)
{
	struct space_priv *p = test->priv;
	phys_addr_t pa;
	unsigned int i;
	u8 *big;

	big = axas_kt_host_alloc(test, p->th, 9, &pa);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(pa, SZ_2M));
	for (i = 0; i < 512; i++) {
		pas[i] = pa + i * SZ_4K;
		va[i] = big + i * SZ_4K;
	}
	for (i = 512; i < NR_MIXED; i++)
		va[i] = axas_kt_host_alloc(test, p->th, 0, &pas[i]);
}

/* Bytes mapped contiguously from page @i on, by the frames alone. */
static u64 pages_limit(const phys_addr_t *pas, unsigned int i, unsigned int nr)
{
	unsigned int j;

	for (j = i + 1; j < nr; j++)
		if (pas[j] != pas[i] + (u64)(j - i) * SZ_4K)
			break;
	return (u64)(j - i) * SZ_4K;
}

static void space_map_pages_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G1, odd = G2 + SZ_4M + SZ_4K, len;
	phys_addr_t *pas, rev[8];
	struct axas_stats st, st0;
	unsigned int i;
	u8 **va, buf[16], out[16];

	pas = kunit_kcalloc(test, NR_MIXED, sizeof(*pas), GFP_KERNEL);
	va = kunit_kcalloc(test, NR_MIXED, sizeof(*va), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pas);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mixed_frames(test, pas, va);

	/* A 2 MiB leaf where 512 frames are contiguous, 4 KiB leaves after. */
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, gpa, pas, NR_MIXED, RW), 0);
	expect_map(test, gpa + 0x1234, pas[1] + 0x234, RW, SZ_2M);
	expect_map(test, gpa + SZ_2M - 1, pas[511] + 0xfff, RW, SZ_2M);
	for (i = 512; i < NR_MIXED; i++)
		expect_map(test, gpa + i * SZ_4K + 7, pas[i] + 7, RW, SZ_4K);
	expect_unmapped(test, gpa + NR_MIXED * SZ_4K);
	expect_unmapped(test, gpa - 1);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[1], SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[0], 3 * SZ_4K);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	expect_consistent(test);

	/* The same frames again: NOBLOCK, and a guest address 4 KiB off. */
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, G2, pas, 512,
					     RX | AXAS_MAP_NOBLOCK), 0);
	expect_map(test, G2, pas[0], RX, SZ_4K);
	expect_map(test, G2 + SZ_2M - 1, pas[511] + 0xfff, RX, SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, odd, pas, 512, R), 0);
	for (i = 0; i < 512; i += 73)
		expect_map(test, odd + i * SZ_4K, pas[i], R, SZ_4K);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[1], SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[0], 3 * SZ_4K + 2 * SZ_2M);

	/* Any order, and the same frame twice. */
	for (i = 0; i < ARRAY_SIZE(rev); i++)
		rev[i] = pas[ARRAY_SIZE(rev) - 1 - i];
	rev[3] = rev[0];
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, G3, rev, ARRAY_SIZE(rev),
					     RWX), 0);
	for (i = 0; i < ARRAY_SIZE(rev); i++)
		expect_map(test, G3 + i * SZ_4K + 3, rev[i] + 3, RWX, SZ_4K);

	/* Guest memory reaches the frames, across the 2 MiB leaf's end. */
	fill(buf, sizeof(buf), 6);
	KUNIT_ASSERT_EQ(test, axas_write(p->as, gpa + SZ_2M - 8, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(va[511] + SZ_4K - 8, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(va[512], buf + 8, 8), 0);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, odd + SZ_2M - 8, out, 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 8), 0);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, G3 + 3 * SZ_4K, out, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, va[7], 16), 0);

	/* Present pages: faults are spurious, or forbidden. */
	get_stats(test, &st0);
	axas_kt_hal_arm(p->th, 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa + 5, AXAS_WRITE), 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa + SZ_2M + 5,
						RW), 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, gpa, AXAS_EXEC), -EACCES);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, odd, AXAS_WRITE),
			-EACCES);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->th->alloc_calls), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults);
	KUNIT_EXPECT_EQ(test, st.spurious_faults, st0.spurious_faults + 2);

	/* translate_limit follows the frames, not the area. */
	KUNIT_ASSERT_EQ(test, axas_translate_limit(p->as, gpa + 100, &len), 0);
	KUNIT_EXPECT_EQ(test, len, pages_limit(pas, 0, NR_MIXED) - 100);
	KUNIT_ASSERT_EQ(test, axas_translate_limit(p->as, G3, &len), 0);
	KUNIT_EXPECT_EQ(test, len, SZ_4K);
	expect_consistent(test);
}

/*
 * Unmap and protect cut the 2 MiB leaf of a pages area; unmap, clear and
 * destroy give no frame back to anyone, and leave the frames as they were.
 */
static void space_map_pages_cut_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	struct axas_space_cfg cfg = {
		.format = p->cfg->format,
		.ia_bits = p->cfg->ia_bits,
		.size = p->top,
		.hal = &p->th->hal,
	};
	phys_addr_t *pas;
	struct axas_stats st;
	struct axas_space *as2;
	u8 **va, *pattern, *buf;
	unsigned int i;

	pas = kunit_kcalloc(test, NR_MIXED, sizeof(*pas), GFP_KERNEL);
	va = kunit_kcalloc(test, NR_MIXED, sizeof(*va), GFP_KERNEL);
	pattern = kunit_kmalloc(test, SZ_2M, GFP_KERNEL);
	buf = kunit_kmalloc(test, 5 * SZ_4K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pas);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_ASSERT_NOT_NULL(test, pattern);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	mixed_frames(test, pas, va);
	fill(pattern, SZ_2M, 11);
	memcpy(va[0], pattern, SZ_2M);

	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, G1, pas, 512, RW), 0);
	expect_map(test, G1 + 5 * SZ_4K, pas[5], RW, SZ_2M);

	/* Two pages out of the middle: the block splits into 4 KiB leaves. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G1 + 5 * SZ_4K, SZ_8K), 0);
	for (i = 0; i < 512; i++) {
		if (i == 5 || i == 6) {
			expect_unmapped(test, G1 + i * SZ_4K);
			continue;
		}
		if (!expect_map(test, G1 + i * SZ_4K + 1, pas[i] + 1, RW, SZ_4K))
			break;
	}
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[1], 0);
	KUNIT_EXPECT_EQ(test, st.mapped[0], 510 * SZ_4K);

	/* Protect a piece, unmap the tail. */
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, G1 + 100 * SZ_4K, 3 * SZ_4K,
					   R), 0);
	expect_map(test, G1 + 99 * SZ_4K, pas[99], RW, SZ_4K);
	expect_map(test, G1 + 101 * SZ_4K, pas[101], R, SZ_4K);
	expect_map(test, G1 + 103 * SZ_4K, pas[103], RW, SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G1 + 500 * SZ_4K, 12 * SZ_4K), 0);
	expect_unmapped(test, G1 + 500 * SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, G1 + 499 * SZ_4K, SZ_8K),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, G1, buf, 5 * SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, pattern, 5 * SZ_4K), 0);
	expect_consistent(test);

	/* Nothing of the frames was freed (the HAL counts a free as bad). */
	KUNIT_EXPECT_EQ(test, memcmp(va[0], pattern, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->th->bad_calls), 0);

	axas_clear(p->as);
	expect_unmapped(test, G1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			p->root.root_pages);
	KUNIT_EXPECT_EQ(test, memcmp(va[0], pattern, SZ_2M), 0);

	/* Destroy with the frames mapped, in a second space. */
	as2 = axas_space_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(as2));
	KUNIT_ASSERT_EQ(test, axas_map_pages(as2, G1, pas, NR_MIXED, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, G1, pas, NR_MIXED, RW), 0);
	axas_space_destroy(as2);
	expect_map(test, G1 + SZ_2M + 1, pas[512] + 1, RW, SZ_4K);
	KUNIT_EXPECT_EQ(test, memcmp(va[0], pattern, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->th->bad_calls), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			st.table_pages);
	expect_consistent(test);
}

/* Every argument error, with nothing changed afterwards. */
static void space_map_pages_errors_test(struct kunit *test)
{
	struct space_priv *p = space_setup(test, G1, G1);
	u64 lin = G1 + SZ_1M, lazy = G1 + SZ_4M, pg = G1 + SZ_8M;
	u64 free = G1 + SZ_16M;
	const struct axas_kt_range around[] = {
		{ G1, G1 + SZ_32M, SZ_4K },
		{ G2 - SZ_16K, G2, SZ_4K },
	};
	struct axas_kt_snap *before, *after;
	phys_addr_t pas[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pas); i++)
		pas[i] = G3 + i * SZ_8K;
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, lin, G3, SZ_16K, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, lazy, SZ_16K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_map_pages(p->as, pg, pas, 4, RW), 0);
	before = axas_kt_snap_take(test, p->th, p->as, &p->root, around,
				   ARRAY_SIZE(around));

	/* -EINVAL: flags, count, guest or host misalignment. */
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 1,
					     R | AXAS_DEVICE), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 1, AXAS_WRITE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 1, R | BIT(7)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 0, R), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free + 0x800, pas, 1, R),
			-EINVAL);
	pas[2] += 0x800;
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 4, R), -EINVAL);
	pas[2] -= 0x800;

	/* -ERANGE: outside the space, too many pages, beyond the host width. */
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, G1 - SZ_4K, pas, 1, R),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, G2 - SZ_4K, pas, 2, R),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, G2, pas, 1, R), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, G1, pas, G1 / SZ_4K + 1, R),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, ULONG_MAX, R),
			-ERANGE);
	pas[1] = 1ULL << 60;
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, free, pas, 2, R), -ERANGE);
	pas[1] = G3 + SZ_8K;

	/* -EEXIST: over linear, lazy and pages areas, whole or in part. */
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, lin + SZ_8K, pas, 4, R),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, lazy - SZ_4K, pas, 2, R),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, pg, pas, 4, R), -EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, pg + 3 * SZ_4K, pas, 1, R),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, pg - SZ_4K, G3, SZ_8K, R),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, pg + SZ_4K, SZ_4K, R, true),
			-EEXIST);

	after = axas_kt_snap_take(test, p->th, p->as, &p->root, around,
				  ARRAY_SIZE(around));
	axas_kt_snap_expect_same(test, before, after);
	expect_consistent(test);

	/* Made-up host memory: mapped, but not readable. */
	expect_map(test, pg + 2 * SZ_4K + 9, pas[2] + 9, RW, SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, pg, &i, sizeof(i)), -EFAULT);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, pg, 4 * SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, axas_map_pages(p->as, pg, pas, 4, R), 0);
	expect_map(test, pg + 3 * SZ_4K, pas[3], R, SZ_4K);
}

/* ---- unmap ------------------------------------------------------------------------- */

/*
 * Expect [gpa, gpa + size) of a linear RWX area at @hpa to be mapped with
 * @leaf-sized leaves, except for the pages in @holes.
 */
static bool expect_linear_pages(struct kunit *test, u64 base, phys_addr_t hpa,
				u32 flags, u64 gpa, u64 size, u64 leaf,
				u64 hole, u64 hole_size)
{
	u64 a;

	for (a = gpa; a < gpa + size; a += SZ_4K) {
		if (a >= hole && a < hole + hole_size) {
			if (!expect_unmapped(test, a))
				return false;
		} else if (!expect_map(test, a, hpa + (a - base), flags, leaf)) {
			return false;
		}
	}
	return true;
}

/* Unmap pieces out of a 1 GiB block: the rest keeps its host addresses. */
static void space_unmap_cut_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 g = G1, cut = G1 + SZ_2M + 3 * SZ_4K, cut2 = G1 + SZ_8M - SZ_4K;
	phys_addr_t h = G3;
	struct axas_stats st, st0;
	u64 a;

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, g, h, G1, RWX), 0);
	expect_map(test, g, h, RWX, axas_kt_cfg_max_leaf(p->cfg));
	get_stats(test, &st0);

	/* Five pages inside the second 2 MiB: 1G -> 2M -> 4K. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, cut, 5 * SZ_4K), 0);
	expect_linear_pages(test, g, h, RWX, g + SZ_2M, SZ_2M, SZ_4K, cut,
			    5 * SZ_4K);
	for (a = g; a < g + G1; a += SZ_2M) {
		if (a == g + SZ_2M)
			continue;
		if (!expect_map(test, a, h + (a - g), RWX, SZ_2M) ||
		    !expect_map(test, a + SZ_2M - 1, h + (a - g) + SZ_2M - 1,
				RWX, SZ_2M))
			break;
	}
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, st.mapped[1], G1 - SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[0], SZ_2M - 5 * SZ_4K);
	KUNIT_EXPECT_GE(test, st.tlb_flushes, st0.tlb_flushes + 1);
	expect_consistent(test);

	/* Two pages across a 2 MiB boundary: both neighbours split. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, cut2, SZ_8K), 0);
	expect_linear_pages(test, g, h, RWX, g + SZ_4M + SZ_2M, SZ_4M, SZ_4K,
			    cut2, SZ_8K);
	expect_map(test, g + SZ_4M + SZ_2M - 1, h + SZ_4M + SZ_2M - 1, RWX,
		   SZ_2M);
	expect_map(test, g + SZ_8M + SZ_2M, h + SZ_8M + SZ_2M, RWX, SZ_2M);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[1], G1 - 3 * SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[0], 3 * SZ_2M - 7 * SZ_4K);
	expect_consistent(test);

	/* The whole block now has holes: -ENOENT, and nothing moves. */
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, g, G1), -ENOENT);
	get_stats(test, &st0);
	KUNIT_EXPECT_EQ(test, st0.mapped[0], st.mapped[0]);
	KUNIT_EXPECT_EQ(test, st0.mapped[1], st.mapped[1]);
	expect_map(test, g, h, RWX, SZ_2M);

	/* Unmap what is left, in three pieces: back to an empty root. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, g, cut - g), 0);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, cut + 5 * SZ_4K,
					 cut2 - cut - 5 * SZ_4K), 0);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, cut2 + SZ_8K,
					 g + G1 - cut2 - SZ_8K), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[0] + st.mapped[1] + st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	expect_unmapped(test, g + SZ_4M);
	expect_consistent(test);
}

/* Unmapping part of an allocated area frees exactly those frames. */
static void space_unmap_alloc_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G2 + SZ_2M - 4 * SZ_4K, a;
	phys_addr_t hpa[8];
	struct axas_stats st;
	unsigned int i;
	u8 *buf;

	buf = kunit_kmalloc(test, 8 * SZ_4K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, gpa, 8 * SZ_4K, RW, true), 0);
	for (i = 0; i < 8; i++)
		hpa[i] = hpa_of(test, gpa + i * SZ_4K);
	fill(buf, 8 * SZ_4K, 3);
	KUNIT_ASSERT_EQ(test, axas_write(p->as, gpa, buf, 8 * SZ_4K), 0);

	/* Pages 3 and 4 straddle the 2 MiB boundary. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, gpa + 3 * SZ_4K, SZ_8K), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 6);
	for (i = 0; i < 8; i++) {
		a = gpa + i * SZ_4K;
		if (i == 3 || i == 4) {
			expect_unmapped(test, a);
			continue;
		}
		expect_map(test, a, hpa[i], RW, SZ_4K);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(frame_va(test, a),
						 buf + i * SZ_4K, SZ_4K), 0,
				    "page %u content changed", i);
	}
	expect_consistent(test);

	/* Unmap the rest: all frames and tables go back to the HAL. */
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, gpa, 3 * SZ_4K), 0);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, gpa + 5 * SZ_4K, 3 * SZ_4K), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			p->root.root_pages);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->allocs) -
			      atomic_long_read(&p->th->frees), 1);
	expect_consistent(test);
}

/*
 * One unmap covering a whole 1 GiB entry whose table holds both 2 MiB
 * leaves and a table of 4 KiB leaves: every table below goes, too.
 */
static void space_unmap_nested_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	struct axas_stats st;

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G1, G3 + SZ_4K, SZ_2M, RW),
			0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G1 + SZ_2M, G3 + SZ_2M,
					      G1 - SZ_2M, RW), 0);
	expect_map(test, G1 + SZ_8K, G3 + SZ_4K + SZ_8K, RW, SZ_4K);
	expect_map(test, G1 + SZ_4M, G3 + SZ_4M, RW, SZ_2M);
	expect_consistent(test);

	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G1, G1), 0);
	expect_unmapped(test, G1 + SZ_8K);
	expect_unmapped(test, G1 + SZ_4M);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[0] + st.mapped[1] + st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			p->root.root_pages);
	expect_consistent(test);
}

/* ---- protect ------------------------------------------------------------------------- */

static void space_protect_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 g = G1, pg = G1 + SZ_2M + SZ_4K;
	phys_addr_t h = G3;
	struct axas_stats st, st0;
	u64 a;

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, g, h, G1, RWX), 0);
	get_stats(test, &st0);

	/* One page read-only: the 1 GiB and one 2 MiB block split. */
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, pg, SZ_4K, R), 0);
	for (a = g + SZ_2M; a < g + SZ_4M; a += SZ_4K)
		if (!expect_map(test, a, h + (a - g), a == pg ? R : RWX, SZ_4K))
			break;
	expect_map(test, g + SZ_2M - 1, h + SZ_2M - 1, RWX, SZ_2M);
	expect_map(test, g + SZ_4M, h + SZ_4M, RWX, SZ_2M);
	expect_map(test, g + G1 - 1, h + G1 - 1, RWX, SZ_2M);
	get_stats(test, &st);
	KUNIT_EXPECT_GE(test, st.tlb_flushes, st0.tlb_flushes + 1);
	KUNIT_EXPECT_EQ(test, st.mapped[0], SZ_2M);
	KUNIT_EXPECT_EQ(test, st.mapped[1], G1 - SZ_2M);
	expect_consistent(test);

	/* A whole 2 MiB block is not cut: it stays a block. */
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, g + SZ_8M, SZ_2M, RX), 0);
	expect_map(test, g + SZ_8M + 77, h + SZ_8M + 77, RX, SZ_2M);
	expect_map(test, g + SZ_8M - 1, h + SZ_8M - 1, RWX, SZ_2M);
	expect_map(test, g + SZ_8M + SZ_2M, h + SZ_8M + SZ_2M, RWX, SZ_2M);

	/* A whole 1 GiB block neither. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G2, 0, G1, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, G2, G1, R), 0);
	expect_map(test, G2 + 12345, 12345, R, axas_kt_cfg_max_leaf(p->cfg));
	expect_consistent(test);

	/* Protecting across two areas, one of them split, works. */
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, G2 - SZ_4K, SZ_8K, RWX), 0);
	expect_map(test, G2 - SZ_4K, h + G1 - SZ_4K, RWX, SZ_4K);
	expect_map(test, G2, 0, RWX, SZ_4K);
	expect_map(test, G2 + SZ_4K, SZ_4K, R, SZ_4K);
	expect_map(test, G2 + SZ_2M, SZ_2M, R, SZ_2M);
	expect_consistent(test);
}

static void space_protect_kinds_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 dev = G1, lazy = G1 + SZ_1M, eager = G1 + SZ_2M;
	struct axas_stats st, st0;
	phys_addr_t hpa;
	u8 *buf;

	buf = kunit_kzalloc(test, SZ_16K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* Device memory keeps its type through protect. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, dev, G3, SZ_4K,
					      R | AXAS_DEVICE), 0);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, dev, SZ_4K, RW), 0);
	expect_map(test, dev, G3, RW | AXAS_DEVICE, SZ_4K);

	/* Lazy pages take the new permissions when they fault. */
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, lazy, SZ_8K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, lazy, SZ_8K, R), 0);
	get_stats(test, &st0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_WRITE), -EACCES);
	expect_unmapped(test, lazy);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_READ), 0);
	expect_map(test, lazy, hpa_of(test, lazy), R, SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, lazy, SZ_8K, RWX), 0);
	expect_map(test, lazy, hpa_of(test, lazy), RWX, SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy + SZ_4K, AXAS_EXEC),
			0);
	expect_map(test, lazy + SZ_4K, hpa_of(test, lazy + SZ_4K), RWX, SZ_4K);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.faults, st0.faults + 2);

	/* Allocated frames keep their address and content. */
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, eager, SZ_8K, RW, true), 0);
	fill(buf, SZ_8K, 9);
	KUNIT_ASSERT_EQ(test, axas_write(p->as, eager, buf, SZ_8K), 0);
	hpa = hpa_of(test, eager + SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, eager, SZ_8K, RX), 0);
	expect_map(test, eager + SZ_4K, hpa, RX, SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, eager, buf + SZ_8K, SZ_8K), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, buf + SZ_8K, SZ_8K), 0);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, 4);
	expect_consistent(test);

	/* Bad flags: protect takes permissions only, read mandatory. */
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, eager, SZ_4K, AXAS_WRITE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, eager, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, eager, SZ_4K,
					   R | AXAS_DEVICE), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, eager, SZ_4K,
					   R | AXAS_MAP_NOBLOCK), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, eager, SZ_4K, R | BIT(6)),
			-EINVAL);
	expect_map(test, eager, hpa_of(test, eager), RX, SZ_4K);
}

/* ---- translate_limit ---------------------------------------------------------------- */

static void expect_limit(struct kunit *test, u64 gpa, int ret, u64 want)
{
	struct space_priv *p = test->priv;
	u64 len = 0;

	KUNIT_EXPECT_EQ_MSG(test, axas_translate_limit(p->as, gpa, &len), ret,
			    "gpa %#llx", gpa);
	if (!ret)
		KUNIT_EXPECT_EQ_MSG(test, len, want, "gpa %#llx", gpa);
}

static void space_translate_limit_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 a = G1 + SZ_4K, b = G2, c = G2 + SZ_16M, top = p->top;

	/* Two areas, contiguous in both spaces, 4K and 2M leaves. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, a, 0x80001000, SZ_8K, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, a + SZ_8K, 0x80003000,
					      SZ_2M, RW), 0);
	expect_limit(test, a, 0, SZ_8K + SZ_2M);
	expect_limit(test, a + SZ_4K + 0x10, 0, SZ_4K - 0x10 + SZ_2M);
	expect_limit(test, a + SZ_8K + SZ_2M - 1, 0, 1);

	/* A 2 MiB leaf followed by a 4 KiB one. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b, 0x80000000, SZ_2M, RX), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_2M, 0x80200000,
					      SZ_4K, RX), 0);
	expect_limit(test, b + 5, 0, SZ_2M + SZ_4K - 5);

	/* Discontiguous host addresses stop it. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_4M, 0x90000000,
					      SZ_4K, RX), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_4M + SZ_4K,
					      0x90002000, SZ_4K, RX), 0);
	expect_limit(test, b + SZ_4M, 0, SZ_4K);

	/* Different permissions or memory type stop it. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_8M, 0x91000000,
					      SZ_4K, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_8M + SZ_4K,
					      0x91001000, SZ_4K, R), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, b + SZ_8M + SZ_8K,
					      0x91002000, SZ_4K,
					      R | AXAS_DEVICE), 0);
	expect_limit(test, b + SZ_8M, 0, SZ_4K);
	expect_limit(test, b + SZ_8M + SZ_4K, 0, SZ_4K);

	/* A gap stops it; so does a hole punched into one area. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, c, 0x92000000, SZ_16K, RW), 0);
	expect_limit(test, c, 0, SZ_16K);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, c + SZ_4K, SZ_4K), 0);
	expect_limit(test, c, 0, SZ_4K);
	expect_limit(test, c + SZ_8K, 0, SZ_8K);
	expect_limit(test, c + SZ_4K, -ENOENT, 0);

	/* A 1 GiB leaf at the very top. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, top - G1, 0, G1, RW), 0);
	expect_limit(test, top - G1 + 100, 0, G1 - 100);
	expect_limit(test, top - 1, 0, 1);
	expect_limit(test, top, -ERANGE, 0);
	expect_limit(test, G1, -ENOENT, 0);
}

/* ---- read and write ------------------------------------------------------------------ */

static void space_rw_pages_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G1 + SZ_2M - SZ_4K;	/* 3 pages across a 2 MiB boundary */
	u8 *src, *dst;
	const size_t len = 5000;
	unsigned int off;

	src = kunit_kmalloc(test, 3 * SZ_4K, GFP_KERNEL);
	dst = kunit_kmalloc(test, 3 * SZ_4K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, gpa, 3 * SZ_4K, R, true), 0);

	/* Writes ignore the guest's permissions (read-only here). */
	fill(src, len, 1);
	KUNIT_ASSERT_EQ(test, axas_write(p->as, gpa + 4000, src, len), 0);
	memset(dst, 0, len);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, gpa + 4000, dst, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(src, dst, len), 0);
	/* The bytes landed in the right frames. */
	KUNIT_EXPECT_EQ(test, memcmp(frame_va(test, gpa + 4000), src, 96), 0);
	KUNIT_EXPECT_EQ(test, memcmp(frame_va(test, gpa + SZ_4K), src + 96,
				     SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, memcmp(frame_va(test, gpa + SZ_8K),
				     src + 96 + SZ_4K, len - 96 - SZ_4K), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(frame_va(test, gpa), 4000, 0));

	/* Single bytes at page edges. */
	for (off = SZ_4K - 1; off <= SZ_8K; off++) {
		src[0] = off;
		KUNIT_ASSERT_EQ(test, axas_write(p->as, gpa + off, src, 1), 0);
		KUNIT_ASSERT_EQ(test, axas_read(p->as, gpa + off, dst, 1), 0);
		KUNIT_EXPECT_EQ(test, dst[0], (u8)off);
		if (off == SZ_4K)
			off = SZ_8K - 2;
	}
}

/* Linear maps of memory the test owns: across a 2 MiB leaf into a page. */
static void space_rw_linear_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 gpa = G2, at = G2 + SZ_2M - 100;
	const size_t len = 100 + SZ_4K;
	phys_addr_t big_pa, page_pa;
	u8 *big, *page, *src, *dst;

	big = axas_kt_host_alloc(test, p->th, 9, &big_pa);
	page = axas_kt_host_alloc(test, p->th, 0, &page_pa);
	src = kunit_kmalloc(test, len + 100, GFP_KERNEL);
	dst = kunit_kzalloc(test, len + 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, gpa, big_pa, SZ_2M, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, gpa + SZ_2M, page_pa,
					      SZ_4K, RW), 0);
	expect_map(test, at, big_pa + SZ_2M - 100, RW, SZ_2M);
	expect_map(test, gpa + SZ_2M, page_pa, RW, SZ_4K);

	fill(src, len, 5);
	KUNIT_ASSERT_EQ(test, axas_write(p->as, at, src, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(big + SZ_2M - 100, src, 100), 0);
	KUNIT_EXPECT_EQ(test, memcmp(page, src + 100, SZ_4K), 0);
	KUNIT_ASSERT_EQ(test, axas_read(p->as, at, dst, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(dst, src, len), 0);
	/* 100 more bytes would run beyond the mapped page. */
	KUNIT_EXPECT_EQ(test, axas_read(p->as, at, dst, len + 100), -EFAULT);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, at + 100, src, len), -EFAULT);
	KUNIT_EXPECT_EQ(test, memcmp(page, src + 100, SZ_4K), 0);
	expect_consistent(test);
}

/* Any unusable page makes the whole access fail, copying nothing. */
static void space_rw_fault_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 lazy = G1, dev = G1 + SZ_1M, fake = G1 + SZ_2M;
	phys_addr_t host_pa;
	u8 *host, *buf;

	buf = kunit_kmalloc(test, SZ_8K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	host = axas_kt_host_alloc(test, p->th, 0, &host_pa);

	/* Faulted page followed by a not-yet-faulted one. */
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, lazy, SZ_8K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_READ), 0);
	memset(buf, 0x77, SZ_8K);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, lazy + 10, buf, SZ_4K), -EFAULT);
	KUNIT_EXPECT_TRUE(test, all_bytes(frame_va(test, lazy), SZ_4K, 0));
	KUNIT_EXPECT_EQ(test, axas_read(p->as, lazy + 10, buf, SZ_4K), -EFAULT);
	KUNIT_EXPECT_TRUE(test, all_bytes(buf, SZ_8K, 0x77));
	expect_unmapped(test, lazy + SZ_4K);

	/* Unmapped. */
	KUNIT_EXPECT_EQ(test, axas_read(p->as, G3, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, G3, buf, 1), -EFAULT);

	/* Device memory, even when it is ordinary host memory. */
	memset(host, 0x11, SZ_4K);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, dev, host_pa, SZ_4K,
					      RW | AXAS_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, dev, buf, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, dev, buf, 8), -EFAULT);
	KUNIT_EXPECT_TRUE(test, all_bytes(host, SZ_4K, 0x11));

	/* A made-up host address (1 TiB) the HAL does not call memory. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, fake, 1ULL << 40, SZ_4K,
					      RW), 0);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, fake, buf, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, fake, buf, 8), -EFAULT);

	/* Outside the space, or wrapping around. */
	KUNIT_EXPECT_EQ(test, axas_read(p->as, p->top, buf, 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, p->top - 4, buf, 8), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, ~0ULL - 3, buf, 8), -ERANGE);
	KUNIT_EXPECT_TRUE(test, all_bytes(buf, SZ_8K, 0x77));
}

/* ---- argument errors ----------------------------------------------------------------- */

static void space_errors_test(struct kunit *test)
{
	struct space_priv *p = space_setup(test, G1, G1);
	u64 lin = G1 + SZ_1M, lazy = G1 + SZ_4M, ha = G1 + SZ_8M;
	const struct axas_kt_range around[] = {
		{ G1, G1 + SZ_16M, SZ_4K },
		{ G2 - SZ_16K, G2, SZ_4K },
	};
	struct axas_kt_snap *before, *after;
	struct axas_translation t;
	u64 len;
	u8 buf[8];

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, lin, G3, SZ_16K, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, lazy, SZ_16K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, ha, G3 + SZ_1M, SZ_8K, RW),
			0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, ha + SZ_16K, G3 + SZ_2M,
					      SZ_4K, RW), 0);
	before = axas_kt_snap_take(test, p->th, p->as, &p->root, around,
				   ARRAY_SIZE(around));

	/* -EINVAL: misalignment, zero size, flags. */
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M + 0x800, G3,
					      SZ_4K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M, G3 + 0x800,
					      SZ_4K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M, G3, 0x1800,
					      RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M, G3, 0, RW),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M, G3, SZ_4K,
					      RW | BIT(7)), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G2 - SZ_8M + 8, SZ_4K, RW,
					     true), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G2 - SZ_8M, 0, RW, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lin + 1, SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lin, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lin, SZ_4K + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, lin, 0, R), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, lin + SZ_2K, SZ_4K, R),
			-EINVAL);

	/* -ERANGE: below, beyond, across either end, wrapping. */
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G1 - SZ_4K, G3, SZ_4K, RW),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G1 - SZ_4K, G3, SZ_8K, RW),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_4K, G3, SZ_8K, RW),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2, G3, SZ_4K, RW), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, G2 - SZ_8M, G3, -G1, RW),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, -(u64)SZ_4K, G3, SZ_8K, RW),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G2 - SZ_4K, SZ_8K, RW, true),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, G1 + SZ_4K, -(u64)SZ_4K, RW,
					     false), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, G1 - SZ_4K, SZ_8K), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lin, -lin), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, G2, SZ_4K, R), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_translate(p->as, G1 - 1, &t), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_translate(p->as, G2, &t), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_translate_limit(p->as, G2, &len), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_read(p->as, G1 - 4, buf, 8), -ERANGE);
	KUNIT_EXPECT_EQ(test, axas_write(p->as, G2 - 4, buf, 8), -ERANGE);

	/* -EEXIST: exact, front, back, around, inside, and lazy areas. */
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, lin, G3, SZ_16K, RW),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, lin - SZ_4K, G3, SZ_8K, RW),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, lin + SZ_8K + SZ_4K, G3,
					      SZ_8K, RW), -EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, lin - SZ_4K, G3, SZ_1M, RW),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, lin + SZ_4K, SZ_4K, RW, true),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_linear(p->as, lazy + SZ_8K, G3, SZ_4K, RW),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, lazy - SZ_4K, SZ_8K, RW,
					     false), -EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, lazy + SZ_4K, SZ_2M, RW,
					     true), -EEXIST);

	/* -ENOENT: any hole in the range, or nothing there at all. */
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, ha, SZ_16K + SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, ha + SZ_4K, SZ_8K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lin, SZ_16K + SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, G2 - SZ_8M, SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, ha, SZ_16K + SZ_4K, R),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, lin - SZ_4K, SZ_8K, R),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, lazy, SZ_16K + SZ_4K, R),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, axas_translate(p->as, ha + SZ_8K, &t), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_translate_limit(p->as, lazy, &len), -ENOENT);

	after = axas_kt_snap_take(test, p->th, p->as, &p->root, around,
				  ARRAY_SIZE(around));
	axas_kt_snap_expect_same(test, before, after);
	expect_consistent(test);

	/* The lazy area is still whole: unmapping it works and frees nothing. */
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, lazy, SZ_16K), 0);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, lazy, AXAS_READ), -ENOENT);
}

/* ---- clear, TLB, default HAL, contexts ---------------------------------------------- */

static void space_clear_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	struct axas_stats st;
	u64 a;

	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G1, G3, G1, RWX), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G2, G3, SZ_2M + SZ_4K, RW),
			0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G2 + SZ_4M, SZ_16K, RW, true),
			0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G2 + SZ_8M, SZ_16K, RW,
					     false), 0);
	KUNIT_ASSERT_EQ(test, axas_handle_fault(p->as, G2 + SZ_8M, AXAS_READ), 0);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, G1 + SZ_2M, SZ_4K, R), 0);
	expect_consistent(test);

	axas_clear(p->as);
	get_stats(test, &st);
	KUNIT_EXPECT_EQ(test, st.mapped[0] + st.mapped[1] + st.mapped[2], 0);
	KUNIT_EXPECT_EQ(test, st.data_pages, 0);
	KUNIT_EXPECT_EQ(test, st.table_pages, p->root.root_pages);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->th->live_pages),
			p->root.root_pages);
	for (a = G1; a < G3; a += SZ_2M)
		if (!expect_unmapped(test, a))
			break;
	expect_unmapped(test, G2 + SZ_8M + SZ_4K);
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, G2 + SZ_8M + SZ_4K,
						AXAS_READ), -ENOENT);
	expect_consistent(test);

	/* The space is as good as new. */
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G1, G3, G1, RWX), 0);
	expect_map(test, G1 + 5, G3 + 5, RWX, axas_kt_cfg_max_leaf(p->cfg));
	axas_clear(p->as);
	axas_clear(p->as);
	expect_consistent(test);
	axas_space_destroy(NULL);
}

static u64 flushes(struct kunit *test)
{
	struct axas_stats st;

	get_stats(test, &st);
	return st.tlb_flushes;
}

/* One invalidation per shrinking operation, however many pages. */
static void space_tlb_batch_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	u64 f;

	f = flushes(test);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G1, G3, 64 * SZ_4K,
					      RW | AXAS_MAP_NOBLOCK), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G2, G3, SZ_8M, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G2 + SZ_16M, SZ_16K, RW,
					     true), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G2 + SZ_32M, SZ_16K, RW,
					     false), 0);
	KUNIT_ASSERT_EQ(test, axas_handle_fault(p->as, G2 + SZ_32M, AXAS_WRITE),
			0);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f, "growing operations flushed");

	f = flushes(test);
	KUNIT_ASSERT_EQ(test, axas_protect(p->as, G1, 64 * SZ_4K, R), 0);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f + 1, "protect of 64 pages");

	f = flushes(test);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G1, 64 * SZ_4K), 0);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f + 1, "unmap of 64 pages");

	f = flushes(test);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G2, SZ_8M), 0);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f + 1, "unmap of 4 blocks");

	f = flushes(test);
	KUNIT_EXPECT_EQ(test, axas_unmap(p->as, G2, SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, axas_protect(p->as, G2, SZ_4K, R), -ENOENT);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f, "failed operations flushed");

	f = flushes(test);
	KUNIT_ASSERT_EQ(test, axas_unmap(p->as, G2 + SZ_16M, SZ_16K), 0);
	KUNIT_EXPECT_EQ_MSG(test, flushes(test), f + 1, "unmap of 4 frames");
	expect_consistent(test);
}

/* The default HAL (page allocator) works end to end. */
static void space_default_hal_test(struct kunit *test)
{
	struct space_priv *p = test->priv;
	struct axas_translation t;
	struct axas_kt_root root;
	struct axas_kt_walk w;
	struct axas_space *as;
	u8 buf[32], out[32];

	as = axas_kt_space_create(test, NULL, p->cfg, 0, p->top, 0);
	axas_kt_root_of(test, as, p->cfg->format, &root);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(as, G1 - SZ_4K, SZ_8K, RW, true), 0);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(as, G2, SZ_8K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_handle_fault(as, G2 + SZ_4K, AXAS_WRITE), 0);

	fill(buf, sizeof(buf), 4);
	KUNIT_EXPECT_EQ(test, axas_write(as, G1 - 16, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, axas_read(as, G1 - 16, out, sizeof(out)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, out, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, axas_read(as, G2 + SZ_4K, out, sizeof(out)), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(out, sizeof(out), 0));
	KUNIT_EXPECT_EQ(test, axas_read(as, G2, out, sizeof(out)), -EFAULT);

	KUNIT_ASSERT_EQ(test, axas_translate(as, G1, &t), 0);
	axas_kt_walk(&axas_default_hal, &root, G1, &w);
	KUNIT_EXPECT_EQ(test, w.status, AXAS_KT_LEAF);
	KUNIT_EXPECT_EQ(test, w.hpa, t.hpa);
	KUNIT_EXPECT_EQ(test, w.prot, RW);
	KUNIT_EXPECT_EQ(test, axas_unmap(as, G1 - SZ_4K, SZ_8K), 0);
	KUNIT_EXPECT_EQ(test, axas_translate(as, G1, &t), -ENOENT);
}

/* Lookups and copies work with interrupts or preemption off. */
static void space_atomic_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	struct axas_translation t = {};
	struct axas_stats st;
	int r1, r2, r3, r4;
	unsigned long flags;
	u64 len = 0;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G1, SZ_8K, RW, true), 0);
	fill(buf, sizeof(buf), 8);

	local_irq_save(flags);
	r1 = axas_translate(p->as, G1 + 3, &t);
	r2 = axas_translate_limit(p->as, G1, &len);
	r3 = axas_write(p->as, G1 + SZ_4K - 8, buf, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	r4 = axas_read(p->as, G1 + SZ_4K - 8, buf, sizeof(buf));
	axas_get_stats(p->as, &st);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, r1, 0);
	KUNIT_EXPECT_EQ(test, t.flags, RW);

	preempt_disable();
	r1 = axas_translate(p->as, G1 + SZ_4K, &t);
	r2 = axas_read(p->as, G1 + SZ_4K - 8, buf, sizeof(buf));
	preempt_enable();
	KUNIT_EXPECT_EQ(test, r1, 0);
	KUNIT_EXPECT_EQ(test, r2, 0);
	KUNIT_EXPECT_EQ(test, buf[0], 8);
	KUNIT_EXPECT_EQ(test, r2, 0);
	KUNIT_EXPECT_GE(test, len, SZ_4K);
	KUNIT_EXPECT_EQ(test, r3, 0);
	KUNIT_EXPECT_EQ(test, r4, 0);
	KUNIT_EXPECT_EQ(test, buf[15], (u8)(8 + 15 * 7));
	KUNIT_EXPECT_EQ(test, st.data_pages, 2);
}

/*
 * The test hook behind guest tests of a wrong entry: leaves a fault
 * installs lack the bit the hardware needs (the reference walk, written
 * from the manuals, says an access faults), while the software view and
 * every other leaf stay right (G-stage U, Stage-2 AF, NPT U/S, EPT R: a
 * writable leaf without R is a misconfiguration).
 */
static void space_wrong_leaf_test(struct kunit *test)
{
	struct space_priv *p = test->priv;
	struct axas_kt_walk w;
	phys_addr_t hpa;

	p->as = axas_kt_space_create(test, p->th, p->cfg, 0, p->top,
				     AXAS_CFG_TEST_WRONG_LEAF);
	axas_kt_root_of(test, p->as, p->cfg->format, &p->root);
	axas_kt_host_alloc(test, p->th, 0, &hpa);

	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, G1, SZ_8K, RW, false), 0);
	KUNIT_ASSERT_EQ(test, axas_map_linear(p->as, G2, hpa, SZ_4K, RW), 0);
	KUNIT_ASSERT_EQ(test, axas_handle_fault(p->as, G1, AXAS_WRITE), 0);

	/* Software sees the page mapped; the manual says it faults. */
	hpa_of(test, G1);
	axas_kt_walk(&p->th->hal, &p->root, G1, &w);
	KUNIT_EXPECT_EQ_MSG(test, w.status, AXAS_KT_BAD,
			    "the faulted leaf %#llx is one the hardware takes",
			    w.pte);
	/* A second fault is spurious: the same wrong leaf stays. */
	KUNIT_EXPECT_EQ(test, axas_handle_fault(p->as, G1, AXAS_READ), 0);
	axas_kt_walk(&p->th->hal, &p->root, G1, &w);
	KUNIT_EXPECT_EQ(test, w.status, AXAS_KT_BAD);

	/* Leaves not made by a fault are right. */
	expect_map(test, G2, hpa, RW, SZ_4K);
	expect_unmapped(test, G1 + SZ_4K);
}

/*
 * Many small areas made in a shuffled order, then cut by protect and
 * unmap: the fault on every page must give what a flat model of the
 * areas says (the area index is a search tree, rebalanced as they come).
 */
#define MANY_AREAS	1000
#define MANY_PAGES	(3 * MANY_AREAS)	/* 2 mapped, 1 gap each */

enum { MANY_NONE, MANY_RO, MANY_RW };

static void many_expect(struct kunit *test, const u8 *model, u64 base,
			const char *when)
{
	struct space_priv *p = test->priv;
	unsigned int i;

	for (i = 0; i < MANY_PAGES; i++) {
		int want = model[i] == MANY_NONE ? -ENOENT :
			   model[i] == MANY_RO ? -EACCES : 0;
		int got = axas_handle_fault(p->as, base + i * SZ_4K, AXAS_WRITE);

		if (got != want) {
			KUNIT_FAIL(test, "%s: page %u: fault %d, want %d", when,
				   i, got, want);
			return;
		}
	}
}

static void space_many_areas_test(struct kunit *test)
{
	struct space_priv *p = space_setup_full(test);
	const u64 base = 4 * SZ_2M;
	unsigned int *order, i, j, a;
	u32 rnd = 12345;
	u8 *model;

	order = kunit_kcalloc(test, MANY_AREAS, sizeof(*order), GFP_KERNEL);
	model = kunit_kzalloc(test, MANY_PAGES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, order);
	KUNIT_ASSERT_NOT_NULL(test, model);
	for (i = 0; i < MANY_AREAS; i++)
		order[i] = i;
	for (i = MANY_AREAS - 1; i > 0; i--) {
		rnd = rnd * 1103515245 + 12345;
		j = (rnd >> 8) % (i + 1);
		swap(order[i], order[j]);
	}
	for (i = 0; i < MANY_AREAS; i++) {
		a = order[i];
		KUNIT_ASSERT_EQ_MSG(test, axas_map_alloc(p->as, base + a * 3 * SZ_4K,
							 SZ_8K, RW, false), 0,
				    "area %u", a);
		model[3 * a] = MANY_RW;
		model[3 * a + 1] = MANY_RW;
	}
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, base + SZ_4K, SZ_8K,
					     AXAS_READ, false), -EEXIST);
	KUNIT_EXPECT_EQ(test, axas_map_alloc(p->as, base + SZ_8K, SZ_8K,
					     AXAS_READ, false), -EEXIST);
	many_expect(test, model, base, "made");

	/* Every 5th: second page read-only; 7th: first page gone; 11th: all. */
	for (i = 0; i < MANY_AREAS; i++) {
		u64 gpa;

		a = order[i];
		gpa = base + a * 3 * SZ_4K;
		if (!(a % 5)) {
			KUNIT_ASSERT_EQ(test, axas_protect(p->as, gpa + SZ_4K,
							   SZ_4K, AXAS_READ), 0);
			model[3 * a + 1] = MANY_RO;
		}
		if (!(a % 7)) {
			KUNIT_ASSERT_EQ(test, axas_unmap(p->as, gpa, SZ_4K), 0);
			model[3 * a] = MANY_NONE;
		}
		if (!(a % 11)) {
			bool first = model[3 * a] != MANY_NONE;

			KUNIT_ASSERT_EQ(test, axas_unmap(p->as, first ? gpa :
							 gpa + SZ_4K,
							 first ? SZ_8K : SZ_4K),
					0);
			model[3 * a] = MANY_NONE;
			model[3 * a + 1] = MANY_NONE;
		}
	}
	many_expect(test, model, base, "split");
	KUNIT_ASSERT_EQ(test, axas_map_alloc(p->as, base + SZ_8K, SZ_4K, RW,
					     false), 0);
	model[2] = MANY_RW;
	many_expect(test, model, base, "gap filled");
	expect_consistent(test);
}

static struct kunit_case space_test_cases[] = {
	KUNIT_CASE_PARAM(space_many_areas_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_linear_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_largest_leaf_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_alloc_eager_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_alloc_lazy_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_fault_errors_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_pages_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_pages_cut_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_map_pages_errors_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_unmap_cut_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_unmap_alloc_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_unmap_nested_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_protect_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_protect_kinds_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_translate_limit_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_rw_pages_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_rw_linear_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_rw_fault_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_errors_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_clear_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_tlb_batch_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_default_hal_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_atomic_test, axas_kt_cfg_params),
	KUNIT_CASE_PARAM(space_wrong_leaf_test, axas_kt_cfg_params),
	{}
};

static struct kunit_suite space_test_suite = {
	.name = "axaddrspace_space",
	.init = space_test_init,
	.test_cases = space_test_cases,
};

kunit_test_suites(&space_test_suite);
