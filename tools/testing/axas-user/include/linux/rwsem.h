/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of struct rw_semaphore: the rwlock shim under the other
 * names (writers first, holders recorded for the lockdep assertions). Held,
 * it counts as a lock for the sleeping-in-atomic check: the core never
 * allocates under the space lock, sleeping or not. synchronize_rcu() is
 * the one sleeping call allowed under it.
 */
#ifndef _AXAS_USER_LINUX_RWSEM_H
#define _AXAS_USER_LINUX_RWSEM_H

#include <linux/spinlock.h>

#define rw_semaphore	axas_user_rwlock

#define init_rwsem(sem)	rwlock_init(sem)
#define down_read(sem)	read_lock(sem)
#define up_read(sem)	read_unlock(sem)
#define down_write(sem)	write_lock(sem)
#define up_write(sem)	write_unlock(sem)

#endif
