/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address space object, shared by space.c, tlb.c and the per-arch
 * TLB code.
 */
#ifndef _AXADDRSPACE_SPACE_H
#define _AXADDRSPACE_SPACE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
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
 * @start: first guest address.
 * @end: end of the range.
 * @hpa: host address of @start (linear areas).
 * @flags: AXAS_* mapping flags.
 * @kind: &enum axas_area_kind.
 *
 * Areas never overlap. Every field is protected by the space lock.
 */
struct axas_area {
	struct list_head node;
	u64 start;
	u64 end;
	phys_addr_t hpa;
	u32 flags;
	u8 kind;
};

/**
 * struct axas_space - a guest address space
 * @pgt: the nested page table.
 * @lock: protects @pgt (entries and counters) and @areas. Readers
 *	(translate, read, write, the first look of a fault) take it shared.
 *	Writers never allocate under it: memory comes from caches filled
 *	before it is taken.
 * @areas: &struct axas_area list, sorted, disjoint.
 * @base: first guest address of the space.
 * @end: end of the space.
 * @format: &enum axas_format_id.
 * @vmid: the space's VMID, fixed for its life.
 * @faults: faults that installed a frame.
 * @spurious_faults: faults that found the page present and permitted.
 * @tlb_flushes: TLB invalidations.
 * @hal: where table pages and frames come from.
 */
struct axas_space {
	struct axas_pgtable pgt;
	rwlock_t lock;
	struct list_head areas;
	u64 base;
	u64 end;
	u32 format;
	u16 vmid;
	atomic64_t faults;
	atomic64_t spurious_faults;
	atomic64_t tlb_flushes;
	const struct axas_hal *hal;
};

int axas_fault(struct axas_space *as, u64 gpa, u32 access, bool *spurious);
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
