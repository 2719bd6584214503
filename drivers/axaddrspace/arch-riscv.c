// SPDX-License-Identifier: GPL-2.0
/*
 * TLB invalidation on RISC-V for G-stage spaces: HFENCE.GVMA with the
 * space's VMID (privileged spec, "Hypervisor Memory-Management Fence
 * Instructions"), on every hart through the SBI RFENCE extension, which
 * takes guest-physical addresses directly. It needs the H extension.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/types.h>
#include <asm/cpufeature.h>
#include <asm/hwcap.h>
#include <asm/sbi.h>

#include "space.h"

/* Past this many pages, one fence of the whole VMID is cheaper. */
#define AXAS_HFENCE_MAX_PAGES	64

bool axas_arch_flush_native(const struct axas_space *as)
{
	return as->format == AXAS_FMT_RISCV_GSTAGE &&
	       riscv_isa_extension_available(NULL, h);
}

void axas_arch_flush(struct axas_space *as, u64 start, u64 end)
{
	unsigned long size = end - start;

	if (!axas_arch_flush_native(as))
		return;
	if (size >> PAGE_SHIFT > AXAS_HFENCE_MAX_PAGES) {
		start = 0;
		size = -1UL;	/* SBI: the whole address space */
	}
	sbi_remote_hfence_gvma_vmid(NULL, start, size, as->vmid);
}
