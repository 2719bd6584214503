// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic cases: argument checking, VMIDs, register values, the
 * default HAL (suite "api"), and exact entry encodings (suite "bits").
 */
#include <stdlib.h>
#include <string.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "refdec.h"
#include "test.h"

/*
 * Widths the formats accept: EPT 48 and 57 (the walk lengths), Stage-2
 * anything from 32 to 48 (T0SZ), G-stage 41 and 50 (Sv39x4, Sv48x4), NPT
 * 48 only (4-level long-mode tables).
 */
static const u32 fmt_min[AXAS_FMT_COUNT] = { 48, 32, 41, 48 };
static const u32 fmt_max[AXAS_FMT_COUNT] = { 57, 48, 50, 48 };

static bool width_ok(u32 f, u32 ia)
{
	if (f == AXAS_FMT_ARM_S2)
		return ia >= 32 && ia <= 48;
	return ia == fmt_min[f] || ia == fmt_max[f];
}

static int create_err(u32 format, u32 ia, u64 base, u64 size, u32 flags,
		      const struct axas_hal *hal)
{
	struct axas_space_cfg cfg = {
		.format = format, .ia_bits = ia, .base = base, .size = size,
		.flags = flags, .hal = hal,
	};
	struct axas_space *as = axas_space_create(&cfg);

	if (IS_ERR(as))
		return PTR_ERR(as);
	axas_space_destroy(as);
	return 0;
}

static bool t_create_args(void *arg)
{
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	const struct axas_hal *hal = axas_uhal_hal(uh);
	struct axas_hal_ops ops_nofree = *hal->ops;
	struct axas_hal bad = { .ops = &ops_nofree, .priv = hal->priv };
	struct axas_hal noops = { .ops = NULL };
	struct axas_uhal_stats st;
	bool ok = true;
	int e;
	u32 f;

	(void)arg;
	ops_nofree.free = NULL;
	ok &= T_CHECK(create_err(AXAS_FMT_COUNT, 48, 0, 4096, 0, hal) == -EINVAL, "");
	ok &= T_CHECK(create_err(~0U, 48, 0, 4096, 0, hal) == -EINVAL, "");
	for (f = 0; f < AXAS_FMT_COUNT; f++) {
		u32 lo = fmt_min[f], hi = fmt_max[f];

		for (u32 ia = 0; ia <= 64; ia++)
			ok &= T_CHECK((e = create_err(f, ia, 0, 4096, 0, hal)) ==
				      (width_ok(f, ia) ? 0 : -EINVAL),
				      "f%u ia %u: %d", f, ia, e);
		ok &= T_CHECK(create_err(f, hi, 0, 0, 0, hal) == -EINVAL, "f%u", f);
		ok &= T_CHECK(create_err(f, hi, 4095, 4096, 0, hal) == -EINVAL, "f%u", f);
		ok &= T_CHECK(create_err(f, hi, 0, 4097, 0, hal) == -EINVAL, "f%u", f);
		/* The first undefined flag; the test hook, which every format has. */
		ok &= T_CHECK(create_err(f, hi, 0, 4096, 4, hal) == -EINVAL, "f%u", f);
		ok &= T_CHECK((e = create_err(f, hi, 0, 4096, AXAS_CFG_TEST_WRONG_LEAF,
					      hal)) == 0,
			      "f%u: %d", f, e);
		ok &= T_CHECK(create_err(f, hi, 0, 4096, 0, &bad) == -EINVAL, "f%u", f);
		ok &= T_CHECK(create_err(f, hi, 0, 4096, 0, &noops) == -EINVAL, "f%u", f);
		ok &= T_CHECK(create_err(f, hi, 1ULL << hi, 4096, 0, hal) == -ERANGE, "f%u", f);
		ok &= T_CHECK(create_err(f, hi, (1ULL << hi) - 4096, 8192, 0, hal) == -ERANGE,
			      "f%u",
			      f);
		ok &= T_CHECK(create_err(f, hi, ~0ULL - 4095, 8192, 0, hal) == -ERANGE, "f%u", f);
		ok &= T_CHECK((e = create_err(f, hi, 0, 1ULL << hi, 0, hal)) == 0,
			      "f%u: %d", f, e);
		ok &= T_CHECK((e = create_err(f, lo, 0, 1ULL << lo, 0, hal)) == 0,
			      "f%u: %d", f, e);
		ok &= T_CHECK((e = create_err(f, lo, (1ULL << lo) - 4096, 4096, 0,
					     hal)) == 0, "f%u: %d", f, e);
		ok &= T_CHECK(create_err(f, hi, 0, 4096, AXAS_CFG_EPT_AD, hal) ==
			      (f == AXAS_FMT_EPT ? 0 : -EINVAL), "f%u", f);
	}
	axas_uhal_stats(uh, &st);
	ok &= T_CHECK(!st.live_pages && !st.bad, "live %ld bad %lu",
		      st.live_pages, st.bad);
	axas_uhal_destroy(uh);
	return ok;
}

static bool t_names(void *arg)
{
	bool ok = true;

	(void)arg;
	ok &= T_CHECK(!strcmp(axas_format_name(AXAS_FMT_EPT), "ept"), "");
	ok &= T_CHECK(!strcmp(axas_format_name(AXAS_FMT_ARM_S2), "arm-s2"), "");
	ok &= T_CHECK(!strcmp(axas_format_name(AXAS_FMT_RISCV_GSTAGE),
			      "riscv-gstage"), "");
	ok &= T_CHECK(!strcmp(axas_format_name(AXAS_FMT_AMD_NPT), "amd-npt"), "");
	ok &= T_CHECK(!axas_format_name(AXAS_FMT_COUNT), "");
	ok &= T_CHECK(!axas_format_name(~0U), "");
	axas_space_destroy(NULL);
	return ok;
}

/* VMIDs: non-zero, distinct, reused after destroy, -ENOSPC at the end. */
static bool t_vmids(void *arg)
{
	static struct axas_space *as[256];
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	struct axas_space_cfg cfg = {
		.format = AXAS_FMT_ARM_S2, .ia_bits = 40, .size = 1ULL << 30,
		.hal = axas_uhal_hal(uh),
	};
	bool seen[256] = { false }, ok = true;
	struct axas_uhal_stats st;
	struct axas_hw_regs regs;
	struct axas_space *extra;
	unsigned int i, n = 0;

	(void)arg;
	for (i = 0; i < 255; i++) {
		as[i] = axas_space_create(&cfg);
		if (!T_CHECK(!IS_ERR(as[i]), "space %u: %ld", i, PTR_ERR(as[i]))) {
			ok = false;
			break;
		}
		n++;
		ok &= T_CHECK(axas_vmid(as[i]) && axas_vmid(as[i]) < 256 &&
			      !seen[axas_vmid(as[i])], "vmid %u", axas_vmid(as[i]));
		seen[axas_vmid(as[i]) & 255] = true;
		axas_hw_regs(as[i], &regs);
		ok &= T_CHECK(regs.root >> 48 == axas_vmid(as[i]),
			      "VTTBR %#llx vmid %u", regs.root, axas_vmid(as[i]));
	}
	if (ok) {
		u16 v = axas_vmid(as[100]);

		extra = axas_space_create(&cfg);
		ok &= T_CHECK(IS_ERR(extra) && PTR_ERR(extra) == -ENOSPC,
			      "256th S2 space: %ld", PTR_ERR(extra));
		if (!IS_ERR(extra))
			axas_space_destroy(extra);
		axas_space_destroy(as[100]);
		as[100] = axas_space_create(&cfg);
		ok &= T_CHECK(!IS_ERR(as[100]) && axas_vmid(as[100]) == v,
			      "VMID %u not reused", v);
		if (IS_ERR(as[100]))
			as[100] = NULL;
	}
	for (i = 0; i < n; i++)
		axas_space_destroy(as[i]);
	axas_uhal_stats(uh, &st);
	ok &= T_CHECK(!st.live_pages, "%ld pages leaked", st.live_pages);

	/* The other formats: distinct, non-zero, in their register. */
	for (cfg.format = 0; cfg.format < AXAS_FMT_COUNT; cfg.format++) {
		struct axas_space *a, *b;

		if (cfg.format == AXAS_FMT_ARM_S2)
			continue;
		cfg.ia_bits = fmt_min[cfg.format];
		a = axas_space_create(&cfg);
		b = axas_space_create(&cfg);
		if (!T_CHECK(!IS_ERR(a) && !IS_ERR(b), "")) {
			ok = false;
			continue;
		}
		ok &= T_CHECK(axas_vmid(a) && axas_vmid(b) &&
			      axas_vmid(a) != axas_vmid(b), "");
		if (cfg.format == AXAS_FMT_RISCV_GSTAGE) {
			axas_hw_regs(a, &regs);
			ok &= T_CHECK(((regs.root >> 44) & 0x3fff) == axas_vmid(a),
				      "hgatp %#llx", regs.root);
		}
		axas_space_destroy(a);
		axas_space_destroy(b);
	}
	axas_uhal_destroy(uh);
	return ok;
}

/* Register values and the root's size, for every configuration. */
static bool t_regs(void *arg)
{
	struct axas_uhal *uh = axas_uhal_pool_create(64 << 20, false, true);
	bool ok = true;
	unsigned int c;

	(void)arg;
	for (c = 0; c < t_nr_cfgs; c++) {
		const struct t_cfg *tc = &t_cfgs[c];
		struct axas_space_cfg cfg = {
			.format = tc->format, .ia_bits = tc->ia_bits,
			.size = 1ULL << 30, .hal = axas_uhal_hal(uh),
		};
		struct refdec_geo geo;
		struct axas_hw_regs regs;
		struct axas_stats st;
		struct axas_space *as;
		const char *why;
		unsigned int levels, root_pages, order = 0;

		for (int ad = 0; ad < 1 + (tc->format == AXAS_FMT_EPT); ad++) {
			cfg.flags = ad ? AXAS_CFG_EPT_AD : 0;
			as = axas_space_create(&cfg);
			if (!T_CHECK(!IS_ERR(as), "%u/%u", tc->format, tc->ia_bits)) {
				ok = false;
				continue;
			}
			axas_hw_regs(as, &regs);
			axas_get_stats(as, &st);
			if (!T_CHECK(!refdec_regs(tc->format, &regs, &geo, &why),
				     "%s/%u: %s", axas_format_name(tc->format),
				     tc->ia_bits, why)) {
				ok = false;
				axas_space_destroy(as);
				continue;
			}
			switch (tc->format) {
			case AXAS_FMT_EPT:
				levels = tc->ia_bits <= 48 ? 4 : 5;
				root_pages = 1;
				ok &= T_CHECK(!!(regs.root & BIT(6)) == ad,
					      "EPTP %#llx A/D", regs.root);
				ok &= T_CHECK(regs.ctl == 0, "");
				break;
			case AXAS_FMT_ARM_S2: {
				unsigned int sl = tc->ia_bits <= 34 ? 2 :
						  tc->ia_bits <= 43 ? 1 : 0;
				unsigned int bits = tc->ia_bits -
						    (12 + 9 * (3 - sl));

				levels = 4 - sl;
				root_pages = bits > 9 ? 1U << (bits - 9) : 1;
				ok &= T_CHECK((regs.ctl & 0x3f) == 64 - tc->ia_bits,
					      "T0SZ");
				ok &= T_CHECK(((regs.ctl >> 6) & 3) == 2 - sl,
					      "SL0 %llu for ia %u",
					      (regs.ctl >> 6) & 3, tc->ia_bits);
				break;
			}
			case AXAS_FMT_AMD_NPT:
				/* nCR3: the PML4 address alone, no ASID. */
				levels = 4;
				root_pages = 1;
				ok &= T_CHECK(!(regs.root & 0xfff) && regs.ctl == 0,
					      "nCR3 %#llx ctl %#llx", regs.root,
					      regs.ctl);
				break;
			default:
				levels = tc->ia_bits <= 41 ? 3 : 4;
				root_pages = 4;
				ok &= T_CHECK(regs.root >> 60 == (levels == 3 ? 8 : 9),
					      "hgatp mode");
				break;
			}
			while ((1U << order) < root_pages)
				order++;
			ok &= T_CHECK(geo.levels == levels && geo.root_pages == root_pages,
				      "%s/%u: levels %u root pages %u",
				      axas_format_name(tc->format), tc->ia_bits,
				      geo.levels, geo.root_pages);
			ok &= T_CHECK(st.table_pages == root_pages,
				      "table_pages %llu", st.table_pages);
			ok &= T_CHECK(axas_uhal_alloc_order(uh, geo.root_pa) ==
				      (int)order, "root %#llx order %d", geo.root_pa,
				      axas_uhal_alloc_order(uh, geo.root_pa));
			ok &= T_CHECK(!(geo.root_pa & ((4096ULL << order) - 1)),
				      "root %#llx not aligned", geo.root_pa);
			axas_space_destroy(as);
		}
	}
	axas_uhal_destroy(uh);
	return ok;
}

/* cfg->hal == NULL: the default HAL (a debug malloc here). */
static bool t_default_hal(void *arg)
{
	struct axas_space_cfg cfg = {
		.format = AXAS_FMT_EPT, .ia_bits = 48, .size = 1ULL << 32,
	};
	struct axas_uhal_stats st0, st;
	struct axas_space *as;
	bool ok = true;

	(void)arg;
	axas_uhal_stats(axas_uhal_default(), &st0);
	as = axas_space_create(&cfg);
	if (!T_CHECK(!IS_ERR(as), "%ld", PTR_ERR(as)))
		return false;
	ok &= T_CHECK(!axas_map_alloc(as, 0x200000, 0x10000, AXAS_READ, true), "");
	ok &= T_CHECK(!axas_handle_fault(as, 0x200000, AXAS_READ), "");
	axas_uhal_stats(axas_uhal_default(), &st);
	ok &= T_CHECK(st.live_pages - st0.live_pages == 1 + 3 + 16,
		      "%ld pages", st.live_pages - st0.live_pages);
	axas_space_destroy(as);
	axas_uhal_stats(axas_uhal_default(), &st);
	ok &= T_CHECK(st.live_pages == st0.live_pages && !st.bad, "");
	return ok;
}

/*
 * Thousands of small areas, made in a shuffled order, then split by
 * protect and unmap: every page's fault answer must match a flat model of
 * which areas cover it. Exercises the area index on a scale the model
 * suite's few areas do not.
 */
#define MANY_AREAS	3000
#define MANY_PAGES	(3 * MANY_AREAS)	/* 2 mapped, 1 gap each */

enum { MANY_NONE, MANY_RO, MANY_RW };

static bool many_expect(struct axas_space *as, const u8 *model, u64 base,
			const char *when)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < MANY_PAGES && ok; i++) {
		int want = model[i] == MANY_NONE ? -ENOENT :
			   model[i] == MANY_RO ? -EACCES : 0;
		int got = axas_handle_fault(as, base + i * 4096ULL, AXAS_WRITE);

		ok &= T_CHECK(got == want, "%s: page %u: fault %d, want %d",
			      when, i, got, want);
	}
	return ok;
}

static bool t_many_areas(void *arg)
{
	struct axas_uhal *uh = axas_uhal_pool_create(64 << 20, false, true);
	struct axas_space_cfg cfg = {
		.format = AXAS_FMT_EPT, .ia_bits = 48, .size = 1ULL << 32,
		.hal = axas_uhal_hal(uh),
	};
	const u64 base = 1ULL << 30, pg = 4096;
	unsigned int *order = calloc(MANY_AREAS, sizeof(*order));
	u8 *model = calloc(MANY_PAGES, 1);
	struct axas_uhal_stats hs;
	struct axas_space *as;
	unsigned int i, j, t;
	u64 rnd = 12345;
	bool ok = true;

	(void)arg;
	as = axas_space_create(&cfg);
	if (!T_CHECK(!IS_ERR(as) && order && model, ""))
		goto out;
	for (i = 0; i < MANY_AREAS; i++)
		order[i] = i;
	for (i = MANY_AREAS - 1; i > 0; i--) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (rnd >> 33) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < MANY_AREAS && ok; i++) {
		u64 gpa = base + order[i] * 3 * pg;

		ok &= T_CHECK(!axas_map_alloc(as, gpa, 2 * pg,
					      AXAS_READ | AXAS_WRITE, false),
			      "area %u", order[i]);
		model[order[i] * 3] = MANY_RW;
		model[order[i] * 3 + 1] = MANY_RW;
	}
	/* Overlaps are refused, gaps are free. */
	ok &= T_CHECK(axas_map_alloc(as, base + pg, 2 * pg, AXAS_READ, false) ==
		      -EEXIST, "");
	ok &= T_CHECK(axas_map_alloc(as, base + 2 * pg, 2 * pg, AXAS_READ,
				     false) == -EEXIST, "");
	ok &= many_expect(as, model, base, "made");

	/*
	 * Split areas: the second page of every 5th read-only, the first
	 * page of every 7th unmapped, every 11th gone whole.
	 */
	for (i = 0; i < MANY_AREAS && ok; i++) {
		u64 gpa = base + order[i] * 3 * pg;
		unsigned int a = order[i], p = a * 3;

		if (!(a % 5)) {
			ok &= T_CHECK(!axas_protect(as, gpa + pg, pg, AXAS_READ),
				      "protect %u", a);
			model[p + 1] = MANY_RO;
		}
		if (!(a % 7)) {
			ok &= T_CHECK(!axas_unmap(as, gpa, pg), "unmap %u", a);
			model[p] = MANY_NONE;
		}
		if (!(a % 11)) {
			ok &= T_CHECK(!axas_unmap(as, gpa + (model[p] ? 0 : pg),
						  model[p] ? 2 * pg : pg),
				      "unmap whole %u", a);
			model[p] = MANY_NONE;
			model[p + 1] = MANY_NONE;
		}
	}
	ok &= many_expect(as, model, base, "split");
	/* A gap's page is free to map now and then. */
	ok &= T_CHECK(!axas_map_alloc(as, base + 2 * pg, pg,
				      AXAS_READ | AXAS_WRITE, false), "");
	model[2] = MANY_RW;
	ok &= many_expect(as, model, base, "gap filled");
	axas_space_destroy(as);
out:
	axas_uhal_stats(uh, &hs);
	ok &= T_CHECK(!hs.live_pages && !hs.bad, "%ld pages left", hs.live_pages);
	axas_uhal_destroy(uh);
	free(order);
	free(model);
	return ok;
}

void suite_api(t_run_fn run)
{
	run("api many-areas", t_many_areas, NULL);
	run("api create-args", t_create_args, NULL);
	run("api names", t_names, NULL);
	run("api vmids", t_vmids, NULL);
	run("api regs", t_regs, NULL);
	run("api default-hal", t_default_hal, NULL);
}

/* ---- exact encodings ---------------------------------------------------- */

struct bits_case {
	u32 format;
	u32 ia_bits;
};

static bool raw(struct axas_space *as, u32 format, u64 gpa, u64 *pte,
		unsigned int *level)
{
	struct axas_hw_regs regs;
	const char *why = NULL;
	int ret;

	axas_hw_regs(as, &regs);
	ret = refdec_entry(format, &regs, gpa, pte, level, &why);
	return T_CHECK(!ret, "entry of %#llx: %d %s", gpa, ret, why ? why : "");
}

/*
 * The leaves the core promises, bit for bit (software bits masked):
 * 4 KiB and 2 MiB, normal and device, each permission set; and the
 * tables above them.
 */
static bool t_bits(void *arg)
{
	const struct bits_case *bc = arg;
	struct axas_uhal *uh = axas_uhal_malloc_create(true);
	struct axas_space_cfg cfg = {
		.format = bc->format, .ia_bits = bc->ia_bits,
		.size = 1ULL << 32, .hal = axas_uhal_hal(uh),
	};
	static const u32 perms[] = {
		AXAS_READ, AXAS_READ | AXAS_WRITE, AXAS_READ | AXAS_EXEC,
		AXAS_READ | AXAS_WRITE | AXAS_EXEC,
	};
	u64 sw = bc->format == AXAS_FMT_EPT ? BIT_ULL(52) :
		 bc->format == AXAS_FMT_ARM_S2 ? BIT_ULL(55) :
		 bc->format == AXAS_FMT_AMD_NPT ? BIT_ULL(52) : 3ULL << 8;
	struct axas_space *as = axas_space_create(&cfg);
	unsigned int i, level;
	bool ok = true;

	if (!T_CHECK(!IS_ERR(as), ""))
		return false;
	for (i = 0; i < 16; i++) {
		u32 flags = perms[i % 4] | (i & 4 ? AXAS_DEVICE : 0);
		bool block = i & 8;
		u64 gpa = (1 + i) * (1ULL << 21), hpa = (0x40 + i) * (1ULL << 21);
		u64 pte, want;

		if (axas_map_linear(as, gpa, hpa, block ? 1ULL << 21 : 4096,
				    flags)) {
			ok = T_CHECK(false, "map %u", i);
			continue;
		}
		if (!raw(as, bc->format, gpa, &pte, &level)) {
			ok = false;
			continue;
		}
		switch (bc->format) {
		case AXAS_FMT_EPT:
			want = hpa | 0x40 | (flags & AXAS_DEVICE ? 0 : 6 << 3) |
			       (flags & AXAS_READ ? 1 : 0) |
			       (flags & AXAS_WRITE ? 2 : 0) |
			       (flags & AXAS_EXEC ? 4 : 0) | (block ? 0x80 : 0);
			break;
		case AXAS_FMT_ARM_S2:
			want = hpa | (block ? 1 : 3) | BIT(10) |
			       (flags & AXAS_DEVICE ? 0x1 << 2 : 0xf << 2 | 3 << 8) |
			       (flags & AXAS_READ ? BIT(6) : 0) |
			       (flags & AXAS_WRITE ? BIT(7) : 0) |
			       (flags & AXAS_EXEC ? 0 : 2ULL << 53);
			break;
		case AXAS_FMT_AMD_NPT:
			/* P, U/S, A; R/W + D; NX; PCD + PWT (PAT index 3); PS. */
			want = hpa | 1 | BIT(2) | BIT(5) |
			       (flags & AXAS_WRITE ? BIT(1) | BIT(6) : 0) |
			       (flags & AXAS_EXEC ? 0 : BIT_ULL(63)) |
			       (flags & AXAS_DEVICE ? BIT(3) | BIT(4) : 0) |
			       (block ? BIT(7) : 0);
			break;
		default:
			want = (hpa >> 12 << 10) | 1 | BIT(4) | BIT(6) |
			       (flags & AXAS_READ ? 2 : 0) |
			       (flags & AXAS_WRITE ? 4 | BIT(7) : 0) |
			       (flags & AXAS_EXEC ? 8 : 0);
			/* The device bit lives in RSW (software), masked. */
			break;
		}
		ok &= T_CHECK((pte & ~sw) == want && level == block,
			      "%s case %u: pte %#llx level %u, want %#llx level %u",
			      axas_format_name(bc->format), i, pte & ~sw, level,
			      want, block);
	}
	/* Tables: the entry above the first 4 KiB leaf. */
	{
		struct axas_hw_regs regs;
		struct refdec_geo geo;
		const char *why;
		u64 pte, want_flags;
		const u64 *root;

		axas_hw_regs(as, &regs);
		refdec_regs(bc->format, &regs, &geo, &why);
		root = (const u64 *)(uintptr_t)geo.root_pa;
		pte = root[((1ULL << 21) >> (12 + 9 * (geo.levels - 1))) &
			   (geo.root_entries - 1)];
		want_flags = bc->format == AXAS_FMT_EPT ? 7 :
			     bc->format == AXAS_FMT_ARM_S2 ? 3 :
			     bc->format == AXAS_FMT_AMD_NPT ? 0x27 : 1;
		if (bc->format == AXAS_FMT_RISCV_GSTAGE)
			ok &= T_CHECK((pte & 0x3ff) == want_flags,
				      "table %#llx", pte);
		else
			ok &= T_CHECK((pte & 0xfff) == want_flags &&
				      !(pte >> 52), "table %#llx", pte);
	}
	axas_space_destroy(as);
	axas_uhal_destroy(uh);
	return ok;
}

void suite_bits(t_run_fn run)
{
	static const struct bits_case cases[] = {
		{ AXAS_FMT_EPT, 48 }, { AXAS_FMT_EPT, 57 },
		{ AXAS_FMT_ARM_S2, 33 }, { AXAS_FMT_ARM_S2, 40 },
		{ AXAS_FMT_ARM_S2, 48 },
		{ AXAS_FMT_RISCV_GSTAGE, 41 }, { AXAS_FMT_RISCV_GSTAGE, 50 },
		{ AXAS_FMT_AMD_NPT, 48 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[64];

		snprintf(name, sizeof(name), "bits %s/%u",
			 axas_format_name(cases[i].format), cases[i].ia_bits);
		run(name, t_bits, (void *)&cases[i]);
	}
}
