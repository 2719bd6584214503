// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: concurrency. Four kthreads fault, translate and write overlapping
 * pages of one lazy area at once while a fifth maps and unmaps a disjoint
 * range under the same tables. Every page must end up faulted exactly once
 * with one frame that never moved, every fault must be counted either as
 * the one that installed the page or as spurious, and the tree must be
 * consistent. Lockdep is on in the test kernels: a lock problem it reports
 * fails the test too.
 *
 * Worker threads never use KUNIT_* themselves (an assertion would end the
 * wrong thread); they record the first error and the test reports it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "refdec.h"

#define RW		(AXAS_READ | AXAS_WRITE)
#define G1		0x40000000ULL

#define NR_WORKERS	4
#define PASSES		2
#define LAZY_PAGES	256
/* The lazy area straddles a 2 MiB boundary; churn shares its 1 GiB table. */
#define LAZY_BASE	(G1 + SZ_2M - LAZY_PAGES / 2 * SZ_4K)
#define CHURN_BASE	(G1 + SZ_8M)
#define CHURN_PAGES	32
#define CHURN_ROUNDS	40

/**
 * struct stress - shared by the test and its threads
 * @as: the space.
 * @start: released when every thread exists.
 * @done: completed by each thread as it ends.
 * @hpa: frame each lazy page got, as first seen by any thread.
 * @calls: faults the workers issued.
 * @churn_faults: faults the churn thread issued on its lazy pages.
 * @errors: errors seen by threads.
 * @why: the first one.
 * @gpa: where.
 * @ret: what the call returned.
 */
struct stress {
	struct axas_space *as;
	struct completion start;
	struct completion done[NR_WORKERS + 1];
	atomic_long_t hpa[LAZY_PAGES];
	atomic_t calls;
	atomic_t churn_faults;
	atomic_t errors;
	const char *why;
	u64 gpa;
	long ret;
};

struct stress_thread {
	struct stress *s;
	unsigned int id;
};

static void stress_error(struct stress *s, const char *why, u64 gpa, long ret)
{
	if (atomic_inc_return(&s->errors) == 1) {
		s->why = why;
		s->gpa = gpa;
		s->ret = ret;
	}
}

/* Record or compare the frame of lazy page @i. */
static void stress_seen(struct stress *s, unsigned int i, phys_addr_t hpa)
{
	long old = atomic_long_cmpxchg(&s->hpa[i], 0, (long)hpa);

	if (old && old != (long)hpa)
		stress_error(s, "a faulted page moved to another frame",
			     LAZY_BASE + i * SZ_4K, old);
}

static int stress_worker(void *data)
{
	struct stress_thread *t = data;
	struct stress *s = t->s;
	unsigned int stride = 2 * t->id + 1, k, pass, i;
	struct axas_translation tr;
	u64 gpa, sig;
	int ret;

	wait_for_completion(&s->start);
	for (pass = 0; pass < PASSES; pass++) {
		for (k = 0; k < LAZY_PAGES; k++) {
			i = (k * stride + t->id * 37 + pass) % LAZY_PAGES;
			gpa = LAZY_BASE + i * SZ_4K;
			ret = axas_handle_fault(s->as, gpa + (k & 0xff8),
						(k + t->id) & 1 ? AXAS_WRITE : AXAS_READ);
			atomic_inc(&s->calls);
			if (ret) {
				stress_error(s, "fault failed", gpa, ret);
				continue;
			}
			ret = axas_translate(s->as, gpa, &tr);
			if (ret || tr.flags != RW || tr.leaf_size != SZ_4K) {
				stress_error(s, "faulted page does not translate",
					     gpa, ret);
				continue;
			}
			stress_seen(s, i, tr.hpa);
			sig = (u64)i << 8 | t->id;
			ret = axas_write(s->as, gpa + t->id * sizeof(sig), &sig,
					 sizeof(sig));
			if (ret)
				stress_error(s, "write to a faulted page failed",
					     gpa, ret);

			/* A page someone else may be faulting right now. */
			i = (i + 1 + t->id) % LAZY_PAGES;
			gpa = LAZY_BASE + i * SZ_4K;
			ret = axas_translate(s->as, gpa, &tr);
			if (!ret)
				stress_seen(s, i, tr.hpa);
			else if (ret != -ENOENT)
				stress_error(s, "translate failed", gpa, ret);
			cond_resched();
		}
	}
	complete(&s->done[t->id]);
	return 0;
}

static int stress_churn(void *data)
{
	struct stress_thread *t = data;
	struct stress *s = t->s;
	struct axas_translation tr;
	unsigned int round, i;
	u64 val, back;
	int ret;

	wait_for_completion(&s->start);
	for (round = 0; round < CHURN_ROUNDS; round++) {
		bool eager = round & 1;

		ret = axas_map_alloc(s->as, CHURN_BASE, CHURN_PAGES * SZ_4K, RW,
				     eager);
		if (ret) {
			stress_error(s, "churn map_alloc failed", CHURN_BASE, ret);
			break;
		}
		for (i = 0; i < CHURN_PAGES; i += 4) {
			u64 gpa = CHURN_BASE + i * SZ_4K;

			if (!eager) {
				ret = axas_handle_fault(s->as, gpa, AXAS_WRITE);
				if (ret) {
					stress_error(s, "churn fault failed", gpa, ret);
					continue;
				}
				atomic_inc(&s->churn_faults);
			}
			val = round << 16 | i;
			back = 0;
			if (axas_write(s->as, gpa + 8, &val, sizeof(val)) ||
			    axas_read(s->as, gpa + 8, &back, sizeof(back)) ||
			    back != val || axas_translate(s->as, gpa, &tr))
				stress_error(s, "churn page not usable", gpa, back);
		}
		if (round % 4 == 2) {
			ret = axas_protect(s->as, CHURN_BASE + SZ_4K, SZ_8K,
					   AXAS_READ);
			if (ret)
				stress_error(s, "churn protect failed", CHURN_BASE, ret);
		}
		ret = axas_unmap(s->as, CHURN_BASE, CHURN_PAGES * SZ_4K);
		if (ret)
			stress_error(s, "churn unmap failed", CHURN_BASE, ret);
		cond_resched();
	}
	complete(&s->done[t->id]);
	return 0;
}

static void stress_test(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	int locks_before = debug_locks;
	struct stress_thread *threads;
	struct axas_kt_root root;
	struct axas_kt_hal *th;
	struct task_struct *task;
	struct axas_stats st, st0;
	struct stress *s;
	unsigned int i, started = 0;
	u64 sig;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	threads = kunit_kcalloc(test, NR_WORKERS + 1, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	th = axas_kt_hal_create(test);
	s->as = axas_kt_space_create(test, th, cfg, 0, 1ULL << cfg->ia_bits, 0);
	axas_kt_root_of(test, s->as, cfg->format, &root);
	KUNIT_ASSERT_EQ(test, axas_map_alloc(s->as, LAZY_BASE,
					     LAZY_PAGES * SZ_4K, RW, false), 0);
	axas_get_stats(s->as, &st0);

	init_completion(&s->start);
	for (i = 0; i <= NR_WORKERS; i++) {
		init_completion(&s->done[i]);
		threads[i].s = s;
		threads[i].id = i;
		task = kthread_run(i < NR_WORKERS ? stress_worker : stress_churn,
				   &threads[i], "axas-stress/%u", i);
		if (IS_ERR(task)) {
			stress_error(s, "kthread_run failed", 0, PTR_ERR(task));
			break;
		}
		started++;
	}
	complete_all(&s->start);
	/* No assertion may end the test while a thread still runs. */
	for (i = 0; i < started; i++)
		wait_for_completion(&s->done[i]);

	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&s->errors), 0,
			    "%d errors, first: %s at gpa %#llx (%ld)",
			    atomic_read(&s->errors), s->why, s->gpa, s->ret);

	axas_get_stats(s->as, &st);
	KUNIT_EXPECT_EQ(test, st.faults - st0.faults,
			LAZY_PAGES + atomic_read(&s->churn_faults));
	KUNIT_EXPECT_EQ(test, st.spurious_faults - st0.spurious_faults,
			atomic_read(&s->calls) - LAZY_PAGES);
	KUNIT_EXPECT_EQ(test, st.data_pages, LAZY_PAGES);
	for (i = 0; i < LAZY_PAGES; i++) {
		u64 gpa = LAZY_BASE + i * SZ_4K;
		unsigned int t;

		if (!axas_kt_expect_map(test, th, s->as, &root, gpa,
					atomic_long_read(&s->hpa[i]), RW, SZ_4K))
			break;
		for (t = 0; t < NR_WORKERS; t++) {
			KUNIT_ASSERT_EQ(test, axas_read(s->as, gpa + t * sizeof(sig),
							&sig, sizeof(sig)), 0);
			KUNIT_EXPECT_EQ(test, sig, (u64)i << 8 | t);
		}
	}
	for (i = 0; i < CHURN_PAGES; i++)
		axas_kt_expect_map(test, th, s->as, &root,
				   CHURN_BASE + i * SZ_4K, AXAS_KT_UNMAPPED, 0, 0);
	axas_kt_expect_consistent(test, th, s->as, &root);
	axas_kt_hal_expect_sane(test, th);
	if (IS_ENABLED(CONFIG_LOCKDEP) && locks_before)
		KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
				      "lockdep reported a problem (see the kernel log)");
}

/*
 * Faults in parallel: one kthread faults every page of a lazy area, then
 * two kthreads (on two CPUs when there are two) fault its halves at once.
 * The rates are printed as BENCH lines; under emulation they say how the
 * fault path scales there, not how fast hardware is. What is asserted is
 * that every fault installs exactly one frame and the tables are exact.
 */
#define PAR_PAGES	2048
#define PAR_BASE	(G1 + SZ_2M)

struct par_job {
	struct axas_space *as;
	struct completion *start;
	struct completion done;
	u64 base;
	unsigned int pages;
	int ret;
};

static int par_worker(void *data)
{
	struct par_job *j = data;
	unsigned int i;

	wait_for_completion(j->start);
	for (i = 0; i < j->pages && !j->ret; i++)
		j->ret = axas_handle_fault(j->as, j->base + i * SZ_4K,
					   AXAS_WRITE);
	complete(&j->done);
	return 0;
}

/* Faults per second of @nr threads over PAR_PAGES pages, or 0 on error. */
static u64 par_run(struct kunit *test, struct axas_space *as, unsigned int nr)
{
	unsigned int part = PAR_PAGES / nr, i, started = 0;
	struct completion start;
	struct par_job job[2];
	struct axas_stats st;
	struct task_struct *task;
	u64 t;

	KUNIT_ASSERT_EQ(test, axas_map_alloc(as, PAR_BASE, PAR_PAGES * SZ_4K,
					     RW, false), 0);
	init_completion(&start);
	for (i = 0; i < nr; i++) {
		job[i] = (struct par_job){
			.as = as, .start = &start,
			.base = PAR_BASE + (u64)i * part * SZ_4K, .pages = part,
		};
		init_completion(&job[i].done);
		task = kthread_create(par_worker, &job[i], "axas-par/%u", i);
		if (IS_ERR(task))
			break;
		kthread_bind(task, i % num_online_cpus());
		wake_up_process(task);
		started++;
	}
	t = ktime_get_ns();
	complete_all(&start);
	for (i = 0; i < started; i++)
		wait_for_completion(&job[i].done);
	t = ktime_get_ns() - t;

	KUNIT_ASSERT_EQ(test, started, nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, job[i].ret, 0);
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.data_pages, PAR_PAGES);
	KUNIT_EXPECT_EQ(test, st.mapped[0], PAR_PAGES * SZ_4K);
	/* The root, one table per level down to 2 MiB, one per 2 MiB. */
	KUNIT_EXPECT_EQ(test, st.table_pages,
			axas_kt_cfg_root_pages(test->param_value) +
			axas_kt_cfg_top_level(test->param_value) - 1 +
			PAR_PAGES / 512);
	KUNIT_EXPECT_EQ(test, axas_unmap(as, PAR_BASE, PAR_PAGES * SZ_4K), 0);
	return t ? (u64)PAR_PAGES * NSEC_PER_SEC / t : 0;
}

static void fault_parallel_bench(struct kunit *test)
{
	const struct axas_kt_cfg *cfg = test->param_value;
	struct axas_space_cfg scfg = {
		.format = cfg->format, .ia_bits = cfg->ia_bits,
		.base = 0, .size = 1ULL << cfg->ia_bits,
	};
	const char *name = axas_format_name(cfg->format);
	struct axas_space *as;
	u64 r1, r2;

	as = axas_space_create(&scfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(as));
	r1 = par_run(test, as, 1);
	r2 = par_run(test, as, 2);
	axas_space_destroy(as);
	kunit_info(test, "BENCH %s.fault_parallel_1t %llu faults/s (emulated, %u CPUs)\n",
		   name, r1, num_online_cpus());
	kunit_info(test, "BENCH %s.fault_parallel_2t %llu faults/s (emulated, %u CPUs)\n",
		   name, r2, num_online_cpus());
	kunit_info(test, "BENCH %s.fault_parallel_speedup %llu.%02llu x (emulated)\n",
		   name, r1 ? r2 / r1 : 0, r1 ? r2 * 100 / r1 % 100 : 0);
}

static struct kunit_case stress_test_cases[] = {
	KUNIT_CASE_PARAM_ATTR(stress_test, axas_kt_fmt_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM(fault_parallel_bench, axas_kt_fmt_params),
	{}
};

static struct kunit_suite stress_test_suite = {
	.name = "axaddrspace_stress",
	.test_cases = stress_test_cases,
};

kunit_test_suites(&stress_test_suite);
