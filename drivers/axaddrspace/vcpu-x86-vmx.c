// SPDX-License-Identifier: GPL-2.0
/*
 * Placeholder for the Intel VMX backend of x86 vCPUs (vcpu-x86.h), which
 * replaces this file: until then VMX hosts run no guests.
 */
#include <linux/errno.h>

#include <axaddrspace/axaddrspace.h>

#include "vcpu-x86.h"

static const char *axas_vmx_unsupported(void)
{
	return "VMX backend not built";
}

const struct axas_x86_backend axas_x86_vmx = {
	.name		= "VMX",
	.format		= AXAS_FMT_EPT,
	.unsupported	= axas_vmx_unsupported,
};
