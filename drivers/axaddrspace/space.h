/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address space object, shared by space.c, tlb.c and the per-arch
 * TLB code.
 */
#ifndef _AXADDRSPACE_SPACE_H
#define _AXADDRSPACE_SPACE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
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
 * @rcu: for freeing after the lockless readers of the list.
 * @start: first guest address.
 * @end: end of the range.
 * @hpa: host address of @start (linear areas).
 * @flags: AXAS_* mapping flags.
 * @kind: &enum axas_area_kind.
 *
 * Areas never overlap. Every field is protected by the space lock; the
 * list is changed with it held exclusively, so faults (shared) may read it,
 * and with RCU list operations, so that a fault's first look may read it
 * without the lock.
 */
struct axas_area {
	struct list_head node;
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
 * @lock: held exclusively by structural changes of @pgt and @areas (map,
 *	unmap, protect, clear), shared by faults, which install entries
 *	with a compare-and-exchange. Readers (translate, read, write, DUMP,
 *	the first look of a fault) do not take it: they walk under RCU.
 *	Nothing is allocated under it: memory comes from caches filled
 *	before it is taken.
 * @change: held across a whole structural change, which drops @lock
 *	every 2 MiB and for its grace period so that faults run meanwhile;
 *	keeps the other changes out. Taken before @lock.
 * @changing: set, under @lock held exclusively, while a change is under
 *	way; a fault that meets its intermediate state waits on @change.
 * @areas: &struct axas_area list, sorted, disjoint.
 * @base: first guest address of the space.
 * @end: end of the space.
 * @format: &enum axas_format_id.
 * @vmid: the space's VMID, fixed for its life.
 * @faults: faults that installed a frame.
 * @spurious_faults: faults that found the page present and permitted.
 * @tlb_flushes: TLB invalidations.
 * @fault_waits: faults that waited on @change.
 * @hal: where table pages and frames come from.
 */
struct axas_space {
	struct axas_pgtable pgt;
	struct rw_semaphore lock;
	struct mutex change;	/* see above: serializes changes */
	bool changing;
	struct list_head areas;
	u64 base;
	u64 end;
	u32 format;
	u16 vmid;
	atomic64_t faults;
	atomic64_t spurious_faults;
	atomic64_t tlb_flushes;
	atomic64_t fault_waits;
	const struct axas_hal *hal;
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
