/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of the barriers the core uses. */
#ifndef _AXAS_USER_ASM_BARRIER_H
#define _AXAS_USER_ASM_BARRIER_H

/* Orders everything before the store before it, as in the kernel. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
/* Orders earlier stores before later ones. */
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)

#endif
