// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder of the x86-64 moves that trap on MMIO, written from the Intel
 * SDM volume 2 (and the AMD64 APM volume 3, which agrees):
 *
 *  - chapter 2, "Instruction Format": legacy prefixes (2.1.1), REX
 *    (2.2.1), ModR/M and SIB (2.1.5, tables 2-2 and 2-3), RIP-relative
 *    addressing (2.2.1.6) and the 15-byte limit;
 *  - chapter 4, MOV (88, 89, 8A, 8B, C6 /0, C7 /0), MOVZX (0F B6, 0F B7),
 *    MOVSX and MOVSXD (0F BE, 0F BF, 63).
 *
 * Only 64-bit mode is decoded. As with the other decoders, the address
 * comes from the trap: the ModR/M, SIB, displacement and immediate bytes
 * are decoded for their length (and the immediate for its value), not to
 * compute an address. The 67 prefix changes the address size only, so it
 * changes nothing here; segment overrides likewise. LOCK, REP and VEX
 * forms, register operands (mod 3) and everything else are refused.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "insn.h"

#define X86_PFX_OPSIZE		0x66
#define X86_PFX_ADDRSIZE	0x67
#define X86_REX_W		BIT(3)
#define X86_REX_R		BIT(2)

#define MODRM_MOD(b)		((b) >> 6)
#define MODRM_REG(b)		(((b) >> 3) & 7)
#define MODRM_RM(b)		((b) & 7)
#define SIB_BASE(b)		((b) & 7)

/* Segment overrides and 67: accepted and otherwise ignored. */
static bool x86_ignored_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case X86_PFX_ADDRSIZE:
		return true;
	}
	return false;
}

/*
 * Bytes of ModR/M, SIB and displacement starting at @p (ModR/M first),
 * or 0 when @avail is too short to tell. Mod 3 was refused before.
 */
static unsigned int x86_modrm_len(const u8 *p, unsigned int avail)
{
	unsigned int mod = MODRM_MOD(p[0]), rm = MODRM_RM(p[0]);
	unsigned int len = 1;

	if (rm == 4) {			/* a SIB byte follows */
		if (avail < 2)
			return 0;
		len++;
		if (mod == 0 && SIB_BASE(p[1]) == 5)
			return len + 4;	/* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		return len + 4;		/* RIP-relative disp32 */
	}
	if (mod == 1)
		return len + 1;
	if (mod == 2)
		return len + 4;
	return len;
}

/**
 * axas_x86_decode_mmio() - decode the x86-64 move behind an MMIO trap
 * @insn: the instruction bytes, from its first prefix.
 * @avail: bytes readable at @insn (at most AXAS_X86_MAX_INSN are looked
 *	at).
 * @out: the access: width, direction, register, destination size and
 *	extension of a load, immediate of a store, instruction length.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for anything but the moves listed at the top of
 * this file (or an instruction longer than @avail or 15 bytes); @out is
 * then unchanged.
 */
int axas_x86_decode_mmio(const u8 *insn, unsigned int avail,
			 struct axas_mmio_insn *out)
{
	struct axas_mmio_insn mi = { };
	unsigned int i = 0, opsize, n, imm_len = 0;
	bool osz = false, twobyte = false;
	u8 rex = 0, op, modrm;

	if (avail > AXAS_X86_MAX_INSN)
		avail = AXAS_X86_MAX_INSN;

	/* Legacy prefixes, then at most one REX right before the opcode. */
	for (; i < avail; i++) {
		if (insn[i] == X86_PFX_OPSIZE)
			osz = true;
		else if (!x86_ignored_prefix(insn[i]))
			break;
	}
	if (i < avail && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (i >= avail)
		return -EINVAL;
	op = insn[i++];
	if (op == 0x0f) {
		if (i >= avail)
			return -EINVAL;
		op = insn[i++];
		twobyte = true;
	}
	if (i >= avail)
		return -EINVAL;
	modrm = insn[i];
	if (MODRM_MOD(modrm) == 3)
		return -EINVAL;		/* a register, not memory */
	n = x86_modrm_len(insn + i, avail - i);
	if (!n)
		return -EINVAL;
	i += n;

	opsize = rex & X86_REX_W ? 8 : osz ? 2 : 4;
	mi.reg = MODRM_REG(modrm) | (rex & X86_REX_R ? 8 : 0);
	mi.dest_len = opsize;

	if (twobyte) {
		switch (op) {
		case 0xb6:	/* MOVZX r, r/m8 */
		case 0xb7:	/* MOVZX r, r/m16 */
		case 0xbe:	/* MOVSX r, r/m8 */
		case 0xbf:	/* MOVSX r, r/m16 */
			mi.len = op & 1 ? 2 : 1;
			mi.sign_extend = op >= 0xbe;
			break;
		default:
			return -EINVAL;
		}
	} else {
		switch (op) {
		case 0x88:	/* MOV r/m8, r8 */
		case 0x8a:	/* MOV r8, r/m8 */
			mi.len = 1;
			mi.dest_len = 1;
			mi.write = op == 0x88;
			break;
		case 0x89:	/* MOV r/m, r */
		case 0x8b:	/* MOV r, r/m */
			mi.len = opsize;
			mi.write = op == 0x89;
			break;
		case 0x63:	/* MOVSXD r, r/m32 (r/m16 with 66) */
			mi.len = opsize == 2 ? 2 : 4;
			mi.sign_extend = opsize == 8;
			break;
		case 0xc6:	/* MOV r/m8, imm8 */
		case 0xc7:	/* MOV r/m, imm16/imm32 */
			if (MODRM_REG(modrm))
				return -EINVAL;
			mi.write = true;
			mi.imm = true;
			mi.reg = 0;
			mi.len = op == 0xc6 ? 1 : opsize;
			imm_len = mi.len == 8 ? 4 : mi.len;
			break;
		default:
			return -EINVAL;
		}
	}

	if (i + imm_len > avail)
		return -EINVAL;
	switch (imm_len) {
	case 1:
		mi.imm_val = (s64)(s8)insn[i];
		break;
	case 2:
		mi.imm_val = (s64)(s16)(insn[i] | insn[i + 1] << 8);
		break;
	case 4:
		mi.imm_val = (s64)(s32)((u32)insn[i] | (u32)insn[i + 1] << 8 |
					(u32)insn[i + 2] << 16 |
					(u32)insn[i + 3] << 24);
		break;
	}
	i += imm_len;

	/* Without REX, byte registers 4 to 7 are AH, CH, DH and BH. */
	if (!twobyte && (op == 0x88 || op == 0x8a) && !rex && mi.reg >= 4) {
		mi.high8 = true;
		mi.reg -= 4;
	}
	mi.insn_len = i;
	*out = mi;
	return 0;
}
