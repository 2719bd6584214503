// SPDX-License-Identifier: GPL-2.0
/*
 * Guest address spaces: areas, locking and the public operations.
 *
 * Each operation checks its arguments, allocates everything it could need
 * (area nodes, a cache of zeroed pages for tables and frames), and only
 * then takes the space lock, where it checks the range against the areas
 * and changes the table. Nothing allocates under the lock, so nothing can
 * fail half way and every error leaves the space as it was.
 *
 * Readers take no lock: translate, guest read and write, DUMP and the first
 * look of a fault walk under RCU, and an unmap frees what it cut off only
 * after a grace period, when no reader can hold it. Faults take the lock
 * shared and install with a compare-and-exchange; everything else that
 * changes the table takes it exclusively.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/rbtree.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <asm/barrier.h>

#include "space.h"

static const struct axas_format *const axas_formats[AXAS_FMT_COUNT] = {
	[AXAS_FMT_EPT]		= &axas_fmt_ept,
	[AXAS_FMT_ARM_S2]	= &axas_fmt_arm_s2,
	[AXAS_FMT_RISCV_GSTAGE]	= &axas_fmt_riscv_gstage,
	[AXAS_FMT_AMD_NPT]	= &axas_fmt_amd_npt,
};

const struct axas_format *axas_format_get(u32 id)
{
	if (id >= AXAS_FMT_COUNT)
		return NULL;
	return axas_formats[array_index_nospec(id, AXAS_FMT_COUNT)];
}

const char *axas_format_name(u32 format)
{
	const struct axas_format *fmt = axas_format_get(format);

	return fmt ? fmt->name : NULL;
}
EXPORT_SYMBOL_NS_GPL(axas_format_name, AXADDRSPACE);

/* ---- argument checks ------------------------------------------------------ */

static int axas_check_range(const struct axas_space *as, u64 gpa, u64 size)
{
	if (!size || !IS_ALIGNED(gpa | size, AXAS_PAGE_SIZE))
		return -EINVAL;
	if (gpa + size < gpa || gpa < as->base || gpa + size > as->end)
		return -ERANGE;
	return 0;
}

/* @nr pages from @gpa: a checked range, whose size may not even fit u64. */
static int axas_check_pages(const struct axas_space *as, u64 gpa,
			    unsigned long nr)
{
	if (!nr || !IS_ALIGNED(gpa, AXAS_PAGE_SIZE))
		return -EINVAL;
	if (nr > (as->end - as->base) >> AXAS_PAGE_SHIFT)
		return -ERANGE;
	return axas_check_range(as, gpa, (u64)nr << AXAS_PAGE_SHIFT);
}

static int axas_check_flags(u32 flags, u32 allowed)
{
	if ((flags & ~allowed) || !(flags & AXAS_READ))
		return -EINVAL;
	return 0;
}

/* ---- areas ------------------------------------------------------------------ */

/*
 * The first area that ends after @start, or NULL. Areas are disjoint, so
 * their ends rise with their starts and the tree by start orders them by
 * end too.
 */
static struct axas_area *axas_area_from(struct axas_space *as, u64 start)
{
	struct rb_node *node = as->area_tree.rb_node;
	struct axas_area *found = NULL, *area;

	lockdep_assert_held(&as->lock);
	while (node) {
		area = rb_entry(node, struct axas_area, rb);
		if (area->end > start) {
			found = area;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/*
 * The area of @gpa, or NULL. Faults come in runs on one area, so the one
 * the last search found is tried first, as KVM's memslots keep their last
 * used slot.
 */
static struct axas_area *axas_area_find(struct axas_space *as, u64 gpa)
{
	struct axas_area *area = READ_ONCE(as->area_hint);

	lockdep_assert_held(&as->lock);
	if (area && area->start <= gpa && gpa < area->end)
		return area;
	area = axas_area_from(as, gpa);
	if (!area || area->start > gpa)
		return NULL;
	if (area != READ_ONCE(as->area_hint))
		WRITE_ONCE(as->area_hint, area);
	return area;
}

/* Under the exclusive lock: @area leaves the list and the tree. */
static void axas_area_remove(struct axas_space *as, struct axas_area *area)
{
	list_del_rcu(&area->node);
	rb_erase(&area->rb, &as->area_tree);
	if (as->area_hint == area)
		WRITE_ONCE(as->area_hint, NULL);
}

/* Deeper than any balanced tree of areas gets: a search gone astray. */
#define AXAS_AREA_SEARCH_MAX	128

/*
 * Whether an area covering @gpa permits @access, looked at without the
 * lock: only to decide whether a fault should allocate before it takes
 * the lock, where the area is checked again. The tree changes under the
 * exclusive lock, each child pointer stored once, and frees nodes after a
 * grace period; a search that runs into a rotation may miss the area (the
 * fault then lets the locked check decide) and is cut off if it goes on
 * for longer than a tree of areas is deep.
 */
static bool axas_area_allows_rcu(struct axas_space *as, u64 gpa, u32 access)
{
	struct axas_area *area = READ_ONCE(as->area_hint);
	struct rb_node *node;
	unsigned int steps;
	u64 start, end;
	u32 flags;

	/* Racy reads, by design: the locked check decides. */
	if (area && data_race(area->start) <= gpa && gpa < data_race(area->end)) {
		/* As above. */
		return (data_race(area->flags) & access) == access;
	}

	node = rcu_dereference_raw(as->area_tree.rb_node);
	for (steps = 0; node && steps < AXAS_AREA_SEARCH_MAX; steps++) {
		area = rb_entry(node, struct axas_area, rb);
		/* Racy reads, by design: the locked check decides. */
		end = data_race(area->end);
		/* As above. */
		start = data_race(area->start);
		if (gpa < start) {
			node = rcu_dereference_raw(node->rb_left);
		} else if (gpa >= end) {
			node = rcu_dereference_raw(node->rb_right);
		} else {
			/* As above. */
			flags = data_race(area->flags);
			return (flags & access) == access;
		}
	}
	return false;
}

/* Add @area to the tree; the list is the caller's. */
static void axas_area_tree_add(struct axas_space *as, struct axas_area *area)
{
	struct rb_node **link = &as->area_tree.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (area->start < rb_entry(parent, struct axas_area, rb)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	area->rb.rb_left = NULL;
	area->rb.rb_right = NULL;
	/*
	 * Bounds, flags and empty children before the link: a lockless
	 * search may reach the node as soon as it is linked.
	 */
	smp_wmb();
	rb_link_node(&area->rb, parent, link);
	rb_insert_color(&area->rb, &as->area_tree);
}

static bool axas_range_free(struct axas_space *as, u64 start, u64 end)
{
	struct axas_area *area = axas_area_from(as, start);

	return !area || area->start >= end;
}

static bool axas_range_covered(struct axas_space *as, u64 start, u64 end)
{
	struct axas_area *area = axas_area_from(as, start);
	u64 cur = start;

	if (!area)
		return false;
	list_for_each_entry_from(area, &as->areas, node) {
		if (area->start > cur)
			return false;
		cur = area->end;
		if (cur >= end)
			return true;
	}
	return false;
}

static void axas_area_insert(struct axas_space *as, struct axas_area *new)
{
	struct axas_area *area = axas_area_from(as, new->start);

	lockdep_assert_held_write(&as->lock);
	if (area)
		list_add_tail_rcu(&new->node, &area->node);
	else
		list_add_tail_rcu(&new->node, &as->areas);
	axas_area_tree_add(as, new);
}

/* Cut @area at @at; a spare node becomes the part from @at on. */
static struct axas_area *axas_area_split(struct axas_space *as,
					 struct axas_area *area, u64 at,
					 struct axas_area *spare[2])
{
	struct axas_area **slot = spare[0] ? &spare[0] : &spare[1];
	struct axas_area *right = *slot;

	*slot = NULL;
	*right = *area;
	right->start = at;
	if (area->kind == AXAS_AREA_LINEAR)
		right->hpa = area->hpa + (at - area->start);
	/*
	 * Linked before @area shrinks: [at, end) is never without an area.
	 * A lockless search that finds @area still whole sees the old flags,
	 * as it would a moment earlier.
	 */
	list_add_rcu(&right->node, &area->node);
	axas_area_tree_add(as, right);
	WRITE_ONCE(area->end, at);
	return right;
}

/*
 * Apply an unmap (@remove) or a protect (new @prot) to the areas of the
 * covered range [start, end). Cutting both ends of one area takes the two
 * spare nodes.
 */
static void axas_areas_update(struct axas_space *as, u64 start, u64 end,
			      bool remove, u32 prot,
			      struct axas_area *spare[2])
{
	struct axas_area *area = axas_area_from(as, start);
	struct axas_area *next;

	lockdep_assert_held_write(&as->lock);
	while (!list_entry_is_head(area, &as->areas, node) &&
	       area->start < end) {
		if (area->start < start)
			area = axas_area_split(as, area, start, spare);
		if (area->end > end)
			axas_area_split(as, area, end, spare);

		next = list_next_entry(area, node);
		if (remove) {
			axas_area_remove(as, area);
			kfree_rcu(area, rcu);
		} else {
			WRITE_ONCE(area->flags,
				   (area->flags & ~AXAS_PROT_MASK) | prot);
		}
		area = next;
	}
}

static int axas_spares_alloc(struct axas_area *spare[2])
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		spare[i] = kzalloc(sizeof(*spare[i]), GFP_KERNEL_ACCOUNT);
		if (!spare[i])
			return -ENOMEM;
	}
	return 0;
}

static void axas_spares_free(struct axas_area *spare[2])
{
	kfree(spare[0]);
	kfree(spare[1]);
}

/* ---- TLB ------------------------------------------------------------------ */

static void axas_bbm_flush(void *arg, u64 start, u64 end)
{
	axas_tlb_flush(arg, start, end);
}

/*
 * Let faults in between the 2 MiB steps of a long change. The change mutex
 * keeps other changes out, and faults only fill empty entries.
 */
static void axas_change_yield(void *arg)
{
	struct axas_space *as = arg;

	up_write(&as->lock);
	cond_resched();
	down_write(&as->lock);
}

/*
 * Begin and end a structural change: @as->change is held across all of it,
 * the lock exclusively at the start and the end and in between except
 * where the change yields. While @changing, areas and leaves may disagree
 * (the areas are updated first) and zapped entries may be seen: faults that
 * meet either wait for the change to end.
 */
static void axas_change_begin(struct axas_space *as)
{
	mutex_lock(&as->change);
	down_write(&as->lock);
	WRITE_ONCE(as->changing, true);
}

static void axas_change_end(struct axas_space *as)
{
	WRITE_ONCE(as->changing, false);
	up_write(&as->lock);
	mutex_unlock(&as->change);
}

/*
 * Zap, invalidate once, wait for the readers, reap: after the flush no
 * hardware walker and after the grace period no lockless reader can reach
 * what the zapped entries led to, so it is freed. The grace period also
 * means that when an unmap returns nobody reads or writes the memory the
 * range mapped, which the owner of a linear or pages area may then reuse.
 * @readers is false only where no reader can exist (destroy).
 *
 * The areas are gone already, so no fault installs into the range; faults
 * elsewhere run between the 2 MiB steps and during the grace period, and
 * one whose path crosses a zapped entry waits on @as->change.
 */
static void axas_unmap_locked(struct axas_space *as, u64 start, u64 end,
			      struct axas_mc *mc, bool readers)
{
	const struct axas_yield yield = { axas_change_yield, as };
	struct axas_tlb_range tlb = { };

	lockdep_assert_held_write(&as->lock);
	axas_pgt_zap(&as->pgt, start, end - start, mc, axas_bbm_flush, as, &tlb,
		     &yield);
	if (tlb.start == tlb.end)
		return;	/* nothing was valid: nothing to reap either */
	axas_tlb_flush(as, tlb.start, tlb.end);
	if (readers) {
		up_write(&as->lock);
		synchronize_rcu();
		down_write(&as->lock);
	}
	axas_pgt_reap(&as->pgt, start, end - start, &yield);
}

/* ---- create and destroy ----------------------------------------------------- */

static bool axas_hal_valid(const struct axas_hal *hal)
{
	const struct axas_hal_ops *ops = hal->ops;

	return ops && ops->alloc && ops->free && ops->virt_to_phys &&
	       ops->phys_to_virt;
}

struct axas_space *axas_space_create(const struct axas_space_cfg *cfg)
{
	const struct axas_format *fmt = axas_format_get(cfg->format);
	const struct axas_hal *hal = cfg->hal ?: &axas_default_hal;
	struct axas_geometry geo;
	struct axas_space *as;
	int ret;

	if (!fmt || (cfg->flags & ~AXAS_CFG_FLAGS_MASK) ||
	    ((cfg->flags & AXAS_CFG_EPT_AD) && fmt != &axas_fmt_ept) ||
	    ((cfg->flags & AXAS_CFG_TEST_WRONG_LEAF) &&
	     !fmt->wrong_leaf_clear) ||
	    cfg->ia_bits < fmt->min_ia_bits || cfg->ia_bits > fmt->max_ia_bits ||
	    fmt->geometry(cfg->ia_bits, &geo) || !axas_hal_valid(hal))
		return ERR_PTR(-EINVAL);
	if (!cfg->size || !IS_ALIGNED(cfg->base | cfg->size, AXAS_PAGE_SIZE))
		return ERR_PTR(-EINVAL);
	if (cfg->base + cfg->size < cfg->base ||
	    cfg->base + cfg->size > 1ULL << cfg->ia_bits)
		return ERR_PTR(-ERANGE);

	as = kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return ERR_PTR(-ENOMEM);

	init_rwsem(&as->lock);
	mutex_init(&as->change);
	INIT_LIST_HEAD(&as->areas);
	as->area_tree = RB_ROOT;
	as->base = cfg->base;
	as->end = cfg->base + cfg->size;
	as->format = cfg->format;
	as->hal = hal;
	as->pgt.cfg_flags = cfg->flags;

	ret = axas_pgt_init(&as->pgt, fmt, hal, cfg->ia_bits);
	if (ret)
		goto out_free_space;
	ret = axas_vmid_alloc(as);
	if (ret)
		goto out_free_pgt;
	return as;

out_free_pgt:
	axas_pgt_destroy(&as->pgt);
out_free_space:
	mutex_destroy(&as->change);
	kfree(as);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(axas_space_create, AXADDRSPACE);

static void __axas_clear(struct axas_space *as, bool readers)
{
	struct axas_area *area, *tmp;
	struct axas_mc mc = { };

	axas_change_begin(as);
	/* First, so that no fault installs into what is being cleared. */
	list_for_each_entry_safe(area, tmp, &as->areas, node) {
		axas_area_remove(as, area);
		if (readers)
			kfree_rcu(area, rcu);
		else
			kfree(area);
	}
	/* Every block lies inside the space, so nothing is split. */
	axas_unmap_locked(as, as->base, as->end, &mc, readers);
	axas_change_end(as);
}

void axas_clear(struct axas_space *as)
{
	__axas_clear(as, true);
}
EXPORT_SYMBOL_NS_GPL(axas_clear, AXADDRSPACE);

void axas_space_destroy(struct axas_space *as)
{
	if (!as)
		return;
	/* No other user remains, lockless readers included. */
	__axas_clear(as, false);
	axas_vmid_free(as);
	axas_pgt_destroy(&as->pgt);
	mutex_destroy(&as->change);
	kfree(as);
}
EXPORT_SYMBOL_NS_GPL(axas_space_destroy, AXADDRSPACE);

/* ---- map --------------------------------------------------------------------- */

/**
 * struct axas_map_req - one checked map call
 * @kind: &enum axas_area_kind of the new area.
 * @gpa: first guest address.
 * @size: bytes.
 * @flags: AXAS_* flags as the caller gave them.
 * @hpa: linear: host address of @gpa.
 * @pas: pages: host address of each page.
 * @populate: alloc: allocate the frames now.
 * @pages: table pages and frames to set aside before the lock.
 */
struct axas_map_req {
	enum axas_area_kind kind;
	u64 gpa;
	u64 size;
	u32 flags;
	phys_addr_t hpa;
	const phys_addr_t *pas;
	bool populate;
	unsigned long pages;
};

/* Map @area as @req says and insert it under the lock, or fail -EEXIST. */
static int axas_map_area(struct axas_space *as, struct axas_area *area,
			 const struct axas_map_req *req, struct axas_mc *mc)
{
	int ret = 0;

	axas_change_begin(as);
	if (!axas_range_free(as, area->start, area->end)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	switch (req->kind) {
	case AXAS_AREA_LINEAR:
		axas_pgt_map(&as->pgt, req->gpa, req->size, req->hpa,
			     req->flags, mc);
		break;
	case AXAS_AREA_PAGES:
		axas_pgt_map_pages(&as->pgt, req->gpa, req->pas,
				   req->size >> AXAS_PAGE_SHIFT, req->flags, mc);
		break;
	case AXAS_AREA_ALLOC:
		if (req->populate)
			WARN_ON_ONCE(axas_pgt_map_frames(&as->pgt, req->gpa,
							 req->size,
							 area->flags |
							 AXAS_PTE_OWNED, mc));
		break;
	}
	axas_area_insert(as, area);
out_unlock:
	axas_change_end(as);
	return ret;
}

static int axas_map(struct axas_space *as, const struct axas_map_req *req)
{
	struct axas_mc mc = { };
	struct axas_area *area;
	int ret;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return -ENOMEM;
	area->start = req->gpa;
	area->end = req->gpa + req->size;
	area->hpa = req->hpa;
	area->flags = req->flags & ~AXAS_MAP_NOBLOCK;
	area->kind = req->kind;

	ret = axas_mc_topup(as->hal, &mc, req->pages);
	if (!ret)
		ret = axas_map_area(as, area, req, &mc);
	axas_mc_free(as->hal, &mc);
	if (ret)
		kfree(area);
	return ret;
}

int axas_map_linear(struct axas_space *as, u64 gpa, phys_addr_t hpa,
		    u64 size, u32 flags)
{
	struct axas_map_req req = {
		.kind	= AXAS_AREA_LINEAR,
		.gpa	= gpa,
		.size	= size,
		.flags	= flags,
		.hpa	= hpa,
	};
	int ret;

	ret = axas_check_flags(flags, AXAS_MAP_FLAGS_MASK);
	if (ret)
		return ret;
	ret = axas_check_range(as, gpa, size);
	if (ret)
		return ret;
	if (!IS_ALIGNED(hpa, AXAS_PAGE_SIZE))
		return -EINVAL;
	/* The last frame must fit the format's address field. */
	if (hpa + size < hpa ||
	    (hpa + size - 1) >> AXAS_PAGE_SHIFT > as->pgt.fmt->pa_mask)
		return -ERANGE;

	req.pages = axas_pgt_map_tables(&as->pgt, gpa, size, hpa, flags);
	return axas_map(as, &req);
}
EXPORT_SYMBOL_NS_GPL(axas_map_linear, AXADDRSPACE);

int axas_map_alloc(struct axas_space *as, u64 gpa, u64 size, u32 flags,
		   bool populate)
{
	struct axas_map_req req = {
		.kind		= AXAS_AREA_ALLOC,
		.gpa		= gpa,
		.size		= size,
		.flags		= flags,
		.populate	= populate,
	};
	int ret;

	ret = axas_check_flags(flags, AXAS_PROT_MASK | AXAS_MAP_NOBLOCK);
	if (ret)
		return ret;
	ret = axas_check_range(as, gpa, size);
	if (ret)
		return ret;

	if (populate)
		req.pages = axas_pgt_map_tables(&as->pgt, gpa, size, gpa,
						AXAS_MAP_NOBLOCK) +
			    (size >> AXAS_PAGE_SHIFT);
	return axas_map(as, &req);
}
EXPORT_SYMBOL_NS_GPL(axas_map_alloc, AXADDRSPACE);

int axas_map_pages(struct axas_space *as, u64 gpa, const phys_addr_t *pas,
		   unsigned long nr, u32 flags)
{
	struct axas_map_req req = {
		.kind	= AXAS_AREA_PAGES,
		.gpa	= gpa,
		.flags	= flags,
		.pas	= pas,
	};
	phys_addr_t any = 0, top = 0;
	unsigned long i;
	int ret;

	ret = axas_check_flags(flags, AXAS_PROT_MASK | AXAS_MAP_NOBLOCK);
	if (ret)
		return ret;
	ret = axas_check_pages(as, gpa, nr);
	if (ret)
		return ret;
	req.size = (u64)nr << AXAS_PAGE_SHIFT;
	for (i = 0; i < nr; i++) {
		any |= pas[i];
		top = max(top, pas[i]);
	}
	if (!IS_ALIGNED(any, AXAS_PAGE_SIZE))
		return -EINVAL;
	if (top >> AXAS_PAGE_SHIFT > as->pgt.fmt->pa_mask)
		return -ERANGE;

	req.pages = axas_pgt_map_pages_tables(&as->pgt, gpa, pas, nr, flags);
	return axas_map(as, &req);
}
EXPORT_SYMBOL_NS_GPL(axas_map_pages, AXADDRSPACE);

/* ---- unmap and protect ------------------------------------------------------- */

static int axas_change(struct axas_space *as, u64 gpa, u64 size, bool remove,
		       u32 prot)
{
	struct axas_area *spare[2] = { };
	struct axas_tlb_range tlb = { };
	struct axas_mc mc = { };
	u64 end = gpa + size;
	int ret;

	ret = axas_spares_alloc(spare);
	if (!ret)
		ret = axas_mc_topup(as->hal, &mc, axas_pgt_split_tables(&as->pgt));
	if (ret)
		goto out_free;

	axas_change_begin(as);
	if (!axas_range_covered(as, gpa, end)) {
		ret = -ENOENT;
		goto out_unlock;
	}
	/* The areas first: faults from now on see the new state. */
	axas_areas_update(as, gpa, end, remove, prot, spare);
	if (remove) {
		axas_unmap_locked(as, gpa, end, &mc, true);
	} else {
		const struct axas_yield yield = { axas_change_yield, as };

		axas_pgt_protect(&as->pgt, gpa, size, prot, &mc,
				 axas_bbm_flush, as, &tlb, &yield);
		if (tlb.start != tlb.end)
			axas_tlb_flush(as, tlb.start, tlb.end);
	}
out_unlock:
	axas_change_end(as);
out_free:
	axas_mc_free(as->hal, &mc);
	axas_spares_free(spare);
	return ret;
}

int axas_unmap(struct axas_space *as, u64 gpa, u64 size)
{
	int ret = axas_check_range(as, gpa, size);

	return ret ?: axas_change(as, gpa, size, true, 0);
}
EXPORT_SYMBOL_NS_GPL(axas_unmap, AXADDRSPACE);

int axas_protect(struct axas_space *as, u64 gpa, u64 size, u32 flags)
{
	int ret;

	ret = axas_check_flags(flags, AXAS_PROT_MASK);
	if (!ret)
		ret = axas_check_range(as, gpa, size);
	return ret ?: axas_change(as, gpa, size, false, flags);
}
EXPORT_SYMBOL_NS_GPL(axas_protect, AXADDRSPACE);

/* ---- translate ----------------------------------------------------------------- */

static bool axas_in_space(const struct axas_space *as, u64 gpa)
{
	return gpa >= as->base && gpa < as->end;
}

static void axas_fill_translation(const struct axas_space *as,
				  const struct axas_leaf *leaf, u64 gpa,
				  struct axas_translation *out)
{
	out->hpa = leaf->pa + (gpa - leaf->base);
	out->flags = as->pgt.fmt->pte_flags(leaf->pte) &
		     (AXAS_PROT_MASK | AXAS_DEVICE);
	out->leaf_size = axas_level_size(leaf->level);
}

int axas_translate(struct axas_space *as, u64 gpa, struct axas_translation *out)
{
	struct axas_leaf leaf;
	bool found;

	if (!axas_in_space(as, gpa))
		return -ERANGE;

	rcu_read_lock();
	found = axas_pgt_lookup(&as->pgt, gpa, &leaf, NULL);
	rcu_read_unlock();
	if (!found)
		return -ENOENT;
	axas_fill_translation(as, &leaf, gpa, out);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(axas_translate, AXADDRSPACE);

int axas_translate_limit(struct axas_space *as, u64 gpa, u64 *len)
{
	struct axas_translation first, next;
	struct axas_leaf leaf;
	u64 addr;

	if (!axas_in_space(as, gpa))
		return -ERANGE;

	rcu_read_lock();
	if (!axas_pgt_lookup(&as->pgt, gpa, &leaf, NULL)) {
		rcu_read_unlock();
		return -ENOENT;
	}
	axas_fill_translation(as, &leaf, gpa, &first);
	addr = leaf.base + first.leaf_size;
	while (addr < as->end && axas_pgt_lookup(&as->pgt, addr, &leaf, NULL)) {
		axas_fill_translation(as, &leaf, addr, &next);
		if (next.flags != first.flags ||
		    next.hpa != first.hpa + (addr - gpa))
			break;
		addr += next.leaf_size;
	}
	rcu_read_unlock();

	*len = min(addr, as->end) - gpa;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(axas_translate_limit, AXADDRSPACE);

int axas_translate_pages(struct axas_space *as, u64 gpa, unsigned long nr,
			 phys_addr_t *hpas)
{
	int ret = axas_check_pages(as, gpa, nr);

	if (ret)
		return ret;
	rcu_read_lock();
	ret = axas_pgt_translate_pages(&as->pgt, gpa, nr, hpas);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(axas_translate_pages, AXADDRSPACE);

/* ---- guest memory ----------------------------------------------------------------- */

/*
 * Kernel address of guest byte @gpa, good to the end of its 4 KiB page.
 * @again: this RCU section found it before (see axas_pgt_relookup()).
 */
static void *axas_guest_va(struct axas_space *as, u64 gpa, bool again)
{
	const struct axas_hal *hal = as->hal;
	struct axas_leaf leaf;
	phys_addr_t pa, page;
	u32 flags;
	void *va;

	if (again ? !axas_pgt_relookup(&as->pgt, gpa, &leaf) :
		    !axas_pgt_lookup(&as->pgt, gpa, &leaf, NULL))
		return NULL;
	flags = as->pgt.fmt->pte_flags(leaf.pte);
	if (flags & AXAS_DEVICE)
		return NULL;

	pa = leaf.pa + (gpa - leaf.base);
	page = ALIGN_DOWN(pa, AXAS_PAGE_SIZE);
	if (flags & AXAS_PTE_OWNED)
		va = hal->ops->phys_to_virt(hal->priv, page);
	else if (hal->ops->host_va)
		va = hal->ops->host_va(hal->priv, page);
	else
		va = NULL;
	return va ? va + (pa - page) : NULL;
}

static int axas_access(struct axas_space *as, u64 gpa, void *buf, size_t len,
		       bool write)
{
	u64 addr, end = gpa + len;
	int ret = 0;

	if (!len)
		return 0;
	if (end < gpa || gpa < as->base || end > as->end)
		return -ERANGE;

	rcu_read_lock();
	/*
	 * Check every page first, so that an error copies nothing. An unmap
	 * racing with the copy frees nothing before the section ends, so the
	 * pages checked stay there to be copied.
	 */
	for (addr = gpa; addr < end; addr = ALIGN_DOWN(addr, AXAS_PAGE_SIZE) +
					    AXAS_PAGE_SIZE) {
		if (!axas_guest_va(as, addr, false)) {
			ret = -EFAULT;
			goto out_unlock;
		}
	}
	for (addr = gpa; addr < end; ) {
		u64 chunk = min(end, ALIGN_DOWN(addr, AXAS_PAGE_SIZE) +
				     AXAS_PAGE_SIZE) - addr;
		void *va = axas_guest_va(as, addr, true);

		if (WARN_ON_ONCE(!va)) {
			ret = -EFAULT;
			break;
		}
		if (write)
			memcpy(va, buf, chunk);
		else
			memcpy(buf, va, chunk);
		buf += chunk;
		addr += chunk;
	}
out_unlock:
	rcu_read_unlock();
	return ret;
}

int axas_read(struct axas_space *as, u64 gpa, void *buf, size_t len)
{
	return axas_access(as, gpa, buf, len, false);
}
EXPORT_SYMBOL_NS_GPL(axas_read, AXADDRSPACE);

int axas_write(struct axas_space *as, u64 gpa, const void *buf, size_t len)
{
	return axas_access(as, gpa, (void *)buf, len, true);
}
EXPORT_SYMBOL_NS_GPL(axas_write, AXADDRSPACE);

/* ---- faults ------------------------------------------------------------------------- */

/*
 * The locked part of a fault: check the area, then install. Returns 0 when
 * it mapped a frame, AXAS_FAULT_PRESENT when a valid permitted leaf is there,
 * -EAGAIN with *@need set to the pages to cache, or an error.
 */
static int axas_fault_install(struct axas_space *as, u64 page, u32 access,
			      u64 max_pages, struct axas_mc *mc,
			      unsigned long *need)
{
	struct axas_pgtable *pgt = &as->pgt;
	struct axas_area *area;
	struct axas_leaf leaf;
	unsigned long charge;
	unsigned int missing;
	u32 flags;
	int ret;

	lockdep_assert_held_read(&as->lock);
	area = axas_area_find(as, page);
	if (!area)
		return -ENOENT;
	if ((area->flags & access) != access)
		return -EACCES;
	if (axas_pgt_lookup(pgt, page, &leaf, &missing)) {
		if ((pgt->fmt->pte_flags(leaf.pte) & access) == access)
			return AXAS_FAULT_PRESENT;
		/* A protect has updated the area, not yet this leaf. */
		if (READ_ONCE(as->changing))
			return -EBUSY;
		/* Otherwise areas and leaves agree. */
		WARN_ON_ONCE(1);
		return -EACCES;
	}
	/* Linear and pages areas are mapped whole when created. */
	if (WARN_ON_ONCE(area->kind != AXAS_AREA_ALLOC))
		return -ENOENT;

	*need = missing + 1;
	if (mc->nr < *need)
		return -EAGAIN;

	/* Charge first: faults racing for the last pages cannot overshoot. */
	charge = max_pages != U64_MAX ? *need : 0;
	if (charge && atomic64_add_return(charge, &pgt->pages) > max_pages) {
		atomic64_sub(charge, &pgt->pages);
		return -ENOSPC;
	}
	flags = area->flags | AXAS_PTE_OWNED;
	if (pgt->cfg_flags & AXAS_CFG_TEST_WRONG_LEAF)
		flags |= AXAS_PTE_WRONG;
	ret = axas_pgt_fault_map(pgt, page, flags, mc);
	/* What was installed is counted where it was; give the charge back. */
	if (charge)
		atomic64_sub(charge, &pgt->pages);
	/* Zapped entries exist only while a change is between its steps. */
	if (ret == -EBUSY && WARN_ON_ONCE(!READ_ONCE(as->changing)))
		ret = -EIO;
	/* The lookup above ran under the same lock: @mc was enough. */
	if (WARN_ON_ONCE(ret == -EAGAIN))
		ret = -EIO;
	return ret;
}

/**
 * axas_fault_capped() - axas_fault() with a bound on the space's pages
 * @as: the space.
 * @gpa: faulting guest-physical address.
 * @access: AXAS_READ, AXAS_WRITE or AXAS_EXEC (one or more).
 * @max_pages: table pages plus frames the space may hold after the fault.
 * @spurious: as for axas_fault().
 *
 * The first look walks under RCU; only a fault that must install takes the
 * space lock, shared, so faults on different pages run in parallel.
 *
 * Context: process context, may sleep.
 * Return: as axas_handle_fault(), or -ENOSPC when installing would take
 * the space beyond @max_pages.
 */
int axas_fault_capped(struct axas_space *as, u64 gpa, u32 access,
		      u64 max_pages, bool *spurious)
{
	u64 page = ALIGN_DOWN(gpa, AXAS_PAGE_SIZE);
	struct axas_pgtable *pgt = &as->pgt;
	struct axas_mc mc = { };
	struct axas_leaf leaf;
	unsigned int missing;
	unsigned long need;
	bool found, allowed;
	int ret;

	might_sleep();
	*spurious = false;
	if (!access || (access & ~AXAS_PROT_MASK))
		return -EINVAL;
	if (!axas_in_space(as, gpa))
		return -ERANGE;

	rcu_read_lock();
	found = axas_pgt_lookup(pgt, page, &leaf, &missing);
	allowed = !found && axas_area_allows_rcu(as, page, access);
	rcu_read_unlock();
	if (found && (pgt->fmt->pte_flags(leaf.pte) & access) == access) {
		ret = AXAS_FAULT_PRESENT;
		goto out;
	}
	/*
	 * Absent in an area that permits the access: allocate what the path
	 * lacks, then install under the lock (one pass). Otherwise the area
	 * decides under the lock before anything is allocated, so a guest
	 * hammering a page it may not access costs no allocation; a second
	 * pass installs if it turns out the fault should.
	 */
	need = allowed ? missing + 1 : 0;

	for (;;) {
		ret = axas_mc_topup(as->hal, &mc, need);
		if (ret)
			break;
		down_read(&as->lock);
		ret = axas_fault_install(as, page, access, max_pages, &mc,
					 &need);
		up_read(&as->lock);
		if (ret == -EBUSY) {
			/* Wait for the change in the way to end. */
			atomic64_inc(&as->fault_waits);
			mutex_lock(&as->change);
			mutex_unlock(&as->change);
			continue;
		}
		if (ret != -EAGAIN)
			break;
	}
	axas_mc_free(as->hal, &mc);
out:
	if (ret == AXAS_FAULT_PRESENT) {
		/* A stale TLB entry may be what faulted: drop it. */
		atomic64_inc(&as->spurious_faults);
		axas_tlb_flush(as, page, page + AXAS_PAGE_SIZE);
		*spurious = true;
		return 0;
	}
	if (!ret)
		atomic64_inc(&as->faults);
	return ret;
}

/**
 * axas_fault() - axas_handle_fault(), telling a spurious fault apart
 * @as: the space.
 * @gpa: faulting guest-physical address.
 * @access: AXAS_READ, AXAS_WRITE or AXAS_EXEC (one or more).
 * @spurious: set when the page was present and permitted @access (the TLB
 *	entry that faulted has been invalidated); cleared otherwise.
 *
 * For exit handlers, which must notice hardware faulting again and again
 * on an entry the table holds.
 *
 * Context: process context, may sleep.
 * Return: as axas_handle_fault().
 */
int axas_fault(struct axas_space *as, u64 gpa, u32 access, bool *spurious)
{
	return axas_fault_capped(as, gpa, access, U64_MAX, spurious);
}

int axas_handle_fault(struct axas_space *as, u64 gpa, u32 access)
{
	bool spurious;

	return axas_fault(as, gpa, access, &spurious);
}
EXPORT_SYMBOL_NS_GPL(axas_handle_fault, AXADDRSPACE);

/* ---- information ---------------------------------------------------------------------- */

void axas_get_stats(struct axas_space *as, struct axas_stats *st)
{
	unsigned int i;

	/*
	 * @pages counts the tables too; a fault in flight can make the frames
	 * look a few more for a moment (its charge).
	 */
	st->data_pages = atomic64_read(&as->pgt.pages);
	st->table_pages = atomic64_read(&as->pgt.table_pages);
	st->data_pages -= min(st->data_pages, st->table_pages);
	for (i = 0; i < AXAS_LEAF_LEVELS; i++)
		st->mapped[i] = atomic64_read(&as->pgt.mapped[i]);
	st->faults = atomic64_read(&as->faults);
	st->spurious_faults = atomic64_read(&as->spurious_faults);
	st->tlb_flushes = atomic64_read(&as->tlb_flushes);
	st->fault_waits = atomic64_read(&as->fault_waits);
}
EXPORT_SYMBOL_NS_GPL(axas_get_stats, AXADDRSPACE);

int axas_walk_entries(struct axas_space *as, u64 gpa, u64 size,
		      axas_entry_fn_t fn, void *arg)
{
	int ret = axas_check_range(as, gpa, size);

	if (ret)
		return ret;
	rcu_read_lock();
	ret = axas_pgt_walk_entries(&as->pgt, gpa, size, fn, arg);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(axas_walk_entries, AXADDRSPACE);

void axas_hw_regs(const struct axas_space *as, struct axas_hw_regs *regs)
{
	as->pgt.fmt->hw_regs(&as->pgt, as->vmid, regs);
}
EXPORT_SYMBOL_NS_GPL(axas_hw_regs, AXADDRSPACE);

u16 axas_vmid(const struct axas_space *as)
{
	return as->vmid;
}
EXPORT_SYMBOL_NS_GPL(axas_vmid, AXADDRSPACE);
