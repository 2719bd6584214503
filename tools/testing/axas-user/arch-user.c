// SPDX-License-Identifier: GPL-2.0
/*
 * axas_arch_flush() for the userspace build: there is no TLB to
 * invalidate, so flushes are only counted, and shown to a hook so that
 * tests can check when they happen relative to table changes.
 */
#include "../../../drivers/axaddrspace/space.h"
#include "axas-user.h"

unsigned long axas_user_arch_flushes;
void (*axas_user_flush_hook)(struct axas_space *as, u64 start, u64 end);

void axas_arch_flush(struct axas_space *as, u64 start, u64 end)
{
	__atomic_add_fetch(&axas_user_arch_flushes, 1, __ATOMIC_RELAXED);
	if (axas_user_flush_hook)
		axas_user_flush_hook(as, start, end);
}

/* No instruction runs here: the flush is only counted. */
bool axas_arch_flush_native(const struct axas_space *as __maybe_unused)
{
	return false;
}
