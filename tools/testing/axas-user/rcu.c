// SPDX-License-Identifier: GPL-2.0
/*
 * The writer side of the RCU shim (see include/linux/rcupdate.h).
 *
 * Why the readers need no fence: a reader that stored its entry word after
 * the writer's second barrier ran on its CPU loads everything after that
 * barrier, so it sees what the writer unpublished before the first; one
 * that stored it before the second barrier is seen by the scan, which
 * waits for it when it holds the old counter. A reader that read the new
 * counter read it after the first barrier, so it also sees the unpublish.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/rcupdate.h>

#include "axas-user.h"

__thread struct axas_rcu_reader axas_rcu_self;
unsigned long axas_rcu_gp = 1;
bool axas_rcu_fence;

static pthread_mutex_t rcu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct axas_rcu_reader *rcu_readers;
static pthread_key_t rcu_key;

static int membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

static void rcu_unregister(void *arg)
{
	struct axas_rcu_reader *self = arg, **p;

	pthread_mutex_lock(&rcu_lock);
	for (p = &rcu_readers; *p; p = &(*p)->next) {
		if (*p == self) {
			*p = self->next;
			break;
		}
	}
	pthread_mutex_unlock(&rcu_lock);
}

__attribute__((constructor))
static void rcu_init(void)
{
	if (pthread_key_create(&rcu_key, rcu_unregister))
		abort();
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		axas_rcu_fence = true;
}

void axas_rcu_register(void)
{
	struct axas_rcu_reader *self = &axas_rcu_self;

	pthread_mutex_lock(&rcu_lock);
	self->next = rcu_readers;
	rcu_readers = self;
	self->registered = true;
	pthread_mutex_unlock(&rcu_lock);
	/* The destructor unlinks the thread's word before it goes. */
	pthread_setspecific(rcu_key, self);
}

static void rcu_barrier_all(void)
{
	if (axas_rcu_fence)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		abort();
}

void (*axas_rcu_gp_hook)(void *arg);
void *axas_rcu_gp_hook_arg;

void synchronize_rcu(void)
{
	void (*hook)(void *arg) = axas_rcu_gp_hook;
	struct axas_rcu_reader *r;
	unsigned long gp;

	if (hook)
		hook(axas_rcu_gp_hook_arg);

	if (axas_rcu_self.nest) {
		fprintf(stderr, "%s() inside a read-side section\n", __func__);
		abort();
	}
	pthread_mutex_lock(&rcu_lock);
	rcu_barrier_all();
	gp = axas_rcu_gp + 2;
	__atomic_store_n(&axas_rcu_gp, gp, __ATOMIC_SEQ_CST);
	rcu_barrier_all();
	for (r = rcu_readers; r; r = r->next) {
		unsigned long c;

		while ((c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE)) &&
		       c != gp)
			sched_yield();
	}
	rcu_barrier_all();
	pthread_mutex_unlock(&rcu_lock);
}
