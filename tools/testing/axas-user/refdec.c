// SPDX-License-Identifier: GPL-2.0
/*
 * Reference decoders, from the manuals:
 *
 *  - Intel SDM vol. 3C, "The Extended Page Table Mechanism (EPT)": EPTP
 *    format, EPT paging-structure entries, EPT misconfigurations;
 *  - Arm ARM DDI 0487, D8 (VMSAv8-64): VTCR_EL2 and VTTBR_EL2, stage 2
 *    descriptors with the 4 KiB granule, initial lookup level and
 *    concatenated translation tables;
 *  - RISC-V privileged specification, "Hypervisor Extension": hgatp,
 *    Sv39x4/Sv48x4, and the Sv39/Sv48 PTE format and walk algorithm;
 *  - AMD64 APM vol. 2, "Nested Paging" (nCR3, nested walks as user
 *    accesses) and "Long-Mode Page Translation" (the 4-level entries,
 *    reserved bits, PAT/PCD/PWT).
 *
 * Levels are numbered as in the core (0 = 4 KiB leaf level) only at the
 * interface; the per-format code follows each manual. Besides what makes
 * the hardware fault or misbehave, the decoders check the encodings the
 * core promises (its header and the brief that specified it): EPT tables
 * RWX = 7, leaves ignore PAT with memory type WB or UC; Stage-2 leaves
 * with AF set, MemAttr 0xF/inner-shareable or 0x1/non-shareable, XN 0b00
 * or 0b10; G-stage leaves with U and A set and D == W, non-leaf entries
 * with V only; NPT entries with U/S, tables P|RW|US|A, leaves with A set,
 * D == RW, PAT clear and PCD == PWT (PAT index 0 or 3); no bit set
 * outside the fields the core uses. A deviation
 * is reported as malformed (-EIO).
 */
#include <string.h>

#include <linux/bits.h>
#include <linux/errno.h>

#include "refdec.h"

enum rd_kind { RD_INVALID, RD_TABLE, RD_LEAF, RD_BAD };

/* One decoded entry; @pa is the table or the first byte of the leaf. */
struct rd_ent {
	enum rd_kind kind;
	u64 pa;
	u32 flags;
	const char *why;
};

struct rd_fmt {
	int (*regs)(const struct axas_hw_regs *regs, struct refdec_geo *geo,
		    const char **why);
	/* @level: 0 for the 4 KiB level, as at the interface. */
	void (*decode)(u64 pte, unsigned int level, struct rd_ent *e);
	/* Permissions of tables combine with the leaf's (EPT). */
	u32 (*table_perms)(u64 pte);
	unsigned int max_leaf;
};

static u64 rd_size(unsigned int level)
{
	return 1ULL << (12 + 9 * level);
}

/* The entry is one the hardware refuses (or the core promised never to make). */
static void rd_bad(struct rd_ent *e, const char *why)
{
	e->kind = RD_BAD;
	e->why = why;
}

/* ---- Intel EPT ------------------------------------------------------- */

#define EPT_MAXPHYADDR	52	/* the widest the architecture allows */
#define EPT_ADDR	GENMASK_ULL(EPT_MAXPHYADDR - 1, 12)
#define EPT_SW_OWNED	BIT_ULL(52)	/* an ignored bit the core may use */

static int ept_regs(const struct axas_hw_regs *regs, struct refdec_geo *geo,
		    const char **why)
{
	u64 eptp = regs->root;
	unsigned int walk = ((eptp >> 3) & 7) + 1;

	/* SDM: memory type UC (0) or WB (6); the core promises WB. */
	if ((eptp & 7) != 6) {
		*why = "EPTP memory type not WB";
		return -EIO;
	}
	if (walk != 4 && walk != 5) {
		*why = "EPTP page-walk length not 4 or 5";
		return -EIO;
	}
	/* Bit 7 (supervisor shadow stacks) unused; 11:8 and N-1+ reserved. */
	if (eptp & (GENMASK_ULL(11, 7) | GENMASK_ULL(63, EPT_MAXPHYADDR))) {
		*why = "EPTP reserved bits set";
		return -EIO;
	}
	if (regs->ctl) {
		*why = "EPT: ctl not 0";
		return -EIO;
	}
	geo->oa_bits = EPT_MAXPHYADDR;
	geo->levels = walk;
	geo->ia_bits = 12 + 9 * walk;
	geo->root_pa = eptp & EPT_ADDR;
	geo->root_entries = 512;
	geo->root_pages = 1;
	geo->vmid = 0;
	return 0;
}

static u32 ept_perms(u64 pte)
{
	return (pte & BIT_ULL(0) ? AXAS_READ : 0) |
	       (pte & BIT_ULL(1) ? AXAS_WRITE : 0) |
	       (pte & BIT_ULL(2) ? AXAS_EXEC : 0);
}

static void ept_decode(u64 pte, unsigned int level, struct rd_ent *e)
{
	unsigned int mt = (pte >> 3) & 7;
	bool leaf;
	u64 low;

	e->why = NULL;
	if (!(pte & 7)) {
		e->kind = RD_INVALID;
		return;
	}
	/* Misconfigurations: write without read (010b, 110b). */
	if ((pte & 3) == 2) {
		rd_bad(e, "EPT write without read (misconfiguration)");
		return;
	}
	if (pte & GENMASK_ULL(EPT_MAXPHYADDR - 1, 52)) {
		rd_bad(e, "EPT reserved address bits");
		return;
	}

	/* Bit 7 selects a page at PDPTE and PDE level, reserved above. */
	if (level >= 3 && (pte & BIT_ULL(7))) {
		rd_bad(e, "EPT bit 7 set in a PML4E/PML5E");
		return;
	}
	leaf = !level || (level <= 2 && (pte & BIT_ULL(7)));

	if (!leaf) {
		if (pte & GENMASK_ULL(6, 3)) {
			rd_bad(e, "EPT reserved bits 6:3 in a table entry");
			return;
		}
		/* Promise: tables grant everything, the leaf decides. */
		if ((pte & 7) != 7) {
			rd_bad(e, "EPT table entry without RWX = 7");
			return;
		}
		/* Promise: nothing but address and RWX (A may be set by HW). */
		if (pte & ~(EPT_ADDR | 7 | BIT_ULL(8))) {
			rd_bad(e, "EPT table entry with unexpected bits");
			return;
		}
		e->kind = RD_TABLE;
		e->pa = pte & EPT_ADDR;
		return;
	}

	if (mt == 2 || mt == 3 || mt == 7) {
		rd_bad(e, "EPT reserved memory type (misconfiguration)");
		return;
	}
	low = level ? GENMASK_ULL(12 + 9 * level - 1, 12) : 0;
	if (pte & low) {
		rd_bad(e, "EPT reserved bits in a large-page address");
		return;
	}
	/* Promises: WB or UC, PAT ignored, R always. */
	if (mt != 6 && mt != 0) {
		rd_bad(e, "EPT leaf memory type neither WB nor UC");
		return;
	}
	if (!(pte & BIT_ULL(6))) {
		rd_bad(e, "EPT leaf without ignore-PAT");
		return;
	}
	if (!level && (pte & BIT_ULL(7))) {
		rd_bad(e, "EPT 4K leaf with bit 7 set");
		return;
	}
	/* Allowed: address, RWX, MT, IPAT, bit 7, A/D (8, 9), owned. */
	if (pte & ~(EPT_ADDR | GENMASK_ULL(9, 0) | EPT_SW_OWNED)) {
		rd_bad(e, "EPT leaf with unexpected bits");
		return;
	}
	e->kind = RD_LEAF;
	e->pa = pte & EPT_ADDR;
	e->flags = ept_perms(pte) | (mt == 0 ? AXAS_DEVICE : 0);
}

static const struct rd_fmt rd_ept = {
	.regs		= ept_regs,
	.decode		= ept_decode,
	.table_perms	= ept_perms,
	.max_leaf	= 2,
};

/* ---- Arm Stage-2, 4 KiB granule -------------------------------------- */

#define S2_OA		GENMASK_ULL(47, 12)
#define S2_SW_OWNED	BIT_ULL(55)

static const unsigned int s2_ps_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };

static int s2_regs(const struct axas_hw_regs *regs, struct refdec_geo *geo,
		   const char **why)
{
	u64 vtcr = regs->ctl, vttbr = regs->root;
	unsigned int t0sz = vtcr & 0x3f, sl0 = (vtcr >> 6) & 3;
	unsigned int tg0 = (vtcr >> 14) & 3, ps = (vtcr >> 16) & 7;
	unsigned int start, bits, ia;
	u64 root_bytes;

	if (tg0 != 0) {
		*why = "VTCR_EL2.TG0 is not the 4 KiB granule";
		return -EIO;
	}
	if (!(vtcr & BIT_ULL(31))) {
		*why = "VTCR_EL2 RES1 bit 31 clear";
		return -EIO;
	}
	if (!s2_ps_bits[ps] || s2_ps_bits[ps] == 52) {
		*why = "VTCR_EL2.PS reserved or needs FEAT_LPA";
		return -EIO;
	}
	/* SL0 with TG0 = 4K: 0 -> level 2, 1 -> level 1, 2 -> level 0. */
	if (sl0 == 3) {
		*why = "VTCR_EL2.SL0 = 3 needs FEAT_TTST";
		return -EIO;
	}
	start = 2 - sl0;
	ia = 64 - t0sz;
	if (ia > 48 || ia < 16) {
		*why = "VTCR_EL2.T0SZ out of range";
		return -EIO;
	}
	/*
	 * The start level resolves IA[ia-1 : 12 + 9 * (3 - start)]; more
	 * than 9 bits means concatenated tables, at most 16 of them, and
	 * none at level 0. Anything else is a level 0 translation fault.
	 */
	if (ia <= 12 + 9 * (3 - start)) {
		*why = "VTCR_EL2: start level below the input size";
		return -EIO;
	}
	bits = ia - (12 + 9 * (3 - start));
	if (bits > 13 || (start == 0 && bits > 9)) {
		*why = "VTCR_EL2: too many concatenated start tables";
		return -EIO;
	}
	/* The core promises the IPA never exceeds the output size. */
	if (ia > s2_ps_bits[ps]) {
		*why = "VTCR_EL2: IPA wider than PS";
		return -EIO;
	}
	root_bytes = 8ULL << bits;
	/* BADDR must be aligned to the (concatenated) start table. */
	if (vttbr & (root_bytes - 1) & ~1ULL) {
		*why = "VTTBR_EL2.BADDR not aligned to the start table";
		return -EIO;
	}
	/* 8-bit VMID (VS = 0): bits 63:56 RES0; CnP (bit 0) unused. */
	if (vtcr & BIT_ULL(19) ? 0 : (vttbr & GENMASK_ULL(63, 56))) {
		*why = "VTTBR_EL2 bits 63:56 set with an 8-bit VMID";
		return -EIO;
	}
	if (vttbr & (GENMASK_ULL(47, 0) & ~S2_OA) & ~1ULL) {
		*why = "VTTBR_EL2.BADDR low bits set";
		return -EIO;
	}
	geo->oa_bits = s2_ps_bits[ps];
	geo->levels = 4 - start;
	geo->ia_bits = ia;
	geo->root_pa = vttbr & S2_OA;
	geo->root_entries = 1U << bits;
	geo->root_pages = root_bytes > 4096 ? root_bytes / 4096 : 1;
	geo->vmid = vtcr & BIT_ULL(19) ? vttbr >> 48 : (vttbr >> 48) & 0xff;
	return 0;
}

static void s2_decode(u64 pte, unsigned int level, struct rd_ent *e)
{
	unsigned int arm_level = 3 - level;
	unsigned int memattr = (pte >> 2) & 0xf, sh = (pte >> 8) & 3;
	unsigned int xn = (pte >> 53) & 3;
	u64 low;

	e->why = NULL;
	if (!(pte & 1)) {
		e->kind = RD_INVALID;
		return;
	}
	if (arm_level < 3 && (pte & 2)) {
		/* Table descriptor: promise nothing but address and type. */
		if (pte & ~(S2_OA | 3)) {
			rd_bad(e, "S2 table descriptor with other bits");
			return;
		}
		e->kind = RD_TABLE;
		e->pa = pte & S2_OA;
		return;
	}
	if (arm_level == 0) {
		rd_bad(e, "S2 block descriptor at level 0 (4K granule)");
		return;
	}
	if (arm_level == 3 && !(pte & 2)) {
		rd_bad(e, "S2 reserved descriptor (0b01) at level 3");
		return;
	}

	low = GENMASK_ULL(12 + 9 * level - 1, 12) & (level ? ~0ULL : 0);
	if (pte & low) {
		rd_bad(e, "S2 block output address not aligned (RES0)");
		return;
	}
	if (pte & GENMASK_ULL(50, 48)) {
		rd_bad(e, "S2 RES0 bits 50:48 set");
		return;
	}
	if (!(pte & BIT_ULL(10))) {
		rd_bad(e, "S2 leaf with AF clear (access flag fault)");
		return;
	}
	/* Promises. */
	if (!(memattr == 0xf && sh == 3) && !(memattr == 0x1 && sh == 0)) {
		rd_bad(e,
		       "S2 leaf neither Normal WB inner-shareable nor Device-nGnRE non-shareable");
		return;
	}
	if (xn != 0 && xn != 2) {
		rd_bad(e, "S2 leaf XN neither 0b00 nor 0b10");
		return;
	}
	if (pte & ~(S2_OA | GENMASK_ULL(10, 0) | (3ULL << 53) | S2_SW_OWNED)) {
		rd_bad(e,
		       "S2 leaf with unexpected bits (DBM, contiguous, bit 11, software or upper bits)");
		return;
	}
	e->kind = RD_LEAF;
	e->pa = pte & S2_OA;
	e->flags = (pte & BIT_ULL(6) ? AXAS_READ : 0) |
		   (pte & BIT_ULL(7) ? AXAS_WRITE : 0) |
		   (xn == 0 ? AXAS_EXEC : 0) |
		   (!(memattr & 0xc) ? AXAS_DEVICE : 0);
}

static const struct rd_fmt rd_s2 = {
	.regs		= s2_regs,
	.decode		= s2_decode,
	.max_leaf	= 2,
};

/* ---- RISC-V G-stage ---------------------------------------------------- */

#define GS_V	BIT_ULL(0)
#define GS_R	BIT_ULL(1)
#define GS_W	BIT_ULL(2)
#define GS_X	BIT_ULL(3)
#define GS_U	BIT_ULL(4)
#define GS_G	BIT_ULL(5)
#define GS_A	BIT_ULL(6)
#define GS_D	BIT_ULL(7)
#define GS_RSW	GENMASK_ULL(9, 8)
#define GS_PPN	GENMASK_ULL(53, 10)

static int gs_regs(const struct axas_hw_regs *regs, struct refdec_geo *geo,
		   const char **why)
{
	u64 hgatp = regs->root;
	unsigned int mode = hgatp >> 60;
	u64 ppn = hgatp & GENMASK_ULL(43, 0);

	if (mode != 8 && mode != 9) {
		*why = "hgatp.MODE neither Sv39x4 nor Sv48x4";
		return -EIO;
	}
	if (hgatp & GENMASK_ULL(59, 58)) {
		*why = "hgatp bits 59:58 set";
		return -EIO;
	}
	/* The x4 root is 16 KiB, aligned to 16 KiB. */
	if (ppn & 3) {
		*why = "hgatp.PPN not 16 KiB aligned";
		return -EIO;
	}
	if (regs->ctl) {
		*why = "G-stage: ctl not 0";
		return -EIO;
	}
	geo->oa_bits = 56;
	geo->levels = mode == 8 ? 3 : 4;
	geo->ia_bits = mode == 8 ? 41 : 50;
	geo->root_pa = ppn << 12;
	geo->root_entries = 2048;
	geo->root_pages = 4;
	geo->vmid = (hgatp >> 44) & 0x3fff;
	return 0;
}

static void gs_decode(u64 pte, unsigned int level, struct rd_ent *e)
{
	u64 ppn = (pte & GS_PPN) >> 10;

	e->why = NULL;
	if (!(pte & GS_V)) {
		e->kind = RD_INVALID;
		return;
	}
	if (!(pte & GS_R) && (pte & GS_W)) {
		rd_bad(e, "G-stage W without R (reserved)");
		return;
	}
	/* 60:54 reserved; 62:61 PBMT and 63 N need Svpbmt / Svnapot. */
	if (pte & GENMASK_ULL(63, 54)) {
		rd_bad(e, "G-stage reserved/PBMT/N bits set");
		return;
	}
	if (!(pte & (GS_R | GS_X))) {
		if (!level) {
			rd_bad(e, "G-stage pointer at the last level");
			return;
		}
		/* D, A, U are reserved in non-leaf entries; promise V only. */
		if (pte & ~(GS_PPN | GS_V)) {
			rd_bad(e, "G-stage non-leaf entry with bits besides V");
			return;
		}
		e->kind = RD_TABLE;
		e->pa = ppn << 12;
		return;
	}
	/* Superpage: the low PPN fields must be zero. */
	if (level && (ppn & ((1ULL << (9 * level)) - 1))) {
		rd_bad(e, "G-stage misaligned superpage");
		return;
	}
	/* G-stage accesses are user accesses: U = 0 would fault. */
	if (!(pte & GS_U)) {
		rd_bad(e, "G-stage leaf without U");
		return;
	}
	/* Without Svadu, A = 0 faults; the core promises D == W. */
	if (!(pte & GS_A)) {
		rd_bad(e, "G-stage leaf without A");
		return;
	}
	if (!!(pte & GS_D) != !!(pte & GS_W)) {
		rd_bad(e, "G-stage leaf with D != W");
		return;
	}
	if (pte & GS_G) {
		rd_bad(e, "G-stage leaf with G");
		return;
	}
	e->kind = RD_LEAF;
	e->pa = ppn << 12;
	e->flags = (pte & GS_R ? AXAS_READ : 0) |
		   (pte & GS_W ? AXAS_WRITE : 0) |
		   (pte & GS_X ? AXAS_EXEC : 0);
}

static const struct rd_fmt rd_gs = {
	.regs		= gs_regs,
	.decode		= gs_decode,
	.max_leaf	= 2,
};

/* ---- AMD NPT (long-mode 4-level tables under nCR3) --------------------- */

#define NPT_M		52	/* MAXPHYADDR: the widest the architecture allows */
#define NPT_ADDR	GENMASK_ULL(NPT_M - 1, 12)
#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)
#define NPT_PWT		BIT_ULL(3)
#define NPT_PCD		BIT_ULL(4)
#define NPT_A		BIT_ULL(5)
#define NPT_D		BIT_ULL(6)
#define NPT_PS		BIT_ULL(7)	/* PAT in a 4 KiB PTE */
#define NPT_G		BIT_ULL(8)
#define NPT_PAT_LARGE	BIT_ULL(12)
#define NPT_NX		BIT_ULL(63)
#define NPT_SW_OWNED	BIT_ULL(52)	/* an available bit the core may use */

static int npt_regs(const struct axas_hw_regs *regs, struct refdec_geo *geo,
		    const char **why)
{
	u64 ncr3 = regs->root;

	/* Long-mode CR3 layout; the core promises PWT = PCD = 0. */
	if (ncr3 & ~NPT_ADDR) {
		*why = "nCR3 bits besides the PML4 base set";
		return -EIO;
	}
	if (regs->ctl) {
		*why = "NPT: ctl not 0";
		return -EIO;
	}
	geo->oa_bits = NPT_M;
	geo->levels = 4;
	geo->ia_bits = 48;
	geo->root_pa = ncr3;
	geo->root_entries = 512;
	geo->root_pages = 1;
	geo->vmid = 0;
	return 0;
}

/* Permissions combine across levels: R/W and NX of every entry count. */
static u32 npt_perms(u64 pte)
{
	return AXAS_READ | (pte & NPT_RW ? AXAS_WRITE : 0) |
	       (pte & NPT_NX ? 0 : AXAS_EXEC);
}

static void npt_decode(u64 pte, unsigned int level, struct rd_ent *e)
{
	bool leaf;
	u64 low;

	e->why = NULL;
	if (!(pte & NPT_P)) {
		e->kind = RD_INVALID;
		return;
	}
	if (pte & GENMASK_ULL(51, NPT_M)) {
		rd_bad(e, "NPT reserved address bits 51:M");
		return;
	}
	/* The nested walk is a user access: a supervisor entry faults. */
	if (!(pte & NPT_US)) {
		rd_bad(e, "NPT entry without U/S");
		return;
	}
	/* PML4E: bit 7 (PS) and bit 8 must be zero. */
	if (level == 3 && (pte & (NPT_PS | NPT_G))) {
		rd_bad(e, "NPT PML4E with bit 7 or 8 set (MBZ)");
		return;
	}
	leaf = !level || (pte & NPT_PS);

	if (!leaf) {
		/* Promise: P, RW, US, A and the address; walks write-back. */
		if ((pte & ~NPT_ADDR) != (NPT_P | NPT_RW | NPT_US | NPT_A)) {
			rd_bad(e, "NPT table entry not exactly P|RW|US|A");
			return;
		}
		e->kind = RD_TABLE;
		e->pa = pte & NPT_ADDR;
		return;
	}

	/* Large leaves: PAT at bit 12, then reserved bits up to the address. */
	low = level ? GENMASK_ULL(12 + 9 * level - 1, 13) : 0;
	if (pte & low) {
		rd_bad(e, "NPT reserved bits in a large-page address");
		return;
	}
	if (pte & (level ? NPT_PAT_LARGE : NPT_PS)) {
		rd_bad(e, "NPT leaf with PAT set (index 0 or 3 expected)");
		return;
	}
	if (!!(pte & NPT_PCD) != !!(pte & NPT_PWT)) {
		rd_bad(e, "NPT leaf memory type neither WB nor UC");
		return;
	}
	if (!(pte & NPT_A)) {
		rd_bad(e, "NPT leaf without A");
		return;
	}
	if (!!(pte & NPT_D) != !!(pte & NPT_RW)) {
		rd_bad(e, "NPT leaf with D != RW");
		return;
	}
	/* Allowed: address, P/RW/US/PWT/PCD/A/D, PS, NX, owned. */
	if (pte & ~(NPT_ADDR | GENMASK_ULL(6, 0) | (level ? NPT_PS : 0) |
		    NPT_NX | NPT_SW_OWNED)) {
		rd_bad(e, "NPT leaf with unexpected bits");
		return;
	}
	e->kind = RD_LEAF;
	e->pa = pte & NPT_ADDR & ~(level ? NPT_PAT_LARGE : 0);
	e->flags = npt_perms(pte) | (pte & NPT_PCD ? AXAS_DEVICE : 0);
}

static const struct rd_fmt rd_npt = {
	.regs		= npt_regs,
	.decode		= npt_decode,
	.table_perms	= npt_perms,
	.max_leaf	= 2,
};

/* ---- common ------------------------------------------------------------ */

static const struct rd_fmt *rd_fmt(u32 format)
{
	switch (format) {
	case AXAS_FMT_EPT:
		return &rd_ept;
	case AXAS_FMT_ARM_S2:
		return &rd_s2;
	case AXAS_FMT_RISCV_GSTAGE:
		return &rd_gs;
	case AXAS_FMT_AMD_NPT:
		return &rd_npt;
	}
	return NULL;
}

static const u64 *rd_table(u64 pa)
{
	return (const u64 *)(uintptr_t)pa;
}

int refdec_regs(u32 format, const struct axas_hw_regs *regs,
		struct refdec_geo *geo, const char **why)
{
	const struct rd_fmt *f = rd_fmt(format);

	*why = NULL;
	if (!f) {
		*why = "unknown format";
		return -EIO;
	}
	return f->regs(regs, geo, why);
}

/* Leaf checks common to the formats: level and output size. */
static int rd_leaf_ok(const struct rd_fmt *f, const struct refdec_geo *geo,
		      const struct rd_ent *e, unsigned int level,
		      const char **why)
{
	if ((e->pa + rd_size(level) - 1) >> geo->oa_bits) {
		*why = "leaf beyond the output address size";
		return -EIO;
	}
	if (level > f->max_leaf) {
		*why = "leaf above 1 GiB";
		return -EIO;
	}
	if (e->pa & (rd_size(level) - 1)) {
		*why = "leaf address not aligned to its size";
		return -EIO;
	}
	return 0;
}

int refdec_translate(u32 format, const struct axas_hw_regs *regs, u64 gpa,
		     struct refdec_leaf *out, const char **why)
{
	const struct rd_fmt *f = rd_fmt(format);
	struct refdec_geo geo;
	unsigned int level, entries;
	u32 perms = AXAS_READ | AXAS_WRITE | AXAS_EXEC;
	u64 table;
	int ret;

	ret = refdec_regs(format, regs, &geo, why);
	if (ret)
		return ret;
	if (gpa >> geo.ia_bits)
		return -ERANGE;

	table = geo.root_pa;
	entries = geo.root_entries;
	for (level = geo.levels - 1; ; level--) {
		u64 idx = (gpa >> (12 + 9 * level)) & (entries - 1);
		u64 pte = rd_table(table)[idx];
		struct rd_ent e;

		f->decode(pte, level, &e);
		switch (e.kind) {
		case RD_INVALID:
			return -ENOENT;
		case RD_BAD:
			*why = e.why;
			return -EIO;
		case RD_TABLE:
			if (f->table_perms)
				perms &= f->table_perms(pte);
			table = e.pa;
			entries = 512;
			continue;
		case RD_LEAF:
			ret = rd_leaf_ok(f, &geo, &e, level, why);
			if (ret)
				return ret;
			out->level = level;
			out->size = rd_size(level);
			out->hpa = e.pa + (gpa & (out->size - 1));
			out->flags = (e.flags & perms) | (e.flags & AXAS_DEVICE);
			return 0;
		}
	}
}

int refdec_entry(u32 format, const struct axas_hw_regs *regs, u64 gpa,
		 u64 *pte, unsigned int *level, const char **why)
{
	const struct rd_fmt *f = rd_fmt(format);
	struct refdec_geo geo;
	unsigned int l, entries;
	u64 table;
	int ret;

	ret = refdec_regs(format, regs, &geo, why);
	if (ret)
		return ret;
	if (gpa >> geo.ia_bits)
		return -ERANGE;
	table = geo.root_pa;
	entries = geo.root_entries;
	for (l = geo.levels - 1; ; l--) {
		struct rd_ent e;

		*pte = rd_table(table)[(gpa >> (12 + 9 * l)) & (entries - 1)];
		*level = l;
		f->decode(*pte, l, &e);
		if (e.kind == RD_BAD) {
			*why = e.why;
			return -EIO;
		}
		if (e.kind != RD_TABLE)
			return 0;
		table = e.pa;
		entries = 512;
	}
}

static int rd_tables(const struct rd_fmt *f, u64 table_pa, unsigned int entries,
		     unsigned int level, u64 base,
		     int (*fn)(void *arg, u64 pa, u64 gpa, unsigned int level),
		     void *arg)
{
	const u64 *table = rd_table(table_pa);
	unsigned int i;
	int ret;

	for (i = 0; i < entries; i++) {
		u64 gpa = base + i * rd_size(level);
		struct rd_ent e;

		f->decode(table[i], level, &e);
		if (e.kind == RD_BAD)
			return -EIO;
		if (e.kind != RD_TABLE)
			continue;
		ret = fn(arg, e.pa, gpa, level - 1);
		if (!ret && level - 1)
			ret = rd_tables(f, e.pa, 512, level - 1, gpa, fn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int refdec_tables(u32 format, const struct axas_hw_regs *regs,
		  int (*fn)(void *arg, u64 pa, u64 gpa, unsigned int level),
		  void *arg)
{
	struct refdec_geo geo;
	const char *why;
	int ret;

	ret = refdec_regs(format, regs, &geo, &why);
	if (ret)
		return ret;
	return rd_tables(rd_fmt(format), geo.root_pa, geo.root_entries,
			 geo.levels - 1, 0, fn, arg);
}

struct rd_scan_ctx {
	const struct rd_fmt *f;
	const struct refdec_geo *geo;
	struct refdec_scan *s;
};

static int rd_scan_table(struct rd_scan_ctx *c, u64 table_pa,
			 unsigned int entries, unsigned int level, u64 base,
			 u32 perms)
{
	const u64 *table = rd_table(table_pa);
	unsigned int i, valid = 0;
	int ret;

	for (i = 0; i < entries; i++) {
		u64 pte = table[i], gpa = base + i * rd_size(level);
		struct rd_ent e;
		struct refdec_leaf leaf;
		const char *why;

		c->f->decode(pte, level, &e);
		switch (e.kind) {
		case RD_INVALID:
			c->s->stale += !!pte;
			continue;
		case RD_BAD:
			c->s->why = e.why;
			c->s->where = gpa;
			return -EIO;
		case RD_TABLE:
			valid++;
			c->s->tables[level]++;
			c->s->table_pages++;
			ret = rd_scan_table(c, e.pa, 512, level - 1, gpa,
					    perms & (c->f->table_perms ?
						     c->f->table_perms(pte) :
						     ~0U));
			if (ret)
				return ret;
			continue;
		case RD_LEAF:
			valid++;
			ret = rd_leaf_ok(c->f, c->geo, &e, level, &why);
			if (ret) {
				c->s->why = why;
				c->s->where = gpa;
				return ret;
			}
			c->s->leaves[level]++;
			leaf.level = level;
			leaf.size = rd_size(level);
			leaf.hpa = e.pa;
			leaf.flags = (e.flags & perms) |
				     (e.flags & AXAS_DEVICE);
			if (c->s->leaf) {
				ret = c->s->leaf(c->s->arg, gpa, &leaf);
				if (ret)
					return ret;
			}
			continue;
		}
	}
	if (!valid && level + 1 < c->geo->levels)
		c->s->empty_tables++;
	return 0;
}

int refdec_scan(u32 format, const struct axas_hw_regs *regs,
		struct refdec_scan *s)
{
	const struct rd_fmt *f = rd_fmt(format);
	struct refdec_geo geo;
	struct rd_scan_ctx c = { .f = f, .geo = &geo, .s = s };
	const char *why;
	int ret;

	s->table_pages = 0;
	s->empty_tables = 0;
	s->stale = 0;
	s->why = NULL;
	memset(s->tables, 0, sizeof(s->tables));
	memset(s->leaves, 0, sizeof(s->leaves));
	ret = refdec_regs(format, regs, &geo, &why);
	if (ret) {
		s->why = why;
		return ret;
	}
	s->table_pages = geo.root_pages;
	return rd_scan_table(&c, geo.root_pa, geo.root_entries, geo.levels - 1,
			     0, AXAS_READ | AXAS_WRITE | AXAS_EXEC);
}
