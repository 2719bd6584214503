// SPDX-License-Identifier: GPL-2.0
/*
 * TLB invalidation on the host: for the format this CPU walks, unmap and
 * protect must reach the real instruction (TLBI at EL2 on arm64, HFENCE.GVMA
 * through SBI on RISC-V with the H extension), once per operation, and
 * Stage-2 block splits must add their break-before-make flush. The test
 * kernels are set up for it: arm64 boots at EL2, riscv64 has the H
 * extension. x86 has no VMX under QEMU's TCG, so INVEPT cannot run there.
 * AMD NPT is native only where the SVM backend runs guests (x86 under
 * -cpu max): its flushes interrupt running guests and happen at VMRUN.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/sizes.h>

#include <axaddrspace/axaddrspace.h>

#include "../drivers/axaddrspace/vcpu.h"

KUNIT_DEFINE_ACTION_WRAPPER(axas_tlb_destroy, axas_space_destroy,
			    struct axas_space *);

static struct axas_space *axas_tlb_space(struct kunit *test, u32 format,
					 u32 ia_bits)
{
	struct axas_space_cfg cfg = {
		.format = format,
		.ia_bits = ia_bits,
		.size = 4ULL * SZ_1G,
	};
	struct axas_space *as = axas_space_create(&cfg);

	KUNIT_ASSERT_FALSE(test, IS_ERR(as));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   axas_tlb_destroy,
							   as));
	return as;
}

static void axas_tlb_host_test(struct kunit *test)
{
	struct axas_translation tr;
	struct axas_space *as;
	struct axas_stats st;
	u32 format;

	if (IS_ENABLED(CONFIG_ARM64)) {
		format = AXAS_FMT_ARM_S2;
		as = axas_tlb_space(test, format, 40);
	} else if (IS_ENABLED(CONFIG_RISCV)) {
		format = AXAS_FMT_RISCV_GSTAGE;
		as = axas_tlb_space(test, format, 41);
	} else {
		kunit_skip(test, "INVEPT needs VMX operation; QEMU's TCG has no VMX");
	}

	/* The harness boots arm64 at EL2 and riscv64 with H: no excuses. */
	KUNIT_ASSERT_TRUE_MSG(test, axas_tlb_native(as),
			      "%s invalidation does not reach the hardware",
			      axas_format_name(format));

	/* 512 pages then 64 pages: both the ranged and the full flush. */
	KUNIT_ASSERT_EQ(test, 0, axas_map_alloc(as, 0, SZ_2M + SZ_256K,
						AXAS_READ | AXAS_WRITE, true));
	KUNIT_EXPECT_EQ(test, 0, axas_unmap(as, 0, SZ_2M));
	KUNIT_EXPECT_EQ(test, 0, axas_protect(as, SZ_2M, SZ_256K, AXAS_READ));
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.tlb_flushes, 2ULL);
	KUNIT_EXPECT_EQ(test, -ENOENT, axas_translate(as, SZ_4K, &tr));
	KUNIT_ASSERT_EQ(test, 0, axas_translate(as, SZ_2M, &tr));
	KUNIT_EXPECT_EQ(test, tr.flags, (u32)AXAS_READ);

	/*
	 * Cutting a page out of a 1 GiB block splits it twice (1G into 2M,
	 * 2M into 4K); Stage-2 flushes each block before replacing it.
	 */
	KUNIT_ASSERT_EQ(test, 0, axas_map_linear(as, SZ_1G, SZ_1G, SZ_1G,
						 AXAS_READ));
	KUNIT_EXPECT_EQ(test, 0, axas_unmap(as, SZ_1G + SZ_4M, SZ_4K));
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.tlb_flushes,
			format == AXAS_FMT_ARM_S2 ? 5ULL : 3ULL);
	KUNIT_ASSERT_EQ(test, 0, axas_translate(as, SZ_1G + SZ_4M + SZ_4K,
						&tr));
	KUNIT_EXPECT_EQ(test, (u64)tr.hpa, SZ_1G + SZ_4M + SZ_4K);
	KUNIT_EXPECT_EQ(test, tr.leaf_size, (u64)SZ_4K);
}

/* Spaces of the other formats never reach this CPU's instructions. */
static void axas_tlb_foreign_test(struct kunit *test)
{
	u32 format;

	for (format = 0; format < AXAS_FMT_COUNT; format++) {
		static const u32 widths[AXAS_FMT_COUNT] = {
			[AXAS_FMT_EPT] = 48,
			[AXAS_FMT_ARM_S2] = 40,
			[AXAS_FMT_RISCV_GSTAGE] = 41,
			[AXAS_FMT_AMD_NPT] = 48,
		};
		struct axas_space *as = axas_tlb_space(test, format,
						       widths[format]);
		bool host = (IS_ENABLED(CONFIG_X86_64) &&
			     format == AXAS_FMT_EPT) ||
			    (IS_ENABLED(CONFIG_ARM64) &&
			     format == AXAS_FMT_ARM_S2) ||
			    (IS_ENABLED(CONFIG_RISCV) &&
			     format == AXAS_FMT_RISCV_GSTAGE);

		if (!host)
			KUNIT_EXPECT_FALSE_MSG(test, axas_tlb_native(as),
					       "%s is not this CPU's format",
					       axas_format_name(format));
	}
}

/*
 * SVM has no instruction that invalidates nested translations by guest
 * address outside VMRUN; the VMCB's TLB_CONTROL does it at the next
 * VMRUN. So NPT is native exactly where the SVM backend runs guests (its
 * vCPUs walk NPT), and the flushes are counted, one per shrinking
 * operation, either way.
 */
static void axas_tlb_npt_test(struct kunit *test)
{
	struct axas_space *as = axas_tlb_space(test, AXAS_FMT_AMD_NPT, 48);
	struct axas_stats st;

	KUNIT_EXPECT_EQ(test, axas_tlb_native(as),
			axas_vcpu_format_cap() == 1 + AXAS_FMT_AMD_NPT);
	KUNIT_ASSERT_EQ(test, 0, axas_map_alloc(as, 0, SZ_2M + SZ_256K,
						AXAS_READ | AXAS_WRITE, true));
	KUNIT_EXPECT_EQ(test, 0, axas_unmap(as, 0, SZ_2M));
	KUNIT_EXPECT_EQ(test, 0, axas_protect(as, SZ_2M, SZ_256K, AXAS_READ));
	axas_get_stats(as, &st);
	KUNIT_EXPECT_EQ(test, st.tlb_flushes, 2ULL);
}

static struct kunit_case axas_tlb_cases[] = {
	KUNIT_CASE(axas_tlb_host_test),
	KUNIT_CASE(axas_tlb_foreign_test),
	KUNIT_CASE(axas_tlb_npt_test),
	{}
};

static struct kunit_suite axas_tlb_suite = {
	.name = "axaddrspace_tlb",
	.test_cases = axas_tlb_cases,
};

kunit_test_suites(&axas_tlb_suite);
