// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line part of the kernel-API shim: WARN accounting, the
 * sleeping-in-atomic check, kmalloc/kfree, allocation-failure injection
 * and the IDA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "axas-user.h"

unsigned long axas_user_warn_count;
long axas_user_kmalloc_live;
__thread int axas_user_locks_held;

void axas_user_warn(const char *file, int line, const char *cond, bool *once)
{
	__atomic_add_fetch(&axas_user_warn_count, 1, __ATOMIC_RELAXED);
	if (once) {
		if (*once)
			return;
		*once = true;
	}
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

void axas_user_might_sleep(const char *file, int line)
{
	if (axas_user_locks_held)
		axas_user_warn(file, line, "might_sleep() with a lock held",
			       NULL);
}

/* ---- allocation-failure injection ---- */

static unsigned long inject_calls, inject_at, inject_failed;

void axas_user_inject_arm(unsigned long nth)
{
	__atomic_store_n(&inject_calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&inject_failed, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&inject_at, nth, __ATOMIC_SEQ_CST);
}

unsigned long axas_user_inject_calls(void)
{
	return __atomic_load_n(&inject_calls, __ATOMIC_SEQ_CST);
}

unsigned long axas_user_inject_failed(void)
{
	return __atomic_load_n(&inject_failed, __ATOMIC_SEQ_CST);
}

bool axas_user_inject_fail(void)
{
	unsigned long n = __atomic_add_fetch(&inject_calls, 1, __ATOMIC_SEQ_CST);

	if (n != __atomic_load_n(&inject_at, __ATOMIC_SEQ_CST))
		return false;
	__atomic_add_fetch(&inject_failed, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* ---- kmalloc ---- */

void *axas_user_kmalloc(size_t size, gfp_t gfp, const char *file, int line)
{
	void *p;

	if (gfpflags_allow_blocking(gfp) && axas_user_locks_held)
		axas_user_warn(file, line,
			       "sleeping allocation with a lock held", NULL);
	if (axas_user_inject_fail())
		return NULL;
	/* Cache-line aligned, as the kernel's kmalloc caches of such sizes. */
	p = aligned_alloc(AXAS_USER_CACHELINE,
			  ALIGN(size ? size : 1, AXAS_USER_CACHELINE));
	if (p) {
		if (gfp & __GFP_ZERO)
			memset(p, 0, size);
		__atomic_add_fetch(&axas_user_kmalloc_live, 1, __ATOMIC_RELAXED);
	}
	return p;
}

void kfree(const void *p)
{
	if (!p)
		return;
	__atomic_sub_fetch(&axas_user_kmalloc_live, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

/* ---- IDA ---- */

#define IDA_WORD_BITS	(8 * sizeof(unsigned long))

static bool ida_test(const struct ida *ida, unsigned int id)
{
	return id < ida->nbits &&
	       (ida->bits[id / IDA_WORD_BITS] >> (id % IDA_WORD_BITS)) & 1;
}

int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max,
		    gfp_t gfp)
{
	unsigned int id;
	int ret = -ENOSPC;

	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	if ((int)max < 0)
		max = 0x7fffffff;
	if (min > max)
		return -ENOSPC;
	/* The kernel's IDA may need a node for any allocation. */
	if (axas_user_inject_fail())
		return -ENOMEM;

	pthread_mutex_lock(&ida->lock);
	for (id = min; id <= max; id++) {
		if (ida_test(ida, id))
			continue;
		if (id >= ida->nbits) {
			unsigned int nbits = (id / IDA_WORD_BITS + 1) *
					     IDA_WORD_BITS * 2;
			unsigned long *bits = realloc(ida->bits, nbits / 8);

			if (!bits) {
				ret = -ENOMEM;
				break;
			}
			memset((char *)bits + ida->nbits / 8, 0,
			       (nbits - ida->nbits) / 8);
			ida->bits = bits;
			ida->nbits = nbits;
		}
		ida->bits[id / IDA_WORD_BITS] |= 1UL << (id % IDA_WORD_BITS);
		ida->used++;
		ret = id;
		break;
	}
	pthread_mutex_unlock(&ida->lock);
	return ret;
}

void ida_free(struct ida *ida, unsigned int id)
{
	pthread_mutex_lock(&ida->lock);
	if (WARN_ON(!ida_test(ida, id))) {
		pthread_mutex_unlock(&ida->lock);
		return;
	}
	ida->bits[id / IDA_WORD_BITS] &= ~(1UL << (id % IDA_WORD_BITS));
	ida->used--;
	pthread_mutex_unlock(&ida->lock);
}

bool ida_is_empty(const struct ida *ida)
{
	return !ida->used;
}

void ida_destroy(struct ida *ida)
{
	pthread_mutex_lock(&ida->lock);
	free(ida->bits);
	ida->bits = NULL;
	ida->nbits = 0;
	ida->used = 0;
	pthread_mutex_unlock(&ida->lock);
}
