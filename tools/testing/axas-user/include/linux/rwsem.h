/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of struct rw_semaphore over pthread_rwlock_t, writers
 * first. It records its holders as the rwlock shim does (for the lockdep
 * assertions) and counts as a lock held for the sleeping-in-atomic check:
 * the core never allocates under the space lock, sleeping or not.
 * synchronize_rcu() is the one sleeping call allowed under it.
 */
#ifndef _AXAS_USER_LINUX_RWSEM_H
#define _AXAS_USER_LINUX_RWSEM_H

#include <linux/spinlock.h>

struct rw_semaphore {
	pthread_rwlock_t rw;
#ifndef AXAS_USER_NO_LOCKDEP
	int writer;
	int readers;
#endif
};

static inline void init_rwsem(struct rw_semaphore *sem)
{
	pthread_rwlockattr_t attr;

	if (pthread_rwlockattr_init(&attr) ||
	    pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) ||
	    pthread_rwlock_init(&sem->rw, &attr))
		abort();
	pthread_rwlockattr_destroy(&attr);
#ifndef AXAS_USER_NO_LOCKDEP
	sem->writer = 0;
	sem->readers = 0;
#endif
}

static inline void down_read(struct rw_semaphore *sem)
{
	if (pthread_rwlock_rdlock(&sem->rw))
		abort();
#ifndef AXAS_USER_NO_LOCKDEP
	__atomic_add_fetch(&sem->readers, 1, __ATOMIC_RELAXED);
	axas_user_locks_held++;
#endif
}

static inline void up_read(struct rw_semaphore *sem)
{
#ifndef AXAS_USER_NO_LOCKDEP
	if (__atomic_sub_fetch(&sem->readers, 1, __ATOMIC_RELAXED) < 0)
		abort();
	axas_user_locks_held--;
#endif
	pthread_rwlock_unlock(&sem->rw);
}

static inline void down_write(struct rw_semaphore *sem)
{
	if (pthread_rwlock_wrlock(&sem->rw))
		abort();
#ifndef AXAS_USER_NO_LOCKDEP
	sem->writer = 1;
	axas_user_locks_held++;
#endif
}

static inline void up_write(struct rw_semaphore *sem)
{
#ifndef AXAS_USER_NO_LOCKDEP
	if (!sem->writer)
		abort();
	sem->writer = 0;
	axas_user_locks_held--;
#endif
	pthread_rwlock_unlock(&sem->rw);
}

#endif
