/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A space under test beside a flat model of it: one entry per 4 KiB page
 * of the space, with its state, host address, flags and the size of the
 * leaf that maps it. Every operation is predicted on the model, performed
 * on the space, and the two compared: return codes, statistics, the
 * translations of the pages involved (through axas_translate() and the
 * reference decoder), TLB flushes, HAL and kmalloc balances.
 */
#ifndef _AXAS_USER_MODEL_H
#define _AXAS_USER_MODEL_H

#include <linux/types.h>
#include <axaddrspace/axaddrspace.h>

#include "axas-user.h"
#include "u64map.h"

#define M_PAGE		4096ULL
#define M_SZ(l)		(1ULL << (12 + 9 * (l)))
#define M_2M		M_SZ(1)
#define M_1G		M_SZ(2)

enum m_state {
	M_FREE,		/* no area */
	M_LINEAR,	/* linear area: mapped */
	M_LAZY,		/* alloc area, not faulted yet */
	M_PRESENT,	/* alloc area, frame mapped (owned) */
	M_PAGES,	/* pages area: the caller's frame, mapped */
};

struct m_page {
	u64 hpa;
	u8 state;
	u8 flags;	/* AXAS_READ/WRITE/EXEC/DEVICE */
	u8 level;	/* of the leaf, when mapped */
};

#define M_HIST	8

struct sess {
	/* configuration */
	u32 format;
	u32 ia_bits;
	char name[48];
	u64 seed;
	struct axas_uhal *uh;
	struct axas_space *as;
	struct axas_hw_regs regs;

	/* the space is the window: [base, end), with a 1 GiB region at g1 */
	u64 base, end, g1;
	u64 pa_limit;		/* first host address the format cannot hold */
	unsigned int top_level;
	unsigned int max_leaf;
	u64 root_pages;

	/* the model */
	struct m_page *pg;
	size_t npages;
	u64 mapped[3];
	u64 data_pages;
	u64 faults;
	u64 spurious;
	struct u64map frames;	/* owned frame hpa -> gpa */
	/*
	 * Tables the leaves need, kept up to date page by page: for each
	 * level k and block of the size a level-k table covers, how many
	 * mapped pages in it have a leaf at level k or below.
	 */
	struct u64map tcount;
	u64 tables;		/* blocks with a non-zero count */

	/* what the current operation did */
	unsigned long flushes;	/* axas_arch_flush() calls on this space */
	u64 splits;		/* valid blocks the model split */
	u64 chg_start, chg_end;	/* hull of leaves removed or changed */
	u64 flush_lo, flush_hi;	/* hull of the flushes of the operation */

	/* the TLB protocol, checked while an operation runs */
	bool in_op;
	struct u64map op_tables;	/* table pa -> gpa | level, before */
	struct {
		u64 start, end;
		bool bbm;		/* shaped like a block being split */
		bool broken;		/* its entry invalid at the flush */
	} flog[64];
	unsigned int nr_flog;

	/* checking */
	int last_ret;		/* of the last map/unmap/protect/fault */
	bool inject;		/* -ENOMEM is an acceptable outcome */
	unsigned long opno;
	unsigned long nr_ops;
	unsigned long full_every;
	char hist[M_HIST][160];
	bool failed;
	u64 rng;
	u64 recent[16];		/* endpoints of recent operations */
	unsigned int nr_recent;
};

/* Host RAM that linear areas may map (read/write reach it). */
extern char *m_host;
extern size_t m_host_size;
void m_host_init(void);

/* @place: 0 low in the width, 1 at its top, 2 across 512 GiB. */
bool sess_init(struct sess *s, u32 format, u32 ia_bits, int place,
	       struct axas_uhal *uh, u64 seed);
/* Destroy the space; checks that nothing leaked. */
bool sess_fini(struct sess *s);

__printf(2, 3) bool sess_fail(struct sess *s, const char *fmt, ...);

/* Operations: predict, perform, compare. False on any mismatch. */
bool op_map_linear(struct sess *s, u64 gpa, u64 hpa, u64 size, u32 flags);
bool op_map_alloc(struct sess *s, u64 gpa, u64 size, u32 flags,
		  bool populate);
/* @pas: @nr host addresses, one per page; the space must never free them. */
bool op_map_pages(struct sess *s, u64 gpa, const u64 *pas, unsigned long nr,
		  u32 flags);
bool op_unmap(struct sess *s, u64 gpa, u64 size);
bool op_protect(struct sess *s, u64 gpa, u64 size, u32 prot);
bool op_fault(struct sess *s, u64 gpa, u32 access);
bool op_translate(struct sess *s, u64 gpa);
bool op_translate_limit(struct sess *s, u64 gpa);
bool op_read(struct sess *s, u64 gpa, size_t len);
bool op_write(struct sess *s, u64 gpa, size_t len);
bool op_clear(struct sess *s);

/* Everything: the table walked by the reference decoder vs the model. */
bool sess_full_check(struct sess *s, bool translate_all);

/* Random operation sequences. */
u64 m_rand(struct sess *s);
bool sess_random_ops(struct sess *s, unsigned long nr);

#endif
