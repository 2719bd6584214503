// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs on hosts where this module cannot run guests yet (x86: its exit
 * handler is still to come). AXAS_CAP_VCPU reads 0 and
 * AXAS_CREATE_VCPU fails with -EOPNOTSUPP before any other hook is called.
 */
#include <linux/errno.h>

#include "vcpu.h"

bool axas_arch_vcpu_supported(void)
{
	return false;
}

/* Nothing to tell: no host of this architecture runs guests yet. */
const char *axas_arch_vcpu_unsupported(void)
{
	return NULL;
}

int axas_arch_vcpu_check_space(struct axas_space *as)
{
	return -EOPNOTSUPP;
}

int axas_arch_vcpu_init(struct axas_vcpu *vcpu)
{
	return -EOPNOTSUPP;
}

void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu)
{
}

void axas_arch_get_regs(struct axas_vcpu *vcpu, struct axas_regs *regs)
{
}

int axas_arch_set_regs(struct axas_vcpu *vcpu, const struct axas_regs *regs)
{
	return -EOPNOTSUPP;
}

void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap)
{
	trap->kind = AXAS_TRAP_OTHER;
}

void axas_arch_hypercall_args(struct axas_vcpu *vcpu, u64 *nr, u64 args[6])
{
}

void axas_arch_hypercall_done(struct axas_vcpu *vcpu, u64 ret)
{
}

int axas_arch_decode_mmio(struct axas_vcpu *vcpu,
			  const struct axas_trap *trap,
			  struct axas_mmio_insn *mi, u64 *data, u64 info[2])
{
	return -EOPNOTSUPP;
}

void axas_arch_mmio_done(struct axas_vcpu *vcpu,
			 const struct axas_mmio_insn *mi, u64 data)
{
}

int axas_arch_decode_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap,
			    struct axas_mmio_insn *mi, u32 *encoding, u64 *data)
{
	return -EOPNOTSUPP;
}
