/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 vCPUs: what the common layer (vcpu-x86.c) and the two hardware
 * backends (vcpu-x86-vmx.c for Intel VMX with EPT, vcpu-x86-svm.c for AMD
 * SVM with NPT) share. This is /work/shared/x86/contract.md in code; the
 * refinements made here, names unchanged:
 *
 *  - &struct axas_x86_vcpu has @reset: SET_REGS sets it and the backend,
 *    at its next entry, loads the whole starting state (control
 *    registers, EFER, segments, descriptor tables) again and clears it.
 *    Between two entries without @reset the backend keeps what the guest
 *    left there and loads only gpr, rip and rflags from this structure.
 *  - The backend sets @cr3 back from the guest after every exit (the
 *    guest may load CR3; the MMIO fetch walks from it).
 *  - Guest EFER in an SVM VMCB also has SVME: VMRUN refuses a guest
 *    without it (AMD APM volume 2, "Canonicalization and Consistency
 *    Checks"). The guest never reads its EFER here.
 *  - The common layer fills &axas_trap.info[2] of an AXAS_TRAP_IO OUT
 *    with RAX; the backend gives port, access, size and length only.
 *  - axas_x86_svm_native() and axas_x86_kick_guests() are how arch-x86.c
 *    reaches running guests when a space changes (both backends).
 */
#ifndef _AXADDRSPACE_VCPU_X86_H
#define _AXADDRSPACE_VCPU_X86_H

#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vcpu.h"

/* gpr[] indices: the ModR/M register numbers. */
#define AXAS_X86_RAX	0
#define AXAS_X86_RCX	1
#define AXAS_X86_RDX	2
#define AXAS_X86_RBX	3
#define AXAS_X86_RSP	4
#define AXAS_X86_RBP	5
#define AXAS_X86_RSI	6
#define AXAS_X86_RDI	7
#define AXAS_X86_R8	8
#define AXAS_X86_R9	9
#define AXAS_X86_R10	10
#define AXAS_X86_R11	11
#define AXAS_X86_NR_GPRS	16

/* The starting state of every guest (contract: "Guest state at start"). */
#define AXAS_X86_GUEST_CR0	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | \
				 X86_CR0_NE | X86_CR0_WP | X86_CR0_PG)
#define AXAS_X86_GUEST_CR4	X86_CR4_PAE
#define AXAS_X86_GUEST_EFER	(EFER_LME | EFER_LMA | EFER_NX)
#define AXAS_X86_GUEST_RFLAGS	0x2
#define AXAS_X86_SEL_CODE	0x08
#define AXAS_X86_SEL_DATA	0x10
/* Length of VMCALL and VMMCALL, which the common layer skips. */
#define AXAS_X86_HC_LEN		3

/**
 * struct axas_x86_vcpu - an x86 vCPU (&axas_vcpu.arch)
 * @gpr: RAX to R15 in ModR/M order; RSP goes to the VMCS/VMCB.
 * @rip: the guest's RIP.
 * @rflags: the guest's RFLAGS.
 * @cr3: the guest's CR3.
 * @reset: load the starting state at the next entry (SET_REGS).
 * @hw: the backend's state (VMCS or VMCB and more).
 *
 * The backend loads @gpr, @rip and @rflags before every entry and stores
 * them after every exit; the common layer changes them in between. All
 * under &axas_vcpu.lock.
 */
struct axas_x86_vcpu {
	u64 gpr[AXAS_X86_NR_GPRS];
	u64 rip;
	u64 rflags;
	u64 cr3;
	bool reset;
	void *hw;
};

/**
 * struct axas_x86_backend - VMX or SVM
 * @name: "VMX" or "SVM".
 * @format: the internal format its guests walk (AXAS_FMT_EPT or
 *	AXAS_FMT_AMD_NPT).
 * @unsupported: NULL when this host can use it, else why not. Called
 *	before @hw_enable, in process context.
 * @hw_enable: module load: VMXON or EFER.SVME on every CPU, and on CPUs
 *	that come online later. 0 or -errno, with nothing left enabled.
 * @hw_disable: module unload: undo @hw_enable.
 * @check_space: 0 when a space of @format can be walked (width, VMID).
 * @init: allocate and set up the VMCS or VMCB (@hw); may sleep.
 * @destroy: free @hw.
 * @enter: run the guest until it exits; interrupts off, fills the trap
 *	as contract.md says.
 */
struct axas_x86_backend {
	const char *name;
	u32 format;
	const char *(*unsupported)(void);
	int (*hw_enable)(void);
	void (*hw_disable)(void);
	int (*check_space)(struct axas_space *as);
	int (*init)(struct axas_vcpu *vcpu);
	void (*destroy)(struct axas_vcpu *vcpu);
	void (*enter)(struct axas_vcpu *vcpu, struct axas_trap *trap);
};

extern const struct axas_x86_backend axas_x86_vmx, axas_x86_svm;

static inline struct axas_x86_vcpu *axas_x86(struct axas_vcpu *vcpu)
{
	return vcpu->arch;
}

/* Whether the SVM backend is enabled on this host (EFER.SVME set by us). */
bool axas_x86_svm_native(void);

/*
 * Both backends: a guest entry of a vCPU of @as publishes, with interrupts
 * off, that this CPU runs it (axas_x86_guest_begin(), which returns the
 * space's flush count read after that) and withdraws it after the exit
 * (axas_x86_guest_end()). A flush of @as bumps the count and then calls
 * axas_x86_kick_guests(): either the entry saw the new count and flushes,
 * or the CPU is interrupted out of the guest and flushes at its next entry.
 */
s64 axas_x86_guest_begin(struct axas_space *as);
void axas_x86_guest_end(void);
void axas_x86_kick_guests(struct axas_space *as);

/*
 * vcpu-x86-vmx-switch.S: VMLAUNCH of the current VMCS with the guest's
 * registers from @gpr (RSP comes from the VMCS); 0 after a VM exit, 1
 * when VMLAUNCH failed. axas_vmx_exit is where VM exits land (HOST_RIP).
 */
int axas_vmx_run(u64 *gpr);
void axas_vmx_exit(void);

/*
 * vcpu-x86-svm-switch.S: VMRUN of the VMCB at @vmcb_pa with the guest's
 * other registers from @gpr (RAX and RSP come from the VMCB), host state
 * swapped through @host_save_pa. GIF clear, IF set around it.
 */
void axas_svm_run(u64 vmcb_pa, u64 *gpr, u64 host_save_pa);

#endif /* _AXADDRSPACE_VCPU_X86_H */
