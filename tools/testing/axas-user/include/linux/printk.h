/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of <linux/printk.h>: pr_debug compiles, prints nothing. */
#ifndef _AXAS_USER_LINUX_PRINTK_H
#define _AXAS_USER_LINUX_PRINTK_H

#include <stdio.h>

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) ({						\
	if (0)								\
		fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__);		\
})

#endif
