/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX world switch (Intel SDM volume 3C, "VMLAUNCH/VMRESUME", "VM Exits",
 * "Loading Host State").
 *
 * VM entry takes RSP, RIP and RFLAGS of the guest from the VMCS, and a VM
 * exit loads the host's RSP and RIP from it (HOST_RSP, written here just
 * before the launch, and axas_vmx_exit below). Every other general
 * register is swapped by hand: the host's callee-saved ones on the stack,
 * the guest's in struct axas_x86_vcpu.gpr[].
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

/* struct axas_x86_vcpu.gpr[] offsets: the ModR/M order. */
#define GPR_RAX		(0 * 8)
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

/* VMCS field encoding of HOST_RSP (SDM volume 3D, appendix B). */
#define VMCS_HOST_RSP	0x6c14

	.text

/*
 * int axas_vmx_run(u64 *gpr)
 * rdi: gpr[16] (RSP unused). The current VMCS was cleared: VMLAUNCH.
 * Returns 0 after a VM exit, 1 when VMLAUNCH (or the HOST_RSP write)
 * failed, in which case the VM-instruction error field says why.
 */
SYM_FUNC_START(axas_vmx_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* gpr[], found at 0(%rsp) again after the exit. */
	push	%rdi

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfail

	mov	GPR_RAX(%rdi), %rax
	mov	GPR_RCX(%rdi), %rcx
	mov	GPR_RDX(%rdi), %rdx
	mov	GPR_RBX(%rdi), %rbx
	mov	GPR_RBP(%rdi), %rbp
	mov	GPR_RSI(%rdi), %rsi
	mov	GPR_R8(%rdi), %r8
	mov	GPR_R9(%rdi), %r9
	mov	GPR_R10(%rdi), %r10
	mov	GPR_R11(%rdi), %r11
	mov	GPR_R12(%rdi), %r12
	mov	GPR_R13(%rdi), %r13
	mov	GPR_R14(%rdi), %r14
	mov	GPR_R15(%rdi), %r15
	mov	GPR_RDI(%rdi), %rdi

	UNWIND_HINT_SAVE
	vmlaunch
	/* Only reached when VMLAUNCH failed (VMfailInvalid or VMfailValid). */
	jmp	.Lfail

/* VM exits land here with HOST_RSP, the stack as it was at the launch. */
SYM_INNER_LABEL(axas_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ANNOTATE_NOENDBR
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rax, GPR_RAX(%rdi)
	mov	%rcx, GPR_RCX(%rdi)
	mov	%rdx, GPR_RDX(%rdi)
	mov	%rbx, GPR_RBX(%rdi)
	mov	%rbp, GPR_RBP(%rdi)
	mov	%rsi, GPR_RSI(%rdi)
	mov	%r8, GPR_R8(%rdi)
	mov	%r9, GPR_R9(%rdi)
	mov	%r10, GPR_R10(%rdi)
	mov	%r11, GPR_R11(%rdi)
	mov	%r12, GPR_R12(%rdi)
	mov	%r13, GPR_R13(%rdi)
	mov	%r14, GPR_R14(%rdi)
	mov	%r15, GPR_R15(%rdi)
	pop	GPR_RDI(%rdi)

	/* No guest value may steer speculation in the host. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%eax, %eax
	jmp	.Lout

.Lfail:
	mov	$1, %eax
.Lout:
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(axas_vmx_run)
