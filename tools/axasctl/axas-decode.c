// SPDX-License-Identifier: GPL-2.0
/*
 * Reference decoder of the four nested page-table formats, from the
 * manuals:
 *
 * Intel EPT: Intel SDM volume 3C, "The Extended Page Table Mechanism
 *   (EPT)": EPTP layout (memory type bits 2:0, walk length - 1 in bits
 *   5:3, A/D enable bit 6, root address bits 51:12); entries present when
 *   any of bits 2:0 (R, W, X) is set, write without read is a
 *   misconfiguration; leaves carry the memory type in bits 5:3 and
 *   ignore-PAT in bit 6; bit 7 makes a PDPTE (1 GiB) or PDE (2 MiB) a leaf
 *   and is reserved in PML5Es and PML4Es; bits 7:3 of an entry that
 *   references a table are reserved.
 *
 * AArch64 Stage-2, 4 KiB granule: Arm ARM (DDI 0487) chapter D8: a
 *   descriptor is invalid when bit 0 is clear; bits[1:0] = 0b11 is a table
 *   (lookup levels 0 to 2) or a page (level 3), 0b01 a block (levels 1 and
 *   2; reserved at level 3). Leaves: MemAttr[3:0] in bits 5:2 (MemAttr[3:2]
 *   == 0b00 is Device), S2AP[1:0] in bits 7:6 (bit 6 read, bit 7 write),
 *   SH in 9:8, AF in bit 10, XN[1:0] in bits 54:53. VTCR_EL2: T0SZ bits
 *   5:0, SL0 bits 7:6 (4 KiB granule: 0 starts at level 2, 1 at level 1,
 *   2 at level 0), TG0 bits 15:14; VTTBR_EL2: BADDR bits 47:1, VMID bits
 *   63:48. The start level may concatenate up to 16 tables.
 *
 * RISC-V G-stage: privileged specification, "Hypervisor Extension",
 *   Sv39x4/Sv48x4 and hgatp (MODE bits 63:60: 8 Sv39x4, 9 Sv48x4; VMID
 *   bits 57:44; PPN bits 43:0; the root is 16 KiB, 2048 entries). PTE: V R
 *   W X U G A D in bits 0 to 7, RSW 9:8, PPN bits 53:10, PBMT 62:61 and N
 *   63 (Svpbmt, Svnapot). R = W = X = 0 is a pointer to the next level;
 *   W without R is reserved; superpages need their low PPN bits clear.
 *   Every G-stage access is a user access, so leaves need U.
 *   There is no device type without Svpbmt: the module marks device
 *   mappings with RSW bit 9 (Documentation/axaddrspace.rst), which this
 *   decoder honours besides PBMT.
 *
 * AMD NPT: AMD64 APM volume 2, "Nested Paging" and "Long-Mode Page
 *   Translation": nCR3 holds the PML4 address (bits 51:12) with PWT and
 *   PCD in bits 3 and 4; always 4 levels, 48 bits. Entries: P R/W U/S PWT
 *   PCD A in bits 0 to 5, D in bit 6 of leaves, PS in bit 7 of PDPEs
 *   (1 GiB) and PDEs (2 MiB) and must be zero in a PML4E, PAT in bit 7 of
 *   a PTE and bit 12 of a PS leaf (bits below the large page's address are
 *   otherwise reserved), AVL bits 11:9 and 62:52, NX bit 63, address bits
 *   51:12. Nested walks are user accesses: an entry without U/S faults.
 *   The memory type is the PAT entry that PAT:PCD:PWT selects; with the
 *   power-on PAT, 0 is WB and 3 (PCD and PWT) UC, which the module uses
 *   for device memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axas-decode.h"

#define BIT64(n)		(1ULL << (n))
#define GENMASK64(h, l)		((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))

/* EPT */
#define EPT_R			BIT64(0)
#define EPT_W			BIT64(1)
#define EPT_X			BIT64(2)
#define EPT_MT(pte)		(((pte) >> 3) & 7)
#define EPT_IPAT		BIT64(6)
#define EPT_LARGE		BIT64(7)
#define EPT_A			BIT64(8)
#define EPT_D			BIT64(9)
#define EPT_ADDR		GENMASK64(51, 12)

/* Stage-2 */
#define S2_VALID		BIT64(0)
#define S2_TYPE			BIT64(1)
#define S2_MEMATTR(pte)		(((pte) >> 2) & 0xf)
#define S2_AP_R			BIT64(6)
#define S2_AP_W			BIT64(7)
#define S2_SH(pte)		(((pte) >> 8) & 3)
#define S2_AF			BIT64(10)
#define S2_XN(pte)		(((pte) >> 53) & 3)
#define S2_ADDR			GENMASK64(47, 12)
#define S2_NT			BIT64(16)

/* G-stage */
#define GS_V			BIT64(0)
#define GS_R			BIT64(1)
#define GS_W			BIT64(2)
#define GS_X			BIT64(3)
#define GS_U			BIT64(4)
#define GS_G			BIT64(5)
#define GS_A			BIT64(6)
#define GS_D			BIT64(7)
#define GS_RSW(pte)		(((pte) >> 8) & 3)
#define GS_PPN(pte)		(((pte) >> 10) & GENMASK64(43, 0))
#define GS_RESERVED		GENMASK64(60, 54)
#define GS_PBMT(pte)		(((pte) >> 61) & 3)
#define GS_N			BIT64(63)

/* NPT (AMD64 long-mode entries) */
#define NPT_P			BIT64(0)
#define NPT_RW			BIT64(1)
#define NPT_US			BIT64(2)
#define NPT_PWT			BIT64(3)
#define NPT_PCD			BIT64(4)
#define NPT_A			BIT64(5)
#define NPT_D			BIT64(6)
#define NPT_PS			BIT64(7)	/* PAT in a PTE */
#define NPT_G			BIT64(8)
#define NPT_PAT_LARGE		BIT64(12)
#define NPT_AVL(pte)		(((pte) >> 9) & 7)
#define NPT_NX			BIT64(63)
#define NPT_ADDR		GENMASK64(51, 12)

const char *axd_format_name(unsigned int format)
{
	switch (format) {
	case AXAS_FORMAT_EPT:
		return "ept";
	case AXAS_FORMAT_ARM_S2:
		return "arm-s2";
	case AXAS_FORMAT_RISCV_GSTAGE:
		return "riscv-gstage";
	case AXAS_FORMAT_AMD_NPT:
		return "amd-npt";
	}
	return "?";
}

int axd_geometry(unsigned int format, unsigned int ia_bits,
		 unsigned int *top_level, unsigned int *entries)
{
	unsigned int top, levels;

	switch (format) {
	case AXAS_FORMAT_EPT:
		if (ia_bits != 48 && ia_bits != 57)
			return -1;
		*top_level = ia_bits == 48 ? 3 : 4;
		*entries = 512;
		return 0;
	case AXAS_FORMAT_ARM_S2:
		if (ia_bits < 32 || ia_bits > 48)
			return -1;
		/*
		 * As few lookup levels as 16 concatenated start tables allow:
		 * each level resolves 9 bits, the concatenation 4 more.
		 */
		levels = (ia_bits - AXD_PAGE_SHIFT - 4 + 8) / 9;
		top = levels - 1;
		*top_level = top;
		*entries = 1U << (ia_bits - AXD_LEVEL_SHIFT(top));
		return 0;
	case AXAS_FORMAT_RISCV_GSTAGE:
		if (ia_bits != 41 && ia_bits != 50)
			return -1;
		*top_level = ia_bits == 41 ? 2 : 3;
		*entries = 2048;
		return 0;
	case AXAS_FORMAT_AMD_NPT:
		/* Long mode, 4 levels: no 5-level nested paging here. */
		if (ia_bits != 48)
			return -1;
		*top_level = 3;
		*entries = 512;
		return 0;
	}
	return -1;
}

static int seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int ept_root(unsigned int ia_bits, uint64_t reg, struct axd_root *r,
		    char *err, size_t len)
{
	unsigned int walk = ((reg >> 3) & 7) + 1;

	r->memtype = reg & 7;
	r->ad = reg & BIT64(6);
	r->phys = reg & EPT_ADDR;
	r->vmid = 0;
	if (r->memtype != 0 && r->memtype != 6)
		return seterr(err, len, "EPTP memory type %u is neither UC nor WB",
			      r->memtype);
	if (walk != 4 && walk != 5)
		return seterr(err, len, "EPTP walk length %u", walk);
	if (reg & (GENMASK64(11, 8) | GENMASK64(63, 52)))
		return seterr(err, len, "EPTP reserved bits set: %#llx",
			      (unsigned long long)reg);
	r->top_level = walk - 1;
	r->ia_bits = walk == 4 ? 48 : 57;
	r->entries = 512;
	snprintf(r->desc, sizeof(r->desc),
		 "EPTP %#018llx: memory type %s, %u-level walk, A/D %s, root @%#llx",
		 (unsigned long long)reg, r->memtype == 6 ? "WB" : "UC", walk,
		 r->ad ? "on" : "off", (unsigned long long)r->phys);
	(void)ia_bits;
	return 0;
}

static int s2_root(unsigned int ia_bits, uint64_t reg, uint64_t vtcr,
		   struct axd_root *r, char *err, size_t len)
{
	unsigned int t0sz = vtcr & 0x3f;
	unsigned int sl0 = (vtcr >> 6) & 3;
	unsigned int tg0 = (vtcr >> 14) & 3;
	unsigned int start, ia, ptes_log2;

	if (tg0 != 0)
		return seterr(err, len, "VTCR_EL2.TG0 %u is not the 4 KiB granule",
			      tg0);
	if (sl0 == 3)
		return seterr(err, len, "VTCR_EL2.SL0 3 is reserved for 4 KiB");
	start = 2 - sl0;		/* Arm lookup level */
	ia = 64 - t0sz;
	r->top_level = 3 - start;
	if (ia > 48 || ia < AXD_LEVEL_SHIFT(r->top_level))
		return seterr(err, len, "VTCR_EL2: %u-bit IPA cannot start at level %u",
			      ia, start);
	ptes_log2 = ia - AXD_LEVEL_SHIFT(r->top_level);
	if (ptes_log2 > 9 + 4)
		return seterr(err, len,
			      "VTCR_EL2: %u-bit IPA at level %u needs more than 16 concatenated tables",
			      ia, start);
	r->ia_bits = ia;
	r->entries = 1U << ptes_log2;
	r->vmid = vtcr & BIT64(19) ? reg >> 48 : (reg >> 48) & 0xff;
	r->phys = reg & GENMASK64(47, 1);
	r->memtype = 0;
	r->ad = false;
	if (r->phys & ((r->entries * 8ULL) - 1) & GENMASK64(47, 1))
		return seterr(err, len,
			      "VTTBR_EL2.BADDR %#llx not aligned to the %u-byte start table",
			      (unsigned long long)r->phys, r->entries * 8);
	snprintf(r->desc, sizeof(r->desc),
		 "VTTBR_EL2 %#018llx VTCR_EL2 %#llx: VMID %u, %u-bit IPA, start level %u, %u entr%s (%u table%s), root @%#llx",
		 (unsigned long long)reg, (unsigned long long)vtcr, r->vmid, ia,
		 start, r->entries, r->entries == 1 ? "y" : "ies",
		 r->entries > 512 ? r->entries / 512 : 1,
		 r->entries > 512 ? "s concatenated" : "",
		 (unsigned long long)r->phys);
	(void)ia_bits;
	return 0;
}

static int gs_root(unsigned int ia_bits, uint64_t reg, struct axd_root *r,
		   char *err, size_t len)
{
	unsigned int mode = reg >> 60;

	if (mode != 8 && mode != 9)
		return seterr(err, len, "hgatp.MODE %u is neither Sv39x4 nor Sv48x4",
			      mode);
	r->top_level = mode == 8 ? 2 : 3;
	r->ia_bits = mode == 8 ? 41 : 50;
	r->entries = 2048;
	r->vmid = (reg >> 44) & 0x3fff;
	r->phys = (reg & GENMASK64(43, 0)) << AXD_PAGE_SHIFT;
	r->memtype = 0;
	r->ad = false;
	if (r->phys & (16384 - 1))
		return seterr(err, len, "hgatp root %#llx not 16 KiB aligned",
			      (unsigned long long)r->phys);
	if (reg & GENMASK64(59, 58))
		return seterr(err, len, "hgatp bits 59:58 set");
	snprintf(r->desc, sizeof(r->desc),
		 "hgatp %#018llx: %s, VMID %u, 2048-entry (16 KiB) root @%#llx",
		 (unsigned long long)reg, mode == 8 ? "Sv39x4" : "Sv48x4",
		 r->vmid, (unsigned long long)r->phys);
	(void)ia_bits;
	return 0;
}

static int npt_root(uint64_t reg, struct axd_root *r, char *err, size_t len)
{
	r->top_level = 3;
	r->ia_bits = 48;
	r->entries = 512;
	r->vmid = 0;	/* the ASID is in the VMCB */
	r->phys = reg & NPT_ADDR;
	r->memtype = 0;
	r->ad = false;
	if (reg & ~(NPT_ADDR | NPT_PWT | NPT_PCD))
		return seterr(err, len, "nCR3 reserved bits set: %#llx",
			      (unsigned long long)reg);
	snprintf(r->desc, sizeof(r->desc),
		 "nCR3 %#018llx: 4-level long mode, walks %s, root @%#llx",
		 (unsigned long long)reg,
		 reg & (NPT_PWT | NPT_PCD) ? "not WB (PWT/PCD)" : "WB",
		 (unsigned long long)r->phys);
	return 0;
}

int axd_decode_root(unsigned int format, unsigned int ia_bits, uint64_t reg,
		    uint64_t ctl, struct axd_root *root, char *err,
		    size_t errlen)
{
	int ret;

	memset(root, 0, sizeof(*root));
	switch (format) {
	case AXAS_FORMAT_EPT:
		ret = ept_root(ia_bits, reg, root, err, errlen);
		if (!ret && ctl)
			ret = seterr(err, errlen, "ctl %#llx not 0 for EPT",
				     (unsigned long long)ctl);
		break;
	case AXAS_FORMAT_ARM_S2:
		ret = s2_root(ia_bits, reg, ctl, root, err, errlen);
		break;
	case AXAS_FORMAT_RISCV_GSTAGE:
		ret = gs_root(ia_bits, reg, root, err, errlen);
		if (!ret && ctl)
			ret = seterr(err, errlen, "ctl %#llx not 0 for G-stage",
				     (unsigned long long)ctl);
		break;
	case AXAS_FORMAT_AMD_NPT:
		ret = npt_root(reg, root, err, errlen);
		if (!ret && ctl)
			ret = seterr(err, errlen, "ctl %#llx not 0 for NPT",
				     (unsigned long long)ctl);
		break;
	default:
		return seterr(err, errlen, "unknown format %u", format);
	}
	if (ret)
		return ret;
	if (ia_bits && root->ia_bits != ia_bits)
		return seterr(err, errlen,
			      "root register encodes a %u-bit space, expected %u",
			      root->ia_bits, ia_bits);
	return 0;
}

static const char *const ept_mt_names[8] = {
	"UC", "WC", "mt2?", "mt3?", "WT", "WP", "WB", "mt7?"
};

static void ept_entry(uint64_t raw, unsigned int level, struct axd_entry *e)
{
	uint64_t rwx = raw & 7;

	if (!rwx) {
		e->kind = AXD_INVALID;
		return;
	}
	if ((rwx & (EPT_R | EPT_W)) == EPT_W) {
		e->kind = AXD_BAD;
		e->why = "EPT misconfiguration: write without read";
		return;
	}
	if (level == 0 || (raw & EPT_LARGE)) {
		unsigned int mt = EPT_MT(raw);

		if (level > 2) {
			e->kind = AXD_BAD;
			e->why = "bit 7 (large page) is reserved at this level";
			return;
		}
		e->kind = AXD_LEAF;
		e->pa = raw & EPT_ADDR & ~(e->size - 1);
		if (raw & EPT_ADDR & (e->size - 1)) {
			e->kind = AXD_BAD;
			e->why = "reserved address bits of a large page set";
			return;
		}
		if (mt == 2 || mt == 3 || mt == 7) {
			e->kind = AXD_BAD;
			e->why = "EPT misconfiguration: reserved memory type";
			return;
		}
		if (raw & EPT_R)
			e->flags |= AXAS_MEM_READ;
		if (raw & EPT_W)
			e->flags |= AXAS_MEM_WRITE;
		if (raw & EPT_X)
			e->flags |= AXAS_MEM_EXEC;
		if (mt == 0)
			e->flags |= AXAS_MEM_DEVICE;
		snprintf(e->attrs, sizeof(e->attrs), "mt=%s%s%s%s",
			 ept_mt_names[mt], raw & EPT_IPAT ? " ipat" : "",
			 raw & EPT_A ? " A" : "", raw & EPT_D ? " D" : "");
		return;
	}
	if (raw & GENMASK64(7, 3)) {
		e->kind = AXD_BAD;
		e->why = "reserved bits 7:3 set in a table entry";
		return;
	}
	e->kind = AXD_TABLE;
	e->pa = raw & EPT_ADDR;
}

static const char *s2_memattr(unsigned int m, char *buf, size_t len)
{
	static const char *const dev[4] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
	static const char *const cache[4] = { "?", "NC", "WT", "WB" };

	if (!(m & 0xc))
		snprintf(buf, len, "Device-%s", dev[m & 3]);
	else
		snprintf(buf, len, "Normal-o%s-i%s", cache[m >> 2], cache[m & 3]);
	return buf;
}

static void s2_entry(uint64_t raw, unsigned int level, struct axd_entry *e)
{
	static const char *const sh[4] = { "NSH", "sh1?", "OSH", "ISH" };
	unsigned int arm_level = 3 - level;
	char ma[32];

	if (!(raw & S2_VALID)) {
		e->kind = AXD_INVALID;
		return;
	}
	if (raw & S2_TYPE) {
		if (arm_level < 3) {
			e->kind = AXD_TABLE;
			e->pa = raw & S2_ADDR;
			return;
		}
	} else {
		if (arm_level == 3) {
			/* 0b01 at level 3 is reserved: treated as invalid. */
			e->kind = AXD_INVALID;
			return;
		}
		if (arm_level == 0) {
			e->kind = AXD_BAD;
			e->why = "block descriptor at level 0 (4 KiB granule)";
			return;
		}
		if (raw & GENMASK64(AXD_LEVEL_SHIFT(level) - 1, 12) & ~S2_NT) {
			e->kind = AXD_BAD;
			e->why = "RES0 bits of a block descriptor set";
			return;
		}
	}
	e->kind = AXD_LEAF;
	e->pa = raw & S2_ADDR & ~(e->size - 1);
	if ((S2_MEMATTR(raw) & 0xc) && !(S2_MEMATTR(raw) & 3)) {
		e->kind = AXD_BAD;
		e->why = "Normal memory with a reserved inner attribute";
		return;
	}
	if (raw & S2_AP_R)
		e->flags |= AXAS_MEM_READ;
	if (raw & S2_AP_W)
		e->flags |= AXAS_MEM_WRITE;
	if (!S2_XN(raw))
		e->flags |= AXAS_MEM_EXEC;
	if (!(S2_MEMATTR(raw) & 0xc))
		e->flags |= AXAS_MEM_DEVICE;
	snprintf(e->attrs, sizeof(e->attrs), "%s %s%s xn=%u",
		 s2_memattr(S2_MEMATTR(raw), ma, sizeof(ma)), sh[S2_SH(raw)],
		 raw & S2_AF ? " AF" : " !AF(faults)",
		 (unsigned int)S2_XN(raw));
}

static void gs_entry(uint64_t raw, unsigned int level, struct axd_entry *e)
{
	static const char *const pbmt[4] = { "", " pbmt=NC", " pbmt=IO", " pbmt=3?" };
	uint64_t ppn = GS_PPN(raw);

	if (!(raw & GS_V)) {
		e->kind = AXD_INVALID;
		return;
	}
	if (raw & GS_RESERVED) {
		e->kind = AXD_BAD;
		e->why = "reserved bits 60:54 set";
		return;
	}
	if (!(raw & (GS_R | GS_W | GS_X))) {
		if (level == 0) {
			e->kind = AXD_BAD;
			e->why = "pointer to a next level at the last level";
			return;
		}
		if (raw & (GS_U | GS_A | GS_D | GS_N | GENMASK64(62, 61))) {
			e->kind = AXD_BAD;
			e->why = "U, A, D, N or PBMT set in a non-leaf entry";
			return;
		}
		e->kind = AXD_TABLE;
		e->pa = ppn << AXD_PAGE_SHIFT;
		return;
	}
	if ((raw & (GS_R | GS_W)) == GS_W) {
		e->kind = AXD_BAD;
		e->why = "W without R is reserved";
		return;
	}
	if (level && (ppn & ((1ULL << (9 * level)) - 1))) {
		e->kind = AXD_BAD;
		e->why = "misaligned superpage";
		return;
	}
	e->kind = AXD_LEAF;
	e->pa = ppn << AXD_PAGE_SHIFT;
	if (raw & GS_R)
		e->flags |= AXAS_MEM_READ;
	if (raw & GS_W)
		e->flags |= AXAS_MEM_WRITE;
	if (raw & GS_X)
		e->flags |= AXAS_MEM_EXEC;
	if (GS_PBMT(raw) || (GS_RSW(raw) & 2))
		e->flags |= AXAS_MEM_DEVICE;
	snprintf(e->attrs, sizeof(e->attrs), "%s%s%s%s rsw=%u%s",
		 raw & GS_U ? "U" : "!U(faults)", raw & GS_G ? " G" : "",
		 raw & GS_A ? " A" : " !A", raw & GS_D ? " D" : "",
		 (unsigned int)GS_RSW(raw), pbmt[GS_PBMT(raw)]);
}

static void npt_entry(uint64_t raw, unsigned int level, struct axd_entry *e)
{
	unsigned int pat;

	if (!(raw & NPT_P)) {
		e->kind = AXD_INVALID;
		return;
	}
	if (!(raw & NPT_US)) {
		e->kind = AXD_BAD;
		e->why = "U/S clear: a nested walk (a user access) faults";
		return;
	}
	if (level == 3 && (raw & (NPT_PS | NPT_G))) {
		e->kind = AXD_BAD;
		e->why = "bits 8:7 of a PML4E must be zero";
		return;
	}
	if (level && !(raw & NPT_PS)) {
		e->kind = AXD_TABLE;
		e->pa = raw & NPT_ADDR;
		return;
	}
	if (level && (raw & GENMASK64(AXD_LEVEL_SHIFT(level) - 1, 13))) {
		e->kind = AXD_BAD;
		e->why = "reserved address bits of a large page set";
		return;
	}
	e->kind = AXD_LEAF;
	e->pa = raw & NPT_ADDR & ~(e->size - 1);
	pat = (raw & NPT_PWT ? 1 : 0) | (raw & NPT_PCD ? 2 : 0) |
	      (raw & (level ? NPT_PAT_LARGE : NPT_PS) ? 4 : 0);
	e->flags = AXAS_MEM_READ;
	if (raw & NPT_RW)
		e->flags |= AXAS_MEM_WRITE;
	if (!(raw & NPT_NX))
		e->flags |= AXAS_MEM_EXEC;
	/* Power-on PAT: 2, 3, 6, 7 are UC- or UC. */
	if (pat & 2)
		e->flags |= AXAS_MEM_DEVICE;
	snprintf(e->attrs, sizeof(e->attrs), "pat=%u(%s)%s%s%s avl=%u",
		 pat, pat & 2 ? (pat & 1 ? "UC" : "UC-") :
			       (pat & 1 ? "WT" : "WB"),
		 raw & NPT_A ? " A" : " !A", raw & NPT_D ? " D" : "",
		 raw & NPT_G ? " G" : "", (unsigned int)NPT_AVL(raw));
}

void axd_decode_entry(unsigned int format, uint64_t raw, unsigned int level,
		      struct axd_entry *e)
{
	e->raw = raw;
	e->level = level;
	e->size = AXD_LEVEL_SIZE(level);
	e->pa = 0;
	e->flags = 0;
	e->kind = AXD_INVALID;
	e->why = NULL;
	e->attrs[0] = 0;
	e->pa_known = true;
	switch (format) {
	case AXAS_FORMAT_EPT:
		ept_entry(raw, level, e);
		break;
	case AXAS_FORMAT_ARM_S2:
		s2_entry(raw, level, e);
		break;
	case AXAS_FORMAT_RISCV_GSTAGE:
		gs_entry(raw, level, e);
		break;
	case AXAS_FORMAT_AMD_NPT:
		npt_entry(raw, level, e);
		break;
	default:
		e->kind = AXD_BAD;
		e->why = "unknown format";
	}
}

static const struct axd_dump *sort_dump;

static int cmp_phys(const void *a, const void *b)
{
	uint64_t pa = sort_dump->tables[*(const unsigned int *)a].phys;
	uint64_t pb = sort_dump->tables[*(const unsigned int *)b].phys;

	return pa < pb ? -1 : pa > pb;
}

void axd_free(struct axd_dump *d)
{
	free(d->tables);
	free(d->by_phys);
	d->tables = NULL;
	d->by_phys = NULL;
	d->nr = 0;
}

int axd_parse(struct axd_dump *d, unsigned int format, unsigned int ia_bits,
	      const struct axas_dump *arg, const void *buf)
{
	const unsigned char *p = buf, *end = p + arg->buf_size;
	unsigned int top, entries, i;

	memset(d, 0, sizeof(*d));
	d->format = format;
	d->ia_bits = ia_bits;
	d->root_reg = arg->root;
	d->ctl = arg->ctl;
	if (axd_geometry(format, ia_bits, &top, &entries))
		return seterr(d->err, sizeof(d->err), "no geometry for %s %u-bit",
			      axd_format_name(format), ia_bits);
	if (axd_decode_root(format, ia_bits, arg->root, arg->ctl, &d->root,
			    d->err, sizeof(d->err)))
		return -1;
	if (d->root.top_level != top || d->root.entries != entries)
		return seterr(d->err, sizeof(d->err),
			      "root register: top level %u with %u entries, the width needs level %u with %u",
			      d->root.top_level, d->root.entries, top, entries);
	if (!arg->nr_tables)
		return seterr(d->err, sizeof(d->err), "no table records");
	d->tables = calloc(arg->nr_tables, sizeof(*d->tables));
	d->by_phys = calloc(arg->nr_tables, sizeof(*d->by_phys));
	if (!d->tables || !d->by_phys) {
		axd_free(d);
		return seterr(d->err, sizeof(d->err), "out of memory");
	}
	for (i = 0; i < arg->nr_tables; i++) {
		struct axas_dump_table hdr;
		struct axd_table *t = &d->tables[i];

		if ((size_t)(end - p) < sizeof(hdr))
			return seterr(d->err, sizeof(d->err),
				      "record %u: header past buf_size", i);
		memcpy(&hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		if (!hdr.bytes || hdr.bytes % 8 || (size_t)(end - p) < hdr.bytes)
			return seterr(d->err, sizeof(d->err),
				      "record %u: bad size %u", i, hdr.bytes);
		if (hdr.phys & (AXD_PAGE_SIZE - 1) || hdr.level >= AXD_MAX_LEVELS)
			return seterr(d->err, sizeof(d->err),
				      "record %u: phys %#llx level %u", i,
				      (unsigned long long)hdr.phys, hdr.level);
		t->phys = hdr.phys;
		t->gpa = hdr.guest_addr;
		t->level = hdr.level;
		t->bytes = hdr.bytes;
		t->ptes = (const uint64_t *)p;
		p += hdr.bytes;
		d->by_phys[i] = i;
		d->nr = i + 1;
		if (i && t->bytes != 4096)
			return seterr(d->err, sizeof(d->err),
				      "record %u: a non-root table of %u bytes",
				      i, t->bytes);
		if (i >= 2 && !(t->gpa > t[-1].gpa ||
				(t->gpa == t[-1].gpa && t->level < t[-1].level)))
			return seterr(d->err, sizeof(d->err),
				      "record %u (gpa %#llx level %u) not in guest address order after gpa %#llx level %u",
				      i, (unsigned long long)t->gpa, t->level,
				      (unsigned long long)t[-1].gpa, t[-1].level);
	}
	if (p != end)
		return seterr(d->err, sizeof(d->err),
			      "%zu bytes after the last record", (size_t)(end - p));
	if (d->tables[0].phys != d->root.phys)
		return seterr(d->err, sizeof(d->err),
			      "first record @%#llx is not the root @%#llx",
			      (unsigned long long)d->tables[0].phys,
			      (unsigned long long)d->root.phys);
	if (d->tables[0].level != top || d->tables[0].gpa != 0 ||
	    d->tables[0].bytes < entries * 8)
		return seterr(d->err, sizeof(d->err),
			      "root record: level %u gpa %#llx bytes %u, expected level %u gpa 0 bytes >= %u",
			      d->tables[0].level,
			      (unsigned long long)d->tables[0].gpa,
			      d->tables[0].bytes, top, entries * 8);
	for (i = entries; i < d->tables[0].bytes / 8; i++)
		if (d->tables[0].ptes[i])
			return seterr(d->err, sizeof(d->err),
				      "root entry %u beyond the %u-bit width is %#llx",
				      i, ia_bits,
				      (unsigned long long)d->tables[0].ptes[i]);
	sort_dump = d;
	qsort(d->by_phys, d->nr, sizeof(*d->by_phys), cmp_phys);
	for (i = 1; i < d->nr; i++)
		if (d->tables[d->by_phys[i]].phys ==
		    d->tables[d->by_phys[i - 1]].phys)
			return seterr(d->err, sizeof(d->err),
				      "two records for table @%#llx",
				      (unsigned long long)d->tables[d->by_phys[i]].phys);
	return 0;
}

struct axd_table *axd_find(const struct axd_dump *d, uint64_t phys)
{
	unsigned int lo = 0, hi = d->nr;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct axd_table *t = &d->tables[d->by_phys[mid]];

		if (t->phys == phys)
			return t;
		if (t->phys < phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int walk_table(struct axd_dump *d, struct axd_table *t,
		      unsigned int entries, unsigned int depth,
		      axd_walk_fn fn, void *arg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < entries; i++) {
		struct axd_entry e;
		struct axd_table *next;

		axd_decode_entry(d->format, t->ptes[i], t->level, &e);
		if (e.kind == AXD_INVALID)
			continue;
		e.index = i;
		e.gpa = t->gpa + (uint64_t)i * e.size;
		if (e.kind == AXD_BAD && !d->err[0])
			seterr(d->err, sizeof(d->err),
			       "entry [%u] of table @%#llx (level %u, gpa %#llx) = %#llx: %s",
			       i, (unsigned long long)t->phys, t->level,
			       (unsigned long long)e.gpa,
			       (unsigned long long)e.raw, e.why);
		if (e.kind != AXD_TABLE) {
			ret = fn ? fn(arg, &e, depth) : 0;
			if (ret)
				return ret;
			continue;
		}
		next = axd_find(d, e.pa);
		if (!next)
			return seterr(d->err, sizeof(d->err),
				      "entry [%u] of table @%#llx points to @%#llx, not in the dump",
				      i, (unsigned long long)t->phys,
				      (unsigned long long)e.pa);
		if (next == d->tables || next->refs++)
			return seterr(d->err, sizeof(d->err),
				      "table @%#llx reached twice",
				      (unsigned long long)e.pa);
		if (next->level + 1 != t->level || next->gpa != e.gpa)
			return seterr(d->err, sizeof(d->err),
				      "table @%#llx: record says level %u gpa %#llx, its parent entry level %u gpa %#llx",
				      (unsigned long long)e.pa, next->level,
				      (unsigned long long)next->gpa,
				      t->level - 1, (unsigned long long)e.gpa);
		ret = fn ? fn(arg, &e, depth) : 0;
		if (ret)
			return ret;
		ret = walk_table(d, next, next->bytes / 8, depth + 1, fn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int axd_walk(struct axd_dump *d, axd_walk_fn fn, void *arg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < d->nr; i++)
		d->tables[i].refs = 0;
	d->err[0] = 0;
	ret = walk_table(d, &d->tables[0], d->root.entries, 0, fn, arg);
	if (ret)
		return ret;
	for (i = 1; i < d->nr; i++)
		if (d->tables[i].refs != 1)
			return seterr(d->err, sizeof(d->err),
				      "record %u (table @%#llx) is not reachable from the root",
				      i, (unsigned long long)d->tables[i].phys);
	return d->err[0] ? -1 : 0;
}

int axd_translate(const struct axd_dump *d, uint64_t gpa, struct axd_entry *e)
{
	const struct axd_table *t = &d->tables[0];
	unsigned int level = d->root.top_level;
	uint64_t idx = gpa >> AXD_LEVEL_SHIFT(level);

	if (idx >= d->root.entries)
		return -ERANGE;
	for (;;) {
		axd_decode_entry(d->format, t->ptes[idx], level, e);
		e->index = idx;
		e->gpa = gpa & ~(e->size - 1);
		if (e->kind == AXD_INVALID)
			return -ENOENT;
		if (e->kind == AXD_BAD)
			return -EIO;
		if (e->kind == AXD_LEAF)
			return 0;
		t = axd_find(d, e->pa);
		if (!t || !level)
			return -EIO;
		level--;
		idx = (gpa >> AXD_LEVEL_SHIFT(level)) & 511;
		if (idx >= t->bytes / 8)
			return -EIO;
	}
}

void axd_flags_str(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%c %c %c %c", flags & AXAS_MEM_READ ? 'R' : '-',
		 flags & AXAS_MEM_WRITE ? 'W' : '-',
		 flags & AXAS_MEM_EXEC ? 'X' : '-',
		 flags & AXAS_MEM_DEVICE ? 'D' : '-');
}

const char *axd_size_str(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;

	size >>= 10;
	while (size >= 1024 && !(size & 1023) && u < sizeof(units) - 2) {
		size >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
	return buf;
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EOVERFLOW, "EOVERFLOW" },
};

const char *axd_errname(int err)
{
	static char bufs[4][24];
	static unsigned int n;
	char *b;
	size_t i;

	if (!err)
		return "ok";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	b = bufs[n++ % 4];
	snprintf(b, 24, "errno %d", err);
	return b;
}
