/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * axaddrspace: guest address spaces for userspace VMM tools.
 *
 * /dev/axaddrspace answers the system ioctls (AXAS_GET_API_VERSION,
 * AXAS_CHECK_EXTENSION, AXAS_CREATE_SPACE). AXAS_CREATE_SPACE returns a
 * file descriptor for one guest address space; the space ioctls below act
 * on that descriptor. The space lives until its last descriptor is closed.
 *
 * Conventions, as in KVM: every structure is made of __u64 and __u32
 * fields with explicit padding, so it has one layout on every ABI and
 * 32-bit callers go through compat_ptr_ioctl unchanged. Fields named
 * "reserved" and flag bits not defined here must be zero (-EINVAL).
 * Unknown ioctl numbers fail with -ENOTTY. A call that fails changes
 * nothing. Documentation/axaddrspace-uapi.rst lists the errors of each
 * call.
 */
#ifndef _UAPI_LINUX_AXADDRSPACE_H
#define _UAPI_LINUX_AXADDRSPACE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Free in Documentation/userspace-api/ioctl/ioctl-number.rst (6.12). */
#define AXAS_IOCTL_MAGIC	0xBA

#define AXAS_API_VERSION	1

/* Formats (struct axas_create_space.format). */
#define AXAS_FORMAT_EPT			0	/* Intel EPT */
#define AXAS_FORMAT_ARM_S2		1	/* AArch64 Stage-2, 4 KiB granule */
#define AXAS_FORMAT_RISCV_GSTAGE	2	/* RISC-V G-stage (Sv39x4/Sv48x4) */
#define AXAS_FORMAT_AMD_NPT		3	/* AMD nested paging (4-level) */

/*
 * Extensions for AXAS_CHECK_EXTENSION. The ioctl returns 0 when the
 * extension is absent and a positive value when it is present.
 */
#define AXAS_CAP_FORMATS	1	/* mask of (1 << AXAS_FORMAT_*) */
#define AXAS_CAP_USER_REGION	2	/* AXAS_SET_USER_REGION */
#define AXAS_CAP_MAP_LINEAR	3	/* AXAS_MAP_LINEAR (CAP_SYS_RAWIO) */
#define AXAS_CAP_LAZY_ALLOC	4	/* AXAS_MAP_ALLOC without POPULATE */
#define AXAS_CAP_FAULT		5	/* AXAS_FAULT */
#define AXAS_CAP_DUMP		6	/* AXAS_DUMP (CAP_SYS_ADMIN) */
#define AXAS_CAP_MAX_SPACES	7	/* spaces that may exist at once */
#define AXAS_CAP_MAX_SPACE_MB	8	/* table + frame memory per space, MiB */
#define AXAS_CAP_MAX_RW		9	/* largest AXAS_GUEST_READ/WRITE, bytes */
#define AXAS_CAP_NATIVE_FORMAT	10	/* 1 + the format this CPU walks */
#define AXAS_CAP_EPT_AD		11	/* AXAS_SPACE_EPT_AD */
#define AXAS_CAP_VCPU		12	/* vCPUs per space; 0: no guests here */
#define AXAS_CAP_TEST_HOOKS	13	/* loaded with test_hooks=1 */
#define AXAS_CAP_VCPU_FORMAT	14	/* 1 + the format vCPUs walk; 0: none */
#define AXAS_CAP_GUEST_IRQ	15	/* AXAS_SET_IRQ, AXAS_SET_TIMER, WFI */
/*
 * AXAS_CAP_IA_BITS(format): mask of the guest-physical widths the format
 * takes; bit (w - 32) stands for w bits. 0 for an unknown format.
 */
#define AXAS_CAP_IA_BITS_BASE	0x100
#define AXAS_CAP_IA_BITS(format)	(AXAS_CAP_IA_BITS_BASE + (format))

/* Permissions and attributes of a guest range (the flags of most calls). */
#define AXAS_MEM_READ		(1U << 0)	/* mandatory in every mapping */
#define AXAS_MEM_WRITE		(1U << 1)
#define AXAS_MEM_EXEC		(1U << 2)
#define AXAS_MEM_DEVICE		(1U << 3)	/* MAP_LINEAR only: UC / nGnRE */
#define AXAS_MEM_NOBLOCK	(1U << 8)	/* 4 KiB leaves only */
#define AXAS_MEM_POPULATE	(1U << 9)	/* MAP_ALLOC: allocate now */

/**
 * struct axas_create_space - AXAS_CREATE_SPACE argument
 * @format: AXAS_FORMAT_*.
 * @ia_bits: guest-physical width: EPT 48 or 57; Stage-2 32 to 48;
 *	G-stage 41 or 50; NPT 48 (see AXAS_CAP_IA_BITS).
 * @base: first guest-physical address, 4 KiB aligned.
 * @size: bytes, 4 KiB aligned, non-zero; @base + @size <= 2^@ia_bits.
 * @flags: AXAS_SPACE_*.
 * @reserved: zero.
 */
struct axas_create_space {
	__u32 format;
	__u32 ia_bits;
	__u64 base;
	__u64 size;
	__u32 flags;
	__u32 reserved[5];
};

#define AXAS_SPACE_EPT_AD	(1U << 0)	/* EPT accessed/dirty flags */
/*
 * Test only, and only when the module was loaded with test_hooks=1: the
 * leaves that guest faults install are wrong in the way the hardware must
 * reject (G-stage: U clear; Stage-2: AF clear; NPT: U/S clear; EPT: R
 * clear, which makes a writable leaf a misconfiguration),
 * so that guest tests can show they tell a wrong table from a right one.
 */
#define AXAS_SPACE_TEST_WRONG_LEAF	(1U << 1)

/**
 * struct axas_user_region - AXAS_SET_USER_REGION argument
 * @guest_addr: first guest-physical address, 4 KiB aligned.
 * @size: bytes, 4 KiB aligned, non-zero.
 * @user_addr: the caller's memory that backs the range, 4 KiB aligned. It
 *	is pinned (counted in RLIMIT_MEMLOCK) until unmapped or the space is
 *	closed.
 * @flags: AXAS_MEM_READ (mandatory), AXAS_MEM_WRITE (pins for writing:
 *	the memory must be writable), AXAS_MEM_EXEC, AXAS_MEM_NOBLOCK.
 *	Without AXAS_MEM_WRITE the region is read-only for good: neither
 *	AXAS_PROTECT nor AXAS_GUEST_WRITE can make it writable.
 * @reserved: zero.
 */
struct axas_user_region {
	__u64 guest_addr;
	__u64 size;
	__u64 user_addr;
	__u32 flags;
	__u32 reserved[3];
};

/**
 * struct axas_range - argument of AXAS_MAP_ALLOC, AXAS_MAP_LINEAR,
 *	AXAS_UNMAP and AXAS_PROTECT
 * @guest_addr: first guest-physical address, 4 KiB aligned.
 * @size: bytes, 4 KiB aligned, non-zero.
 * @host_addr: AXAS_MAP_LINEAR: host-physical address, 4 KiB aligned;
 *	zero for the other calls.
 * @flags: MAP_ALLOC: READ (mandatory), WRITE, EXEC, NOBLOCK, POPULATE.
 *	MAP_LINEAR: READ (mandatory), WRITE, EXEC, DEVICE, NOBLOCK.
 *	PROTECT: READ (mandatory), WRITE, EXEC. UNMAP: zero.
 * @reserved: zero.
 */
struct axas_range {
	__u64 guest_addr;
	__u64 size;
	__u64 host_addr;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct axas_xlate - AXAS_TRANSLATE argument
 * @guest_addr: in: any guest-physical address in the space.
 * @host_addr: out: host-physical address of that byte, for CAP_SYS_ADMIN
 *	only; 0 for other callers.
 * @leaf_size: out: bytes mapped by the leaf (4 KiB, 2 MiB or 1 GiB).
 * @flags: out: AXAS_MEM_READ/WRITE/EXEC/DEVICE of the leaf.
 * @reserved: in: zero.
 */
struct axas_xlate {
	__u64 guest_addr;
	__u64 host_addr;
	__u64 leaf_size;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct axas_rw - AXAS_GUEST_READ and AXAS_GUEST_WRITE argument
 * @guest_addr: guest-physical address, any alignment.
 * @size: bytes, 1 to AXAS_CAP_MAX_RW; may cross pages and leaves.
 * @buf: the caller's buffer.
 * @flags: zero.
 * @reserved: zero.
 */
struct axas_rw {
	__u64 guest_addr;
	__u64 size;
	__u64 buf;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct axas_fault - AXAS_FAULT argument: a nested fault, as a VM exit
 *	reports it
 * @guest_addr: faulting guest-physical address.
 * @access: AXAS_MEM_READ, AXAS_MEM_WRITE or AXAS_MEM_EXEC (one or more).
 * @reserved: zero.
 */
struct axas_fault {
	__u64 guest_addr;
	__u32 access;
	__u32 reserved[3];
};

/**
 * struct axas_space_stats - AXAS_GET_STATS result
 * @table_pages: pages of table memory, root included.
 * @data_pages: frames the space allocated for MAP_ALLOC ranges.
 * @pinned_pages: pages of the caller's memory pinned by user regions.
 * @mapped_4k: bytes mapped by 4 KiB leaves.
 * @mapped_2m: bytes mapped by 2 MiB leaves.
 * @mapped_1g: bytes mapped by 1 GiB leaves.
 * @faults: faults that installed a mapping.
 * @spurious_faults: faults on a page already present and permitted.
 * @tlb_flushes: TLB invalidations issued.
 * @vmid: the space's VMID.
 * @format: AXAS_FORMAT_*.
 * @ia_bits: guest-physical width.
 * @reserved0: zero.
 * @base: first guest-physical address of the space.
 * @size: bytes of the space.
 * @reserved: zero.
 */
struct axas_space_stats {
	__u64 table_pages;
	__u64 data_pages;
	__u64 pinned_pages;
	__u64 mapped_4k;
	__u64 mapped_2m;
	__u64 mapped_1g;
	__u64 faults;
	__u64 spurious_faults;
	__u64 tlb_flushes;
	__u32 vmid;
	__u32 format;
	__u32 ia_bits;
	__u32 reserved0;
	__u64 base;
	__u64 size;
	__u64 reserved[4];
};

/**
 * struct axas_dump - AXAS_DUMP argument: the raw table, for decoders
 * @buf: in: where to write the records.
 * @buf_size: in: bytes at @buf; out: bytes the dump takes. When it does
 *	not fit, nothing is written and the call fails with -ENOSPC.
 * @root: out: the register that points hardware at the table: EPTP,
 *	VTTBR_EL2 or hgatp (VMID included), or nCR3 (no ASID in it).
 * @ctl: out: VTCR_EL2 for Stage-2; 0 otherwise.
 * @nr_tables: out: records written.
 * @flags: in: zero.
 * @reserved: zero.
 *
 * @buf receives @nr_tables records, the root first, then the other tables
 * in guest address order: a struct axas_dump_table followed by
 * @bytes of raw table memory, as the hardware reads it.
 */
struct axas_dump {
	__u64 buf;
	__u64 buf_size;
	__u64 root;
	__u64 ctl;
	__u32 nr_tables;
	__u32 flags;
	__u64 reserved[2];
};

/**
 * struct axas_dump_table - one table in an AXAS_DUMP buffer
 * @phys: host-physical address of the table.
 * @guest_addr: first guest-physical address the table covers.
 * @level: level of its entries: 0 maps 4 KiB, 1 maps 2 MiB, and so on.
 * @bytes: bytes of table memory that follow (4096; more for a
 *	concatenated Stage-2 or a G-stage root).
 */
struct axas_dump_table {
	__u64 phys;
	__u64 guest_addr;
	__u32 level;
	__u32 bytes;
};

/**
 * struct axas_regs - AXAS_GET_REGS / AXAS_SET_REGS argument
 * @pc: the guest's program counter (RISC-V sepc of the guest; arm64
 *	ELR_EL2, 4-byte aligned on SET; x86 RIP).
 * @gpr: general-purpose registers. RISC-V: x0 to x31, where x0 reads as 0
 *	and must be 0 on SET. arm64: gpr[0] to gpr[30] are x0 to x30,
 *	gpr[31] is SP_EL1. x86: gpr[0] to gpr[15] are RAX, RCX, RDX, RBX,
 *	RSP, RBP, RSI, RDI, R8 to R15 (the ModRM order); gpr[16] to gpr[31]
 *	read as 0 and must be 0 on SET.
 * @arch: architecture state beyond the above; 0 on RISC-V (the guest
 *	starts in VS-mode with vsatp Bare) and on arm64 (the guest starts at
 *	EL1h with DAIF masked and its MMU off; SET starts it so again).
 *	x86: arch[0] is CR3, page aligned and below the end of the space;
 *	SET starts the guest in 64-bit mode at CPL 0 with paging on (CR0
 *	PE, MP, ET, NE, WP, PG; CR4 PAE; EFER LME, LMA, NXE), flat segments
 *	and RFLAGS 0x2 (interrupts off). arch[1..7] are 0.
 *	Must be 0 where undefined.
 */
struct axas_regs {
	__u64 pc;
	__u64 gpr[32];
	__u64 arch[8];
};

/* Why AXAS_RUN returned (struct axas_run.exit_reason). */
#define AXAS_EXIT_NONE			0
#define AXAS_EXIT_HYPERCALL		1
#define AXAS_EXIT_MMIO			2
#define AXAS_EXIT_PERMISSION		3
#define AXAS_EXIT_INTERNAL_ERROR	4
#define AXAS_EXIT_INTR			5	/* a signal: RUN said -EINTR */
#define AXAS_EXIT_SYSREG		6
#define AXAS_EXIT_IO			7	/* x86 IN or OUT */
#define AXAS_EXIT_HLT			8	/* x86 HLT */

/**
 * struct axas_exit_hypercall - the guest called the hypervisor
 * @nr: call number (RISC-V: a7 of an ECALL from VS-mode; arm64: x8 of an
 *	HVC from EL1, any immediate; x86: RAX of a VMMCALL or VMCALL).
 * @args: arguments (RISC-V: a0 to a5; arm64: x0 to x5; x86: RDI, RSI,
 *	RDX, R10, R8, R9).
 * @ret: in, on the next AXAS_RUN: the guest's return value (RISC-V: a0;
 *	arm64: x0; x86: RAX).
 *
 * The next AXAS_RUN resumes the guest after the call. On RISC-V this is
 * the SBI exit: every SBI call of the guest (a7 the extension, a6 the
 * function) comes here, and userspace implements the SBI, returning the
 * error in @ret (a0) and a value in a1 through AXAS_SET_REGS if the call
 * has one; AXAS_SET_TIMER is the TIME extension's set_timer.
 */
struct axas_exit_hypercall {
	__u64 nr;
	__u64 args[6];
	__u64 ret;
};

/**
 * struct axas_exit_mmio - a load or store at a guest address nothing maps
 * @guest_addr: the guest-physical address accessed.
 * @data: the value stored, in the low @len bytes; for a load, userspace
 *	puts the value loaded here before the next AXAS_RUN, which writes it
 *	(sign- or zero-extended as the instruction says) to the guest's
 *	register and resumes after the instruction.
 * @len: access width: 1, 2, 4 or 8 bytes.
 * @is_write: 1 for a store, 0 for a load.
 */
struct axas_exit_mmio {
	__u64 guest_addr;
	__u64 data;
	__u32 len;
	__u32 is_write;
};

/**
 * struct axas_exit_permission - an access the mapping does not permit
 * @guest_addr: the guest-physical address accessed.
 * @access: AXAS_MEM_READ, AXAS_MEM_WRITE or AXAS_MEM_EXEC.
 * @reserved: 0.
 *
 * The next AXAS_RUN retries the access (after, say, AXAS_PROTECT).
 */
struct axas_exit_permission {
	__u64 guest_addr;
	__u32 access;
	__u32 reserved;
};

/*
 * struct axas_exit_sysreg.encoding of an AArch64 system register: its
 * MRS/MSR operands, placed as the kernel's sys_reg() places them.
 */
#define AXAS_SYSREG(op0, op1, crn, crm, op2)				\
	(((op0) << 19) | ((op1) << 16) | ((crn) << 12) | ((crm) << 8) |	\
	 ((op2) << 5))

/**
 * struct axas_exit_sysreg - a trapped system-register access (arm64)
 * @data: MSR: the value written. MRS: userspace puts the value read here
 *	before the next AXAS_RUN, which writes it to the guest's register.
 * @encoding: AXAS_SYSREG() of the register.
 * @is_write: 1 for MSR, 0 for MRS.
 *
 * The next AXAS_RUN resumes after the instruction: userspace emulates the
 * register (an MSR changes nothing unless userspace acts on it).
 */
struct axas_exit_sysreg {
	__u64 data;
	__u32 encoding;
	__u32 is_write;
};

/**
 * struct axas_exit_io - an x86 IN or OUT (not the string forms)
 * @data: OUT: the value written (AL, AX or EAX). IN: userspace puts the
 *	value read here before the next AXAS_RUN, which writes it to AL or
 *	AX (the rest of RAX kept) or EAX (zero-extended into RAX).
 * @port: the I/O port, 0 to 0xffff.
 * @size: bytes: 1, 2 or 4.
 * @is_write: 1 for OUT, 0 for IN.
 * @reserved: 0.
 *
 * The next AXAS_RUN resumes after the instruction.
 */
struct axas_exit_io {
	__u64 data;
	__u32 port;
	__u32 size;
	__u32 is_write;
	__u32 reserved;
};

/*
 * struct axas_exit_internal.suberror. TRAP on RISC-V: scause, stval, pc,
 * htval; on arm64: ESR_EL2, FAR_EL2, pc, HPFAR_EL2; on x86: exit code
 * (SVM) or basic exit reason (VMX), EXITINFO1 or the exit qualification,
 * RIP, EXITINFO2 or the guest-physical address (EPT misconfiguration: 49
 * and the address).
 */
#define AXAS_INTERNAL_TRAP		1	/* cause, tval, pc, aux */
#define AXAS_INTERNAL_DECODE		2	/* gpa, pc, insn */
#define AXAS_INTERNAL_EXEC_MMIO		3	/* gpa, pc */
#define AXAS_INTERNAL_ENTRY_REJECTED	4	/* gpa, access, pte */

/**
 * struct axas_exit_internal - the kernel cannot go on with this guest
 * @suberror: AXAS_INTERNAL_*.
 * @ndata: entries of @data used.
 * @data: details, as listed with each suberror.
 *
 * AXAS_INTERNAL_TRAP: the guest took a trap the kernel does not handle.
 * AXAS_INTERNAL_DECODE: an MMIO access by an instruction the kernel does
 * not decode. AXAS_INTERNAL_EXEC_MMIO: an instruction fetch from an
 * unmapped address. AXAS_INTERNAL_ENTRY_REJECTED: the hardware faults
 * again and again on an entry that the table holds and that permits the
 * access (a wrong entry, see AXAS_SPACE_TEST_WRONG_LEAF). The next
 * AXAS_RUN retries the instruction.
 */
struct axas_exit_internal {
	__u32 suberror;
	__u32 ndata;
	__u64 data[6];
};

/**
 * union axas_exit - details of an exit; which member by the exit reason
 * @hypercall: AXAS_EXIT_HYPERCALL.
 * @mmio: AXAS_EXIT_MMIO.
 * @permission: AXAS_EXIT_PERMISSION.
 * @internal: AXAS_EXIT_INTERNAL_ERROR.
 * @sysreg: AXAS_EXIT_SYSREG.
 * @io: AXAS_EXIT_IO.
 * @pad: the size of the union, for later exits.
 */
union axas_exit {
	struct axas_exit_hypercall hypercall;
	struct axas_exit_mmio mmio;
	struct axas_exit_permission permission;
	struct axas_exit_internal internal;
	struct axas_exit_sysreg sysreg;
	struct axas_exit_io io;
	__u64 pad[16];
};

/**
 * struct axas_run - AXAS_RUN argument: completion in, exit record out
 * @exit_reason: out: AXAS_EXIT_*.
 * @flags: in: 0.
 * @exits: out: exits from the guest since the vCPU was created, those the
 *	kernel handled itself included.
 * @faults: out: nested page faults the kernel served for this vCPU
 *	without an exit to userspace (lazy pages it allocated).
 * @irq_exits: out: exits taken because a host interrupt arrived.
 * @reserved: 0 in, 0 out.
 * @exit: in and out: the details of the exit; see each member for what
 *	the next AXAS_RUN reads back.
 */
struct axas_run {
	__u32 exit_reason;
	__u32 flags;
	__u64 exits;
	__u64 faults;
	__u64 irq_exits;
	__u64 reserved[4];
	union axas_exit exit;
};

/* Guest interrupts of AXAS_SET_IRQ (RISC-V: VSSIP, VSTIP, VSEIP in hvip). */
#define AXAS_IRQ_SOFTWARE	0
#define AXAS_IRQ_TIMER		1
#define AXAS_IRQ_EXTERNAL	2

/**
 * struct axas_irq - AXAS_SET_IRQ argument: raise or lower a guest interrupt
 * @irq: AXAS_IRQ_SOFTWARE, AXAS_IRQ_TIMER or AXAS_IRQ_EXTERNAL.
 * @level: 1 raises the interrupt, 0 lowers it.
 * @reserved: zero.
 *
 * The interrupt stays pending until lowered; the guest takes it when it
 * enables it. Callable from any thread, also while another one is in
 * AXAS_RUN: that run leaves the guest and re-enters it with the new
 * state, and a vCPU waiting in WFI wakes up.
 */
struct axas_irq {
	__u32 irq;
	__u32 level;
	__u64 reserved;
};

/* struct axas_timer.deadline that never comes: the timer is off. */
#define AXAS_TIMER_OFF		(~0ULL)

/**
 * struct axas_timer - AXAS_SET_TIMER argument: the guest's timer
 * @deadline: guest time (RISC-V: the time CSR, in timebase ticks) at
 *	which the timer interrupt is raised; AXAS_TIMER_OFF for none.
 * @flags: zero.
 * @reserved: zero.
 *
 * The call lowers the timer interrupt and arms the timer: the SBI
 * set_timer call of a guest, which userspace receives as a hypercall
 * exit. A deadline already past raises the interrupt at once.
 */
struct axas_timer {
	__u64 deadline;
	__u32 flags;
	__u32 reserved;
};

/* System ioctls, on /dev/axaddrspace. */
#define AXAS_GET_API_VERSION	_IO(AXAS_IOCTL_MAGIC, 0x00)
#define AXAS_CHECK_EXTENSION	_IO(AXAS_IOCTL_MAGIC, 0x01)
#define AXAS_CREATE_SPACE	_IOW(AXAS_IOCTL_MAGIC, 0x02, struct axas_create_space)

/* Space ioctls, on a descriptor from AXAS_CREATE_SPACE. */
#define AXAS_SET_USER_REGION	_IOW(AXAS_IOCTL_MAGIC, 0x10, struct axas_user_region)
#define AXAS_MAP_ALLOC		_IOW(AXAS_IOCTL_MAGIC, 0x11, struct axas_range)
#define AXAS_MAP_LINEAR		_IOW(AXAS_IOCTL_MAGIC, 0x12, struct axas_range)
#define AXAS_UNMAP		_IOW(AXAS_IOCTL_MAGIC, 0x13, struct axas_range)
#define AXAS_PROTECT		_IOW(AXAS_IOCTL_MAGIC, 0x14, struct axas_range)
#define AXAS_TRANSLATE		_IOWR(AXAS_IOCTL_MAGIC, 0x15, struct axas_xlate)
#define AXAS_GUEST_READ		_IOW(AXAS_IOCTL_MAGIC, 0x16, struct axas_rw)
#define AXAS_GUEST_WRITE	_IOW(AXAS_IOCTL_MAGIC, 0x17, struct axas_rw)
#define AXAS_FAULT		_IOW(AXAS_IOCTL_MAGIC, 0x18, struct axas_fault)
#define AXAS_GET_STATS		_IOR(AXAS_IOCTL_MAGIC, 0x19, struct axas_space_stats)
#define AXAS_DUMP		_IOWR(AXAS_IOCTL_MAGIC, 0x1a, struct axas_dump)

#define AXAS_CREATE_VCPU	_IO(AXAS_IOCTL_MAGIC, 0x20)

/* vCPU ioctls, on a descriptor from AXAS_CREATE_VCPU. */
#define AXAS_GET_REGS		_IOR(AXAS_IOCTL_MAGIC, 0x28, struct axas_regs)
#define AXAS_SET_REGS		_IOW(AXAS_IOCTL_MAGIC, 0x29, struct axas_regs)
#define AXAS_RUN		_IOWR(AXAS_IOCTL_MAGIC, 0x2a, struct axas_run)
#define AXAS_SET_IRQ		_IOW(AXAS_IOCTL_MAGIC, 0x2b, struct axas_irq)
#define AXAS_SET_TIMER		_IOW(AXAS_IOCTL_MAGIC, 0x2c, struct axas_timer)

/* 0x21 to 0x27 and 0x2d to 0x3f: reserved for vCPUs. */

#endif /* _UAPI_LINUX_AXADDRSPACE_H */
