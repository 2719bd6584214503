/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/minmax.h>: single evaluation, and like the
 * kernel's a compile-time error when the signedness of the two sides
 * differs.
 */
#ifndef _AXAS_USER_LINUX_MINMAX_H
#define _AXAS_USER_LINUX_MINMAX_H

#define __axas_same_sign(a, b) \
	(((__typeof__(a))-1 < (__typeof__(a))1) == \
	 ((__typeof__(b))-1 < (__typeof__(b))1))

#define __axas_cmp(a, b, op) ({						\
	__typeof__(a) __a = (a);					\
	__typeof__(b) __b = (b);					\
	_Static_assert(__axas_same_sign(a, b),				\
		       "min/max of mixed signedness");			\
	__a op __b ? __a : __b;						\
})

#define min(a, b)	__axas_cmp(a, b, <)
#define max(a, b)	__axas_cmp(a, b, >)
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define max_t(t, a, b)	max((t)(a), (t)(b))

#endif
