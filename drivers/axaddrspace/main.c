// SPDX-License-Identifier: GPL-2.0
/*
 * axaddrspace module glue: the module parameters and /dev/axaddrspace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "dev.h"
#include "stats.h"
#include "vcpu.h"

unsigned int axas_max_spaces = 64;
module_param_named(max_spaces, axas_max_spaces, uint, 0444);
MODULE_PARM_DESC(max_spaces,
		 "Address spaces that may exist at once, system-wide (default 64)");

unsigned int axas_max_space_mb = 1024;
module_param_named(max_space_mb, axas_max_space_mb, uint, 0444);
MODULE_PARM_DESC(max_space_mb,
		 "Table and allocated frame memory per space, in MiB (default 1024)");

bool axas_test_hooks;
module_param_named(test_hooks, axas_test_hooks, bool, 0444);
MODULE_PARM_DESC(test_hooks,
		 "Allow the test-only space flags, such as AXAS_SPACE_TEST_WRONG_LEAF (default off)");

static bool axas_want_vcpus = true;
module_param_named(vcpus, axas_want_vcpus, bool, 0444);
MODULE_PARM_DESC(vcpus,
		 "Refuse to load where this host cannot run guests (default on); vcpus=0 loads for address spaces alone");

/* Like /dev/kvm: anyone may create spaces; privileged calls check caps. */
static struct miscdevice axas_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "axaddrspace",
	.fops	= &axas_dev_fops,
	.mode	= 0666,
};

static int __init axas_init(void)
{
	const char *why = axas_arch_vcpu_unsupported();
	int ret;

	/*
	 * A host that should run guests but cannot (arm64 not at EL2, or
	 * with KVM owning EL2; RISC-V without H; x86 without a usable VMX
	 * or SVM with nested paging, or with KVM owning it) is refused
	 * unless the caller asked for address spaces alone.
	 */
	if (why && axas_want_vcpus) {
		pr_err("cannot run guests here: %s (load with vcpus=0 for address spaces without vCPUs)\n",
		       why);
		return -ENODEV;
	}

	ret = axas_arch_vcpu_hw_enable();
	if (ret && axas_want_vcpus) {
		pr_err("cannot enable virtualization on every CPU: %d (load with vcpus=0 for address spaces without vCPUs)\n",
		       ret);
		return ret;
	}
	if (ret)
		why = "virtualization could not be enabled on every CPU";
	ret = misc_register(&axas_miscdev);
	if (ret) {
		pr_err("cannot register /dev/axaddrspace: %d\n", ret);
		axas_arch_vcpu_hw_disable();
		return ret;
	}
	axas_stats_debugfs_init();
	if (why)
		pr_info("vCPUs unavailable: %s (vcpus=0)\n", why);
	pr_debug("loaded\n");
	return 0;
}
module_init(axas_init);

static void __exit axas_exit(void)
{
	misc_deregister(&axas_miscdev);
	axas_stats_debugfs_exit();
	axas_arch_vcpu_hw_disable();
	pr_debug("unloaded\n");
}
module_exit(axas_exit);

MODULE_DESCRIPTION("Guest address spaces on EPT, Stage-2, G-stage and NPT tables");
MODULE_AUTHOR("axaddrspace developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.3");
