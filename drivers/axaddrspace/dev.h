/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/axaddrspace: what main.c and the ioctl code (dev.c, dev-region.c)
 * share.
 */
#ifndef _AXADDRSPACE_DEV_H
#define _AXADDRSPACE_DEV_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct axas_space;
struct mm_struct;
struct page;

/* Module parameters (main.c), read when a call needs them. */
extern unsigned int axas_max_spaces;
extern unsigned int axas_max_space_mb;
extern bool axas_test_hooks;

/* The file operations of /dev/axaddrspace (dev.c). */
extern const struct file_operations axas_dev_fops;

/**
 * enum axas_region_kind - how a guest range of a space fd was mapped
 * @AXAS_REGION_ALLOC: AXAS_MAP_ALLOC: frames the space allocates.
 * @AXAS_REGION_LINEAR: AXAS_MAP_LINEAR: raw host-physical memory.
 * @AXAS_REGION_USER: AXAS_SET_USER_REGION: pinned pages of a process.
 */
enum axas_region_kind {
	AXAS_REGION_ALLOC,
	AXAS_REGION_LINEAR,
	AXAS_REGION_USER,
};

/**
 * struct axas_pin - the pages one AXAS_SET_USER_REGION pinned
 * @ref: regions whose @pages point into this array.
 * @mm: the process whose RLIMIT_MEMLOCK the pages are counted in
 *	(mmgrab()'d); unpinned pages are uncounted from it.
 * @pages: one entry per 4 KiB page of the original region.
 */
struct axas_pin {
	refcount_t ref;
	struct mm_struct *mm;
	struct page **pages;
};

/**
 * struct axas_region - one mapped guest range, as the space fd sees it
 * @node: in &axas_dev_space.regions, sorted by @start.
 * @start: first guest address.
 * @end: end of the range.
 * @flags: current AXAS_READ/WRITE/EXEC (and AXAS_DEVICE for linear ranges).
 * @kind: &enum axas_region_kind.
 * @pin_write: user ranges: pinned with FOLL_WRITE.
 * @pin: user ranges: the pinned pages, shared by the pieces of one region.
 * @pages: user ranges: the page at @start, inside @pin->pages.
 *
 * The list mirrors the core's areas: the fd changes both together under
 * &axas_dev_space.lock, splitting records the way the core splits areas.
 */
struct axas_region {
	struct list_head node;
	u64 start;
	u64 end;
	u32 flags;
	u8 kind;
	bool pin_write;
	struct axas_pin *pin;
	struct page **pages;
};

/**
 * struct axas_dev_space - the private data of a space fd
 * @as: the address space.
 * @lock: serialises every call that maps, unmaps, protects or faults, and
 *	guards @regions and @pinned_pages.
 * @regions: &struct axas_region list, sorted and disjoint.
 * @pinned_pages: pages of user regions pinned now (read without @lock).
 * @format: AXAS_FORMAT_* the space was created with.
 * @ia_bits: its guest-physical width.
 * @base: first guest address of the space.
 * @end: end of the space.
 * @vcpu_ids: the vCPU ids taken (under @lock).
 */
struct axas_dev_space {
	struct axas_space *as;
	struct mutex lock;	/* see above */
	struct list_head regions;
	u64 pinned_pages;
	u32 format;
	u32 ia_bits;
	u64 base;
	u64 end;
	unsigned long vcpu_ids;
};

/* Spare records for the splits of one unmap or protect. */
#define AXAS_REGION_SPARES	2

struct axas_region *axas_region_first(struct axas_dev_space *ds, u64 start);
bool axas_region_free(struct axas_dev_space *ds, u64 start, u64 end);
bool axas_region_covered(struct axas_dev_space *ds, u64 start, u64 end);
bool axas_region_any(struct axas_dev_space *ds, u64 start, u64 end,
		     bool (*pred)(const struct axas_region *r));
void axas_region_insert(struct axas_dev_space *ds, struct axas_region *new);
int axas_region_spares_alloc(struct axas_region *spare[AXAS_REGION_SPARES]);
void axas_region_spares_free(struct axas_region *spare[AXAS_REGION_SPARES]);
void axas_region_unmap(struct axas_dev_space *ds, u64 start, u64 end,
		       struct axas_region *spare[AXAS_REGION_SPARES]);
void axas_region_protect(struct axas_dev_space *ds, u64 start, u64 end,
			 u32 prot,
			 struct axas_region *spare[AXAS_REGION_SPARES]);
void axas_region_release_all(struct axas_dev_space *ds);
int axas_dev_fault(struct axas_dev_space *ds, u64 gpa, u32 access,
		   bool *spurious);
long axas_region_set_user(struct axas_dev_space *ds, u64 gpa, u64 size,
			  unsigned long uaddr, u32 flags);

#endif /* _AXADDRSPACE_DEV_H */
