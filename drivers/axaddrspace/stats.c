// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/axaddrspace/stats: one "name value" line per counter
 * of struct axas_module_stats. Every value is 0 when nothing of the module
 * is open, which is what the fuzzer and the e2e tests check after closing
 * everything.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "stats.h"

struct axas_module_stats axas_stats = {
	.spaces		= ATOMIC_INIT(0),
	.vcpus		= ATOMIC_INIT(0),
	.hal_pages	= ATOMIC_LONG_INIT(0),
	.pinned_pages	= ATOMIC_LONG_INIT(0),
};

static struct dentry *axas_debugfs_dir;

static int axas_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "spaces %d\n", atomic_read(&axas_stats.spaces));
	seq_printf(m, "vcpus %d\n", atomic_read(&axas_stats.vcpus));
	seq_printf(m, "hal_pages %ld\n", atomic_long_read(&axas_stats.hal_pages));
	seq_printf(m, "pinned_pages %ld\n",
		   atomic_long_read(&axas_stats.pinned_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(axas_stats);

/**
 * axas_stats_debugfs_init() - create /sys/kernel/debug/axaddrspace/stats
 *
 * Without debugfs (or when it fails) there is no file, and nothing else
 * changes: the counters are for tests.
 *
 * Context: process context, module init; may sleep.
 */
void axas_stats_debugfs_init(void)
{
	axas_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, axas_debugfs_dir, NULL,
			    &axas_stats_fops);
}

/**
 * axas_stats_debugfs_exit() - remove what axas_stats_debugfs_init() made
 *
 * Context: process context, module exit; may sleep.
 */
void axas_stats_debugfs_exit(void)
{
	debugfs_remove(axas_debugfs_dir);
}
