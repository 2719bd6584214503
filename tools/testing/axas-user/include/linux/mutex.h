/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of struct mutex over pthread_mutex_t. Held, it counts as
 * a lock for the sleeping-in-atomic check, as the rwsem shim does: the
 * core allocates before it takes either.
 */
#ifndef _AXAS_USER_LINUX_MUTEX_H
#define _AXAS_USER_LINUX_MUTEX_H

#include <linux/spinlock.h>

struct mutex {
	pthread_mutex_t m;
};

static inline void mutex_init(struct mutex *lock)
{
	if (pthread_mutex_init(&lock->m, NULL))
		abort();
}

static inline void mutex_destroy(struct mutex *lock)
{
	pthread_mutex_destroy(&lock->m);
}

static inline void mutex_lock(struct mutex *lock)
{
	if (pthread_mutex_lock(&lock->m))
		abort();
#ifndef AXAS_USER_NO_LOCKDEP
	axas_user_locks_held++;
#endif
}

static inline void mutex_unlock(struct mutex *lock)
{
#ifndef AXAS_USER_NO_LOCKDEP
	axas_user_locks_held--;
#endif
	pthread_mutex_unlock(&lock->m);
}

#endif
