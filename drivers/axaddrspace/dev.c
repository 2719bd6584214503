// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/axaddrspace: the system ioctls, and the fd of one address space
 * with its ioctls (include/uapi/linux/axaddrspace.h, described in
 * Documentation/axaddrspace-uapi.rst).
 *
 * Every call checks its whole argument before it changes anything, in
 * the order the documentation gives, so that a call that fails leaves the
 * space as it was. The calls that change a space, and those that look at
 * what the fd mapped (dev-region.c), hold the fd's mutex; the core takes
 * its own lock inside.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#if defined(CONFIG_X86_64)
#include <asm/processor.h>
#elif defined(CONFIG_ARM64)
#include <asm/cpufeature.h>
#endif

#include <axaddrspace/axaddrspace.h>
#include <uapi/linux/axaddrspace.h>

#include "dev.h"
#include "space.h"
#include "stats.h"
#include "vcpu.h"

/* The uAPI flags are the core's flags. */
static_assert(AXAS_MEM_READ == AXAS_READ);
static_assert(AXAS_MEM_WRITE == AXAS_WRITE);
static_assert(AXAS_MEM_EXEC == AXAS_EXEC);
static_assert(AXAS_MEM_DEVICE == AXAS_DEVICE);
static_assert(AXAS_MEM_NOBLOCK == AXAS_MAP_NOBLOCK);
static_assert(AXAS_FORMAT_EPT == AXAS_FMT_EPT);
static_assert(AXAS_FORMAT_ARM_S2 == AXAS_FMT_ARM_S2);
static_assert(AXAS_FORMAT_RISCV_GSTAGE == AXAS_FMT_RISCV_GSTAGE);
static_assert(AXAS_FORMAT_AMD_NPT == AXAS_FMT_AMD_NPT);

#define AXAS_MEM_PROT		(AXAS_MEM_READ | AXAS_MEM_WRITE | AXAS_MEM_EXEC)
#define AXAS_MAX_RW		SZ_1M

/* ---- helpers ------------------------------------------------------------ */

/* AXAS_CAP_IA_BITS(@format): bit (w - 32) for each width the core takes. */
static u32 axas_ia_bits_mask(unsigned long format)
{
	const struct axas_format *fmt;
	struct axas_geometry geo;
	unsigned int w;
	u32 mask = 0;

	if (format >= AXAS_FMT_COUNT)
		return 0;
	fmt = axas_format_get(format);
	for (w = max_t(unsigned int, fmt->min_ia_bits, 32);
	     w <= fmt->max_ia_bits && w < 64; w++)
		if (!fmt->geometry(w, &geo))
			mask |= BIT(w - 32);
	return mask;
}

/* Width of host-physical addresses on this machine. */
static unsigned int axas_host_pa_bits(void)
{
#if defined(CONFIG_X86_64)
	return boot_cpu_data.x86_phys_bits;
#elif defined(CONFIG_ARM64)
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	int parange;

	parange = cpuid_feature_extract_unsigned_field(mmfr0,
						       ID_AA64MMFR0_EL1_PARANGE_SHIFT);
	return id_aa64mmfr0_parange_to_phys_shift(parange);
#else
	/* RISC-V: 44-bit PPNs in every Sv mode, 56-bit physical addresses. */
	return 56;
#endif
}

static long axas_native_format(void)
{
	if (IS_ENABLED(CONFIG_X86_64))
		return 1 + AXAS_FORMAT_EPT;
	if (IS_ENABLED(CONFIG_ARM64))
		return 1 + AXAS_FORMAT_ARM_S2;
	if (IS_ENABLED(CONFIG_RISCV))
		return 1 + AXAS_FORMAT_RISCV_GSTAGE;
	return 0;
}

/* -EINVAL for a misaligned or empty range, -ERANGE outside the space. */
static int axas_check_range(const struct axas_dev_space *ds, u64 gpa,
			    u64 size)
{
	if (!size || !IS_ALIGNED(gpa | size, SZ_4K))
		return -EINVAL;
	if (gpa + size < gpa || gpa < ds->base || gpa + size > ds->end)
		return -ERANGE;
	return 0;
}

/* READ is mandatory; nothing beyond @allowed. */
static bool axas_flags_ok(u32 flags, u32 allowed)
{
	return (flags & AXAS_MEM_READ) && !(flags & ~allowed);
}

/* Whether table and frame memory plus @extra bytes exceeds max_space_mb. */
static bool axas_over_limit(struct axas_dev_space *ds, u64 extra)
{
	u64 limit = (u64)READ_ONCE(axas_max_space_mb) << 20;
	struct axas_stats st;

	axas_get_stats(ds->as, &st);
	return (st.table_pages + st.data_pages) * SZ_4K + extra > limit;
}

static bool axas_region_is_linear(const struct axas_region *r)
{
	return r->kind == AXAS_REGION_LINEAR;
}

static bool axas_region_is_ro_user(const struct axas_region *r)
{
	return r->kind == AXAS_REGION_USER && !r->pin_write;
}

static struct axas_region *axas_region_alloc(u64 gpa, u64 size, u32 flags,
					     enum axas_region_kind kind)
{
	struct axas_region *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);

	if (r) {
		r->start = gpa;
		r->end = gpa + size;
		r->flags = flags;
		r->kind = kind;
	}
	return r;
}

/* ---- mapping -------------------------------------------------------------- */

static long axas_ioc_set_user_region(struct axas_dev_space *ds,
				     void __user *argp)
{
	struct axas_user_region req;
	long ret;

	/* Guest pages are 4 KiB: pinning whole host pages needs the same. */
	if (PAGE_SIZE != SZ_4K)
		return -ENOTTY;
	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    !axas_flags_ok(req.flags, AXAS_MEM_PROT | AXAS_MEM_NOBLOCK) ||
	    !IS_ALIGNED(req.user_addr, SZ_4K))
		return -EINVAL;
	ret = axas_check_range(ds, req.guest_addr, req.size);
	if (ret)
		return ret;
	if (!access_ok(u64_to_user_ptr(req.user_addr), req.size))
		return -EFAULT;

	mutex_lock(&ds->lock);
	ret = axas_region_set_user(ds, req.guest_addr, req.size,
				   req.user_addr, req.flags);
	mutex_unlock(&ds->lock);
	return ret;
}

static long axas_ioc_map_alloc(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_range req;
	struct axas_region *r;
	bool populate;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.host_addr ||
	    !axas_flags_ok(req.flags, AXAS_MEM_PROT | AXAS_MEM_NOBLOCK |
			   AXAS_MEM_POPULATE))
		return -EINVAL;
	ret = axas_check_range(ds, req.guest_addr, req.size);
	if (ret)
		return ret;
	populate = req.flags & AXAS_MEM_POPULATE;

	mutex_lock(&ds->lock);
	if (!axas_region_free(ds, req.guest_addr, req.guest_addr + req.size)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	if (axas_over_limit(ds, populate ? req.size : 0)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	r = axas_region_alloc(req.guest_addr, req.size,
			      req.flags & AXAS_MEM_PROT, AXAS_REGION_ALLOC);
	if (!r) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = axas_map_alloc(ds->as, req.guest_addr, req.size,
			     req.flags & ~AXAS_MEM_POPULATE, populate);
	if (ret)
		kfree(r);
	else
		axas_region_insert(ds, r);
out_unlock:
	mutex_unlock(&ds->lock);
	return ret;
}

static long axas_ioc_map_linear(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_range req;
	struct axas_region *r;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (req.reserved ||
	    !axas_flags_ok(req.flags, AXAS_MEM_PROT | AXAS_MEM_DEVICE |
			   AXAS_MEM_NOBLOCK) ||
	    !IS_ALIGNED(req.host_addr, SZ_4K))
		return -EINVAL;
	ret = axas_check_range(ds, req.guest_addr, req.size);
	if (ret)
		return ret;
	if (req.host_addr + req.size < req.host_addr ||
	    req.host_addr + req.size > BIT_ULL(axas_host_pa_bits()))
		return -ERANGE;

	mutex_lock(&ds->lock);
	if (!axas_region_free(ds, req.guest_addr, req.guest_addr + req.size)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	r = axas_region_alloc(req.guest_addr, req.size,
			      req.flags & (AXAS_MEM_PROT | AXAS_MEM_DEVICE),
			      AXAS_REGION_LINEAR);
	if (!r) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = axas_map_linear(ds->as, req.guest_addr, req.host_addr, req.size,
			      req.flags);
	if (ret)
		kfree(r);
	else
		axas_region_insert(ds, r);
out_unlock:
	mutex_unlock(&ds->lock);
	return ret;
}

static long axas_ioc_unmap(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_region *spare[AXAS_REGION_SPARES] = { };
	struct axas_range req;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.host_addr || req.flags)
		return -EINVAL;
	ret = axas_check_range(ds, req.guest_addr, req.size);
	if (ret)
		return ret;

	ret = axas_region_spares_alloc(spare);
	if (ret)
		goto out_free;
	mutex_lock(&ds->lock);
	ret = axas_unmap(ds->as, req.guest_addr, req.size);
	if (!ret)
		axas_region_unmap(ds, req.guest_addr,
				  req.guest_addr + req.size, spare);
	mutex_unlock(&ds->lock);
out_free:
	axas_region_spares_free(spare);
	return ret;
}

static long axas_ioc_protect(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_region *spare[AXAS_REGION_SPARES] = { };
	struct axas_range req;
	u64 end;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.host_addr ||
	    !axas_flags_ok(req.flags, AXAS_MEM_PROT))
		return -EINVAL;
	ret = axas_check_range(ds, req.guest_addr, req.size);
	if (ret)
		return ret;
	end = req.guest_addr + req.size;

	ret = axas_region_spares_alloc(spare);
	if (ret)
		goto out_free;
	mutex_lock(&ds->lock);
	if (!axas_region_covered(ds, req.guest_addr, end))
		ret = -ENOENT;
	else if ((req.flags & AXAS_MEM_WRITE) &&
		 axas_region_any(ds, req.guest_addr, end,
				 axas_region_is_ro_user))
		ret = -EACCES;
	else
		ret = axas_protect(ds->as, req.guest_addr, req.size,
				   req.flags);
	if (!ret)
		axas_region_protect(ds, req.guest_addr, end, req.flags, spare);
	mutex_unlock(&ds->lock);
out_free:
	axas_region_spares_free(spare);
	return ret;
}

/* ---- looking at the space ------------------------------------------------- */

static long axas_ioc_translate(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_translation t;
	struct axas_xlate req;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	ret = axas_translate(ds->as, req.guest_addr, &t);
	if (ret)
		return ret;

	/* Withholding an address is no denial: do not audit it. */
	req.host_addr = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN) ?
			t.hpa : 0;
	req.leaf_size = t.leaf_size;
	req.flags = t.flags;
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long axas_ioc_guest_rw(struct axas_dev_space *ds, void __user *argp,
			      bool write)
{
	struct axas_rw req;
	void __user *ubuf;
	void *buf;
	u64 end;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.size || req.size > AXAS_MAX_RW || req.flags || req.reserved)
		return -EINVAL;
	end = req.guest_addr + req.size;
	if (end < req.guest_addr || req.guest_addr < ds->base || end > ds->end)
		return -ERANGE;
	ubuf = u64_to_user_ptr(req.buf);

	buf = kvmalloc(req.size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	/* All of it first: a write either happens whole or not at all. */
	if (write && copy_from_user(buf, ubuf, req.size)) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&ds->lock);
	if (axas_region_any(ds, req.guest_addr, end, axas_region_is_linear) &&
	    !capable(CAP_SYS_RAWIO))
		ret = -EPERM;
	else if (write && axas_region_any(ds, req.guest_addr, end,
					  axas_region_is_ro_user))
		ret = -EACCES;
	else if (write)
		ret = axas_write(ds->as, req.guest_addr, buf, req.size);
	else
		ret = axas_read(ds->as, req.guest_addr, buf, req.size);
	mutex_unlock(&ds->lock);

	if (!ret && !write && copy_to_user(ubuf, buf, req.size))
		ret = -EFAULT;
out_free:
	kvfree(buf);
	return ret;
}

/**
 * axas_dev_fault() - serve a fault on a space fd, within max_space_mb
 * @ds: the space fd.
 * @gpa: faulting guest-physical address, inside the space.
 * @access: AXAS_MEM_READ, WRITE or EXEC (one or more).
 * @spurious: as for axas_fault().
 *
 * Context: process context, may sleep; takes the space lock shared, not
 * &axas_dev_space.lock, so that the vCPUs of a space fault in parallel.
 * Return: as axas_handle_fault(), or -ENOSPC when the frame and tables it
 * would install take the space beyond max_space_mb.
 */
int axas_dev_fault(struct axas_dev_space *ds, u64 gpa, u32 access,
		   bool *spurious)
{
	u64 limit = ((u64)READ_ONCE(axas_max_space_mb) << 20) / SZ_4K;

	/* The space charges the limit atomically: no lock of ours here. */
	return axas_fault_capped(ds->as, gpa, access, limit, spurious);
}

static long axas_ioc_fault(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_fault req;
	bool spurious;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    !req.access || (req.access & ~AXAS_MEM_PROT))
		return -EINVAL;
	if (req.guest_addr < ds->base || req.guest_addr >= ds->end)
		return -ERANGE;
	return axas_dev_fault(ds, req.guest_addr, req.access, &spurious);
}

static long axas_ioc_get_stats(struct axas_dev_space *ds, void __user *argp)
{
	struct axas_space_stats out = { };
	struct axas_stats st;

	axas_get_stats(ds->as, &st);
	out.table_pages = st.table_pages;
	out.data_pages = st.data_pages;
	out.pinned_pages = READ_ONCE(ds->pinned_pages);
	out.mapped_4k = st.mapped[0];
	out.mapped_2m = st.mapped[1];
	out.mapped_1g = st.mapped[2];
	out.faults = st.faults;
	out.spurious_faults = st.spurious_faults;
	out.tlb_flushes = st.tlb_flushes;
	out.vmid = axas_vmid(ds->as);
	out.format = ds->format;
	out.ia_bits = ds->ia_bits;
	out.base = ds->base;
	out.size = ds->end - ds->base;
	if (copy_to_user(argp, &out, sizeof(out)))
		return -EFAULT;
	return 0;
}

/* ---- dump ------------------------------------------------------------------- */

struct axas_dump_rec {
	phys_addr_t pa;
	u64 gpa;
	u32 level;
};

struct axas_dump_walk {
	struct axas_dump_rec *recs;
	unsigned long cap;
	unsigned long nr;
};

/* Under the space's read lock: note each table below the root. */
static int axas_dump_visit(void *arg, const struct axas_entry *e)
{
	struct axas_dump_walk *w = arg;

	if (!e->table)
		return 0;
	if (w->nr < w->cap) {
		w->recs[w->nr].pa = e->pa;
		w->recs[w->nr].gpa = e->gpa;
		w->recs[w->nr].level = e->level - 1;
	}
	w->nr++;
	return 0;
}

/*
 * The tables below the root, in guest address order. With the fd's mutex
 * held nothing adds or frees a table, so the count of the first walk
 * holds for the second; -EAGAIN if it did not.
 */
static int axas_dump_collect(struct axas_dev_space *ds,
			     struct axas_dump_walk *w)
{
	u64 size = ds->end - ds->base;
	int ret;

	ret = axas_walk_entries(ds->as, ds->base, size, axas_dump_visit, w);
	if (ret || !w->nr)
		return ret;
	w->cap = w->nr;
	w->nr = 0;
	w->recs = kvmalloc_array(w->cap, sizeof(*w->recs),
				 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!w->recs)
		return -ENOMEM;
	ret = axas_walk_entries(ds->as, ds->base, size, axas_dump_visit, w);
	if (!ret && w->nr != w->cap)
		ret = -EAGAIN;
	return ret;
}

static int axas_dump_put(void __user **pos, phys_addr_t pa, u64 gpa,
			 u32 level, u32 bytes, const void *va)
{
	struct axas_dump_table hdr = {
		.phys = pa,
		.guest_addr = gpa,
		.level = level,
		.bytes = bytes,
	};

	if (copy_to_user(*pos, &hdr, sizeof(hdr)) ||
	    copy_to_user(*pos + sizeof(hdr), va, bytes))
		return -EFAULT;
	*pos += sizeof(hdr) + bytes;
	return 0;
}

/* The records: the root, then every table of @w. Under the fd's mutex. */
static int axas_dump_write(struct axas_dev_space *ds,
			   const struct axas_dump_walk *w, void __user *buf)
{
	const struct axas_pgtable *pgt = &ds->as->pgt;
	const struct axas_hal *hal = ds->as->hal;
	unsigned long i;
	int ret;

	ret = axas_dump_put(&buf, pgt->root_pa, 0, pgt->geo.top_level,
			    SZ_4K << pgt->geo.root_order, pgt->root);
	for (i = 0; !ret && i < w->nr; i++) {
		const struct axas_dump_rec *rec = &w->recs[i];

		ret = axas_dump_put(&buf, rec->pa, rec->gpa, rec->level, SZ_4K,
				    hal->ops->phys_to_virt(hal->priv, rec->pa));
	}
	return ret;
}

static long axas_ioc_dump(struct axas_dev_space *ds, void __user *argp)
{
	const struct axas_pgtable *pgt = &ds->as->pgt;
	struct axas_dump_walk w = { };
	struct axas_hw_regs regs;
	struct axas_dump req;
	u64 need;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	mutex_lock(&ds->lock);
	ret = axas_dump_collect(ds, &w);
	if (ret)
		goto out_unlock;
	need = sizeof(struct axas_dump_table) * (1 + w.nr) +
	       (SZ_4K << pgt->geo.root_order) + SZ_4K * (u64)w.nr;
	if (req.buf_size < need)
		ret = -ENOSPC;
	else
		ret = axas_dump_write(ds, &w, u64_to_user_ptr(req.buf));
	axas_hw_regs(ds->as, &regs);
	req.buf_size = need;
	req.root = regs.root;
	req.ctl = regs.ctl;
	req.nr_tables = 1 + w.nr;
out_unlock:
	mutex_unlock(&ds->lock);
	kvfree(w.recs);

	/* Too small: the caller learns the size it needs. */
	if ((!ret || ret == -ENOSPC) && copy_to_user(argp, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}

/* ---- the space fd ------------------------------------------------------------ */

static long axas_space_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct axas_dev_space *ds = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case AXAS_SET_USER_REGION:
		return axas_ioc_set_user_region(ds, argp);
	case AXAS_MAP_ALLOC:
		return axas_ioc_map_alloc(ds, argp);
	case AXAS_MAP_LINEAR:
		return axas_ioc_map_linear(ds, argp);
	case AXAS_UNMAP:
		return axas_ioc_unmap(ds, argp);
	case AXAS_PROTECT:
		return axas_ioc_protect(ds, argp);
	case AXAS_TRANSLATE:
		return axas_ioc_translate(ds, argp);
	case AXAS_GUEST_READ:
		return axas_ioc_guest_rw(ds, argp, false);
	case AXAS_GUEST_WRITE:
		return axas_ioc_guest_rw(ds, argp, true);
	case AXAS_FAULT:
		return axas_ioc_fault(ds, argp);
	case AXAS_GET_STATS:
		return axas_ioc_get_stats(ds, argp);
	case AXAS_DUMP:
		return axas_ioc_dump(ds, argp);
	case AXAS_CREATE_VCPU:
		return axas_vcpu_create(file, arg);
	}
	return -ENOTTY;
}

/* The last reference to the fd is gone: no ioctl runs on it any more. */
static int axas_space_release(struct inode *inode, struct file *file)
{
	struct axas_dev_space *ds = file->private_data;

	/* Unmaps everything and flushes the TLB before the pages go back. */
	axas_space_destroy(ds->as);
	axas_region_release_all(ds);
	mutex_destroy(&ds->lock);
	kfree(ds);
	atomic_dec(&axas_stats.spaces);
	return 0;
}

static const struct file_operations axas_space_fops = {
	.owner		= THIS_MODULE,
	.release	= axas_space_release,
	.unlocked_ioctl	= axas_space_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* ---- /dev/axaddrspace --------------------------------------------------------- */

static long axas_check_extension(unsigned long ext)
{
	switch (ext) {
	case AXAS_CAP_FORMATS:
		return BIT(AXAS_FMT_COUNT) - 1;
	case AXAS_CAP_USER_REGION:
		return PAGE_SIZE == SZ_4K;
	case AXAS_CAP_MAP_LINEAR:
	case AXAS_CAP_LAZY_ALLOC:
	case AXAS_CAP_FAULT:
	case AXAS_CAP_DUMP:
	case AXAS_CAP_EPT_AD:
		return 1;
	case AXAS_CAP_MAX_SPACES:
		return READ_ONCE(axas_max_spaces);
	case AXAS_CAP_MAX_SPACE_MB:
		return READ_ONCE(axas_max_space_mb);
	case AXAS_CAP_MAX_RW:
		return AXAS_MAX_RW;
	case AXAS_CAP_NATIVE_FORMAT:
		return axas_native_format();
	case AXAS_CAP_VCPU:
		return axas_vcpu_supported() ? AXAS_MAX_VCPUS : 0;
	case AXAS_CAP_TEST_HOOKS:
		return READ_ONCE(axas_test_hooks);
	case AXAS_CAP_VCPU_FORMAT:
		return axas_vcpu_format_cap();
	case AXAS_CAP_GUEST_IRQ:
		return axas_vcpu_supported() && axas_arch_vcpu_has_irq();
	}
	if (ext >= AXAS_CAP_IA_BITS_BASE)
		return axas_ia_bits_mask(ext - AXAS_CAP_IA_BITS_BASE);
	return 0;
}

static int axas_check_create(const struct axas_create_space *req)
{
	if ((req->flags & ~(AXAS_SPACE_EPT_AD | AXAS_SPACE_TEST_WRONG_LEAF)) ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->ia_bits < 32 || req->ia_bits >= 64 ||
	    !(axas_ia_bits_mask(req->format) & BIT(req->ia_bits - 32)))
		return -EINVAL;
	if ((req->flags & AXAS_SPACE_EPT_AD) && req->format != AXAS_FORMAT_EPT)
		return -EINVAL;
	if (!req->size || !IS_ALIGNED(req->base | req->size, SZ_4K))
		return -EINVAL;
	if (req->base + req->size < req->base ||
	    req->base + req->size > BIT_ULL(req->ia_bits))
		return -ERANGE;
	if ((req->flags & AXAS_SPACE_TEST_WRONG_LEAF) &&
	    !READ_ONCE(axas_test_hooks))
		return -EPERM;
	return 0;
}

static long axas_create_space(void __user *argp)
{
	struct axas_create_space req;
	struct axas_space_cfg cfg = { };
	struct axas_dev_space *ds;
	struct axas_space *as;
	long ret;
	int fd;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = axas_check_create(&req);
	if (ret)
		return ret;

	if ((unsigned int)atomic_inc_return(&axas_stats.spaces) >
	    READ_ONCE(axas_max_spaces)) {
		ret = -ENOSPC;
		goto out_dec;
	}
	ds = kzalloc(sizeof(*ds), GFP_KERNEL_ACCOUNT);
	if (!ds) {
		ret = -ENOMEM;
		goto out_dec;
	}
	cfg.format = req.format;
	cfg.ia_bits = req.ia_bits;
	cfg.base = req.base;
	cfg.size = req.size;
	cfg.flags = req.flags & AXAS_SPACE_EPT_AD ? AXAS_CFG_EPT_AD : 0;
	if (req.flags & AXAS_SPACE_TEST_WRONG_LEAF)
		cfg.flags |= AXAS_CFG_TEST_WRONG_LEAF;
	as = axas_space_create(&cfg);
	if (IS_ERR(as)) {
		ret = PTR_ERR(as);
		goto out_free;
	}
	ds->as = as;
	mutex_init(&ds->lock);
	INIT_LIST_HEAD(&ds->regions);
	ds->format = req.format;
	ds->ia_bits = req.ia_bits;
	ds->base = req.base;
	ds->end = req.base + req.size;

	fd = anon_inode_getfd("axas-space", &axas_space_fops, ds,
			      O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	ret = fd;
	mutex_destroy(&ds->lock);
	axas_space_destroy(as);
out_free:
	kfree(ds);
out_dec:
	atomic_dec(&axas_stats.spaces);
	return ret;
}

static long axas_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case AXAS_GET_API_VERSION:
		return arg ? -EINVAL : AXAS_API_VERSION;
	case AXAS_CHECK_EXTENSION:
		return axas_check_extension(arg);
	case AXAS_CREATE_SPACE:
		return axas_create_space((void __user *)arg);
	}
	return -ENOTTY;
}

const struct file_operations axas_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= axas_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
