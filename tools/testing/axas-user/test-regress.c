// SPDX-License-Identifier: GPL-2.0
/*
 * Minimised reproductions of core bugs the other suites found, each
 * named after what it shows. They stay as regression tests once fixed.
 */
#include <stdlib.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "refdec.h"
#include "test.h"

/*
 * EPT accepted ia_bits 32..38, where ept_geometry() computed
 * 1U << (ia_bits - 39): a negative shift count (UBSan). Either the width
 * is refused (the header documents 48 and 57) or it works.
 */
static bool t_ept_narrow(void *arg)
{
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	struct axas_space_cfg cfg = {
		.format = AXAS_FMT_EPT, .ia_bits = 36, .size = 1ULL << 32,
		.hal = axas_uhal_hal(uh),
	};
	struct axas_translation tr;
	struct axas_space *as;
	bool ok = true;

	(void)arg;
	as = axas_space_create(&cfg);
	if (!IS_ERR(as)) {
		ok &= T_CHECK(!axas_map_linear(as, 0x200000, 0x200000, 0x1000,
					       AXAS_READ), "");
		ok &= T_CHECK(!axas_translate(as, 0x200000, &tr) &&
			      tr.hpa == 0x200000, "");
		axas_space_destroy(as);
	} else {
		ok &= T_CHECK(PTR_ERR(as) == -EINVAL, "%ld", PTR_ERR(as));
	}
	axas_uhal_destroy(uh);
	return ok;
}

static struct axas_space *mk(struct axas_uhal *uh, u32 format, u32 ia,
			     u64 base, u64 size)
{
	struct axas_space_cfg cfg = {
		.format = format, .ia_bits = ia, .base = base, .size = size,
		.hal = axas_uhal_hal(uh),
	};
	struct axas_space *as = axas_space_create(&cfg);

	return IS_ERR(as) ? NULL : as;
}

/*
 * Unmapping a range that covers a whole table whose entries are tables
 * themselves: zap invalidates the covering entry without descending, and
 * the reaper then freed only tables whose own entry was zapped, so the
 * valid tables below (here the 512 4 KiB-level tables under the 1 GiB
 * entry) leaked, and table_pages never came back down.
 */
static bool t_reap_nested(void *arg)
{
	const struct t_cfg *c = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	struct axas_space *as = mk(uh, c->format, c->ia_bits, 0, 4ULL << 30);
	struct axas_uhal_stats hs0, hs;
	struct axas_stats st0, st;
	bool ok = true;

	if (!T_CHECK(as, ""))
		return false;
	axas_get_stats(as, &st0);
	axas_uhal_stats(uh, &hs0);
	/* Host 4 KiB off the 2 MiB congruence: 4 KiB leaves only. */
	ok &= T_CHECK(!axas_map_linear(as, 1ULL << 30, (1ULL << 30) + 4096,
				       1ULL << 30, AXAS_READ), "");
	ok &= T_CHECK(!axas_unmap(as, 1ULL << 30, 1ULL << 30), "");
	axas_get_stats(as, &st);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(st.table_pages == st0.table_pages &&
		      hs.live_pages == hs0.live_pages,
		      "after unmapping the whole 1 GiB: table_pages %llu (was %llu), HAL pages %ld (was %ld)",
		      st.table_pages, st0.table_pages, hs.live_pages, hs0.live_pages);
	/* Destroy unmaps the whole space, and so met the same leak. */
	ok &= T_CHECK(!axas_map_linear(as, 1ULL << 30, (1ULL << 30) + 4096,
				       4 << 20, AXAS_READ), "");
	axas_space_destroy(as);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(!hs.live_pages, "destroy leaked %ld pages", hs.live_pages);
	axas_uhal_destroy(uh);
	return ok;
}

/*
 * AXAS_MAP_NOBLOCK on axas_map_linear(): axas_map() stores the flags in
 * the area without AXAS_MAP_NOBLOCK and axas_map_area() maps with the
 * area's flags, so blocks were used anyway.
 */
static bool t_noblock(void *arg)
{
	const struct t_cfg *c = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	struct axas_space *as = mk(uh, c->format, c->ia_bits, 0, 4ULL << 30);
	struct axas_translation tr;
	struct axas_stats st;
	bool ok = true;

	if (!T_CHECK(as, ""))
		return false;
	ok &= T_CHECK(!axas_map_linear(as, 2 << 20, 2 << 20, 2 << 20,
				       AXAS_READ | AXAS_MAP_NOBLOCK), "");
	ok &= T_CHECK(!axas_translate(as, 2 << 20, &tr), "");
	ok &= T_CHECK(tr.leaf_size == 4096, "NOBLOCK map has a %#llx leaf",
		      tr.leaf_size);
	axas_get_stats(as, &st);
	ok &= T_CHECK(st.mapped[0] == 2 << 20 && !st.mapped[1],
		      "mapped 4K %#llx 2M %#llx", st.mapped[0], st.mapped[1]);
	axas_space_destroy(as);
	axas_uhal_destroy(uh);
	return ok;
}

/*
 * Spaces as wide as their format: clear() and destroy() cover whole root
 * entries, which zap then invalidates at the root, so everything below
 * goes through the reaper's handling of zapped subtrees.
 */
static bool t_full_width(void *arg)
{
	const struct t_cfg *c = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	u64 top = 1ULL << c->ia_bits;
	struct axas_space *as = mk(uh, c->format, c->ia_bits, 0, top);
	struct axas_uhal_stats hs0, hs;
	struct axas_stats st0, st;
	bool ok = true;
	int round;

	if (!T_CHECK(as, ""))
		return false;
	axas_get_stats(as, &st0);
	axas_uhal_stats(uh, &hs0);
	for (round = 0; round < 2; round++) {
		ok &= T_CHECK(!axas_map_linear(as, 0, 4096, 8 << 20, AXAS_READ), "");
		ok &= T_CHECK(!axas_map_alloc(as, top - (4 << 20), 4 << 20,
					      AXAS_READ, true), "");
		ok &= T_CHECK(!axas_map_linear(as, top / 2 - (2 << 20), 0,
					       4 << 20, AXAS_READ), "");
		ok &= T_CHECK(!axas_map_alloc(as, top / 4, top / 16, AXAS_READ,
					      false), "");
		ok &= T_CHECK(!axas_handle_fault(as, top / 4 + (5 << 20),
						 AXAS_READ), "");
		if (round)
			break;
		axas_clear(as);
		axas_get_stats(as, &st);
		axas_uhal_stats(uh, &hs);
		ok &= T_CHECK(st.table_pages == st0.table_pages &&
			      hs.live_pages == hs0.live_pages && !st.data_pages &&
			      !st.mapped[0] && !st.mapped[1] && !st.mapped[2],
			      "after clear: table_pages %llu (was %llu), HAL pages %ld (was %ld)",
			      st.table_pages, st0.table_pages, hs.live_pages, hs0.live_pages);
	}
	axas_space_destroy(as);
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(!hs.live_pages, "destroy leaked %ld pages", hs.live_pages);
	axas_uhal_destroy(uh);
	return ok;
}

void suite_regress(t_run_fn run)
{
	static const struct t_cfg cfgs[] = {
		{ AXAS_FMT_EPT, 48 }, { AXAS_FMT_ARM_S2, 40 },
		{ AXAS_FMT_RISCV_GSTAGE, 41 }, { AXAS_FMT_AMD_NPT, 48 },
	};
	unsigned int i;
	char name[64];

	run("regress ept-narrow", t_ept_narrow, NULL);
	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		snprintf(name, sizeof(name), "regress reap-nested %s/%u",
			 axas_format_name(cfgs[i].format), cfgs[i].ia_bits);
		run(name, t_reap_nested, (void *)&cfgs[i]);
		snprintf(name, sizeof(name), "regress noblock %s/%u",
			 axas_format_name(cfgs[i].format), cfgs[i].ia_bits);
		run(name, t_noblock, (void *)&cfgs[i]);
	}
	for (i = 0; i < t_nr_cfgs; i++) {
		snprintf(name, sizeof(name), "regress full-width %s/%u",
			 axas_format_name(t_cfgs[i].format), t_cfgs[i].ia_bits);
		run(name, t_full_width, (void *)&t_cfgs[i]);
	}
}
