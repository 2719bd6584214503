/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the IDA: a growable bitmap under a mutex. Like the
 * kernel's, ida_alloc_range() may allocate memory and so may fail with
 * -ENOMEM; the allocation-failure injector covers it.
 */
#ifndef _AXAS_USER_LINUX_IDR_H
#define _AXAS_USER_LINUX_IDR_H

#include <pthread.h>
#include <linux/gfp.h>
#include <linux/types.h>

struct ida {
	pthread_mutex_t lock;
	unsigned long *bits;
	unsigned int nbits;	/* ids the bitmap covers */
	unsigned int used;	/* ids allocated */
};

#define IDA_INIT(name)	{ .lock = PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_IDA(name)	struct ida name = IDA_INIT(name)

int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max,
		    gfp_t gfp);
void ida_free(struct ida *ida, unsigned int id);
void ida_destroy(struct ida *ida);
bool ida_is_empty(const struct ida *ida);

#endif
