// SPDX-License-Identifier: GPL-2.0
/*
 * axaddrspace module glue.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

static int __init axas_init(void)
{
	pr_debug("loaded\n");
	return 0;
}
module_init(axas_init);

static void __exit axas_exit(void)
{
	pr_debug("unloaded\n");
}
module_exit(axas_exit);

MODULE_DESCRIPTION("Guest address spaces on EPT, Stage-2 and G-stage tables");
MODULE_LICENSE("GPL");
