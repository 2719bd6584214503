/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/nospec.h>: the index clamped to 0 when out of
 * range, without the barrier that only matters against speculation.
 */
#ifndef _AXAS_USER_LINUX_NOSPEC_H
#define _AXAS_USER_LINUX_NOSPEC_H

#define array_index_nospec(index, size) ({				\
	__typeof__(index) __i = (index);				\
	unsigned long __s = (size);					\
	(__typeof__(__i))((unsigned long)__i < __s ? __i : 0);		\
})

#endif
