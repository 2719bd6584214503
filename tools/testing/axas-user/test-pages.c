// SPDX-License-Identifier: GPL-2.0
/*
 * axas_map_pages(): frames the caller owns, mapped page by page (suite
 * "pages"). Each case runs on every configuration through the model, which
 * checks every call against translate and the reference decoder; on top,
 * the leaf sizes that matter are checked against the decoder directly, and
 * the frames are checked to survive unmap, clear and destroy untouched.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "refdec.h"
#include "test.h"

#define PG	M_PAGE
#define RW	(AXAS_READ | AXAS_WRITE)

/* Level of the leaf the reference decoder finds at @gpa, or -1. */
static int dec_level(struct sess *s, u64 gpa, u64 *hpa)
{
	struct refdec_leaf rl;
	const char *why;

	if (refdec_translate(s->format, &s->regs, gpa, &rl, &why))
		return -1;
	if (hpa)
		*hpa = rl.hpa;
	return rl.level;
}

static u64 host(u64 off)
{
	return (u64)(uintptr_t)m_host + off;
}

/*
 * 2 MiB + 2 MiB + 5 pages at a 2 MiB aligned guest address: the first
 * 512 contiguous from a 2 MiB aligned host address (one 2 MiB leaf), the
 * next 512 contiguous but 4 KiB off (4 KiB leaves), then scattered ones.
 */
static void fill_mixed(u64 *pas, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		pas[i] = i < 512 ? host(6 * M_2M + i * PG) :
			 i < 1024 ? host(10 * M_2M + PG + (i - 512) * PG) :
			 host((3 + 17 * i) * PG);
}

static bool t_pages(void *arg)
{
	const struct t_cfg *cfg = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	const unsigned long nr = 1024 + 5;
	u64 *pas = calloc(nr, sizeof(*pas)), gpa, hpa;
	static u8 keep[2 * PG];
	struct sess s;
	bool ok;

	if (!pas)
		abort();
	ok = sess_init(&s, cfg->format, cfg->ia_bits, 0, uh, 7);
	gpa = s.g1 + 2 * M_2M;
	fill_mixed(pas, nr);

	/* Leaves: 2 MiB where contiguous and aligned, 4 KiB elsewhere. */
	ok = ok && op_map_pages(&s, gpa, pas, nr, RW);
	ok = ok && T_CHECK(dec_level(&s, gpa + 0x1234, &hpa) == 1 &&
			   hpa == host(6 * M_2M + 0x1234), "");
	ok = ok && T_CHECK(dec_level(&s, gpa + M_2M, &hpa) == 0 &&
			   hpa == host(10 * M_2M + PG), "");
	ok = ok && T_CHECK(dec_level(&s, gpa + 1024 * PG + 7, &hpa) == 0 &&
			   hpa == host((3 + 17 * 1024) * PG) + 7, "");

	/* The same with NOBLOCK: 4 KiB leaves only. */
	ok = ok && op_map_pages(&s, gpa + 4 * M_2M, pas, 512,
				RW | AXAS_MAP_NOBLOCK);
	ok = ok && T_CHECK(dec_level(&s, gpa + 4 * M_2M + 0x1234, &hpa) == 0 &&
			   hpa == host(6 * M_2M + 0x1234), "");

	/* One page out of line in the middle: no 2 MiB leaf. */
	pas[300] = host(PG);
	ok = ok && op_map_pages(&s, gpa + 6 * M_2M, pas, 512, RW);
	ok = ok && T_CHECK(dec_level(&s, gpa + 6 * M_2M, NULL) == 0 &&
			   dec_level(&s, gpa + 6 * M_2M + 300 * PG, &hpa) == 0 &&
			   hpa == host(PG), "");
	fill_mixed(pas, nr);

	/* Guest memory through the caller's frames, across the leaves. */
	ok = ok && op_write(&s, gpa + M_2M - 100, 8 * PG);
	ok = ok && op_read(&s, gpa + M_2M - 100, 8 * PG);
	ok = ok && op_write(&s, gpa + 1024 * PG - 1, 2);

	/* Faults: present pages are spurious, forbidden access -EACCES. */
	ok = ok && op_fault(&s, gpa + 5, AXAS_READ | AXAS_WRITE);
	ok = ok && op_fault(&s, gpa + 5, AXAS_EXEC);

	/* Errors: overlap, bad host addresses, bad counts and flags. */
	ok = ok && op_map_pages(&s, gpa + M_2M + 3 * PG, pas, 1, RW);
	pas[1] += 0x800;
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M, pas, 2, RW);
	pas[1] = s.pa_limit;
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M, pas, 2, RW);
	fill_mixed(pas, nr);
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M, pas, 0, RW);
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M + 8, pas, 1, RW);
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M, pas, 1, RW | AXAS_DEVICE);
	ok = ok && op_map_pages(&s, gpa + 8 * M_2M, pas, 1, AXAS_WRITE);
	ok = ok && op_map_pages(&s, s.end - PG, pas, 2, RW);
	ok = ok && T_CHECK(axas_map_pages(s.as, gpa + 8 * M_2M, pas, ~0UL, RW) ==
			   -ERANGE, "");
	ok = ok && T_CHECK(axas_map_pages(s.as, gpa + 8 * M_2M, pas,
					  (~0UL >> 12) + 2, RW) == -ERANGE, "");

	/* Protect and unmap cutting the 2 MiB leaf: it splits. */
	ok = ok && op_protect(&s, gpa + 8 * PG, 2 * PG, AXAS_READ);
	ok = ok && T_CHECK(dec_level(&s, gpa, NULL) == 0, "");
	ok = ok && op_unmap(&s, gpa + 16 * PG, PG);
	ok = ok && op_fault(&s, gpa + 16 * PG, AXAS_READ);
	ok = ok && op_unmap(&s, gpa + 4 * M_2M + 3 * PG, 500 * PG);

	/* What was written stays in the frames the space let go of. */
	memcpy(keep, (void *)(uintptr_t)host(7 * M_2M - PG), PG);
	memcpy(keep + PG, (void *)(uintptr_t)host(10 * M_2M + PG), PG);
	ok = ok && op_unmap(&s, gpa + M_2M - PG, 2 * PG);
	ok = ok && T_CHECK(!memcmp(keep, (void *)(uintptr_t)host(7 * M_2M - PG),
				   PG) &&
			   !memcmp(keep + PG,
				   (void *)(uintptr_t)host(10 * M_2M + PG), PG),
			   "");

	ok = ok && sess_full_check(&s, true);
	ok = ok && op_clear(&s);
	/* Destroy with pages mapped: sess_fini checks nothing was freed. */
	ok = ok && op_map_pages(&s, gpa, pas, nr, RW);
	ok = sess_fini(&s) && ok;
	axas_uhal_destroy(uh);
	free(pas);
	return ok;
}

/*
 * Frames that come from the very allocator the space uses: a wrong free
 * would be a valid one there, so the HAL's books show it. The frames must
 * stay allocated, with their content, through unmap, clear and destroy.
 */
static bool t_pages_hal_frames(void *arg)
{
	const struct t_cfg *cfg = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	const struct axas_hal *hal = axas_uhal_hal(uh);
	struct axas_space_cfg sc = {
		.format = cfg->format, .ia_bits = cfg->ia_bits,
		.size = 1ULL << 32, .hal = hal,
	};
	struct axas_uhal_stats st;
	struct axas_translation tr;
	phys_addr_t pas[16];
	struct axas_space *as;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		void *va = hal->ops->alloc(hal->priv, 0);

		if (!va)
			abort();
		memset(va, 0x40 + i, PG);
		pas[i] = hal->ops->virt_to_phys(hal->priv, va);
	}
	as = axas_space_create(&sc);
	ok &= T_CHECK(!IS_ERR(as), "%ld", PTR_ERR(as));
	if (IS_ERR(as))
		goto out;
	ok &= T_CHECK(!axas_map_pages(as, 0x200000, pas, 16, RW), "");
	ok &= T_CHECK(!axas_map_pages(as, 0x400000, pas + 4, 4, AXAS_READ), "");
	ok &= T_CHECK(!axas_translate(as, 0x200000 + 5 * PG + 9, &tr) &&
		      tr.hpa == pas[5] + 9 && tr.leaf_size == PG &&
		      tr.flags == RW, "");
	ok &= T_CHECK(!axas_unmap(as, 0x200000 + 2 * PG, 4 * PG), "");
	ok &= T_CHECK(axas_translate(as, 0x200000 + 2 * PG, &tr) == -ENOENT, "");
	for (i = 0; i < 16; i++)
		ok &= T_CHECK(axas_uhal_alloc_order(uh, pas[i]) == 0,
			      "frame %u freed by unmap", i);
	axas_clear(as);
	ok &= T_CHECK(!axas_map_pages(as, 0x200000, pas, 16, RW), "");
	axas_space_destroy(as);
	axas_uhal_stats(uh, &st);
	ok &= T_CHECK(st.live_pages == 16 && st.live_allocs == 16 && !st.bad,
		      "live %ld allocs %ld bad %lu", st.live_pages,
		      st.live_allocs, st.bad);
out:
	for (i = 0; i < 16; i++) {
		u8 *va = hal->ops->phys_to_virt(hal->priv, pas[i]);
		unsigned int j;

		ok &= T_CHECK(axas_uhal_alloc_order(uh, pas[i]) == 0,
			      "frame %u freed", i);
		for (j = 0; j < PG; j++)
			if (va[j] != 0x40 + i)
				break;
		ok &= T_CHECK(j == PG, "frame %u changed at %u", i, j);
		hal->ops->free(hal->priv, va, 0);
	}
	axas_uhal_destroy(uh);
	return ok;
}

void suite_pages(t_run_fn run)
{
	unsigned int c;
	char name[80];

	for (c = 0; c < t_nr_cfgs; c++) {
		snprintf(name, sizeof(name), "pages %s/%u",
			 axas_format_name(t_cfgs[c].format), t_cfgs[c].ia_bits);
		run(name, t_pages, (void *)&t_cfgs[c]);
		snprintf(name, sizeof(name), "pages hal-frames %s/%u",
			 axas_format_name(t_cfgs[c].format), t_cfgs[c].ia_bits);
		run(name, t_pages_hal_frames, (void *)&t_cfgs[c]);
	}
}
