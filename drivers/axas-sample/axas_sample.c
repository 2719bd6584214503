// SPDX-License-Identifier: GPL-2.0
/*
 * axas_sample: a kernel client of axaddrspace, through its exported API
 * only (namespace AXADDRSPACE), the way a research hypervisor module would
 * use it.
 *
 * On load it builds a space in each of the four formats and maps memory
 * of every kind into it: a kernel page by linear map, frames the space
 * allocates (eagerly, and lazily on a fault), and pages of its own by
 * map_pages (a 2 MiB block and a few single pages). It faults, writes,
 * reads, translates, protects, unmaps and destroys, checks every result,
 * and prints one line per check:
 *
 *	axas_sample: ok 7 - ept: translate the linear page
 *	axas_sample: not ok 8 - ...
 *
 * then "axas_sample: N passed, N failed". Loading fails with -EINVAL when
 * any check failed, so a harness sees it in insmod's status. Everything
 * is freed before init returns; unloading has nothing to do.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <axaddrspace/axaddrspace.h>

/* Guest addresses of the four areas, each 2 MiB aligned. */
#define GPA_LINEAR	0x00200000ULL
#define GPA_EAGER	0x00400000ULL
#define GPA_LAZY	0x00600000ULL
#define GPA_PAGES	0x00800000ULL

/* 2 MiB: one block of the page allocator, 512 pages of the space. */
#define BLOCK_ORDER	get_order(SZ_2M)
#define BLOCK_PAGES	(SZ_2M / SZ_4K)
#define NR_SINGLE	3
#define NR_PAGES	(BLOCK_PAGES + NR_SINGLE)

#define RW		(AXAS_READ | AXAS_WRITE)

static unsigned int axas_sample_passed, axas_sample_failed;

static __printf(2, 3) bool check(bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (ok)
		axas_sample_passed++;
	else
		axas_sample_failed++;
	pr_info("%s %u - %pV\n", ok ? "ok" : "not ok",
		axas_sample_passed + axas_sample_failed, &vaf);
	va_end(args);
	return ok;
}

/**
 * struct sample_mem - memory the sample owns and lends to the spaces
 * @linear: one page for the linear area.
 * @block: 2 MiB for map_pages, naturally aligned.
 * @single: single pages for map_pages.
 * @pas: host addresses of @block's pages, then of @single's.
 */
struct sample_mem {
	struct page *linear;
	struct page *block;
	struct page *single[NR_SINGLE];
	phys_addr_t pas[NR_PAGES];
};

static int sample_mem_alloc(struct sample_mem *mem)
{
	unsigned int i;

	mem->linear = alloc_page(GFP_KERNEL | __GFP_ZERO);
	mem->block = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
				 BLOCK_ORDER);
	for (i = 0; i < NR_SINGLE; i++)
		mem->single[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!mem->linear || !mem->block)
		return -ENOMEM;
	for (i = 0; i < NR_SINGLE; i++)
		if (!mem->single[i])
			return -ENOMEM;
	for (i = 0; i < BLOCK_PAGES; i++)
		mem->pas[i] = page_to_phys(mem->block) + i * SZ_4K;
	for (i = 0; i < NR_SINGLE; i++)
		mem->pas[BLOCK_PAGES + i] = page_to_phys(mem->single[i]);
	return 0;
}

static void sample_mem_free(struct sample_mem *mem)
{
	unsigned int i;

	if (mem->linear)
		__free_page(mem->linear);
	if (mem->block)
		__free_pages(mem->block, BLOCK_ORDER);
	for (i = 0; i < NR_SINGLE; i++)
		if (mem->single[i])
			__free_page(mem->single[i]);
}

static bool xlate_is(struct axas_space *as, u64 gpa, phys_addr_t hpa,
		     u32 flags, u64 leaf_size)
{
	struct axas_translation t;

	return !axas_translate(as, gpa, &t) && t.hpa == hpa &&
	       t.flags == flags && t.leaf_size == leaf_size;
}

static int count_leaf(void *arg, const struct axas_entry *e)
{
	unsigned int *leaves = arg;

	if (!e->table)
		(*leaves)++;
	return 0;
}

/**
 * struct sample_fmt - one format the sample exercises
 * @format: &enum axas_format_id.
 * @ia_bits: its guest-physical width.
 * @name: what axas_format_name() must say.
 */
struct sample_fmt {
	u32 format;
	u32 ia_bits;
	const char *name;
};

/*
 * Only the format this CPU walks can have native invalidation: on x86,
 * EPT (VMX) or AMD NPT (SVM, whose flush reaches guests at VMRUN).
 */
#if defined(CONFIG_X86_64)
#define SAMPLE_NATIVE_FMT	AXAS_FMT_EPT
#define SAMPLE_NATIVE_FMT2	AXAS_FMT_AMD_NPT
#elif defined(CONFIG_ARM64)
#define SAMPLE_NATIVE_FMT	AXAS_FMT_ARM_S2
#elif defined(CONFIG_RISCV)
#define SAMPLE_NATIVE_FMT	AXAS_FMT_RISCV_GSTAGE
#else
#define SAMPLE_NATIVE_FMT	AXAS_FMT_COUNT
#endif
#ifndef SAMPLE_NATIVE_FMT2
#define SAMPLE_NATIVE_FMT2	SAMPLE_NATIVE_FMT
#endif

static const struct sample_fmt sample_fmts[] = {
	{ AXAS_FMT_EPT, 48, "ept" },
	{ AXAS_FMT_ARM_S2, 40, "arm-s2" },
	{ AXAS_FMT_RISCV_GSTAGE, 41, "riscv-gstage" },
	{ AXAS_FMT_AMD_NPT, 48, "amd-npt" },
};

static void sample_linear(struct axas_space *as, const char *fn,
			  struct sample_mem *mem)
{
	phys_addr_t pa = page_to_phys(mem->linear);
	static const char msg[] = "axas_sample linear";
	char buf[sizeof(msg)] = "";
	u64 len = 0;

	check(!axas_map_linear(as, GPA_LINEAR, pa, SZ_4K, RW),
	      "%s: map a kernel page linearly", fn);
	check(xlate_is(as, GPA_LINEAR + 0x123, pa + 0x123, RW, SZ_4K),
	      "%s: translate the linear page", fn);
	check(!axas_translate_limit(as, GPA_LINEAR, &len) && len == SZ_4K,
	      "%s: translate_limit is one page", fn);
	check(!axas_write(as, GPA_LINEAR + 100, msg, sizeof(msg)) &&
	      !memcmp(page_address(mem->linear) + 100, msg, sizeof(msg)),
	      "%s: write through the linear area lands in the page", fn);
	check(!axas_read(as, GPA_LINEAR + 100, buf, sizeof(buf)) &&
	      !memcmp(buf, msg, sizeof(msg)),
	      "%s: read it back", fn);
	check(axas_map_linear(as, GPA_LINEAR, pa, SZ_4K, RW) == -EEXIST,
	      "%s: mapping it again is -EEXIST", fn);
}

static void sample_alloc(struct axas_space *as, const char *fn)
{
	static const u8 pattern[4] = { 0xde, 0xad, 0xbe, 0xef };
	u8 buf[sizeof(pattern)] = { 1, 2, 3, 4 };
	struct axas_translation t;

	check(!axas_map_alloc(as, GPA_EAGER, SZ_8K, RW, true),
	      "%s: map_alloc eager", fn);
	check(!axas_translate(as, GPA_EAGER + SZ_4K, &t) &&
	      t.leaf_size == SZ_4K && t.flags == RW,
	      "%s: eager frames are mapped", fn);
	check(!axas_read(as, GPA_EAGER + SZ_4K - 2, buf, sizeof(buf)) &&
	      !memchr_inv(buf, 0, sizeof(buf)),
	      "%s: eager frames read as zeros", fn);
	check(!axas_write(as, GPA_EAGER + SZ_4K - 2, pattern, sizeof(pattern)) &&
	      !axas_read(as, GPA_EAGER + SZ_4K - 2, buf, sizeof(buf)) &&
	      !memcmp(buf, pattern, sizeof(pattern)),
	      "%s: write and read across two frames", fn);

	check(!axas_map_alloc(as, GPA_LAZY, SZ_8K, RW, false),
	      "%s: map_alloc lazy", fn);
	check(axas_translate(as, GPA_LAZY, &t) == -ENOENT &&
	      axas_read(as, GPA_LAZY, buf, 1) == -EFAULT,
	      "%s: lazy page absent before its fault", fn);
	check(!axas_handle_fault(as, GPA_LAZY + 0x10, AXAS_WRITE) &&
	      !axas_translate(as, GPA_LAZY, &t) && t.flags == RW,
	      "%s: a write fault installs a frame", fn);
	check(!axas_handle_fault(as, GPA_LAZY + 0x20, AXAS_READ),
	      "%s: a second fault on it is spurious", fn);
	check(axas_handle_fault(as, GPA_LAZY + SZ_4K, AXAS_EXEC) == -EACCES,
	      "%s: an exec fault on a RW area is -EACCES", fn);
	check(axas_handle_fault(as, SZ_1G - SZ_4K, AXAS_READ) == -ENOENT,
	      "%s: a fault where nothing is mapped is -ENOENT", fn);
}

static void sample_pages(struct axas_space *as, const char *fn,
			 struct sample_mem *mem)
{
	static const char msg[] = "across the 2 MiB leaf";
	const u64 at = GPA_PAGES + SZ_2M - 8;
	char buf[sizeof(msg)] = "";
	u8 *single = page_address(mem->single[0]);
	u8 *block = page_address(mem->block);
	struct axas_translation t;

	check(!axas_map_pages(as, GPA_PAGES, mem->pas, NR_PAGES, RW),
	      "%s: map_pages of a 2 MiB block and %u pages", fn, NR_SINGLE);
	check(xlate_is(as, GPA_PAGES + 0x5000, mem->pas[5], RW, SZ_2M),
	      "%s: the block is one 2 MiB leaf", fn);
	check(xlate_is(as, GPA_PAGES + SZ_2M + 9, mem->pas[BLOCK_PAGES] + 9, RW,
		       SZ_4K),
	      "%s: single pages are 4 KiB leaves", fn);
	check(!axas_write(as, at, msg, sizeof(msg)) &&
	      !memcmp(block + SZ_2M - 8, msg, 8) &&
	      !memcmp(single, msg + 8, sizeof(msg) - 8),
	      "%s: a write across the leaves lands in the sample's pages", fn);
	check(!axas_read(as, at, buf, sizeof(buf)) &&
	      !memcmp(buf, msg, sizeof(msg)),
	      "%s: read it back", fn);
	check(!axas_handle_fault(as, GPA_PAGES, AXAS_READ),
	      "%s: a fault on a present page is spurious", fn);

	check(!axas_unmap(as, GPA_PAGES + SZ_4K, SZ_4K) &&
	      xlate_is(as, GPA_PAGES, mem->pas[0], RW, SZ_4K) &&
	      axas_translate(as, GPA_PAGES + 0x1800, &t) == -ENOENT,
	      "%s: unmapping one page splits the 2 MiB leaf", fn);
	check(!axas_protect(as, GPA_PAGES + SZ_8K, SZ_4K, AXAS_READ) &&
	      xlate_is(as, GPA_PAGES + SZ_8K, mem->pas[2], AXAS_READ, SZ_4K) &&
	      axas_handle_fault(as, GPA_PAGES + SZ_8K, AXAS_WRITE) == -EACCES,
	      "%s: protect makes a page read-only", fn);
}

static void sample_format(const struct sample_fmt *f, bool default_hal)
{
	struct axas_space_cfg cfg = {
		.format = f->format,
		.ia_bits = f->ia_bits,
		.size = SZ_1G,
		.hal = default_hal ? &axas_default_hal : NULL,
	};
	struct sample_mem *mem;
	const char *fn = f->name;
	struct axas_hw_regs regs;
	unsigned int leaves = 0;
	struct axas_stats st;
	u8 byte;
	struct axas_space *as;
	const char *name;

	name = axas_format_name(f->format);
	check(name && !strcmp(name, f->name), "%s: axas_format_name", fn);
	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!check(mem && !sample_mem_alloc(mem),
		   "%s: allocate the sample's pages", fn))
		goto out_free;

	as = axas_space_create(&cfg);
	if (!check(!IS_ERR(as), "%s: create a %u-bit space%s", fn, f->ia_bits,
		   default_hal ? " with axas_default_hal" : ""))
		goto out_free;
	axas_hw_regs(as, &regs);
	check(axas_vmid(as) && regs.root, "%s: VMID %u, root register %#llx",
	      fn, axas_vmid(as), regs.root);
	check(!axas_tlb_native(as) || f->format == SAMPLE_NATIVE_FMT ||
	      f->format == SAMPLE_NATIVE_FMT2,
	      "%s: TLB invalidation is %s", fn,
	      axas_tlb_native(as) ? "native" : "bookkeeping only");

	sample_linear(as, fn, mem);
	sample_alloc(as, fn);
	sample_pages(as, fn, mem);

	axas_get_stats(as, &st);
	check(st.data_pages == 3 && st.faults == 1 && st.spurious_faults == 2,
	      "%s: stats: %llu frames, %llu faults, %llu spurious", fn,
	      st.data_pages, st.faults, st.spurious_faults);
	check(!axas_walk_entries(as, 0, SZ_1G, count_leaf, &leaves) &&
	      leaves == 1 + 2 + 1 + (BLOCK_PAGES - 1) + NR_SINGLE,
	      "%s: walk_entries finds %u leaves", fn, leaves);

	check(!axas_unmap(as, GPA_EAGER, SZ_8K) &&
	      axas_read(as, GPA_EAGER, &byte, 1) == -EFAULT,
	      "%s: unmap the eager area", fn);
	check(axas_unmap(as, GPA_PAGES, SZ_8K) == -ENOENT,
	      "%s: unmap over a hole is -ENOENT", fn);
	axas_clear(as);
	axas_get_stats(as, &st);
	check(!st.data_pages && !st.mapped[0] && !st.mapped[1] &&
	      !st.mapped[2],
	      "%s: clear unmaps everything", fn);
	check(!axas_map_pages(as, GPA_PAGES, mem->pas, NR_PAGES, RW),
	      "%s: map the pages again before destroying", fn);
	axas_space_destroy(as);
	check(!memcmp(page_address(mem->block) + SZ_2M - 8, "across t", 8) &&
	      !memcmp(page_address(mem->linear) + 100, "axas_sample", 11),
	      "%s: the sample's pages are intact after destroy", fn);
out_free:
	if (mem)
		sample_mem_free(mem);
	kfree(mem);
}

static int __init axas_sample_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sample_fmts); i++)
		sample_format(&sample_fmts[i], i == 0);
	pr_info("%u passed, %u failed\n", axas_sample_passed,
		axas_sample_failed);
	return axas_sample_failed ? -EINVAL : 0;
}
module_init(axas_sample_init);

static void __exit axas_sample_exit(void)
{
}
module_exit(axas_sample_exit);

MODULE_DESCRIPTION("Sample client of the axaddrspace in-kernel API");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(AXADDRSPACE);
