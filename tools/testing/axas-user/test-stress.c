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
#include <time.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "axas-user.h"
#include "test.h"
/* The space lock, for the grace-period hook. */
#include "../../../drivers/axaddrspace/space.h"

#define SZ_2M_T		(2ULL << 20)

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

/*
 * Faults only, exact books: P_THREADS threads fault the same P_SHARED
 * pages (in different orders) and P_OWN pages of their own, spread over
 * fresh 2 MiB tables so that table installs race too. Afterwards every
 * page has its own frame, faults == distinct pages, spurious == the rest,
 * and the HAL holds exactly the tables and frames the space counts.
 */
#define P_THREADS	4
#define P_SHARED	512
#define P_OWN		256
#define P_PAGES		(P_SHARED + P_THREADS * P_OWN)

struct par {
	struct axas_space *as;
	u64 base;
	unsigned int id;
	pthread_barrier_t *go;
	int bad;
};

static void *par_fn(void *arg)
{
	struct par *p = arg;
	unsigned int k;

	pthread_barrier_wait(p->go);
	for (k = 0; k < P_SHARED + P_OWN && !p->bad; k++) {
		/* Shared pages first, in near lockstep so that they collide. */
		u64 page = k < P_SHARED ? (k + p->id) % P_SHARED :
			   P_SHARED + p->id * P_OWN + (k - P_SHARED);

		/* Every 8th page starts a new 2 MiB table. */
		if (axas_handle_fault(p->as, p->base + (page % 8) * SZ_2M_T +
				      (page / 8) * M_PAGE, AXAS_WRITE))
			p->bad = 1;
	}
	return NULL;
}

/* A configuration with the shape of its table. */
struct p_cfg {
	struct t_cfg c;
	unsigned int root_pages;
	unsigned int top;
};

static bool t_parallel_faults(void *arg)
{
	const struct p_cfg *pc = arg;
	const struct t_cfg *c = &pc->c;
	u64 base = 1ULL << 30, size = 8 * SZ_2M_T;
	struct axas_space_cfg cfg = {
		.format = c->format, .ia_bits = c->ia_bits, .base = base,
		.size = size,
	};
	struct par p[P_THREADS];
	pthread_t tid[P_THREADS];
	pthread_barrier_t go;
	struct axas_uhal_stats hs;
	struct axas_stats st;
	struct axas_translation tr;
	struct axas_uhal *uh;
	struct axas_space *as;
	unsigned int i, j;
	u64 *hpa;
	bool ok = true;

	uh = axas_uhal_pool_create(64ULL << 20, false, true);
	cfg.hal = axas_uhal_hal(uh);
	as = axas_space_create(&cfg);
	hpa = calloc(P_PAGES, sizeof(*hpa));
	if (!hpa || !T_CHECK(!IS_ERR(as), "create"))
		return false;
	ok &= T_CHECK(!axas_map_alloc(as, base, size, AXAS_READ | AXAS_WRITE,
				      false), "lazy area");
	pthread_barrier_init(&go, NULL, P_THREADS);
	for (i = 0; i < P_THREADS; i++) {
		p[i] = (struct par){ .as = as, .base = base, .id = i, .go = &go };
		pthread_create(&tid[i], NULL, par_fn, &p[i]);
	}
	for (i = 0; i < P_THREADS; i++) {
		pthread_join(tid[i], NULL);
		ok &= T_CHECK(!p[i].bad, "thread %u: a fault failed", i);
	}
	pthread_barrier_destroy(&go);

	axas_get_stats(as, &st);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(st.faults == P_PAGES && st.data_pages == P_PAGES,
		      "%llu faults, %llu frames for %u pages", st.faults,
		      st.data_pages, P_PAGES);
	ok &= T_CHECK(st.spurious_faults ==
		      (u64)P_THREADS * (P_SHARED + P_OWN) - P_PAGES,
		      "%llu spurious", st.spurious_faults);
	ok &= T_CHECK((u64)hs.live_pages == st.table_pages + st.data_pages,
		      "HAL %ld pages, table %llu + data %llu", hs.live_pages,
		      st.table_pages, st.data_pages);
	/* Root, the tables down to 2 MiB, and one per 2 MiB touched. */
	ok &= T_CHECK(st.table_pages == (u64)pc->root_pages + pc->top - 1 + 8,
		      "%llu tables", st.table_pages);
	for (i = 0; i < P_PAGES && ok; i++) {
		u64 gpa = base + (i % 8) * SZ_2M_T + (i / 8) * M_PAGE;

		ok &= T_CHECK(!axas_translate(as, gpa, &tr), "page %u", i);
		hpa[i] = tr.hpa;
		ok &= T_CHECK(axas_uhal_alloc_order(uh, tr.hpa) == 0,
			      "page %u: not a frame of the HAL", i);
	}
	for (i = 0; i < P_PAGES && ok; i++)
		for (j = i + 1; j < P_PAGES && ok; j++)
			ok &= T_CHECK(hpa[i] != hpa[j], "pages %u and %u share a frame",
				      i, j);
	ok &= T_CHECK(!hs.bad && !hs.atomic, "HAL misuse");
	axas_space_destroy(as);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(!hs.live_pages, "%ld pages leaked", hs.live_pages);
	axas_uhal_destroy(uh);
	free(hpa);
	return ok;
}

/*
 * A fault that meets an unmap between its zap and its reap: area A fills
 * half of a 2 MiB table, lazy area B the other half. Unmapping A empties
 * the table, which is zapped; during the unmap's grace period (the hook)
 * another thread faults B, whose path crosses the zapped entry: it must
 * wait for the unmap, then install a fresh table and frame.
 */
struct during {
	struct axas_space *as;
	u64 gpa;
	pthread_t tid;
	bool armed;
	int ret;
};

static void *during_fault(void *arg)
{
	struct during *d = arg;

	d->ret = axas_handle_fault(d->as, d->gpa, AXAS_WRITE);
	return NULL;
}

static void during_hook(void *arg)
{
	struct during *d = arg;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	/* Only the grace period of the reap, which runs without the lock. */
	if (!d->armed || pthread_rwlock_tryrdlock(&d->as->lock.rw))
		return;
	pthread_rwlock_unlock(&d->as->lock.rw);
	d->armed = false;
	pthread_create(&d->tid, NULL, during_fault, d);
	/* Long enough for the fault to reach the zapped entry. */
	nanosleep(&ts, NULL);
}

static bool t_fault_during_unmap(void *arg)
{
	const struct p_cfg *pc = arg;
	u64 base = 1ULL << 30, half = SZ_2M_T / 2;
	struct axas_space_cfg cfg = {
		.format = pc->c.format, .ia_bits = pc->c.ia_bits, .base = base,
		.size = SZ_2M_T,
	};
	struct axas_uhal_stats hs;
	struct axas_translation tr;
	struct axas_stats st;
	struct during d = { .gpa = base + half + 5 * M_PAGE };
	struct axas_uhal *uh;
	bool ok = true;

	uh = axas_uhal_pool_create(16ULL << 20, false, true);
	cfg.hal = axas_uhal_hal(uh);
	d.as = axas_space_create(&cfg);
	if (!T_CHECK(!IS_ERR(d.as), "create"))
		return false;
	ok &= T_CHECK(!axas_map_alloc(d.as, base, half, AXAS_READ | AXAS_WRITE,
				      true), "A: populated");
	ok &= T_CHECK(!axas_map_alloc(d.as, base + half, half,
				      AXAS_READ | AXAS_WRITE, false), "B: lazy");
	d.armed = true;
	axas_rcu_gp_hook_arg = &d;
	axas_rcu_gp_hook = during_hook;
	ok &= T_CHECK(!axas_unmap(d.as, base, half), "unmap A");
	axas_rcu_gp_hook = NULL;
	ok &= T_CHECK(!d.armed, "the unmap waited for no grace period");
	if (!d.armed)
		pthread_join(d.tid, NULL);
	ok &= T_CHECK(d.ret == 0, "fault on B during the unmap: %d", d.ret);

	axas_get_stats(d.as, &st);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(st.fault_waits == 1, "%llu fault waits", st.fault_waits);
	ok &= T_CHECK(st.data_pages == 1 && st.faults == 1,
		      "%llu frames, %llu faults", st.data_pages, st.faults);
	ok &= T_CHECK(st.table_pages == (u64)pc->root_pages + pc->top,
		      "%llu tables", st.table_pages);
	ok &= T_CHECK((u64)hs.live_pages == st.table_pages + st.data_pages,
		      "HAL %ld pages", hs.live_pages);
	ok &= T_CHECK(!axas_translate(d.as, d.gpa, &tr) &&
		      axas_uhal_alloc_order(uh, tr.hpa) == 0, "B's page is a frame");
	ok &= T_CHECK(axas_translate(d.as, base, &tr) == -ENOENT, "A is gone");
	ok &= T_CHECK(!hs.bad && !hs.atomic, "HAL misuse");
	axas_space_destroy(d.as);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(!hs.live_pages, "%ld pages leaked", hs.live_pages);
	axas_uhal_destroy(uh);
	return ok;
}

void suite_stress(t_run_fn run)
{
	static const struct t_cfg cfgs[] = {
		{ AXAS_FMT_EPT, 48 }, { AXAS_FMT_ARM_S2, 40 },
		{ AXAS_FMT_RISCV_GSTAGE, 41 }, { AXAS_FMT_AMD_NPT, 48 },
	};
	/* With the shape of the table: root pages, top level. */
	static const struct p_cfg pcfgs[] = {
		{ { AXAS_FMT_EPT, 48 }, 1, 3 }, { { AXAS_FMT_ARM_S2, 40 }, 2, 2 },
		{ { AXAS_FMT_RISCV_GSTAGE, 41 }, 4, 2 },
		{ { AXAS_FMT_AMD_NPT, 48 }, 1, 3 },
	};
	unsigned int i;
	char name[64];

	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		snprintf(name, sizeof(name), "stress %s/%u",
			 axas_format_name(cfgs[i].format), cfgs[i].ia_bits);
		run(name, t_stress, (void *)&cfgs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(pcfgs); i++) {
		snprintf(name, sizeof(name), "parallel faults %s/%u",
			 axas_format_name(pcfgs[i].c.format), pcfgs[i].c.ia_bits);
		run(name, t_parallel_faults, (void *)&pcfgs[i]);
		snprintf(name, sizeof(name), "fault during unmap %s/%u",
			 axas_format_name(pcfgs[i].c.format), pcfgs[i].c.ia_bits);
		run(name, t_fault_during_unmap, (void *)&pcfgs[i]);
	}
}
