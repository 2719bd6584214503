/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An independent decoder of the nested page tables AXAS_DUMP returns,
 * shared by axasctl (to print them) and the selftest (as an oracle).
 *
 * It is written from the architecture manuals, not from the module: it
 * starts from the register AXAS_DUMP reports (EPTP, VTTBR_EL2 with
 * VTCR_EL2, hgatp), finds the root table among the records by physical
 * address and follows the entries down, decoding each format's bits.
 */
#ifndef AXAS_DECODE_H
#define AXAS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/axaddrspace.h>

#include "axas-tools.h"

#define AXD_MAX_LEVELS		5
#define AXD_PAGE_SHIFT		12
#define AXD_PAGE_SIZE		BIT_ULL(AXD_PAGE_SHIFT)
#define AXD_LEVEL_SHIFT(l)	(AXD_PAGE_SHIFT + 9 * (l))
#define AXD_LEVEL_SIZE(l)	(1ULL << AXD_LEVEL_SHIFT(l))

enum axd_kind {
	AXD_INVALID,	/* not valid / not present */
	AXD_TABLE,	/* points to a next-level table */
	AXD_LEAF,	/* maps memory */
	AXD_BAD,	/* valid but malformed for its level (see why) */
};

/* One table record of an AXAS_DUMP buffer. */
struct axd_table {
	uint64_t phys;
	uint64_t gpa;
	unsigned int level;
	unsigned int bytes;
	const uint64_t *ptes;
	unsigned int refs;	/* parent entries pointing at it */
};

/* What the root register (and VTCR_EL2) say. */
struct axd_root {
	uint64_t phys;		/* root table */
	unsigned int top_level;	/* level of the root entries, 0 = 4K */
	unsigned int entries;	/* root entries the width needs */
	unsigned int ia_bits;	/* width the registers encode */
	unsigned int vmid;	/* 0 for EPT and NPT (none in EPTP, nCR3) */
	unsigned int memtype;	/* EPT: EPTP memory type */
	bool ad;		/* EPT: A/D flags enabled */
	char desc[160];		/* readable summary */
};

struct axd_dump {
	unsigned int format;
	unsigned int ia_bits;
	uint64_t root_reg;
	uint64_t ctl;
	struct axd_root root;
	unsigned int nr;
	struct axd_table *tables;	/* in buffer order; [0] is the root */
	unsigned int *by_phys;		/* indices sorted by phys */
	char err[256];
};

/* One decoded entry. */
struct axd_entry {
	uint64_t raw;
	uint64_t gpa;		/* first guest address it covers */
	uint64_t size;		/* bytes it covers */
	uint64_t pa;		/* table or first byte of the leaf */
	unsigned int level;
	unsigned int index;
	enum axd_kind kind;
	uint32_t flags;		/* AXAS_MEM_READ/WRITE/EXEC/DEVICE */
	bool pa_known;		/* false in trees built from TRANSLATE */
	const char *why;	/* AXD_BAD: what is wrong */
	char attrs[96];		/* format-specific attributes, readable */
};

const char *axd_format_name(unsigned int format);

/* Root table geometry the hardware implies for a format and width. */
int axd_geometry(unsigned int format, unsigned int ia_bits,
		 unsigned int *top_level, unsigned int *entries);

/* Decode the root register; 0 or -1 with @err filled. */
int axd_decode_root(unsigned int format, unsigned int ia_bits, uint64_t reg,
		    uint64_t ctl, struct axd_root *root, char *err,
		    size_t errlen);

/* Decode one raw entry of @format at @level. */
void axd_decode_entry(unsigned int format, uint64_t raw, unsigned int level,
		      struct axd_entry *e);

/*
 * Parse the records of an AXAS_DUMP buffer and check their framing (sizes,
 * the root record matching the root register). 0, or -1 with d->err.
 */
int axd_parse(struct axd_dump *d, unsigned int format, unsigned int ia_bits,
	      const struct axas_dump *arg, const void *buf);
void axd_free(struct axd_dump *d);

/* The record of the table at @phys, or NULL. */
struct axd_table *axd_find(const struct axd_dump *d, uint64_t phys);

typedef int (*axd_walk_fn)(void *arg, const struct axd_entry *e,
			   unsigned int depth);

/*
 * Visit every valid entry, tables before what they point to, in guest
 * address order. Checks that every table entry points to a record of the
 * right level and guest address, and, after the walk, that every record
 * but the root is pointed to exactly once. Returns the callback's non-zero
 * value, -1 with d->err on a structural error, else 0.
 */
int axd_walk(struct axd_dump *d, axd_walk_fn fn, void *arg);

/*
 * Translate @gpa through the dumped tables. 0 with the leaf in @e,
 * -ENOENT when nothing maps it, -ERANGE when the root cannot reach it,
 * -EIO on a malformed entry or a table missing from the dump.
 */
int axd_translate(const struct axd_dump *d, uint64_t gpa,
		  struct axd_entry *e);

/* "R W - D" style flags. */
void axd_flags_str(uint32_t flags, char *buf, size_t len);
/* "4K", "2M", "1G", "512G". */
const char *axd_size_str(uint64_t size, char *buf, size_t len);
/*
 * "EINVAL" for EINVAL, "ok" for 0, "errno N" otherwise (in one of four
 * rotating buffers, so a message may hold a few).
 */
const char *axd_errname(int err);

#endif /* AXAS_DECODE_H */
