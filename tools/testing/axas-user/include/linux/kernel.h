/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of the parts of <linux/kernel.h> the core uses. */
#ifndef _AXAS_USER_LINUX_KERNEL_H
#define _AXAS_USER_LINUX_KERNEL_H

#include <linux/align.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/types.h>

#ifndef U64_MAX
#define U64_MAX		UINT64_MAX
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Complains (as a WARN) when called with a space lock held. */
void axas_user_might_sleep(const char *file, int line);
#define might_sleep()	axas_user_might_sleep(__FILE__, __LINE__)

#endif
