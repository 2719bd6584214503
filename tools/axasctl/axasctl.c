// SPDX-License-Identifier: GPL-2.0
/*
 * axasctl: drive one guest address space of /dev/axaddrspace from the
 * command line, the way a VMM would.
 *
 * One invocation runs a list of commands on one space; the space lives as
 * long as the process. For example:
 *
 *   axasctl create ept 48 0 4G  map-alloc 0x0 64M rw \
 *           map-alloc 0x10000000 8M rwx lazy  fault 0x10001000 w \
 *           write 0x1000 "hello"  read 0x1000 5  region 0x20000000 2M rw \
 *           protect 0x0 2M r  unmap 0x200000 4K  translate 0x1000 \
 *           stats  tree
 *
 * Run "axasctl help" for the command list.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/axaddrspace.h>

#include "axas-decode.h"
#include "axas-tools.h"

typedef __u64 u64;
typedef __u32 u32;

#define DEV_PATH	"/dev/axaddrspace"
#define MAX_RW		SZ_1M
#define MAX_TOKENS	256
#define FALLBACK_LOOKUPS	(1024U * 1024U)

struct range {
	u64 gpa;
	u64 size;
};

struct ctl {
	const char *dev_path;
	int devfd;
	int fd;
	unsigned int format;
	unsigned int ia_bits;
	u64 base;
	u64 size;
	bool keep_going;
	bool verbose;
	bool echo;		/* print each command first (demo) */
	int failed;
	struct range *known;	/* what this run mapped, for the fallback tree */
	unsigned int nr_known;
};

/* ---- helpers ---------------------------------------------------------- */

/* A failed call: report it; exit unless -k. */
static int fail(struct ctl *c, const char *cmd, int err)
{
	fprintf(stderr, "axasctl: %s: %s (%s)\n", cmd, strerror(err),
		axd_errname(err));
	c->failed = 1;
	if (!c->keep_going)
		exit(1);
	return -1;
}

/* Bad command syntax: always fatal (except inside the demo's -k). */
static int usage_error(struct ctl *c, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "axasctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->failed = 1;
	if (!c->keep_going)
		exit(2);
	return -1;
}

static int parse_u64(const char *s, u64 *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 0:
		break;
	case 'k':
		mul = 1ULL << 10;
		break;
	case 'm':
		mul = 1ULL << 20;
		break;
	case 'g':
		mul = 1ULL << 30;
		break;
	case 't':
		mul = 1ULL << 40;
		break;
	default:
		return -1;
	}
	if (*end) {
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
	}
	if (*end || (v && mul > ~0ULL / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_perm(const char *s, u32 *out)
{
	u32 f = 0;

	if (!s)
		return -1;
	if (!strcmp(s, "-") || !strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	for (; *s; s++) {
		switch (tolower((unsigned char)*s)) {
		case 'r':
			f |= AXAS_MEM_READ;
			break;
		case 'w':
			f |= AXAS_MEM_WRITE;
			break;
		case 'x':
			f |= AXAS_MEM_EXEC;
			break;
		case 'o':	/* "ro" */
			break;
		default:
			return -1;
		}
	}
	*out = f;
	return 0;
}

static const char *perm_str(u32 f)
{
	static char buf[32];

	axd_flags_str(f, buf, sizeof(buf));
	return buf;
}

static const char *sz(u64 size)
{
	static char bufs[4][24];
	static unsigned int n;
	char *b = bufs[n++ % 4];

	if (size & 1023)
		snprintf(b, 24, "%lluB", (unsigned long long)size);
	else
		axd_size_str(size, b, 24);
	return b;
}

static void add_known(struct ctl *c, u64 gpa, u64 size)
{
	struct range *r = realloc(c->known, (c->nr_known + 1) * sizeof(*r));

	if (!r)
		return;
	c->known = r;
	r[c->nr_known].gpa = gpa;
	r[c->nr_known].size = size;
	c->nr_known++;
}

static int devfd(struct ctl *c, const char *cmd)
{
	if (c->devfd >= 0)
		return c->devfd;
	c->devfd = open(c->dev_path, O_RDWR | O_CLOEXEC);
	if (c->devfd < 0) {
		fprintf(stderr, "axasctl: %s: cannot open %s: %s (%s)\n", cmd,
			c->dev_path, strerror(errno), axd_errname(errno));
		exit(1);
	}
	return c->devfd;
}

static bool need_space(struct ctl *c, const char *cmd)
{
	if (c->fd >= 0)
		return true;
	usage_error(c, cmd, "no address space yet: start with \"create\"");
	return false;
}

/* ---- token cursor --------------------------------------------------- */

struct cursor {
	char **av;
	int ac;
	int i;
};

static char *next(struct cursor *cur)
{
	return cur->i < cur->ac ? cur->av[cur->i++] : NULL;
}

static char *peek(struct cursor *cur)
{
	return cur->i < cur->ac ? cur->av[cur->i] : NULL;
}

static int arg_u64(struct ctl *c, struct cursor *cur, const char *cmd,
		   const char *what, u64 *out)
{
	char *s = next(cur);

	if (!s || parse_u64(s, out))
		return usage_error(c, cmd, "bad or missing %s '%s'", what,
				   s ? s : "");
	return 0;
}

static int arg_perm(struct ctl *c, struct cursor *cur, const char *cmd,
		    u32 *out)
{
	char *s = next(cur);

	if (!s || parse_perm(s, out))
		return usage_error(c, cmd, "bad or missing permissions '%s' (r, w, x)",
				   s ? s : "");
	return 0;
}

/* ---- commands ----------------------------------------------------------- */

static int sys_ioctl(struct ctl *c, const char *cmd, unsigned long req,
		     unsigned long arg)
{
	return ioctl(devfd(c, cmd), req, arg);
}

static int cmd_create(struct ctl *c, struct cursor *cur)
{
	static const char *const names[] = {
		"ept", "arm-s2", "riscv-gstage", "amd-npt",
	};
	const int nr = ARRAY_SIZE(names);
	struct axas_create_space cs = { 0 };
	struct axas_space_stats st;
	u64 bits;
	char *f = next(cur);
	int fd, i;

	if (!f)
		return usage_error(c, "create", "missing format");
	for (i = 0; i < nr; i++)
		if (!strcmp(f, names[i]))
			break;
	if (i == nr && (!strcmp(f, "s2") || !strcmp(f, "arm")))
		i = AXAS_FORMAT_ARM_S2;
	if (i == nr && (!strcmp(f, "gstage") || !strcmp(f, "riscv")))
		i = AXAS_FORMAT_RISCV_GSTAGE;
	if (i == nr && (!strcmp(f, "npt") || !strcmp(f, "amd")))
		i = AXAS_FORMAT_AMD_NPT;
	if (i == nr && !strcmp(f, "native")) {
		int n = sys_ioctl(c, "create", AXAS_CHECK_EXTENSION,
				  AXAS_CAP_NATIVE_FORMAT);

		if (n <= 0)
			return usage_error(c, "create", "this host has no native format");
		i = n - 1;
	}
	if (i == nr)
		return usage_error(c, "create",
				   "unknown format '%s' (ept, arm-s2, riscv-gstage, amd-npt, native)",
				   f);
	cs.format = i;
	if (arg_u64(c, cur, "create", "width", &bits) ||
	    arg_u64(c, cur, "create", "base", &cs.base) ||
	    arg_u64(c, cur, "create", "size", &cs.size))
		return -1;
	cs.ia_bits = bits;
	if (peek(cur) && !strcmp(peek(cur), "ad")) {
		next(cur);
		cs.flags |= AXAS_SPACE_EPT_AD;
	}
	fd = ioctl(devfd(c, "create"), AXAS_CREATE_SPACE, &cs);
	if (fd < 0)
		return fail(c, "create", errno);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = fd;
	c->format = cs.format;
	c->ia_bits = cs.ia_bits;
	c->base = cs.base;
	c->size = cs.size;
	c->nr_known = 0;
	memset(&st, 0, sizeof(st));
	ioctl(fd, AXAS_GET_STATS, &st);
	printf("create: %s %u-bit space [%#llx, %#llx) %s, vmid %u, %llu table page%s%s\n",
	       axd_format_name(cs.format), cs.ia_bits,
	       (unsigned long long)cs.base,
	       (unsigned long long)(cs.base + cs.size), sz(cs.size), st.vmid,
	       (unsigned long long)st.table_pages,
	       st.table_pages == 1 ? "" : "s",
	       cs.flags ? ", EPT A/D on" : "");
	return 0;
}

static int cmd_map_alloc(struct ctl *c, struct cursor *cur)
{
	struct axas_range r = { 0 };
	bool lazy = false;
	char *o;

	if (arg_u64(c, cur, "map-alloc", "guest address", &r.guest_addr) ||
	    arg_u64(c, cur, "map-alloc", "size", &r.size) ||
	    arg_perm(c, cur, "map-alloc", &r.flags))
		return -1;
	while ((o = peek(cur))) {
		if (!strcmp(o, "lazy"))
			lazy = true;
		else if (!strcmp(o, "populate"))
			lazy = false;
		else if (!strcmp(o, "noblock"))
			r.flags |= AXAS_MEM_NOBLOCK;
		else
			break;
		next(cur);
	}
	if (!lazy)
		r.flags |= AXAS_MEM_POPULATE;
	if (!need_space(c, "map-alloc"))
		return -1;
	if (ioctl(c->fd, AXAS_MAP_ALLOC, &r))
		return fail(c, "map-alloc", errno);
	add_known(c, r.guest_addr, r.size);
	printf("map-alloc: [%#llx, %#llx) %s %s %s\n",
	       (unsigned long long)r.guest_addr,
	       (unsigned long long)(r.guest_addr + r.size), sz(r.size),
	       perm_str(r.flags), lazy ? "lazy" : "populated");
	return 0;
}

static int cmd_translate_gpa(struct ctl *c, u64 gpa, struct axas_xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->guest_addr = gpa;
	return ioctl(c->fd, AXAS_TRANSLATE, x);
}

static int cmd_map_linear(struct ctl *c, struct cursor *cur)
{
	struct axas_range r = { 0 };
	char *h, *o;

	if (arg_u64(c, cur, "map-linear", "guest address", &r.guest_addr))
		return -1;
	h = next(cur);
	if (!need_space(c, "map-linear"))
		return -1;
	if (h && h[0] == '@') {
		/* @GPA: the host address another guest address maps to. */
		struct axas_xlate x;
		u64 g;

		if (parse_u64(h + 1, &g))
			return usage_error(c, "map-linear", "bad host address '%s'", h);
		if (cmd_translate_gpa(c, g, &x))
			return fail(c, "map-linear", errno);
		if (!x.host_addr)
			return usage_error(c, "map-linear",
					   "%s: the host address is hidden (needs CAP_SYS_ADMIN)",
					   h);
		r.host_addr = x.host_addr;
	} else if (!h || parse_u64(h, &r.host_addr)) {
		return usage_error(c, "map-linear", "bad or missing host address '%s'",
				   h ? h : "");
	}
	if (arg_u64(c, cur, "map-linear", "size", &r.size) ||
	    arg_perm(c, cur, "map-linear", &r.flags))
		return -1;
	while ((o = peek(cur))) {
		if (!strcmp(o, "device"))
			r.flags |= AXAS_MEM_DEVICE;
		else if (!strcmp(o, "noblock"))
			r.flags |= AXAS_MEM_NOBLOCK;
		else
			break;
		next(cur);
	}
	if (ioctl(c->fd, AXAS_MAP_LINEAR, &r))
		return fail(c, "map-linear", errno);
	add_known(c, r.guest_addr, r.size);
	printf("map-linear: [%#llx, %#llx) -> host %#llx %s %s%s\n",
	       (unsigned long long)r.guest_addr,
	       (unsigned long long)(r.guest_addr + r.size),
	       (unsigned long long)r.host_addr, sz(r.size), perm_str(r.flags),
	       r.flags & AXAS_MEM_NOBLOCK ? " noblock" : "");
	return 0;
}

static int cmd_region(struct ctl *c, struct cursor *cur)
{
	struct axas_user_region ur = { 0 };
	u64 *p, i, map_size;
	unsigned char *mem;
	char *o;

	if (arg_u64(c, cur, "region", "guest address", &ur.guest_addr) ||
	    arg_u64(c, cur, "region", "size", &ur.size) ||
	    arg_perm(c, cur, "region", &ur.flags))
		return -1;
	while ((o = peek(cur)) && !strcmp(o, "noblock")) {
		ur.flags |= AXAS_MEM_NOBLOCK;
		next(cur);
	}
	if (!need_space(c, "region"))
		return -1;
	if (!ur.size || ur.size > (1ULL << 40) || ur.size & (AXD_PAGE_SIZE - 1))
		return usage_error(c, "region", "size must be 4 KiB aligned, 4K to 1T");
	/* 2 MiB aligned so that transparent huge pages can back it. */
	map_size = ur.size + (2ULL << 20);
	mem = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return fail(c, "region", errno);
	mem = (unsigned char *)(((uintptr_t)mem + (2U << 20) - 1) &
				~(uintptr_t)((2U << 20) - 1));
	madvise(mem, ur.size, MADV_HUGEPAGE);
	/* The pattern: every 8 bytes hold their own guest address. */
	for (p = (u64 *)mem, i = 0; i < ur.size / 8; i++)
		p[i] = ur.guest_addr + i * 8;
	if (!(ur.flags & AXAS_MEM_WRITE))
		mprotect(mem, ur.size, PROT_READ);
	ur.user_addr = (uintptr_t)mem;
	if (ioctl(c->fd, AXAS_SET_USER_REGION, &ur))
		return fail(c, "region", errno);
	add_known(c, ur.guest_addr, ur.size);
	fprintf(stdout,
		"region: [%#llx, %#llx) %s %s <- this process's memory at %p (each 8 bytes hold their guest address)\n",
		(unsigned long long)ur.guest_addr,
		(unsigned long long)(ur.guest_addr + ur.size), sz(ur.size),
		perm_str(ur.flags), (void *)mem);
	return 0;
}

static int cmd_unmap_protect(struct ctl *c, struct cursor *cur, bool unmap)
{
	const char *cmd = unmap ? "unmap" : "protect";
	struct axas_range r = { 0 };

	if (arg_u64(c, cur, cmd, "guest address", &r.guest_addr) ||
	    arg_u64(c, cur, cmd, "size", &r.size))
		return -1;
	if (!unmap && arg_perm(c, cur, cmd, &r.flags))
		return -1;
	if (!need_space(c, cmd))
		return -1;
	if (ioctl(c->fd, unmap ? AXAS_UNMAP : AXAS_PROTECT, &r))
		return fail(c, cmd, errno);
	printf("%s: [%#llx, %#llx) %s%s%s\n", cmd,
	       (unsigned long long)r.guest_addr,
	       (unsigned long long)(r.guest_addr + r.size), sz(r.size),
	       unmap ? "" : " -> ", unmap ? "" : perm_str(r.flags));
	return 0;
}

static int cmd_translate(struct ctl *c, struct cursor *cur)
{
	struct axas_xlate x;
	u64 gpa;

	if (arg_u64(c, cur, "translate", "guest address", &gpa) ||
	    !need_space(c, "translate"))
		return -1;
	if (cmd_translate_gpa(c, gpa, &x))
		return fail(c, "translate", errno);
	if (x.host_addr)
		printf("translate: %#llx -> host %#llx, %s leaf, %s\n",
		       (unsigned long long)gpa, (unsigned long long)x.host_addr,
		       sz(x.leaf_size), perm_str(x.flags));
	else
		fprintf(stdout,
			"translate: %#llx -> host address hidden (needs CAP_SYS_ADMIN), %s leaf, %s\n",
			(unsigned long long)gpa, sz(x.leaf_size),
			perm_str(x.flags));
	return 0;
}

static int get_stats(struct ctl *c, struct axas_space_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(c->fd, AXAS_GET_STATS, st);
}

static int cmd_fault(struct ctl *c, struct cursor *cur)
{
	struct axas_space_stats before, after;
	struct axas_fault f = { 0 };
	char *a;

	if (arg_u64(c, cur, "fault", "guest address", &f.guest_addr))
		return -1;
	a = next(cur);
	if (!a || parse_perm(a, &f.access) || !f.access)
		return usage_error(c, "fault", "bad or missing access '%s' (r, w, x)",
				   a ? a : "");
	if (!need_space(c, "fault"))
		return -1;
	get_stats(c, &before);
	if (ioctl(c->fd, AXAS_FAULT, &f))
		return fail(c, "fault", errno);
	get_stats(c, &after);
	printf("fault: %#llx %s: %s\n", (unsigned long long)f.guest_addr, a,
	       after.faults != before.faults ? "installed a zeroed frame" :
	       "spurious (already mapped and permitted)");
	return 0;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int cmd_write(struct ctl *c, struct cursor *cur)
{
	struct axas_rw rw = { 0 };
	unsigned char *buf;
	size_t len, i;
	char *s;

	if (arg_u64(c, cur, "write", "guest address", &rw.guest_addr))
		return -1;
	s = next(cur);
	if (!s)
		return usage_error(c, "write", "missing data");
	if (!strncmp(s, "hex:", 4)) {
		s += 4;
		len = strlen(s);
		if (!len || len % 2)
			return usage_error(c, "write", "hex: needs an even number of digits");
		len /= 2;
		buf = malloc(len);
		if (!buf)
			return fail(c, "write", ENOMEM);
		for (i = 0; i < len; i++) {
			int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				free(buf);
				return usage_error(c, "write", "bad hex digit");
			}
			buf[i] = hi << 4 | lo;
		}
	} else {
		len = strlen(s);
		buf = (unsigned char *)strdup(s);
		if (!buf)
			return fail(c, "write", ENOMEM);
	}
	if (!need_space(c, "write")) {
		free(buf);
		return -1;
	}
	rw.size = len;
	rw.buf = (uintptr_t)buf;
	if (ioctl(c->fd, AXAS_GUEST_WRITE, &rw)) {
		free(buf);
		return fail(c, "write", errno);
	}
	free(buf);
	printf("write: %zu byte%s at %#llx\n", len, len == 1 ? "" : "s",
	       (unsigned long long)rw.guest_addr);
	return 0;
}

static void hexdump(u64 addr, const unsigned char *p, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("  %#014llx:", (unsigned long long)(addr + i));
		for (j = 0; j < 16; j++) {
			if (i + j < len)
				printf(" %02x", p[i + j]);
			else
				printf("   ");
		}
		printf("  |");
		for (j = 0; j < 16 && i + j < len; j++)
			putchar(isprint(p[i + j]) ? p[i + j] : '.');
		printf("|\n");
	}
}

static int cmd_read(struct ctl *c, struct cursor *cur)
{
	struct axas_rw rw = { 0 };
	u64 gpa, len, done;
	unsigned char *buf;

	if (arg_u64(c, cur, "read", "guest address", &gpa) ||
	    arg_u64(c, cur, "read", "length", &len) || !need_space(c, "read"))
		return -1;
	if (!len || len > 64ULL << 20)
		return usage_error(c, "read", "length must be 1 to 64M");
	buf = malloc(len);
	if (!buf)
		return fail(c, "read", ENOMEM);
	for (done = 0; done < len; done += rw.size) {
		rw.guest_addr = gpa + done;
		rw.size = len - done < MAX_RW ? len - done : MAX_RW;
		rw.buf = (uintptr_t)(buf + done);
		if (ioctl(c->fd, AXAS_GUEST_READ, &rw)) {
			free(buf);
			return fail(c, "read", errno);
		}
	}
	printf("read: %llu byte%s at %#llx\n", (unsigned long long)len,
	       len == 1 ? "" : "s", (unsigned long long)gpa);
	hexdump(gpa, buf, len);
	free(buf);
	return 0;
}

static int cmd_stats(struct ctl *c)
{
	struct axas_space_stats st;

	if (!need_space(c, "stats"))
		return -1;
	if (get_stats(c, &st))
		return fail(c, "stats", errno);
	printf("stats: %s %u-bit [%#llx, %#llx) vmid %u\n",
	       axd_format_name(st.format), st.ia_bits,
	       (unsigned long long)st.base,
	       (unsigned long long)(st.base + st.size), st.vmid);
	printf("  table_pages %llu (%s)  data_pages %llu (%s)  pinned_pages %llu (%s)\n",
	       (unsigned long long)st.table_pages, sz(st.table_pages << 12),
	       (unsigned long long)st.data_pages, sz(st.data_pages << 12),
	       (unsigned long long)st.pinned_pages, sz(st.pinned_pages << 12));
	printf("  mapped by 4K leaves %s, by 2M leaves %s, by 1G leaves %s\n",
	       sz(st.mapped_4k), sz(st.mapped_2m), sz(st.mapped_1g));
	printf("  faults %llu  spurious_faults %llu  tlb_flushes %llu\n",
	       (unsigned long long)st.faults,
	       (unsigned long long)st.spurious_faults,
	       (unsigned long long)st.tlb_flushes);
	return 0;
}

/* ---- tree ---------------------------------------------------------------- */

struct printer {
	u64 lo, hi;		/* the part to print */
	bool active;			/* a run of leaves is pending */
	struct axd_entry first;
	unsigned int depth;
	u64 count;
	u64 next_gpa;
	u64 next_pa;
	bool contiguous;
	u64 leaves[AXD_MAX_LEVELS];
	u64 tables;
	u64 bad;
};

static void indent(unsigned int depth)
{
	printf("%*s", 2 + 2 * depth, "");
}

static void flush_run(struct printer *pr)
{
	const struct axd_entry *e = &pr->first;
	u64 end = e->gpa + pr->count * e->size - 1;
	char fl[16];

	if (!pr->active)
		return;
	pr->active = false;
	axd_flags_str(e->flags, fl, sizeof(fl));
	indent(pr->depth);
	if (pr->count == 1) {
		printf("[%u] %#llx-%#llx leaf %s ", e->index,
		       (unsigned long long)e->gpa, (unsigned long long)end,
		       sz(e->size));
		if (e->pa_known)
			printf("pa %#llx", (unsigned long long)e->pa);
		else
			printf("pa hidden");
	} else {
		printf("[%u-%llu] %#llx-%#llx %llu x %s leaves ", e->index,
		       (unsigned long long)(e->index + pr->count - 1),
		       (unsigned long long)e->gpa, (unsigned long long)end,
		       (unsigned long long)pr->count, sz(e->size));
		if (!e->pa_known)
			printf("pa hidden");
		else if (pr->contiguous)
			printf("pa %#llx-%#llx", (unsigned long long)e->pa,
			       (unsigned long long)(pr->next_pa - 1));
		else
			printf("pa scattered from %#llx", (unsigned long long)e->pa);
	}
	printf(" %s%s%s%s\n", fl, e->attrs[0] ? " [" : "", e->attrs,
	       e->attrs[0] ? "]" : "");
}

static int print_entry(void *arg, const struct axd_entry *e, unsigned int depth)
{
	struct printer *pr = arg;

	if (e->gpa + e->size <= pr->lo || e->gpa >= pr->hi)
		return 0;
	if (e->kind == AXD_LEAF) {
		if (e->level < AXD_MAX_LEVELS)
			pr->leaves[e->level]++;
		if (pr->active && depth == pr->depth &&
		    e->level == pr->first.level && e->flags == pr->first.flags &&
		    e->pa_known == pr->first.pa_known &&
		    e->gpa == pr->next_gpa && !strcmp(e->attrs, pr->first.attrs)) {
			pr->count++;
			pr->contiguous &= e->pa == pr->next_pa;
			pr->next_gpa += e->size;
			pr->next_pa = e->pa + e->size;
			return 0;
		}
		flush_run(pr);
		pr->active = true;
		pr->first = *e;
		pr->depth = depth;
		pr->count = 1;
		pr->contiguous = true;
		pr->next_gpa = e->gpa + e->size;
		pr->next_pa = e->pa + e->size;
		return 0;
	}
	flush_run(pr);
	indent(depth);
	if (e->kind == AXD_TABLE) {
		pr->tables++;
		printf("[%u] %#llx-%#llx %s -> table", e->index,
		       (unsigned long long)e->gpa,
		       (unsigned long long)(e->gpa + e->size - 1), sz(e->size));
		if (e->pa_known)
			printf(" @%#llx", (unsigned long long)e->pa);
		putchar('\n');
	} else {
		pr->bad++;
		printf("[%u] %#llx %s raw %#018llx: MALFORMED: %s\n", e->index,
		       (unsigned long long)e->gpa, sz(e->size),
		       (unsigned long long)e->raw, e->why);
	}
	return 0;
}

static void print_summary(struct printer *pr)
{
	flush_run(pr);
	printf("  (%llu x 4K, %llu x 2M, %llu x 1G leaves; %llu table%s below the root%s)\n",
	       (unsigned long long)pr->leaves[0],
	       (unsigned long long)pr->leaves[1],
	       (unsigned long long)pr->leaves[2],
	       (unsigned long long)pr->tables, pr->tables == 1 ? "" : "s",
	       pr->bad ? "; MALFORMED ENTRIES" : "");
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/* Without AXAS_DUMP: a tree made of what TRANSLATE says. */
static int tree_fallback(struct ctl *c, struct printer *pr)
{
	unsigned int top, entries, lv, i;
	u64 path[AXD_MAX_LEVELS], lookups = 0, absent = 0;
	struct range *r;

	if (axd_geometry(c->format, c->ia_bits, &top, &entries))
		return -1;
	for (lv = 0; lv < AXD_MAX_LEVELS; lv++)
		path[lv] = ~0ULL;
	r = malloc((c->nr_known + 1) * sizeof(*r));
	if (!r)
		return -1;
	memcpy(r, c->known, c->nr_known * sizeof(*r));
	qsort(r, c->nr_known, sizeof(*r), range_cmp);
	fprintf(stdout,
		"%s %u-bit space, tree built from TRANSLATE over the %u range%s this run mapped (no table addresses)\n",
		axd_format_name(c->format), c->ia_bits, c->nr_known,
		c->nr_known == 1 ? "" : "s");
	for (i = 0; i < c->nr_known; i++) {
		u64 gpa = r[i].gpa, end = r[i].gpa + r[i].size;

		if (i && r[i - 1].gpa + r[i - 1].size > gpa)
			gpa = r[i - 1].gpa + r[i - 1].size;
		if (gpa < pr->lo)
			gpa = pr->lo & ~(AXD_PAGE_SIZE - 1);
		if (end > pr->hi)
			end = pr->hi;
		while (gpa < end && lookups < FALLBACK_LOOKUPS) {
			struct axas_xlate x;
			struct axd_entry e;
			u64 leaf;

			lookups++;
			if (cmd_translate_gpa(c, gpa, &x) || !x.leaf_size ||
			    x.leaf_size & (x.leaf_size - 1)) {
				absent++;
				gpa += AXD_PAGE_SIZE;
				continue;
			}
			leaf = gpa & ~(x.leaf_size - 1);
			memset(&e, 0, sizeof(e));
			for (lv = top; lv > 0 && AXD_LEVEL_SIZE(lv) > x.leaf_size; lv--) {
				u64 t = leaf & ~(AXD_LEVEL_SIZE(lv) - 1);

				if (path[lv] == t)
					continue;
				path[lv] = t;
				e.kind = AXD_TABLE;
				e.level = lv;
				e.size = AXD_LEVEL_SIZE(lv);
				e.gpa = t;
				e.index = lv == top ? t >> AXD_LEVEL_SHIFT(lv) :
					  (t >> AXD_LEVEL_SHIFT(lv)) & 511;
				e.pa_known = false;
				print_entry(pr, &e, top - lv);
			}
			e.kind = AXD_LEAF;
			e.level = lv;
			e.size = x.leaf_size;
			e.gpa = leaf;
			e.index = lv == top ? leaf >> AXD_LEVEL_SHIFT(lv) :
				  (leaf >> AXD_LEVEL_SHIFT(lv)) & 511;
			e.flags = x.flags;
			e.pa_known = x.host_addr != 0;
			e.pa = x.host_addr - (gpa - leaf);
			print_entry(pr, &e, top - lv);
			gpa = leaf + x.leaf_size;
		}
	}
	print_summary(pr);
	if (absent)
		fprintf(stdout,
			"  (%llu page%s of those ranges not present: unmapped, or lazy and not faulted)\n",
			(unsigned long long)absent, absent == 1 ? "" : "s");
	if (lookups >= FALLBACK_LOOKUPS)
		printf("  (stopped after %u lookups)\n", FALLBACK_LOOKUPS);
	free(r);
	return 0;
}

static int cmd_tree(struct ctl *c, struct cursor *cur)
{
	struct axas_dump d = { 0 };
	struct printer pr = { 0 };
	struct axd_dump dd;
	void *buf = NULL;
	u64 a, b;
	int tries, ret;

	pr.lo = 0;
	pr.hi = ~0ULL;
	if (peek(cur) && !parse_u64(peek(cur), &a)) {
		next(cur);
		if (arg_u64(c, cur, "tree", "size", &b))
			return -1;
		pr.lo = a;
		pr.hi = a + b < a ? ~0ULL : a + b;
	}
	if (!need_space(c, "tree"))
		return -1;
	for (tries = 0; tries < 4; tries++) {
		ret = ioctl(c->fd, AXAS_DUMP, &d);
		if (!ret || errno != ENOSPC)
			break;
		free(buf);
		buf = malloc(d.buf_size);
		if (!buf)
			return fail(c, "tree", ENOMEM);
		d.buf = (uintptr_t)buf;
	}
	if (ret && errno == EPERM) {
		fprintf(stdout,
			"tree: AXAS_DUMP needs CAP_SYS_ADMIN (the tables hold host-physical addresses)\n");
		free(buf);
		return tree_fallback(c, &pr);
	}
	if (ret) {
		free(buf);
		return fail(c, "tree", errno);
	}
	if (axd_parse(&dd, c->format, c->ia_bits, &d, buf)) {
		fprintf(stderr, "axasctl: tree: the dump does not decode: %s\n",
			dd.err);
		axd_free(&dd);
		free(buf);
		return fail(c, "tree", EIO);
	}
	printf("%s %u-bit space [%#llx, %#llx): %u table%s, %llu bytes of table memory\n",
	       axd_format_name(c->format), c->ia_bits,
	       (unsigned long long)c->base,
	       (unsigned long long)(c->base + c->size), dd.nr,
	       dd.nr == 1 ? "" : "s",
	       (unsigned long long)(d.buf_size - dd.nr * sizeof(struct axas_dump_table)));
	printf("  %s\n", dd.root.desc);
	fprintf(stdout,
		"  root: level %u, %u entries of %s each (flags: R read, W write, X execute, D device)\n",
		dd.root.top_level, dd.root.entries,
		sz(AXD_LEVEL_SIZE(dd.root.top_level)));
	ret = axd_walk(&dd, print_entry, &pr);
	print_summary(&pr);
	if (ret)
		fprintf(stderr, "axasctl: tree: %s\n", dd.err);
	axd_free(&dd);
	free(buf);
	return ret ? fail(c, "tree", EIO) : 0;
}

static void print_widths(u64 mask)
{
	unsigned int b;

	if (!mask) {
		printf(" none");
		return;
	}
	for (b = 0; b < 63; b++)
		if (mask & (1ULL << b))
			printf(" %u", b + 32);
}

static int cmd_caps(struct ctl *c)
{
	static const struct {
		unsigned long cap;
		const char *name;
	} caps[] = {
		{ AXAS_CAP_FORMATS, "FORMATS" },
		{ AXAS_CAP_USER_REGION, "USER_REGION" },
		{ AXAS_CAP_MAP_LINEAR, "MAP_LINEAR" },
		{ AXAS_CAP_LAZY_ALLOC, "LAZY_ALLOC" },
		{ AXAS_CAP_FAULT, "FAULT" },
		{ AXAS_CAP_DUMP, "DUMP" },
		{ AXAS_CAP_MAX_SPACES, "MAX_SPACES" },
		{ AXAS_CAP_MAX_SPACE_MB, "MAX_SPACE_MB" },
		{ AXAS_CAP_MAX_RW, "MAX_RW" },
		{ AXAS_CAP_NATIVE_FORMAT, "NATIVE_FORMAT" },
		{ AXAS_CAP_EPT_AD, "EPT_AD" },
	};
	unsigned int i;
	int v;

	v = sys_ioctl(c, "caps", AXAS_GET_API_VERSION, 0);
	if (v < 0)
		return fail(c, "caps", errno);
	printf("caps: API version %d\n", v);
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		v = sys_ioctl(c, "caps", AXAS_CHECK_EXTENSION, caps[i].cap);
		if (v < 0)
			return fail(c, "caps", errno);
		printf("  %-14s %d", caps[i].name, v);
		if (caps[i].cap == AXAS_CAP_FORMATS)
			printf(" (%s%s%s%s)", v & 1 ? " ept" : "",
			       v & 2 ? " arm-s2" : "", v & 4 ? " riscv-gstage" : "",
			       v & 8 ? " amd-npt" : "");
		if (caps[i].cap == AXAS_CAP_NATIVE_FORMAT && v > 0)
			printf(" (%s)", axd_format_name(v - 1));
		putchar('\n');
	}
	for (i = 0; i < 4; i++) {
		v = sys_ioctl(c, "caps", AXAS_CHECK_EXTENSION,
			      AXAS_CAP_IA_BITS(i));
		if (v < 0)
			return fail(c, "caps", errno);
		printf("  IA_BITS(%s) %#x:", axd_format_name(i), v);
		print_widths((unsigned int)v);
		putchar('\n');
	}
	return 0;
}

/* ---- the interpreter ------------------------------------------------------ */

static int cmd_close(struct ctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->nr_known = 0;
	printf("close: the space is gone\n");
	return 0;
}

static int cmd_demo(struct ctl *c);

static int run_one(struct ctl *c, struct cursor *cur)
{
	char *cmd = next(cur);
	int ret;

	if (!strcmp(cmd, "create"))
		ret = cmd_create(c, cur);
	else if (!strcmp(cmd, "map-alloc"))
		ret = cmd_map_alloc(c, cur);
	else if (!strcmp(cmd, "map-linear"))
		ret = cmd_map_linear(c, cur);
	else if (!strcmp(cmd, "region"))
		ret = cmd_region(c, cur);
	else if (!strcmp(cmd, "unmap"))
		ret = cmd_unmap_protect(c, cur, true);
	else if (!strcmp(cmd, "protect"))
		ret = cmd_unmap_protect(c, cur, false);
	else if (!strcmp(cmd, "translate"))
		ret = cmd_translate(c, cur);
	else if (!strcmp(cmd, "fault"))
		ret = cmd_fault(c, cur);
	else if (!strcmp(cmd, "write"))
		ret = cmd_write(c, cur);
	else if (!strcmp(cmd, "read"))
		ret = cmd_read(c, cur);
	else if (!strcmp(cmd, "stats"))
		ret = cmd_stats(c);
	else if (!strcmp(cmd, "tree"))
		ret = cmd_tree(c, cur);
	else if (!strcmp(cmd, "caps"))
		ret = cmd_caps(c);
	else if (!strcmp(cmd, "demo"))
		ret = cmd_demo(c);
	else if (!strcmp(cmd, "close"))
		ret = cmd_close(c);
	else
		ret = usage_error(c, cmd, "unknown command (try \"axasctl help\")");
	fflush(stdout);
	return ret;
}

/* Split a line into words; "double quotes" group. Modifies @line. */
static int tokenize(char *line, char **av, int max)
{
	int ac = 0;

	while (*line && ac < max) {
		while (*line == ' ')
			line++;
		if (!*line)
			break;
		if (*line == '"') {
			av[ac++] = ++line;
			while (*line && *line != '"')
				line++;
		} else {
			av[ac++] = line;
			while (*line && *line != ' ')
				line++;
		}
		if (*line)
			*line++ = 0;
	}
	return ac;
}

static void run_line(struct ctl *c, const char *text)
{
	char *line = strdup(text), *av[MAX_TOKENS];
	struct cursor cur;

	if (!line)
		return;
	cur.av = av;
	cur.ac = tokenize(line, av, MAX_TOKENS);
	cur.i = 0;
	if (c->echo)
		printf("\naxasctl> %s\n", text);
	while (cur.i < cur.ac)
		run_one(c, &cur);
	free(line);
}

/*
 * The same space through the eyes of a process without capabilities (it
 * inherits the descriptor): no host addresses, no AXAS_DUMP, no linear
 * memory.
 */
static void demo_unprivileged(struct ctl *c)
{
	pid_t pid;

	printf("\n"
	       "---- the same space from a process without capabilities (uid 65534, inherited fd) ----\n");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return;
	}
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534)) {
			perror("axasctl: demo: dropping privileges");
			_exit(1);
		}
		run_line(c, "translate 0x201000");
		run_line(c, "read 0x40000000 12");
		run_line(c, "map-linear 0x50000000 0x40000000 4K r");
		run_line(c, "tree 0x0 0x800000");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("---- back to root ----\n");
}

/* The scenario "make run" shows: every format the module has. */
static int cmd_demo(struct ctl *c)
{
	static const struct {
		const char *name;
		unsigned int bits;
	} fmts[] = {
		{ "ept", 48 }, { "arm-s2", 40 }, { "riscv-gstage", 41 },
		{ "amd-npt", 48 },
	};
	bool was_echo = c->echo, was_k = c->keep_going;
	bool admin, shown_unpriv = false;
	int mask, i;
	char line[256];

	mask = sys_ioctl(c, "demo", AXAS_CHECK_EXTENSION, AXAS_CAP_FORMATS);
	if (mask <= 0)
		return fail(c, "demo", mask < 0 ? errno : ENODEV);
	admin = geteuid() == 0;
	printf("demo: one guest address space per format, driven through /dev/axaddrspace\n");
	c->echo = true;
	c->keep_going = true;
	run_line(c, "caps");
	for (i = 0; i < (int)ARRAY_SIZE(fmts); i++) {
		if (!(mask & (1 << i)))
			continue;
		printf("\n==== %s ====\n", fmts[i].name);
		snprintf(line, sizeof(line), "create %s %u 0 4G", fmts[i].name,
			 fmts[i].bits);
		run_line(c, line);
		/* Eager frames, guest memory written and read back. */
		run_line(c, "map-alloc 0x0 2M rw populate");
		run_line(c, "write 0x1000 \"hello, guest\"");
		run_line(c, "read 0x1000 12");
		/* A lazy range: nothing there until the first fault. */
		run_line(c, "map-alloc 0x200000 1M rwx lazy");
		run_line(c, "fault 0x201000 w");
		run_line(c, "fault 0x201000 r");
		run_line(c, "translate 0x201000");
		/* The VMM's own memory as guest RAM. */
		run_line(c, "region 0x400000 2M rw");
		run_line(c, "read 0x400000 32");
		/* Permissions change per page. */
		run_line(c, "protect 0x0 64K r");
		if (admin) {
			/* An alias of the frame at 0x1000, by host address. */
			run_line(c, "map-linear 0x40000000 @0x1000 4K r");
			run_line(c, "read 0x40000000 12");
			/*
			 * Host-physical windows are mapped with the largest
			 * leaves: a 1 GiB one and two 2 MiB ones (never
			 * touched, only mapped).
			 */
			run_line(c, "map-linear 0x80000000 0x80000000 1G r device");
			run_line(c, "map-linear 0xc0000000 0x40000000 4M r");
			/* Unmapping 4 KiB of a 2 MiB block splits it. */
			run_line(c, "unmap 0xc0100000 4K");
			run_line(c, "translate 0xc0000000");
			run_line(c, "translate 0xc0200000");
		} else {
			printf("\n(not root: MAP_LINEAR needs CAP_SYS_RAWIO, skipped)\n");
		}
		run_line(c, "unmap 0x100000 4K");
		run_line(c, "stats");
		run_line(c, "tree");
		if (admin && !shown_unpriv) {
			shown_unpriv = true;
			demo_unprivileged(c);
		}
	}
	c->echo = was_echo;
	c->keep_going = was_k;
	return 0;
}

static void help(void)
{
	printf("usage: axasctl [-k] [-v] [-d DEVICE] COMMAND [ARGS]... [COMMAND [ARGS]...]...\n"
	       "\n"
	       "Runs the commands in order on one guest address space, which lives as\n"
	       "long as the process. Numbers take 0x and K/M/G/T suffixes. PERM is a\n"
	       "subset of \"rwx\". A failing call prints its errno and exits 1.\n"
	       "\n"
	       "  create FORMAT BITS BASE SIZE [ad]   FORMAT: ept, arm-s2, riscv-gstage,\n"
	       "                                      amd-npt (npt), native\n"
	       "  map-alloc GPA SIZE PERM [lazy|populate] [noblock]   (default populate)\n"
	       "  map-linear GPA HPA SIZE PERM [device] [noblock]     HPA may be @GPA: the\n"
	       "                      host address GPA translates to (root)\n"
	       "  region GPA SIZE PERM [noblock]      map fresh memory of this process\n"
	       "  unmap GPA SIZE\n"
	       "  protect GPA SIZE PERM\n"
	       "  translate GPA\n"
	       "  fault GPA r|w|x\n"
	       "  write GPA STRING|hex:HEXBYTES\n"
	       "  read GPA LEN                        hexdump\n"
	       "  stats\n"
	       "  tree [GPA SIZE]                     the tables (AXAS_DUMP, root), or a\n"
	       "                      tree made from TRANSLATE otherwise\n"
	       "  caps                                API version and extensions\n"
	       "  close                               drop the space\n"
	       "  demo                                a scenario on every format\n"
	       "\n"
	       "  -k  keep going after a failed call (exit 1 at the end)\n"
	       "  -v  verbose\n"
	       "  -d  device (default " DEV_PATH ")\n");
}

int main(int argc, char **argv)
{
	struct ctl c = {
		.dev_path = DEV_PATH,
		.devfd = -1,
		.fd = -1,
	};
	struct cursor cur;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "+kvd:h")) != -1) {
		switch (opt) {
		case 'k':
			c.keep_going = true;
			break;
		case 'v':
			c.verbose = true;
			break;
		case 'd':
			c.dev_path = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			help();
			return 2;
		}
	}
	if (optind >= argc || !strcmp(argv[optind], "help")) {
		help();
		return optind >= argc ? 2 : 0;
	}
	cur.av = argv;
	cur.ac = argc;
	cur.i = optind;
	while (cur.i < cur.ac) {
		int start = cur.i;

		run_one(&c, &cur);
		if (c.verbose) {
			int i;

			fprintf(stderr, "axasctl: done:");
			for (i = start; i < cur.i; i++)
				fprintf(stderr, " %s", argv[i]);
			fputc('\n', stderr);
		}
	}
	return c.failed;
}
