// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure injection: each step below is run with its first,
 * second, ... allocation failing (kmalloc, the IDA and the HAL share one
 * counter) until it runs without reaching the armed one. Every failed
 * attempt must return -ENOMEM and leave the space as it was: the model
 * checks return code, statistics, the pages around and the HAL and
 * kmalloc balances after each attempt.
 */
#include <stdlib.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "test.h"

struct step {
	const char *what;
	bool (*fn)(struct sess *s, const struct step *st);
	u64 a, b, c;	/* offsets and sizes, relative to the window */
	u32 flags;
};

static bool st_linear(struct sess *s, const struct step *st)
{
	/* a: guest, relative to base (or g1 with the top bit); b: size. */
	u64 gpa = (st->a >> 63 ? s->g1 : s->base) + (st->a & ~(1ULL << 63));

	return op_map_linear(s, gpa, (u64)(uintptr_t)m_host + st->c, st->b,
			     st->flags);
}

static bool st_alloc(struct sess *s, const struct step *st)
{
	return op_map_alloc(s, s->base + st->a, st->b, st->flags, st->c);
}

static bool st_fault(struct sess *s, const struct step *st)
{
	return op_fault(s, s->base + st->a, st->flags);
}

static bool st_protect(struct sess *s, const struct step *st)
{
	return op_protect(s, s->g1 + st->a, st->b, st->flags);
}

static bool st_unmap(struct sess *s, const struct step *st)
{
	return op_unmap(s, s->g1 + st->a, st->b);
}

static bool st_pages(struct sess *s, const struct step *st)
{
	/*
	 * a: guest, relative to g1; b: pages; c: contiguous pages from a
	 * 2 MiB aligned host address first, then scattered ones.
	 */
	u64 *pas = calloc(st->b, sizeof(*pas));
	u64 host = (u64)(uintptr_t)m_host, i;
	bool ok;

	if (!pas)
		abort();
	for (i = 0; i < st->b; i++)
		pas[i] = i < st->c ? host + 7 * M_2M + i * 4096 :
			 host + ((i * 7919) % 100000) * 4096;
	ok = op_map_pages(s, s->g1 + st->a, pas, st->b, st->flags);
	free(pas);
	return ok;
}

#define G1	BIT_ULL(63)
#define PG	4096ULL

static const struct step steps[] = {
	{ "lazy area", st_alloc, 8 * PG, 8 * PG, 0, AXAS_READ | AXAS_WRITE },
	{ "fault with tables", st_fault, 9 * PG, 0, 0, AXAS_WRITE },
	{ "fault, table present", st_fault, 12 * PG, 0, 0, AXAS_READ },
	{ "map_linear 4K", st_linear, 0, 4 * PG, 0,
	  AXAS_READ | AXAS_MAP_NOBLOCK },
	{ "map_alloc eager", st_alloc, 32 * PG, 40 * PG, 1, AXAS_READ },
	{ "map_linear blocks", st_linear, G1, M_1G + M_2M + PG, 0,
	  AXAS_READ | AXAS_WRITE },
	{ "protect, split 1G+2M", st_protect, 5 * M_2M + 3 * PG, 2 * PG, 0,
	  AXAS_READ },
	{ "unmap, split 2M", st_unmap, 7 * M_2M + 5 * PG, PG, 0, 0 },
	{ "unmap, split two 2M", st_unmap, 100 * M_2M + 4 * PG, M_2M, 0, 0 },
	{ "protect, two 2M", st_protect, 200 * M_2M + 4 * PG, M_2M + 8 * PG, 0,
	  AXAS_READ | AXAS_EXEC },
	{ "unmap 2M-aligned in the 1G", st_unmap, 300 * M_2M, 2 * M_2M, 0, 0 },
	{ "map_pages 2M and 4K", st_pages, 300 * M_2M, 512 + 3, 512,
	  AXAS_READ | AXAS_WRITE },
	{ "unmap pages, split 2M", st_unmap, 300 * M_2M + 5 * PG, 2 * PG, 0, 0 },
	{ "protect pages", st_protect, 300 * M_2M + 510 * PG, 4 * PG, 0,
	  AXAS_READ },
	{ "map_pages scattered", st_pages, 301 * M_2M + 8 * PG, 20, 0,
	  AXAS_READ | AXAS_EXEC },
};

struct inject_arg {
	struct t_cfg cfg;
	bool pool;
};

static bool t_inject(void *p)
{
	struct inject_arg *a = p;
	struct axas_uhal *uh = a->pool ?
		axas_uhal_pool_create(1ULL << 30, false, true) :
		axas_uhal_malloc_create(true);
	struct sess s;
	unsigned int i;
	bool ok;

	ok = sess_init(&s, a->cfg.format, a->cfg.ia_bits, 0, uh, 1);
	axas_uhal_set_inject(uh, true);
	s.full_every = 0;
	for (i = 0; ok && i < ARRAY_SIZE(steps); i++) {
		unsigned long n, failed;

		for (n = 1; ok; n++) {
			s.inject = true;
			axas_user_inject_arm(n);
			ok = steps[i].fn(&s, &steps[i]);
			failed = axas_user_inject_failed();
			axas_user_inject_arm(0);
			s.inject = false;
			if (!ok) {
				fprintf(stderr,
					"  step \"%s\", allocation %lu failed\n",
					steps[i].what, n);
				break;
			}
			if (failed && s.last_ret != -ENOMEM) {
				ok = sess_fail(&s,
					       "step %s: allocation %lu failed, returned %d",
					       steps[i].what, n,
					       s.last_ret);
				break;
			}
			ok = sess_full_check(&s, false);
			if (!failed)
				break;	/* ran to completion */
			if (n > 5000) {
				ok = sess_fail(&s, "step %s: no end", steps[i].what);
				break;
			}
		}
		if (t_verbose > 1)
			printf("    %s: %lu allocations\n", steps[i].what, n - 1);
	}
	if (ok)
		ok = sess_full_check(&s, true);
	ok = sess_fini(&s) && ok;
	axas_uhal_destroy(uh);
	return ok;
}

/* Creation: -ENOMEM at every allocation, nothing leaked, VMID returned. */
static bool t_inject_create(void *p)
{
	struct inject_arg *a = p;
	struct axas_uhal *uh = axas_uhal_pool_create(16 << 20, false, true);
	struct axas_space_cfg cfg = {
		.format = a->cfg.format, .ia_bits = a->cfg.ia_bits,
		.size = 1ULL << 30, .hal = axas_uhal_hal(uh),
	};
	struct axas_uhal_stats st;
	struct axas_space *as;
	unsigned long n;
	bool ok = true;

	axas_uhal_set_inject(uh, true);
	for (n = 1; ok && n < 100; n++) {
		unsigned long failed;

		axas_user_inject_arm(n);
		as = axas_space_create(&cfg);
		failed = axas_user_inject_failed();
		axas_user_inject_arm(0);
		if (!failed) {
			ok &= T_CHECK(!IS_ERR(as), "%ld", PTR_ERR(as));
			if (!IS_ERR(as))
				axas_space_destroy(as);
			break;
		}
		ok &= T_CHECK(IS_ERR(as) && PTR_ERR(as) == -ENOMEM,
			      "allocation %lu failed: %ld", n, PTR_ERR(as));
		if (!IS_ERR(as))
			axas_space_destroy(as);
		axas_uhal_stats(uh, &st);
		ok &= T_CHECK(!st.live_pages,
			      "allocation %lu failed: %ld pages leaked",
			      n, st.live_pages);
	}
	axas_uhal_destroy(uh);
	return ok;
}

void suite_inject(t_run_fn run)
{
	unsigned int c;

	for (c = 0; c < t_nr_cfgs; c++) {
		struct inject_arg a = { .cfg = t_cfgs[c], .pool = c & 1 };
		char name[80];

		snprintf(name, sizeof(name), "inject %s/%u %s",
			 axas_format_name(a.cfg.format), a.cfg.ia_bits,
			 a.pool ? "pool" : "malloc");
		run(name, t_inject, &a);
		snprintf(name, sizeof(name), "inject create %s/%u",
			 axas_format_name(a.cfg.format), a.cfg.ia_bits);
		run(name, t_inject_create, &a);
	}
}
