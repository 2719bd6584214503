// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the x86-64 MMIO instruction decoder (insn-x86.c).
 *
 * Two oracles, neither of them the decoder:
 *
 *  - a table of byte sequences produced by the GNU assembler (as 2.40,
 *    .code64, objdump -d), each with its assembler line as a comment and
 *    what the instruction does as the SDM volume 2 describes it;
 *  - a generator that builds every ModR/M and SIB form (mod 0 to 2, every
 *    rm, every SIB base, every reg) of every accepted opcode under each
 *    prefix combination, and computes the expected length from the
 *    tables of SDM volume 2, section 2.1.5 (tables 2-2 and 2-3, read as
 *    displacement sizes per row) and the operand-size rules of section
 *    2.2.1.2 (REX.W over 66).
 *
 * Everything else must be refused: the other opcodes, register operands,
 * C6/C7 with reg != 0, LOCK and REP prefixes, truncated bytes and
 * instructions longer than 15 bytes.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../drivers/axaddrspace/insn.h"

/**
 * struct x86_case - an instruction from the assembler, and what it does
 * @bytes: its encoding, from GNU as.
 * @n: bytes in @bytes.
 * @len: bytes accessed.
 * @write: a store.
 * @reg: the register (ModR/M reg with REX.R), AH..BH as 0..3.
 * @high8: the register is AH, CH, DH or BH.
 * @sign: a load that sign-extends.
 * @dest_len: the destination register's size (loads).
 * @imm: a store of an immediate.
 * @imm_val: the immediate, sign-extended to 64 bits.
 */
struct x86_case {
	u8 bytes[AXAS_X86_MAX_INSN];
	u8 n;
	u8 len;
	bool write;
	u8 reg;
	bool high8;
	bool sign;
	u8 dest_len;
	bool imm;
	u64 imm_val;
};

/* The encoding last, its bytes as the variable arguments. */
#define X86_CASE(nb, l, w, r, h, s, d, i, iv, ...)		\
	{ .bytes = { __VA_ARGS__ }, .n = nb, .len = l, .write = w,	\
	  .reg = r, .high8 = h, .sign = s, .dest_len = d, .imm = i,	\
	  .imm_val = iv }

static const struct x86_case x86_as_cases[] = {
	/* mov (%rax), %al */
	X86_CASE(2, 1, 0, 0, 0, 0, 1, 0, 0x0ULL, 0x8a, 0x00),
	/* mov 8(%rsi), %bh */
	X86_CASE(3, 1, 0, 3, 1, 0, 1, 0, 0x0ULL, 0x8a, 0x7e, 0x08),
	/* mov 0x12(%rdx), %ah */
	X86_CASE(3, 1, 0, 0, 1, 0, 1, 0, 0x0ULL, 0x8a, 0x62, 0x12),
	/* mov (%rcx), %spl */
	X86_CASE(3, 1, 0, 4, 0, 0, 1, 0, 0x0ULL, 0x40, 0x8a, 0x21),
	/* mov (%rcx), %dil */
	X86_CASE(3, 1, 0, 7, 0, 0, 1, 0, 0x0ULL, 0x40, 0x8a, 0x39),
	/* mov (%r8), %r9b */
	X86_CASE(3, 1, 0, 9, 0, 0, 1, 0, 0x0ULL, 0x45, 0x8a, 0x08),
	/* mov %cl, (%rdi) */
	X86_CASE(2, 1, 1, 1, 0, 0, 1, 0, 0x0ULL, 0x88, 0x0f),
	/* mov %ch, 0x100(%rdi) */
	X86_CASE(6, 1, 1, 1, 1, 0, 1, 0, 0x0ULL, 0x88, 0xaf, 0x00, 0x01, 0x00, 0x00),
	/* mov %r15b, -8(%rbp) */
	X86_CASE(4, 1, 1, 15, 0, 0, 1, 0, 0x0ULL, 0x44, 0x88, 0x7d, 0xf8),
	/* mov (%rbx), %ax */
	X86_CASE(3, 2, 0, 0, 0, 0, 2, 0, 0x0ULL, 0x66, 0x8b, 0x03),
	/* mov %r10w, 4(%rsp) */
	X86_CASE(6, 2, 1, 10, 0, 0, 2, 0, 0x0ULL, 0x66, 0x44, 0x89, 0x54, 0x24, 0x04),
	/* mov (%rbx), %edx */
	X86_CASE(2, 4, 0, 2, 0, 0, 4, 0, 0x0ULL, 0x8b, 0x13),
	/* mov %esi, 0x10(%rax,%rbx,8) */
	X86_CASE(4, 4, 1, 6, 0, 0, 4, 0, 0x0ULL, 0x89, 0x74, 0xd8, 0x10),
	/* mov (%r12), %r13 */
	X86_CASE(4, 8, 0, 13, 0, 0, 8, 0, 0x0ULL, 0x4d, 0x8b, 0x2c, 0x24),
	/* mov %rax, 0x12345678(%rip) */
	X86_CASE(7, 8, 1, 0, 0, 0, 8, 0, 0x0ULL, 0x48, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	/* mov 0x1000(,%rcx,4), %r11d */
	X86_CASE(8, 4, 0, 11, 0, 0, 4, 0, 0x0ULL, 0x44, 0x8b, 0x1c, 0x8d, 0x00, 0x10, 0x00, 0x00),
	/* mov %rdx, (%r13) */
	X86_CASE(4, 8, 1, 2, 0, 0, 8, 0, 0x0ULL, 0x49, 0x89, 0x55, 0x00),
	/* mov %rsp, (%rsp) */
	X86_CASE(4, 8, 1, 4, 0, 0, 8, 0, 0x0ULL, 0x48, 0x89, 0x24, 0x24),
	/* movzbl (%rax), %ecx */
	X86_CASE(3, 1, 0, 1, 0, 0, 4, 0, 0x0ULL, 0x0f, 0xb6, 0x08),
	/* movzbw (%rax), %cx */
	X86_CASE(4, 1, 0, 1, 0, 0, 2, 0, 0x0ULL, 0x66, 0x0f, 0xb6, 0x08),
	/* movzbq 3(%rsi), %r14 */
	X86_CASE(5, 1, 0, 14, 0, 0, 8, 0, 0x0ULL, 0x4c, 0x0f, 0xb6, 0x76, 0x03),
	/* movzwl (%rdi), %esp */
	X86_CASE(3, 2, 0, 4, 0, 0, 4, 0, 0x0ULL, 0x0f, 0xb7, 0x27),
	/* movzwq (%rdi), %rbp */
	X86_CASE(4, 2, 0, 5, 0, 0, 8, 0, 0x0ULL, 0x48, 0x0f, 0xb7, 0x2f),
	/* movsbl (%rax), %edi */
	X86_CASE(3, 1, 0, 7, 0, 1, 4, 0, 0x0ULL, 0x0f, 0xbe, 0x38),
	/* movsbw (%rax), %si */
	X86_CASE(4, 1, 0, 6, 0, 1, 2, 0, 0x0ULL, 0x66, 0x0f, 0xbe, 0x30),
	/* movsbq (%r9), %rax */
	X86_CASE(4, 1, 0, 0, 0, 1, 8, 0, 0x0ULL, 0x49, 0x0f, 0xbe, 0x01),
	/* movswl 2(%rax), %r8d */
	X86_CASE(5, 2, 0, 8, 0, 1, 4, 0, 0x0ULL, 0x44, 0x0f, 0xbf, 0x40, 0x02),
	/* movswq (%rax), %rbx */
	X86_CASE(4, 2, 0, 3, 0, 1, 8, 0, 0x0ULL, 0x48, 0x0f, 0xbf, 0x18),
	/* movslq (%rax), %rcx */
	X86_CASE(3, 4, 0, 1, 0, 1, 8, 0, 0x0ULL, 0x48, 0x63, 0x08),
	/* movslq 0x7f(%rax,%r15,2), %r15 */
	X86_CASE(5, 4, 0, 15, 0, 1, 8, 0, 0x0ULL, 0x4e, 0x63, 0x7c, 0x78, 0x7f),
	/* movb $0x80, (%rax) */
	X86_CASE(3, 1, 1, 0, 0, 0, 1, 1, 0xffffffffffffff80ULL, 0xc6, 0x00, 0x80),
	/* movb $0x7f, 0x44(%rsp) */
	X86_CASE(5, 1, 1, 0, 0, 0, 1, 1, 0x7fULL, 0xc6, 0x44, 0x24, 0x44, 0x7f),
	/* movw $0x8001, (%rbx) */
	X86_CASE(5, 2, 1, 0, 0, 0, 2, 1, 0xffffffffffff8001ULL, 0x66, 0xc7, 0x03, 0x01, 0x80),
	/* movl $0x89abcdef, 8(%rcx) */
	X86_CASE(7, 4, 1, 0, 0, 0, 4, 1, 0xffffffff89abcdefULL,
		 0xc7, 0x41, 0x08, 0xef, 0xcd, 0xab, 0x89),
	/* movq $-2, 0x200(%rdx) */
	X86_CASE(11, 8, 1, 0, 0, 0, 8, 1, 0xfffffffffffffffeULL,
		 0x48, 0xc7, 0x82, 0x00, 0x02, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff),
	/* movq $0x7fffffff, (%r8) */
	X86_CASE(7, 8, 1, 0, 0, 0, 8, 1, 0x7fffffffULL, 0x49, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f),
	/* movl $1, 0x10(%rip) */
	X86_CASE(10, 4, 1, 0, 0, 0, 4, 1, 0x1ULL,
		 0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	/* mov %fs:(%rax), %eax */
	X86_CASE(3, 4, 0, 0, 0, 0, 4, 0, 0x0ULL, 0x64, 0x8b, 0x00),
	/* addr32 mov (%eax), %rax */
	X86_CASE(4, 8, 0, 0, 0, 0, 8, 0, 0x0ULL, 0x67, 0x48, 0x8b, 0x00),
	/* mov %gs:8(%r11,%r12,4), %r10 */
	X86_CASE(6, 8, 0, 10, 0, 0, 8, 0, 0x0ULL, 0x65, 0x4f, 0x8b, 0x54, 0xa3, 0x08),
};

static void x86_as_table_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(x86_as_cases); i++) {
		const struct x86_case *c = &x86_as_cases[i];
		struct axas_mmio_insn mi;

		KUNIT_ASSERT_EQ_MSG(test, axas_x86_decode_mmio(c->bytes, c->n,
							       &mi), 0,
				    "case %u (%*ph)", i, c->n, c->bytes);
		KUNIT_EXPECT_EQ_MSG(test, mi.insn_len, c->n, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, mi.len, c->len, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, mi.write, c->write, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, mi.imm, c->imm, "case %u", i);
		if (c->imm)
			KUNIT_EXPECT_EQ_MSG(test, mi.imm_val, c->imm_val,
					    "case %u", i);
		else
			KUNIT_EXPECT_EQ_MSG(test, mi.reg, c->reg, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, mi.high8, c->high8, "case %u", i);
		if (!c->write) {
			KUNIT_EXPECT_EQ_MSG(test, mi.sign_extend, c->sign,
					    "case %u", i);
			KUNIT_EXPECT_EQ_MSG(test, mi.dest_len, c->dest_len,
					    "case %u", i);
		}
		/* One byte short: refused. */
		KUNIT_EXPECT_EQ_MSG(test, axas_x86_decode_mmio(c->bytes,
							       c->n - 1, &mi),
				    -EINVAL, "case %u truncated", i);
	}
}

/* The accepted opcodes, by the SDM's opcode tables. */
struct x86_op {
	u8 op[2];
	u8 n;
	u8 width;	/* 1, 2 (0F B7/BF), 0: the operand size; 4: 63 */
	bool write;
	bool sign;
	bool byte_reg;	/* the register operand is 8-bit (88, 8A) */
	bool imm;
};

static const struct x86_op x86_ops[] = {
	{ { 0x88 }, 1, 1, true, false, true, false },
	{ { 0x89 }, 1, 0, true, false, false, false },
	{ { 0x8a }, 1, 1, false, false, true, false },
	{ { 0x8b }, 1, 0, false, false, false, false },
	{ { 0xc6 }, 1, 1, true, false, false, true },
	{ { 0xc7 }, 1, 0, true, false, false, true },
	{ { 0x63 }, 1, 4, false, true, false, false },
	{ { 0x0f, 0xb6 }, 2, 1, false, false, false, false },
	{ { 0x0f, 0xb7 }, 2, 2, false, false, false, false },
	{ { 0x0f, 0xbe }, 2, 1, false, true, false, false },
	{ { 0x0f, 0xbf }, 2, 2, false, true, false, false },
};

/*
 * SDM table 2-2 (32/64-bit ModR/M), displacement bytes by mod and rm; rm
 * 4 is the SIB row, whose displacement table 2-3 gives by mod and base.
 */
static const u8 x86_modrm_disp[3][8] = {
	{ 0, 0, 0, 0, 0, 4, 0, 0 },	/* mod 00: rm 101 is disp32 */
	{ 1, 1, 1, 1, 1, 1, 1, 1 },	/* mod 01: disp8 */
	{ 4, 4, 4, 4, 4, 4, 4, 4 },	/* mod 10: disp32 */
};

static const u8 x86_sib_disp[3][8] = {
	{ 0, 0, 0, 0, 0, 4, 0, 0 },	/* mod 00: base 101 is disp32 */
	{ 1, 1, 1, 1, 1, 1, 1, 1 },
	{ 4, 4, 4, 4, 4, 4, 4, 4 },
};

/* Prefix combinations: none, 66, REX forms, 66 then REX, a segment. */
static const struct {
	u8 bytes[2];
	u8 n;
} x86_prefixes[] = {
	{ { }, 0 },
	{ { 0x66 }, 1 },
	{ { 0x40 }, 1 },
	{ { 0x44 }, 1 },	/* REX.R */
	{ { 0x48 }, 1 },	/* REX.W */
	{ { 0x4f }, 1 },	/* REX.WRXB */
	{ { 0x66, 0x41 }, 2 },	/* REX.B */
	{ { 0x66, 0x48 }, 2 },	/* REX.W wins over 66 */
	{ { 0x65, 0x4c }, 2 },	/* GS, REX.WR */
	{ { 0x67, 0x45 }, 2 },	/* addr32, REX.RB */
};

/*
 * One generated form: prefixes @p, opcode @op, ModR/M (@mod, @rm, @reg)
 * and, for rm 4, a SIB byte with @base. Whether the decoder got it right.
 */
static bool x86_gen_one(struct kunit *test, const struct x86_op *op,
			unsigned int p, unsigned int mod, unsigned int rm,
			unsigned int base, unsigned int reg)
{
	const u8 *pfx = x86_prefixes[p].bytes;
	unsigned int np = x86_prefixes[p].n;
	u8 rex = np && (pfx[np - 1] & 0xf0) == 0x40 ? pfx[np - 1] : 0;
	unsigned int osz = rex & 8 ? 8 : pfx[0] == 0x66 ? 2 : 4;
	unsigned int n, disp, imm, width, want_reg, i;
	u8 b[AXAS_X86_MAX_INSN + 8] = { };
	struct axas_mmio_insn mi;
	bool high8, sign;
	int ret;

	memcpy(b, pfx, np);
	n = np;
	for (i = 0; i < op->n; i++)
		b[n++] = op->op[i];
	b[n++] = mod << 6 | reg << 3 | rm;
	if (rm == 4) {
		b[n++] = 1 << 6 | 2 << 3 | base;
		disp = x86_sib_disp[mod][base];
	} else {
		disp = x86_modrm_disp[mod][rm];
	}
	for (i = 0; i < disp; i++)
		b[n++] = 0x11 * (i + 1);
	if (op->width == 4)		/* MOVSXD: r/m16 with 66, else r/m32 */
		width = osz == 2 ? 2 : 4;
	else
		width = op->width ? op->width : osz;
	imm = op->imm ? (width == 8 ? 4 : width) : 0;
	for (i = 0; i < imm; i++)
		b[n++] = 0x80 | i;
	want_reg = reg | (rex & 4 ? 8 : 0);
	high8 = op->byte_reg && !rex && reg >= 4;
	if (high8)
		want_reg -= 4;
	sign = op->sign && !(op->width == 4 && osz != 8);

	ret = axas_x86_decode_mmio(b, n, &mi);
	if (ret || mi.insn_len != n || mi.len != width ||
	    mi.write != op->write || (!op->imm && mi.reg != want_reg) ||
	    mi.high8 != high8 || mi.imm != op->imm ||
	    (!op->write && mi.sign_extend != sign) ||
	    (!op->write && !op->byte_reg && mi.dest_len != osz)) {
		KUNIT_FAIL(test, "%*ph: ret %d, length %u, width %u, reg %u",
			   n, b, ret, mi.insn_len, mi.len, mi.reg);
		return false;
	}
	if (axas_x86_decode_mmio(b, n - 1, &mi) != -EINVAL) {
		KUNIT_FAIL(test, "%*ph accepted one byte short", n, b);
		return false;
	}
	return true;
}

static void x86_generated_test(struct kunit *test)
{
	unsigned int o, p, f, mod, rm, base, reg, count = 0;

	for (o = 0; o < ARRAY_SIZE(x86_ops); o++) {
		for (p = 0; p < ARRAY_SIZE(x86_prefixes); p++) {
			/* f: mod, rm, SIB base and reg, 3 bits each. */
			for (f = 0; f < 3 * 8 * 8 * 8; f++) {
				mod = f >> 9;
				rm = (f >> 6) & 7;
				base = (f >> 3) & 7;
				reg = f & 7;
				if ((rm != 4 && base) || (x86_ops[o].imm && reg))
					continue;
				count++;
				/* The first failure tells enough. */
				if (!x86_gen_one(test, &x86_ops[o], p, mod, rm,
						 base, reg))
					return;
			}
		}
	}
	KUNIT_EXPECT_GT(test, count, 5000);
}

static void x86_reject_test(struct kunit *test)
{
	static const u8 good[] = { 0x8b, 0x00 };	/* mov (%rax),%eax */
	struct axas_mmio_insn mi;
	unsigned int op, reg, i;
	u8 b[AXAS_X86_MAX_INSN + 2];

	/* Every other one-byte opcode, with a memory ModR/M. */
	for (op = 0; op < 256; op++) {
		b[0] = op;
		memset(b + 1, 0, sizeof(b) - 1);
		if (op == 0x88 || op == 0x89 || op == 0x8a || op == 0x8b ||
		    op == 0xc6 || op == 0xc7 || op == 0x63 || op == 0x0f ||
		    op == 0x66 || op == 0x67 || (op & 0xf0) == 0x40 ||
		    op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
		    op == 0x64 || op == 0x65)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, axas_x86_decode_mmio(b, sizeof(b), &mi),
				    -EINVAL, "opcode %#x", op);
	}
	/* Every other two-byte opcode. */
	for (op = 0; op < 256; op++) {
		b[0] = 0x0f;
		b[1] = op;
		memset(b + 2, 0, sizeof(b) - 2);
		if (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, axas_x86_decode_mmio(b, sizeof(b), &mi),
				    -EINVAL, "opcode 0f %#x", op);
	}
	/* Register operands: no memory access. */
	for (reg = 0; reg < 64; reg++) {
		u8 r[] = { 0x8b, 0xc0 | reg };

		KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(r, sizeof(r), &mi),
				-EINVAL);
	}
	/* C6 and C7 are MOV only with reg 0. */
	for (reg = 1; reg < 8; reg++) {
		u8 c6[] = { 0xc6, reg << 3, 0x12 };
		u8 c7[] = { 0xc7, reg << 3, 1, 2, 3, 4 };

		KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(c6, sizeof(c6), &mi),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(c7, sizeof(c7), &mi),
				-EINVAL);
	}
	/* LOCK, REPNE, REP. */
	for (i = 0; i < 3; i++) {
		u8 p[] = { i == 0 ? 0xf0 : i == 1 ? 0xf2 : 0xf3, 0x8b, 0x00 };

		KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(p, sizeof(p), &mi),
				-EINVAL);
	}
	/* 15 bytes are an instruction, 16 are not. */
	memset(b, 0x3e, sizeof(b));
	memcpy(b + 13, good, sizeof(good));
	KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(b, 15, &mi), 0);
	KUNIT_EXPECT_EQ(test, mi.insn_len, 15);
	memset(b, 0x3e, sizeof(b));
	memcpy(b + 14, good, sizeof(good));
	KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(b, sizeof(b), &mi), -EINVAL);
	/* Nothing, or prefixes alone. */
	KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(b, 0, &mi), -EINVAL);
	KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(b, 4, &mi), -EINVAL);
	/* A failed decode leaves the output alone. */
	memset(&mi, 0xa5, sizeof(mi));
	KUNIT_EXPECT_EQ(test, axas_x86_decode_mmio(b, 4, &mi), -EINVAL);
	KUNIT_EXPECT_EQ(test, mi.len, 0xa5);
}

/* What a load leaves in its register: axas_mmio_extend() then the merge. */
static void x86_extend_test(struct kunit *test)
{
	static const u8 movsbw[] = { 0x66, 0x0f, 0xbe, 0x30 };	/* movsbw (%rax),%si */
	static const u8 movslq[] = { 0x48, 0x63, 0x08 };	/* movslq (%rax),%rcx */
	static const u8 movzwl[] = { 0x0f, 0xb7, 0x38 };	/* movzwl (%rax),%edi */
	struct axas_mmio_insn mi;

	KUNIT_ASSERT_EQ(test, axas_x86_decode_mmio(movsbw, sizeof(movsbw), &mi), 0);
	KUNIT_EXPECT_EQ(test, axas_mmio_extend(&mi, 0x1280), 0xffffffffffffff80ULL);
	KUNIT_EXPECT_EQ(test, mi.dest_len, 2);
	KUNIT_ASSERT_EQ(test, axas_x86_decode_mmio(movslq, sizeof(movslq), &mi), 0);
	KUNIT_EXPECT_EQ(test, axas_mmio_extend(&mi, 0x1234567880000000ULL),
			0xffffffff80000000ULL);
	KUNIT_ASSERT_EQ(test, axas_x86_decode_mmio(movzwl, sizeof(movzwl), &mi), 0);
	KUNIT_EXPECT_EQ(test, axas_mmio_extend(&mi, 0xffffffffffff8001ULL), 0x8001);
}

static struct kunit_case x86_insn_test_cases[] = {
	KUNIT_CASE(x86_as_table_test),
	KUNIT_CASE(x86_generated_test),
	KUNIT_CASE(x86_reject_test),
	KUNIT_CASE(x86_extend_test),
	{}
};

static struct kunit_suite x86_insn_test_suite = {
	.name = "axaddrspace_insn_x86",
	.test_cases = x86_insn_test_cases,
};

kunit_test_suites(&x86_insn_test_suite);
