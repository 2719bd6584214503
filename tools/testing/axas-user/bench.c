// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the core built for userspace. For each format it prints
 * lines "BENCH <format>.<name> <value> <unit>", each the best of a few
 * repetitions (CLOCK_MONOTONIC), from the prefaulted pool HAL unless the
 * name says "_malloc":
 *
 *   map_4k          map_linear of 1 GiB with AXAS_MAP_NOBLOCK   ns/page
 *   map_1g          map_linear of 1 GiB, aligned (one leaf)    ns
 *   translate_4k    axas_translate() of every page of the first ns/page
 *   lookup_nolock   the same through the internal axas_pgt_lookup(),
 *                   without RCU and checks (where translate goes) ns/page
 *   translate_pages_4k  axas_translate_pages() of the whole 1 GiB in
 *                   one call (one walk, a host address per page) ns/page
 *   unmap_4k        axas_unmap() of the 1 GiB of 4 KiB leaves   ns/page
 *   table_bytes     table memory for 1 GiB of 4 KiB leaves     bytes, %
 *   frame_ref       HAL alloc (zeroing) of one frame           ns/frame
 *   fault           fault on each page of a lazy 256 MiB area  ns/fault
 *   fault_ratio     fault / frame_ref                           x
 *   fault_4096_areas  the same faults with the pages in 4096 lazy
 *                   areas (gaps between them): the area lookup's cost
 *                   when a space has many                    ns/fault
 *   fault_4096_areas_ratio  median of its ratio to one-area faults
 *                   timed right before it                      x
 *   fault_ratio_median  the median over repetitions of fault / the
 *                   better of the references taken right before and
 *                   after it                                    x
 *   map_eager       eager map_alloc of 256 MiB                  ns/page
 *   map_pages_4k    map_pages of 1 GiB of frames contiguous but off
 *                   the 2 MiB congruence (4 KiB leaves)         ns/page
 *   map_pages_2m    map_pages of 1 GiB of frames contiguous and
 *                   2 MiB aligned (each 2 MiB checked, one leaf) ns/page
 *   fault_parallel_1t  one thread faulting every page of a lazy area
 *                   of the -s size                              Mfaults/s
 *   fault_parallel_2t  two threads faulting its two halves at once,
 *                   wall clock                                  Mfaults/s
 *   fault_parallel_speedup  2t / 1t                             x
 *   frame_parallel_speedup  the same split of HAL allocations alone
 *                   (allocate and zero, no space): what the machine's
 *                   memory allows two cores                      x
 *   ..._speedup_median  the median of the ratios of 1t and 2t samples
 *                   taken side by side                          x
 *
 * The parallel figures take -p (4) samples per repetition, in ABBA order, the
 * rates the best of them: on a shared 2-core VM a 30 ms sample can lose
 * half its speed to the neighbours, so a single pair means little.
 *
 * and once "BENCH shim.rwlock_read_pair": an uncontended read_lock() +
 * read_unlock() of the shim's rwlock_t (pthread_rwlock_t), for scale.
 *
 * Options: -r repetitions (default 5), -s MiB for the lazy and eager
 * areas (default 256), -g GiB for the linear maps (default 1), -m to add
 * the malloc HAL's figures, -f format name to run one format only, -p
 * parallel samples per repetition (0: none, for profiling the rest),
 * -l PHASE -L N to repeat one phase (map_4k, unmap_4k, translate, fault)
 * N times so that a profiler sees mostly it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "axas-user.h"
/* The internals, for the lock-free lookup figure only. */
#include "../../../drivers/axaddrspace/space.h"

#define PG	4096ULL
#define GIB	BIT_ULL(30)
#define MIB	BIT_ULL(20)

static unsigned int reps = 5;
/* -l PHASE -L N: repeat one phase N times, for a profiler to see it. */
static const char *loop_phase;
static unsigned int loop_count = 1;

static unsigned int loops(const char *phase)
{
	return loop_phase && !strcmp(loop_phase, phase) ? loop_count : 1;
}

static u64 lin_size = GIB;
static u64 area_size = 256 * MIB;

static const struct {
	u32 format;
	u32 ia_bits;
} cfgs[] = {
	{ AXAS_FMT_EPT, 48 },
	{ AXAS_FMT_ARM_S2, 40 },
	{ AXAS_FMT_RISCV_GSTAGE, 41 },
	{ AXAS_FMT_AMD_NPT, 48 },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "bench: %s: %ld\n", what, err);
	exit(1);
}

/* Areas of the fault_many figure. */
#define MANY_AREAS	4096

/* -p: interleaved 1t/2t pairs per repetition */
static unsigned int par_samples = 4;
#define MAX_SAMPLES	256

struct result {
	double map_4k, map_1g, translate, lookup, unmap_4k, ref, fault, eager;
	double pages_4k, pages_2m, par[4], xpages, fault_many;
	/* Ratios of samples taken side by side, for their medians. */
	double fault_ratio[MAX_SAMPLES], par_ratio[MAX_SAMPLES];
	double frame_ratio[MAX_SAMPLES], many_ratio[MAX_SAMPLES];
	unsigned int nfault, npar, nmany;
	u64 table_bytes;
	bool noblock_ignored;
};

static void best(double *b, double v)
{
	if (*b == 0 || v < *b)
		*b = v;
}

struct fault_job {
	struct axas_space *as;
	const struct axas_hal *hal;	/* frames only, no space */
	void **frames;
	pthread_barrier_t *go;
	u64 start, pages;
	long err;
};

/* The pool of the current run: workers give back their page caches. */
static struct axas_uhal *bench_uh;

static void *fault_worker(void *arg)
{
	struct fault_job *j = arg;
	u64 i;

	pthread_barrier_wait(j->go);
	for (i = 0; i < j->pages && !j->err; i++) {
		if (!j->hal) {
			j->err = axas_handle_fault(j->as, j->start + i * PG,
						   AXAS_WRITE);
			continue;
		}
		j->frames[i] = j->hal->ops->alloc(j->hal->priv, 0);
		if (!j->frames[i])
			j->err = -ENOMEM;
	}
	axas_uhal_thread_drain(bench_uh);
	return NULL;
}

/*
 * @nr threads fault disjoint parts of a fresh lazy area: Mfaults/s. With
 * @hal, they allocate as many frames from it instead (Mframes/s).
 */
static double fault_parallel(struct axas_space *as, u64 gpa, unsigned int nr,
			     const struct axas_hal *hal)
{
	struct fault_job job[2];
	pthread_t tid[2];
	pthread_barrier_t go;
	u64 part = area_size / PG / nr;
	struct axas_stats st;
	unsigned int k;
	double t;
	int ret;

	void **frames = NULL;
	u64 i;

	if (hal) {
		frames = calloc(part * nr, sizeof(*frames));
		if (!frames)
			die("malloc", 0);
	} else {
		ret = axas_map_alloc(as, gpa, area_size, AXAS_READ | AXAS_WRITE,
				     false);
		if (ret)
			die("map_alloc parallel", ret);
	}
	axas_uhal_pool_sort(bench_uh);
	pthread_barrier_init(&go, NULL, nr + 1);
	for (k = 0; k < nr; k++) {
		job[k] = (struct fault_job){ .as = as, .go = &go, .hal = hal,
					    .frames = frames ? frames + k * part :
					    NULL,
					    .start = gpa + k * part * PG,
					    .pages = part };
		if (pthread_create(&tid[k], NULL, fault_worker, &job[k]))
			die("pthread_create", k);
	}
	pthread_barrier_wait(&go);
	t = now_ns();
	for (k = 0; k < nr; k++)
		pthread_join(tid[k], NULL);
	t = now_ns() - t;
	pthread_barrier_destroy(&go);
	for (k = 0; k < nr; k++)
		if (job[k].err)
			die("parallel fault", job[k].err);
	if (hal) {
		for (i = part * nr; i-- > 0; )
			hal->ops->free(hal->priv, frames[i], 0);
		free(frames);
		return part * nr / t * 1e3;
	}
	axas_get_stats(as, &st);
	if (st.faults < part * nr)
		die("parallel fault count", st.faults);
	axas_unmap(as, gpa, area_size);
	return part * nr / t * 1e3;
}

static void most(double *b, double v)
{
	if (v > *b)
		*b = v;
}

/*
 * What a frame costs from this HAL: allocate (and zero) as many as the
 * area holds, then free them in reverse so that the next user gets them
 * in the same order.
 */
static double frame_ref(const struct axas_hal *hal)
{
	u64 apages = area_size / PG, i;
	void **frames;
	double t;

	frames = malloc(apages * sizeof(*frames));
	if (!frames)
		die("malloc", 0);
	t = now_ns();
	for (i = 0; i < apages; i++) {
		frames[i] = hal->ops->alloc(hal->priv, 0);
		if (!frames[i])
			die("frame alloc", i);
	}
	t = now_ns() - t;
	for (i = apages; i-- > 0; )
		hal->ops->free(hal->priv, frames[i], 0);
	free(frames);
	return t / apages;
}

/* A fresh lazy area at @gpa, each page faulted once: ns/fault. */
static double fault_area(struct axas_space *as, u64 gpa)
{
	u64 apages = area_size / PG, i;
	double t;
	int ret;

	ret = axas_map_alloc(as, gpa, area_size, AXAS_READ | AXAS_WRITE, false);
	if (ret)
		die("map_alloc lazy", ret);
	t = now_ns();
	for (i = 0; i < apages; i++) {
		ret = axas_handle_fault(as, gpa + i * PG, AXAS_WRITE);
		if (ret)
			die("fault", ret);
	}
	t = now_ns() - t;
	axas_unmap(as, gpa, area_size);
	return t / apages;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One repetition of everything on a fresh space. */
static void run_once(u32 format, u32 ia_bits, struct axas_uhal *uh,
		     struct result *r)
{
	const struct axas_hal *hal = axas_uhal_hal(uh);
	struct axas_space_cfg cfg = {
		.format = format, .ia_bits = ia_bits, .base = 0,
		.size = 4 * GIB + lin_size, .hal = hal,
	};
	u64 pages = lin_size / PG, apages = area_size / PG, i, sum = 0;
	u64 gpa = GIB, hpa = 0x100000000ULL;
	struct axas_translation tr;
	struct axas_stats st0, st;
	struct axas_space *as;
	double t, ref, one = 0;
	int ret;

	bench_uh = uh;
	as = axas_space_create(&cfg);
	if (IS_ERR(as))
		die("create", PTR_ERR(as));
	axas_get_stats(as, &st0);

	/* 1 GiB of 4 KiB leaves. */
	for (i = 1; i < loops("map_4k") + loops("unmap_4k") - 1; i++) {
		axas_map_linear(as, gpa, hpa + PG, lin_size, AXAS_READ);
		axas_unmap(as, gpa, lin_size);
	}
	t = now_ns();
	ret = axas_map_linear(as, gpa, hpa, lin_size,
			      AXAS_READ | AXAS_WRITE | AXAS_MAP_NOBLOCK);
	t = now_ns() - t;
	if (ret)
		die("map_linear 4K", ret);
	axas_get_stats(as, &st);
	if (st.mapped[0] != lin_size) {
		/* The flag did not work: force 4 KiB leaves by congruence. */
		r->noblock_ignored = true;
		axas_unmap(as, gpa, lin_size);
		t = now_ns();
		ret = axas_map_linear(as, gpa, hpa + PG, lin_size,
				      AXAS_READ | AXAS_WRITE | AXAS_MAP_NOBLOCK);
		t = now_ns() - t;
		if (ret)
			die("map_linear 4K (misaligned)", ret);
		axas_get_stats(as, &st);
	}
	best(&r->map_4k, t / pages);
	r->table_bytes = (st.table_pages - st0.table_pages) * PG;

	for (unsigned int l = loops("translate"); l--; ) {
		t = now_ns();
		for (i = 0; i < pages; i++) {
			if (axas_translate(as, gpa + i * PG, &tr))
				die("translate", i);
			sum += tr.hpa;
		}
		t = now_ns() - t;
	}
	best(&r->translate, t / pages);
	if (!sum)
		die("translate sum", 0);

	/* The table walk alone: no lock, no argument checks. */
	t = now_ns();
	for (i = 0; i < pages; i++) {
		struct axas_leaf leaf;

		if (!axas_pgt_lookup(&as->pgt, gpa + i * PG, &leaf, NULL))
			die("lookup", i);
		sum += leaf.pa;
	}
	t = now_ns() - t;
	best(&r->lookup, t / pages);

	{
		phys_addr_t *hpas = malloc(pages * sizeof(*hpas));
		u64 base = r->noblock_ignored ? hpa + PG : hpa;

		if (!hpas)
			die("malloc", 0);
		t = now_ns();
		ret = axas_translate_pages(as, gpa, pages, hpas);
		t = now_ns() - t;
		if (ret)
			die("translate_pages", ret);
		for (i = 0; i < pages; i++)
			if (hpas[i] != base + i * PG)
				die("translate_pages result", i);
		best(&r->xpages, t / pages);
		free(hpas);
	}

	t = now_ns();
	ret = axas_unmap(as, gpa, lin_size);
	t = now_ns() - t;
	if (ret)
		die("unmap", ret);
	best(&r->unmap_4k, t / pages);

	/* The same range with the largest leaves. */
	t = now_ns();
	ret = axas_map_linear(as, gpa, hpa, lin_size, AXAS_READ | AXAS_WRITE);
	t = now_ns() - t;
	if (ret)
		die("map_linear 1G", ret);
	best(&r->map_1g, t);
	axas_unmap(as, gpa, lin_size);

	/*
	 * The reference, right before and right after the faults, which get
	 * the same frames in the same order: the ratio of this pair is one
	 * sample of fault_ratio_median.
	 */
	axas_uhal_pool_sort(uh);
	ref = frame_ref(hal);
	for (unsigned int l = loops("fault"); l--; ) {
		one = fault_area(as, gpa);
		best(&r->fault, one);
	}
	t = frame_ref(hal);
	ref = min(ref, t);
	best(&r->ref, ref);
	if (r->nfault < MAX_SAMPLES)
		r->fault_ratio[r->nfault++] = one / ref;

	/*
	 * The same pages in MANY_AREAS lazy areas with gaps between them,
	 * right after the same faults in one area again: the memory system
	 * makes a phase slower or faster by its place in the run, so the
	 * ratio compares neighbours.
	 */
	{
		u64 per = apages / MANY_AREAS, k;

		axas_uhal_pool_sort(uh);
		one = fault_area(as, gpa);

		for (k = 0; k < MANY_AREAS; k++) {
			ret = axas_map_alloc(as, gpa + 2 * k * per * PG, per * PG,
					     AXAS_READ | AXAS_WRITE, false);
			if (ret)
				die("map_alloc many", ret);
		}
		axas_uhal_pool_sort(uh);
		t = now_ns();
		for (k = 0; k < MANY_AREAS; k++)
			for (i = 0; i < per; i++) {
				ret = axas_handle_fault(as, gpa + (2 * k * per + i) *
							PG, AXAS_WRITE);
				if (ret)
					die("fault many", ret);
			}
		t = now_ns() - t;
		best(&r->fault_many, t / (MANY_AREAS * per));
		if (r->nmany < MAX_SAMPLES)
			r->many_ratio[r->nmany++] = t / (MANY_AREAS * per) / one;
		/* Unmap takes a covered range: clear drops all the areas. */
		axas_clear(as);
	}

	for (i = 0; i < par_samples; i++) {
		/* ABBA: neither count always runs first. */
		double one, two, fone, ftwo;

		if (i % 2) {
			two = fault_parallel(as, gpa, 2, NULL);
			one = fault_parallel(as, gpa, 1, NULL);
			fone = fault_parallel(as, gpa, 1, hal);
			ftwo = fault_parallel(as, gpa, 2, hal);
		} else {
			one = fault_parallel(as, gpa, 1, NULL);
			two = fault_parallel(as, gpa, 2, NULL);
			ftwo = fault_parallel(as, gpa, 2, hal);
			fone = fault_parallel(as, gpa, 1, hal);
		}

		most(&r->par[0], one);
		most(&r->par[1], two);
		most(&r->par[2], fone);
		most(&r->par[3], ftwo);
		if (r->npar < MAX_SAMPLES) {
			r->par_ratio[r->npar] = two / one;
			r->frame_ratio[r->npar++] = ftwo / fone;
		}
	}

	t = now_ns();
	ret = axas_map_alloc(as, gpa, area_size, AXAS_READ | AXAS_WRITE, true);
	t = now_ns() - t;
	if (ret)
		die("map_alloc eager", ret);
	best(&r->eager, t / apages);
	axas_unmap(as, gpa, area_size);

	/* Frames given one by one: 4 KiB leaves, then 2 MiB leaves. */
	for (unsigned int k = 0; k < 2; k++) {
		phys_addr_t *pas = malloc(pages * sizeof(*pas));

		if (!pas)
			die("malloc", 0);
		for (i = 0; i < pages; i++)
			pas[i] = hpa + (k ? 0 : PG) + i * PG;
		t = now_ns();
		ret = axas_map_pages(as, gpa, pas, pages, AXAS_READ);
		t = now_ns() - t;
		if (ret)
			die("map_pages", ret);
		best(k ? &r->pages_2m : &r->pages_4k, t / pages);
		axas_unmap(as, gpa, lin_size);
		free(pas);
	}

	axas_space_destroy(as);
}

static void report(const char *fmt, const char *sfx, struct result *r,
		   bool all)
{
	if (all) {
		printf("BENCH %s.map_4k%s %.2f ns/page\n", fmt, sfx, r->map_4k);
		printf("BENCH %s.map_1g%s %.0f ns\n", fmt, sfx, r->map_1g);
		printf("BENCH %s.translate_4k%s %.2f ns/page\n", fmt, sfx,
		       r->translate);
		printf("BENCH %s.lookup_nolock%s %.2f ns/page\n", fmt, sfx,
		       r->lookup);
		printf("BENCH %s.translate_pages_4k%s %.2f ns/page\n", fmt, sfx,
		       r->xpages);
		printf("BENCH %s.unmap_4k%s %.2f ns/page\n", fmt, sfx,
		       r->unmap_4k);
		printf("BENCH %s.table_bytes%s %llu bytes/GiB\n", fmt, sfx,
		       (unsigned long long)(r->table_bytes * GIB / lin_size));
		printf("BENCH %s.table_pct%s %.4f %%\n", fmt, sfx,
		       100.0 * r->table_bytes / lin_size);
		printf("BENCH %s.map_pages_4k%s %.2f ns/page\n", fmt, sfx,
		       r->pages_4k);
		printf("BENCH %s.map_pages_2m%s %.2f ns/page\n", fmt, sfx,
		       r->pages_2m);
	}
	printf("BENCH %s.frame_ref%s %.1f ns/frame\n", fmt, sfx, r->ref);
	printf("BENCH %s.fault%s %.1f ns/fault\n", fmt, sfx, r->fault);
	printf("BENCH %s.fault_ratio%s %.3f x\n", fmt, sfx, r->fault / r->ref);
	printf("BENCH %s.fault_ratio_median%s %.3f x\n", fmt, sfx,
	       median(r->fault_ratio, r->nfault));
	printf("BENCH %s.fault_4096_areas%s %.1f ns/fault\n", fmt, sfx,
	       r->fault_many);
	printf("BENCH %s.fault_4096_areas_ratio%s %.3f x\n", fmt, sfx,
	       median(r->many_ratio, r->nmany));
	printf("BENCH %s.map_eager%s %.1f ns/page\n", fmt, sfx, r->eager);
	printf("BENCH %s.fault_parallel_1t%s %.3f Mfaults/s\n", fmt, sfx,
	       r->par[0]);
	printf("BENCH %s.fault_parallel_2t%s %.3f Mfaults/s\n", fmt, sfx,
	       r->par[1]);
	printf("BENCH %s.fault_parallel_speedup%s %.2f x\n", fmt, sfx,
	       r->par[1] / r->par[0]);
	printf("BENCH %s.frame_parallel_speedup%s %.2f x\n", fmt, sfx,
	       r->par[3] / r->par[2]);
	printf("BENCH %s.fault_parallel_speedup_median%s %.2f x\n", fmt, sfx,
	       median(r->par_ratio, r->npar));
	printf("BENCH %s.frame_parallel_speedup_median%s %.2f x\n", fmt, sfx,
	       median(r->frame_ratio, r->npar));
	if (r->noblock_ignored)
		printf("# %s: AXAS_MAP_NOBLOCK was ignored by axas_map_linear(); map_4k used\n"
		       "# a host address off the 2 MiB congruence\n", fmt);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool with_malloc = false;
	unsigned int c, i;
	int opt;

	while ((opt = getopt(argc, argv, "r:s:g:mf:l:L:p:")) != -1) {
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 's':
			area_size = strtoull(optarg, NULL, 0) * MIB;
			break;
		case 'g':
			lin_size = strtoull(optarg, NULL, 0) * GIB;
			break;
		case 'm':
			with_malloc = true;
			break;
		case 'f':
			only = optarg;
			break;
		case 'l':
			loop_phase = optarg;
			break;
		case 'L':
			loop_count = atoi(optarg);
			break;
		case 'p':
			par_samples = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: bench [-m] [-r reps] [-s MiB] [-g GiB] [-f format] [-p samples] [-l phase -L count]\n");
			return 2;
		}
	}
	printf("# axas-user bench: best of %u; linear %llu GiB, areas %llu MiB\n"
	       "# formats ept/48, arm-s2/40, riscv-gstage/41, amd-npt/48\n", reps,
	       (unsigned long long)(lin_size / GIB),
	       (unsigned long long)(area_size / MIB));
	{
		rwlock_t lock;
		double t, b = 0;
		unsigned int k;

		rwlock_init(&lock);
		for (k = 0; k < reps; k++) {
			t = now_ns();
			for (i = 0; i < 1000000; i++) {
				read_lock(&lock);
				read_unlock(&lock);
			}
			best(&b, (now_ns() - t) / 1e6);
		}
		printf("BENCH shim.rwlock_read_pair %.2f ns\n", b);
	}
	for (c = 0; c < ARRAY_SIZE(cfgs); c++) {
		const char *name = axas_format_name(cfgs[c].format);
		/* Frames for one area, tables for the linear map, slack. */
		size_t pool_bytes = area_size + lin_size / 256 + 64 * MIB;
		struct axas_uhal *uh;
		struct result r = { 0 };

		if (only && strcmp(only, name))
			continue;
		uh = axas_uhal_pool_create(pool_bytes, true, false);
		if (!uh)
			die("pool", 0);
		for (i = 0; i < reps; i++)
			run_once(cfgs[c].format, cfgs[c].ia_bits, uh, &r);
		axas_uhal_destroy(uh);
		report(name, "", &r, true);

		if (!with_malloc)
			continue;
		memset(&r, 0, sizeof(r));
		uh = axas_uhal_malloc_create(false);
		for (i = 0; i < reps; i++)
			run_once(cfgs[c].format, cfgs[c].ia_bits, uh, &r);
		axas_uhal_destroy(uh);
		report(name, "_malloc", &r, false);
	}
	if (axas_user_warn_count) {
		printf("# %lu WARN(s) fired in the core during the run\n",
		       axas_user_warn_count);
		return 1;
	}
	return 0;
}
