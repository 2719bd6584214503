// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the RISC-V MMIO instruction decoder.
 *
 * The oracle is an encoder written here from the instruction formats of
 * the RISC-V Unprivileged ISA (20191213): I-type and S-type (section 2.2),
 * CL, CS, CI and CSS (section 16.2, with the offset scrambles of the RV64C
 * listings in section 16.8). It builds words from (instruction, register,
 * base, offset); the decoder must give back what the table below says the
 * instruction does. The encoder itself is checked against words from the
 * GNU assembler, and the whole 16-bit space and every 32-bit major opcode
 * are swept to prove that nothing else is accepted.
 */
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../drivers/axaddrspace/insn.h"

enum insn_fmt { FMT_I, FMT_S, FMT_CL, FMT_CS, FMT_CI, FMT_CSS };

enum insn_kind_id {
	K_LB, K_LH, K_LW, K_LD, K_LBU, K_LHU, K_LWU,
	K_SB, K_SH, K_SW, K_SD,
	K_C_LW, K_C_LD, K_C_SW, K_C_SD,
	K_C_LWSP, K_C_LDSP, K_C_SWSP, K_C_SDSP,
	K_COUNT
};

/**
 * struct insn_kind - one load or store, as the spec defines it
 * @name: the mnemonic.
 * @fmt: its instruction format.
 * @op: major opcode (I, S) or quadrant (compressed formats).
 * @funct3: the funct3 field.
 * @len: bytes accessed.
 * @write: a store.
 * @sign_extend: a load that sign-extends a value narrower than 64 bits.
 * @wide: for a compressed form, the 32-bit instruction it expands to.
 */
struct insn_kind {
	const char *name;
	enum insn_fmt fmt;
	u8 op;
	u8 funct3;
	u8 len;
	bool write;
	bool sign_extend;
	enum insn_kind_id wide;
};

#define LOAD(n, f3, l, s)	{ n, FMT_I, 0x03, f3, l, false, s }
#define STORE(n, f3, l)		{ n, FMT_S, 0x23, f3, l, true, false }

static const struct insn_kind insn_kinds[K_COUNT] = {
	[K_LB]	= LOAD("lb", 0, 1, true),
	[K_LH]	= LOAD("lh", 1, 2, true),
	[K_LW]	= LOAD("lw", 2, 4, true),
	[K_LD]	= LOAD("ld", 3, 8, false),
	[K_LBU]	= LOAD("lbu", 4, 1, false),
	[K_LHU]	= LOAD("lhu", 5, 2, false),
	[K_LWU]	= LOAD("lwu", 6, 4, false),
	[K_SB]	= STORE("sb", 0, 1),
	[K_SH]	= STORE("sh", 1, 2),
	[K_SW]	= STORE("sw", 2, 4),
	[K_SD]	= STORE("sd", 3, 8),
	[K_C_LW]   = { "c.lw", FMT_CL, 0, 2, 4, false, true, K_LW },
	[K_C_LD]   = { "c.ld", FMT_CL, 0, 3, 8, false, false, K_LD },
	[K_C_SW]   = { "c.sw", FMT_CS, 0, 6, 4, true, false, K_SW },
	[K_C_SD]   = { "c.sd", FMT_CS, 0, 7, 8, true, false, K_SD },
	[K_C_LWSP] = { "c.lwsp", FMT_CI, 2, 2, 4, false, true, K_LW },
	[K_C_LDSP] = { "c.ldsp", FMT_CI, 2, 3, 8, false, false, K_LD },
	[K_C_SWSP] = { "c.swsp", FMT_CSS, 2, 6, 4, true, false, K_SW },
	[K_C_SDSP] = { "c.sdsp", FMT_CSS, 2, 7, 8, true, false, K_SD },
};

static bool insn_compressed(const struct insn_kind *k)
{
	return k->fmt >= FMT_CL;
}

/* Bits hi..lo of v, shifted down to bit 0. */
static u32 insn_bits(u32 v, unsigned int hi, unsigned int lo)
{
	return (v >> lo) & (BIT(hi - lo + 1) - 1);
}

/*
 * The encoder. @reg is rd (loads) or rs2 (stores), @rs1 the base (x8 to
 * x15 for CL and CS, implicitly sp for CI and CSS), @imm the byte offset.
 */
static u32 insn_encode(const struct insn_kind *k, unsigned int reg,
		       unsigned int rs1, s32 imm)
{
	u32 u = imm, w = k->op | k->funct3 << 13;
	bool d = k->len == 8;

	switch (k->fmt) {
	case FMT_I:	/* imm[11:0] rs1 funct3 rd opcode */
		return insn_bits(u, 11, 0) << 20 | rs1 << 15 | k->funct3 << 12 |
		       reg << 7 | k->op;
	case FMT_S:	/* imm[11:5] rs2 rs1 funct3 imm[4:0] opcode */
		return insn_bits(u, 11, 5) << 25 | reg << 20 | rs1 << 15 |
		       k->funct3 << 12 | insn_bits(u, 4, 0) << 7 | k->op;
	case FMT_CL:	/* funct3 imm rs1' imm rd' op */
	case FMT_CS:	/* funct3 imm rs1' imm rs2' op */
		w |= insn_bits(u, 5, 3) << 10 | (rs1 - 8) << 7 | (reg - 8) << 2;
		if (d)	/* C.LD, C.SD: offset[5:3] ... offset[7:6] */
			return w | insn_bits(u, 7, 6) << 5;
		/* C.LW, C.SW: offset[5:3] ... offset[2|6] */
		return w | insn_bits(u, 2, 2) << 6 | insn_bits(u, 6, 6) << 5;
	case FMT_CI:	/* funct3 imm[5] rd imm op */
		w |= insn_bits(u, 5, 5) << 12 | reg << 7;
		if (d)	/* C.LDSP: offset[4:3|8:6] */
			return w | insn_bits(u, 4, 3) << 5 | insn_bits(u, 8, 6) << 2;
		/* C.LWSP: offset[4:2|7:6] */
		return w | insn_bits(u, 4, 2) << 4 | insn_bits(u, 7, 6) << 2;
	case FMT_CSS:	/* funct3 imm rs2 op */
		w |= reg << 2;
		if (d)	/* C.SDSP: offset[5:3|8:6] */
			return w | insn_bits(u, 5, 3) << 10 | insn_bits(u, 8, 6) << 7;
		/* C.SWSP: offset[5:2|7:6] */
		return w | insn_bits(u, 5, 2) << 9 | insn_bits(u, 7, 6) << 7;
	}
	return 0;
}

/* Largest offset of a compressed form: 5 bits (CL, CS) or 6 bits scaled. */
static s32 insn_imm_max(const struct insn_kind *k)
{
	unsigned int bits = k->fmt == FMT_CL || k->fmt == FMT_CS ? 5 : 6;

	return ((1 << bits) - 1) * k->len;
}

/* Deterministic xorshift32: the same words on every run. */
static u32 insn_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * Decodes @word and checks every field against @k. Returns false on any
 * mismatch, so that callers can stop at the first bad word.
 */
static bool insn_check(struct kunit *test, const struct insn_kind *k,
		       u32 word, unsigned int reg, unsigned int rs1, s32 imm)
{
	struct axas_mmio_insn mi;
	unsigned int insn_len = insn_compressed(k) ? 2 : 4;
	int ret;

	memset(&mi, 0xa5, sizeof(mi));
	ret = axas_riscv_decode_mmio(word, &mi);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	if (ret)
		return false;
	KUNIT_EXPECT_EQ_MSG(test, mi.len, k->len, "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	KUNIT_EXPECT_EQ_MSG(test, mi.insn_len, insn_len,
			    "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	KUNIT_EXPECT_EQ_MSG(test, mi.reg, reg, "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	KUNIT_EXPECT_EQ_MSG(test, mi.write, k->write,
			    "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	KUNIT_EXPECT_EQ_MSG(test, mi.sign_extend, k->sign_extend,
			    "%s x%u,%d(x%u) = %#010x",
			    k->name, reg, imm, rs1, word);
	return mi.len == k->len && mi.insn_len == insn_len && mi.reg == reg &&
	       mi.write == k->write && mi.sign_extend == k->sign_extend;
}

KUNIT_ARRAY_PARAM_DESC(insn_kinds, insn_kinds, name);

/* Offsets of the 32-bit forms: the ends of the range, then random. */
static const s32 insn_imm_edges[] = {
	0, 1, -1, 2, -2, 8, -8, 2047, -2048, 2046, -2047, 0x555, -0x556,
};

#define INSN_IMMS	(ARRAY_SIZE(insn_imm_edges) + 19)

/*
 * Every register the form can name, with many bases and offsets: for the
 * 32-bit forms all 32 registers, each with 32 offsets (the edges and
 * random ones, negative included) on rotating bases; for the compressed
 * forms every register, every base and every offset, each word also with
 * random bits in the upper half, which must be ignored.
 */
static void insn_decode_test(struct kunit *test)
{
	const struct insn_kind *k = test->param_value;
	unsigned int reg, rs1, i, n = 0;
	u32 seed = 0x9e3779b9 ^ k->funct3 ^ k->op << 8;
	s32 imm;

	if (!insn_compressed(k)) {
		for (reg = 0; reg < 32; reg++) {
			for (i = 0; i < INSN_IMMS; i++) {
				u32 w;

				imm = i < ARRAY_SIZE(insn_imm_edges) ?
				      insn_imm_edges[i] :
				      (s32)(insn_rand(&seed) % 4096) - 2048;
				rs1 = (reg * 5 + i) % 32;
				w = insn_encode(k, reg, rs1, imm);
				n++;
				if (!insn_check(test, k, w, reg, rs1, imm))
					return;
			}
		}
		kunit_info(test, "%s: %u words\n", k->name, n);
		return;
	}

	for (reg = 0; reg < 32; reg++) {
		bool prime = k->fmt == FMT_CL || k->fmt == FMT_CS;

		if (prime && (reg < 8 || reg > 15))
			continue;
		if (k->fmt == FMT_CI && reg == 0)	/* reserved */
			continue;
		for (rs1 = prime ? 8 : 2; rs1 <= (prime ? 15 : 2); rs1++) {
			for (imm = 0; imm <= insn_imm_max(k); imm += k->len) {
				u32 w = insn_encode(k, reg, rs1, imm);
				u32 hi = insn_rand(&seed) << 16;

				n += 2;
				if (!insn_check(test, k, w, reg, rs1, imm) ||
				    !insn_check(test, k, w | hi, reg, rs1, imm))
					return;
			}
		}
	}
	kunit_info(test, "%s: %u words\n", k->name, n);
}

/* Words from binutils 2.40, riscv64-linux-gnu-as -march=rv64gc + objdump. */
static const struct insn_literal {
	u32 word;
	enum insn_kind_id kind;
	u8 reg;
	u8 rs1;
	s16 imm;
	const char *text;
} insn_literals[] = {
	{ 0x00000003, K_LB, 0, 0, 0, "lb zero,0(zero)" },
	{ 0x80010283, K_LB, 5, 2, -2048, "lb t0,-2048(sp)" },
	{ 0x7ff51483, K_LH, 9, 10, 2047, "lh s1,2047(a0)" },
	{ 0x0084a783, K_LW, 15, 9, 8, "lw a5,8(s1)" },
	{ 0xff813083, K_LD, 1, 2, -8, "ld ra,-8(sp)" },
	{ 0x001fcf83, K_LBU, 31, 31, 1, "lbu t6,1(t6)" },
	{ 0xffe8dd83, K_LHU, 27, 17, -2, "lhu s11,-2(a7)" },
	{ 0x06426183, K_LWU, 3, 4, 100, "lwu gp,100(tp)" },
	{ 0xfea58fa3, K_SB, 10, 11, -1, "sb a0,-1(a1)" },
	{ 0x7e641f23, K_SH, 6, 8, 2046, "sh t1,2046(s0)" },
	{ 0x00052023, K_SW, 0, 10, 0, "sw zero,0(a0)" },
	{ 0x812f3023, K_SD, 18, 30, -2048, "sd s2,-2048(t5)" },
	{ 0x40dc, K_C_LW, 15, 9, 4, "c.lw a5,4(s1)" },
	{ 0x5fe0, K_C_LW, 8, 15, 124, "c.lw s0,124(a5)" },
	{ 0x7c68, K_C_LD, 10, 8, 248, "c.ld a0,248(s0)" },
	{ 0xc238, K_C_SW, 14, 12, 64, "c.sw a4,64(a2)" },
	{ 0xe900, K_C_SD, 8, 10, 16, "c.sd s0,16(a0)" },
	{ 0xe09c, K_C_SD, 15, 9, 0, "c.sd a5,0(s1)" },
	{ 0x5ffe, K_C_LWSP, 31, 2, 252, "c.lwsp t6,252(sp)" },
	{ 0x4092, K_C_LWSP, 1, 2, 4, "c.lwsp ra,4(sp)" },
	{ 0x60a2, K_C_LDSP, 1, 2, 8, "c.ldsp ra,8(sp)" },
	{ 0x7dfe, K_C_LDSP, 27, 2, 504, "c.ldsp s11,504(sp)" },
	{ 0xc002, K_C_SWSP, 0, 2, 0, "c.swsp zero,0(sp)" },
	{ 0xdfaa, K_C_SWSP, 10, 2, 252, "c.swsp a0,252(sp)" },
	{ 0xe406, K_C_SDSP, 1, 2, 8, "c.sdsp ra,8(sp)" },
	{ 0xfffe, K_C_SDSP, 31, 2, 504, "c.sdsp t6,504(sp)" },
};

/* The encoder reproduces the assembler, and the decoder reads it right. */
static void insn_literal_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(insn_literals); i++) {
		const struct insn_literal *l = &insn_literals[i];
		const struct insn_kind *k = &insn_kinds[l->kind];

		KUNIT_EXPECT_EQ_MSG(test, insn_encode(k, l->reg, l->rs1, l->imm),
				    l->word, "encoder: %s", l->text);
		insn_check(test, k, l->word, l->reg, l->rs1, l->imm);
	}
}

/*
 * Not decoded: words from the same assembler (-march=rv64gcvh_zfh), plus
 * reserved encodings it will not produce, built by hand (".insn" or bits).
 */
static const struct insn_reject {
	u32 word;
	const char *text;
} insn_rejects[] = {
	{ 0x00452507, "flw fa0,4(a0)" },
	{ 0xff813407, "fld fs0,-8(sp)" },
	{ 0x00251507, "flh fa0,2(a0)" },
	{ 0x00b5a027, "fsw fa1,0(a1)" },
	{ 0x00063827, "fsd ft0,16(a2)" },
	{ 0x00a51127, "fsh fa0,2(a0)" },
	{ 0x02056087, "vle32.v v1,(a0)" },
	{ 0x0205f127, "vse64.v v2,(a1)" },
	{ 0x2588, "c.fld fa0,8(a1)" },
	{ 0xa588, "c.fsd fa0,8(a1)" },
	{ 0x2442, "c.fldsp fs0,16(sp)" },
	{ 0xa822, "c.fsdsp fs0,16(sp)" },
	{ 0x00b6252f, "amoadd.w a0,a1,(a2)" },
	{ 0x0e63b2af, "amoswap.d.aqrl t0,t1,(t2)" },
	{ 0x1005a52f, "lr.w a0,(a1)" },
	{ 0x1005b52f, "lr.d a0,(a1)" },
	{ 0x18b6352f, "sc.d a0,a1,(a2)" },
	{ 0x0005f503, ".insn i 0x03, 7, a0, 0(a1) (LOAD funct3 7)" },
	{ 0x00a5c023, ".insn s 0x23, 4, a0, 0(a1) (STORE funct3 4)" },
	{ 0x00a5f023, ".insn s 0x23, 7, a0, 0(a1) (STORE funct3 7)" },
	{ 0x00158513, "addi a0,a1,1" },
	{ 0x00000073, "ecall" },
	{ 0x0ff0000f, "fence iorw,iorw" },
	{ 0x000500e7, "jalr ra,0(a0)" },
	{ 0x6805c573, "hlv.w a0,(a1)" },
	{ 0x6ea5c073, "hsv.d a0,(a1)" },
	{ 0x0808, "c.addi4spn a0,sp,16" },
	{ 0x0001, "c.nop" },
	{ 0x4505, "c.li a0,1" },
	{ 0x9002, "c.ebreak" },
	{ 0x8082, "c.jr ra" },
	{ 0x852e, "c.mv a0,a1" },
	{ 0x00000000, "all zero: illegal instruction" },
	{ 0xffffffff, "all ones: reserved (>= 192-bit prefix)" },
	{ 0x0000ffff, "32-bit (low bits 0b11) opcode 0x7f, zero upper half" },
	{ 0x4002, "c.lwsp zero,0(sp) (rd = 0 reserved)" },
	{ 0x5ffe & ~(31u << 7), "c.lwsp zero,252(sp) (rd = 0 reserved)" },
	{ 0x6002, "c.ldsp zero,0(sp) (rd = 0 reserved)" },
	{ 0x7dfe & ~(31u << 7), "c.ldsp zero,504(sp) (rd = 0 reserved)" },
	{ 0x81c8, "c.lbu a0,1(a1) (Zcb; reserved in C)" },
	{ 0x8da8, "c.sh a0,2(a1) (Zcb; reserved in C)" },
	/* Upper half ignored: a reject stays a reject under any garbage. */
	{ 0x0dc00000, "illegal 0x0000 under upper-half garbage" },
	{ 0x40dc2588, "c.fld under the upper half of c.lw" },
	{ 0xffff4002, "c.lwsp zero,0(sp) under all-ones upper half" },
};

static void insn_reject_test(struct kunit *test)
{
	struct axas_mmio_insn mi, poison;
	unsigned int i;

	memset(&poison, 0x5a, sizeof(poison));
	for (i = 0; i < ARRAY_SIZE(insn_rejects); i++) {
		const struct insn_reject *r = &insn_rejects[i];

		mi = poison;
		KUNIT_EXPECT_EQ_MSG(test, axas_riscv_decode_mmio(r->word, &mi),
				    -EINVAL, "%s = %#010x", r->text, r->word);
		KUNIT_EXPECT_MEMEQ_MSG(test, &mi, &poison, sizeof(mi),
				       "%s wrote its output", r->text);
	}
}

/*
 * The whole 16-bit space, each word under random upper-half bits: exactly
 * the words the encoder makes (all fields, all offsets) are accepted.
 */
static void insn_rvc_sweep_test(struct kunit *test)
{
	unsigned int bad = 0, first = 0, accepted = 0, want, reg, rs1;
	u32 seed = 0x2545f491, w;
	unsigned long *enc;
	enum insn_kind_id id;
	s32 imm;

	enc = kunit_kzalloc(test, BITS_TO_LONGS(1 << 16) * sizeof(long),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, enc);

	for (id = K_C_LW; id <= K_C_SDSP; id++) {
		const struct insn_kind *k = &insn_kinds[id];
		bool prime = k->fmt == FMT_CL || k->fmt == FMT_CS;

		for (reg = 0; reg < 32; reg++) {
			if ((prime && (reg < 8 || reg > 15)) ||
			    (k->fmt == FMT_CI && reg == 0))
				continue;
			for (rs1 = prime ? 8 : 2; rs1 <= (prime ? 15 : 2); rs1++)
				for (imm = 0; imm <= insn_imm_max(k); imm += k->len)
					__set_bit(insn_encode(k, reg, rs1, imm),
						  enc);
		}
	}
	/*
	 * Each form leaves 11 bits to its fields; C.LWSP and C.LDSP lose
	 * the 2^6 words with rd = 0. A smaller count would mean an encoder
	 * that maps two field values onto one word.
	 */
	want = 8 * BIT(11) - 2 * BIT(6);
	KUNIT_ASSERT_EQ(test, bitmap_weight(enc, 1 << 16), want);

	for (w = 0; w < BIT(16); w++) {
		struct axas_mmio_insn mi;
		bool decoded;
		int ret;

		if ((w & 3) == 3)
			continue;
		ret = axas_riscv_decode_mmio(w | insn_rand(&seed) << 16, &mi);
		KUNIT_EXPECT_TRUE_MSG(test, ret == 0 || ret == -EINVAL,
				      "%#06x: %d", w, ret);
		decoded = !ret;
		accepted += decoded;
		if (decoded != test_bit(w, enc) && !bad++)
			first = w;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "compressed words decoded wrongly, first %#06x (%s)",
			    first, test_bit(first, enc) ? "rejected" : "accepted");
	KUNIT_EXPECT_EQ(test, accepted, want);
}

/*
 * Every 32-bit major opcode and funct3, under random other bits: only
 * LOAD with funct3 0 to 6 and STORE with funct3 0 to 3 are accepted. The
 * opcodes of 48-bit and longer instructions (bits 4:2 all set) are among
 * them.
 */
static void insn_rv32_sweep_test(struct kunit *test)
{
	unsigned int opcode, funct3, i;
	u32 seed = 0x6b43a9b5;

	for (opcode = 3; opcode < 128; opcode += 4) {
		for (funct3 = 0; funct3 < 8; funct3++) {
			bool want = (opcode == 0x03 && funct3 != 7) ||
				    (opcode == 0x23 && funct3 <= 3);

			for (i = 0; i < 64; i++) {
				u32 w = (insn_rand(&seed) & ~(u32)GENMASK(14, 12) &
					 ~(u32)GENMASK(6, 0)) |
					funct3 << 12 | opcode;
				struct axas_mmio_insn mi;
				int ret = axas_riscv_decode_mmio(w, &mi);

				KUNIT_EXPECT_EQ_MSG(test, ret, want ? 0 : -EINVAL,
						    "opcode %#04x funct3 %u: %#010x",
						    opcode, funct3, w);
				if (ret != (want ? 0 : -EINVAL))
					return;
			}
		}
	}
}

/*
 * What htinst reports for a trapping load or store (privileged spec,
 * "Transformed Instruction or Pseudoinstruction for mtinst or htinst"):
 * the 32-bit form with a zero offset and the address offset in rs1, and
 * bit 1 cleared when the guest's instruction was compressed. The decoder
 * takes 32-bit ones as they are; compressed ones are the caller's to
 * repair (set bit 1, length 2), and are rejected as they stand.
 */
static void insn_transformed_test(struct kunit *test)
{
	enum insn_kind_id id;
	unsigned int reg, off;

	for (id = 0; id < K_COUNT; id++) {
		const struct insn_kind *k = &insn_kinds[id];
		const struct insn_kind *wide = insn_compressed(k) ?
					       &insn_kinds[k->wide] : k;

		KUNIT_ASSERT_EQ(test, wide->len, k->len);
		KUNIT_ASSERT_EQ(test, wide->write, k->write);
		KUNIT_ASSERT_EQ(test, wide->sign_extend, k->sign_extend);
		for (reg = 0; reg < 32; reg++) {
			for (off = 0; off < k->len; off++) {
				u32 t = insn_encode(wide, reg, off, 0);
				struct axas_mmio_insn mi;

				if (!insn_check(test, wide, t, reg, off, 0))
					return;
				if (!insn_compressed(k))
					continue;
				KUNIT_EXPECT_EQ_MSG(test,
						    axas_riscv_decode_mmio(t & ~2u, &mi),
						    -EINVAL,
						    "transformed %s x%u: %#010x",
						    k->name, reg, t & ~2u);
			}
		}
	}
}

static const struct insn_ext_case {
	u8 len;
	bool sign_extend;
	u64 in;
	u64 out;
} insn_ext_cases[] = {
	{ 1, false, 0xffffffffffffff80ULL, 0x80 },
	{ 1, true, 0x0000000000000080ULL, 0xffffffffffffff80ULL },
	{ 1, true, 0xdeadbeefcafe7f7fULL, 0x7f },
	{ 1, true, 0x12345678abcdefffULL, 0xffffffffffffffffULL },
	{ 1, false, 0x12345678abcdef00ULL, 0 },
	{ 2, false, 0x123456789abc8001ULL, 0x8001 },
	{ 2, true, 0x123456789abc8001ULL, 0xffffffffffff8001ULL },
	{ 2, true, 0xffffffffffff7fffULL, 0x7fff },
	{ 2, false, 0xffffffffffffffffULL, 0xffff },
	{ 4, false, 0xdeadbeef80000000ULL, 0x80000000 },
	{ 4, true, 0xdeadbeef80000000ULL, 0xffffffff80000000ULL },
	{ 4, true, 0xffffffff7fffffffULL, 0x7fffffff },
	{ 4, false, 0xffffffffffffffffULL, 0xffffffff },
	{ 8, false, 0x8000000000000001ULL, 0x8000000000000001ULL },
	{ 8, true, 0x8000000000000001ULL, 0x8000000000000001ULL },
	{ 8, false, 0xffffffffffffffffULL, 0xffffffffffffffffULL },
};

/* Reference: keep len bytes, then copy the top kept bit upward or not. */
static u64 insn_ref_extend(unsigned int len, bool sign_extend, u64 v)
{
	u64 mask = len == 8 ? ~0ULL : BIT_ULL(8 * len) - 1;

	v &= mask;
	if (sign_extend && (v & BIT_ULL(8 * len - 1)))
		v |= ~mask;
	return v;
}

static void insn_extend_test(struct kunit *test)
{
	static const u64 data[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000ULL,
		0xffffffffffffffffULL, 0xdeadbeefcafef00dULL,
		0x0123456789abcdefULL, 0xfedcba9876543210ULL,
	};
	enum insn_kind_id id;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(insn_ext_cases); i++) {
		const struct insn_ext_case *c = &insn_ext_cases[i];
		struct axas_mmio_insn mi = {
			.len = c->len,
			.sign_extend = c->sign_extend,
		};

		KUNIT_EXPECT_EQ_MSG(test, axas_mmio_extend(&mi, c->in), c->out,
				    "len %u %s of %#018llx", c->len,
				    c->sign_extend ? "signed" : "unsigned", c->in);
	}

	/* Through the decoder: what each load kind leaves in its register. */
	for (id = 0; id < K_COUNT; id++) {
		const struct insn_kind *k = &insn_kinds[id];
		struct axas_mmio_insn mi;
		unsigned int reg = insn_compressed(k) ? 9 : 17;
		u32 w = insn_encode(k, reg, 10, 0);

		if (k->write)
			continue;
		KUNIT_ASSERT_EQ_MSG(test, axas_riscv_decode_mmio(w, &mi), 0,
				    "%s = %#010x", k->name, w);
		for (j = 0; j < ARRAY_SIZE(data); j++)
			KUNIT_EXPECT_EQ_MSG(test, axas_mmio_extend(&mi, data[j]),
					    insn_ref_extend(k->len, k->sign_extend,
							    data[j]),
					    "%s of %#018llx", k->name, data[j]);
	}
}

static struct kunit_case insn_test_cases[] = {
	KUNIT_CASE_PARAM(insn_decode_test, insn_kinds_gen_params),
	KUNIT_CASE(insn_literal_test),
	KUNIT_CASE(insn_reject_test),
	KUNIT_CASE(insn_rvc_sweep_test),
	KUNIT_CASE(insn_rv32_sweep_test),
	KUNIT_CASE(insn_transformed_test),
	KUNIT_CASE(insn_extend_test),
	{}
};

static struct kunit_suite insn_test_suite = {
	.name = "axaddrspace_insn",
	.test_cases = insn_test_cases,
};

kunit_test_suites(&insn_test_suite);
