/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module holds right now, over all spaces and users: for leak
 * checks from userspace (/sys/kernel/debug/axaddrspace/stats), counted
 * where things are made and freed, apart from each space's own STATS.
 */
#ifndef AXAS_STATS_H
#define AXAS_STATS_H

#include <linux/atomic.h>

/**
 * struct axas_module_stats - counters of live objects
 * @spaces: address spaces created through /dev/axaddrspace and not yet
 *	released (briefly one more while a creation checks max_spaces).
 * @vcpus: vCPUs not yet released.
 * @hal_pages: 4 KiB pages the default HAL allocated and has not freed:
 *	table pages, frames and the page caches of every space that uses it.
 * @pinned_pages: pages of user regions pinned now.
 *
 * All are plain atomics, updated by whoever makes or frees the object.
 */
struct axas_module_stats {
	atomic_t spaces;
	atomic_t vcpus;
	atomic_long_t hal_pages;
	atomic_long_t pinned_pages;
};

extern struct axas_module_stats axas_stats;

void axas_stats_debugfs_init(void);
void axas_stats_debugfs_exit(void);

#endif /* AXAS_STATS_H */
