/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the userspace build of axaddrspace adds around the core: the
 * counters of the kernel-API shim, allocation-failure injection, the
 * userspace HALs and the TLB-flush hook.
 */
#ifndef _AXAS_USER_H
#define _AXAS_USER_H

#include <linux/types.h>
#include <axaddrspace/axaddrspace.h>

struct axas_space;

/* ---- shim counters (linux.c) ---- */

/* WARNs that fired; a test run fails when this is not zero. */
extern unsigned long axas_user_warn_count;

/* Called at the start of every synchronize_rcu(), when set (tests). */
extern void (*axas_rcu_gp_hook)(void *arg);
extern void *axas_rcu_gp_hook_arg;
/* Objects kmalloc()ed and not kfree()d yet. */
extern long axas_user_kmalloc_live;

/*
 * Allocation-failure injection, shared by kmalloc(), the IDA and the HALs
 * (when created with injection on): after axas_user_inject_arm(n), the
 * n-th allocation attempt fails (n = 0: none). Every attempt is counted.
 */
void axas_user_inject_arm(unsigned long nth);
/* Attempts since the last arm, and how many of them were failed. */
unsigned long axas_user_inject_calls(void);
unsigned long axas_user_inject_failed(void);
bool axas_user_inject_fail(void);

/* ---- HALs (hal-user.c) ---- */

#define AXAS_UHAL_MAX_ORDER	4	/* a 64 KiB concatenated Stage-2 root */

struct axas_uhal;

/*
 * A preallocated frame pool: one aligned mapping of @bytes, a bump pointer
 * and a free stack per order, all O(1). @populate faults it in up front
 * (the benchmark); @debug makes freed pages unreadable (ASan poisoning, or
 * a fill pattern without ASan) and checks every free and lookup.
 */
struct axas_uhal *axas_uhal_pool_create(size_t bytes, bool populate,
					bool debug);
/* aligned_alloc() + memset() per allocation; @debug as above. */
struct axas_uhal *axas_uhal_malloc_create(bool debug);
void axas_uhal_destroy(struct axas_uhal *uh);
/*
 * Give the pages the calling thread's cache holds back to @uh (a non-debug
 * pool caches single pages per thread); for a thread about to exit.
 */
void axas_uhal_thread_drain(struct axas_uhal *uh);
/*
 * Order a pool's free pages so that the next allocations get them in
 * ascending address order, as from a fresh pool (the caller's cache is
 * drained first; other threads must hold none). For benchmarks, whose
 * figures otherwise depend on how earlier phases scattered the pages.
 */
void axas_uhal_pool_sort(struct axas_uhal *uh);
/* What axas_default_hal (cfg->hal == NULL) allocates from: a debug malloc. */
struct axas_uhal *axas_uhal_default(void);

const struct axas_hal *axas_uhal_hal(struct axas_uhal *uh);
const char *axas_uhal_name(const struct axas_uhal *uh);
/* Take part in allocation-failure injection. */
void axas_uhal_set_inject(struct axas_uhal *uh, bool on);
/* Host RAM that linear areas may map: host_va() answers inside it only. */
void axas_uhal_set_host(struct axas_uhal *uh, void *base, size_t size);

struct axas_uhal_stats {
	long live_pages;	/* pages allocated and not freed */
	long live_allocs;	/* allocations not freed */
	unsigned long allocs;	/* successful allocations, ever */
	unsigned long frees;
	unsigned long failed;	/* refused: injected or exhausted */
	unsigned long bad;	/* bad frees, lookups of unallocated memory */
	unsigned long atomic;	/* allocations made with a space lock held */
};

void axas_uhal_stats(const struct axas_uhal *uh, struct axas_uhal_stats *st);
/* Called on every free, before the memory is poisoned or reused. */
void axas_uhal_set_free_hook(struct axas_uhal *uh,
			     void (*fn)(void *arg, phys_addr_t pa,
					unsigned int order),
			     void *arg);
/* Debug HALs: order of the live allocation whose first page is @pa, or -1. */
int axas_uhal_alloc_order(const struct axas_uhal *uh, phys_addr_t pa);

/* ---- TLB flushes (arch-user.c) ---- */

/* Calls of axas_arch_flush(), over all spaces. */
extern unsigned long axas_user_arch_flushes;
/* Optional: called on every axas_arch_flush(). */
extern void (*axas_user_flush_hook)(struct axas_space *as, u64 start, u64 end);

#endif
