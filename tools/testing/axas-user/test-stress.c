// SPDX-License-Identifier: GPL-2.0
/*
 * Threads on one space (suite "stress"): writers map, unmap, protect and
 * fault in regions of their own and check their region after each step;
 * faulters race on the same lazy pages; readers translate and read
 * anywhere meanwhile, checking what they see is one of the states a
 * writer could have published. The sanitizers watch for use after free
 * and the HAL for double frees; at the end nothing may be left over.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "test.h"

#define S_WRITERS	2
#define S_READERS	2
#define S_FAULTERS	3
#define S_REGION	(16ULL << 20)
#define S_PAGES		(S_REGION / M_PAGE)
#define S_DELTA		BIT_ULL(40)	/* linear hpa = gpa + S_DELTA */

struct stress {
	struct axas_space *as;
	struct axas_uhal *uh;
	u64 base;		/* region i at base + i * S_REGION */
	int stop;		/* both accessed with __atomic */
	int bad;
	unsigned int ops;
};

struct writer {
	struct stress *st;
	unsigned int id;
	u64 rng;
	u8 state[S_PAGES];	/* 0 free, 1 linear, 2 lazy, 3 present */
};

static u64 s_rand(u64 *r)
{
	u64 z = (*r += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int s_get(int *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void s_bad(struct stress *st, const char *what, u64 gpa, int ret)
{
	if (!__atomic_exchange_n(&st->bad, 1, __ATOMIC_SEQ_CST))
		fprintf(stderr, "  stress: %s at %#llx: %d\n", what,
			(unsigned long long)gpa, ret);
}

/* Is [first, first + n) of this region in one state? */
static bool w_all(struct writer *w, u64 first, u64 n, bool used)
{
	u64 i;

	for (i = first; i < first + n; i++)
		if (!!w->state[i] != used)
			return false;
	return true;
}

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	struct stress *st = w->st;
	u64 rb = st->base + w->id * S_REGION;
	unsigned int op;

	for (op = 0; op < st->ops && !s_get(&st->bad); op++) {
		u64 first = s_rand(&w->rng) % S_PAGES, n, i, gpa;
		unsigned int r = s_rand(&w->rng) % 100;
		struct axas_translation tr;
		int ret, exp;

		n = 1 + s_rand(&w->rng) % (r & 1 ? 600 : 8);
		if (first + n > S_PAGES)
			n = S_PAGES - first;
		gpa = rb + first * M_PAGE;
		if (r < 30) {
			exp = w_all(w, first, n, false) ? 0 : -EEXIST;
			ret = axas_map_linear(st->as, gpa, gpa + S_DELTA,
					      n * M_PAGE, AXAS_READ | AXAS_WRITE);
			if (!ret)
				memset(w->state + first, 1, n);
		} else if (r < 50) {
			bool eager = r < 35;

			exp = w_all(w, first, n, false) ? 0 : -EEXIST;
			ret = axas_map_alloc(st->as, gpa, n * M_PAGE, AXAS_READ |
					     AXAS_WRITE, eager);
			if (!ret)
				memset(w->state + first, eager ? 3 : 2, n);
		} else if (r < 75) {
			exp = w_all(w, first, n, true) ? 0 : -ENOENT;
			ret = axas_unmap(st->as, gpa, n * M_PAGE);
			if (!ret)
				memset(w->state + first, 0, n);
		} else if (r < 85) {
			exp = w_all(w, first, n, true) ? 0 : -ENOENT;
			ret = axas_protect(st->as, gpa, n * M_PAGE, AXAS_READ |
					   (r & 2 ? AXAS_WRITE : 0));
			/* Writes stay allowed for the faults below. */
			if (!ret)
				ret = axas_protect(st->as, gpa, n * M_PAGE,
						   AXAS_READ | AXAS_WRITE);
		} else {
			exp = w->state[first] ? 0 : -ENOENT;
			ret = axas_handle_fault(st->as, gpa, AXAS_WRITE);
			if (!ret && w->state[first] == 2)
				w->state[first] = 3;
			n = 1;
		}
		if (ret != exp) {
			s_bad(st, "writer result", gpa, ret);
			break;
		}
		/* What this thread alone changes must read back at once. */
		for (i = first; i < first + n; i++) {
			u64 a = rb + i * M_PAGE;

			ret = axas_translate(st->as, a, &tr);
			if ((w->state[i] == 1 || w->state[i] == 3) != !ret ||
			    (w->state[i] == 1 && tr.hpa != a + S_DELTA)) {
				s_bad(st, "writer translate", a, ret);
				break;
			}
		}
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	struct stress *st = arg;
	u64 rng = (u64)(uintptr_t)&rng;
	u8 buf[64];

	while (!s_get(&st->stop) && !s_get(&st->bad)) {
		u64 gpa = st->base + s_rand(&rng) % (S_WRITERS * S_REGION);
		struct axas_translation tr;
		u64 len;
		int ret;

		ret = axas_translate(st->as, gpa, &tr);
		if (!ret && tr.hpa != gpa + S_DELTA &&
		    axas_uhal_alloc_order(st->uh, tr.hpa & ~(M_PAGE - 1)) != 0)
			s_bad(st, "reader translate", gpa, ret);
		else if (ret && ret != -ENOENT)
			s_bad(st, "reader translate", gpa, ret);
		ret = axas_translate_limit(st->as, gpa, &len);
		if (ret && ret != -ENOENT)
			s_bad(st, "reader translate_limit", gpa, ret);
		/* Frames can be read (linear hosts are not RAM here). */
		ret = axas_read(st->as, gpa, buf, sizeof(buf));
		if (ret && ret != -EFAULT)
			s_bad(st, "reader read", gpa, ret);
	}
	return NULL;
}

/* Faulters share one lazy region and fault its pages in the same order. */
struct faulter {
	struct stress *st;
	u64 start;
	unsigned int id;
};

static void *faulter_fn(void *arg)
{
	struct faulter *f = arg;
	u64 i;

	for (i = 0; i < S_PAGES && !s_get(&f->st->bad); i++) {
		u64 gpa = f->start + ((i * 7 + f->id) % S_PAGES) * M_PAGE;
		int ret = axas_handle_fault(f->st->as, gpa, AXAS_READ);

		if (ret)
			s_bad(f->st, "racing fault", gpa, ret);
	}
	return NULL;
}

static bool t_stress(void *arg)
{
	const struct t_cfg *c = arg;
	struct stress st = { .base = 1ULL << 30, .ops = 600 };
	struct axas_space_cfg cfg = {
		.format = c->format, .ia_bits = c->ia_bits, .base = st.base,
		.size = (S_WRITERS + 1) * S_REGION,
	};
	pthread_t wt[S_WRITERS], rt[S_READERS], ft[S_FAULTERS];
	struct writer *w = calloc(S_WRITERS, sizeof(*w));
	struct faulter f[S_FAULTERS];
	struct axas_uhal_stats hs;
	struct axas_stats as_st;
	u64 lazy = st.base + S_WRITERS * S_REGION;
	unsigned int i;
	bool ok = true;

	st.uh = axas_uhal_pool_create(512ULL << 20, false, true);
	cfg.hal = axas_uhal_hal(st.uh);
	st.as = axas_space_create(&cfg);
	if (!w || !T_CHECK(!IS_ERR(st.as), "create"))
		return false;
	ok &= T_CHECK(!axas_map_alloc(st.as, lazy, S_REGION, AXAS_READ, false),
		      "lazy region");
	for (i = 0; i < S_WRITERS; i++) {
		w[i].st = &st;
		w[i].id = i;
		w[i].rng = 1000 + i;
		pthread_create(&wt[i], NULL, writer_fn, &w[i]);
	}
	for (i = 0; i < S_READERS; i++)
		pthread_create(&rt[i], NULL, reader_fn, &st);
	for (i = 0; i < S_FAULTERS; i++) {
		f[i] = (struct faulter){ .st = &st, .start = lazy, .id = i };
		pthread_create(&ft[i], NULL, faulter_fn, &f[i]);
	}
	for (i = 0; i < S_WRITERS; i++)
		pthread_join(wt[i], NULL);
	for (i = 0; i < S_FAULTERS; i++)
		pthread_join(ft[i], NULL);
	__atomic_store_n(&st.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < S_READERS; i++)
		pthread_join(rt[i], NULL);
	ok &= T_CHECK(!st.bad, "a thread saw something wrong");

	/* Every lazy page faulted once; the rest were spurious. */
	axas_get_stats(st.as, &as_st);
	axas_uhal_stats(st.uh, &hs);
	ok &= T_CHECK((u64)hs.live_pages == as_st.table_pages + as_st.data_pages,
		      "HAL %ld pages, table %llu + data %llu", hs.live_pages,
		      as_st.table_pages, as_st.data_pages);
	ok &= T_CHECK(!hs.bad && !hs.atomic, "HAL misuse");
	ok &= T_CHECK(as_st.faults >= S_PAGES &&
		      as_st.spurious_faults >= (S_FAULTERS - 1) * S_PAGES,
		      "%llu faults, %llu spurious", as_st.faults,
		      as_st.spurious_faults);
	if (t_verbose > 1)
		printf("    %llu faults, %llu spurious, %llu flushes, %llu tables\n",
		       as_st.faults, as_st.spurious_faults,
		       as_st.tlb_flushes, as_st.table_pages);
	axas_space_destroy(st.as);
	axas_uhal_stats(st.uh, &hs);
	ok &= T_CHECK(!hs.live_pages, "%ld pages leaked", hs.live_pages);
	axas_uhal_destroy(st.uh);
	free(w);
	return ok;
}

void suite_stress(t_run_fn run)
{
	static const struct t_cfg cfgs[] = {
		{ AXAS_FMT_EPT, 48 }, { AXAS_FMT_ARM_S2, 40 },
		{ AXAS_FMT_RISCV_GSTAGE, 41 }, { AXAS_FMT_AMD_NPT, 48 },
	};
	unsigned int i;
	char name[64];

	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		snprintf(name, sizeof(name), "stress %s/%u",
			 axas_format_name(cfgs[i].format), cfgs[i].ia_bits);
		run(name, t_stress, (void *)&cfgs[i]);
	}
}
