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

	ret = misc_register(&axas_miscdev);
	if (ret) {
		pr_err("cannot register /dev/axaddrspace: %d\n", ret);
		return ret;
	}
	/* Spaces work without vCPUs: say why there are none, and go on. */
	if (why)
		pr_info("vCPUs unavailable: %s\n", why);
	pr_debug("loaded\n");
	return 0;
}
module_init(axas_init);

static void __exit axas_exit(void)
{
	misc_deregister(&axas_miscdev);
	pr_debug("unloaded\n");
}
module_exit(axas_exit);

MODULE_DESCRIPTION("Guest address spaces on EPT, Stage-2, G-stage and NPT tables");
MODULE_AUTHOR("axaddrspace developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.3");
