// SPDX-License-Identifier: GPL-2.0
/*
 * The default HAL: table pages and frames from the page allocator, charged
 * to the caller's memory cgroup; host pages through the direct map.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

#include <axaddrspace/axaddrspace.h>

#include "stats.h"

/*
 * Callers can ask for a lot (a populated gigabyte of guest RAM): when the
 * memory cgroup or the machine cannot give it, fail the request with
 * -ENOMEM rather than wake the OOM killer or warn.
 */
#define AXAS_HAL_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | \
			 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static void *axas_hal_alloc(void *priv, unsigned int order)
{
	struct page *page = alloc_pages(AXAS_HAL_GFP, order);

	if (!page)
		return NULL;
	atomic_long_add(1L << order, &axas_stats.hal_pages);
	return page_address(page);
}

static void axas_hal_free(void *priv, void *va, unsigned int order)
{
	free_pages((unsigned long)va, order);
	atomic_long_sub(1L << order, &axas_stats.hal_pages);
}

static phys_addr_t axas_hal_virt_to_phys(void *priv, void *va)
{
	return virt_to_phys(va);
}

static void *axas_hal_phys_to_virt(void *priv, phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static void *axas_hal_host_va(void *priv, phys_addr_t pa)
{
	unsigned long pfn = PHYS_PFN(pa);

	if (!pfn_valid(pfn) || PageReserved(pfn_to_page(pfn)))
		return NULL;
	return page_address(pfn_to_page(pfn)) + offset_in_page(pa);
}

static const struct axas_hal_ops axas_default_hal_ops = {
	.alloc		= axas_hal_alloc,
	.free		= axas_hal_free,
	.virt_to_phys	= axas_hal_virt_to_phys,
	.phys_to_virt	= axas_hal_phys_to_virt,
	.host_va	= axas_hal_host_va,
};

const struct axas_hal axas_default_hal = {
	.ops		= &axas_default_hal_ops,
	.direct_map	= true,
};
EXPORT_SYMBOL_NS_GPL(axas_default_hal, AXADDRSPACE);
