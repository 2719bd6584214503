// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder of the RISC-V loads and stores that trap on MMIO, written from
 * the RISC-V Unprivileged ISA specification (version 20191213):
 *
 *  - chapter 2, "RV32I Base Integer Instruction Set", sections 2.2 "Base
 *    Instruction Formats" (I and S) and 2.6 "Load and Store Instructions";
 *  - chapter 5, "RV64I Base Integer Instruction Set", section 5.3 "Load
 *    and Store Instructions" (LD, LWU, SD, and LW sign-extending);
 *  - chapter 16, "C" Standard Extension for Compressed Instructions,
 *    sections 16.2 "Compressed Instruction Formats" (CI, CSS, CL, CS),
 *    16.3 "Load and Store Instructions" and 16.8 "RVC Instruction Set
 *    Listings", RV64 encodings;
 *  - chapter 24, "RV32/64G Instruction Set Listings" (opcode map).
 *
 * Only the width, the direction and the data register matter here: the
 * faulting guest address comes from the trap registers, so base registers
 * and offsets are not decoded. That also makes the transformed loads and
 * stores that the Hypervisor Extension reports in htinst decodable as they
 * are (their offset fields are zero and rs1 holds an address offset), once
 * the caller has handled the compressed case: see axas_riscv_decode_mmio().
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>

#include "insn.h"

/* 32-bit instructions: the I-type (loads) and S-type (stores) formats. */
#define RV_OPCODE		GENMASK(6, 0)
#define RV_RD			GENMASK(11, 7)
#define RV_FUNCT3		GENMASK(14, 12)
#define RV_RS2			GENMASK(24, 20)
#define RV_OPCODE_LOAD		0x03
#define RV_OPCODE_STORE		0x23

/*
 * 16-bit instructions: the quadrant (op) in bits 1:0, 0b11 meaning a
 * longer instruction, and funct3 in bits 15:13. CI and CSS name any
 * register with five bits; CL and CS name x8 to x15 with three.
 */
#define RVC_OP			GENMASK(1, 0)
#define RVC_OP_NOT_RVC		3
#define RVC_FUNCT3		GENMASK(15, 13)
#define RVC_CI_RD		GENMASK(11, 7)
#define RVC_CSS_RS2		GENMASK(6, 2)
#define RVC_CLS_REG		GENMASK(4, 2)	/* CL rd', CS rs2' */
#define RVC_CLS_REG_BASE	8

/* Quadrant and funct3 of a compressed instruction as one switch key. */
#define RVC_KEY(op, funct3)	(((op) << 3) | (funct3))

/* LOAD by funct3; funct3 7 is reserved (len 0). */
static const struct {
	u8 len;
	bool sign_extend;
} rv_loads[8] = {
	[0] = { 1, true },	/* LB */
	[1] = { 2, true },	/* LH */
	[2] = { 4, true },	/* LW */
	[3] = { 8, false },	/* LD */
	[4] = { 1, false },	/* LBU */
	[5] = { 2, false },	/* LHU */
	[6] = { 4, false },	/* LWU */
};

static int axas_mmio_fill(struct axas_mmio_insn *out, unsigned int len,
			  unsigned int insn_len, unsigned int reg, bool write,
			  bool sign_extend)
{
	out->len = len;
	out->insn_len = insn_len;
	out->reg = reg;
	out->write = write;
	out->sign_extend = sign_extend;
	out->dest32 = false;
	return 0;
}

static int axas_rv_decode(u32 insn, struct axas_mmio_insn *out)
{
	unsigned int funct3 = FIELD_GET(RV_FUNCT3, insn);

	switch (FIELD_GET(RV_OPCODE, insn)) {
	case RV_OPCODE_LOAD:
		if (!rv_loads[funct3].len)
			return -EINVAL;
		return axas_mmio_fill(out, rv_loads[funct3].len, 4,
				      FIELD_GET(RV_RD, insn), false,
				      rv_loads[funct3].sign_extend);
	case RV_OPCODE_STORE:
		/* SB, SH, SW, SD; funct3 4 to 7 are reserved in RV64. */
		if (funct3 > 3)
			return -EINVAL;
		return axas_mmio_fill(out, 1 << funct3, 4,
				      FIELD_GET(RV_RS2, insn), true, false);
	default:
		return -EINVAL;
	}
}

static int axas_rvc_decode(u16 insn, struct axas_mmio_insn *out)
{
	unsigned int cls_reg = RVC_CLS_REG_BASE + FIELD_GET(RVC_CLS_REG, insn);
	unsigned int ci_rd = FIELD_GET(RVC_CI_RD, insn);
	unsigned int css_rs2 = FIELD_GET(RVC_CSS_RS2, insn);

	switch (RVC_KEY(FIELD_GET(RVC_OP, insn), FIELD_GET(RVC_FUNCT3, insn))) {
	case RVC_KEY(0, 2):	/* C.LW rd', offset(rs1') */
		return axas_mmio_fill(out, 4, 2, cls_reg, false, true);
	case RVC_KEY(0, 3):	/* C.LD rd', offset(rs1') */
		return axas_mmio_fill(out, 8, 2, cls_reg, false, false);
	case RVC_KEY(0, 6):	/* C.SW rs2', offset(rs1') */
		return axas_mmio_fill(out, 4, 2, cls_reg, true, false);
	case RVC_KEY(0, 7):	/* C.SD rs2', offset(rs1') */
		return axas_mmio_fill(out, 8, 2, cls_reg, true, false);
	case RVC_KEY(2, 2):	/* C.LWSP rd, offset(sp); rd = 0 reserved */
		if (!ci_rd)
			return -EINVAL;
		return axas_mmio_fill(out, 4, 2, ci_rd, false, true);
	case RVC_KEY(2, 3):	/* C.LDSP rd, offset(sp); rd = 0 reserved */
		if (!ci_rd)
			return -EINVAL;
		return axas_mmio_fill(out, 8, 2, ci_rd, false, false);
	case RVC_KEY(2, 6):	/* C.SWSP rs2, offset(sp) */
		return axas_mmio_fill(out, 4, 2, css_rs2, true, false);
	case RVC_KEY(2, 7):	/* C.SDSP rs2, offset(sp) */
		return axas_mmio_fill(out, 8, 2, css_rs2, true, false);
	default:
		/*
		 * Everything else, among it C.FLD, C.FSD, C.FLDSP, C.FSDSP,
		 * the all-zero illegal instruction (a C.ADDI4SPN encoding)
		 * and quadrant 0's funct3 4 (reserved in C; Zcb's byte and
		 * halfword accesses).
		 */
		return -EINVAL;
	}
}

/**
 * axas_riscv_decode_mmio() - decode a guest load or store to MMIO
 * @insn: the instruction as fetched: a 32-bit instruction if its low two
 *	bits are 0b11, otherwise a compressed one in the low 16 bits (the
 *	upper 16 bits are then ignored).
 * @out: what the instruction does; written only on success.
 *
 * Decodes the integer loads and stores of RV64I (LB, LH, LW, LD, LBU,
 * LHU, LWU, SB, SH, SW, SD) and of RV64C (C.LW, C.LD, C.SW, C.SD, C.LWSP,
 * C.LDSP, C.SWSP, C.SDSP). Floating-point and vector loads and stores,
 * AMOs and LR/SC are memory accesses too, but are not emulated: they fail
 * like any other instruction, with -EINVAL.
 *
 * A transformed instruction from htinst is decoded as it is given. For
 * one that stands for a compressed instruction (bit 1 clear, bit 0 set)
 * the caller has to set bit 1 and take the instruction length as 2 instead
 * of @out->insn_len.
 *
 * Context: any context.
 * Return: 0 on success; -EINVAL if @insn is not one of the loads and
 * stores above, or is a reserved encoding (C.LWSP or C.LDSP with rd = 0,
 * a LOAD or STORE funct3 that RV64I does not define).
 */
int axas_riscv_decode_mmio(u32 insn, struct axas_mmio_insn *out)
{
	if (FIELD_GET(RVC_OP, insn) == RVC_OP_NOT_RVC)
		return axas_rv_decode(insn, out);
	return axas_rvc_decode(insn & 0xffff, out);
}

/**
 * axas_mmio_extend() - a loaded value as the destination register gets it
 * @mi: the decoded load.
 * @data: the value read from the device; bits above @mi->len bytes are
 *	ignored.
 *
 * Context: any context.
 * Return: @data truncated to @mi->len bytes, then sign-extended to 64 bits
 * if @mi->sign_extend, else zero-extended. A @mi->len other than 1, 2 or 4
 * returns @data unchanged.
 */
u64 axas_mmio_extend(const struct axas_mmio_insn *mi, u64 data)
{
	switch (mi->len) {
	case 1:
		return mi->sign_extend ? (u64)(s64)(s8)data : (u8)data;
	case 2:
		return mi->sign_extend ? (u64)(s64)(s16)data : (u16)data;
	case 4:
		return mi->sign_extend ? (u64)(s64)(s32)data : (u32)data;
	default:
		return data;
	}
}
