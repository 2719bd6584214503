/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address space object, shared by space.c, tlb.c and the per-arch
 * TLB code.
 */
#ifndef _AXADDRSPACE_SPACE_H
#define _AXADDRSPACE_SPACE_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include "pgtable.h"

enum axas_area_kind {
	AXAS_AREA_LINEAR,	/* a window onto host memory */
	AXAS_AREA_ALLOC,	/* frames the space allocates */
	AXAS_AREA_PAGES,	/* frames the caller owns, one by one */
};

/**
 * struct axas_area - one mapped guest range
 * @node: in &axas_space.areas, sorted by @start.
 * @rb: in &axas_space.area_tree, keyed by @start.
 * @rcu: for freeing after the lockless readers of the list and tree.
 * @start: first guest address.
 * @end: end of the range.
 * @hpa: host address of @start (linear areas).
 * @flags: AXAS_* mapping flags.
 * @kind: &enum axas_area_kind.
 *
 * Areas never overlap. Every field is protected by the space lock; the
 * list and the tree are changed with it held exclusively, so faults
 * (shared) may read them, and with RCU-safe stores, so that a fault's
 * first look may search the tree without the lock.
 */
struct axas_area {
	struct list_head node;
	struct rb_node rb;
	struct rcu_head rcu;
	u64 start;
	u64 end;
	phys_addr_t hpa;
	u32 flags;
	u8 kind;
};

/**
 * struct axas_space - a guest address space
 * @pgt: the nested page table.
 * @base: first guest address of the space.
 * @end: end of the space.
 * @format: &enum axas_format_id.
 * @vmid: the space's VMID, fixed for its life.
 * @changing: set, under @lock held exclusively, while a change is under
 *	way; a fault that meets its intermediate state waits on @change.
 * @areas: &struct axas_area list, sorted, disjoint: the order, for walks
 *	over a range.
 * @area_tree: the same areas in a search tree by start: finds the area of
 *	an address in O(log n), with the lock or (as a hint) without.
 * @hal: where table pages and frames come from.
 * @lock: held exclusively by structural changes of @pgt and @areas (map,
 *	unmap, protect, clear), shared by faults, which install entries
 *	with a compare-and-exchange. Readers (translate, read, write, DUMP,
 *	the first look of a fault) do not take it: they walk under RCU.
 *	Nothing is allocated under it: memory comes from caches filled
 *	before it is taken.
 * @area_hint: the area the last locked search by address found, or NULL;
 *	set by faults (shared lock), cleared when that area goes (exclusive).
 *	Next to @lock: faults write it.
 * @faults: faults that installed a frame.
 * @spurious_faults: faults that found the page present and permitted.
 * @tlb_flushes: TLB invalidations.
 * @fault_waits: faults that waited on @change.
 * @change: held across a whole structural change, which drops @lock
 *	every 2 MiB and for its grace period so that faults run meanwhile;
 *	keeps the other changes out. Taken before @lock.
 *
 * What every fault and walk reads comes first; @lock and the counters,
 * which every fault writes, start a cache line of their own.
 */
struct axas_space {
	struct axas_pgtable pgt;
	u64 base;
	u64 end;
	u32 format;
	u16 vmid;
	bool changing;
	struct list_head areas;
	struct rb_root area_tree;
	const struct axas_hal *hal;
	struct rw_semaphore lock ____cacheline_aligned_in_smp;
	struct axas_area *area_hint;
	atomic64_t faults;
	atomic64_t spurious_faults;
	atomic64_t tlb_flushes;
	atomic64_t fault_waits;
	struct mutex change;	/* see above: serializes changes */
};

int axas_fault(struct axas_space *as, u64 gpa, u32 access, bool *spurious);
int axas_fault_capped(struct axas_space *as, u64 gpa, u32 access,
		      u64 max_pages, bool *spurious);
void axas_tlb_flush(struct axas_space *as, u64 start, u64 end);
int axas_vmid_alloc(struct axas_space *as);
void axas_vmid_free(struct axas_space *as);

/*
 * Per host architecture (arch-*.c): invalidate the translations of the
 * space's VMID for [start, end) with the real instruction when the space's
 * format is the one this CPU walks and the CPU is in a state to execute it;
 * a no-op otherwise. A later guest entry on this space flushes anyway.
 */
void axas_arch_flush(struct axas_space *as, u64 start, u64 end);
bool axas_arch_flush_native(const struct axas_space *as);

#endif /* _AXADDRSPACE_SPACE_H */
