// SPDX-License-Identifier: GPL-2.0
/*
 * The `make run` demonstration, as a KUnit suite so that kunit.py boots it
 * under QEMU: one address space per format is mapped (linear, with blocks
 * and pages), faulted (lazy frames), written, read back and translated, and
 * its table is printed as a tree. Every step is also checked.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <axaddrspace/axaddrspace.h>

struct axas_demo_cfg {
	u32 format;
	u32 ia_bits;
};

static const struct axas_demo_cfg axas_demo_cfgs[] = {
	{ AXAS_FMT_EPT, 48 },
	{ AXAS_FMT_ARM_S2, 40 },
	{ AXAS_FMT_RISCV_GSTAGE, 41 },
	{ AXAS_FMT_AMD_NPT, 48 },
};

static void axas_demo_desc(const struct axas_demo_cfg *cfg, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-%u",
		 axas_format_name(cfg->format), cfg->ia_bits);
}

KUNIT_ARRAY_PARAM(axas_demo, axas_demo_cfgs, axas_demo_desc);

static const char *axas_demo_size(u64 size)
{
	switch (size) {
	case SZ_4K:
		return "4K";
	case SZ_2M:
		return "2M";
	case SZ_1G:
		return "1G";
	case 512ULL * SZ_1G:
		return "512G";
	default:
		return "256T";
	}
}

static int axas_demo_print(void *arg, const struct axas_entry *e)
{
	struct kunit *test = arg;
	/* Indent by level: the root level is at most 4. */
	int indent = 2 * (4 - e->level);

	if (e->table) {
		kunit_info(test, "%*s%016llx %-4s table @%llx\n", indent, "",
			   e->gpa, axas_demo_size(e->size), (u64)e->pa);
		return 0;
	}
	kunit_info(test, "%*s%016llx %-4s %c%c%c%s -> %llx\n", indent, "",
		   e->gpa, axas_demo_size(e->size),
		   e->flags & AXAS_READ ? 'r' : '-',
		   e->flags & AXAS_WRITE ? 'w' : '-',
		   e->flags & AXAS_EXEC ? 'x' : '-',
		   e->flags & AXAS_DEVICE ? " dev" : "", (u64)e->pa);
	return 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(axas_demo_destroy, axas_space_destroy,
			    struct axas_space *);

static void axas_demo_run(struct kunit *test)
{
	const struct axas_demo_cfg *cfg = test->param_value;
	const u64 linear = SZ_1G + SZ_2M - SZ_8K;
	const u64 linear_hpa = 3ULL * SZ_1G - SZ_8K;	/* congruent mod 2M */
	const u64 lazy = SZ_256M;
	struct axas_space_cfg scfg = {
		.format = cfg->format,
		.ia_bits = cfg->ia_bits,
		.size = 4ULL * SZ_1G,
	};
	static const char msg[] = "written by the demo across a page boundary";
	char buf[sizeof(msg)];
	struct axas_translation tr;
	struct axas_hw_regs regs;
	struct axas_stats st;
	struct axas_space *as;
	u64 len;
	int i;

	as = axas_space_create(&scfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(as));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   axas_demo_destroy,
							   as));
	axas_hw_regs(as, &regs);
	kunit_info(test, "%s space, %u-bit, VMID %u, root register %#llx, control %#llx\n",
		   axas_format_name(cfg->format), cfg->ia_bits, axas_vmid(as),
		   regs.root, regs.ctl);

	/* 8 KiB of pages, then 2 MiB blocks, then pages again. */
	KUNIT_ASSERT_EQ(test, 0, axas_map_linear(as, linear, linear_hpa,
						 4 * SZ_2M + SZ_16K,
						 AXAS_READ | AXAS_WRITE));
	KUNIT_ASSERT_EQ(test, 0, axas_map_linear(as, SZ_2G, SZ_2G, SZ_1G,
						 AXAS_READ | AXAS_EXEC));
	KUNIT_ASSERT_EQ(test, 0, axas_map_linear(as, 3ULL * SZ_1G, 3ULL * SZ_1G,
						 SZ_64K,
						 AXAS_READ | AXAS_WRITE |
						 AXAS_DEVICE));
	KUNIT_ASSERT_EQ(test, 0, axas_map_alloc(as, lazy, SZ_64K,
						AXAS_READ | AXAS_WRITE, false));

	KUNIT_EXPECT_EQ(test, -ENOENT, axas_translate(as, lazy, &tr));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 0, axas_handle_fault(as, lazy + i * SZ_4K,
							   AXAS_WRITE));
	KUNIT_EXPECT_EQ(test, -ENOENT, axas_handle_fault(as, SZ_128M,
							 AXAS_READ));
	KUNIT_EXPECT_EQ(test, -EACCES, axas_handle_fault(as, SZ_2G,
							 AXAS_WRITE));

	KUNIT_EXPECT_EQ(test, 0, axas_write(as, lazy + SZ_4K - 10, msg,
					    sizeof(msg)));
	KUNIT_EXPECT_EQ(test, 0, axas_read(as, lazy + SZ_4K - 10, buf,
					   sizeof(buf)));
	KUNIT_EXPECT_STREQ(test, buf, msg);
	KUNIT_EXPECT_EQ(test, -EFAULT, axas_read(as, lazy + 3 * SZ_4K - 1,
						 buf, 2));

	KUNIT_ASSERT_EQ(test, 0, axas_translate(as, linear + SZ_2M + 0x123,
						&tr));
	kunit_info(test, "translate %#llx -> %#llx (%s leaf)\n",
		   linear + SZ_2M + 0x123, (u64)tr.hpa,
		   axas_demo_size(tr.leaf_size));
	KUNIT_EXPECT_EQ(test, (u64)tr.hpa, linear_hpa + SZ_2M + 0x123);
	KUNIT_EXPECT_EQ(test, tr.leaf_size, (u64)SZ_2M);
	KUNIT_ASSERT_EQ(test, 0, axas_translate(as, SZ_2G + 5, &tr));
	KUNIT_EXPECT_EQ(test, tr.leaf_size, (u64)SZ_1G);
	KUNIT_ASSERT_EQ(test, 0, axas_translate_limit(as, linear + SZ_4K,
						      &len));
	KUNIT_EXPECT_EQ(test, len, 4ULL * SZ_2M + SZ_16K - SZ_4K);

	/* Cut a hole through a block: it splits, the rest stays. */
	KUNIT_EXPECT_EQ(test, 0, axas_unmap(as, SZ_2G + SZ_4M, SZ_4K));
	KUNIT_EXPECT_EQ(test, -ENOENT, axas_translate(as, SZ_2G + SZ_4M, &tr));
	KUNIT_ASSERT_EQ(test, 0, axas_translate(as, SZ_2G + SZ_4M + SZ_4K,
						&tr));
	KUNIT_EXPECT_EQ(test, (u64)tr.hpa, SZ_2G + SZ_4M + SZ_4K);

	kunit_info(test, "table of the first 4 GiB:\n");
	KUNIT_EXPECT_EQ(test, 0, axas_walk_entries(as, 0, 4ULL * SZ_1G,
						   axas_demo_print, test));

	axas_get_stats(as, &st);
	kunit_info(test, "stats: %llu table pages, %llu data pages, mapped 4K %llu 2M %llu 1G %llu bytes, %llu faults, %llu TLB flushes\n",
		   st.table_pages, st.data_pages, st.mapped[0], st.mapped[1],
		   st.mapped[2], st.faults, st.tlb_flushes);
	KUNIT_EXPECT_EQ(test, st.faults, 3ULL);
	KUNIT_EXPECT_EQ(test, st.data_pages, 3ULL);
}

static struct kunit_case axas_demo_cases[] = {
	KUNIT_CASE_PARAM(axas_demo_run, axas_demo_gen_params),
	{}
};

static struct kunit_suite axas_demo_suite = {
	.name = "axaddrspace_demo",
	.test_cases = axas_demo_cases,
};

kunit_test_suites(&axas_demo_suite);
