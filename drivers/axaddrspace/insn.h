/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the guest load or store that trapped on an MMIO address,
 * for the VM-exit handler: which register, how many bytes, which way.
 * The address itself comes from the trap registers, not from here.
 */
#ifndef _AXADDRSPACE_INSN_H
#define _AXADDRSPACE_INSN_H

#include <linux/types.h>

/**
 * struct axas_mmio_insn - what a trapped load or store does
 * @len: bytes accessed: 1, 2, 4 or 8.
 * @insn_len: length of the instruction: 2 (compressed) or 4.
 * @reg: rd of a load, rs2 of a store (0 to 31).
 * @write: a store.
 * @sign_extend: a load whose value is sign-extended to 64 bits (LB, LH,
 *	LW and their compressed forms); false for stores, zero-extending
 *	loads and 8-byte loads.
 * @dest32: a load into a 32-bit register (AArch64 Wt, ESR_EL2.SF clear):
 *	the extended value is truncated to 32 bits, the upper half zeroed.
 * @dest_len: x86: bytes of the destination register of a load (1, 2, 4 or
 *	8): 1 and 2 replace those bytes and keep the rest, 4 zero-extends to
 *	64 bits. 0 on the other architectures.
 * @high8: x86: @reg names AH, CH, DH or BH (bits 15:8 of register
 *	@reg), for a byte access without REX.
 * @imm: x86: a store of an immediate (C6, C7): @imm_val is the value.
 * @imm_val: the immediate of a C6/C7 store, sign-extended to 64 bits.
 *
 * On x86, @insn_len is 1 to 15.
 */
struct axas_mmio_insn {
	u8 len;
	u8 insn_len;
	u8 reg;
	bool write;
	bool sign_extend;
	bool dest32;
	u8 dest_len;
	bool high8;
	bool imm;
	u64 imm_val;
};

/* The longest x86 instruction, in bytes. */
#define AXAS_X86_MAX_INSN	15

int axas_riscv_decode_mmio(u32 insn, struct axas_mmio_insn *out);
int axas_x86_decode_mmio(const u8 *insn, unsigned int avail,
			 struct axas_mmio_insn *out);
u64 axas_mmio_extend(const struct axas_mmio_insn *mi, u64 data);

#endif /* _AXADDRSPACE_INSN_H */
