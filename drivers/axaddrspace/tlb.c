// SPDX-License-Identifier: GPL-2.0
/*
 * VMIDs and TLB invalidation.
 *
 * Every space gets a VMID of its own for its whole life, from an IDA per
 * format sized to the format's VMID field, so translations cached for one
 * space are never used for another. Invalidation is one call per operation
 * that shrinks or downgrades mappings, covering the range it touched; the
 * instruction itself lives in arch-*.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/idr.h>

#include "space.h"

static DEFINE_IDA(axas_vmid_ept);
static DEFINE_IDA(axas_vmid_arm_s2);
static DEFINE_IDA(axas_vmid_riscv_gstage);
static DEFINE_IDA(axas_vmid_amd_npt);

static struct ida *const axas_vmid_idas[AXAS_FMT_COUNT] = {
	[AXAS_FMT_EPT]		= &axas_vmid_ept,
	[AXAS_FMT_ARM_S2]	= &axas_vmid_arm_s2,
	[AXAS_FMT_RISCV_GSTAGE]	= &axas_vmid_riscv_gstage,
	[AXAS_FMT_AMD_NPT]	= &axas_vmid_amd_npt,
};

/**
 * axas_vmid_alloc() - give a new space its VMID
 * @as: the space, its format set.
 *
 * VMID 0 stays unused: hosts and firmware use it.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOSPC when the format's VMIDs are exhausted, or -ENOMEM.
 */
int axas_vmid_alloc(struct axas_space *as)
{
	unsigned int max = BIT(as->pgt.fmt->vmid_bits) - 1;
	int id;

	id = ida_alloc_range(axas_vmid_idas[as->format], 1, max, GFP_KERNEL);
	if (id < 0)
		return id;
	as->vmid = id;
	return 0;
}

/**
 * axas_vmid_free() - return a space's VMID
 * @as: the space, no longer reachable by any guest.
 *
 * Context: any context.
 */
void axas_vmid_free(struct axas_space *as)
{
	ida_free(axas_vmid_idas[as->format], as->vmid);
}

/**
 * axas_tlb_flush() - invalidate the space's translations of a range
 * @as: the space.
 * @start: first guest address.
 * @end: end of the range.
 *
 * Context: any context but NMI; usually the space lock is held.
 */
void axas_tlb_flush(struct axas_space *as, u64 start, u64 end)
{
	atomic64_inc(&as->tlb_flushes);
	axas_arch_flush(as, start, end);
}

bool axas_tlb_native(const struct axas_space *as)
{
	return axas_arch_flush_native(as);
}
EXPORT_SYMBOL_NS_GPL(axas_tlb_native, AXADDRSPACE);
