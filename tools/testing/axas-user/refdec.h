/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference decoders of the four nested page-table formats, written from
 * the architecture manuals and independent of the core: they start from
 * the register values axas_hw_regs() reports and read raw table memory
 * (physical address == virtual address in this build). Besides what the
 * hardware would do they check what the core promises about its encodings
 * (see refdec.c) and report any deviation as malformed.
 */
#ifndef _AXAS_USER_REFDEC_H
#define _AXAS_USER_REFDEC_H

#include <linux/types.h>
#include <axaddrspace/axaddrspace.h>

/**
 * struct refdec_leaf - a translation as hardware would perform it
 * @hpa: output address of the translated byte.
 * @flags: AXAS_READ/WRITE/EXEC as hardware would allow (every level
 *	combined), AXAS_DEVICE from the memory type (never on G-stage, which
 *	has no memory type without Svpbmt).
 * @size: bytes the leaf maps.
 * @level: 0 for 4 KiB, 1 for 2 MiB, 2 for 1 GiB.
 */
struct refdec_leaf {
	u64 hpa;
	u32 flags;
	u64 size;
	unsigned int level;
};

/**
 * struct refdec_geo - what the registers say about the walk
 * @ia_bits: guest-physical width the walk covers.
 * @oa_bits: output (host-physical) address width.
 * @levels: levels walked (the root's level is @levels - 1).
 * @root_pa: address of the root table.
 * @root_entries: entries of the root.
 * @root_pages: 4 KiB pages the root spans (at least one).
 * @vmid: the VMID field (0 for EPT and NPT, which have none).
 */
struct refdec_geo {
	unsigned int ia_bits;
	unsigned int oa_bits;
	unsigned int levels;
	u64 root_pa;
	unsigned int root_entries;
	unsigned int root_pages;
	unsigned int vmid;
};

/* Decode the registers; 0 or -EIO with *@why set. */
int refdec_regs(u32 format, const struct axas_hw_regs *regs,
		struct refdec_geo *geo, const char **why);

/*
 * Translate @gpa: 0 with *@out, -ENOENT for a translation fault (no valid
 * leaf), -ERANGE beyond the width, -EIO for anything malformed, with *@why
 * saying what.
 */
int refdec_translate(u32 format, const struct axas_hw_regs *regs, u64 gpa,
		     struct refdec_leaf *out, const char **why);

/*
 * The raw entry the walk of @gpa ends at (a leaf, or the first invalid
 * entry) and its level; 0, -ERANGE or -EIO.
 */
int refdec_entry(u32 format, const struct axas_hw_regs *regs, u64 gpa,
		 u64 *pte, unsigned int *level, const char **why);

/*
 * Call @fn for every table below the root: its address, the first guest
 * address it maps and the level of its entries. Reads no 4 KiB-level
 * table, so it is cheap however many leaves there are. Returns 0, -EIO
 * or what @fn returned.
 */
int refdec_tables(u32 format, const struct axas_hw_regs *regs,
		  int (*fn)(void *arg, u64 pa, u64 gpa, unsigned int level),
		  void *arg);

/**
 * struct refdec_scan - a walk of the whole table
 * @leaf: called for every valid leaf, in address order; non-zero stops.
 * @arg: its argument.
 * @table_pages: pages of table memory reachable, root included.
 * @tables: tables reachable below the root, per level of their entries.
 * @leaves: valid leaves per level.
 * @empty_tables: reachable tables with no valid entry.
 * @stale: invalid entries that are not all-zero (the core zeroes every
 *	entry it retires before an operation returns).
 * @why: what was malformed, when the scan returned -EIO.
 * @where: guest address of the malformed entry.
 */
struct refdec_scan {
	int (*leaf)(void *arg, u64 gpa, const struct refdec_leaf *leaf);
	void *arg;
	u64 table_pages;
	u64 tables[5];
	u64 leaves[3];
	u64 empty_tables;
	u64 stale;
	const char *why;
	u64 where;
};

/* Returns 0, -EIO (malformed) or what @leaf returned. */
int refdec_scan(u32 format, const struct axas_hw_regs *regs,
		struct refdec_scan *scan);

#endif
