/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/cache.h>: the line size of the machines we
 * build for (x86_64, arm64 and riscv64 all use 64 bytes).
 */
#ifndef _AXAS_USER_LINUX_CACHE_H
#define _AXAS_USER_LINUX_CACHE_H

#include <linux/compiler.h>

#define AXAS_USER_CACHELINE		64
#define L1_CACHE_BYTES			AXAS_USER_CACHELINE
#define SMP_CACHE_BYTES			AXAS_USER_CACHELINE
#define ____cacheline_aligned		__aligned(SMP_CACHE_BYTES)
#define ____cacheline_aligned_in_smp	____cacheline_aligned

#endif
