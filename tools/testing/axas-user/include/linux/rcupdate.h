/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of classic RCU, after the membarrier flavour of liburcu
 * (our own code): a reader stores the grace-period counter in its own
 * per-thread word on entry and zero on exit, with no fence; the writer
 * makes every running thread execute a full barrier (membarrier(2),
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED) around advancing the counter, then
 * waits for every reader that entered before the advance. Where the
 * kernel refuses membarrier (valgrind, old seccomp filters) readers fall
 * back to a full fence of their own.
 */
#ifndef _AXAS_USER_LINUX_RCUPDATE_H
#define _AXAS_USER_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/types.h>

struct axas_rcu_reader {
	unsigned long ctr;	/* 0, or the counter seen at entry */
	unsigned int nest;
	bool registered;
	struct axas_rcu_reader *next;
};

extern __thread struct axas_rcu_reader axas_rcu_self;
extern unsigned long axas_rcu_gp;	/* odd, advanced by 2 */
extern bool axas_rcu_fence;		/* membarrier unavailable */

void axas_rcu_register(void);
void synchronize_rcu(void);

static inline void rcu_read_lock(void)
{
	struct axas_rcu_reader *r = &axas_rcu_self;

	if (r->nest++)
		return;
	if (unlikely(!r->registered))
		axas_rcu_register();
	__atomic_store_n(&r->ctr, __atomic_load_n(&axas_rcu_gp,
						  __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	if (unlikely(axas_rcu_fence))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__asm__ __volatile__("" ::: "memory");
}

static inline void rcu_read_unlock(void)
{
	struct axas_rcu_reader *r = &axas_rcu_self;

	if (--r->nest)
		return;
	if (unlikely(axas_rcu_fence))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__asm__ __volatile__("" ::: "memory");
	__atomic_store_n(&r->ctr, 0, __ATOMIC_RELAXED);
}

struct rcu_head {
	void *unused;
};

/* The shim waits for the grace period at once: frees here are rare. */
void kfree(const void *p);
#define kfree_rcu(ptr, field)	do {					\
	synchronize_rcu();						\
	kfree(ptr);							\
} while (0)

/* Acquire: pairs with the writer's smp_wmb() or smp_store_release(). */
#define rcu_dereference_raw(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)

/* No KCSAN here: a racy read is a plain read. */
#define data_race(expr)		(expr)

#endif
