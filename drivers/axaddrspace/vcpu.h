/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPUs: what the arch-neutral run loop (vcpu.c) and the per-architecture
 * entry and exit code (vcpu-<arch>.c) share.
 *
 * The run loop owns the uAPI: the vCPU fd, the exit record, completions,
 * fault service and counters. An architecture supplies one guest entry
 * that returns why the guest stopped (struct axas_trap), the decoding of
 * the instruction behind an MMIO fault, and the register accessors.
 */
#ifndef _AXADDRSPACE_VCPU_H
#define _AXADDRSPACE_VCPU_H

#include <linux/compiler_types.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "insn.h"

struct axas_dev_space;
struct axas_regs;
struct axas_space;
struct file;

/* vCPUs one space may have: ids 0 to AXAS_MAX_VCPUS - 1. */
#define AXAS_MAX_VCPUS		16

/**
 * enum axas_trap_kind - why the guest stopped, as the arch saw it
 * @AXAS_TRAP_IRQ: a host interrupt; it is taken when interrupts are
 *	enabled again, and the guest re-entered.
 * @AXAS_TRAP_HYPERCALL: the guest called the hypervisor.
 * @AXAS_TRAP_GUEST_FAULT: a nested page fault at &axas_trap.gpa.
 * @AXAS_TRAP_SYSREG: a trapped system-register access (arm64).
 * @AXAS_TRAP_OTHER: anything else; &axas_trap.info says what.
 * @AXAS_TRAP_IO: an x86 IN or OUT: &axas_trap.gpa is the port, access
 *	AXAS_READ (IN) or AXAS_WRITE (OUT), info[0] the size (1, 2 or 4),
 *	info[1] the instruction's length, info[2] the value of an OUT.
 * @AXAS_TRAP_HLT: an x86 HLT; info[1] is the instruction's length.
 * @AXAS_TRAP_WFI: the guest waits for an interrupt (RISC-V WFI, already
 *	stepped over): the run loop sleeps until axas_arch_vcpu_wakeup()
 *	or a signal, then re-enters.
 */
enum axas_trap_kind {
	AXAS_TRAP_IRQ,
	AXAS_TRAP_HYPERCALL,
	AXAS_TRAP_GUEST_FAULT,
	AXAS_TRAP_SYSREG,
	AXAS_TRAP_OTHER,
	AXAS_TRAP_IO,
	AXAS_TRAP_HLT,
	AXAS_TRAP_WFI,
};

/**
 * struct axas_trap - one exit from the guest
 * @kind: &enum axas_trap_kind.
 * @access: guest faults: AXAS_READ, AXAS_WRITE or AXAS_EXEC.
 * @gpa: guest faults: the guest-physical address.
 * @info: AXAS_TRAP_OTHER: cause, trap value, guest pc and an arch word,
 *	for the internal-error exit.
 */
struct axas_trap {
	u32 kind;
	u32 access;
	u64 gpa;
	u64 info[4];
};

/**
 * struct axas_vcpu - the private data of a vCPU fd
 * @ds: the space fd's data; @space_file keeps it alive.
 * @as: the address space, @ds->as.
 * @space_file: the space fd's file, referenced.
 * @lock: serialises the vCPU's ioctls (one RUN at a time).
 * @id: the vCPU's id in its space.
 * @pending: AXAS_EXIT_HYPERCALL, AXAS_EXIT_MMIO, AXAS_EXIT_SYSREG,
 *	AXAS_EXIT_IO or AXAS_EXIT_HLT when the next RUN must complete the
 *	last exit first; AXAS_EXIT_NONE otherwise.
 * @mmio: the decoded load or store of the last MMIO exit, the register
 *	access of the last SYSREG exit (an 8-byte access), or the IN or OUT
 *	of the last IO exit (RAX) or the HLT (a store: nothing written).
 * @spurious_page: page of the last spurious fault.
 * @spurious_repeat: spurious faults in a row on @spurious_page.
 * @exits: exits from the guest.
 * @faults: faults served without a userspace exit.
 * @irq_exits: exits for host interrupts.
 * @runner: the task in AXAS_RUN, NULL outside it; read under RCU by
 *	axas_vcpu_kick() from any context.
 * @wq: where a vCPU in WFI sleeps; guest interrupts wake it.
 * @arch: the architecture's state (guest registers and more).
 */
struct axas_vcpu {
	struct axas_dev_space *ds;
	struct axas_space *as;
	struct file *space_file;
	struct mutex lock;	/* see above */
	unsigned int id;
	u32 pending;
	struct axas_mmio_insn mmio;
	u64 spurious_page;
	unsigned int spurious_repeat;
	u64 exits;
	u64 faults;
	u64 irq_exits;
	struct task_struct *runner;
	wait_queue_head_t wq;
	void *arch;
};

long axas_vcpu_create(struct file *space_file, unsigned long id);
bool axas_vcpu_supported(void);
long axas_vcpu_format_cap(void);
void axas_vcpu_kick(struct axas_vcpu *vcpu);

/*
 * Per architecture (vcpu-<arch>.c). All but axas_arch_vcpu_enter() run in
 * process context with &axas_vcpu.lock held (or before the fd exists).
 */

/*
 * At module load, before /dev/axaddrspace exists: make every CPU able to
 * run guests (x86: VMXON or EFER.SVME, and CPU hotplug). 0 or -errno; a
 * host without vCPUs returns 0. axas_arch_vcpu_hw_disable() undoes it at
 * unload. No-ops on arm64 and RISC-V.
 */
int axas_arch_vcpu_hw_enable(void);
void axas_arch_vcpu_hw_disable(void);
/* Whether this CPU can run guests at all (also AXAS_CAP_VCPU). */
bool axas_arch_vcpu_supported(void);
/* The internal AXAS_FMT_* vCPUs of this host walk; -1 without vCPUs. */
int axas_arch_vcpu_format(void);
/*
 * Why this host runs no guests, for the message at module load; NULL when
 * it runs them, or when there is nothing to tell.
 */
const char *axas_arch_vcpu_unsupported(void);
/* 0 when the space's format, width and VMID can be walked here. */
int axas_arch_vcpu_check_space(struct axas_space *as);
int axas_arch_vcpu_init(struct axas_vcpu *vcpu);
void axas_arch_vcpu_destroy(struct axas_vcpu *vcpu);
void axas_arch_get_regs(struct axas_vcpu *vcpu, struct axas_regs *regs);
int axas_arch_set_regs(struct axas_vcpu *vcpu, const struct axas_regs *regs);
/*
 * Enter the guest until it traps. Called with interrupts disabled and
 * returns with them disabled; a pending host interrupt makes it return
 * AXAS_TRAP_IRQ at once.
 */
void axas_arch_vcpu_enter(struct axas_vcpu *vcpu, struct axas_trap *trap);
/* The call number and arguments of an AXAS_TRAP_HYPERCALL. */
void axas_arch_hypercall_args(struct axas_vcpu *vcpu, u64 *nr, u64 args[6]);
/* Return @ret to the guest and resume after its call. */
void axas_arch_hypercall_done(struct axas_vcpu *vcpu, u64 ret);
/*
 * Decode the instruction behind a fault at @trap->gpa: width, direction,
 * register. For a store, *@data is the value. On failure, @info gets the
 * pc and the instruction word for the internal-error exit.
 */
int axas_arch_decode_mmio(struct axas_vcpu *vcpu,
			  const struct axas_trap *trap,
			  struct axas_mmio_insn *mi, u64 *data, u64 info[2]);
/*
 * Decode an AXAS_TRAP_SYSREG: the register's AXAS_SYSREG() encoding, and
 * in @mi the direction and general-purpose register (finished like an
 * 8-byte MMIO access); for a write, *@data is the value.
 */
int axas_arch_decode_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap,
			    struct axas_mmio_insn *mi, u32 *encoding, u64 *data);
/* Finish an MMIO access: a load's @data into its register, skip it. */
void axas_arch_mmio_done(struct axas_vcpu *vcpu,
			 const struct axas_mmio_insn *mi, u64 data);
#ifdef CONFIG_RISCV
/* Whether this host's vCPUs take AXAS_SET_IRQ and AXAS_SET_TIMER. */
bool axas_arch_vcpu_has_irq(void);
/*
 * AXAS_SET_IRQ and AXAS_SET_TIMER: called without &axas_vcpu.lock, also
 * while another thread is in AXAS_RUN. -ENOTTY where there are none.
 */
long axas_arch_vcpu_irq_ioctl(struct axas_vcpu *vcpu, unsigned int cmd,
			      void __user *argp);
/* Whether a vCPU in WFI (AXAS_TRAP_WFI) has an interrupt to take. */
bool axas_arch_vcpu_wakeup(struct axas_vcpu *vcpu);
#else
/* No guest interrupt controller or timer on the other hosts yet. */
static inline bool axas_arch_vcpu_has_irq(void)
{
	return false;
}

static inline long axas_arch_vcpu_irq_ioctl(struct axas_vcpu *vcpu,
					    unsigned int cmd,
					    void __user *argp)
{
	return -ENOTTY;
}

/* Never asked: no AXAS_TRAP_WFI there. */
static inline bool axas_arch_vcpu_wakeup(struct axas_vcpu *vcpu)
{
	return true;
}
#endif

#endif /* _AXADDRSPACE_VCPU_H */
