/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the kernel's fixed-width types. */
#ifndef _AXAS_USER_LINUX_TYPES_H
#define _AXAS_USER_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* As in the kernel (asm-generic/int-ll64.h): u64 is unsigned long long. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

/* CONFIG_PHYS_ADDR_T_64BIT, as on every host the core targets. */
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;

#endif
