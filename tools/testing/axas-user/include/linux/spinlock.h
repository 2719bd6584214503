/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the rwlock_t API over pthread_rwlock_t.
 *
 * Each lock also records whether it is held for writing and by how many
 * readers, for lockdep_assert_held*(), and each thread how many locks it
 * holds, so that sleeping calls under a lock are caught (might_sleep(),
 * GFP_KERNEL allocations, the HAL's alloc). Built with AXAS_USER_NO_LOCKDEP
 * (the benchmark) only the pthread lock remains, as with CONFIG_LOCKDEP=n.
 */
#ifndef _AXAS_USER_LINUX_SPINLOCK_H
#define _AXAS_USER_LINUX_SPINLOCK_H

#include <pthread.h>
#include <stdlib.h>
#include <linux/types.h>

typedef struct axas_user_rwlock {
	pthread_rwlock_t rw;
#ifndef AXAS_USER_NO_LOCKDEP
	int writer;	/* held for writing */
	int readers;	/* readers holding it */
#endif
} rwlock_t;

/* Locks (any kind) this thread holds: non-zero means atomic context. */
extern __thread int axas_user_locks_held;

/*
 * Writers first, as with the kernel's queued rwlock in process context:
 * glibc's default lets a stream of readers starve a writer.
 */
static inline void rwlock_init(rwlock_t *lock)
{
	pthread_rwlockattr_t attr;

	if (pthread_rwlockattr_init(&attr) ||
	    pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) ||
	    pthread_rwlock_init(&lock->rw, &attr))
		abort();
	pthread_rwlockattr_destroy(&attr);
#ifndef AXAS_USER_NO_LOCKDEP
	lock->writer = 0;
	lock->readers = 0;
#endif
}

static inline void read_lock(rwlock_t *lock)
{
	if (pthread_rwlock_rdlock(&lock->rw))
		abort();
#ifndef AXAS_USER_NO_LOCKDEP
	__atomic_add_fetch(&lock->readers, 1, __ATOMIC_RELAXED);
	axas_user_locks_held++;
#endif
}

static inline void read_unlock(rwlock_t *lock)
{
#ifndef AXAS_USER_NO_LOCKDEP
	if (__atomic_sub_fetch(&lock->readers, 1, __ATOMIC_RELAXED) < 0)
		abort();
	axas_user_locks_held--;
#endif
	pthread_rwlock_unlock(&lock->rw);
}

static inline void write_lock(rwlock_t *lock)
{
	if (pthread_rwlock_wrlock(&lock->rw))
		abort();
#ifndef AXAS_USER_NO_LOCKDEP
	lock->writer = 1;
	axas_user_locks_held++;
#endif
}

static inline void write_unlock(rwlock_t *lock)
{
#ifndef AXAS_USER_NO_LOCKDEP
	if (!lock->writer)
		abort();
	lock->writer = 0;
	axas_user_locks_held--;
#endif
	pthread_rwlock_unlock(&lock->rw);
}

#endif
