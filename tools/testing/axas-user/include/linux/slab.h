/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/slab.h>: calloc/free that count live objects,
 * can be made to fail (see axas-user.h), and complain when a sleeping
 * allocation is made with a space lock held.
 */
#ifndef _AXAS_USER_LINUX_SLAB_H
#define _AXAS_USER_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

void *axas_user_kmalloc(size_t size, gfp_t gfp, const char *file, int line);
void kfree(const void *p);

#define kmalloc(size, gfp)	axas_user_kmalloc(size, gfp, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)

#endif
