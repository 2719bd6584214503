// SPDX-License-Identifier: GPL-2.0
/*
 * The model and the checked operations (see model.h).
 *
 * The model predicts, from the documented semantics alone, what every
 * call returns and what every page translates to afterwards, including
 * the size of the leaf mapping it: a linear map uses the largest leaf the
 * alignment of guest and host address allows, faults and eager frames map
 * 4 KiB leaves, and an unmap or protect that cuts a block splits it one
 * level at a time down to what the cut needs. From that follow the number
 * of table pages the space needs, the mapped[] statistics, and on Stage-2
 * (break-before-make) the number of TLB flushes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/err.h>
#include <linux/errno.h>

#include "model.h"
#include "refdec.h"

#define E_INVAL		BIT(0)
#define E_RANGE		BIT(1)
#define E_EXIST		BIT(2)
#define E_NOENT		BIT(3)
#define E_ACCES		BIT(4)
#define E_FAULT		BIT(5)
#define E_NOMEM		BIT(6)

#define M_PROT		(AXAS_READ | AXAS_WRITE | AXAS_EXEC)
#define M_FLAGS		(M_PROT | AXAS_DEVICE)

char *m_host;
size_t m_host_size;

static struct sess *m_cur;	/* whose flushes the hook counts */

/* ---- helpers ------------------------------------------------------------- */

static u64 align_down(u64 x, u64 a)
{
	return x & ~(a - 1);
}

static u64 align_up(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

static bool in_space(const struct sess *s, u64 gpa)
{
	return gpa >= s->base && gpa < s->end;
}

static struct m_page *pg(struct sess *s, u64 gpa)
{
	return &s->pg[(gpa - s->base) / M_PAGE];
}

static bool mapped(const struct m_page *p)
{
	return p->state == M_LINEAR || p->state == M_PRESENT ||
	       p->state == M_PAGES;
}

/* Mapped host memory the space does not own: linear or the caller's pages. */
static bool foreign(const struct m_page *p)
{
	return p->state == M_LINEAR || p->state == M_PAGES;
}

static bool host_backed(u64 hpa)
{
	return hpa >= (u64)(uintptr_t)m_host &&
	       hpa < (u64)(uintptr_t)m_host + m_host_size;
}

static const char *errname(int ret)
{
	static char buf[16];

	switch (ret) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -ERANGE: return "-ERANGE";
	case -EEXIST: return "-EEXIST";
	case -ENOENT: return "-ENOENT";
	case -EACCES: return "-EACCES";
	case -EFAULT: return "-EFAULT";
	case -ENOMEM: return "-ENOMEM";
	case -ENOSPC: return "-ENOSPC";
	}
	snprintf(buf, sizeof(buf), "%d", ret);
	return buf;
}

static unsigned int err_bit(int ret)
{
	switch (ret) {
	case -EINVAL: return E_INVAL;
	case -ERANGE: return E_RANGE;
	case -EEXIST: return E_EXIST;
	case -ENOENT: return E_NOENT;
	case -EACCES: return E_ACCES;
	case -EFAULT: return E_FAULT;
	case -ENOMEM: return E_NOMEM;
	}
	return 1U << 31;
}

static __printf(2, 3) void hist(struct sess *s, const char *fmt, ...);

static void hist(struct sess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->hist[s->opno % M_HIST], sizeof(s->hist[0]), fmt, ap);
	va_end(ap);
}

bool sess_fail(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	unsigned long i;

	if (s->failed)
		return false;
	s->failed = true;
	fprintf(stderr, "FAIL %s seed=%llu op#%lu: ", s->name,
		(unsigned long long)s->seed, s->opno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  space [%#llx, %#llx) g1=%#llx; last operations:\n",
		(unsigned long long)s->base, (unsigned long long)s->end,
		(unsigned long long)s->g1);
	for (i = s->opno >= M_HIST ? s->opno - M_HIST + 1 : 0; i <= s->opno; i++)
		fprintf(stderr, "    #%lu %s\n", i, s->hist[i % M_HIST]);
	return false;
}

u64 m_rand(struct sess *s)
{
	/* splitmix64 */
	u64 z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd(struct sess *s, u64 n)
{
	return n ? m_rand(s) % n : 0;
}

/*
 * Every flush of the space: counted, and logged with whether it looks
 * like Stage-2 break-before-make (a whole block the model still has as a
 * leaf) and whether that block's entry is invalid while it is flushed.
 */
static void flush_hook(struct axas_space *as, u64 start, u64 end)
{
	struct sess *s = m_cur;

	if (!s || as != s->as)
		return;
	if (!s->flushes || start < s->flush_lo)
		s->flush_lo = start;
	if (!s->flushes || end > s->flush_hi)
		s->flush_hi = end;
	s->flushes++;
	if (s->in_op && s->nr_flog < 64) {
		unsigned int i = s->nr_flog++, l;
		struct refdec_leaf rl;
		const char *why;

		s->flog[i].start = start;
		s->flog[i].end = end;
		s->flog[i].bbm = false;
		for (l = 1; l <= 2; l++)
			if (end - start == M_SZ(l) && !(start & (M_SZ(l) - 1)) &&
			    in_space(s, start) && mapped(pg(s, start)) &&
			    pg(s, start)->level >= l)
				s->flog[i].bbm = true;
		s->flog[i].broken = refdec_translate(s->format, &s->regs, start,
						     &rl, &why) == -ENOENT;
	}
}

static bool flushed(const struct sess *s, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < s->nr_flog; i++)
		if (s->flog[i].start <= start && s->flog[i].end >= end)
			return true;
	return false;
}

/*
 * Memory the hardware may still reach must not be freed before a flush
 * covering it: a frame the model has mapped, or a table the walk reached
 * when the operation began, needs a flush of its range first.
 */
static void free_hook(void *arg, phys_addr_t pa, unsigned int order)
{
	struct sess *s = arg;
	u64 v, start, end;

	/* Host memory (linear and pages areas) never comes from the HAL. */
	if (host_backed(pa) && !s->failed)
		sess_fail(s, "the space freed host page %#llx it does not own",
			  (unsigned long long)pa);
	if (!s->in_op || s->failed)
		return;
	if (u64map_get(&s->op_tables, pa, &v)) {
		start = v & ~0xfffULL;
		end = start + M_SZ((v & 0xf) + 1);
	} else if (u64map_get(&s->frames, pa, &v)) {
		start = v;
		end = v + M_PAGE;
	} else {
		return;		/* never reachable: a spare from a cache */
	}
	if (!flushed(s, start, end))
		sess_fail(s,
			  "%s %#llx (guest [%#llx, %#llx)) freed before a TLB flush covered it",
			  order ? "block" :
			  u64map_get(&s->op_tables, pa, NULL) ? "table" : "frame",
			  (unsigned long long)pa, (unsigned long long)start,
			  (unsigned long long)end);
}

static int note_table(void *arg, u64 pa, u64 gpa, unsigned int level)
{
	u64map_put(arg, pa, gpa | level);
	return 0;
}

/* ---- host memory --------------------------------------------------------- */

void m_host_init(void)
{
	size_t size = 4 * M_1G;
	char *map;

	if (m_host)
		return;
	/* Address space only: pages appear when a test writes them. */
	map = mmap(NULL, size + M_1G, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		perror("mmap host");
		exit(2);
	}
	m_host = (char *)align_up((u64)(uintptr_t)map, M_1G);
	m_host_size = size;
}

/* ---- session ------------------------------------------------------------- */

static u64 fmt_pa_limit(u32 format)
{
	switch (format) {
	case AXAS_FMT_EPT:
	case AXAS_FMT_AMD_NPT:
		return 1ULL << 52;
	case AXAS_FMT_ARM_S2:
		return 1ULL << 48;
	default:
		return 1ULL << 56;
	}
}

/* Levels and root size, from the manuals (as the brief states them). */
static void fmt_geometry(struct sess *s)
{
	unsigned int bits;

	switch (s->format) {
	case AXAS_FMT_EPT:
		s->top_level = s->ia_bits <= 48 ? 3 : 4;
		s->root_pages = 1;
		break;
	case AXAS_FMT_AMD_NPT:
		s->top_level = 3;	/* PML4 */
		s->root_pages = 1;
		break;
	case AXAS_FMT_ARM_S2:
		s->top_level = s->ia_bits <= 34 ? 1 : s->ia_bits <= 43 ? 2 : 3;
		bits = s->ia_bits - (12 + 9 * s->top_level);
		s->root_pages = bits > 9 ? 1ULL << (bits - 9) : 1;
		break;
	default:
		s->top_level = s->ia_bits <= 41 ? 2 : 3;
		s->root_pages = 4;
		break;
	}
	s->max_leaf = s->top_level < 2 ? s->top_level : 2;
}

bool sess_init(struct sess *s, u32 format, u32 ia_bits, int place,
	       struct axas_uhal *uh, u64 seed)
{
	struct axas_space_cfg cfg = { 0 };
	u64 span = 1ULL << ia_bits;

	memset(s, 0, sizeof(*s));
	s->format = format;
	s->ia_bits = ia_bits;
	s->uh = uh;
	s->seed = seed;
	s->rng = seed * 0x2545f4914f6cdd1dULL + format * 131 + ia_bits;
	s->full_every = 25;
	snprintf(s->name, sizeof(s->name), "%s/%u/%s%s",
		 axas_format_name(format), ia_bits, axas_uhal_name(uh),
		 place == 1 ? "/top" : place == 2 ? "/x512G" : "");
	fmt_geometry(s);
	s->pa_limit = fmt_pa_limit(format);
	u64map_init(&s->frames);
	m_host_init();
	axas_uhal_set_host(uh, m_host, m_host_size);
	axas_uhal_set_free_hook(uh, free_hook, s);
	u64map_init(&s->op_tables);
	u64map_init(&s->tcount);

	/* A 1 GiB aligned region with 2 MiB and a few pages either side. */
	/*
	 * Low, at the top of the width, or so that the 1 GiB region ends at
	 * a 512 GiB boundary (a root entry boundary at 48 bits).
	 */
	s->g1 = place == 1 ? span - 2 * M_1G :
		place == 2 && ia_bits >= 40 ? (1ULL << 39) - M_1G : M_1G;
	s->base = s->g1 - M_2M - M_PAGE * (1 + rnd(s, 8));
	s->end = s->g1 + M_1G + M_2M + M_PAGE * (1 + rnd(s, 8));
	s->npages = (s->end - s->base) / M_PAGE;
	s->pg = calloc(s->npages, sizeof(*s->pg));
	if (!s->pg)
		abort();

	cfg.format = format;
	cfg.ia_bits = ia_bits;
	cfg.base = s->base;
	cfg.size = s->end - s->base;
	cfg.hal = axas_uhal_hal(uh);
	s->as = axas_space_create(&cfg);
	if (IS_ERR(s->as)) {
		s->as = NULL;
		return sess_fail(s, "create: %s",
				 errname(PTR_ERR(s->as)));
	}
	axas_hw_regs(s->as, &s->regs);
	m_cur = s;
	axas_user_flush_hook = flush_hook;
	return true;
}

bool sess_fini(struct sess *s)
{
	struct axas_uhal_stats hs;
	bool ok = !s->failed;

	if (s->as) {
		unsigned long warns = axas_user_warn_count;

		axas_space_destroy(s->as);
		s->as = NULL;
		axas_uhal_stats(s->uh, &hs);
		if (ok && axas_user_warn_count != warns)
			ok = sess_fail(s, "WARN during destroy");
		if (ok && (hs.live_pages || hs.live_allocs))
			ok = sess_fail(s,
				       "destroy leaked %ld HAL pages in %ld allocations",
				       hs.live_pages,
				       hs.live_allocs);
		if (ok && hs.bad)
			ok = sess_fail(s, "destroy: %lu bad HAL calls", hs.bad);
	}
	if (m_cur == s) {
		m_cur = NULL;
		axas_user_flush_hook = NULL;
	}
	axas_uhal_set_free_hook(s->uh, NULL, NULL);
	u64map_free(&s->op_tables);
	u64map_free(&s->tcount);
	free(s->pg);
	s->pg = NULL;
	u64map_free(&s->frames);
	return ok;
}

/* ---- model updates --------------------------------------------------------- */

/* Pages at @gpa with leaves at levels [from, to) come (+1) or go (-1). */
static void m_tc(struct sess *s, u64 gpa, unsigned int from, unsigned int to,
		 int delta)
{
	unsigned int k;

	for (k = from; k < to && k < s->top_level; k++) {
		u64 key = ((u64)(k + 1) << 58) | (gpa >> (12 + 9 * (k + 1)));
		u64 n = 0;

		u64map_get(&s->tcount, key, &n);
		if (!n && delta > 0)
			s->tables++;
		n += delta;
		if (n) {
			u64map_put(&s->tcount, key, n);
		} else {
			u64map_del(&s->tcount, key);
			s->tables--;
		}
	}
}

static void m_set_level(struct sess *s, struct m_page *p, unsigned int level)
{
	u64 gpa = s->base + (p - s->pg) * M_PAGE;

	if (level < p->level)
		m_tc(s, gpa, level, p->level, 1);
	else
		m_tc(s, gpa, p->level, level, -1);
	s->mapped[p->level] -= M_PAGE;
	s->mapped[level] += M_PAGE;
	p->level = level;
}

/* Split the leaves that straddle @b, as many levels as @b needs. */
static void m_split_at(struct sess *s, u64 b)
{
	for (;;) {
		struct m_page *p;
		unsigned int l;
		u64 ls, a;

		if (!in_space(s, b) || b == s->base)
			return;
		p = pg(s, b);
		l = p->level;
		if (!mapped(p) || !l || !(b & (M_SZ(l) - 1)))
			return;
		ls = align_down(b, M_SZ(l));
		s->splits++;
		for (a = ls; a < ls + M_SZ(l); a += M_PAGE)
			m_set_level(s, pg(s, a), l - 1);
	}
}

static void m_changed(struct sess *s, u64 a)
{
	if (s->chg_start == s->chg_end) {
		s->chg_start = a;
		s->chg_end = a + M_PAGE;
		return;
	}
	if (a < s->chg_start)
		s->chg_start = a;
	if (a + M_PAGE > s->chg_end)
		s->chg_end = a + M_PAGE;
}

/* Make @p map @hpa with a 4 KiB leaf; @owned frames are remembered. */
static void m_map_page(struct sess *s, struct m_page *p, u8 state, u64 hpa,
		       u8 flags, unsigned int level)
{
	p->state = state;
	p->hpa = hpa;
	p->flags = flags;
	p->level = level;
	s->mapped[level] += M_PAGE;
	if (state == M_PRESENT)
		s->data_pages++;
	m_tc(s, s->base + (p - s->pg) * M_PAGE, level, s->top_level, 1);
}

static void m_unmap_page(struct sess *s, u64 a)
{
	struct m_page *p = pg(s, a);

	if (mapped(p)) {
		s->mapped[p->level] -= M_PAGE;
		m_changed(s, a);
		m_tc(s, a, p->level, s->top_level, -1);
	}
	if (p->state == M_PRESENT) {
		s->data_pages--;
		u64map_del(&s->frames, p->hpa);
	}
	memset(p, 0, sizeof(*p));
}

/* Table pages the model's leaves need, root included. */
static u64 m_tables(struct sess *s)
{
	u64 total = s->root_pages, last[5];
	unsigned int k;
	size_t i;

	for (k = 0; k < 5; k++)
		last[k] = ~0ULL;
	for (i = 0; i < s->npages; i++) {
		struct m_page *p = &s->pg[i];
		u64 a = s->base + i * M_PAGE;

		if (!mapped(p))
			continue;
		for (k = p->level; k < s->top_level; k++) {
			u64 blk = a >> (12 + 9 * (k + 1));

			if (blk != last[k]) {
				last[k] = blk;
				total++;
			}
		}
	}
	return total;
}

/* ---- checks ------------------------------------------------------------------ */

struct snap {
	struct axas_uhal_stats hal;
	long kmalloc;
	unsigned long warns;
	struct axas_stats st;
};

/* Before an operation; @frees: it may free what the table reaches. */
static void snap_take(struct sess *s, struct snap *sn, bool frees)
{
	axas_uhal_stats(s->uh, &sn->hal);
	sn->kmalloc = axas_user_kmalloc_live;
	sn->warns = axas_user_warn_count;
	axas_get_stats(s->as, &sn->st);
	s->flushes = 0;
	s->splits = 0;
	s->chg_start = 0;
	s->chg_end = 0;
	s->nr_flog = 0;
	u64map_clear(&s->op_tables);
	if (frees && refdec_tables(s->format, &s->regs, note_table,
				   &s->op_tables))
		sess_fail(s, "decoder: malformed table before the operation");
	s->in_op = true;
}

static u32 cmp_flags(const struct sess *s, u32 flags)
{
	/* G-stage has no memory type: the decoder cannot see DEVICE. */
	return s->format == AXAS_FMT_RISCV_GSTAGE ? flags & M_PROT : flags;
}

static bool check_page(struct sess *s, u64 gpa)
{
	struct axas_translation tr;
	struct refdec_leaf rl;
	const char *why = NULL;
	struct m_page *p;
	int ret, rret;
	u64 off;

	ret = axas_translate(s->as, gpa, &tr);
	rret = refdec_translate(s->format, &s->regs, gpa, &rl, &why);
	if (rret == -EIO)
		return sess_fail(s, "decoder at %#llx: %s",
				 (unsigned long long)gpa, why);
	if (!in_space(s, gpa)) {
		if (ret != -ERANGE)
			return sess_fail(s, "translate %#llx outside: %s",
					 (unsigned long long)gpa, errname(ret));
		if (rret == 0)
			return sess_fail(s,
					 "decoder finds %#llx mapped outside the space",
					 (unsigned long long)gpa);
		return true;
	}
	p = pg(s, gpa);
	if (!mapped(p)) {
		if (ret != -ENOENT || rret != -ENOENT)
			return sess_fail(s,
					 "%#llx (model: %s) translate %s, decoder %s",
					 (unsigned long long)gpa,
					 p->state == M_LAZY ? "lazy" : "free",
					 errname(ret), errname(rret));
		return true;
	}
	off = gpa & (M_PAGE - 1);
	if (ret || tr.hpa != p->hpa + off || tr.flags != p->flags ||
	    tr.leaf_size != M_SZ(p->level))
		return sess_fail(s,
				 "translate %#llx: %s hpa %#llx flags %#x leaf %#llx; model hpa %#llx flags %#x leaf %#llx",
				 (unsigned long long)gpa, errname(ret),
				 (unsigned long long)tr.hpa, tr.flags,
				 (unsigned long long)tr.leaf_size,
				 (unsigned long long)(p->hpa + off), p->flags,
				 (unsigned long long)M_SZ(p->level));
	if (rret || rl.hpa != p->hpa + off ||
	    rl.flags != cmp_flags(s, p->flags) || rl.level != p->level)
		return sess_fail(s,
				 "decoder %#llx: %s hpa %#llx flags %#x level %u; model hpa %#llx flags %#x level %u",
				 (unsigned long long)gpa, errname(rret),
				 (unsigned long long)rl.hpa, rl.flags, rl.level,
				 (unsigned long long)(p->hpa + off),
				 cmp_flags(s, p->flags), p->level);
	return true;
}

/*
 * axas_translate_pages() over [a, b), page aligned and inside the space:
 * the model's frame for every page when all are mapped, -ENOENT otherwise.
 */
static bool check_range_pages(struct sess *s, u64 a, u64 b)
{
	unsigned long nr = (b - a) / M_PAGE, i;
	bool all = true;
	phys_addr_t *hpas;
	int ret;

	if (!nr || nr > 4096)
		return true;
	hpas = calloc(nr, sizeof(*hpas));
	if (!hpas)
		return sess_fail(s, "calloc");
	for (i = 0; i < nr; i++)
		all &= mapped(pg(s, a + i * M_PAGE));
	ret = axas_translate_pages(s->as, a, nr, hpas);
	if (ret != (all ? 0 : -ENOENT)) {
		free(hpas);
		return sess_fail(s, "translate_pages %#llx + %lu pages: %s, model %s",
				 (unsigned long long)a, nr, errname(ret),
				 all ? "all mapped" : "a hole");
	}
	for (i = 0; all && i < nr; i++) {
		phys_addr_t got = hpas[i];

		if (got != pg(s, a + i * M_PAGE)->hpa) {
			free(hpas);
			return sess_fail(s, "translate_pages page %#llx: %#llx, model %#llx",
					 (unsigned long long)(a + i * M_PAGE),
					 (unsigned long long)got,
					 (unsigned long long)pg(s, a + i * M_PAGE)->hpa);
		}
	}
	free(hpas);
	return true;
}

/* Every page of [a, b) (clipped to the space), at a random offset. */
static bool check_pages(struct sess *s, u64 a, u64 b)
{
	u64 first;

	if (a < s->base)
		a = s->base;
	if (b > s->end || b < a)
		b = s->end;
	first = align_down(a, M_PAGE);
	for (a = first; a < b; a += M_PAGE)
		if (!check_page(s, a + rnd(s, M_PAGE)))
			return false;
	return check_range_pages(s, first, align_down(b + M_PAGE - 1, M_PAGE));
}

/* One random page of every 2 MiB of the space, and its edges. */
static bool check_sample(struct sess *s)
{
	u64 a;

	for (a = align_down(s->base, M_2M); a < s->end; a += M_2M) {
		u64 p = a + rnd(s, M_2M);

		if (in_space(s, p) && !check_page(s, p))
			return false;
	}
	return check_page(s, s->base - 1) && check_page(s, s->end) &&
	       check_page(s, s->base) && check_page(s, s->end - 1);
}

static bool check_stats(struct sess *s, const struct snap *sn, int ret,
			u64 exp_flushes)
{
	struct axas_uhal_stats hs;
	struct axas_stats st;
	unsigned int l;

	s->in_op = false;
	if (s->failed)
		return false;
	axas_get_stats(s->as, &st);
	axas_uhal_stats(s->uh, &hs);
	if (axas_user_warn_count != sn->warns)
		return sess_fail(s, "a WARN fired");
	if (hs.bad || hs.atomic)
		return sess_fail(s, "HAL misuse: %lu bad, %lu under a lock",
				 hs.bad, hs.atomic);
	for (l = 0; l < 3; l++)
		if (st.mapped[l] != s->mapped[l])
			return sess_fail(s, "stats mapped[%u] %#llx, model %#llx",
					 l, (unsigned long long)st.mapped[l],
					 (unsigned long long)s->mapped[l]);
	if (st.data_pages != s->data_pages || st.faults != s->faults ||
	    st.spurious_faults != s->spurious)
		return sess_fail(s,
				 "stats data %llu faults %llu spurious %llu; model %llu %llu %llu",
				 (unsigned long long)st.data_pages,
				 (unsigned long long)st.faults,
				 (unsigned long long)st.spurious_faults,
				 (unsigned long long)s->data_pages,
				 (unsigned long long)s->faults,
				 (unsigned long long)s->spurious);
	if (st.tlb_flushes - sn->st.tlb_flushes != s->flushes)
		return sess_fail(s, "tlb_flushes grew by %llu, arch flushes %lu",
				 (unsigned long long)(st.tlb_flushes -
						      sn->st.tlb_flushes),
				 s->flushes);
	if (s->flushes != exp_flushes)
		return sess_fail(s, "%lu TLB flushes, expected %llu (%llu split%s)", s->flushes,
				 (unsigned long long)exp_flushes,
				 (unsigned long long)s->splits,
				 s->format == AXAS_FMT_ARM_S2 ? ", BBM" : "");
	/* All but the last flush are break-before-make of a block. */
	for (l = 0; l + 1 < s->nr_flog; l++)
		if (!s->flog[l].bbm || !s->flog[l].broken)
			return sess_fail(s,
					 "flush [%#llx, %#llx) before the last one is %s",
					 (unsigned long long)s->flog[l].start,
					 (unsigned long long)s->flog[l].end,
					 s->flog[l].bbm ? "of a block still valid" :
					 "not of a block being split");
	if (s->chg_start != s->chg_end &&
	    (s->flush_lo > s->chg_start || s->flush_hi < s->chg_end))
		return sess_fail(s,
				 "flushes [%#llx, %#llx) miss changed leaves [%#llx, %#llx)",
				 (unsigned long long)s->flush_lo,
				 (unsigned long long)s->flush_hi,
				 (unsigned long long)s->chg_start,
				 (unsigned long long)s->chg_end);
	if (st.table_pages != s->root_pages + s->tables)
		return sess_fail(s, "table_pages %llu, model needs %llu",
				 (unsigned long long)st.table_pages,
				 (unsigned long long)(s->root_pages + s->tables));
	if ((u64)hs.live_pages != st.table_pages + st.data_pages)
		return sess_fail(s,
				 "HAL holds %ld pages; stats say %llu table + %llu data",
				 hs.live_pages,
				 (unsigned long long)st.table_pages,
				 (unsigned long long)st.data_pages);
	if (ret) {
		/* On error nothing changed, nothing leaked. */
		if (hs.live_pages != sn->hal.live_pages ||
		    hs.live_allocs != sn->hal.live_allocs ||
		    axas_user_kmalloc_live != sn->kmalloc)
			return sess_fail(s,
					 "%s leaked: HAL pages %ld -> %ld, kmalloc %ld -> %ld",
					 errname(ret),
					 sn->hal.live_pages, hs.live_pages,
					 sn->kmalloc, axas_user_kmalloc_live);
		if (st.table_pages != sn->st.table_pages)
			return sess_fail(s, "%s changed table_pages", errname(ret));
	}
	return true;
}

static bool ret_check(struct sess *s, int ret, unsigned int exp)
{
	if (ret == -ENOMEM && s->inject)
		return true;
	if (!exp && ret)
		return sess_fail(s, "returned %s, expected 0", errname(ret));
	if (exp && !(err_bit(ret) & exp))
		return sess_fail(s, "returned %s, expected error mask %#x",
				 errname(ret), exp);
	return true;
}

static bool op_translate_limit_quiet(struct sess *s, u64 gpa);

/* After an operation on [lo, hi): statistics, then the pages around. */
static bool post(struct sess *s, const struct snap *sn, int ret, u64 lo,
		 u64 hi, u64 exp_flushes)
{
	s->last_ret = ret;
	if (!check_stats(s, sn, ret, exp_flushes))
		return false;
	/* Contiguity across the leaves just made, and into the neighbours. */
	if (hi > lo && !rnd(s, 3) &&
	    (!op_translate_limit_quiet(s, lo + rnd(s, hi - lo)) ||
	     !op_translate_limit_quiet(s, lo - 1 - rnd(s, M_2M))))
		return false;
	if (hi > lo && !check_pages(s, align_down(lo, M_2M) - M_PAGE,
				    align_up(hi, M_2M) + M_PAGE))
		return false;
	if (!check_sample(s))
		return false;
	s->opno++;
	if (s->full_every && !(s->opno % s->full_every))
		return sess_full_check(s, false);
	return true;
}

static void recent(struct sess *s, u64 a)
{
	s->recent[s->nr_recent++ % 16] = a;
}

/* A frame the space just mapped: live in the HAL, unique, zeroed. */
static bool check_new_frame(struct sess *s, u64 gpa, u64 hpa)
{
	static const u8 zero[M_PAGE];
	int order = axas_uhal_alloc_order(s->uh, hpa);

	if (order != 0)
		return sess_fail(s, "frame %#llx at %#llx: HAL order %d",
				 (unsigned long long)hpa,
				 (unsigned long long)gpa, order);
	if (!u64map_put(&s->frames, hpa, gpa))
		return sess_fail(s, "frame %#llx mapped twice",
				 (unsigned long long)hpa);
	if (memcmp((void *)(uintptr_t)hpa, zero, M_PAGE))
		return sess_fail(s, "frame %#llx at %#llx not zeroed",
				 (unsigned long long)hpa,
				 (unsigned long long)gpa);
	return true;
}

static unsigned int range_err(const struct sess *s, u64 gpa, u64 size)
{
	unsigned int m = 0;

	if (!size || ((gpa | size) & (M_PAGE - 1)))
		m |= E_INVAL;
	if (gpa + size < gpa || gpa < s->base || gpa + size > s->end)
		m |= E_RANGE;
	return m;
}

static bool range_is(struct sess *s, u64 gpa, u64 size, bool want_mapped)
{
	u64 a;

	for (a = gpa; a < gpa + size; a += M_PAGE)
		if ((pg(s, a)->state != M_FREE) != want_mapped)
			return false;
	return true;
}

/* ---- operations ---------------------------------------------------------------- */

static unsigned int linear_level(u64 a, u64 gpa, u64 end, u64 hpa,
				 unsigned int maxl)
{
	unsigned int l;

	for (l = maxl; l > 0; l--)
		if (!(a & (M_SZ(l) - 1)) && a + M_SZ(l) <= end &&
		    !((a - gpa + hpa) & (M_SZ(l) - 1)))
			return l;
	return 0;
}

bool op_map_linear(struct sess *s, u64 gpa, u64 hpa, u64 size, u32 flags)
{
	unsigned int m = 0;
	struct snap sn;
	int ret;

	hist(s, "map_linear(%#llx, hpa %#llx, %#llx, %#x)",
	     (unsigned long long)gpa, (unsigned long long)hpa,
	     (unsigned long long)size, flags);
	if ((flags & ~AXAS_MAP_FLAGS_MASK) || !(flags & AXAS_READ))
		m |= E_INVAL;
	m |= range_err(s, gpa, size);
	if (hpa & (M_PAGE - 1))
		m |= E_INVAL;
	if (hpa + size < hpa || hpa + size - 1 >= s->pa_limit)
		m |= E_RANGE;
	if (!m && !range_is(s, gpa, size, false))
		m |= E_EXIST;

	snap_take(s, &sn, false);
	ret = axas_map_linear(s->as, gpa, hpa, size, flags);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret) {
		unsigned int maxl = flags & AXAS_MAP_NOBLOCK ? 0 : s->max_leaf;
		u64 a = gpa, end = gpa + size;

		while (a < end) {
			unsigned int l = linear_level(a, gpa, end, hpa, maxl);
			u64 b;

			for (b = a; b < a + M_SZ(l); b += M_PAGE)
				m_map_page(s, pg(s, b), M_LINEAR,
					   hpa + (b - gpa), flags & M_FLAGS, l);
			a += M_SZ(l);
		}
		recent(s, gpa);
		recent(s, end);
	}
	return post(s, &sn, ret, gpa, ret ? gpa : gpa + size, 0);
}

bool op_map_alloc(struct sess *s, u64 gpa, u64 size, u32 flags,
		  bool populate)
{
	unsigned int m = 0;
	struct snap sn;
	int ret;

	hist(s, "map_alloc(%#llx, %#llx, %#x, %s)", (unsigned long long)gpa,
	     (unsigned long long)size, flags, populate ? "eager" : "lazy");
	if ((flags & ~(M_PROT | AXAS_MAP_NOBLOCK)) || !(flags & AXAS_READ))
		m |= E_INVAL;
	m |= range_err(s, gpa, size);
	if (!m && !range_is(s, gpa, size, false))
		m |= E_EXIST;

	snap_take(s, &sn, false);
	ret = axas_map_alloc(s->as, gpa, size, flags, populate);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret) {
		u64 a;

		for (a = gpa; a < gpa + size; a += M_PAGE) {
			struct m_page *p = pg(s, a);
			struct axas_translation tr;

			p->flags = flags & M_PROT;
			p->state = M_LAZY;
			if (!populate)
				continue;
			if (axas_translate(s->as, a, &tr))
				return sess_fail(s, "eager page %#llx not mapped",
						 (unsigned long long)a);
			m_map_page(s, p, M_PRESENT, tr.hpa, flags & M_PROT, 0);
			if (!check_new_frame(s, a, tr.hpa))
				return false;
		}
		recent(s, gpa);
		recent(s, gpa + size);
	}
	return post(s, &sn, ret, gpa, ret ? gpa : gpa + size, 0);
}

/*
 * The leaf for page @a of a pages map of [gpa, end): 2 MiB when the whole
 * aligned 2 MiB around it is in the range and its 512 host pages are
 * contiguous from a 2 MiB aligned address; 4 KiB otherwise.
 */
static unsigned int pages_level(u64 a, u64 gpa, u64 end, const u64 *pas,
				unsigned int maxl)
{
	u64 b = align_down(a, M_2M), i, first;

	if (!maxl || b < gpa || b + M_2M > end)
		return 0;
	first = pas[(b - gpa) / M_PAGE];
	if (first & (M_2M - 1))
		return 0;
	for (i = 1; i < M_2M / M_PAGE; i++)
		if (pas[(b - gpa) / M_PAGE + i] != first + i * M_PAGE)
			return 0;
	return 1;
}

bool op_map_pages(struct sess *s, u64 gpa, const u64 *pas, unsigned long nr,
		  u32 flags)
{
	u64 size = nr * M_PAGE, any = 0, top = 0;
	unsigned int m = 0;
	unsigned long i;
	struct snap sn;
	int ret;

	hist(s, "map_pages(%#llx, %lu pages from %#llx, %#x)",
	     (unsigned long long)gpa, nr, nr ? (unsigned long long)pas[0] : 0,
	     flags);
	if ((flags & ~(M_PROT | AXAS_MAP_NOBLOCK)) || !(flags & AXAS_READ))
		m |= E_INVAL;
	if (!nr || (gpa & (M_PAGE - 1)))
		m |= E_INVAL;
	if (nr > (s->end - s->base) / M_PAGE)
		m |= E_RANGE;
	else if (nr)
		m |= range_err(s, gpa, size);
	for (i = 0; i < nr; i++) {
		any |= pas[i];
		if (pas[i] > top)
			top = pas[i];
	}
	if (any & (M_PAGE - 1))
		m |= E_INVAL;
	if (nr && top >= s->pa_limit)
		m |= E_RANGE;
	if (!m && !range_is(s, gpa, size, false))
		m |= E_EXIST;

	snap_take(s, &sn, false);
	ret = axas_map_pages(s->as, gpa, (const phys_addr_t *)pas, nr, flags);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret) {
		unsigned int maxl = flags & AXAS_MAP_NOBLOCK ? 0 : 1;
		u64 a;

		for (a = gpa; a < gpa + size; a += M_PAGE)
			m_map_page(s, pg(s, a), M_PAGES, pas[(a - gpa) / M_PAGE],
				   flags & M_PROT,
				   pages_level(a, gpa, gpa + size, pas, maxl));
		recent(s, gpa);
		recent(s, gpa + size);
	}
	return post(s, &sn, ret, gpa, ret ? gpa : gpa + size, 0);
}

static u64 exp_flushes(const struct sess *s)
{
	return (s->format == AXAS_FMT_ARM_S2 ? s->splits : 0) +
	       (s->chg_start != s->chg_end);
}

bool op_unmap(struct sess *s, u64 gpa, u64 size)
{
	unsigned int m = range_err(s, gpa, size);
	struct snap sn;
	u64 frames[64];
	unsigned int nr_frames = 0, i;
	int ret;

	hist(s, "unmap(%#llx, %#llx)", (unsigned long long)gpa,
	     (unsigned long long)size);
	if (!m && !range_is(s, gpa, size, true))
		m |= E_NOENT;

	snap_take(s, &sn, true);
	ret = axas_unmap(s->as, gpa, size);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret) {
		u64 a;

		m_split_at(s, gpa);
		m_split_at(s, gpa + size);
		for (a = gpa; a < gpa + size; a += M_PAGE) {
			struct m_page *p = pg(s, a);

			if (p->state == M_PRESENT && nr_frames < 64)
				frames[nr_frames++] = p->hpa;
			m_unmap_page(s, a);
		}
		recent(s, gpa);
		recent(s, gpa + size);
	}
	/* The frames went back to the HAL. */
	for (i = 0; i < nr_frames; i++)
		if (axas_uhal_alloc_order(s->uh, frames[i]) >= 0 &&
		    !u64map_get(&s->frames, frames[i], NULL))
			return sess_fail(s, "unmapped frame %#llx still allocated",
					 (unsigned long long)frames[i]);
	return post(s, &sn, ret, gpa, ret ? gpa : gpa + size,
		    ret ? 0 : exp_flushes(s));
}

bool op_protect(struct sess *s, u64 gpa, u64 size, u32 prot)
{
	unsigned int m = 0;
	struct snap sn;
	int ret;

	hist(s, "protect(%#llx, %#llx, %#x)", (unsigned long long)gpa,
	     (unsigned long long)size, prot);
	if ((prot & ~M_PROT) || !(prot & AXAS_READ))
		m |= E_INVAL;
	m |= range_err(s, gpa, size);
	if (!m && !range_is(s, gpa, size, true))
		m |= E_NOENT;

	snap_take(s, &sn, false);
	ret = axas_protect(s->as, gpa, size, prot);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret) {
		u64 a;

		m_split_at(s, gpa);
		m_split_at(s, gpa + size);
		for (a = gpa; a < gpa + size; a += M_PAGE) {
			struct m_page *p = pg(s, a);
			u8 nf = (p->flags & ~M_PROT) | prot;

			if (mapped(p) && nf != p->flags)
				m_changed(s, a);
			p->flags = nf;
		}
		recent(s, gpa);
		recent(s, gpa + size);
	}
	return post(s, &sn, ret, gpa, ret ? gpa : gpa + size,
		    ret ? 0 : exp_flushes(s));
}

bool op_fault(struct sess *s, u64 gpa, u32 access)
{
	unsigned int m = 0;
	struct m_page *p = NULL;
	struct snap sn;
	u64 flushes = 0;
	int ret;

	hist(s, "fault(%#llx, %#x)", (unsigned long long)gpa, access);
	if (!access || (access & ~M_PROT))
		m |= E_INVAL;
	if (!in_space(s, gpa))
		m |= E_RANGE;
	if (!m) {
		p = pg(s, gpa);
		if (p->state == M_FREE)
			m |= E_NOENT;
		else if ((p->flags & access) != access)
			m |= E_ACCES;
	}

	snap_take(s, &sn, false);
	ret = axas_handle_fault(s->as, gpa, access);
	if (!ret_check(s, ret, m))
		return false;
	if (!ret && mapped(p)) {
		s->spurious++;
		flushes = 1;
	} else if (!ret) {
		struct axas_translation tr;
		u64 a = align_down(gpa, M_PAGE);

		if (axas_translate(s->as, a, &tr))
			return sess_fail(s, "faulted page not mapped");
		m_map_page(s, p, M_PRESENT, tr.hpa, p->flags, 0);
		s->faults++;
		if (!check_new_frame(s, a, tr.hpa))
			return false;
	}
	return post(s, &sn, ret, gpa, gpa + 1, flushes);
}

bool op_translate(struct sess *s, u64 gpa)
{
	hist(s, "translate(%#llx)", (unsigned long long)gpa);
	if (!check_page(s, gpa))
		return false;
	s->opno++;
	return true;
}

bool op_translate_limit(struct sess *s, u64 gpa)
{
	hist(s, "translate_limit(%#llx)", (unsigned long long)gpa);
	if (!op_translate_limit_quiet(s, gpa))
		return false;
	s->opno++;
	return true;
}

/* The check of translate_limit alone, also used after other operations. */
static bool op_translate_limit_quiet(struct sess *s, u64 gpa)
{
	int ret, exp = 0;
	u64 len = 0, exp_len = 0;

	ret = axas_translate_limit(s->as, gpa, &len);
	if (!in_space(s, gpa)) {
		exp = -ERANGE;
	} else if (!mapped(pg(s, gpa))) {
		exp = -ENOENT;
	} else {
		struct m_page *first = pg(s, gpa);
		u64 a0 = align_down(gpa, M_PAGE), a;

		for (a = a0; a < s->end; a += M_PAGE) {
			struct m_page *p = pg(s, a);

			if (!mapped(p) || p->flags != first->flags ||
			    p->hpa != first->hpa + (a - a0))
				break;
		}
		exp_len = a - gpa;
	}
	if (ret != exp || (!ret && len != exp_len))
		return sess_fail(s, "translate_limit %#llx: %s len %#llx; expected %s len %#llx",
				 (unsigned long long)gpa, errname(ret),
				 (unsigned long long)len, errname(exp),
				 (unsigned long long)exp_len);
	return true;
}

/* What read/write must return for [gpa, gpa + len); host pages in @hp. */
static int access_exp(struct sess *s, u64 gpa, size_t len, u64 *hp,
		      unsigned int *nr)
{
	u64 end = gpa + len, a;

	*nr = 0;
	if (!len)
		return 0;
	if (end < gpa || gpa < s->base || end > s->end)
		return -ERANGE;
	for (a = align_down(gpa, M_PAGE); a < end; a += M_PAGE) {
		struct m_page *p = pg(s, a);

		if (!mapped(p) || (p->flags & AXAS_DEVICE) ||
		    (foreign(p) && !host_backed(p->hpa)))
			return -EFAULT;
	}
	for (a = align_down(gpa, M_PAGE); a < end; a += M_PAGE)
		hp[(*nr)++] = pg(s, a)->hpa;
	return 0;
}

static bool aliases(const u64 *hp, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			if (hp[i] == hp[j])
				return true;
	return false;
}

#define M_ACCESS_MAX	(66 * M_PAGE)

/* Host address of guest byte @a, by the model (identity mapping). */
static u8 *model_byte(struct sess *s, u64 a)
{
	return (u8 *)(uintptr_t)(pg(s, a)->hpa + (a & (M_PAGE - 1)));
}

bool op_read(struct sess *s, u64 gpa, size_t len)
{
	static u8 buf[M_ACCESS_MAX];
	u64 hp[M_ACCESS_MAX / M_PAGE + 2];
	unsigned int nr;
	int ret, exp;
	size_t i;

	hist(s, "read(%#llx, %#zx)", (unsigned long long)gpa, len);
	if (len > M_ACCESS_MAX)
		len = M_ACCESS_MAX;
	exp = access_exp(s, gpa, len, hp, &nr);
	memset(buf, 0xa5, len);
	ret = axas_read(s->as, gpa, buf, len);
	if (ret != exp)
		return sess_fail(s, "read: %s, expected %s", errname(ret),
				 errname(exp));
	for (i = 0; i < len; i++) {
		u8 want = ret ? 0xa5 : *model_byte(s, gpa + i);

		if (buf[i] != want)
			return sess_fail(s, "read byte %zu: %#x, expected %#x",
					 i, buf[i], want);
	}
	s->opno++;
	return true;
}

bool op_write(struct sess *s, u64 gpa, size_t len)
{
	static u8 buf[M_ACCESS_MAX], before[M_ACCESS_MAX];
	u64 hp[M_ACCESS_MAX / M_PAGE + 2];
	unsigned int nr;
	int ret, exp;
	size_t i;

	hist(s, "write(%#llx, %#zx)", (unsigned long long)gpa, len);
	if (len > M_ACCESS_MAX)
		len = M_ACCESS_MAX;
	exp = access_exp(s, gpa, len, hp, &nr);
	for (i = 0; i < len; i++)
		buf[i] = m_rand(s);
	/* What the reachable bytes held, to see that a failure wrote none. */
	for (i = 0; i < len && in_space(s, gpa + i) && gpa + i >= gpa; i++) {
		struct m_page *p = pg(s, gpa + i);

		if (p->state == M_PRESENT ||
		    (foreign(p) && host_backed(p->hpa)))
			before[i] = *model_byte(s, gpa + i);
	}
	ret = axas_write(s->as, gpa, buf, len);
	if (ret != exp)
		return sess_fail(s, "write: %s, expected %s", errname(ret),
				 errname(exp));
	if (!ret && !aliases(hp, nr)) {
		for (i = 0; i < len; i++)
			if (*model_byte(s, gpa + i) != buf[i])
				return sess_fail(s, "write byte %zu not there", i);
	}
	if (ret) {
		for (i = 0; i < len && in_space(s, gpa + i) && gpa + i >= gpa;
		     i++) {
			struct m_page *p = pg(s, gpa + i);

			if ((p->state == M_PRESENT ||
			     (foreign(p) && host_backed(p->hpa))) &&
			    *model_byte(s, gpa + i) != before[i])
				return sess_fail(s, "failed write changed byte %zu",
						 i);
		}
	}
	s->opno++;
	return true;
}

bool op_clear(struct sess *s)
{
	struct snap sn;
	u64 a;

	hist(s, "clear()");
	snap_take(s, &sn, true);
	axas_clear(s->as);
	for (a = s->base; a < s->end; a += M_PAGE)
		m_unmap_page(s, a);
	return post(s, &sn, 0, s->base, s->base, exp_flushes(s)) &&
	       sess_full_check(s, false);
}

/* ---- the full check ------------------------------------------------------------ */

struct scan_arg {
	struct sess *s;
	u64 pages;
};

static int scan_leaf(void *arg, u64 gpa, const struct refdec_leaf *leaf)
{
	struct scan_arg *sa = arg;
	struct sess *s = sa->s;
	u64 a;

	if (gpa < s->base || gpa + leaf->size > s->end) {
		sess_fail(s, "leaf at %#llx size %#llx outside the space",
			  (unsigned long long)gpa,
			  (unsigned long long)leaf->size);
		return -1;
	}
	for (a = gpa; a < gpa + leaf->size; a += M_PAGE) {
		struct m_page *p = pg(s, a);

		if (!mapped(p) || p->level != leaf->level ||
		    p->hpa != leaf->hpa + (a - gpa) ||
		    cmp_flags(s, p->flags) != leaf->flags) {
			sess_fail(s,
				  "decoder leaf %#llx level %u hpa %#llx flags %#x; model at %#llx: state %u level %u hpa %#llx flags %#x",
				  (unsigned long long)gpa, leaf->level,
				  (unsigned long long)leaf->hpa, leaf->flags,
				  (unsigned long long)a, p->state, p->level,
				  (unsigned long long)p->hpa, p->flags);
			return -1;
		}
	}
	sa->pages += leaf->size / M_PAGE;
	return 0;
}

struct walk_arg {
	struct sess *s;
	u64 tables[5];
	u64 leaf_pages;
	u64 last;
};

/* axas_walk_entries(): in order, tables first, leaves as in the model. */
static int walk_entry(void *arg, const struct axas_entry *e)
{
	struct walk_arg *wa = arg;
	struct sess *s = wa->s;
	u64 a;

	if (e->gpa < wa->last || e->size != 1ULL << (12 + 9 * e->level)) {
		sess_fail(s,
			  "walk_entries: entry %#llx size %#llx level %u after %#llx",
			  (unsigned long long)e->gpa,
			  (unsigned long long)e->size, e->level,
			  (unsigned long long)wa->last);
		return -1;
	}
	wa->last = e->gpa;
	if (e->table) {
		if (e->level > 4 || e->flags ||
		    axas_uhal_alloc_order(s->uh, e->pa) != 0) {
			sess_fail(s,
				  "walk_entries: table entry %#llx level %u pa %#llx flags %#x",
				  (unsigned long long)e->gpa,
				  e->level, (unsigned long long)e->pa, e->flags);
			return -1;
		}
		wa->tables[e->level]++;
		return 0;
	}
	for (a = e->gpa; a < e->gpa + e->size; a += M_PAGE) {
		struct m_page *p = in_space(s, a) ? pg(s, a) : NULL;

		if (!p || !mapped(p) || p->level != e->level ||
		    p->hpa != e->pa + (a - e->gpa) || p->flags != e->flags) {
			sess_fail(s,
				  "walk_entries: leaf %#llx level %u pa %#llx flags %#x; model at %#llx: %s",
				  (unsigned long long)e->gpa, e->level,
				  (unsigned long long)e->pa, e->flags,
				  (unsigned long long)a, p ? "differs" : "outside");
			return -1;
		}
	}
	wa->leaf_pages += e->size / M_PAGE;
	wa->last = e->gpa + e->size;
	return 0;
}

bool sess_full_check(struct sess *s, bool translate_all)
{
	struct walk_arg wa = { .s = s };
	unsigned int l;
	struct scan_arg sa = { .s = s };
	struct refdec_scan scan = { .leaf = scan_leaf, .arg = &sa };
	struct axas_uhal_stats hs;
	struct axas_stats st;
	u64 want_tables, pages = 0;
	int ret;

	ret = refdec_scan(s->format, &s->regs, &scan);
	if (s->failed)
		return false;
	if (ret)
		return sess_fail(s, "decoder scan: %s at %#llx", scan.why,
				 (unsigned long long)scan.where);
	pages = (s->mapped[0] + s->mapped[1] + s->mapped[2]) / M_PAGE;
	if (sa.pages != pages)
		return sess_fail(s, "decoder finds %llu mapped pages, model %llu",
				 (unsigned long long)sa.pages,
				 (unsigned long long)pages);
	axas_get_stats(s->as, &st);
	want_tables = m_tables(s);
	if (want_tables != s->root_pages + s->tables)
		return sess_fail(s, "model: %llu tables counted, %llu kept",
				 (unsigned long long)want_tables,
				 (unsigned long long)(s->root_pages + s->tables));
	if (scan.table_pages != st.table_pages || st.table_pages != want_tables)
		return sess_fail(s,
				 "table pages: decoder reaches %llu, stats %llu, model needs %llu",
				 (unsigned long long)scan.table_pages,
				 (unsigned long long)st.table_pages,
				 (unsigned long long)want_tables);
	if (scan.empty_tables || scan.stale)
		return sess_fail(s, "%llu empty tables, %llu stale entries",
				 (unsigned long long)scan.empty_tables,
				 (unsigned long long)scan.stale);
	axas_uhal_stats(s->uh, &hs);
	if ((u64)hs.live_pages != st.table_pages + st.data_pages ||
	    s->frames.nr != s->data_pages)
		return sess_fail(s, "HAL pages %ld, table %llu + data %llu, model frames %zu",
				 hs.live_pages, (unsigned long long)st.table_pages,
				 (unsigned long long)st.data_pages, s->frames.nr);
	ret = axas_walk_entries(s->as, s->base, s->end - s->base, walk_entry,
				&wa);
	if (s->failed)
		return false;
	if (ret || wa.leaf_pages != pages)
		return sess_fail(s, "walk_entries: %d, %llu leaf pages, model %llu",
				 ret, (unsigned long long)wa.leaf_pages,
				 (unsigned long long)pages);
	for (l = 0; l < 5; l++)
		if (wa.tables[l] != scan.tables[l])
			return sess_fail(s,
					 "walk_entries: %llu tables under level %u entries, decoder %llu",
					 (unsigned long long)wa.tables[l], l,
					 (unsigned long long)scan.tables[l]);
	if (translate_all && !check_pages(s, s->base, s->end))
		return false;
	return true;
}

/* ---- random operations ----------------------------------------------------------- */

static u64 rnd_pages(struct sess *s, u64 n)
{
	return rnd(s, n) * M_PAGE;
}

/* An address near something interesting. */
static u64 pick_addr(struct sess *s)
{
	u64 r = rnd(s, 100), a, jitter = 0;

	if (rnd(s, 2))
		jitter = rnd_pages(s, 5) - rnd_pages(s, 5);
	if (r < 15)
		a = s->g1;
	else if (r < 25)
		a = s->g1 + M_1G;
	else if (r < 45)
		a = align_down(s->base, M_2M) + rnd(s, 515) * M_2M;
	else if (r < 52)
		a = rnd(s, 2) ? s->base : s->end;
	else if (r < 70 && s->nr_recent)
		a = s->recent[rnd(s, s->nr_recent < 16 ? s->nr_recent : 16)];
	else
		a = s->base + rnd_pages(s, s->npages);
	a += jitter;
	if (a < s->base || a >= s->end)
		a = s->base + rnd_pages(s, s->npages);
	return a;
}

static u64 pick_size(struct sess *s)
{
	u64 r = rnd(s, 100);

	if (r < 30)
		return (1 + rnd(s, 8)) * M_PAGE;
	if (r < 50)
		return (1 + rnd(s, 512)) * M_PAGE;
	if (r < 70)
		return (1 + rnd(s, 4)) * M_2M + (rnd(s, 2) ? rnd_pages(s, 3) : 0);
	if (r < 78)
		return M_1G;
	if (r < 85)
		return M_1G + (rnd(s, 2) ? M_2M * rnd(s, 3) : rnd_pages(s, 3));
	return (1 + rnd(s, s->npages)) * M_PAGE;
}

/* The run of pages with (state != FREE) == @used from the first at or after @a. */
static bool find_run(struct sess *s, u64 a, bool used, u64 *rs, u64 *re)
{
	u64 b;

	for (; a < s->end; a += M_PAGE)
		if ((pg(s, a)->state != M_FREE) == used)
			break;
	if (a >= s->end)
		return false;
	for (b = a; b < s->end; b += M_PAGE)
		if ((pg(s, b)->state != M_FREE) != used)
			break;
	*rs = a;
	*re = b;
	return true;
}

/* A sub-range of a run: often a whole block, or the run's edges. */
static void pick_in_run(struct sess *s, u64 rs, u64 re, u64 *gpa, u64 *size)
{
	u64 a = rs, b;
	u64 r = rnd(s, 100);

	if (r < 30) {
		u64 al = rnd(s, 3) ? M_2M : M_1G;

		a = align_up(rs + rnd_pages(s, (re - rs) / M_PAGE), al);
		if (a >= re)
			a = rs;
	} else if (r < 70) {
		a = rs + rnd_pages(s, (re - rs) / M_PAGE);
	}
	b = a + pick_size(s);
	if (b > re || rnd(s, 4) == 0)
		b = rnd(s, 2) ? re : a + rnd_pages(s, (re - a) / M_PAGE) + M_PAGE;
	*gpa = a;
	*size = b - a;
}

static u32 pick_prot(struct sess *s)
{
	return AXAS_READ | (rnd(s, 2) ? AXAS_WRITE : 0) |
	       (rnd(s, 2) ? AXAS_EXEC : 0);
}

/* A host address for a linear map of [gpa, gpa + size). */
static u64 pick_hpa(struct sess *s, u64 gpa, u64 size)
{
	u64 r = rnd(s, 100), al, hpa;

	al = rnd(s, 10) < 4 ? M_1G : rnd(s, 2) ? M_2M : M_PAGE;
	if (r < 60) {
		hpa = (u64)(uintptr_t)m_host + align_down(rnd(s, m_host_size), al);
	} else if (r < 80) {
		/* Below the guest address. */
		hpa = gpa > 4 * M_1G ? align_down(gpa - rnd(s, 4 * M_1G), al) : 0;
	} else if (r < 95) {
		/* Just fitting the format's address field. */
		hpa = align_down(s->pa_limit - size - rnd(s, 4 * M_1G), al);
	} else {
		/* Past the address field, or wrapping. */
		return rnd(s, 2) ? s->pa_limit - M_PAGE * rnd(s, 2) :
				   0 - M_PAGE * (1 + rnd(s, 4));
	}
	return hpa + (gpa & (al - 1));
}

/* A host page: mostly in host RAM, sometimes made up (read/write fail). */
static u64 pick_page(struct sess *s)
{
	if (rnd(s, 8))
		return (u64)(uintptr_t)m_host + rnd_pages(s, m_host_size / M_PAGE);
	return align_down(rnd(s, s->pa_limit), M_PAGE);
}

/*
 * Host pages for a pages map of [gpa, gpa + nr pages): runs of contiguous
 * pages, often 2 MiB aligned together with the guest address (2 MiB
 * leaves), single scattered pages (aliases too), and rarely a bad one.
 */
static void pick_pas(struct sess *s, u64 gpa, u64 *pas, unsigned long nr)
{
	unsigned long i = 0, run, k;
	u64 r = rnd(s, 100), hpa;

	while (i < nr) {
		/* One run, runs of up to 600 or 1100 pages, or single pages. */
		if (r < 40)
			run = nr - i;
		else if (r < 80)
			run = 1 + rnd(s, rnd(s, 2) ? 600 : 1100);
		else
			run = 1;
		if (run > nr - i)
			run = nr - i;
		hpa = pick_page(s);
		if (rnd(s, 3)) {
			/* Congruent with the guest address modulo 2 MiB. */
			hpa = align_down(hpa, M_2M) +
			      ((gpa + i * M_PAGE) & (M_2M - 1));
			if (hpa + run * M_PAGE > (u64)(uintptr_t)m_host +
						 m_host_size && host_backed(hpa))
				hpa = (u64)(uintptr_t)m_host +
				      ((gpa + i * M_PAGE) & (M_2M - 1));
		}
		for (k = 0; k < run; k++)
			pas[i + k] = hpa + k * M_PAGE;
		i += run;
	}
	if (nr && !rnd(s, 30)) {
		i = rnd(s, nr);
		r = rnd(s, 3);
		pas[i] = r == 0 ? pas[i] + 0x800 : r == 1 ? s->pa_limit :
			 0 - M_PAGE * (1 + rnd(s, 4));
	}
}

static bool random_map_pages(struct sess *s)
{
	u64 gpa, size, rs, re, *pas;
	unsigned long nr;
	u32 flags;
	bool ok;

	if (rnd(s, 10) < 7 && find_run(s, pick_addr(s), false, &rs, &re))
		pick_in_run(s, rs, re, &gpa, &size);
	else
		gpa = pick_addr(s), size = pick_size(s);
	if (!rnd(s, 60))
		gpa += 0x800;
	nr = size / M_PAGE;
	if (!rnd(s, 100))
		nr = rnd(s, 2) ? 0 : s->npages + 1 + rnd(s, 4);
	pas = malloc((nr + 1) * sizeof(*pas));
	if (!pas)
		abort();
	pick_pas(s, gpa, pas, nr);
	flags = pick_prot(s) | (rnd(s, 4) ? 0 : AXAS_MAP_NOBLOCK);
	if (!rnd(s, 40))
		flags |= rnd(s, 2) ? AXAS_DEVICE : BIT(9);
	ok = op_map_pages(s, gpa, pas, nr, flags);
	free(pas);
	return ok;
}

static bool random_op(struct sess *s)
{
	u64 r = rnd(s, 1000), gpa, size, rs, re;
	u32 flags;

	if (r < 90)
		return random_map_pages(s);
	if (r < 200) {
		/* map_linear */
		if (rnd(s, 10) < 7 && find_run(s, pick_addr(s), false, &rs, &re))
			pick_in_run(s, rs, re, &gpa, &size);
		else
			gpa = pick_addr(s), size = pick_size(s);
		flags = pick_prot(s) | (rnd(s, 7) ? 0 : AXAS_DEVICE) |
			(rnd(s, 3) ? 0 : AXAS_MAP_NOBLOCK);
		if (!rnd(s, 40))
			flags ^= rnd(s, 2) ? AXAS_READ : BIT(9);
		if (!rnd(s, 60))
			gpa += 0x800;
		if (!rnd(s, 100))
			size = 0;
		return op_map_linear(s, gpa, pick_hpa(s, gpa, size), size, flags);
	}
	if (r < 320) {
		bool eager = rnd(s, 10) < 4;

		if (rnd(s, 10) < 7 && find_run(s, pick_addr(s), false, &rs, &re))
			pick_in_run(s, rs, re, &gpa, &size);
		else
			gpa = pick_addr(s), size = pick_size(s);
		if (eager && size > 1024 * M_PAGE)
			size = (1 + rnd(s, 1024)) * M_PAGE;
		flags = pick_prot(s) | (rnd(s, 4) ? 0 : AXAS_MAP_NOBLOCK);
		if (!rnd(s, 50))
			flags |= AXAS_DEVICE;
		return op_map_alloc(s, gpa, size, flags, eager);
	}
	if (r < 620) {
		bool unmap = r < 500;

		if (rnd(s, 10) < 8 && find_run(s, pick_addr(s), true, &rs, &re))
			pick_in_run(s, rs, re, &gpa, &size);
		else
			gpa = pick_addr(s), size = pick_size(s);
		if (!rnd(s, 80))
			size |= 0x10;
		if (unmap)
			return op_unmap(s, gpa, size);
		flags = pick_prot(s);
		if (!rnd(s, 40))
			flags = rnd(s, 2) ? AXAS_WRITE : AXAS_READ | AXAS_DEVICE;
		return op_protect(s, gpa, size, flags);
	}
	if (r < 760) {
		/* A burst of faults, mostly on lazy pages. */
		unsigned int n = 1 + rnd(s, 32), i;

		if (!find_run(s, pick_addr(s), true, &rs, &re))
			rs = s->base, re = s->end;
		for (i = 0; i < n; i++) {
			u64 a = rs + rnd(s, re - rs);
			struct m_page *p;
			u32 acc;

			if (!rnd(s, 10))
				a = pick_addr(s) + rnd(s, M_PAGE);
			if (!rnd(s, 50))
				a = rnd(s, 2) ? s->base - 1 : s->end;
			p = in_space(s, a) ? pg(s, a) : NULL;
			acc = p && p->flags && rnd(s, 4) ?
			      p->flags & M_PROT & (u32)(1 + rnd(s, 7)) : 0;
			if (!acc)
				acc = 1 + rnd(s, 7);
			if (!rnd(s, 30))
				acc = rnd(s, 2) ? 0 : AXAS_DEVICE | AXAS_READ;
			if (!op_fault(s, a, acc))
				return false;
		}
		return true;
	}
	if (r < 840) {
		gpa = pick_addr(s) + rnd(s, M_PAGE);
		if (!rnd(s, 20))
			gpa = rnd(s, 2) ? s->end + rnd(s, M_1G) : ~0ULL - rnd(s, 9);
		return rnd(s, 4) ? op_translate(s, gpa) :
				   op_translate_limit(s, gpa);
	}
	if (r < 995) {
		size_t len;

		gpa = pick_addr(s) + rnd(s, M_PAGE);
		r = rnd(s, 100);
		len = r < 60 ? 1 + rnd(s, M_PAGE) : r < 90 ? 1 + rnd(s, 4 * M_PAGE) :
		      r < 95 ? 0 : 1 + rnd(s, M_ACCESS_MAX);
		if (!rnd(s, 30))
			gpa = s->end - rnd(s, 64);
		if (!rnd(s, 100))
			gpa = ~0ULL - rnd(s, 64);
		return rnd(s, 2) ? op_read(s, gpa, len) : op_write(s, gpa, len);
	}
	return op_clear(s);
}

bool sess_random_ops(struct sess *s, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (!random_op(s))
			return false;
	return sess_full_check(s, true);
}
