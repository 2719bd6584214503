/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test support shared by the axaddrspace KUnit suites: the configurations
 * every suite runs over, a test HAL that counts and can fail allocations,
 * and reference decoders of the four hardware formats.
 *
 * The decoders are an independent oracle: they are written from the
 * architecture manuals, start from nothing but the register values
 * axas_hw_regs() reports, and read table memory through the HAL's
 * phys_to_virt. They never look at the core's internal headers.
 */
#ifndef _AXADDRSPACE_KUNIT_REFDEC_H
#define _AXADDRSPACE_KUNIT_REFDEC_H

#include <linux/atomic.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <kunit/test.h>

#include <axaddrspace/axaddrspace.h>

#define AXAS_KT_PAGE		SZ_4K
#define AXAS_KT_MAX_LEVELS	5
#define AXAS_KT_LEAF_SIZE(l)	(1ULL << (12 + 9 * (l)))

/* Level of a 4 KiB, 2 MiB or 1 GiB leaf. */
static inline unsigned int axas_kt_leaf_level(u64 size)
{
	return size >= SZ_1G ? 2 : size >= SZ_2M ? 1 : 0;
}

/**
 * struct axas_kt_cfg - one configuration the suites run over
 * @format: &enum axas_format_id.
 * @ia_bits: guest-physical address width.
 * @desc: readable name for the parameterised case.
 */
struct axas_kt_cfg {
	u32 format;
	u32 ia_bits;
	const char *desc;
};

/* Every {format, width} configuration the core must support. */
const void *axas_kt_cfg_params(const void *prev, char *desc);
/* One configuration per format, for the expensive suites. */
const void *axas_kt_fmt_params(const void *prev, char *desc);

/* Pages of the root table the core promises for a configuration. */
unsigned int axas_kt_cfg_root_pages(const struct axas_kt_cfg *cfg);
/* Level of the root entries it promises (0: the 4 KiB page level). */
unsigned int axas_kt_cfg_top_level(const struct axas_kt_cfg *cfg);
/* The largest leaf that fits below that root: 1 GiB, or 2 MiB. */
u64 axas_kt_cfg_max_leaf(const struct axas_kt_cfg *cfg);

/**
 * struct axas_kt_hal - a HAL that keeps books
 * @hal: what the space under test is given.
 * @test: the test it belongs to (for cleanup expectations).
 * @pages: pfn -> owner, for every page the HAL or the test handed out.
 * @alloc_calls: calls to alloc since the last axas_kt_hal_arm().
 * @fail_at: the alloc call (counting from 1) that fails; 0: none.
 * @failed: allocations refused by @fail_at.
 * @allocs: successful allocations over the HAL's life.
 * @frees: frees over the HAL's life.
 * @live_pages: pages currently allocated through the HAL.
 * @bad_calls: free, virt_to_phys or phys_to_virt of memory the HAL did
 *	not hand out, or frees with the wrong order.
 * @atomic_allocs: alloc calls made where sleeping is not allowed.
 */
struct axas_kt_hal {
	struct axas_hal hal;
	struct kunit *test;
	struct xarray pages;
	atomic_t alloc_calls;
	atomic_t fail_at;
	atomic_t failed;
	atomic_long_t allocs;
	atomic_long_t frees;
	atomic_long_t live_pages;
	atomic_t bad_calls;
	atomic_t atomic_allocs;
};

struct axas_kt_hal *axas_kt_hal_create(struct kunit *test);
/* Fail alloc call number @nth from now on (0: never); resets the count. */
void axas_kt_hal_arm(struct axas_kt_hal *th, unsigned int nth);
/* Expect no bad or atomic allocation/free so far. */
void axas_kt_hal_expect_sane(struct kunit *test, struct axas_kt_hal *th);

/*
 * Memory the test owns (not counted as HAL allocations), visible through
 * the HAL's phys_to_virt so that linear maps of it can be read and written.
 * Freed when the test ends.
 */
void *axas_kt_host_alloc(struct kunit *test, struct axas_kt_hal *th,
			 unsigned int order, phys_addr_t *pa);

/* A space over @cfg destroyed when the test ends; asserts success. */
struct axas_space *axas_kt_space_create(struct kunit *test,
					struct axas_kt_hal *th,
					const struct axas_kt_cfg *cfg,
					u64 base, u64 size, u32 flags);

/**
 * struct axas_kt_root - what the registers say about a table
 * @format: &enum axas_format_id, given by the caller.
 * @ia_bits: input address width the registers select.
 * @top_level: level of the root entries (0: the 4 KiB page level).
 * @root_entries: entries in the (possibly concatenated) root.
 * @root_pages: pages the root spans.
 * @root_pa: physical address of the root.
 * @oa_bits: output address width (Stage-2 VTCR_EL2.PS; others 52/56).
 * @vmid: VMID the register carries (EPT, NPT: none, 0).
 * @ept_ad: EPTP accessed/dirty enable.
 */
struct axas_kt_root {
	u32 format;
	unsigned int ia_bits;
	unsigned int top_level;
	unsigned int root_entries;
	unsigned int root_pages;
	phys_addr_t root_pa;
	unsigned int oa_bits;
	u16 vmid;
	bool ept_ad;
};

/* Decode @regs; 0, or -EINVAL with the broken rule in @why. */
int axas_kt_decode_regs(u32 format, const struct axas_hw_regs *regs,
			struct axas_kt_root *root, const char **why);

/* axas_hw_regs() + axas_kt_decode_regs(), asserting the registers are valid. */
void axas_kt_root_of(struct kunit *test, struct axas_space *as, u32 format,
		     struct axas_kt_root *root);

enum axas_kt_status {
	AXAS_KT_NONE,	/* the walk ends at an invalid entry */
	AXAS_KT_LEAF,	/* a valid leaf maps the address */
	AXAS_KT_BAD,	/* an entry breaks the manual or the core's promise */
};

/**
 * struct axas_kt_walk - result of a reference walk
 * @status: &enum axas_kt_status.
 * @why: for AXAS_KT_BAD, the rule broken.
 * @level: level of the last entry read.
 * @pte: the last entry read.
 * @size: bytes the leaf maps.
 * @hpa: host-physical address of the walked byte.
 * @prot: AXAS_READ/WRITE/EXEC of the leaf, plus AXAS_DEVICE where the
 *	format encodes the memory type (not on G-stage).
 * @ptes: the entry read at each level on the way down.
 * @tables: the table read at each level on the way down.
 */
struct axas_kt_walk {
	enum axas_kt_status status;
	const char *why;
	unsigned int level;
	u64 pte;
	u64 size;
	phys_addr_t hpa;
	u32 prot;
	u64 ptes[AXAS_KT_MAX_LEVELS];
	phys_addr_t tables[AXAS_KT_MAX_LEVELS];
};

void axas_kt_walk(const struct axas_hal *hal, const struct axas_kt_root *root,
		  u64 gpa, struct axas_kt_walk *w);

/* Mask of an entry's software bits, which the core may use freely. */
u64 axas_kt_sw_bits(u32 format);
/* The exact leaf entry (software bits excluded) the core promises. */
u64 axas_kt_expected_leaf(u32 format, unsigned int level, phys_addr_t pa,
			  u32 flags);
/* AXAS_DEVICE when the format encodes the memory type in its entries. */
u32 axas_kt_hw_prot_mask(u32 format);

/**
 * struct axas_kt_scan - a walk of the whole tree
 * @tables: table pages reachable from the root, root pages included.
 * @empty_tables: non-root tables without one valid entry.
 * @leaves: valid leaves.
 * @leaf_bytes: bytes mapped by valid leaves of each size.
 * @bad: entries that break a rule.
 * @why: the first rule broken.
 * @bad_gpa: where.
 */
struct axas_kt_scan {
	u64 tables;
	u64 empty_tables;
	u64 leaves;
	u64 leaf_bytes[AXAS_LEAF_LEVELS];
	u64 bad;
	const char *why;
	u64 bad_gpa;
};

void axas_kt_scan(const struct axas_hal *hal, const struct axas_kt_root *root,
		  struct axas_kt_scan *s);

/*
 * Scan the tree and expect it to agree with the stats: no bad entry, no
 * empty table left behind, table_pages == reachable tables, mapped[] ==
 * leaf bytes, and the HAL's live pages == table_pages + data_pages.
 */
bool axas_kt_expect_consistent(struct kunit *test, struct axas_kt_hal *th,
			       struct axas_space *as,
			       const struct axas_kt_root *root);

/*
 * Expect translate and the reference walk to agree that @gpa maps to @hpa
 * with @flags in a leaf of @leaf_size (0: any size); hpa == -1: unmapped.
 */
bool axas_kt_expect_map(struct kunit *test, struct axas_kt_hal *th,
			struct axas_space *as, const struct axas_kt_root *root,
			u64 gpa, phys_addr_t hpa, u32 flags, u64 leaf_size);

#define AXAS_KT_UNMAPPED	((phys_addr_t)-1)

/**
 * struct axas_kt_range - addresses to look at: start, start + step, ...
 * @start: first address.
 * @end: end of the range.
 * @step: distance between two addresses.
 */
struct axas_kt_range {
	u64 start;
	u64 end;
	u64 step;
};

struct axas_kt_snap;

/*
 * Record what translate, the reference walk, the stats and the HAL say
 * about @nr ranges of @as; compare two records. Freed with the test, or
 * earlier by axas_kt_snap_free().
 */
struct axas_kt_snap *axas_kt_snap_take(struct kunit *test,
				       struct axas_kt_hal *th,
				       struct axas_space *as,
				       const struct axas_kt_root *root,
				       const struct axas_kt_range *r,
				       unsigned int nr);
bool axas_kt_snap_expect_same(struct kunit *test,
			      const struct axas_kt_snap *before,
			      const struct axas_kt_snap *after);
void axas_kt_snap_free(struct kunit *test, struct axas_kt_snap *snap);

/* A small self-contained PRNG (xorshift64*), reproducible from its seed. */
struct axas_kt_rng {
	u64 state;
};

static inline void axas_kt_rng_seed(struct axas_kt_rng *r, u64 seed)
{
	r->state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline u64 axas_kt_rng_next(struct axas_kt_rng *r)
{
	u64 x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for n much smaller than 2^32. */
static inline u32 axas_kt_rng_below(struct axas_kt_rng *r, u32 n)
{
	return (u32)(((axas_kt_rng_next(r) >> 32) * n) >> 32);
}

#endif /* _AXADDRSPACE_KUNIT_REFDEC_H */
