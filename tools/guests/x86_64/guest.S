/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 test guest of axas_vcpu_test: bare metal, 64-bit mode, CPL
 * 0, paging on with its own identity tables (1 GiB pages over the first
 * 4 GiB, at 0x80008000: the selftest passes that in arch[0], CR3). No
 * stack, no data. Linked at 0x80000000 (guest.lds) and loaded there as
 * a flat binary.
 *
 * Entry at 0x80000000 with rdi = command, rsi, rdx, r10, r8 = arguments
 * and r9 = which hypercall instruction: 0 VMMCALL (SVM), 1 VMCALL (VMX);
 * it is kept in rbp.
 *
 * Hypercalls (rax = number, rdi = argument):
 *   0 DONE(rdi = result)   the command is over. Resumed, the guest calls
 *                          DONE again with rdi = the value the host
 *                          returned (rax).
 *   1 REPORT(rdi = value)  the guest goes on after the call.
 *
 * Commands (anything else: DONE(-1)); T0 = r11, T1 = r12:
 *   0 NOP                  DONE(rsi)
 *   1 TOUCH(rsi = base, rdx = npages, r10 = seed)
 *                          page i: (seed + i) at base + i * 4096 and
 *                          ~(seed + i) at base + i * 4096 + 4088;
 *                          DONE(npages)
 *   2 MMIO(rsi = address, rdx = value)
 *                          the access sequence below; DONE(0)
 *   3 STORE(rsi = address, rdx = value)  mov %rdx, (%rsi); DONE(0)
 *   4 LOAD(rsi = address)  mov (%rsi), %rdi; DONE(rdi)
 *   5 SPIN(rsi = address)  load (%rsi) until it is non-zero; DONE(it)
 *   6 JUMP(rsi = address)  jmp *%rsi
 *   7 ILLEGAL              UD2 (twice: the word 0x0b0f0b0f)
 *   8 SUM(rsi = base, rdx = npages)
 *                          DONE(sum of the first u64 of each page)
 *   9 STALE_LOAD(rsi = P, rdx = Q)
 *                          load P; REPORT(it); then, resumed,
 *                          { load P; load Q } until Q is non-zero; load
 *                          P; DONE(it).
 *  10 STALE_STORE(rsi = P, rdx = Q, r10 = value)
 *                          store r10 at P; load P; REPORT(it); then,
 *                          resumed, { store r10 at P; load Q } until Q
 *                          is non-zero; store r10 at P; DONE(0).
 *  11 SYSREG               DONE(-1): no system-register exits on x86
 *  12 PORTIO(rsi = port, rdx = value)
 *                          outb, outw, outl of the value to the port (in
 *                          dx), then outb to port 0x80 (immediate form);
 *                          inb, inw, inl from the port, each into a rax
 *                          of 0x5a5a5a5a5a5a5a5a and each followed by
 *                          REPORT(rax); DONE(0)
 *  13 HLT                  hlt; DONE(rsi)
 *  14 DECODE(rsi = address) addq $1, (%rsi) (48 83 06 01), which no MMIO
 *                          exit can complete; DONE(0)
 *
 * The byte at 0x80000004 starts DONE(-2): a guest that reports -2 was
 * started 4 bytes past the RIP the host set.
 *
 * The MMIO sequence, mirrored by mmio_steps[] in axas_vcpu_test.c. Each
 * load first sets its destination to POISON (all 64 bits), so that a
 * merge into a narrow register shows; each is followed by
 * REPORT(destination, all 64 bits). Step 11 is RIP-relative, at the
 * fixed address MMIO_BASE + 88: the selftest passes MMIO_BASE in rsi.
 *
 *   step  insn                        addr      width  destination
 *      0  mov  0(%rsi), %al           rsi+0     1      al: merged
 *      1  mov  8(%rsi), %bh           rsi+8     1      bh: merged
 *      2  movzbl 16(%rsi), %ecx       rsi+16    1      zero to 64
 *      3  movsbq 24(%rsi), %r13       rsi+24    1      sign to 64
 *      4  movzwl 32(%rsi), %r14d      rsi+32    2      zero to 64
 *      5  movswq 40(%rsi), %r8        rsi+40    2      sign to 64
 *      6  mov  48(%rsi), %ax          rsi+48    2      ax: merged
 *      7  movslq 56(%rsi), %r10       rsi+56    4      sign to 64
 *      8  mov  64(%rsi), %r11d        rsi+64    4      zero to 64
 *      9  mov  72(%rsi), %r15         rsi+72    8      all
 *     10  mov  80(%rsi,%rcx,4), %r12  rsi+80    8      all (SIB, rcx 0)
 *     11  mov  MMIO+88(%rip), %ecx    MMIO+88   4      zero to 64
 *   stores, of rdx = value, r9 = ~value, r12 = value >> 16:
 *     12  mov  %dl, 96(%rsi)          1  value
 *     13  mov  %dh, 104(%rsi)         1  value >> 8
 *     14  mov  %dx, 112(%rsi)         2  value
 *     15  mov  %edx, 120(%rsi)        4  value
 *     16  mov  %rdx, 128(%rsi)        8  value
 *     17  mov  %r9, 136(%rsi)         8  ~value
 *     18  movb $0x5a, 144(%rsi)       1  0x5a
 *     19  movl $0x89abcdef, 152(%rsi) 4  0x89abcdef
 *     20  movq $-2, 160(%rsi)         8  -2 (imm32 sign-extended)
 *     21  movw $0x1234, 168(%rsi)     2  0x1234
 *     22  mov  %r12w, 176(%rsi,%rcx,2)  2  value >> 16 (rcx 0)
 *   DONE(0)
 */

#define HC_DONE		0
#define HC_REPORT	1
#define POISON		0x5a5a5a5a5a5a5a5a
#define MMIO_BASE	0x10000000

/*
 * Step 11's address, MMIO_BASE + 88, reached RIP-relative: guest.lds
 * defines mmio_rip, so that the linker computes the displacement.
 */

/* Page-table entries: P, RW, A; leaves also D and PS (1 GiB). */
#define PT_TABLE	0x23
#define PT_LEAF_1G	0xe3

	.code64
	.section .text.entry, "ax", @progbits
	.globl	_start
_start:
	jmp	dispatch
	.org	_start + 4
	/* 0x80000004: only a start 4 bytes past _start gets here. */
	mov	$-2, %rdi
	jmp	done

/* VMMCALL or VMCALL, as rbp says: both 3 bytes, which the host skips. */
.macro hcall
	test	%rbp, %rbp
	jnz	1f
	vmmcall
	jmp	2f
1:	vmcall
2:
.endm

/* REPORT(\reg) */
.macro report reg
	mov	\reg, %rdi
	mov	$HC_REPORT, %eax
	hcall
.endm

dispatch:
	mov	%r9, %rbp
	cmp	$0, %rdi
	je	cmd_nop
	cmp	$1, %rdi
	je	cmd_touch
	cmp	$2, %rdi
	je	cmd_mmio
	cmp	$3, %rdi
	je	cmd_store
	cmp	$4, %rdi
	je	cmd_load
	cmp	$5, %rdi
	je	cmd_spin
	cmp	$6, %rdi
	je	cmd_jump
	cmp	$7, %rdi
	je	cmd_illegal
	cmp	$8, %rdi
	je	cmd_sum
	cmp	$9, %rdi
	je	cmd_stale_load
	cmp	$10, %rdi
	je	cmd_stale_store
	cmp	$12, %rdi
	je	cmd_portio
	cmp	$13, %rdi
	je	cmd_hlt
	cmp	$14, %rdi
	je	cmd_decode
	mov	$-1, %rdi
	/* fall through */

/* DONE(rdi); resumed, rax is what the host returned: DONE again. */
done:
	mov	$HC_DONE, %eax
	hcall
	mov	%rax, %rdi
	jmp	done

cmd_nop:
	mov	%rsi, %rdi
	jmp	done

/* r11: page, r12: i, rax: seed + i */
cmd_touch:
	mov	%rsi, %r11
	xor	%r12d, %r12d
1:	cmp	%rdx, %r12
	jae	2f
	lea	(%r10, %r12), %rax
	mov	%rax, (%r11)
	not	%rax
	mov	%rax, 4088(%r11)
	add	$4096, %r11
	inc	%r12
	jmp	1b
2:	mov	%rdx, %rdi
	jmp	done

cmd_mmio:
	/* loads */
	movabs	$POISON, %rax
	mov	0(%rsi), %al
	report	%rax
	movabs	$POISON, %rbx
	mov	8(%rsi), %bh
	report	%rbx
	movabs	$POISON, %rcx
	movzbl	16(%rsi), %ecx
	report	%rcx
	movabs	$POISON, %r13
	movsbq	24(%rsi), %r13
	report	%r13
	movabs	$POISON, %r14
	movzwl	32(%rsi), %r14d
	report	%r14
	movabs	$POISON, %r8
	movswq	40(%rsi), %r8
	report	%r8
	movabs	$POISON, %rax
	mov	48(%rsi), %ax
	report	%rax
	movabs	$POISON, %r10
	movslq	56(%rsi), %r10
	report	%r10
	movabs	$POISON, %r11
	mov	64(%rsi), %r11d
	report	%r11
	movabs	$POISON, %r15
	mov	72(%rsi), %r15
	report	%r15
	xor	%ecx, %ecx
	movabs	$POISON, %r12
	mov	80(%rsi, %rcx, 4), %r12
	report	%r12
	movabs	$POISON, %rcx
	mov	mmio_rip(%rip), %ecx
	report	%rcx
	/* stores */
	mov	%rdx, %r9
	not	%r9
	mov	%rdx, %r12
	shr	$16, %r12
	xor	%ecx, %ecx
	mov	%dl, 96(%rsi)
	mov	%dh, 104(%rsi)
	mov	%dx, 112(%rsi)
	mov	%edx, 120(%rsi)
	mov	%rdx, 128(%rsi)
	mov	%r9, 136(%rsi)
	movb	$0x5a, 144(%rsi)
	movl	$0x89abcdef, 152(%rsi)
	movq	$-2, 160(%rsi)
	movw	$0x1234, 168(%rsi)
	mov	%r12w, 176(%rsi, %rcx, 2)
	xor	%edi, %edi
	jmp	done

cmd_store:
	mov	%rdx, (%rsi)
	xor	%edi, %edi
	jmp	done

cmd_load:
	mov	(%rsi), %rdi
	jmp	done

cmd_spin:
1:	mov	(%rsi), %r11
	test	%r11, %r11
	jz	1b
	mov	%r11, %rdi
	jmp	done

cmd_jump:
	jmp	*%rsi

cmd_illegal:
	ud2
	ud2
	mov	$-3, %rdi
	jmp	done

/* r11: page, r12: i, r13: sum */
cmd_sum:
	mov	%rsi, %r11
	xor	%r12d, %r12d
	xor	%r13d, %r13d
1:	cmp	%rdx, %r12
	jae	2f
	add	(%r11), %r13
	add	$4096, %r11
	inc	%r12
	jmp	1b
2:	mov	%r13, %rdi
	jmp	done

/* No exit between the REPORT and the last access: nothing flushes. */
cmd_stale_load:
	mov	%rdx, %r13
	mov	(%rsi), %r11
	report	%r11
1:	mov	(%rsi), %r11
	mov	(%r13), %r12
	test	%r12, %r12
	jz	1b
	mov	(%rsi), %rdi
	jmp	done

cmd_stale_store:
	mov	%rdx, %r13
	mov	%r10, (%rsi)
	mov	(%rsi), %r11
	report	%r11
1:	mov	%r10, (%rsi)
	mov	(%r13), %r12
	test	%r12, %r12
	jz	1b
	mov	%r10, (%rsi)
	xor	%edi, %edi
	jmp	done

cmd_portio:
	mov	%rdx, %rax
	mov	%esi, %edx
	outb	%al, (%dx)
	outw	%ax, (%dx)
	outl	%eax, (%dx)
	outb	%al, $0x80
	movabs	$POISON, %rax
	inb	(%dx), %al
	report	%rax
	movabs	$POISON, %rax
	inw	(%dx), %ax
	report	%rax
	movabs	$POISON, %rax
	inl	(%dx), %eax
	report	%rax
	xor	%edi, %edi
	jmp	done

cmd_hlt:
	hlt
	mov	%rsi, %rdi
	jmp	done

cmd_decode:
	addq	$1, (%rsi)
	xor	%edi, %edi
	jmp	done

/* Identity map of the first 4 GiB with 1 GiB pages, A and D preset. */
	.section .pt, "a", @progbits
	.balign	4096
pml4:
	.quad	pdpt + PT_TABLE
	.fill	511, 8, 0
pdpt:
	.quad	0x00000000 + PT_LEAF_1G
	.quad	0x40000000 + PT_LEAF_1G
	.quad	0x80000000 + PT_LEAF_1G
	.quad	0xc0000000 + PT_LEAF_1G
	.fill	508, 8, 0

	.section .note.GNU-stack, "", @progbits
