/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of <linux/compiler.h>: what the core uses. */
#ifndef _AXAS_USER_LINUX_COMPILER_H
#define _AXAS_USER_LINUX_COMPILER_H

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define __must_check		__attribute__((__warn_unused_result__))
#define noinline		__attribute__((__noinline__))
#define __maybe_unused		__attribute__((__unused__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))

/* Scalars only, as in the kernel: one access the compiler cannot split. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	\
	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)

#define __aligned(x)	__attribute__((__aligned__(x)))

#endif
