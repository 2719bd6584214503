/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SVM world switch (AMD64 APM volume 2, "VMRUN Instruction", "VMSAVE and
 * VMLOAD Instructions").
 *
 * VMRUN saves and restores RAX, RSP, RIP, RFLAGS, the control registers
 * and the ES, CS, SS and DS segments of the host itself (in the
 * VM_HSAVE_PA area), and takes RAX, RSP, RIP and RFLAGS of the guest from
 * the VMCB. What it leaves alone is swapped here: the other general
 * registers, by hand; FS, GS (their hidden bases: the host's per-CPU
 * base), TR, LDTR, KernelGSBase and the SYSCALL and SYSENTER MSRs, by
 * VMSAVE into the host save area and VMLOAD of the guest's, and the
 * reverse after the exit. No host code runs between the two VMLOADs, and
 * the caller keeps GIF clear, so no interrupt sees the guest's GS base.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* struct axas_x86_vcpu.gpr[] offsets: the ModR/M order. */
#define GPR_RCX		(1 * 8)
#define GPR_RDX		(2 * 8)
#define GPR_RBX		(3 * 8)
#define GPR_RBP		(5 * 8)
#define GPR_RSI		(6 * 8)
#define GPR_RDI		(7 * 8)
#define GPR_R8		(8 * 8)
#define GPR_R9		(9 * 8)
#define GPR_R10		(10 * 8)
#define GPR_R11		(11 * 8)
#define GPR_R12		(12 * 8)
#define GPR_R13		(13 * 8)
#define GPR_R14		(14 * 8)
#define GPR_R15		(15 * 8)

/* Stack slots below the callee-saved registers. */
#define SLOT_HOST_SAVE	0
#define SLOT_VMCB	8
#define SLOT_GPR	16

	.text

/*
 * void axas_svm_run(u64 vmcb_pa, u64 *gpr, u64 host_save_pa)
 * rdi: the VMCB; rsi: gpr[16] (RAX and RSP unused); rdx: host save area.
 */
SYM_FUNC_START(axas_svm_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi
	push	%rdi
	push	%rdx

	mov	%rdx, %rax
	vmsave	%rax

	mov	%rsi, %rax
	mov	GPR_RCX(%rax), %rcx
	mov	GPR_RDX(%rax), %rdx
	mov	GPR_RBX(%rax), %rbx
	mov	GPR_RBP(%rax), %rbp
	mov	GPR_RSI(%rax), %rsi
	mov	GPR_RDI(%rax), %rdi
	mov	GPR_R8(%rax), %r8
	mov	GPR_R9(%rax), %r9
	mov	GPR_R10(%rax), %r10
	mov	GPR_R11(%rax), %r11
	mov	GPR_R12(%rax), %r12
	mov	GPR_R13(%rax), %r13
	mov	GPR_R14(%rax), %r14
	mov	GPR_R15(%rax), %r15

	mov	SLOT_VMCB(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	mov	SLOT_GPR(%rsp), %rax
	mov	%rcx, GPR_RCX(%rax)
	mov	%rdx, GPR_RDX(%rax)
	mov	%rbx, GPR_RBX(%rax)
	mov	%rbp, GPR_RBP(%rax)
	mov	%rsi, GPR_RSI(%rax)
	mov	%rdi, GPR_RDI(%rax)
	mov	%r8, GPR_R8(%rax)
	mov	%r9, GPR_R9(%rax)
	mov	%r10, GPR_R10(%rax)
	mov	%r11, GPR_R11(%rax)
	mov	%r12, GPR_R12(%rax)
	mov	%r13, GPR_R13(%rax)
	mov	%r14, GPR_R14(%rax)
	mov	%r15, GPR_R15(%rax)

	mov	SLOT_HOST_SAVE(%rsp), %rax
	vmload	%rax

	/* No guest value may steer speculation in the host. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(axas_svm_run)
