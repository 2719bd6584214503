// SPDX-License-Identifier: GPL-2.0
/*
 * The guest ranges of a space fd, and the user regions among them.
 *
 * A space fd keeps its own list of what it mapped, alongside the core's
 * areas, because the core does not know what the ioctls need to: which
 * ranges are raw host memory (AXAS_MAP_LINEAR, for the CAP_SYS_RAWIO
 * check of guest reads and writes), which are a process's pinned pages
 * and whether they were pinned for writing, and the permissions of lazy
 * ranges (so that a fault that the memory limit refuses still gets -EACCES
 * first when it would have been refused anyway). Every change is made
 * under the fd's mutex together with the core call, after the core call
 * succeeded, and cannot fail: the records it may need are allocated
 * before.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "dev.h"
#include "pgtable.h"
#include "stats.h"

/*
 * Largest user region: 2^27 pages (512 GiB), so that its page array (and
 * the address array built for axas_map_pages()) stays far below the size
 * kvmalloc() accepts.
 */
#define AXAS_USER_REGION_MAX_PAGES	BIT(27)

/**
 * axas_region_first() - the first region that ends after an address
 * @ds: the space fd.
 * @start: the address.
 *
 * Context: @ds->lock held.
 * Return: the region, or the list head (list_entry_is_head()) if none.
 */
struct axas_region *axas_region_first(struct axas_dev_space *ds, u64 start)
{
	struct axas_region *r;

	lockdep_assert_held(&ds->lock);
	list_for_each_entry(r, &ds->regions, node)
		if (r->end > start)
			break;
	return r;
}

/**
 * axas_region_free() - whether nothing is mapped in a range
 * @ds: the space fd.
 * @start: first guest address.
 * @end: end of the range.
 *
 * Context: @ds->lock held.
 * Return: true when no region intersects [@start, @end).
 */
bool axas_region_free(struct axas_dev_space *ds, u64 start, u64 end)
{
	struct axas_region *r = axas_region_first(ds, start);

	return list_entry_is_head(r, &ds->regions, node) || r->start >= end;
}

/**
 * axas_region_covered() - whether every byte of a range is mapped
 * @ds: the space fd.
 * @start: first guest address.
 * @end: end of the range, above @start.
 *
 * Context: @ds->lock held.
 * Return: true when regions cover [@start, @end) without a hole.
 */
bool axas_region_covered(struct axas_dev_space *ds, u64 start, u64 end)
{
	struct axas_region *r = axas_region_first(ds, start);
	u64 cur = start;

	list_for_each_entry_from(r, &ds->regions, node) {
		if (r->start > cur)
			return false;
		cur = r->end;
		if (cur >= end)
			return true;
	}
	return false;
}

/**
 * axas_region_any() - whether a region of a range matches a predicate
 * @ds: the space fd.
 * @start: first guest address.
 * @end: end of the range.
 * @pred: the test.
 *
 * Context: @ds->lock held.
 * Return: true when @pred holds for a region intersecting [@start, @end).
 */
bool axas_region_any(struct axas_dev_space *ds, u64 start, u64 end,
		     bool (*pred)(const struct axas_region *r))
{
	struct axas_region *r = axas_region_first(ds, start);

	list_for_each_entry_from(r, &ds->regions, node) {
		if (r->start >= end)
			break;
		if (pred(r))
			return true;
	}
	return false;
}

/**
 * axas_region_insert() - add the record of a new mapping
 * @ds: the space fd.
 * @new: the record; its range is free.
 *
 * Context: @ds->lock held.
 */
void axas_region_insert(struct axas_dev_space *ds, struct axas_region *new)
{
	struct axas_region *r = axas_region_first(ds, new->start);

	/* Before @r, or at the tail when @r is the head. */
	list_add_tail(&new->node, &r->node);
}

/**
 * axas_region_spares_alloc() - records for the splits of one change
 * @spare: filled with AXAS_REGION_SPARES records.
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM; on error the caller still frees @spare.
 */
int axas_region_spares_alloc(struct axas_region *spare[AXAS_REGION_SPARES])
{
	unsigned int i;

	for (i = 0; i < AXAS_REGION_SPARES; i++) {
		spare[i] = kzalloc(sizeof(*spare[i]), GFP_KERNEL_ACCOUNT);
		if (!spare[i])
			return -ENOMEM;
	}
	return 0;
}

/**
 * axas_region_spares_free() - free the records a change did not use
 * @spare: the records, some NULL.
 *
 * Context: any context but NMI.
 */
void axas_region_spares_free(struct axas_region *spare[AXAS_REGION_SPARES])
{
	unsigned int i;

	for (i = 0; i < AXAS_REGION_SPARES; i++)
		kfree(spare[i]);
}

static struct axas_region *
axas_region_take_spare(struct axas_region *spare[AXAS_REGION_SPARES])
{
	struct axas_region *r;
	unsigned int i;

	for (i = 0; i < AXAS_REGION_SPARES; i++) {
		if (spare[i]) {
			r = spare[i];
			spare[i] = NULL;
			return r;
		}
	}
	return NULL;
}

/* Make @at a boundary between records; the part from @at on is new. */
static void axas_region_cut(struct axas_dev_space *ds, u64 at,
			    struct axas_region *spare[AXAS_REGION_SPARES])
{
	struct axas_region *r = axas_region_first(ds, at);
	struct axas_region *right;

	if (list_entry_is_head(r, &ds->regions, node) || r->start >= at)
		return;
	/* Two cuts per change and two spares: this cannot fail. */
	right = axas_region_take_spare(spare);
	*right = *r;
	right->start = at;
	if (r->kind == AXAS_REGION_USER) {
		right->pages = r->pages + ((at - r->start) >> AXAS_PAGE_SHIFT);
		refcount_inc(&r->pin->ref);
	}
	r->end = at;
	list_add(&right->node, &r->node);
}

static void axas_pin_put(struct axas_pin *pin)
{
	if (!refcount_dec_and_test(&pin->ref))
		return;
	mmdrop(pin->mm);
	kvfree(pin->pages);
	kfree(pin);
}

/* Forget @r, unpinning what it holds; the core no longer maps it. */
static void axas_region_drop(struct axas_dev_space *ds, struct axas_region *r)
{
	unsigned long nr = (r->end - r->start) >> AXAS_PAGE_SHIFT;

	list_del(&r->node);
	if (r->kind == AXAS_REGION_USER) {
		unpin_user_pages_dirty_lock(r->pages, nr, r->pin_write);
		account_locked_vm(r->pin->mm, nr, false);
		WRITE_ONCE(ds->pinned_pages, ds->pinned_pages - nr);
		atomic_long_sub(nr, &axas_stats.pinned_pages);
		axas_pin_put(r->pin);
	}
	kfree(r);
}

/**
 * axas_region_unmap() - forget the records of an unmapped range
 * @ds: the space fd.
 * @start: first guest address.
 * @end: end of the range.
 * @spare: records for the two cuts; those used are set to NULL.
 *
 * Called after axas_unmap() of the range succeeded: the TLB no longer
 * holds its translations, so the pages of user regions are unpinned.
 *
 * Context: @ds->lock held; may sleep.
 */
void axas_region_unmap(struct axas_dev_space *ds, u64 start, u64 end,
		       struct axas_region *spare[AXAS_REGION_SPARES])
{
	struct axas_region *r, *next;

	axas_region_cut(ds, start, spare);
	axas_region_cut(ds, end, spare);
	r = axas_region_first(ds, start);
	list_for_each_entry_safe_from(r, next, &ds->regions, node) {
		if (r->start >= end)
			break;
		axas_region_drop(ds, r);
	}
}

/**
 * axas_region_protect() - record new permissions of a range
 * @ds: the space fd.
 * @start: first guest address.
 * @end: end of the range.
 * @prot: AXAS_READ/WRITE/EXEC.
 * @spare: records for the two cuts; those used are set to NULL.
 *
 * Called after axas_protect() of the range succeeded.
 *
 * Context: @ds->lock held.
 */
void axas_region_protect(struct axas_dev_space *ds, u64 start, u64 end,
			 u32 prot,
			 struct axas_region *spare[AXAS_REGION_SPARES])
{
	struct axas_region *r;

	axas_region_cut(ds, start, spare);
	axas_region_cut(ds, end, spare);
	r = axas_region_first(ds, start);
	list_for_each_entry_from(r, &ds->regions, node) {
		if (r->start >= end)
			break;
		r->flags = (r->flags & ~AXAS_PROT_MASK) | prot;
	}
}

/**
 * axas_region_release_all() - forget every region of a destroyed space
 * @ds: the space fd, its space already destroyed.
 *
 * Context: process context, may sleep; no other user of @ds remains.
 */
void axas_region_release_all(struct axas_dev_space *ds)
{
	struct axas_region *r, *next;

	mutex_lock(&ds->lock);
	list_for_each_entry_safe(r, next, &ds->regions, node)
		axas_region_drop(ds, r);
	mutex_unlock(&ds->lock);
}

/* Pin [@uaddr, + @nr pages) whole, or nothing. */
static int axas_pin_user(unsigned long uaddr, unsigned long nr, bool write,
			 struct page **pages)
{
	unsigned int gup = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	unsigned long done = 0;
	int ret = 0;

	while (done < nr) {
		ret = pin_user_pages_fast(uaddr + (done << PAGE_SHIFT),
					  min_t(unsigned long, nr - done, INT_MAX),
					  gup, pages + done);
		if (ret <= 0)
			break;
		done += ret;
	}
	if (done == nr)
		return 0;

	unpin_user_pages(pages, done);
	/* Out of memory or killed: say so; anything else is the address. */
	if (done == 0 && (ret == -ENOMEM || ret == -EINTR))
		return ret;
	return -EFAULT;
}

static int axas_map_user_pages(struct axas_dev_space *ds, u64 gpa,
			       struct page **pages, unsigned long nr,
			       u32 flags)
{
	phys_addr_t *pas;
	unsigned long i;
	int ret;

	pas = kvmalloc_array(nr, sizeof(*pas),
			     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pas)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pas[i] = PFN_PHYS(page_to_pfn(pages[i]));
	ret = axas_map_pages(ds->as, gpa, pas, nr, flags);
	kvfree(pas);
	return ret;
}

/**
 * axas_region_set_user() - pin a range of the caller's memory and map it
 * @ds: the space fd.
 * @gpa: first guest address; the range is 4 KiB aligned, non-empty and
 *	inside the space.
 * @size: bytes.
 * @uaddr: the caller's address, page aligned, [@uaddr, @uaddr + @size)
 *	below the user address limit.
 * @flags: AXAS_READ (set), AXAS_WRITE, AXAS_EXEC, AXAS_MAP_NOBLOCK.
 *
 * The pages are pinned long term (for writing with AXAS_WRITE) and
 * counted in the caller's RLIMIT_MEMLOCK (unless CAP_IPC_LOCK) until they
 * are unmapped or the space is closed.
 *
 * Context: process context, may sleep; @ds->lock held.
 * Return: 0; -EEXIST when part of the guest range is mapped; -ENOMEM for
 * RLIMIT_MEMLOCK, a region of more than 2^27 pages or no memory; -EFAULT
 * when a page of the range is not mapped in the caller, or not writable
 * when AXAS_WRITE asks for it; -EINTR when killed. On error nothing stays
 * pinned or counted.
 */
long axas_region_set_user(struct axas_dev_space *ds, u64 gpa, u64 size,
			  unsigned long uaddr, u32 flags)
{
	unsigned long nr = size >> AXAS_PAGE_SHIFT;
	bool write = flags & AXAS_WRITE;
	struct mm_struct *mm = current->mm;
	struct axas_region *r;
	struct axas_pin *pin;
	int ret;

	lockdep_assert_held(&ds->lock);
	if (!axas_region_free(ds, gpa, gpa + size))
		return -EEXIST;
	if (nr > AXAS_USER_REGION_MAX_PAGES || !mm)
		return -ENOMEM;
	/* RLIMIT_MEMLOCK first: a refused request allocates nothing. */
	ret = account_locked_vm(mm, nr, true);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!r || !pin) {
		ret = -ENOMEM;
		goto out_free;
	}
	pin->pages = kvmalloc_array(nr, sizeof(*pin->pages),
				    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pin->pages) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = axas_pin_user(uaddr, nr, write, pin->pages);
	if (ret)
		goto out_free;
	ret = axas_map_user_pages(ds, gpa, pin->pages, nr, flags);
	if (ret)
		goto out_unpin;

	refcount_set(&pin->ref, 1);
	mmgrab(mm);
	pin->mm = mm;
	r->start = gpa;
	r->end = gpa + size;
	r->flags = flags & AXAS_PROT_MASK;
	r->kind = AXAS_REGION_USER;
	r->pin_write = write;
	r->pin = pin;
	r->pages = pin->pages;
	axas_region_insert(ds, r);
	WRITE_ONCE(ds->pinned_pages, ds->pinned_pages + nr);
	atomic_long_add(nr, &axas_stats.pinned_pages);
	return 0;

out_unpin:
	unpin_user_pages(pin->pages, nr);
out_free:
	if (pin)
		kvfree(pin->pages);
	kfree(pin);
	kfree(r);
	account_locked_vm(mm, nr, false);
	return ret;
}
