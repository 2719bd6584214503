// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: randomized model checking. A seeded, reproducible sequence of
 * map_linear, map_pages, map_alloc (eager and lazy), unmap, protect, fault,
 * read and write runs against a space and against a flat model of two windows:
 *
 *  A: 4 MiB of 4 KiB pages around a 2 MiB boundary (every operation, data
 *     compared with a shadow copy);
 *  B: the top 1 GiB of the address width in 2 MiB units (linear maps only,
 *     so that 1 GiB and 2 MiB blocks are made, cut and protected, with
 *     4 KiB leaves below them now and then).
 *
 * After every operation the return value must be the model's, the pages it
 * touched (and their neighbours) must translate and walk as the model says,
 * and the stats and the whole tree must agree; every few operations the
 * whole window, the frame contents and translate_limit are checked too.
 *
 * Reproduce a failure with the seed it prints:
 *	kunit.py run --kernel_args axaddrspace.model_seed=<seed> 'axaddrspace_model*'
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/test.h>

#include "refdec.h"

static unsigned long long model_seed;
module_param(model_seed, ullong, 0444);
MODULE_PARM_DESC(model_seed, "seed of the axaddrspace_model KUnit suite (0: per configuration)");

static unsigned int model_ops = 200;
module_param(model_ops, uint, 0444);
MODULE_PARM_DESC(model_ops, "operations per configuration in the axaddrspace_model KUnit suite");

#define MA_PAGES	1024	/* window A: 4 MiB of 4 KiB pages */
#define MB_UNITS	512	/* window B: 1 GiB of 2 MiB units */
#define FULL_EVERY	16	/* operations between full checks */
#define LOG_DEPTH	8	/* operations remembered for a failure report */
#define RW_MAX		(3 * SZ_4K)

enum model_kind {
	M_NONE,		/* nothing mapped */
	M_LINEAR,	/* linear or pages map of made-up host memory */
	M_LAZY,		/* map_alloc page not faulted yet */
	M_ALLOC,	/* map_alloc page with a frame */
};

/**
 * struct model_unit - what the model says about one page or 2 MiB unit
 * @kind: &enum model_kind.
 * @prot: AXAS_READ/WRITE/EXEC, and AXAS_DEVICE for linear maps.
 * @hpa: host address (linear), or the frame once seen (0: not yet).
 */
struct model_unit {
	u8 kind;
	u8 prot;
	phys_addr_t hpa;
};

/**
 * struct model_win - one window of the model
 * @base: first guest address.
 * @unit: bytes per unit.
 * @n: units.
 * @u: the units.
 */
struct model_win {
	u64 base;
	u64 unit;
	unsigned int n;
	struct model_unit *u;
};

/**
 * struct model - the state of one run
 * @test: the test.
 * @th: test HAL.
 * @as: the space.
 * @root: its decoded registers.
 * @rng: the random sequence.
 * @seed: its seed.
 * @w: windows A and B.
 * @shadow: expected contents of the frames of window A.
 * @buf: scratch for reads and writes.
 * @hpas: scratch for the duplicate-frame check.
 * @faults: faults that must have installed a frame.
 * @spurious: faults that must have found the page present.
 * @op: number of the current operation.
 * @log: the last operations, for a failure report.
 */
struct model {
	struct kunit *test;
	struct axas_kt_hal *th;
	struct axas_space *as;
	struct axas_kt_root root;
	struct axas_kt_rng rng;
	u64 seed;
	struct model_win w[2];
	u8 *shadow;
	u8 *buf;
	phys_addr_t *hpas;
	u64 faults;
	u64 spurious;
	unsigned int op;
	char log[LOG_DEPTH][112];
};

KUNIT_DEFINE_ACTION_WRAPPER(model_vfree, vfree, const void *);

static u32 rnd(struct model *m, u32 n)
{
	return axas_kt_rng_below(&m->rng, n);
}

static void model_log(struct model *m, const char *fmt, ...) __printf(2, 3);

static void model_log(struct model *m, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(m->log[m->op % LOG_DEPTH], sizeof(m->log[0]), fmt, args);
	va_end(args);
}

static void model_report(struct model *m)
{
	unsigned int op = m->op >= LOG_DEPTH ? m->op - (LOG_DEPTH - 1) : 0;

	kunit_info(m->test, "seed %#llx failed at operation %u; the last ones:",
		   m->seed, m->op);
	for (; op <= m->op; op++)
		kunit_info(m->test, "  %u: %s", op, m->log[op % LOG_DEPTH]);
}

static u32 random_prot(struct model *m)
{
	static const u32 prots[] = {
		AXAS_READ,
		AXAS_READ | AXAS_WRITE,
		AXAS_READ | AXAS_EXEC,
		AXAS_READ | AXAS_WRITE | AXAS_EXEC,
	};

	return prots[rnd(m, ARRAY_SIZE(prots))];
}

/* ---- checks ------------------------------------------------------------------ */

static bool present(const struct model_unit *u)
{
	return u->kind == M_LINEAR || u->kind == M_ALLOC;
}

static bool check_unit(struct model *m, struct model_win *w, unsigned int i)
{
	struct model_unit *u = &w->u[i];
	u64 gpa = w->base + i * w->unit, last = gpa + w->unit - 1;
	struct axas_translation t;
	int ret;

	switch (u->kind) {
	case M_NONE:
	case M_LAZY:
		return axas_kt_expect_map(m->test, m->th, m->as, &m->root, gpa,
					  AXAS_KT_UNMAPPED, 0, 0) &&
		       axas_kt_expect_map(m->test, m->th, m->as, &m->root,
					  last & PAGE_MASK, AXAS_KT_UNMAPPED,
					  0, 0);
	case M_LINEAR:
		return axas_kt_expect_map(m->test, m->th, m->as, &m->root, gpa,
					  u->hpa, u->prot, 0) &&
		       axas_kt_expect_map(m->test, m->th, m->as, &m->root, last,
					  u->hpa + w->unit - 1, u->prot, 0);
	default:
		ret = axas_translate(m->as, gpa, &t);
		if (ret) {
			KUNIT_FAIL(m->test, "gpa %#llx: allocated page not mapped (%d)",
				   gpa, ret);
			return false;
		}
		if (!u->hpa) {
			if (!m->th->hal.ops->phys_to_virt(m->th->hal.priv, t.hpa)) {
				KUNIT_FAIL(m->test, "gpa %#llx: frame %pa not from the HAL",
					   gpa, &t.hpa);
				return false;
			}
			u->hpa = t.hpa;
		}
		return axas_kt_expect_map(m->test, m->th, m->as, &m->root,
					  last, u->hpa + w->unit - 1, u->prot,
					  SZ_4K);
	}
}

static bool check_units(struct model *m, struct model_win *w, int from, int to)
{
	int i;

	for (i = max(from, 0); i < min_t(int, to, w->n); i++)
		if (!check_unit(m, w, i))
			return false;
	return true;
}

static bool check_stats(struct model *m)
{
	struct kunit *test = m->test;
	u64 data = 0, bytes = 0;
	struct axas_stats st;
	unsigned int wi, i;

	for (wi = 0; wi < 2; wi++) {
		for (i = 0; i < m->w[wi].n; i++) {
			if (present(&m->w[wi].u[i]))
				bytes += m->w[wi].unit;
			if (m->w[wi].u[i].kind == M_ALLOC)
				data++;
		}
	}
	axas_get_stats(m->as, &st);
	if (st.data_pages != data || st.faults != m->faults ||
	    st.spurious_faults != m->spurious ||
	    st.mapped[0] + st.mapped[1] + st.mapped[2] != bytes) {
		KUNIT_FAIL(test,
			   "stats: data %llu faults %llu spurious %llu mapped %#llx; model: %llu %llu %llu %#llx",
			   st.data_pages, st.faults, st.spurious_faults,
			   st.mapped[0] + st.mapped[1] + st.mapped[2], data,
			   m->faults, m->spurious, bytes);
		return false;
	}
	return axas_kt_expect_consistent(test, m->th, m->as, &m->root);
}

static int cmp_hpa(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* Bytes translate_limit must report from @gpa in window @w. */
static u64 model_limit(struct model *m, struct model_win *w, u64 gpa)
{
	unsigned int i = (gpa - w->base) / w->unit, j;
	struct model_unit *u = &w->u[i];

	for (j = i + 1; j < w->n; j++) {
		if (!present(&w->u[j]) || w->u[j].prot != u->prot ||
		    w->u[j].hpa != u->hpa + (j - i) * w->unit)
			break;
	}
	return w->base + j * w->unit - gpa;
}

static bool check_full(struct model *m)
{
	struct kunit *test = m->test;
	struct model_win *w;
	unsigned int i, n = 0, k;
	u64 gpa, len, want;
	u8 *va;
	int ret;

	if (!check_units(m, &m->w[0], 0, MA_PAGES) ||
	    !check_units(m, &m->w[1], 0, MB_UNITS))
		return false;

	/* Frames: distinct, and holding what was written. */
	w = &m->w[0];
	for (i = 0; i < MA_PAGES; i++) {
		if (w->u[i].kind != M_ALLOC)
			continue;
		m->hpas[n++] = w->u[i].hpa;
		va = m->th->hal.ops->phys_to_virt(m->th->hal.priv, w->u[i].hpa);
		if (!va || memcmp(va, m->shadow + i * SZ_4K, SZ_4K)) {
			KUNIT_FAIL(test, "gpa %#llx: frame content differs from what was written",
				   w->base + i * SZ_4K);
			return false;
		}
	}
	sort(m->hpas, n, sizeof(*m->hpas), cmp_hpa, NULL);
	for (i = 1; i < n; i++) {
		if (m->hpas[i] == m->hpas[i - 1]) {
			KUNIT_FAIL(test, "frame %pa mapped twice", &m->hpas[i]);
			return false;
		}
	}

	/* translate_limit from a few present places. */
	for (k = 0; k < 12; k++) {
		w = &m->w[k & 1];
		i = rnd(m, w->n);
		if (!present(&w->u[i]))
			continue;
		gpa = w->base + i * w->unit + (rnd(m, w->unit) & ~7ULL);
		want = model_limit(m, w, gpa);
		ret = axas_translate_limit(m->as, gpa, &len);
		if (ret || len != want) {
			KUNIT_FAIL(test, "translate_limit(%#llx): %d, %#llx; model %#llx",
				   gpa, ret, len, want);
			return false;
		}
	}
	return true;
}

/* ---- operations ----------------------------------------------------------------- */

static void pick_range(struct model *m, struct model_win *w,
		       unsigned int *start, unsigned int *len)
{
	u32 k = rnd(m, 10);

	if (k < 6) {
		*len = 1 + rnd(m, 8);
	} else if (k < 8) {
		*len = 1 + rnd(m, w->n == MA_PAGES ? 600 : 64);
	} else {
		/* Exactly one 2 MiB block in A; the whole 1 GiB in B. */
		*len = MB_UNITS;
		*start = w->n == MA_PAGES ? rnd(m, 2) * MB_UNITS : 0;
		return;
	}
	*start = rnd(m, w->n - *len + 1);
}

/* Count the units in [start, start + len) that are (not) mapped. */
static unsigned int count_none(struct model_win *w, unsigned int start,
			       unsigned int len)
{
	unsigned int i, n = 0;

	for (i = start; i < start + len; i++)
		n += w->u[i].kind == M_NONE;
	return n;
}

static int op_map_linear(struct model *m, struct model_win *w,
			 unsigned int start, unsigned int len)
{
	u64 gpa = w->base + start * w->unit, size = len * w->unit;
	u32 prot = random_prot(m), flags = prot;
	phys_addr_t hpa;
	unsigned int i;
	int want, ret;

	if (w->unit == SZ_4K) {
		if (!rnd(m, 4))
			prot |= AXAS_DEVICE;
		flags = prot | (rnd(m, 4) ? 0 : AXAS_MAP_NOBLOCK);
		hpa = 0x100000000ULL + rnd(m, 1024) * (u64)SZ_2M;
		hpa += rnd(m, 2) ? (gpa & (SZ_2M - 1)) : rnd(m, 512) * SZ_4K;
	} else if (len == MB_UNITS) {
		hpa = 0x4000000000ULL + rnd(m, 16) * (u64)SZ_1G;
	} else {
		hpa = 0x200000000ULL + rnd(m, 1024) * (u64)SZ_2M;
		/* Now and then 4 KiB leaves under the 1 GiB window too. */
		if (len <= 8 && !rnd(m, 4))
			hpa += SZ_4K;
	}
	model_log(m, "map_linear(%#llx, %pa, %#llx, %#x)", gpa, &hpa, size,
		  flags);
	want = count_none(w, start, len) == len ? 0 : -EEXIST;
	ret = axas_map_linear(m->as, gpa, hpa, size, flags);
	if (!ret && !want) {
		for (i = 0; i < len; i++) {
			w->u[start + i].kind = M_LINEAR;
			w->u[start + i].prot = prot;
			w->u[start + i].hpa = hpa + i * w->unit;
		}
	}
	return ret == want ? 0 : ret;
}

/*
 * map_pages of made-up frames: each unit contiguous from its own place
 * (2 MiB aligned in window B, so mostly 2 MiB leaves there; now and then
 * 4 KiB off, which takes 4 KiB leaves), the units scattered.
 */
static int op_map_pages(struct model *m, struct model_win *w,
			unsigned int start, unsigned int len)
{
	u64 gpa = w->base + start * w->unit, size = len * w->unit;
	unsigned long nr = size / SZ_4K, per = w->unit / SZ_4K, k;
	u32 prot = random_prot(m), flags = prot;
	phys_addr_t *pas, hpa;
	unsigned int i;
	int want, ret;

	if (!rnd(m, 4))
		flags |= AXAS_MAP_NOBLOCK;
	pas = kvmalloc_array(nr, sizeof(*pas), GFP_KERNEL);
	if (!pas) {
		KUNIT_FAIL(m->test, "no memory for %lu frame addresses", nr);
		return -EIO;
	}
	for (i = 0; i < len; i++) {
		hpa = 0x300000000ULL + rnd(m, 4096) * (u64)w->unit;
		if (w->unit == SZ_2M && !rnd(m, 4))
			hpa += SZ_4K;
		for (k = 0; k < per; k++)
			pas[i * per + k] = hpa + k * SZ_4K;
	}
	model_log(m, "map_pages(%#llx, %lu pages, %#x)", gpa, nr, flags);
	want = count_none(w, start, len) == len ? 0 : -EEXIST;
	ret = axas_map_pages(m->as, gpa, pas, nr, flags);
	if (!ret && !want) {
		for (i = 0; i < len; i++) {
			w->u[start + i].kind = M_LINEAR;
			w->u[start + i].prot = prot;
			w->u[start + i].hpa = pas[i * per];
		}
	}
	kvfree(pas);
	return ret == want ? 0 : ret;
}

static int op_map_alloc(struct model *m, struct model_win *w,
			unsigned int start, unsigned int len)
{
	u64 gpa = w->base + start * SZ_4K, size = len * SZ_4K;
	bool populate = rnd(m, 2);
	u32 prot = random_prot(m);
	unsigned int i;
	int want, ret;

	model_log(m, "map_alloc(%#llx, %#llx, %#x, %s)", gpa, size, prot,
		  populate ? "eager" : "lazy");
	want = count_none(w, start, len) == len ? 0 : -EEXIST;
	ret = axas_map_alloc(m->as, gpa, size, prot, populate);
	if (!ret && !want) {
		for (i = start; i < start + len; i++) {
			w->u[i].kind = populate ? M_ALLOC : M_LAZY;
			w->u[i].prot = prot;
			w->u[i].hpa = 0;
			memset(m->shadow + i * SZ_4K, 0, SZ_4K);
		}
	}
	return ret == want ? 0 : ret;
}

static int op_unmap(struct model *m, struct model_win *w, unsigned int start,
		    unsigned int len)
{
	u64 gpa = w->base + start * w->unit, size = len * w->unit;
	unsigned int i;
	int want, ret;

	model_log(m, "unmap(%#llx, %#llx)", gpa, size);
	want = count_none(w, start, len) ? -ENOENT : 0;
	ret = axas_unmap(m->as, gpa, size);
	if (!ret && !want) {
		for (i = start; i < start + len; i++) {
			w->u[i].kind = M_NONE;
			w->u[i].hpa = 0;
		}
	}
	return ret == want ? 0 : ret;
}

static int op_protect(struct model *m, struct model_win *w, unsigned int start,
		      unsigned int len)
{
	u64 gpa = w->base + start * w->unit, size = len * w->unit;
	u32 prot = random_prot(m);
	unsigned int i;
	int want, ret;

	model_log(m, "protect(%#llx, %#llx, %#x)", gpa, size, prot);
	want = count_none(w, start, len) ? -ENOENT : 0;
	ret = axas_protect(m->as, gpa, size, prot);
	if (!ret && !want)
		for (i = start; i < start + len; i++)
			w->u[i].prot = (w->u[i].prot & AXAS_DEVICE) | prot;
	return ret == want ? 0 : ret;
}

static int op_fault(struct model *m, struct model_win *w, unsigned int i)
{
	u64 gpa = w->base + i * w->unit + (rnd(m, w->unit) & PAGE_MASK);
	u32 access = 1 + rnd(m, 7);
	struct model_unit *u = &w->u[i];
	int want, ret;

	model_log(m, "fault(%#llx, %#x)", gpa, access);
	if (u->kind == M_NONE)
		want = -ENOENT;
	else if ((u->prot & access) != access)
		want = -EACCES;
	else
		want = 0;
	ret = axas_handle_fault(m->as, gpa, access);
	if (!ret && !want) {
		if (u->kind == M_LAZY) {
			u->kind = M_ALLOC;
			u->hpa = 0;
			m->faults++;
		} else {
			m->spurious++;
		}
	}
	return ret == want ? 0 : ret;
}

static int op_rw(struct model *m, bool write)
{
	struct model_win *w = &m->w[0];
	size_t len = 1 + rnd(m, RW_MAX);
	u64 off = rnd(m, MA_PAGES * SZ_4K - len + 1), gpa = w->base + off;
	unsigned int i, first = off / SZ_4K, last = (off + len - 1) / SZ_4K;
	int want = 0, ret;

	model_log(m, "%s(%#llx, %zu)", write ? "write" : "read", gpa, len);
	for (i = first; i <= last; i++)
		if (w->u[i].kind != M_ALLOC)
			want = -EFAULT;
	if (write) {
		for (i = 0; i < len; i++)
			m->buf[i] = axas_kt_rng_next(&m->rng);
		ret = axas_write(m->as, gpa, m->buf, len);
		if (!ret && !want)
			memcpy(m->shadow + off, m->buf, len);
	} else {
		memset(m->buf, 0x5a, len);
		ret = axas_read(m->as, gpa, m->buf, len);
		if (ret != want)
			return ret;
		if (!want && memcmp(m->buf, m->shadow + off, len)) {
			KUNIT_FAIL(m->test, "read(%#llx, %zu): wrong data", gpa, len);
			return -EIO;
		}
		if (want && memchr_inv(m->buf, 0x5a, len)) {
			KUNIT_FAIL(m->test, "failed read(%#llx, %zu) copied data",
				   gpa, len);
			return -EIO;
		}
	}
	return ret == want ? 0 : ret;
}

/* One random operation; checks its result and what it touched. */
static bool model_step(struct model *m)
{
	struct model_win *w = &m->w[rnd(m, 4) ? 0 : 1];
	unsigned int start = 0, len = 1, kind = rnd(m, 100);
	int ret;

	if (kind < 13) {
		pick_range(m, w, &start, &len);
		ret = op_map_linear(m, w, start, len);
	} else if (kind < 20) {
		pick_range(m, w, &start, &len);
		ret = op_map_pages(m, w, start, len);
	} else if (kind < 35) {
		w = &m->w[0];
		pick_range(m, w, &start, &len);
		ret = op_map_alloc(m, w, start, len);
	} else if (kind < 50) {
		pick_range(m, w, &start, &len);
		ret = op_unmap(m, w, start, len);
	} else if (kind < 65) {
		pick_range(m, w, &start, &len);
		ret = op_protect(m, w, start, len);
	} else if (kind < 80) {
		start = rnd(m, w->n);
		ret = op_fault(m, w, start);
	} else {
		w = &m->w[0];
		ret = op_rw(m, kind < 90);
		len = 0;
	}
	if (ret) {
		if (ret != -EIO)
			KUNIT_FAIL(m->test, "%s returned %d, the model says otherwise",
				   m->log[m->op % LOG_DEPTH], ret);
		return false;
	}
	return (!len || check_units(m, w, (int)start - 1, start + len + 1)) &&
	       check_stats(m);
}

/* Unmap every run the model has, which must leave just the root. */
static bool model_drain(struct model *m)
{
	struct axas_stats st;
	unsigned int wi, i, j;
	struct model_win *w;

	for (wi = 0; wi < 2; wi++) {
		w = &m->w[wi];
		for (i = 0; i < w->n; i = j) {
			for (j = i; j < w->n && w->u[j].kind != M_NONE; j++)
				;
			if (j > i && op_unmap(m, w, i, j - i))
				return false;
			if (j == i)
				j++;
		}
	}
	axas_get_stats(m->as, &st);
	KUNIT_EXPECT_EQ(m->test, st.table_pages, m->root.root_pages);
	KUNIT_EXPECT_EQ(m->test, st.data_pages, 0);
	return check_stats(m);
}

static void model_test(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	u64 top = 1ULL << cfg->ia_bits;
	struct model *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->test = test;
	m->th = axas_kt_hal_create(test);
	m->w[0].base = top - SZ_2G - SZ_2M;
	m->w[0].unit = SZ_4K;
	m->w[0].n = MA_PAGES;
	m->w[0].u = kunit_kcalloc(test, MA_PAGES, sizeof(*m->w[0].u), GFP_KERNEL);
	m->w[1].base = top - SZ_1G;
	m->w[1].unit = SZ_2M;
	m->w[1].n = MB_UNITS;
	m->w[1].u = kunit_kcalloc(test, MB_UNITS, sizeof(*m->w[1].u), GFP_KERNEL);
	m->buf = kunit_kmalloc(test, RW_MAX, GFP_KERNEL);
	m->hpas = kunit_kcalloc(test, MA_PAGES, sizeof(*m->hpas), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->w[0].u);
	KUNIT_ASSERT_NOT_NULL(test, m->w[1].u);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	KUNIT_ASSERT_NOT_NULL(test, m->hpas);
	m->shadow = vzalloc(MA_PAGES * SZ_4K);
	KUNIT_ASSERT_NOT_NULL(test, m->shadow);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, model_vfree,
							   m->shadow));

	m->seed = model_seed ?: 0x5eed000000000000ULL |
			       (u64)cfg->format << 8 | cfg->ia_bits;
	axas_kt_rng_seed(&m->rng, m->seed);
	kunit_info(test, "seed %#llx, %u operations", m->seed, model_ops);

	m->as = axas_kt_space_create(test, m->th, cfg, 0, top, 0);
	axas_kt_root_of(test, m->as, cfg->format, &m->root);

	for (m->op = 0; m->op < model_ops; m->op++) {
		if (!model_step(m) ||
		    (m->op % FULL_EVERY == FULL_EVERY - 1 && !check_full(m))) {
			model_report(m);
			return;
		}
	}
	if (!check_full(m) || !model_drain(m))
		model_report(m);
}

static struct kunit_case model_test_cases[] = {
	KUNIT_CASE_PARAM_ATTR(model_test, axas_kt_cfg_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite model_test_suite = {
	.name = "axaddrspace_model",
	.test_cases = model_test_cases,
};

kunit_test_suites(&model_test_suite);
