/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of <linux/atomic.h> on the compiler's __atomic builtins. */
#ifndef _AXAS_USER_LINUX_ATOMIC_H
#define _AXAS_USER_LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

/* The kernel's plain atomics are relaxed; the value-returning ones full. */
#define __AXAS_ATOMIC_OPS(pfx, t, vt)					\
static inline vt pfx##_read(const t *v)					\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(t *v, vt i)				\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_add(vt i, t *v)				\
{									\
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_sub(vt i, t *v)				\
{									\
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_inc(t *v)					\
{									\
	pfx##_add(1, v);						\
}									\
static inline void pfx##_dec(t *v)					\
{									\
	pfx##_sub(1, v);						\
}									\
static inline vt pfx##_add_return(vt i, t *v)				\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline vt pfx##_inc_return(t *v)					\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline vt pfx##_dec_return(t *v)					\
{									\
	return pfx##_add_return(-1, v);					\
}

__AXAS_ATOMIC_OPS(atomic, atomic_t, int)
__AXAS_ATOMIC_OPS(atomic64, atomic64_t, s64)

#undef __AXAS_ATOMIC_OPS

/* Fully ordered on success, as in the kernel; *@old updated on failure. */
#define try_cmpxchg64(ptr, old, new)					\
	__atomic_compare_exchange_n(ptr, old, new, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)

#endif
