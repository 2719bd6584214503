/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the HALs' "physical" addresses are the virtual ones. */
#ifndef _AXAS_USER_LINUX_IO_H
#define _AXAS_USER_LINUX_IO_H

#include <stdint.h>
#include <linux/types.h>

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline phys_addr_t virt_to_phys(const volatile void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

#endif
