/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axaddrspace: guest address spaces (guest-physical to host-physical) on
 * real nested page-table formats.
 *
 * A space owns one nested page table in a hardware format (Intel EPT,
 * AArch64 Stage-2, RISC-V G-stage, AMD NPT), a list of areas saying what
 * is mapped where (linear windows onto host memory, or frames the space
 * allocates itself, eagerly or on first fault), a VMID, and statistics. Table pages
 * and frames come from a HAL whose default is the page allocator.
 *
 * Every operation either succeeds completely or fails with the space
 * exactly as it was: memory is allocated before the space lock is taken,
 * so nothing can fail half way.
 */
#ifndef _AXADDRSPACE_AXADDRSPACE_H
#define _AXADDRSPACE_AXADDRSPACE_H

#include <linux/bits.h>
#include <linux/types.h>

struct axas_space;

/**
 * enum axas_format_id - nested page-table formats
 * @AXAS_FMT_EPT: Intel EPT, 4-level (48-bit) or 5-level (57-bit) walks.
 * @AXAS_FMT_ARM_S2: AArch64 VMSAv8-64 Stage-2, 4 KiB granule, 32 to 48-bit
 *	IPA with a concatenated start level as VTCR_EL2 requires.
 * @AXAS_FMT_RISCV_GSTAGE: RISC-V G-stage, Sv39x4 (41-bit) or Sv48x4
 *	(50-bit) with the 16 KiB root.
 * @AXAS_FMT_AMD_NPT: AMD nested paging, AMD64 long-mode 4-level tables
 *	(48-bit) rooted at nCR3.
 * @AXAS_FMT_COUNT: number of formats.
 */
enum axas_format_id {
	AXAS_FMT_EPT,
	AXAS_FMT_ARM_S2,
	AXAS_FMT_RISCV_GSTAGE,
	AXAS_FMT_AMD_NPT,
	AXAS_FMT_COUNT,
};

/* Mapping flags: permissions first, then attributes, then map behaviour. */
#define AXAS_READ		BIT(0)
#define AXAS_WRITE		BIT(1)
#define AXAS_EXEC		BIT(2)
#define AXAS_DEVICE		BIT(3)	/* device memory type (UC / nGnRE) */
#define AXAS_MAP_NOBLOCK	BIT(8)	/* use 4 KiB leaves only */

#define AXAS_PROT_MASK		(AXAS_READ | AXAS_WRITE | AXAS_EXEC)
#define AXAS_MAP_FLAGS_MASK	(AXAS_PROT_MASK | AXAS_DEVICE | AXAS_MAP_NOBLOCK)

/* Leaf sizes: level 0 maps 4 KiB, level 1 2 MiB, level 2 1 GiB. */
#define AXAS_LEAF_LEVELS	3

/**
 * struct axas_hal_ops - where table pages and data frames come from
 * @alloc: return 2^@order zeroed, naturally aligned, physically contiguous
 *	pages, or NULL. Called without any space lock held; may sleep.
 * @free: give back what @alloc returned. May be called with the space
 *	lock held: must not sleep.
 * @virt_to_phys: physical address of memory returned by @alloc.
 * @phys_to_virt: kernel address of memory returned by @alloc. Must not
 *	sleep.
 * @host_va: optional: kernel address of the host page at @pa that a linear
 *	area maps, or NULL when it is not ordinary memory the kernel may touch.
 *	Without it, linear areas cannot be read or written (-EFAULT). Must not
 *	sleep.
 *
 * @alloc, @free, @virt_to_phys and @phys_to_virt are mandatory.
 */
struct axas_hal_ops {
	void *(*alloc)(void *priv, unsigned int order);
	void (*free)(void *priv, void *va, unsigned int order);
	phys_addr_t (*virt_to_phys)(void *priv, void *va);
	void *(*phys_to_virt)(void *priv, phys_addr_t pa);
	void *(*host_va)(void *priv, phys_addr_t pa);
};

/**
 * struct axas_hal - an allocator instance
 * @ops: the callbacks.
 * @priv: passed to every callback.
 * @direct_map: @ops->phys_to_virt is the kernel's direct map, __va():
 *	table walks then compute it inline instead of calling it once per
 *	level (an indirect call, a retpoline where those are on).
 */
struct axas_hal {
	const struct axas_hal_ops *ops;
	void *priv;
	bool direct_map;
};

/*
 * The default HAL: alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO |
 * __GFP_RETRY_MAYFAIL | __GFP_NOWARN), charged to the caller's memory
 * cgroup and failing rather than invoking the OOM killer; host pages
 * reachable through the direct map when they are valid and not reserved.
 */
extern const struct axas_hal axas_default_hal;

/**
 * struct axas_space_cfg - what axas_space_create() builds
 * @format: one of &enum axas_format_id.
 * @ia_bits: guest-physical address width the table must cover. EPT: 48
 *	(4-level) or 57 (5-level); Stage-2: 32 to 48; G-stage: 41 (Sv39x4)
 *	or 50 (Sv48x4); NPT: 48 (4-level, no 5-level nested paging).
 * @base: first guest-physical address of the space (page aligned).
 * @size: bytes of the space (page aligned, non-zero); base + size must not
 *	exceed 2^@ia_bits.
 * @hal: allocator, or NULL for &axas_default_hal. Must outlive the space.
 * @flags: AXAS_CFG_* below; unknown bits are -EINVAL.
 */
struct axas_space_cfg {
	u32 format;
	u32 ia_bits;
	u64 base;
	u64 size;
	const struct axas_hal *hal;
	u32 flags;
};

/* EPT: enable accessed/dirty flags in the EPTP (needs CPU support). */
#define AXAS_CFG_EPT_AD		BIT(0)
/*
 * Test only: leaves installed by axas_handle_fault() lack a bit the
 * hardware requires (G-stage U, Stage-2 AF, NPT U/S, EPT R), so that
 * guest tests can show the hardware rejecting a wrong entry.
 */
#define AXAS_CFG_TEST_WRONG_LEAF	BIT(1)
#define AXAS_CFG_FLAGS_MASK	(AXAS_CFG_EPT_AD | AXAS_CFG_TEST_WRONG_LEAF)

/**
 * struct axas_translation - what a guest-physical address maps to
 * @hpa: host-physical address of the byte at the translated address.
 * @flags: AXAS_READ/WRITE/EXEC/DEVICE of the leaf.
 * @leaf_size: bytes mapped by the leaf (4 KiB, 2 MiB or 1 GiB).
 */
struct axas_translation {
	phys_addr_t hpa;
	u32 flags;
	u64 leaf_size;
};

/**
 * struct axas_stats - counters of a space
 * @table_pages: pages of table memory, root included.
 * @data_pages: frames the space allocated for map_alloc areas.
 * @mapped: bytes mapped by leaves of each size (4K, 2M, 1G).
 * @faults: faults that installed a mapping.
 * @spurious_faults: faults on an already-present, permitted page.
 * @tlb_flushes: TLB invalidations issued (one per shrinking operation).
 * @fault_waits: faults that met an unmap or protect between its steps
 *	and waited for it to end.
 */
struct axas_stats {
	u64 table_pages;
	u64 data_pages;
	u64 mapped[AXAS_LEAF_LEVELS];
	u64 faults;
	u64 spurious_faults;
	u64 tlb_flushes;
	u64 fault_waits;
};

/**
 * struct axas_hw_regs - register values that point hardware at the table
 * @root: EPTP, VTTBR_EL2 (VMID included), hgatp (VMID included) or
 *	nCR3 (the root's address; SVM takes the ASID from the VMCB).
 * @ctl: VTCR_EL2 for Stage-2; 0 for the other formats.
 */
struct axas_hw_regs {
	u64 root;
	u64 ctl;
};

/**
 * axas_space_create() - build an empty address space
 * @cfg: format, width, range and allocator.
 *
 * Allocates the root table (16 KiB for G-stage, up to 64 KiB for a
 * concatenated Stage-2 start level) and a VMID.
 *
 * Context: process context, may sleep.
 * Return: the space, or ERR_PTR(-EINVAL) for a bad format, width, range or
 * flags, ERR_PTR(-ERANGE) when base + size leaves the width,
 * ERR_PTR(-ENOSPC) when VMIDs are exhausted, ERR_PTR(-ENOMEM).
 */
struct axas_space *axas_space_create(const struct axas_space_cfg *cfg);

/**
 * axas_space_destroy() - unmap everything and free the space
 * @as: the space, or NULL.
 *
 * Context: process context, may sleep. No other user of @as may remain.
 */
void axas_space_destroy(struct axas_space *as);

/**
 * axas_map_linear() - map host-physical memory at a guest range
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @hpa: host-physical address it maps to, page aligned; above or below
 *	@gpa alike.
 * @size: bytes, page aligned, non-zero.
 * @flags: AXAS_READ (mandatory), AXAS_WRITE, AXAS_EXEC, AXAS_DEVICE,
 *	AXAS_MAP_NOBLOCK.
 *
 * Uses the largest leaves (1 GiB, 2 MiB, 4 KiB) that the alignment of
 * @gpa and @hpa allows, unless AXAS_MAP_NOBLOCK.
 *
 * Context: process context, may sleep; takes the space lock exclusively.
 * Return: 0; -EINVAL for misalignment, zero size or bad flags; -ERANGE
 * when the range leaves the space or overflows; -EEXIST when any part is
 * already mapped; -ENOMEM. On error nothing changed.
 */
int axas_map_linear(struct axas_space *as, u64 gpa, phys_addr_t hpa,
		    u64 size, u32 flags);

/**
 * axas_map_alloc() - map frames the space allocates itself
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @size: bytes, page aligned, non-zero.
 * @flags: AXAS_READ (mandatory), AXAS_WRITE, AXAS_EXEC.
 * @populate: allocate and map zeroed frames now; otherwise each page is
 *	allocated on its first fault (axas_handle_fault()).
 *
 * Context: process context, may sleep; takes the space lock exclusively.
 * Return: as axas_map_linear(). On error nothing changed.
 */
int axas_map_alloc(struct axas_space *as, u64 gpa, u64 size, u32 flags,
		   bool populate);

/**
 * axas_map_pages() - map frames the caller owns at a guest range
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @pas: host-physical addresses of @nr pages, each page aligned, in guest
 *	address order; they need not be contiguous.
 * @nr: number of pages, non-zero.
 * @flags: AXAS_READ (mandatory), AXAS_WRITE, AXAS_EXEC, AXAS_MAP_NOBLOCK.
 *
 * For memory pinned from a process (a VMM's guest RAM) or any frames whose
 * lifetime the caller manages: the space never frees them. The caller
 * keeps them until axas_unmap() of their range, axas_clear() or
 * axas_space_destroy() has returned; the TLB is flushed by then. Where 512
 * consecutive frames are contiguous and 2 MiB aligned together with their
 * guest addresses, a 2 MiB leaf maps them, unless AXAS_MAP_NOBLOCK.
 *
 * Context: process context, may sleep; takes the space lock exclusively.
 * Return: as axas_map_linear(). On error nothing changed.
 */
int axas_map_pages(struct axas_space *as, u64 gpa, const phys_addr_t *pas,
		   unsigned long nr, u32 flags);

/**
 * axas_unmap() - remove mappings from a guest range
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @size: bytes, page aligned, non-zero.
 *
 * Any page-aligned subrange of what was mapped may be unmapped: blocks the
 * range cuts are split, frames the space allocated are freed, and table
 * pages that become empty are freed after one TLB invalidation and one RCU
 * grace period. When it returns, no lockless reader (axas_read() and the
 * like) still touches memory the range mapped: the owner may reuse it.
 *
 * Context: process context, may sleep; takes the space lock exclusively
 * and waits for a grace period under it when anything was mapped.
 * Return: 0; -EINVAL, -ERANGE as above; -ENOENT when part of the range is
 * not mapped (nothing is unmapped then); -ENOMEM when a split cannot get
 * a table page. On error nothing changed.
 */
int axas_unmap(struct axas_space *as, u64 gpa, u64 size);

/**
 * axas_protect() - change the permissions of a mapped guest range
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @size: bytes, page aligned, non-zero.
 * @flags: new permissions: AXAS_READ (mandatory), AXAS_WRITE, AXAS_EXEC.
 *
 * Splits the blocks the range cuts. Lazy pages not yet faulted take the
 * new permissions when they are.
 *
 * Context: process context, may sleep; takes the space lock exclusively.
 * Return: 0, or the errors of axas_unmap(). On error nothing changed.
 */
int axas_protect(struct axas_space *as, u64 gpa, u64 size, u32 flags);

/**
 * axas_translate() - look a guest-physical address up in the table
 * @as: the space.
 * @gpa: any guest-physical address.
 * @out: the result.
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: 0; -ERANGE outside the space; -ENOENT when no leaf maps @gpa
 * (not mapped, or lazy and not faulted yet).
 */
int axas_translate(struct axas_space *as, u64 gpa, struct axas_translation *out);

/**
 * axas_translate_limit() - bytes mapped contiguously from an address
 * @as: the space.
 * @gpa: any guest-physical address.
 * @len: bytes from @gpa on that are mapped, with the same flags, to one
 *	contiguous host-physical range (across leaves).
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: 0, -ERANGE or -ENOENT as axas_translate().
 */
int axas_translate_limit(struct axas_space *as, u64 gpa, u64 *len);

/**
 * axas_translate_pages() - host address of each page of a guest range
 * @as: the space.
 * @gpa: first guest-physical address, page aligned.
 * @nr: pages, non-zero.
 * @hpas: filled with the host-physical address of each page.
 *
 * One walk for the whole range, not one per page: for building a
 * scatter-gather list or an IOMMU mapping of guest memory. The inverse of
 * axas_map_pages().
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: 0; -EINVAL for a misaligned @gpa or no pages; -ERANGE when the
 * range leaves the space; -ENOENT when a page of it is not mapped (what
 * @hpas holds is then undefined).
 */
int axas_translate_pages(struct axas_space *as, u64 gpa, unsigned long nr,
			 phys_addr_t *hpas);

/**
 * axas_read() - copy guest memory out
 * @as: the space.
 * @gpa: guest-physical address, any alignment.
 * @buf: destination.
 * @len: bytes; may cross pages and leaves.
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: 0; -ERANGE outside the space or on overflow; -EFAULT when any
 * page is unmapped, not faulted yet, device memory, or not accessible to
 * the kernel (nothing is copied then).
 */
int axas_read(struct axas_space *as, u64 gpa, void *buf, size_t len);

/**
 * axas_write() - copy into guest memory
 * @as: the space.
 * @gpa: guest-physical address, any alignment.
 * @buf: source.
 * @len: bytes; may cross pages and leaves.
 *
 * Ignores the guest's permissions (a VMM may write read-only guest memory).
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: as axas_read(); nothing is written on error.
 */
int axas_write(struct axas_space *as, u64 gpa, const void *buf, size_t len);

/**
 * axas_handle_fault() - serve a nested page fault
 * @as: the space.
 * @gpa: faulting guest-physical address.
 * @access: AXAS_READ, AXAS_WRITE or AXAS_EXEC (one or more).
 *
 * Installs a zeroed frame for a lazy page. A fault on a page already
 * present with the access permitted allocates nothing and returns 0
 * (another vCPU won the race, or the TLB was stale). Faults of several
 * threads on one space run in parallel; of two on one page, one installs.
 *
 * Context: process context, may sleep (allocates before taking the space
 * lock, which it takes shared).
 * Return: 0 when the guest can retry; -ENOENT when no area covers @gpa
 * (MMIO for the exit handler); -EACCES when the area forbids @access;
 * -ERANGE outside the space; -EINVAL for a bad @access; -ENOMEM.
 */
int axas_handle_fault(struct axas_space *as, u64 gpa, u32 access);

/**
 * axas_clear() - unmap every area
 * @as: the space.
 *
 * Context: process context, may sleep; takes the space lock exclusively
 * and waits for an RCU grace period, as axas_unmap().
 */
void axas_clear(struct axas_space *as);

/**
 * axas_get_stats() - snapshot the counters
 * @as: the space.
 * @st: the result.
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 */
void axas_get_stats(struct axas_space *as, struct axas_stats *st);

/**
 * struct axas_entry - one valid table entry, as axas_walk_entries() sees it
 * @gpa: first guest address the entry maps.
 * @size: bytes it maps (4 KiB, 2 MiB, 1 GiB, 512 GiB, ...).
 * @pte: its raw value.
 * @pa: host address it points to: a table, or the first byte of a leaf.
 * @flags: AXAS_READ/WRITE/EXEC/DEVICE of a leaf; 0 for a table.
 * @level: 0 for 4 KiB entries, 1 for 2 MiB, and so on up to the root.
 * @table: it points to a table.
 */
struct axas_entry {
	u64 gpa;
	u64 size;
	u64 pte;
	phys_addr_t pa;
	u32 flags;
	u8 level;
	bool table;
};

/**
 * typedef axas_entry_fn_t - called by axas_walk_entries()
 * @arg: the caller's argument.
 * @entry: the entry; a table comes before the entries below it.
 *
 * Context: under rcu_read_lock(); must not sleep.
 * Return: 0 to go on, anything else to stop the walk with that value.
 */
typedef int (*axas_entry_fn_t)(void *arg, const struct axas_entry *entry);

/**
 * axas_walk_entries() - visit the valid entries of a guest range
 * @as: the space.
 * @gpa: first guest address, page aligned.
 * @size: bytes, page aligned, non-zero.
 * @fn: called for each valid entry intersecting the range, in address
 *	order, tables before what they hold.
 * @arg: passed to @fn.
 *
 * For printing a table as a tree, debugging and tests.
 *
 * Context: any context but NMI (preemption or interrupts may be disabled);
 * takes no lock: walks under rcu_read_lock().
 * Return: 0, the first non-zero value of @fn, or -EINVAL/-ERANGE for a bad
 * range.
 */
int axas_walk_entries(struct axas_space *as, u64 gpa, u64 size,
		      axas_entry_fn_t fn, void *arg);

/**
 * axas_hw_regs() - register values for the hardware walker
 * @as: the space.
 * @regs: the result.
 *
 * Context: any context.
 */
void axas_hw_regs(const struct axas_space *as, struct axas_hw_regs *regs);

/**
 * axas_vmid() - the space's VMID (EPT: used as the VPID; NPT: mapped to
 *	an ASID by the SVM exit handler)
 * @as: the space.
 *
 * Context: any context.
 * Return: the VMID, non-zero.
 */
u16 axas_vmid(const struct axas_space *as);

/**
 * axas_tlb_native() - whether invalidation executes a real instruction here
 * @as: the space.
 *
 * True when @as is in the format this CPU walks and the CPU can issue the
 * invalidation now: INVEPT in VMX operation on x86, TLBI at EL2 on arm64,
 * HFENCE.GVMA with the H extension on RISC-V. Never for NPT: no host
 * instruction flushes nested translations by guest address outside VMRUN;
 * the VMCB's TLB_CONTROL does it at the next VMRUN.
 *
 * Context: any context.
 * Return: whether axas_unmap() and axas_protect() reach the hardware.
 */
bool axas_tlb_native(const struct axas_space *as);

/**
 * axas_format_name() - short name of a format
 * @format: one of &enum axas_format_id.
 *
 * Context: any context.
 * Return: "ept", "arm-s2", "riscv-gstage", "amd-npt", or NULL.
 */
const char *axas_format_name(u32 format);

#endif /* _AXADDRSPACE_AXADDRSPACE_H */
