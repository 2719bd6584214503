// SPDX-License-Identifier: GPL-2.0
/*
 * The generic walker and the format-independent table operations.
 *
 * The walker knows only traversal: it visits every entry that intersects
 * [start, end), calling the visitor for leaves (any entry that is not a
 * table, including empty ones), and before and after descending into a
 * table. It re-reads an entry after the leaf callback, so a visitor can
 * install a table and the walk descends into it; and after the pre-table
 * callback, so a visitor can cut a whole subtree off.
 *
 * Removal is in two passes so that nothing is freed while the hardware or
 * a lockless reader may still reach it: zap makes entries invalid but
 * keeps what they point to, the caller invalidates the TLB once and waits
 * for an RCU grace period, and reap then frees the frames and tables the
 * zapped entries lead to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <asm/barrier.h>

#include "pgtable.h"

enum axas_visit {
	AXAS_VISIT_LEAF		= BIT(0),
	AXAS_VISIT_TABLE_PRE	= BIT(1),
	AXAS_VISIT_TABLE_POST	= BIT(2),
};

/**
 * struct axas_visit_ctx - what a visitor sees of one entry
 * @pgt: the table.
 * @ptep: the entry.
 * @old: its value when the visit began.
 * @addr: guest address of the first byte the entry maps.
 * @start: start of the walk.
 * @end: end of the walk.
 * @level: level of the entry.
 * @run: entries from this one to the end of its table that intersect the
 *	walk; a leaf visitor may handle several at once (see below).
 * @arg: the operation's own data.
 */
struct axas_visit_ctx {
	struct axas_pgtable *pgt;
	u64 *ptep;
	u64 old;
	u64 addr;
	u64 start;
	u64 end;
	unsigned int level;
	unsigned int run;
	void *arg;
};

/*
 * A visitor returns a negative errno to stop the walk, or 0. A leaf visitor
 * may instead return n > 0: it handled n <= @run consecutive entries as
 * leaves, and the walk goes on after them. That keeps the per-page cost of
 * big maps and unmaps to a store.
 */

typedef int (*axas_visitor_fn_t)(const struct axas_visit_ctx *ctx,
			       enum axas_visit visit);

struct axas_walker {
	axas_visitor_fn_t cb;
	void *arg;
	unsigned int flags;
	const struct axas_yield *yield;	/* or NULL */
};

struct axas_walk_data {
	struct axas_pgtable *pgt;
	const struct axas_walker *walker;
	u64 start;
	u64 end;
	u64 addr;	/* cursor */
};

static __always_inline void *axas_va(const struct axas_pgtable *pgt,
				     phys_addr_t pa)
{
	if (likely(pgt->direct_map))
		return phys_to_virt(pa);
	return pgt->hal->ops->phys_to_virt(pgt->hal->priv, pa);
}

static inline phys_addr_t axas_pa(const struct axas_pgtable *pgt, void *va)
{
	if (likely(pgt->direct_map))
		return virt_to_phys(va);
	return pgt->hal->ops->virt_to_phys(pgt->hal->priv, va);
}

static void axas_pgt_add_tables(struct axas_pgtable *pgt, long nr)
{
	atomic64_add(nr, &pgt->table_pages);
	atomic64_add(nr, &pgt->pages);
}

/*
 * What an entry holds while break-before-make replaces it: invalid, no
 * address, the zap bit alone, which no zapped entry equals (a zapped entry
 * keeps its address and attributes). Lockless readers wait it out.
 */
static inline u64 axas_pte_locked(const struct axas_format *fmt)
{
	return fmt->zap_bit;
}

/* A reader met a locked entry: wait for break-before-make to finish. */
static noinline u64 axas_pte_wait(const u64 *ptep, u64 locked)
{
	u64 pte;

	do {
		cpu_relax();
		pte = READ_ONCE(*ptep);
	} while (pte == locked);
	return pte;
}

static bool axas_ctx_covered(const struct axas_visit_ctx *ctx)
{
	return ctx->addr >= ctx->start &&
	       ctx->addr + axas_level_size(ctx->level) <= ctx->end;
}

static bool axas_walk_is_table(const struct axas_walk_data *data, u64 pte,
			       unsigned int level)
{
	const struct axas_format *fmt = data->pgt->fmt;

	return axas_pte_valid(fmt, pte) && axas_pte_table(fmt, pte, level);
}

static int axas_walk_table(struct axas_walk_data *data, u64 *table,
			   unsigned int level, unsigned int nr_ptes);

/* Returns the entries consumed (at least one), or a negative errno. */
static int axas_walk_entry(struct axas_walk_data *data, u64 *ptep,
			   unsigned int level, unsigned int run)
{
	const struct axas_walker *walker = data->walker;
	unsigned int shift = axas_level_shift(level);
	u64 size = axas_level_size(level);
	struct axas_visit_ctx ctx = {
		.pgt	= data->pgt,
		.ptep	= ptep,
		.old	= READ_ONCE(*ptep),
		.addr	= ALIGN_DOWN(data->addr, size),
		.start	= data->start,
		.end	= data->end,
		.level	= level,
		.run	= run,
		.arg	= walker->arg,
	};
	bool table = axas_walk_is_table(data, ctx.old, level);
	int ret;

	if (!table && (walker->flags & AXAS_VISIT_LEAF)) {
		ret = walker->cb(&ctx, AXAS_VISIT_LEAF);
		if (ret < 0)
			return ret;
		if (ret > 0) {
			data->addr = ctx.addr + ((u64)ret << shift);
			return ret;
		}
		ctx.old = READ_ONCE(*ptep);
		table = axas_walk_is_table(data, ctx.old, level);
	}

	if (table && (walker->flags & AXAS_VISIT_TABLE_PRE)) {
		ret = walker->cb(&ctx, AXAS_VISIT_TABLE_PRE);
		if (ret)
			return ret;
		ctx.old = READ_ONCE(*ptep);
		table = axas_walk_is_table(data, ctx.old, level);
	}

	if (!table) {
		data->addr = ctx.addr + size;
		return 1;
	}

	ret = axas_walk_table(data,
			      axas_va(data->pgt, axas_pte_to_pa(data->pgt->fmt,
								ctx.old)),
			      level - 1, AXAS_PTES_PER_TABLE);
	if (ret)
		return ret;

	if (walker->flags & AXAS_VISIT_TABLE_POST) {
		ctx.old = READ_ONCE(*ptep);
		ret = walker->cb(&ctx, AXAS_VISIT_TABLE_POST);
		if (ret)
			return ret;
	}
	return 1;
}

static int axas_walk_table(struct axas_walk_data *data, u64 *table,
			   unsigned int level, unsigned int nr_ptes)
{
	unsigned int shift = axas_level_shift(level);
	unsigned int idx = (data->addr >> shift) & (nr_ptes - 1);
	/* Index, in this table, of the last entry the walk reaches. */
	u64 last = ((data->end - 1) >> shift) - ((data->addr >> shift) - idx);
	unsigned int stop = min_t(u64, nr_ptes, last + 1);
	int ret;

	while (idx < stop) {
		ret = axas_walk_entry(data, &table[idx], level, stop - idx);
		if (ret < 0)
			return ret;
		idx += ret;
		/* Every 2 MiB, let the faults waiting for the lock in. */
		if (level == 1 && data->walker->yield && idx < stop)
			data->walker->yield->fn(data->walker->yield->arg);
	}
	return 0;
}

/*
 * Walk [addr, addr + size), which the caller has checked lies inside the
 * address width. Returns the first non-zero visitor result.
 */
static int axas_walk(struct axas_pgtable *pgt, u64 addr, u64 size,
		     const struct axas_walker *walker)
{
	struct axas_walk_data data = {
		.pgt	= pgt,
		.walker	= walker,
		.start	= addr,
		.end	= addr + size,
		.addr	= addr,
	};

	return axas_walk_table(&data, pgt->root, pgt->geo.top_level,
			       pgt->geo.root_ptes);
}

/* ---- page cache filled before the lock ---------------------------------- */

/* Give back a page popped from @mc and never published; it stays zeroed. */
static void axas_mc_push(struct axas_mc *mc, void *page)
{
	*(void **)page = mc->head;
	mc->head = page;
	mc->nr++;
}

/**
 * axas_mc_topup() - make sure a cache holds at least @nr pages
 * @hal: where to allocate.
 * @mc: the cache.
 * @nr: pages wanted.
 *
 * Context: process context, may sleep; no space lock held.
 * Return: 0 or -ENOMEM (the pages already in the cache stay there).
 */
int axas_mc_topup(const struct axas_hal *hal, struct axas_mc *mc,
		  unsigned long nr)
{
	while (mc->nr < nr) {
		void **page = hal->ops->alloc(hal->priv, 0);

		if (!page)
			return -ENOMEM;
		*page = mc->head;
		mc->head = page;
		mc->nr++;
	}
	return 0;
}

/**
 * axas_mc_pop() - take a zeroed page from a cache
 * @mc: the cache.
 *
 * Context: any context.
 * Return: the page, or NULL when the cache is empty.
 */
void *axas_mc_pop(struct axas_mc *mc)
{
	void **page = mc->head;

	if (!page)
		return NULL;
	mc->head = *page;
	mc->nr--;
	*page = NULL;
	return page;
}

/**
 * axas_mc_free() - give back what a cache still holds
 * @hal: where the pages came from.
 * @mc: the cache, empty afterwards.
 *
 * Context: any context in which @hal's free may run.
 */
void axas_mc_free(const struct axas_hal *hal, struct axas_mc *mc)
{
	void *page;

	while ((page = axas_mc_pop(mc)))
		hal->ops->free(hal->priv, page, 0);
}

/* ---- setup and teardown -------------------------------------------------- */

int axas_pgt_init(struct axas_pgtable *pgt, const struct axas_format *fmt,
		  const struct axas_hal *hal, unsigned int ia_bits)
{
	int ret;

	if (ia_bits < fmt->min_ia_bits || ia_bits > fmt->max_ia_bits)
		return -EINVAL;

	pgt->fmt = fmt;
	pgt->hal = hal;
	pgt->direct_map = hal->direct_map;
	pgt->ia_bits = ia_bits;
	ret = fmt->geometry(ia_bits, &pgt->geo);
	if (ret)
		return ret;

	pgt->root = hal->ops->alloc(hal->priv, pgt->geo.root_order);
	if (!pgt->root)
		return -ENOMEM;
	pgt->root_pa = axas_pa(pgt, pgt->root);
	atomic64_set(&pgt->pages, 0);
	atomic64_set(&pgt->table_pages, 0);
	axas_pgt_add_tables(pgt, 1L << pgt->geo.root_order);
	for (ret = 0; ret < AXAS_LEAF_LEVELS; ret++)
		atomic64_set(&pgt->mapped[ret], 0);
	return 0;
}

void axas_pgt_destroy(struct axas_pgtable *pgt)
{
	/* The caller has reaped everything below the root. */
	WARN_ON_ONCE(atomic64_read(&pgt->table_pages) !=
		     1L << pgt->geo.root_order);
	pgt->hal->ops->free(pgt->hal->priv, pgt->root, pgt->geo.root_order);
	pgt->root = NULL;
}

/* ---- map ------------------------------------------------------------------ */

/*
 * Where a map's host addresses come from: one contiguous range from @pa
 * (linear), an array with one page per entry (@pas, caller's frames), or
 * fresh frames popped from @mc (@frames).
 */
struct axas_map_data {
	phys_addr_t pa;		/* host address of the walk's start */
	const phys_addr_t *pas;	/* or: host address of each page */
	u32 flags;
	unsigned int max_level;	/* largest leaf allowed */
	bool frames;		/* each leaf maps a fresh frame from @mc */
	struct axas_mc *mc;
	u64 leaf_attrs[AXAS_LEAF_LEVELS];
};

/* Largest leaf for frames given page by page: 2 MiB. */
#define AXAS_PAGES_MAX_LEVEL	1U

static unsigned int axas_map_max_level(const struct axas_pgtable *pgt,
				       u32 flags)
{
	return flags & AXAS_MAP_NOBLOCK ? 0 : pgt->fmt->max_leaf_level;
}

/* Whether @nr pages from @pas are contiguous and aligned to their size. */
static bool axas_pages_block(const phys_addr_t *pas, unsigned long nr)
{
	unsigned long i;

	if (!IS_ALIGNED(pas[0], (u64)nr << AXAS_PAGE_SHIFT))
		return false;
	for (i = 1; i < nr; i++)
		if (pas[i] != pas[0] + ((phys_addr_t)i << AXAS_PAGE_SHIFT))
			return false;
	return true;
}

/* Whether one leaf at @level can map @addr of a map of [start, end). */
static bool axas_map_fits(const struct axas_map_data *d, u64 start, u64 end,
			  unsigned int level, u64 addr)
{
	u64 size = axas_level_size(level);

	if (level > d->max_level || addr < start || addr + size > end)
		return false;
	if (d->pas)
		return axas_pages_block(d->pas + ((addr - start) >>
						  AXAS_PAGE_SHIFT),
					size >> AXAS_PAGE_SHIFT);
	return IS_ALIGNED(d->pa + (addr - start), size);
}

/* Host address a leaf at @addr maps, for linear and page maps. */
static phys_addr_t axas_map_pa(const struct axas_map_data *d, u64 start,
			       u64 addr)
{
	if (d->pas)
		return d->pas[(addr - start) >> AXAS_PAGE_SHIFT];
	return d->pa + (addr - start);
}

static void axas_account_leaves(struct axas_pgtable *pgt, unsigned int level,
				u32 flags, unsigned int nr)
{
	atomic64_add((s64)nr << axas_level_shift(level), &pgt->mapped[level]);
	if (flags & AXAS_PTE_OWNED)
		atomic64_add(nr, &pgt->pages);
}

/* Hang a zeroed table from the cache under an empty entry. */
static int axas_install_table(const struct axas_visit_ctx *ctx,
			      struct axas_mc *mc)
{
	struct axas_pgtable *pgt = ctx->pgt;
	void *table = axas_mc_pop(mc);

	if (!table)
		return -ENOMEM;
	WRITE_ONCE(*ctx->ptep, pgt->fmt->table_pte(axas_pa(pgt, table)));
	axas_pgt_add_tables(pgt, 1);
	return 0;
}

static int axas_map_visitor(const struct axas_visit_ctx *ctx,
			    enum axas_visit visit)
{
	struct axas_map_data *d = ctx->arg;
	struct axas_pgtable *pgt = ctx->pgt;
	const struct axas_format *fmt = pgt->fmt;
	unsigned int shift = axas_level_shift(ctx->level);
	bool linear = !d->frames && !d->pas;	/* read once, not per store */
	unsigned int i, nr;
	phys_addr_t pa;
	u64 attrs, addr;

	if (WARN_ON_ONCE(axas_pte_valid(fmt, ctx->old)))
		return -EEXIST;	/* the caller checked the range was free */

	if (!axas_map_fits(d, ctx->start, ctx->end, ctx->level, ctx->addr))
		return axas_install_table(ctx, d->mc);

	/*
	 * This entry and the empty ones after it that the range covers. For
	 * one contiguous range the first fit implies the others; frames given
	 * page by page may stop being contiguous, and the walker comes back
	 * to that entry.
	 */
	attrs = d->leaf_attrs[ctx->level];
	nr = min_t(u64, ctx->run, (ctx->end - ctx->addr) >> shift);
	pa = axas_map_pa(d, ctx->start, ctx->addr);
	for (i = 0; i < nr; i++, pa += 1ULL << shift) {
		if (READ_ONCE(ctx->ptep[i]))
			break;	/* a table: the walker descends into it */
		if (!linear) {
			if (d->frames) {
				void *frame = axas_mc_pop(d->mc);

				if (!frame)
					break;
				pa = axas_pa(pgt, frame);
			} else if (i) {
				/* Every page fits a 4 KiB leaf. */
				addr = ctx->addr + ((u64)i << shift);
				if (ctx->level &&
				    !axas_map_fits(d, ctx->start, ctx->end,
						   ctx->level, addr))
					break;
				pa = axas_map_pa(d, ctx->start, addr);
			}
		}
		WRITE_ONCE(ctx->ptep[i], attrs | axas_pa_to_pte(fmt, pa));
	}
	if (!i)
		return -ENOMEM;
	axas_account_leaves(pgt, ctx->level, d->flags, i);
	return i;
}

/* Entry bits of a leaf at @level, without the address; AXAS_PTE_WRONG too. */
static u64 axas_leaf_attrs(const struct axas_pgtable *pgt, unsigned int level,
			   u32 flags)
{
	u64 attrs = pgt->fmt->leaf_attrs(level, flags);

	if (flags & AXAS_PTE_WRONG)
		attrs &= ~pgt->fmt->wrong_leaf_clear;
	return attrs;
}

static void axas_map_data_init(const struct axas_pgtable *pgt,
			       struct axas_map_data *d, phys_addr_t pa,
			       u32 flags, struct axas_mc *mc)
{
	unsigned int level;

	d->pa = pa;
	d->pas = NULL;
	d->flags = flags & ~AXAS_MAP_NOBLOCK;
	d->max_level = axas_map_max_level(pgt, flags);
	d->frames = false;
	d->mc = mc;
	for (level = 0; level < AXAS_LEAF_LEVELS; level++)
		d->leaf_attrs[level] = axas_leaf_attrs(pgt, level, d->flags);
}

/* Tables that mapping [start, end) can need at levels from @low up. */
static unsigned long axas_tables_for(const struct axas_pgtable *pgt,
				     u64 start, u64 end, unsigned int low)
{
	unsigned long nr = 0;
	unsigned int level;

	for (level = low; level < pgt->geo.top_level; level++) {
		unsigned int shift = axas_level_shift(level + 1);

		nr += ((end - 1) >> shift) - (start >> shift) + 1;
	}
	return nr;
}

/**
 * axas_pgt_map_tables() - worst-case table pages a map can consume
 * @pgt: the table.
 * @addr: guest start.
 * @size: bytes.
 * @pa: host start.
 * @flags: AXAS_MAP_NOBLOCK matters.
 *
 * The leaves of a linear map are one level @g as far as the congruence of
 * @addr and @pa allows in the middle, and smaller towards both ends; the
 * ends need at most one table per level below @g each.
 *
 * Context: any context.
 * Return: an upper bound of the pages axas_pgt_map() pops from its cache.
 */
unsigned long axas_pgt_map_tables(const struct axas_pgtable *pgt, u64 addr,
				  u64 size, phys_addr_t pa, u32 flags)
{
	unsigned int g = axas_map_max_level(pgt, flags);

	while (g && !IS_ALIGNED(addr - pa, axas_level_size(g)))
		g--;
	return axas_tables_for(pgt, addr, addr + size, g) + 2 * g;
}

static void axas_map_pages_init(const struct axas_pgtable *pgt,
				struct axas_map_data *d, const phys_addr_t *pas,
				u32 flags, struct axas_mc *mc)
{
	axas_map_data_init(pgt, d, 0, flags, mc);
	d->pas = pas;
	d->max_level = min_t(unsigned int, d->max_level, AXAS_PAGES_MAX_LEVEL);
}

/**
 * axas_pgt_map_pages_tables() - table pages axas_pgt_map_pages() can consume
 * @pgt: the table.
 * @addr: guest start.
 * @pas: host address of each page.
 * @nr: pages.
 * @flags: AXAS_MAP_NOBLOCK matters.
 *
 * Every table above the 4 KiB level the range reaches, and a 4 KiB-level
 * table for each 2 MiB of guest addresses that no 2 MiB leaf will map:
 * the same decision the map makes, taken in advance.
 *
 * Context: any context.
 * Return: an upper bound of the pages axas_pgt_map_pages() pops.
 */
unsigned long axas_pgt_map_pages_tables(const struct axas_pgtable *pgt,
					u64 addr, const phys_addr_t *pas,
					unsigned long nr, u32 flags)
{
	u64 end = addr + ((u64)nr << AXAS_PAGE_SHIFT), step = axas_level_size(1);
	unsigned long tables = axas_tables_for(pgt, addr, end, 1);
	struct axas_map_data d;
	u64 w;

	axas_map_pages_init(pgt, &d, pas, flags, NULL);
	for (w = ALIGN_DOWN(addr, step); w < end; w += step)
		if (!axas_map_fits(&d, addr, end, 1, w))
			tables++;
	return tables;
}

/**
 * axas_pgt_split_tables() - table pages splitting both ends of a range takes
 * @pgt: the table.
 *
 * Context: any context.
 * Return: two per leaf level above 4 KiB.
 */
unsigned long axas_pgt_split_tables(const struct axas_pgtable *pgt)
{
	return 2 * pgt->fmt->max_leaf_level;
}

/**
 * axas_pgt_map() - map [addr, addr + size) to host [pa, pa + size)
 * @pgt: the table.
 * @addr: guest start.
 * @size: bytes.
 * @pa: host start.
 * @flags: AXAS_* mapping flags, AXAS_PTE_OWNED.
 * @mc: holds at least axas_pgt_map_tables() pages.
 *
 * Context: the space lock held for writing. The range must be empty.
 */
void axas_pgt_map(struct axas_pgtable *pgt, u64 addr, u64 size,
		  phys_addr_t pa, u32 flags, struct axas_mc *mc)
{
	struct axas_map_data d;
	struct axas_walker walker = {
		.cb	= axas_map_visitor,
		.arg	= &d,
		.flags	= AXAS_VISIT_LEAF,
	};

	axas_map_data_init(pgt, &d, pa, flags, mc);
	WARN_ON_ONCE(axas_walk(pgt, addr, size, &walker));
}

/**
 * axas_pgt_map_frames() - map fresh 4 KiB frames at [addr, addr + size)
 * @pgt: the table.
 * @addr: guest start, page aligned; the range must be empty.
 * @size: bytes, page aligned.
 * @flags: AXAS_* mapping flags and AXAS_PTE_OWNED.
 * @mc: one page per frame plus axas_pgt_map_tables() for the range; both
 *	the tables and the frames come from it.
 *
 * Context: the space lock held for writing.
 * Return: 0, or -ENOMEM when @mc ran short, which the caller's sizing must
 * rule out.
 */
int axas_pgt_map_frames(struct axas_pgtable *pgt, u64 addr, u64 size,
			u32 flags, struct axas_mc *mc)
{
	struct axas_map_data d;
	struct axas_walker walker = {
		.cb	= axas_map_visitor,
		.arg	= &d,
		.flags	= AXAS_VISIT_LEAF,
	};

	axas_map_data_init(pgt, &d, 0, flags | AXAS_MAP_NOBLOCK, mc);
	d.frames = true;
	return axas_walk(pgt, addr, size, &walker);
}

/**
 * axas_pgt_map_pages() - map the caller's frames at [addr, addr + nr pages)
 * @pgt: the table.
 * @addr: guest start, page aligned; the range must be empty.
 * @pas: host address of each page, page aligned.
 * @nr: pages.
 * @flags: AXAS_* mapping flags (never AXAS_PTE_OWNED: the space does not
 *	free these frames).
 * @mc: holds at least axas_pgt_map_pages_tables() pages.
 *
 * A 2 MiB leaf maps 512 pages that are contiguous and aligned together
 * with their guest address, unless AXAS_MAP_NOBLOCK; 4 KiB leaves the rest.
 *
 * Context: the space lock held for writing.
 */
void axas_pgt_map_pages(struct axas_pgtable *pgt, u64 addr,
			const phys_addr_t *pas, unsigned long nr, u32 flags,
			struct axas_mc *mc)
{
	struct axas_map_data d;
	struct axas_walker walker = {
		.cb	= axas_map_visitor,
		.arg	= &d,
		.flags	= AXAS_VISIT_LEAF,
	};

	axas_map_pages_init(pgt, &d, pas, flags, mc);
	WARN_ON_ONCE(axas_walk(pgt, addr, (u64)nr << AXAS_PAGE_SHIFT, &walker));
}

/* ---- splitting a block ---------------------------------------------------- */

struct axas_split_data {
	struct axas_mc *mc;
	axas_flush_fn_t flush;
	void *flush_arg;
	struct axas_tlb_range *tlb;
};

static void axas_tlb_extend(struct axas_tlb_range *tlb, u64 start, u64 end)
{
	if (tlb->start == tlb->end) {
		tlb->start = start;
		tlb->end = end;
		return;
	}
	tlb->start = min(tlb->start, start);
	tlb->end = max(tlb->end, end);
}

/*
 * Replace the block at @ctx by a table of the next smaller leaves mapping
 * the same memory with the same attributes; the walker then descends into
 * it. Arm requires break-before-make for this, so there the block is
 * invalidated and flushed first.
 */
static int axas_split_block(const struct axas_visit_ctx *ctx,
			    struct axas_split_data *s)
{
	struct axas_pgtable *pgt = ctx->pgt;
	const struct axas_format *fmt = pgt->fmt;
	unsigned int level = ctx->level - 1;
	u64 step = axas_level_size(level);
	u32 flags = fmt->pte_flags(ctx->old);
	phys_addr_t pa = axas_pte_to_pa(fmt, ctx->old);
	u64 attrs = fmt->leaf_attrs(level, flags);
	u64 *table = axas_mc_pop(s->mc);
	unsigned int i;

	if (WARN_ON_ONCE(!table))
		return -ENOMEM;	/* the caller reserved enough */

	for (i = 0; i < AXAS_PTES_PER_TABLE; i++)
		table[i] = attrs | axas_pa_to_pte(fmt, pa + i * step);

	if (fmt->split_bbm) {
		/*
		 * Readers on this CPU spin while the entry is locked, so the
		 * window must not be preempted.
		 */
		preempt_disable();
		WRITE_ONCE(*ctx->ptep, axas_pte_locked(fmt));
		s->flush(s->flush_arg, ctx->addr,
			 ctx->addr + axas_level_size(ctx->level));
	}
	/* Orders the table's contents before the entry that publishes it. */
	smp_store_release(ctx->ptep, fmt->table_pte(axas_pa(pgt, table)));
	if (fmt->split_bbm)
		preempt_enable();
	axas_pgt_add_tables(pgt, 1);
	atomic64_sub(axas_level_size(ctx->level), &pgt->mapped[ctx->level]);
	atomic64_add(axas_level_size(ctx->level), &pgt->mapped[level]);
	return 0;
}

/* ---- zap and reap ---------------------------------------------------------- */

static bool axas_table_has_valid(const struct axas_pgtable *pgt, u64 pte)
{
	const u64 *table = axas_va(pgt, axas_pte_to_pa(pgt->fmt, pte));
	unsigned int i;

	for (i = 0; i < AXAS_PTES_PER_TABLE; i++)
		if (axas_pte_valid(pgt->fmt, READ_ONCE(table[i])))
			return true;
	return false;
}

/* Zap the valid leaves of a run the range covers whole. */
static int axas_zap_leaves(const struct axas_visit_ctx *ctx,
			   struct axas_split_data *s)
{
	const struct axas_format *fmt = ctx->pgt->fmt;
	unsigned int shift = axas_level_shift(ctx->level);
	unsigned int i, nr = min_t(u64, ctx->run,
				   (ctx->end - ctx->addr) >> shift);

	for (i = 0; i < nr; i++) {
		u64 pte = READ_ONCE(ctx->ptep[i]);

		if (!axas_pte_valid(fmt, pte))
			continue;
		if (axas_pte_table(fmt, pte, ctx->level))
			break;
		WRITE_ONCE(ctx->ptep[i], axas_pte_zap(fmt, pte));
	}
	axas_tlb_extend(s->tlb, ctx->addr, ctx->addr + ((u64)i << shift));
	return i;
}

static int axas_zap_visitor(const struct axas_visit_ctx *ctx,
			    enum axas_visit visit)
{
	struct axas_split_data *s = ctx->arg;
	const struct axas_format *fmt = ctx->pgt->fmt;
	u64 end = ctx->addr + axas_level_size(ctx->level);

	switch (visit) {
	case AXAS_VISIT_LEAF:
		if (!axas_pte_valid(fmt, ctx->old))
			return 0;
		if (!axas_ctx_covered(ctx))
			return axas_split_block(ctx, s);
		return axas_zap_leaves(ctx, s);
	case AXAS_VISIT_TABLE_PRE:
		/* A table wholly inside the range goes without a descent. */
		if (!axas_ctx_covered(ctx))
			return 0;
		break;
	case AXAS_VISIT_TABLE_POST:
		/* Zapped everything it held that was in range: empty now? */
		if (axas_table_has_valid(ctx->pgt, ctx->old))
			return 0;
		break;
	default:
		return 0;
	}

	WRITE_ONCE(*ctx->ptep, axas_pte_zap(fmt, ctx->old));
	axas_tlb_extend(s->tlb, ctx->addr, end);
	return 0;
}

/**
 * axas_pgt_zap() - make every entry mapping [addr, addr + size) invalid
 * @pgt: the table.
 * @addr: guest start, page aligned.
 * @size: bytes, page aligned.
 * @mc: tables for splitting, axas_pgt_split_tables() of them.
 * @flush: invalidates a range at once (break-before-make).
 * @flush_arg: its argument.
 * @tlb: grows to cover what the caller must invalidate before reaping.
 * @yield: NULL, or how to let faults in every 2 MiB (they never install
 *	into a zapped entry: they wait for the change to end).
 *
 * Blocks cut by the range are split; tables wholly inside the range, or
 * left with no valid entry, are zapped in their parent. Nothing is freed.
 *
 * Context: the space lock held for writing.
 */
void axas_pgt_zap(struct axas_pgtable *pgt, u64 addr, u64 size,
		  struct axas_mc *mc, axas_flush_fn_t flush, void *flush_arg,
		  struct axas_tlb_range *tlb, const struct axas_yield *yield)
{
	struct axas_split_data s = {
		.mc		= mc,
		.flush		= flush,
		.flush_arg	= flush_arg,
		.tlb		= tlb,
	};
	struct axas_walker walker = {
		.cb	= axas_zap_visitor,
		.arg	= &s,
		.flags	= AXAS_VISIT_LEAF | AXAS_VISIT_TABLE_PRE |
			  AXAS_VISIT_TABLE_POST,
		.yield	= yield,
	};

	WARN_ON_ONCE(axas_walk(pgt, addr, size, &walker));
}

/*
 * What a reap freed, counted as it goes and taken off the shared counters
 * once per run of entries: an atomic per page would cost the reaper half
 * its time.
 */
struct axas_reaped {
	long frames;
	long tables;
	u64 mapped[AXAS_LEAF_LEVELS];
};

static void axas_reaped_apply(struct axas_pgtable *pgt, struct axas_reaped *r)
{
	unsigned int i;

	if (r->frames + r->tables)
		atomic64_sub(r->frames + r->tables, &pgt->pages);
	if (r->tables)
		atomic64_sub(r->tables, &pgt->table_pages);
	for (i = 0; i < AXAS_LEAF_LEVELS; i++)
		if (r->mapped[i])
			atomic64_sub(r->mapped[i], &pgt->mapped[i]);
	*r = (struct axas_reaped){ };
}

static void axas_reap_frame(struct axas_pgtable *pgt, u64 pte,
			    struct axas_reaped *r)
{
	const struct axas_hal *hal = pgt->hal;

	hal->ops->free(hal->priv, axas_va(pgt, axas_pte_to_pa(pgt->fmt, pte)),
		       0);
	r->frames++;
}

static inline void axas_reap_leaf(struct axas_pgtable *pgt, u64 pte,
				  unsigned int level, struct axas_reaped *r)
{
	if (pte & pgt->fmt->owned_bit)
		axas_reap_frame(pgt, pte, r);
	r->mapped[level] += axas_level_size(level);
}

/*
 * Free a table cut off by zap and everything below it: all of it is dead,
 * valid-looking entries included, since no walker can reach it any more.
 */
static void axas_reap_table(struct axas_pgtable *pgt, u64 table_pte,
			    unsigned int level, struct axas_reaped *r)
{
	const struct axas_format *fmt = pgt->fmt;
	const struct axas_hal *hal = pgt->hal;
	u64 *table = axas_va(pgt, axas_pte_to_pa(fmt, table_pte));
	unsigned int i, leaves = 0;

#ifdef AXAS_TEST_PLANT_UAF
	/*
	 * A planted bug, compiled only by scripts/check-kasan-plant.sh: the
	 * table is freed before its entries are read, which the KASAN e2e
	 * kernel must report.
	 */
	hal->ops->free(hal->priv, table, 0);
#endif
	for (i = 0; i < AXAS_PTES_PER_TABLE; i++) {
		u64 pte = table[i];

		if (!pte)
			continue;
		if (axas_pte_table(fmt, pte, level)) {
			axas_reap_table(pgt, pte, level - 1, r);
			continue;
		}
		/* Every other entry of a dead table is a leaf, zapped or not. */
		if (pte & fmt->owned_bit)
			axas_reap_frame(pgt, pte, r);
		leaves++;
	}
	/* Leaves exist at the leaf levels only: higher tables have none. */
	if (leaves && !WARN_ON_ONCE(level >= AXAS_LEAF_LEVELS))
		r->mapped[level] += (u64)leaves << axas_level_shift(level);
#ifndef AXAS_TEST_PLANT_UAF
	hal->ops->free(hal->priv, table, 0);
#endif
	r->tables++;
	/* A dead gigabyte is 512 of these: do not hog the CPU. */
	if (!level) {
		axas_reaped_apply(pgt, r);
		cond_resched();
	}
}

/*
 * The walker descends only into live tables; zapped entries, leaves and
 * tables alike, reach the visitor as leaves. It takes the whole run of
 * entries up to the next live table.
 */
static int axas_reap_visitor(const struct axas_visit_ctx *ctx,
			     enum axas_visit visit)
{
	struct axas_pgtable *pgt = ctx->pgt;
	const struct axas_format *fmt = pgt->fmt;
	struct axas_reaped r = { };
	unsigned int i;

	for (i = 0; i < ctx->run; i++) {
		u64 pte = READ_ONCE(ctx->ptep[i]);

		if (!axas_pte_zapped(fmt, pte)) {
			if (i && axas_pte_valid(fmt, pte) &&
			    axas_pte_table(fmt, pte, ctx->level))
				break;
			continue;
		}
		if (axas_pte_table(fmt, pte, ctx->level))
			axas_reap_table(pgt, pte, ctx->level - 1, &r);
		else
			axas_reap_leaf(pgt, pte, ctx->level, &r);
		WRITE_ONCE(ctx->ptep[i], 0);
	}
	axas_reaped_apply(pgt, &r);
	return i;
}

/**
 * axas_pgt_reap() - free what the zapped entries in a range lead to
 * @pgt: the table.
 * @addr: guest start, as given to axas_pgt_zap().
 * @size: bytes, as given to axas_pgt_zap().
 * @yield: NULL, or as for axas_pgt_zap().
 *
 * Context: the space lock held for writing, after the TLB invalidation that
 * covers everything axas_pgt_zap() reported and an RCU grace period that
 * began after the zap.
 */
void axas_pgt_reap(struct axas_pgtable *pgt, u64 addr, u64 size,
		   const struct axas_yield *yield)
{
	struct axas_walker walker = {
		.cb	= axas_reap_visitor,
		.flags	= AXAS_VISIT_LEAF,
		.yield	= yield,
	};

	axas_walk(pgt, addr, size, &walker);
}

/* ---- protect ------------------------------------------------------------- */

struct axas_protect_data {
	struct axas_split_data split;
	u32 prot;
};

static int axas_protect_visitor(const struct axas_visit_ctx *ctx,
				enum axas_visit visit)
{
	struct axas_protect_data *p = ctx->arg;
	const struct axas_format *fmt = ctx->pgt->fmt;
	u64 attrs, pte;
	u32 flags;

	if (!axas_pte_valid(fmt, ctx->old))
		return 0;
	if (!axas_ctx_covered(ctx))
		return axas_split_block(ctx, &p->split);

	flags = (fmt->pte_flags(ctx->old) & ~AXAS_PROT_MASK) | p->prot;
	attrs = fmt->leaf_attrs(ctx->level, flags);
	pte = attrs | axas_pa_to_pte(fmt, axas_pte_to_pa(fmt, ctx->old));
	if (pte == ctx->old)
		return 0;
	WRITE_ONCE(*ctx->ptep, pte);
	axas_tlb_extend(p->split.tlb, ctx->addr,
			ctx->addr + axas_level_size(ctx->level));
	return 0;
}

/**
 * axas_pgt_protect() - set the permissions of the leaves in a range
 * @pgt: the table.
 * @addr: guest start, page aligned.
 * @size: bytes, page aligned.
 * @prot: AXAS_READ/WRITE/EXEC.
 * @mc: tables for splitting, axas_pgt_split_tables() of them.
 * @flush: invalidates a range at once (break-before-make).
 * @flush_arg: its argument.
 * @tlb: grows to cover the leaves that changed.
 * @yield: NULL, or as for axas_pgt_zap().
 *
 * Context: the space lock held for writing.
 */
void axas_pgt_protect(struct axas_pgtable *pgt, u64 addr, u64 size, u32 prot,
		      struct axas_mc *mc, axas_flush_fn_t flush, void *flush_arg,
		      struct axas_tlb_range *tlb, const struct axas_yield *yield)
{
	struct axas_protect_data p = {
		.split = {
			.mc		= mc,
			.flush		= flush,
			.flush_arg	= flush_arg,
			.tlb		= tlb,
		},
		.prot = prot,
	};
	struct axas_walker walker = {
		.cb	= axas_protect_visitor,
		.arg	= &p,
		.flags	= AXAS_VISIT_LEAF,
		.yield	= yield,
	};

	WARN_ON_ONCE(axas_walk(pgt, addr, size, &walker));
}

/* ---- listing ----------------------------------------------------------- */

struct axas_entry_data {
	axas_entry_fn_t fn;
	void *arg;
	int ret;
};

static int axas_entry_visitor(const struct axas_visit_ctx *ctx,
			      enum axas_visit visit)
{
	struct axas_entry_data *d = ctx->arg;
	const struct axas_format *fmt = ctx->pgt->fmt;
	bool table = visit == AXAS_VISIT_TABLE_PRE;
	struct axas_entry entry = {
		.gpa	= ctx->addr,
		.size	= axas_level_size(ctx->level),
		.pte	= ctx->old,
		.pa	= axas_pte_to_pa(fmt, ctx->old),
		.level	= ctx->level,
		.table	= table,
	};

	if (!axas_pte_valid(fmt, ctx->old))
		return 0;
	if (!table)
		entry.flags = fmt->pte_flags(ctx->old) &
			      (AXAS_PROT_MASK | AXAS_DEVICE);
	/* Positive results mean something else to the walker. */
	d->ret = d->fn(d->arg, &entry);
	return d->ret ? -ECANCELED : 0;
}

/**
 * axas_pgt_walk_entries() - call @fn for every valid entry in a range
 * @pgt: the table.
 * @addr: guest start.
 * @size: bytes.
 * @fn: the callback.
 * @arg: its argument.
 *
 * Context: under rcu_read_lock(), or the space lock held.
 * Return: 0 or the first non-zero value of @fn.
 */
int axas_pgt_walk_entries(struct axas_pgtable *pgt, u64 addr, u64 size,
			  axas_entry_fn_t fn, void *arg)
{
	struct axas_entry_data d = { .fn = fn, .arg = arg };
	struct axas_walker walker = {
		.cb	= axas_entry_visitor,
		.arg	= &d,
		.flags	= AXAS_VISIT_LEAF | AXAS_VISIT_TABLE_PRE,
	};

	axas_walk(pgt, addr, size, &walker);
	return d.ret;
}

/* ---- translating a range -------------------------------------------------- */

static int axas_pages_visitor(const struct axas_visit_ctx *ctx,
			      enum axas_visit visit)
{
	const struct axas_format *fmt = ctx->pgt->fmt;
	phys_addr_t *hpas = ctx->arg;
	u64 pte = ctx->old, from, to, a;
	unsigned int i, nr;
	phys_addr_t pa;

	if (unlikely(pte == axas_pte_locked(fmt))) {
		/* A block being split: wait, then descend into its table. */
		pte = axas_pte_wait(ctx->ptep, axas_pte_locked(fmt));
		if (axas_pte_valid(fmt, pte) &&
		    axas_pte_table(fmt, pte, ctx->level))
			return 0;
	}
	if (!axas_pte_valid(fmt, pte))
		return -ENOENT;

	if (ctx->level) {
		/* One block: the part of it inside the range, page by page. */
		from = max(ctx->addr, ctx->start);
		to = min(ctx->addr + axas_level_size(ctx->level), ctx->end);
		pa = axas_pte_to_pa(fmt, pte) + (from - ctx->addr);
		hpas += (from - ctx->start) >> AXAS_PAGE_SHIFT;
		for (a = from; a < to; a += AXAS_PAGE_SIZE, pa += AXAS_PAGE_SIZE)
			*hpas++ = pa;
		return 1;
	}

	/* The run of 4 KiB leaves: a load and a store each. */
	nr = min_t(u64, ctx->run, (ctx->end - ctx->addr) >> AXAS_PAGE_SHIFT);
	hpas += (ctx->addr - ctx->start) >> AXAS_PAGE_SHIFT;
	for (i = 0; i < nr; i++) {
		pte = READ_ONCE(ctx->ptep[i]);
		if (unlikely(!axas_pte_valid(fmt, pte)))
			return i ?: -ENOENT;	/* visited again, alone */
		hpas[i] = axas_pte_to_pa(fmt, pte);
	}
	return nr;
}

/**
 * axas_pgt_translate_pages() - host address of each page of a range
 * @pgt: the table.
 * @addr: guest start, page aligned, inside the width.
 * @nr: pages.
 * @hpas: one entry per page.
 *
 * Context: under rcu_read_lock(), or the space lock held.
 * Return: 0, or -ENOENT at the first page no valid leaf maps.
 */
int axas_pgt_translate_pages(struct axas_pgtable *pgt, u64 addr,
			     unsigned long nr, phys_addr_t *hpas)
{
	struct axas_walker walker = {
		.cb	= axas_pages_visitor,
		.arg	= hpas,
		.flags	= AXAS_VISIT_LEAF,
	};

	return axas_walk(pgt, addr, (u64)nr << AXAS_PAGE_SHIFT, &walker);
}

/* ---- lookup --------------------------------------------------------------- */

static __always_inline bool __axas_pgt_lookup(const struct axas_pgtable *pgt,
					      u64 addr, struct axas_leaf *leaf,
					      unsigned int *missing,
					      u64 present)
{
	const struct axas_format *fmt = pgt->fmt;
	/* Read the format once, not at every level. */
	const u64 locked = axas_pte_locked(fmt), tmask = fmt->table_mask;
	const u64 tval = fmt->table_val, pa_mask = fmt->pa_mask;
	const unsigned int pfn_shift = fmt->pfn_shift;
	unsigned int level = pgt->geo.top_level;
	unsigned int idx_mask = pgt->geo.root_ptes - 1;
	const u64 *table = pgt->root;
	const u64 *ptep;
	phys_addr_t pa;
	u64 pte;

	for (;; level--, idx_mask = AXAS_PTES_PER_TABLE - 1) {
		ptep = &table[(addr >> axas_level_shift(level)) & idx_mask];
		pte = READ_ONCE(*ptep);
		if (unlikely(pte == locked))
			pte = axas_pte_wait(ptep, locked);
		if (unlikely(!(pte & present))) {
			if (missing)
				*missing = level;
			return false;
		}
		pa = ((pte >> pfn_shift) & pa_mask) << AXAS_PAGE_SHIFT;
		if (!level || (pte & tmask) != tval)
			break;
		table = axas_va(pgt, pa);
	}

	leaf->pte = pte;
	leaf->level = level;
	leaf->pa = pa;
	leaf->base = ALIGN_DOWN(addr, axas_level_size(level));
	return true;
}

/**
 * axas_pgt_lookup() - find the leaf mapping a guest address
 * @pgt: the table.
 * @addr: guest address inside the width.
 * @leaf: the leaf, when found.
 * @missing: when not found and non-NULL, the tables a 4 KiB leaf at @addr
 *	still needs.
 *
 * A zapped entry is not followed: what it leads to may be reaped as soon
 * as the readers that saw it valid have left.
 *
 * Context: under rcu_read_lock(), or the space lock held.
 * Return: true when a valid leaf maps @addr.
 */
bool axas_pgt_lookup(const struct axas_pgtable *pgt, u64 addr,
		     struct axas_leaf *leaf, unsigned int *missing)
{
	return __axas_pgt_lookup(pgt, addr, leaf, missing, pgt->fmt->valid_mask);
}

/**
 * axas_pgt_relookup() - axas_pgt_lookup() again, in the same RCU section
 * @pgt: the table.
 * @addr: an address whose lookup succeeded earlier in this RCU read-side
 *	section.
 * @leaf: the leaf.
 *
 * An unmap may have zapped the path since: what it led to is not freed
 * before this section ends, so zapped entries are followed as valid ones.
 *
 * Context: under the rcu_read_lock() of the first lookup.
 * Return: true, unless the caller broke the rule above.
 */
bool axas_pgt_relookup(const struct axas_pgtable *pgt, u64 addr,
		       struct axas_leaf *leaf)
{
	const struct axas_format *fmt = pgt->fmt;

	return __axas_pgt_lookup(pgt, addr, leaf, NULL,
				 fmt->valid_mask | fmt->zap_bit);
}

/* ---- fault install ------------------------------------------------------ */

/**
 * axas_pgt_fault_map() - install a fresh 4 KiB frame at @addr, racing others
 * @pgt: the table.
 * @addr: guest address, page aligned.
 * @flags: AXAS_* flags, AXAS_PTE_OWNED and AXAS_PTE_WRONG.
 * @mc: a zeroed page for each table the walk may need and one for the
 *	frame; what is not consumed stays in it.
 *
 * Every empty entry on the way, then the leaf, is installed with a
 * compare-and-exchange from zero: of two faults on one page, one installs
 * the frame and the other gives its own back to @mc; a table another fault
 * installed first is used as it is.
 *
 * Context: the space lock held for reading (structural changes excluded,
 * other faults not). Does not sleep.
 * Return: 0 when it installed the frame; AXAS_FAULT_PRESENT when a valid
 * leaf was already there; -EAGAIN when @mc ran out of tables (the caller tops it up and
 * tries again); -EBUSY when the path crosses a zapped entry (an unmap is
 * between its zap and its reap: the caller waits for it and tries again).
 */
int axas_pgt_fault_map(struct axas_pgtable *pgt, u64 addr, u32 flags,
		       struct axas_mc *mc)
{
	const struct axas_format *fmt = pgt->fmt;
	unsigned int level = pgt->geo.top_level;
	unsigned int idx_mask = pgt->geo.root_ptes - 1;
	u64 *table = pgt->root;
	u64 *ptep, pte, leaf;
	void *page;

	for (;; level--, idx_mask = AXAS_PTES_PER_TABLE - 1) {
		ptep = &table[(addr >> axas_level_shift(level)) & idx_mask];
		pte = READ_ONCE(*ptep);
		if (!level)
			break;
		if (!pte) {
			page = axas_mc_pop(mc);
			if (!page)
				return -EAGAIN;
			/* Full barrier: the zeroed table before the entry. */
			if (try_cmpxchg64(ptep, &pte,
					  fmt->table_pte(axas_pa(pgt, page)))) {
				axas_pgt_add_tables(pgt, 1);
				table = page;
				continue;
			}
			axas_mc_push(mc, page);
		}
		/*
		 * Zapped and not reaped yet: a structural change is between
		 * its steps. The caller waits for it to end.
		 */
		if (!axas_pte_valid(fmt, pte))
			return -EBUSY;
		if (!axas_pte_table(fmt, pte, level))
			return AXAS_FAULT_PRESENT;
		table = axas_va(pgt, axas_pte_to_pa(fmt, pte));
	}

	if (pte)
		return axas_pte_valid(fmt, pte) ? AXAS_FAULT_PRESENT : -EBUSY;
	page = axas_mc_pop(mc);
	if (!page)
		return -EAGAIN;
	leaf = axas_leaf_attrs(pgt, 0, flags) |
	       axas_pa_to_pte(fmt, axas_pa(pgt, page));
	if (try_cmpxchg64(ptep, &pte, leaf)) {
		axas_account_leaves(pgt, 0, flags, 1);
		return 0;
	}
	/* Another fault won: its frame stays, ours goes back. */
	axas_mc_push(mc, page);
	return axas_pte_valid(fmt, pte) ? AXAS_FAULT_PRESENT : -EBUSY;
}
