// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs and the run loop, the architecture-neutral half of the VM-exit
 * handler (include/uapi/linux/axaddrspace.h, AXAS_CREATE_VCPU to AXAS_RUN).
 *
 * AXAS_RUN enters the guest until something needs userspace. Host
 * interrupts and nested faults that the space can serve (lazy pages) are
 * handled here and the guest re-entered; a hypercall, an access nothing
 * maps (MMIO), an access the mapping forbids and anything unexpected are
 * exits to userspace with a record of what happened. Userspace completes a
 * hypercall or an MMIO load in the record it passes to the next AXAS_RUN.
 *
 * A guest that waits for an interrupt (RISC-V WFI) sleeps here until
 * AXAS_SET_IRQ or its timer (AXAS_SET_TIMER) gives it one; those two come
 * from any thread, and kick a running vCPU out of the guest so that it
 * re-enters with the new interrupt state.
 *
 * A pending signal ends a run with -EINTR between two guest entries;
 * between entries the loop also gives way to the scheduler, so a guest
 * that never exits on its own still lets its host task be preempted,
 * killed and frozen.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/bitops.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "dev.h"
#include "space.h"
#include "stats.h"
#include "vcpu.h"

/*
 * Spurious faults in a row on one page before the entry is called wrong.
 * A real one happens once (a stale TLB entry, flushed when served); the
 * hardware faulting again on the same present entry rejects the entry.
 */
#define AXAS_SPURIOUS_LIMIT	4

bool axas_vcpu_supported(void)
{
	return axas_arch_vcpu_supported();
}

/**
 * axas_vcpu_format_cap() - AXAS_CHECK_EXTENSION(AXAS_CAP_VCPU_FORMAT)
 *
 * Context: any context.
 * Return: 1 + the AXAS_FORMAT_* the vCPUs of this host walk, 0 without
 * vCPUs.
 */
long axas_vcpu_format_cap(void)
{
	int fmt = axas_vcpu_supported() ? axas_arch_vcpu_format() : -1;

	return fmt < 0 ? 0 : 1 + fmt;
}

/**
 * axas_vcpu_kick() - make a vCPU in the guest leave it
 * @vcpu: the vCPU.
 *
 * A running vCPU gets an interrupt on its CPU, which ends the guest's run
 * there; the run loop re-enters the guest with whatever changed. A vCPU
 * outside the guest needs nothing: it reads the state at its next entry.
 *
 * Context: any context, hard interrupts included.
 */
void axas_vcpu_kick(struct axas_vcpu *vcpu)
{
	struct task_struct *t;

	/* The runner cannot exit during RUN; its task is freed after RCU. */
	rcu_read_lock();
	t = READ_ONCE(vcpu->runner);
	if (t)
		kick_process(t);
	rcu_read_unlock();
}

/* ---- exits ---------------------------------------------------------------- */

static void axas_exit_internal(struct axas_run *run, u32 suberror,
			       unsigned int ndata, const u64 *data)
{
	run->exit_reason = AXAS_EXIT_INTERNAL_ERROR;
	run->exit.internal.suberror = suberror;
	run->exit.internal.ndata = ndata;
	memcpy(run->exit.internal.data, data, ndata * sizeof(*data));
}

/* The raw entry that keeps faulting, for the internal-error record. */
static int axas_leaf_entry(void *arg, const struct axas_entry *e)
{
	if (!e->table)
		*(u64 *)arg = e->pte;
	return 0;
}

/*
 * A nested fault: 0 to re-enter the guest, 1 when @run holds an exit for
 * userspace, or an error for AXAS_RUN to return (the guest retries the
 * access on the next run).
 */
static int axas_vcpu_fault(struct axas_vcpu *vcpu,
			   const struct axas_trap *trap, struct axas_run *run)
{
	struct axas_dev_space *ds = vcpu->ds;
	u64 page = ALIGN_DOWN(trap->gpa, SZ_4K);
	bool spurious = false;
	u64 info[3];
	int ret;

	if (trap->gpa >= ds->base && trap->gpa < ds->end)
		ret = axas_dev_fault(ds, trap->gpa, trap->access, &spurious);
	else
		ret = -ENOENT;	/* beyond the space: nothing maps it */

	if (!ret && !spurious) {
		vcpu->faults++;
		vcpu->spurious_repeat = 0;
		return 0;
	}
	if (!ret) {
		if (page != vcpu->spurious_page)
			vcpu->spurious_repeat = 0;
		vcpu->spurious_page = page;
		if (++vcpu->spurious_repeat < AXAS_SPURIOUS_LIMIT)
			return 0;
		vcpu->spurious_repeat = 0;
		info[0] = page;
		info[1] = trap->access;
		info[2] = 0;
		axas_walk_entries(ds->as, page, SZ_4K, axas_leaf_entry,
				  &info[2]);
		axas_exit_internal(run, AXAS_INTERNAL_ENTRY_REJECTED, 3, info);
		return 1;
	}
	vcpu->spurious_repeat = 0;

	switch (ret) {
	case -EACCES:
		run->exit_reason = AXAS_EXIT_PERMISSION;
		run->exit.permission.guest_addr = trap->gpa;
		run->exit.permission.access = trap->access;
		run->exit.permission.reserved = 0;
		return 1;
	case -ENOENT:
	case -ERANGE:
		break;
	default:
		return ret;
	}

	/* Nothing maps the address: MMIO, if a load or store did it. */
	if (trap->access == AXAS_EXEC) {
		info[0] = trap->gpa;
		info[1] = trap->info[2];
		axas_exit_internal(run, AXAS_INTERNAL_EXEC_MMIO, 2, info);
		return 1;
	}
	if (axas_arch_decode_mmio(vcpu, trap, &vcpu->mmio,
				  &run->exit.mmio.data, &info[1])) {
		info[0] = trap->gpa;
		axas_exit_internal(run, AXAS_INTERNAL_DECODE, 3, info);
		return 1;
	}
	run->exit_reason = AXAS_EXIT_MMIO;
	run->exit.mmio.guest_addr = trap->gpa;
	run->exit.mmio.len = vcpu->mmio.len;
	run->exit.mmio.is_write = vcpu->mmio.write;
	/* A store's value in its width; a load's comes from userspace. */
	if (vcpu->mmio.write)
		run->exit.mmio.data = axas_mmio_extend(&vcpu->mmio,
						       run->exit.mmio.data);
	else
		run->exit.mmio.data = 0;
	vcpu->pending = AXAS_EXIT_MMIO;
	return 1;
}

/* A trapped system-register access: userspace emulates the register. */
static int axas_vcpu_sysreg(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap, struct axas_run *run)
{
	u32 encoding;
	u64 data = 0;

	if (axas_arch_decode_sysreg(vcpu, trap, &vcpu->mmio, &encoding,
				    &data)) {
		axas_exit_internal(run, AXAS_INTERNAL_TRAP, 4, trap->info);
		return 1;
	}
	run->exit_reason = AXAS_EXIT_SYSREG;
	run->exit.sysreg.data = data;
	run->exit.sysreg.encoding = encoding;
	run->exit.sysreg.is_write = vcpu->mmio.write;
	vcpu->pending = AXAS_EXIT_SYSREG;
	return 1;
}

/*
 * An x86 IN or OUT: finished like an MMIO access of RAX (an IN like a
 * zero-extending load into AL, AX or EAX, an OUT like a store).
 */
static int axas_vcpu_io(struct axas_vcpu *vcpu, const struct axas_trap *trap,
			struct axas_run *run)
{
	struct axas_mmio_insn *mi = &vcpu->mmio;

	memset(mi, 0, sizeof(*mi));
	mi->len = trap->info[0];
	mi->dest_len = trap->info[0];
	mi->insn_len = trap->info[1];
	mi->write = trap->access == AXAS_WRITE;
	run->exit_reason = AXAS_EXIT_IO;
	run->exit.io.port = trap->gpa;
	run->exit.io.size = mi->len;
	run->exit.io.is_write = mi->write;
	run->exit.io.reserved = 0;
	run->exit.io.data = mi->write ? axas_mmio_extend(mi, trap->info[2]) : 0;
	vcpu->pending = AXAS_EXIT_IO;
	return 1;
}

/* An x86 HLT: the next RUN resumes after it (an access that writes nothing). */
static int axas_vcpu_hlt(struct axas_vcpu *vcpu, const struct axas_trap *trap,
			 struct axas_run *run)
{
	memset(&vcpu->mmio, 0, sizeof(vcpu->mmio));
	vcpu->mmio.write = true;
	vcpu->mmio.insn_len = trap->info[1];
	run->exit_reason = AXAS_EXIT_HLT;
	vcpu->pending = AXAS_EXIT_HLT;
	return 1;
}

/* Handle one trap: 0 to re-enter, 1 for an exit to userspace, or -errno. */
static int axas_vcpu_handle(struct axas_vcpu *vcpu,
			    const struct axas_trap *trap, struct axas_run *run)
{
	u64 nr, args[6];

	switch (trap->kind) {
	case AXAS_TRAP_IRQ:
		vcpu->irq_exits++;
		return 0;
	case AXAS_TRAP_HYPERCALL:
		axas_arch_hypercall_args(vcpu, &nr, args);
		run->exit_reason = AXAS_EXIT_HYPERCALL;
		run->exit.hypercall.nr = nr;
		memcpy(run->exit.hypercall.args, args, sizeof(args));
		run->exit.hypercall.ret = 0;
		vcpu->pending = AXAS_EXIT_HYPERCALL;
		return 1;
	case AXAS_TRAP_GUEST_FAULT:
		return axas_vcpu_fault(vcpu, trap, run);
	case AXAS_TRAP_SYSREG:
		return axas_vcpu_sysreg(vcpu, trap, run);
	case AXAS_TRAP_IO:
		return axas_vcpu_io(vcpu, trap, run);
	case AXAS_TRAP_HLT:
		return axas_vcpu_hlt(vcpu, trap, run);
	case AXAS_TRAP_WFI:
		/* A signal ends the wait; the loop then ends the run. */
		wait_event_interruptible(vcpu->wq, axas_arch_vcpu_wakeup(vcpu));
		return 0;
	}
	axas_exit_internal(run, AXAS_INTERNAL_TRAP, 4, trap->info);
	return 1;
}

/* What the last exit left for this run to finish, from @run. */
static void axas_vcpu_complete(struct axas_vcpu *vcpu,
			       const struct axas_run *run)
{
	switch (vcpu->pending) {
	case AXAS_EXIT_HYPERCALL:
		axas_arch_hypercall_done(vcpu, run->exit.hypercall.ret);
		break;
	case AXAS_EXIT_MMIO:
		axas_arch_mmio_done(vcpu, &vcpu->mmio,
				    axas_mmio_extend(&vcpu->mmio,
						     run->exit.mmio.data));
		break;
	case AXAS_EXIT_SYSREG:
		axas_arch_mmio_done(vcpu, &vcpu->mmio, run->exit.sysreg.data);
		break;
	case AXAS_EXIT_IO:
		axas_arch_mmio_done(vcpu, &vcpu->mmio,
				    axas_mmio_extend(&vcpu->mmio,
						     run->exit.io.data));
		break;
	case AXAS_EXIT_HLT:
		axas_arch_mmio_done(vcpu, &vcpu->mmio, 0);
		break;
	}
	vcpu->pending = AXAS_EXIT_NONE;
}

static long axas_vcpu_run(struct axas_vcpu *vcpu, void __user *argp)
{
	struct axas_trap trap;
	struct axas_run run;
	long ret = 0;

	if (copy_from_user(&run, argp, sizeof(run)))
		return -EFAULT;
	if (run.flags || memchr_inv(run.reserved, 0, sizeof(run.reserved)))
		return -EINVAL;

	axas_vcpu_complete(vcpu, &run);
	run.exit_reason = AXAS_EXIT_NONE;
	memset(&run.exit, 0, sizeof(run.exit));
	/* Userspace may have changed the table: count repeats afresh. */
	vcpu->spurious_repeat = 0;
	WRITE_ONCE(vcpu->runner, current);
	/* Pairs with the barrier after raising an interrupt: see vcpu-*.c. */
	smp_mb();
	for (;;) {
		if (signal_pending(current)) {
			run.exit_reason = AXAS_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		cond_resched();

		local_irq_disable();
		axas_arch_vcpu_enter(vcpu, &trap);
		local_irq_enable();
		vcpu->exits++;

		ret = axas_vcpu_handle(vcpu, &trap, &run);
		if (ret) {
			if (ret > 0)
				ret = 0;
			break;
		}
	}
	WRITE_ONCE(vcpu->runner, NULL);
	run.exits = vcpu->exits;
	run.faults = vcpu->faults;
	run.irq_exits = vcpu->irq_exits;
	if (copy_to_user(argp, &run, sizeof(run)))
		return -EFAULT;
	return ret;
}

/* ---- registers -------------------------------------------------------------- */

static long axas_vcpu_get_regs(struct axas_vcpu *vcpu, void __user *argp)
{
	struct axas_regs regs = { };

	axas_arch_get_regs(vcpu, &regs);
	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static long axas_vcpu_set_regs(struct axas_vcpu *vcpu, void __user *argp)
{
	struct axas_regs regs;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	ret = axas_arch_set_regs(vcpu, &regs);
	if (!ret)
		vcpu->pending = AXAS_EXIT_NONE;	/* a new state: nothing to finish */
	return ret;
}

/* ---- the vCPU fd --------------------------------------------------------------- */

static long axas_vcpu_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct axas_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	switch (cmd) {
	case AXAS_SET_IRQ:
	case AXAS_SET_TIMER:
		/* Not serialised with RUN: they are what wakes it. */
		return axas_arch_vcpu_irq_ioctl(vcpu, cmd, argp);
	case AXAS_GET_REGS:
	case AXAS_SET_REGS:
	case AXAS_RUN:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	if (cmd == AXAS_GET_REGS)
		ret = axas_vcpu_get_regs(vcpu, argp);
	else if (cmd == AXAS_SET_REGS)
		ret = axas_vcpu_set_regs(vcpu, argp);
	else
		ret = axas_vcpu_run(vcpu, argp);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static int axas_vcpu_release(struct inode *inode, struct file *file)
{
	struct axas_vcpu *vcpu = file->private_data;
	struct axas_dev_space *ds = vcpu->ds;

	axas_arch_vcpu_destroy(vcpu);
	mutex_lock(&ds->lock);
	__clear_bit(vcpu->id, &ds->vcpu_ids);
	mutex_unlock(&ds->lock);
	fput(vcpu->space_file);
	mutex_destroy(&vcpu->lock);
	kfree(vcpu);
	atomic_dec(&axas_stats.vcpus);
	return 0;
}

static const struct file_operations axas_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= axas_vcpu_release,
	.unlocked_ioctl	= axas_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * axas_vcpu_create() - AXAS_CREATE_VCPU: a vCPU fd on a space fd
 * @space_file: the space fd's file.
 * @id: the vCPU's id, below AXAS_MAX_VCPUS and unused in the space.
 *
 * Context: process context, may sleep; takes &axas_dev_space.lock.
 * Return: the new fd; -EOPNOTSUPP when this host cannot run guests,
 * -EINVAL for an id out of range or a space this CPU cannot walk,
 * -EEXIST for an id in use, -ENOMEM, -EMFILE.
 */
long axas_vcpu_create(struct file *space_file, unsigned long id)
{
	struct axas_dev_space *ds = space_file->private_data;
	struct axas_vcpu *vcpu;
	int ret, fd;

	if (!axas_arch_vcpu_supported())
		return -EOPNOTSUPP;
	if (id >= AXAS_MAX_VCPUS)
		return -EINVAL;
	ret = axas_arch_vcpu_check_space(ds->as);
	if (ret)
		return ret;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->ds = ds;
	vcpu->as = ds->as;
	vcpu->id = id;
	vcpu->spurious_page = -1ULL;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wq);
	ret = axas_arch_vcpu_init(vcpu);
	if (ret)
		goto out_free;

	mutex_lock(&ds->lock);
	if (__test_and_set_bit(id, &ds->vcpu_ids)) {
		mutex_unlock(&ds->lock);
		ret = -EEXIST;
		goto out_arch;
	}
	mutex_unlock(&ds->lock);

	vcpu->space_file = get_file(space_file);
	/* Before the fd exists: another thread may close it at once. */
	atomic_inc(&axas_stats.vcpus);
	fd = anon_inode_getfd("axas-vcpu", &axas_vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	ret = fd;
	atomic_dec(&axas_stats.vcpus);
	fput(space_file);
	mutex_lock(&ds->lock);
	__clear_bit(id, &ds->vcpu_ids);
	mutex_unlock(&ds->lock);
out_arch:
	axas_arch_vcpu_destroy(vcpu);
out_free:
	mutex_destroy(&vcpu->lock);
	kfree(vcpu);
	return ret;
}
