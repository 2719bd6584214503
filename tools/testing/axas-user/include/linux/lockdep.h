/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the lockdep assertions, on the held state the rwlock
 * shim records. "Held" means held by someone; the tests that use the
 * assertions are single-threaded, where that is the same as "by me".
 */
#ifndef _AXAS_USER_LINUX_LOCKDEP_H
#define _AXAS_USER_LINUX_LOCKDEP_H

#include <linux/bug.h>
#include <linux/spinlock.h>

#ifdef AXAS_USER_NO_LOCKDEP
#define lockdep_assert_held(l)		do { (void)(l); } while (0)
#define lockdep_assert_held_write(l)	do { (void)(l); } while (0)
#define lockdep_assert_held_read(l)	do { (void)(l); } while (0)
#else
#define lockdep_assert_held(l) \
	WARN_ON(!(l)->writer && !__atomic_load_n(&(l)->readers, __ATOMIC_RELAXED))
#define lockdep_assert_held_write(l)	WARN_ON(!(l)->writer)
#define lockdep_assert_held_read(l) \
	WARN_ON(!__atomic_load_n(&(l)->readers, __ATOMIC_RELAXED))
#endif

#endif
