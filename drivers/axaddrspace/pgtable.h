/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal page-table layer of axaddrspace, in three parts:
 *
 *  - formats (fmt-*.c): pure encode/decode of one hardware format's entries
 *    and registers, no allocation and no policy;
 *  - the walker (pgtable.c): traversal only, calling a visitor per entry;
 *  - the operations (pgtable.c): map, zap, reap, protect, split, translate,
 *    each a small visitor, all format-independent.
 *
 * Levels count up from the leaf: level 0 entries map 4 KiB, level 1 2 MiB,
 * level 2 1 GiB, level 3 512 GiB, level 4 256 TiB. Every table below the
 * root has 512 entries; the root may have fewer (a narrow address width)
 * or more (Stage-2 concatenation, the 16 KiB G-stage root).
 *
 * Structural changes (map, zap, reap, protect, split) run under the owning
 * space's lock held exclusively. Faults install tables and 4 KiB leaves
 * into empty entries with a compare-and-exchange under the lock held
 * shared, so faults of several vCPUs proceed together. Lookups take no
 * lock: they run under RCU, and nothing a zapped entry led to is freed
 * before a grace period has passed. Memory for an operation comes from a
 * struct axas_mc filled before the lock is taken.
 */
#ifndef _AXADDRSPACE_PGTABLE_H
#define _AXADDRSPACE_PGTABLE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/types.h>
#include <axaddrspace/axaddrspace.h>

#define AXAS_PAGE_SHIFT		12
#define AXAS_PAGE_SIZE		BIT_ULL(AXAS_PAGE_SHIFT)
#define AXAS_PTES_SHIFT		9
#define AXAS_PTES_PER_TABLE	BIT(AXAS_PTES_SHIFT)
#define AXAS_MAX_LEVELS		5

/* Attribute bits beyond the public AXAS_* flags, kept in software bits. */
#define AXAS_PTE_OWNED		BIT(16)	/* frame allocated by the space */
#define AXAS_PTE_WRONG		BIT(17)	/* test only: see @wrong_leaf_clear */

static inline unsigned int axas_level_shift(unsigned int level)
{
	return AXAS_PAGE_SHIFT + AXAS_PTES_SHIFT * level;
}

static inline u64 axas_level_size(unsigned int level)
{
	return 1ULL << axas_level_shift(level);
}

struct axas_pgtable;

/**
 * struct axas_geometry - shape of a table for one address width
 * @top_level: level of the root entries.
 * @root_order: the root spans 2^root_order pages.
 * @root_ptes: entries in the root (may be fewer than fit in its pages).
 */
struct axas_geometry {
	unsigned int top_level;
	unsigned int root_order;
	unsigned int root_ptes;
};

/**
 * struct axas_format - one hardware nested page-table format
 * @name: short name.
 * @min_ia_bits: narrowest supported address width.
 * @max_ia_bits: widest supported address width.
 * @max_leaf_level: largest leaf (2: 1 GiB).
 * @split_bbm: replacing a valid block by an equivalent table needs
 *	break-before-make (invalidate, TLB flush, install), as on Arm.
 * @vmid_bits: width of the VMID field the root register carries.
 * @pfn_shift: bit position of the page frame number in an entry.
 * @pa_mask: bits of an entry (after the shift) holding the frame number.
 * @geometry: shape for @ia_bits; -EINVAL when unsupported.
 * @table_pte: entry pointing to a table at @pa.
 * @leaf_attrs: entry bits, without the address, of a leaf at @level
 *	with AXAS_* and AXAS_PTE_OWNED @flags.
 * @valid_mask: an entry is valid when any of these bits is set.
 * @table_mask: with @table_val, tells a table entry from a leaf above
 *	level 0: (pte & @table_mask) == @table_val. Holds for zapped entries.
 * @table_val: see @table_mask.
 * @zap_bit: a software bit marking an invalid entry that still holds what
 *	it pointed to, for the reaper (zap clears @valid_mask and sets it).
 * @owned_bit: the software bit of AXAS_PTE_OWNED in a leaf.
 * @pte_flags: AXAS_* and AXAS_PTE_OWNED flags of a valid or zapped leaf.
 * @wrong_leaf_clear: test only: leaf bits that AXAS_PTE_WRONG leaves
 *	clear, which the hardware needs and software never reads; 0 when
 *	the format has no such bit.
 * @hw_regs: register values for a table with this root and VMID.
 */
struct axas_format {
	const char *name;
	u8 min_ia_bits;
	u8 max_ia_bits;
	u8 max_leaf_level;
	bool split_bbm;
	u8 vmid_bits;
	u8 pfn_shift;
	u64 pa_mask;
	int (*geometry)(unsigned int ia_bits, struct axas_geometry *geo);
	u64 (*table_pte)(phys_addr_t pa);
	u64 (*leaf_attrs)(unsigned int level, u32 flags);
	u64 valid_mask;
	u64 table_mask;
	u64 table_val;
	u64 zap_bit;
	u64 owned_bit;
	u32 (*pte_flags)(u64 pte);
	u64 wrong_leaf_clear;
	void (*hw_regs)(const struct axas_pgtable *pgt, u16 vmid,
			struct axas_hw_regs *regs);
};

extern const struct axas_format axas_fmt_ept;
extern const struct axas_format axas_fmt_arm_s2;
extern const struct axas_format axas_fmt_riscv_gstage;
extern const struct axas_format axas_fmt_amd_npt;

const struct axas_format *axas_format_get(u32 id);

/* Whether hardware would use the entry. */
static inline bool axas_pte_valid(const struct axas_format *fmt, u64 pte)
{
	return pte & fmt->valid_mask;
}

/* Whether a valid or zapped entry at @level points to a table. */
static inline bool axas_pte_table(const struct axas_format *fmt, u64 pte,
				  unsigned int level)
{
	return level && (pte & fmt->table_mask) == fmt->table_val;
}

static inline bool axas_pte_zapped(const struct axas_format *fmt, u64 pte)
{
	return !(pte & fmt->valid_mask) && (pte & fmt->zap_bit);
}

/* Invalid, but keeping the address and software bits; never zero. */
static inline u64 axas_pte_zap(const struct axas_format *fmt, u64 pte)
{
	return (pte & ~fmt->valid_mask) | fmt->zap_bit;
}

/* An entry's address field: page frame number shifted into place. */
static inline u64 axas_pa_to_pte(const struct axas_format *fmt, phys_addr_t pa)
{
	return ((u64)pa >> AXAS_PAGE_SHIFT) << fmt->pfn_shift;
}

static inline phys_addr_t axas_pte_to_pa(const struct axas_format *fmt, u64 pte)
{
	return (phys_addr_t)(((pte >> fmt->pfn_shift) & fmt->pa_mask) <<
			     AXAS_PAGE_SHIFT);
}

/**
 * struct axas_mc - pages set aside before the space lock is taken
 * @head: free pages, linked through their first word.
 * @nr: pages on the list.
 *
 * Owned by one operation on its stack; never shared.
 */
struct axas_mc {
	void *head;
	unsigned long nr;
};

int axas_mc_topup(const struct axas_hal *hal, struct axas_mc *mc,
		  unsigned long nr);
void *axas_mc_pop(struct axas_mc *mc);
void axas_mc_free(const struct axas_hal *hal, struct axas_mc *mc);

/**
 * struct axas_pgtable - one nested page table
 * @fmt: its format.
 * @hal: where its pages come from.
 * @geo: its shape.
 * @ia_bits: address width it covers.
 * @cfg_flags: AXAS_CFG_* flags of the space.
 * @direct_map: the HAL's phys_to_virt() is the kernel's.
 * @root: the root table.
 * @root_pa: physical address of @root.
 * @pages: table pages plus frames with AXAS_PTE_OWNED leaves, and the
 *	pages a fault has charged and not installed yet.
 * @table_pages: pages of table memory, root included.
 * @mapped: bytes mapped by leaves at levels 0, 1 and 2.
 *
 * Entries change as the header comment says; the counters are atomic
 * because faults update them under the shared lock, and they sit in a
 * cache line of their own so that a fault on one CPU does not take away
 * the line a walk on another reads @fmt and @root from.
 */
struct axas_pgtable {
	const struct axas_format *fmt;
	const struct axas_hal *hal;
	struct axas_geometry geo;
	unsigned int ia_bits;
	u32 cfg_flags;
	bool direct_map;
	u64 *root;
	phys_addr_t root_pa;
	atomic64_t pages ____cacheline_aligned_in_smp;
	atomic64_t table_pages;
	atomic64_t mapped[AXAS_LEAF_LEVELS];
};

/**
 * struct axas_tlb_range - what an operation must invalidate
 * @start: lowest guest address whose entry shrank.
 * @end: end of the highest such range; @start == @end when nothing did.
 */
struct axas_tlb_range {
	u64 start;
	u64 end;
};

/**
 * typedef axas_flush_fn_t - invalidate cached translations of a range now
 * @arg: the caller's context.
 * @start: first guest address.
 * @end: end of the range.
 */
typedef void (*axas_flush_fn_t)(void *arg, u64 start, u64 end);

/**
 * struct axas_yield - how a long structural walk lets faults in
 * @fn: drops the space lock, reschedules and retakes it; called between
 *	2 MiB entries. The walker keeps no entry value across it.
 * @arg: its argument.
 *
 * Only for walks whose writer keeps the other writers out meanwhile (the
 * space's change mutex): faults are then the only ones that run, and they
 * only fill empty entries.
 */
struct axas_yield {
	void (*fn)(void *arg);
	void *arg;
};

int axas_pgt_init(struct axas_pgtable *pgt, const struct axas_format *fmt,
		  const struct axas_hal *hal, unsigned int ia_bits);
void axas_pgt_destroy(struct axas_pgtable *pgt);

unsigned long axas_pgt_map_tables(const struct axas_pgtable *pgt, u64 addr,
				  u64 size, phys_addr_t pa, u32 flags);
unsigned long axas_pgt_map_pages_tables(const struct axas_pgtable *pgt,
					u64 addr, const phys_addr_t *pas,
					unsigned long nr, u32 flags);
unsigned long axas_pgt_split_tables(const struct axas_pgtable *pgt);

void axas_pgt_map(struct axas_pgtable *pgt, u64 addr, u64 size,
		  phys_addr_t pa, u32 flags, struct axas_mc *mc);
int axas_pgt_map_frames(struct axas_pgtable *pgt, u64 addr, u64 size,
			u32 flags, struct axas_mc *mc);
void axas_pgt_map_pages(struct axas_pgtable *pgt, u64 addr,
			const phys_addr_t *pas, unsigned long nr, u32 flags,
			struct axas_mc *mc);
void axas_pgt_zap(struct axas_pgtable *pgt, u64 addr, u64 size,
		  struct axas_mc *mc, axas_flush_fn_t flush, void *flush_arg,
		  struct axas_tlb_range *tlb, const struct axas_yield *yield);
void axas_pgt_reap(struct axas_pgtable *pgt, u64 addr, u64 size,
		   const struct axas_yield *yield);
void axas_pgt_protect(struct axas_pgtable *pgt, u64 addr, u64 size, u32 prot,
		      struct axas_mc *mc, axas_flush_fn_t flush, void *flush_arg,
		      struct axas_tlb_range *tlb, const struct axas_yield *yield);

/**
 * struct axas_leaf - a present leaf found by a walk
 * @pte: the entry.
 * @level: its level.
 * @pa: host address of the first byte the leaf maps.
 * @base: guest address of that byte.
 */
struct axas_leaf {
	u64 pte;
	unsigned int level;
	phys_addr_t pa;
	u64 base;
};

int axas_pgt_translate_pages(struct axas_pgtable *pgt, u64 addr,
			     unsigned long nr, phys_addr_t *hpas);
/* axas_pgt_fault_map(): a valid leaf was there already (spurious fault). */
#define AXAS_FAULT_PRESENT	1

int axas_pgt_fault_map(struct axas_pgtable *pgt, u64 addr, u32 flags,
		       struct axas_mc *mc);

int axas_pgt_walk_entries(struct axas_pgtable *pgt, u64 addr, u64 size,
			  axas_entry_fn_t fn, void *arg);

bool axas_pgt_lookup(const struct axas_pgtable *pgt, u64 addr,
		     struct axas_leaf *leaf, unsigned int *missing);
bool axas_pgt_relookup(const struct axas_pgtable *pgt, u64 addr,
		       struct axas_leaf *leaf);

#endif /* _AXADDRSPACE_PGTABLE_H */
