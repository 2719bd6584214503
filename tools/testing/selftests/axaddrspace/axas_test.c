// SPDX-License-Identifier: GPL-2.0
/*
 * TAP selftest of /dev/axaddrspace (include/uapi/linux/axaddrspace.h).
 *
 * Exercises every ioctl, flag and error the contract names, hostile input
 * included (bad pointers, wrapping sizes, overlaps, reserved bits, unknown
 * ioctls, closed descriptors, a close racing ioctls, an unprivileged
 * caller), and checks real behaviour against a flat model: guest memory
 * contents, exact statistics, leaf sizes, and the raw tables of AXAS_DUMP
 * decoded by an independent decoder (tools/axasctl/axas-decode.c).
 *
 * Runs as root (it forks its own unprivileged child); as another user the
 * privileged cases are skipped. Options: -v verbose, -d DEVICE,
 * -s SECTION[,SECTION...] to run only some sections (-l lists them).
 *
 * Output: TAP version 13, one line per case, the plan at the end, then
 * "N passed, N failed, N skipped". Exit status 0 only if nothing failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/axaddrspace.h>

#include "axas-decode.h"
#include "axas-tools.h"

typedef __u64 u64;
typedef __u32 u32;

#define PAGE		4096ULL
#define KB(x)		((u64)(x) << 10)
#define MB(x)		((u64)(x) << 20)
#define GB(x)		((u64)(x) << 30)
#define MAX_RW		MB(1)

#define R		AXAS_MEM_READ
#define W		AXAS_MEM_WRITE
#define X		AXAS_MEM_EXEC
#define DEV		AXAS_MEM_DEVICE
#define NOBLOCK		AXAS_MEM_NOBLOCK
#define POPULATE	AXAS_MEM_POPULATE

/* Addresses no caller owns. */
#define KERNEL_ADDR	0xffff800000000000ULL
/* Host-physical windows MAP_LINEAR maps; never read or written. */
#define LIN_HPA		0x40000000ULL

#define CAP_SYS_RAWIO_BIT	17
#define CAP_SYS_ADMIN_BIT	21
#define CAP_IPC_LOCK_BIT	14

/* ---- TAP ------------------------------------------------------------------ */

static int n_tests, n_pass, n_fail, n_skip;
static bool verbose;
static int report_fd = -1;	/* in a forked child: results go to the parent */
static char pending[8192];	/* diagnostics for the next result */
static size_t pending_len;

enum { TAP_OK, TAP_FAIL, TAP_SKIP };

static void emit(int status, const char *name, const char *reason)
{
	char *line, *save;

	if (report_fd >= 0) {
		dprintf(report_fd, "R%d %s\t%s\n", status, name,
			reason ? reason : "");
		pending_len = 0;
		pending[0] = 0;
		return;
	}
	if (pending_len && (status == TAP_FAIL || verbose)) {
		for (line = strtok_r(pending, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("# %s\n", line);
	}
	pending_len = 0;
	pending[0] = 0;
	n_tests++;
	switch (status) {
	case TAP_OK:
		n_pass++;
		printf("ok %d - %s\n", n_tests, name);
		break;
	case TAP_FAIL:
		n_fail++;
		printf("not ok %d - %s\n", n_tests, name);
		break;
	default:
		n_skip++;
		printf("ok %d - %s # SKIP %s\n", n_tests, name, reason);
	}
	fflush(stdout);
}

/* A diagnostic printed before the next result line when it fails (or -v). */
static void __printf(1, 2) note(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (report_fd >= 0) {
		char buf[512];

		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		dprintf(report_fd, "D%s\n", buf);
		return;
	}
	if (pending_len >= sizeof(pending) - 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(pending + pending_len, sizeof(pending) - pending_len - 1,
		      fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	pending_len += n;
	if (pending_len > sizeof(pending) - 2)
		pending_len = sizeof(pending) - 2;
	pending[pending_len++] = '\n';
	pending[pending_len] = 0;
}

static void __printf(2, 3)
check(bool ok, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	emit(ok ? TAP_OK : TAP_FAIL, name, NULL);
}

static void __printf(2, 3)
skip(const char *reason, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	emit(TAP_SKIP, name, reason);
}

/* A "# " line in the output, from a forked child too; always printed. */
static void __printf(1, 2) comment(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (report_fd >= 0)
		dprintf(report_fd, "# %s\n", buf);
	else
		printf("# %s\n", buf);
}

static const char *retname(long ret)
{
	static char bufs[4][32];
	static unsigned int n;
	char *b;

	if (ret < 0)
		return axd_errname(-ret);
	b = bufs[n++ % 4];
	snprintf(b, 32, "%ld", ret);
	return b;
}

/*
 * The result of a call against the errno expected (0: success). The name
 * gets " -> ERRNO" (or " -> ok") appended.
 */
/*
 * Name a case "<fmt...> -> ERRNO" into @name and judge @ret against @want,
 * noting a mismatch.
 */
static bool judge(long ret, int want, char *name, size_t len,
		  const char *fmt, va_list ap)
{
	int n = vsnprintf(name, len, fmt, ap);
	bool ok;

	if (n > 0 && (size_t)n < len)
		snprintf(name + n, len - n, " -> %s", axd_errname(want));
	ok = want ? ret == -want : ret >= 0;
	if (!ok)
		note("got %s, expected %s", retname(ret), axd_errname(want));
	return ok;
}

static void __printf(3, 4)
expect(long ret, int want, const char *fmt, ...)
{
	char name[256];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = judge(ret, want, name, sizeof(name), fmt, ap);
	va_end(ap);
	emit(ok ? TAP_OK : TAP_FAIL, name, NULL);
}

/* ---- plumbing ---------------------------------------------------------------- */

static const char *dev_path = "/dev/axaddrspace";
static int devfd = -1;
static bool priv;		/* CAP_SYS_ADMIN and CAP_SYS_RAWIO */
static bool is_root;
static const char *priv_reason = "needs root (CAP_SYS_ADMIN, CAP_SYS_RAWIO)";
static long max_spaces_cap, max_space_mb_cap;

static long xio(int fd, unsigned long req, const void *arg)
{
	long ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static long xio_val(int fd, unsigned long req, unsigned long val)
{
	long ret = ioctl(fd, req, val);

	return ret < 0 ? -errno : ret;
}

static long mkspace_flags(unsigned int format, unsigned int bits, u64 base,
			  u64 size, u32 flags)
{
	struct axas_create_space cs = {
		.format = format, .ia_bits = bits, .base = base, .size = size,
		.flags = flags,
	};

	return xio(devfd, AXAS_CREATE_SPACE, &cs);
}

static long mkspace(unsigned int format, unsigned int bits, u64 base, u64 size)
{
	return mkspace_flags(format, bits, base, size, 0);
}

static long get_stats(int fd, struct axas_space_stats *st)
{
	memset(st, 0, sizeof(*st));
	return xio(fd, AXAS_GET_STATS, st);
}

static long range_io(int fd, unsigned long req, u64 gpa, u64 size, u64 hpa,
		     u32 flags)
{
	struct axas_range r = {
		.guest_addr = gpa, .size = size, .host_addr = hpa,
		.flags = flags,
	};

	return xio(fd, req, &r);
}

static long map_alloc(int fd, u64 gpa, u64 size, u32 flags)
{
	return range_io(fd, AXAS_MAP_ALLOC, gpa, size, 0, flags);
}

static long map_linear(int fd, u64 gpa, u64 hpa, u64 size, u32 flags)
{
	return range_io(fd, AXAS_MAP_LINEAR, gpa, size, hpa, flags);
}

static long unmap(int fd, u64 gpa, u64 size)
{
	return range_io(fd, AXAS_UNMAP, gpa, size, 0, 0);
}

static long protect(int fd, u64 gpa, u64 size, u32 flags)
{
	return range_io(fd, AXAS_PROTECT, gpa, size, 0, flags);
}

static long region(int fd, u64 gpa, u64 size, const void *mem, u32 flags)
{
	struct axas_user_region ur = {
		.guest_addr = gpa, .size = size,
		.user_addr = (uintptr_t)mem, .flags = flags,
	};

	return xio(fd, AXAS_SET_USER_REGION, &ur);
}

static long translate(int fd, u64 gpa, struct axas_xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->guest_addr = gpa;
	return xio(fd, AXAS_TRANSLATE, x);
}

static long guest_rw(int fd, bool write, u64 gpa, void *buf, u64 size)
{
	struct axas_rw rw = {
		.guest_addr = gpa, .size = size, .buf = (uintptr_t)buf,
	};

	return xio(fd, write ? AXAS_GUEST_WRITE : AXAS_GUEST_READ, &rw);
}

static long fault(int fd, u64 gpa, u32 access)
{
	struct axas_fault f = { .guest_addr = gpa, .access = access };

	return xio(fd, AXAS_FAULT, &f);
}

/* AXAS_DUMP into a fresh buffer; 0 or -errno. */
static long dump(int fd, struct axas_dump *d, void **buf)
{
	long ret = 0;
	int tries;

	*buf = NULL;
	memset(d, 0, sizeof(*d));
	for (tries = 0; tries < 4; tries++) {
		ret = xio(fd, AXAS_DUMP, d);
		if (ret != -ENOSPC)
			break;
		free(*buf);
		*buf = malloc(d->buf_size ? d->buf_size : 1);
		if (!*buf)
			return -ENOMEM;
		d->buf = (uintptr_t)*buf;
	}
	return ret;
}

static void *map_mem(u64 size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

/* Anonymous memory, populated and without huge pages. */
static void *user_mem(u64 size)
{
	unsigned char *p = map_mem(size, PROT_READ | PROT_WRITE);

	madvise(p, size, MADV_NOHUGEPAGE);
	memset(p, 0, size);
	return p;
}

/*
 * A page followed by an inaccessible one. PROT_NONE rather than a hole: a
 * later mmap() could fill a hole.
 */
static unsigned char *guard_page(void)
{
	unsigned char *p = map_mem(2 * PAGE, PROT_READ | PROT_WRITE);

	mprotect(p + PAGE, PAGE, PROT_NONE);
	return p;
}

/*
 * A user address nothing maps: below mmap_min_addr and below where any of
 * the three architectures loads a static program.
 */
#define UNMAPPED_ADDR	0x2000UL

static long status_field(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static unsigned long long cap_eff(void)
{
	char line[256];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			v = strtoull(line + 7, NULL, 16);
	fclose(f);
	return v;
}

/* Whether pinning @bytes more would run into RLIMIT_MEMLOCK. */
static bool memlock_binds(u64 bytes)
{
	struct rlimit rl;

	if (cap_eff() >> CAP_IPC_LOCK_BIT & 1)
		return false;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return false;
	return (u64)status_field("VmLck") * 1024 + bytes > rl.rlim_cur;
}

static long vmlck_kb(void)
{
	return status_field("VmLck");
}

static long mem_available_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "MemAvailable:", 13))
			v = strtol(line + 13, NULL, 10);
	fclose(f);
	return v;
}

static const char *fmt_name(unsigned int format)
{
	return axd_format_name(format);
}

static unsigned int root_pages(unsigned int format, unsigned int bits)
{
	unsigned int top, entries;

	if (axd_geometry(format, bits, &top, &entries))
		return 0;
	return entries * 8 > PAGE ? entries * 8 / PAGE : 1;
}

static void fill_pattern(unsigned char *p, u64 size, unsigned int seed)
{
	u64 i;

	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 131 + seed * 17 + (i >> 12));
}

static bool all_bytes(const unsigned char *p, u64 size, unsigned char v)
{
	u64 i;

	for (i = 0; i < size; i++)
		if (p[i] != v)
			return false;
	return true;
}

static bool stats_equal(const struct axas_space_stats *a,
			const struct axas_space_stats *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The fields of struct axas_space_stats by name, reserved ones aside. */
struct stat_list {
	unsigned int n;
	const char *name[16];
	u64 val[16];
};

static void stat_add(struct stat_list *l, const char *name, u64 val)
{
	l->name[l->n] = name;
	l->val[l->n++] = val;
}

static void stat_list(const struct axas_space_stats *s, struct stat_list *l)
{
	const struct axas_space_stats st = *s;

	l->n = 0;
#define STAT(f) stat_add(l, #f, st.f)
	STAT(table_pages);
	STAT(data_pages);
	STAT(pinned_pages);
	STAT(mapped_4k);
	STAT(mapped_2m);
	STAT(mapped_1g);
	STAT(faults);
	STAT(spurious_faults);
	STAT(tlb_flushes);
	STAT(vmid);
	STAT(format);
	STAT(ia_bits);
	STAT(base);
	STAT(size);
#undef STAT
}

static void note_stats_diff(const struct axas_space_stats *a,
			    const struct axas_space_stats *b)
{
	struct stat_list la, lb;
	unsigned int i;

	stat_list(a, &la);
	stat_list(b, &lb);
	for (i = 0; i < la.n; i++)
		if (la.val[i] != lb.val[i])
			note("stats.%s: %llu -> %llu", la.name[i],
			     (unsigned long long)la.val[i],
			     (unsigned long long)lb.val[i]);
}

/*
 * A call that must fail with @want (or succeed, @want 0) and, when it
 * fails, change nothing: every statistic (TLB flushes included) and VmLck
 * are compared around it.
 */
struct snap {
	struct axas_space_stats st;
	long vmlck;
};

static void take_snap(int fd, struct snap *s)
{
	get_stats(fd, &s->st);
	s->vmlck = vmlck_kb();
}

static void __printf(5, 6)
expect_same(int fd, const struct snap *before, long ret, int want,
	    const char *fmt, ...)
{
	struct snap after;
	char name[256];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = judge(ret, want, name, sizeof(name), fmt, ap);
	va_end(ap);
	if (want && ret < 0) {
		take_snap(fd, &after);
		if (!stats_equal(&before->st, &after.st)) {
			note("the failed call changed the space:");
			note_stats_diff(&before->st, &after.st);
			ok = false;
		}
		if (before->vmlck != after.vmlck) {
			note("VmLck %ld kB -> %ld kB", before->vmlck, after.vmlck);
			ok = false;
		}
	}
	emit(ok ? TAP_OK : TAP_FAIL, name, NULL);
}

/* Why AXAS_DUMP's bad-pointer cases need CAP_SYS_ADMIN. */
#define DUMP_ORDER_REASON \
	"the order of EPERM and EFAULT is unspecified for callers without CAP_SYS_ADMIN"

#define EXPECT_NC(fd, call, want, ...) do {				\
	int fd_ = (fd);							\
	struct snap snap_;						\
	long ret_;							\
									\
	take_snap(fd_, &snap_);						\
	ret_ = (call);							\
	expect_same(fd_, &snap_, ret_, want, __VA_ARGS__);		\
} while (0)

/*
 * Every bit of a reserved field set alone, in copies of a valid argument:
 * each call must fail with -EINVAL and, on a space, change nothing. One
 * result for the field.
 */
struct fieldcase {
	int fd;			/* where the ioctl goes */
	int space;		/* the space to watch, or -1 */
	unsigned long req;
	const void *tmpl;	/* a valid argument */
	size_t size;
	size_t off;		/* the field */
	unsigned int width;	/* 4 or 8 bytes */
};

static void __printf(2, 3)
each_bit(const struct fieldcase *fc, const char *fmt, ...)
{
	unsigned char arg[256];
	struct snap before;
	unsigned int b, nbits = fc->width * 8;
	long ret, first_bad = 0;
	int bad_bit = -1;
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (fc->space >= 0)
		take_snap(fc->space, &before);
	for (b = 0; b < nbits; b++) {
		memcpy(arg, fc->tmpl, fc->size);
		if (fc->width == 8) {
			u64 v = 1ULL << b;

			memcpy(arg + fc->off, &v, 8);
		} else {
			u32 v = 1U << b;

			memcpy(arg + fc->off, &v, 4);
		}
		ret = xio(fc->fd, fc->req, arg);
		if (ret >= 0 && fc->req == AXAS_CREATE_SPACE)
			close(ret);
		if (ret != -EINVAL && bad_bit < 0) {
			bad_bit = b;
			first_bad = ret;
		}
	}
	if (bad_bit >= 0)
		note("bit %d alone: %s", bad_bit, retname(first_bad));
	if (fc->space >= 0)
		expect_same(fc->space, &before, bad_bit < 0 ? -EINVAL : first_bad,
			    EINVAL, "%s, each of its %u bits alone", name, nbits);
	else
		expect(bad_bit < 0 ? -EINVAL : first_bad, EINVAL,
		       "%s, each of its %u bits alone", name, nbits);
}

/* ---- system ioctls ---------------------------------------------------------- */

/* The native format, and the width of its 4-level tables (Sv48x4: 50). */
#if defined(__x86_64__)
#define NATIVE_ARCH	"x86_64"
#define NATIVE_FORMAT	AXAS_FORMAT_EPT
#define NATIVE_4L_BITS	"48"
#define NATIVE_VCPUS	16	/* SVM (QEMU -cpu max) or VMX (Bochs) */
#define NATIVE_VCPU_FMT	-1	/* NPT + 1 on SVM, EPT + 1 on VMX */
#define NATIVE_GUEST_IRQ	0	/* no guest interrupts on x86 yet */
#elif defined(__aarch64__)
#define NATIVE_ARCH	"arm64"
#define NATIVE_FORMAT	AXAS_FORMAT_ARM_S2
#define NATIVE_4L_BITS	"48"
#define NATIVE_VCPUS	16	/* EL2 with VHE, no KVM (the e2e kernel) */
#define NATIVE_VCPU_FMT	(AXAS_FORMAT_ARM_S2 + 1)
#define NATIVE_GUEST_IRQ	0	/* no guest interrupts on arm64 yet */
#elif defined(__riscv)
#define NATIVE_ARCH	"riscv64"
#define NATIVE_FORMAT	AXAS_FORMAT_RISCV_GSTAGE
#define NATIVE_4L_BITS	"50"
#define NATIVE_VCPUS	16	/* the H extension is emulated */
#define NATIVE_VCPU_FMT	(AXAS_FORMAT_RISCV_GSTAGE + 1)
#define NATIVE_GUEST_IRQ	1	/* hvip, an hrtimer, WFI */
#else
#error "x86_64, arm64 or riscv64 only"
#endif

static void sec_sys(void)
{
	static const struct {
		unsigned long cap;
		const char *name;
		long want;	/* -1: any positive value */
	} caps[] = {
		{ AXAS_CAP_FORMATS, "FORMATS", 0xf },
		{ AXAS_CAP_USER_REGION, "USER_REGION", 1 },
		{ AXAS_CAP_MAP_LINEAR, "MAP_LINEAR", 1 },
		{ AXAS_CAP_LAZY_ALLOC, "LAZY_ALLOC", 1 },
		{ AXAS_CAP_FAULT, "FAULT", 1 },
		{ AXAS_CAP_DUMP, "DUMP", 1 },
		{ AXAS_CAP_MAX_SPACES, "MAX_SPACES", -1 },
		{ AXAS_CAP_MAX_SPACE_MB, "MAX_SPACE_MB", -1 },
		{ AXAS_CAP_MAX_RW, "MAX_RW", 1048576 },
		{ AXAS_CAP_NATIVE_FORMAT, "NATIVE_FORMAT", NATIVE_FORMAT + 1 },
		{ AXAS_CAP_EPT_AD, "EPT_AD", 1 },
		{ AXAS_CAP_IA_BITS(AXAS_FORMAT_EPT), "IA_BITS(EPT)",
		  (1L << (48 - 32)) | (1L << (57 - 32)) },
		{ AXAS_CAP_IA_BITS(AXAS_FORMAT_ARM_S2), "IA_BITS(ARM_S2)", 0x1ffff },
		{ AXAS_CAP_IA_BITS(AXAS_FORMAT_RISCV_GSTAGE), "IA_BITS(RISCV_GSTAGE)",
		  (1L << (41 - 32)) | (1L << (50 - 32)) },
		{ AXAS_CAP_IA_BITS(AXAS_FORMAT_AMD_NPT), "IA_BITS(AMD_NPT)",
		  1L << (48 - 32) },
		{ AXAS_CAP_IA_BITS(4), "IA_BITS(4)", 0 },
		{ AXAS_CAP_IA_BITS(0xff), "IA_BITS(255)", 0 },
		{ 0, "0 (unknown)", 0 },
		{ AXAS_CAP_VCPU, "VCPU", NATIVE_VCPUS },
		{ AXAS_CAP_VCPU_FORMAT, "VCPU_FORMAT", NATIVE_VCPU_FMT },
		{ AXAS_CAP_GUEST_IRQ, "GUEST_IRQ", NATIVE_GUEST_IRQ },
		{ 16, "16 (unknown)", 0 },
		{ 0xff, "0xff (unknown)", 0 },
		{ 0x200, "0x200 (unknown)", 0 },
		{ 0x10001, "0x10001 (unknown)", 0 },
		{ ~0UL, "~0 (unknown)", 0 },
	};
	unsigned int i;
	long v;

	v = xio_val(devfd, AXAS_GET_API_VERSION, 0);
	if (v != AXAS_API_VERSION)
		note("got %s", retname(v));
	check(v == AXAS_API_VERSION, "get_api_version: returns %d",
	      AXAS_API_VERSION);
	expect(xio_val(devfd, AXAS_GET_API_VERSION, 1), EINVAL,
	       "get_api_version: arg 1");
	expect(xio_val(devfd, AXAS_GET_API_VERSION, ~0UL), EINVAL,
	       "get_api_version: arg ~0");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		v = xio_val(devfd, AXAS_CHECK_EXTENSION, caps[i].cap);
		if (caps[i].want < 0) {
			if (v <= 0)
				note("got %s", retname(v));
			check(v > 0, "check_extension: %s is positive (%ld)",
			      caps[i].name, v);
			continue;
		}
		if (v != caps[i].want)
			note("got %s (%#lx)", retname(v), v);
		check(v == caps[i].want, "check_extension: %s == %#lx",
		      caps[i].name, caps[i].want);
	}
	max_spaces_cap = xio_val(devfd, AXAS_CHECK_EXTENSION,
				 AXAS_CAP_MAX_SPACES);
	max_space_mb_cap = xio_val(devfd, AXAS_CHECK_EXTENSION,
				   AXAS_CAP_MAX_SPACE_MB);
}

/* ---- unknown ioctls ------------------------------------------------------------ */

static const struct space_ioctl {
	const char *name;
	unsigned long cmd;
	unsigned int size;
	bool out;		/* the kernel writes the argument */
} space_ioctls[] = {
	{ "set_user_region", AXAS_SET_USER_REGION, sizeof(struct axas_user_region), false },
	{ "map_alloc", AXAS_MAP_ALLOC, sizeof(struct axas_range), false },
	{ "map_linear", AXAS_MAP_LINEAR, sizeof(struct axas_range), false },
	{ "unmap", AXAS_UNMAP, sizeof(struct axas_range), false },
	{ "protect", AXAS_PROTECT, sizeof(struct axas_range), false },
	{ "translate", AXAS_TRANSLATE, sizeof(struct axas_xlate), true },
	{ "guest_read", AXAS_GUEST_READ, sizeof(struct axas_rw), false },
	{ "guest_write", AXAS_GUEST_WRITE, sizeof(struct axas_rw), false },
	{ "fault", AXAS_FAULT, sizeof(struct axas_fault), false },
	{ "get_stats", AXAS_GET_STATS, sizeof(struct axas_space_stats), true },
	{ "dump", AXAS_DUMP, sizeof(struct axas_dump), true },
};

static void sec_notty(void)
{
	static const struct {
		const char *name;
		unsigned long cmd;
	} dev_bad[] = {
		{ "_IO(0xBA, 0x03)", _IO(AXAS_IOCTL_MAGIC, 0x03) },
		{ "_IO(0xBA, 0x0f)", _IO(AXAS_IOCTL_MAGIC, 0x0f) },
		{ "_IO(0xBA, 0x20) (vCPU range)", _IO(AXAS_IOCTL_MAGIC, 0x20) },
		{ "_IO(0xBA, 0x3f)", _IO(AXAS_IOCTL_MAGIC, 0x3f) },
		{ "_IO(0xBA, 0xff)", _IO(AXAS_IOCTL_MAGIC, 0xff) },
		{ "GET_API_VERSION as _IOR", _IOR(AXAS_IOCTL_MAGIC, 0x00, int) },
		{ "CHECK_EXTENSION as _IOW", _IOW(AXAS_IOCTL_MAGIC, 0x01, __u64) },
		{ "CREATE_SPACE as _IOR", _IOR(AXAS_IOCTL_MAGIC, 0x02, struct axas_create_space) },
		{ "CREATE_SPACE with size 8", _IOW(AXAS_IOCTL_MAGIC, 0x02, __u64) },
		{ "CREATE_SPACE with size + 8",
		  _IOC(_IOC_WRITE, AXAS_IOCTL_MAGIC, 0x02, sizeof(struct axas_create_space) + 8) },
		{ "KVM's magic _IO(0xAE, 0x00)", _IO(0xAE, 0x00) },
		{ "TCGETS", TCGETS },
	};
	static const struct {
		const char *name;
		unsigned long cmd;
	} space_bad[] = {
		{ "_IO(0xBA, 0x0f)", _IO(AXAS_IOCTL_MAGIC, 0x0f) },
		{ "_IO(0xBA, 0x1b)", _IO(AXAS_IOCTL_MAGIC, 0x1b) },
		{ "_IO(0xBA, 0x21) (vCPU range)", _IO(AXAS_IOCTL_MAGIC, 0x21) },
		{ "_IO(0xBA, 0x3f)", _IO(AXAS_IOCTL_MAGIC, 0x3f) },
		{ "_IO(0xBA, 0xff)", _IO(AXAS_IOCTL_MAGIC, 0xff) },
		{ "GET_REGS (a vCPU ioctl)", AXAS_GET_REGS },
		{ "SET_REGS (a vCPU ioctl)", AXAS_SET_REGS },
		{ "RUN (a vCPU ioctl)", AXAS_RUN },
		{ "KVM's magic _IO(0xAE, 0x00)", _IO(0xAE, 0x00) },
		{ "TCGETS", TCGETS },
	};
	static __u64 zero[64];
	struct axas_create_space cs = {
		.format = AXAS_FORMAT_EPT, .ia_bits = 48, .size = GB(1),
	};
	unsigned int i;
	long fd, v;

	for (i = 0; i < ARRAY_SIZE(dev_bad); i++)
		expect(xio(devfd, dev_bad[i].cmd, zero), ENOTTY,
		       "/dev fd: unknown ioctl %s", dev_bad[i].name);
	for (i = 0; i < ARRAY_SIZE(space_ioctls); i++)
		expect(xio(devfd, space_ioctls[i].cmd, zero), ENOTTY,
		       "/dev fd: space ioctl %s", space_ioctls[i].name);

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	if (fd < 0) {
		note("create_space: %s", retname(fd));
		check(false, "space fd for the unknown-ioctl cases");
		return;
	}
	expect(xio_val(fd, AXAS_GET_API_VERSION, 0), ENOTTY,
	       "space fd: system ioctl get_api_version");
	expect(xio_val(fd, AXAS_CHECK_EXTENSION, AXAS_CAP_FORMATS), ENOTTY,
	       "space fd: system ioctl check_extension");
	v = xio(fd, AXAS_CREATE_SPACE, &cs);
	if (v >= 0)
		close(v);
	expect(v, ENOTTY, "space fd: system ioctl create_space");
	for (i = 0; i < ARRAY_SIZE(space_bad); i++)
		EXPECT_NC(fd, xio(fd, space_bad[i].cmd, zero), ENOTTY,
			  "space fd: unknown ioctl %s", space_bad[i].name);
	for (i = 0; i < ARRAY_SIZE(space_ioctls); i++) {
		const struct space_ioctl *s = &space_ioctls[i];
		unsigned long bigger = _IOC(_IOC_DIR(s->cmd), AXAS_IOCTL_MAGIC,
					    _IOC_NR(s->cmd), s->size + 8);
		unsigned long nodir = _IOC(_IOC_NONE, AXAS_IOCTL_MAGIC,
					   _IOC_NR(s->cmd), 0);

		EXPECT_NC(fd, xio(fd, bigger, zero), ENOTTY,
			  "space fd: %s with size + 8", s->name);
		EXPECT_NC(fd, xio(fd, nodir, zero), ENOTTY,
			  "space fd: %s as _IO", s->name);
	}
	close(fd);
}

/* ---- create_space ---------------------------------------------------------------- */

static const struct {
	unsigned int format;
	unsigned int lo, hi;	/* valid widths */
} widths[] = {
	{ AXAS_FORMAT_EPT, 48, 48 }, { AXAS_FORMAT_EPT, 57, 57 },
	{ AXAS_FORMAT_ARM_S2, 32, 48 },
	{ AXAS_FORMAT_RISCV_GSTAGE, 41, 41 },
	{ AXAS_FORMAT_RISCV_GSTAGE, 50, 50 },
	{ AXAS_FORMAT_AMD_NPT, 48, 48 },
};

static void __printf(3, 4)
create_expect(struct axas_create_space cs, int want, const char *fmt, ...)
{
	char name[256];
	va_list ap;
	long fd;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	fd = xio(devfd, AXAS_CREATE_SPACE, &cs);
	if (fd >= 0)
		close(fd);
	expect(fd, want, "%s", name);
}

static bool check_empty_stats(int fd, unsigned int format, unsigned int bits,
			      u64 base, u64 size)
{
	struct axas_space_stats st, want = { 0 };
	unsigned int i;
	long ret;

	memset(&st, 0xa5, sizeof(st));
	ret = xio(fd, AXAS_GET_STATS, &st);
	if (ret) {
		note("get_stats: %s", retname(ret));
		return false;
	}
	want.table_pages = root_pages(format, bits);
	want.vmid = st.vmid;
	want.format = format;
	want.ia_bits = bits;
	want.base = base;
	want.size = size;
	if (!st.vmid)
		note("vmid 0 (never handed out)");
	for (i = 0; i < ARRAY_SIZE(st.reserved); i++)
		if (st.reserved[i])
			note("reserved[%u] = %#llx", i,
			     (unsigned long long)st.reserved[i]);
	if (st.reserved0)
		note("reserved0 = %#x", st.reserved0);
	if (!stats_equal(&st, &want)) {
		note_stats_diff(&want, &st);
		return false;
	}
	return st.vmid != 0;
}

static void sec_create(void)
{
	struct axas_create_space cs;
	unsigned int i, b, r;
	unsigned char *g;
	long fd, fl;

	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		for (b = widths[i].lo; b <= widths[i].hi; b++) {
			unsigned int f = widths[i].format;

			fd = mkspace(f, b, 0, 1ULL << b);
			if (fd < 0) {
				expect(fd, 0, "create_space: %s %u-bit, whole width",
				       fmt_name(f), b);
				continue;
			}
			check(check_empty_stats(fd, f, b, 0, 1ULL << b),
			      "create_space: %s %u-bit, whole width -> ok, empty stats, %u root page%s",
			      fmt_name(f), b, root_pages(f, b),
			      root_pages(f, b) == 1 ? "" : "s");
			close(fd);
		}
	}

	fd = mkspace(AXAS_FORMAT_EPT, 48, (1ULL << 48) - 2 * PAGE, 2 * PAGE);
	expect(fd, 0, "create_space: base 2^48 - 8K, size 8K (the top)");
	if (fd >= 0) {
		check(check_empty_stats(fd, AXAS_FORMAT_EPT, 48,
					(1ULL << 48) - 2 * PAGE, 2 * PAGE),
		      "create_space: stats report base and size");
		close(fd);
	}
	fd = mkspace(AXAS_FORMAT_ARM_S2, 32, GB(3), GB(1));
	expect(fd, 0, "create_space: arm-s2 32-bit, base 3G size 1G");
	if (fd >= 0)
		close(fd);
	fd = mkspace_flags(AXAS_FORMAT_EPT, 48, 0, GB(4), AXAS_SPACE_EPT_AD);
	expect(fd, 0, "create_space: ept with AXAS_SPACE_EPT_AD");
	if (fd >= 0)
		close(fd);

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	if (fd >= 0) {
		fl = fcntl(fd, F_GETFD);
		check(fl >= 0 && (fl & FD_CLOEXEC),
		      "create_space: the fd is O_CLOEXEC");
		fl = fcntl(fd, F_GETFL);
		check(fl >= 0 && (fl & O_ACCMODE) == O_RDWR,
		      "create_space: the fd is O_RDWR");
		close(fd);
	} else {
		expect(fd, 0, "create_space: ept 48-bit 1G");
	}

#define CS(f, b, ba, sz) ((struct axas_create_space){ .format = (f), \
	.ia_bits = (b), .base = (ba), .size = (sz) })
	create_expect(CS(4, 48, 0, GB(1)), EINVAL, "create_space: format 4");
	create_expect(CS(0x80000000u, 48, 0, GB(1)), EINVAL,
		      "create_space: format 0x80000000");
	create_expect(CS(~0u, 48, 0, GB(1)), EINVAL,
		      "create_space: format 0xffffffff");
	{
		static const unsigned int ept_bad[] = { 0, 32, 47, 49, 56, 58, 64, ~0u };
		static const unsigned int s2_bad[] = { 0, 31, 49, 64, ~0u };
		static const unsigned int gs_bad[] = { 0, 39, 40, 42, 48, 49, 51, 57, 64, ~0u };
		/* 4-level long-mode tables only: no 5-level nested paging. */
		static const unsigned int npt_bad[] = { 0, 32, 39, 47, 49, 52, 57, 64, ~0u };

		for (i = 0; i < ARRAY_SIZE(ept_bad); i++)
			create_expect(CS(AXAS_FORMAT_EPT, ept_bad[i], 0, GB(1)),
				      EINVAL, "create_space: ept ia_bits %u", ept_bad[i]);
		for (i = 0; i < ARRAY_SIZE(s2_bad); i++)
			create_expect(CS(AXAS_FORMAT_ARM_S2, s2_bad[i], 0, GB(1)),
				      EINVAL, "create_space: arm-s2 ia_bits %u", s2_bad[i]);
		for (i = 0; i < ARRAY_SIZE(gs_bad); i++)
			create_expect(CS(AXAS_FORMAT_RISCV_GSTAGE, gs_bad[i], 0, GB(1)),
				      EINVAL, "create_space: riscv-gstage ia_bits %u",
				      gs_bad[i]);
		for (i = 0; i < ARRAY_SIZE(npt_bad); i++)
			create_expect(CS(AXAS_FORMAT_AMD_NPT, npt_bad[i], 0, GB(1)),
				      EINVAL, "create_space: amd-npt ia_bits %u",
				      npt_bad[i]);
	}
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0x800, GB(1)), EINVAL,
		      "create_space: base misaligned (0x800)");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 1, GB(1)), EINVAL,
		      "create_space: base misaligned (1)");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0, GB(1) + 0x800), EINVAL,
		      "create_space: size misaligned (1G + 0x800)");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0, 1), EINVAL,
		      "create_space: size 1");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0, 0), EINVAL,
		      "create_space: size 0");
	create_expect(CS(AXAS_FORMAT_EPT, 48, GB(1), 0), EINVAL,
		      "create_space: size 0 at base 1G");
	/* Bit 1 is AXAS_SPACE_TEST_WRONG_LEAF, which test_hooks allows. */
	for (b = 2; b < 32; b++) {
		cs = CS(AXAS_FORMAT_EPT, 48, 0, GB(1));
		cs.flags = 1U << b;
		create_expect(cs, EINVAL, "create_space: undefined flag bit %u", b);
	}
	cs = CS(AXAS_FORMAT_ARM_S2, 40, 0, GB(1));
	cs.flags = AXAS_SPACE_EPT_AD;
	create_expect(cs, EINVAL, "create_space: EPT_AD on arm-s2");
	cs = CS(AXAS_FORMAT_RISCV_GSTAGE, 41, 0, GB(1));
	cs.flags = AXAS_SPACE_EPT_AD;
	create_expect(cs, EINVAL, "create_space: EPT_AD on riscv-gstage");
	cs = CS(AXAS_FORMAT_AMD_NPT, 48, 0, GB(1));
	cs.flags = AXAS_SPACE_EPT_AD;
	create_expect(cs, EINVAL, "create_space: EPT_AD on amd-npt");
	cs = CS(AXAS_FORMAT_EPT, 48, 0, GB(1));
	cs.flags = AXAS_SPACE_TEST_WRONG_LEAF;
	create_expect(cs, xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_TEST_HOOKS) == 1 ?
		      0 : EPERM, "create_space: TEST_WRONG_LEAF on ept: 0 (test_hooks) or EPERM");
	for (r = 0; r < ARRAY_SIZE(cs.reserved); r++) {
		cs = CS(AXAS_FORMAT_EPT, 48, 0, GB(1));
		cs.reserved[r] = 1;
		create_expect(cs, EINVAL, "create_space: reserved[%u] = 1", r);
		cs.reserved[r] = 0x80000000u;
		create_expect(cs, EINVAL, "create_space: reserved[%u] = 0x80000000", r);
		cs.reserved[r] = 0;
		each_bit(&(struct fieldcase){ .fd = devfd, .space = -1,
			 .req = AXAS_CREATE_SPACE, .tmpl = &cs, .size = sizeof(cs),
			 .off = offsetof(struct axas_create_space, reserved[r]),
			 .width = 4 }, "create_space: reserved[%u]", r);
	}
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0, (1ULL << 48) + PAGE), ERANGE,
		      "create_space: ept 48-bit size 2^48 + 4K");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 1ULL << 48, PAGE), ERANGE,
		      "create_space: ept 48-bit base 2^48");
	create_expect(CS(AXAS_FORMAT_EPT, 48, (1ULL << 48) - PAGE, 2 * PAGE),
		      ERANGE, "create_space: ept 48-bit base 2^48 - 4K size 8K");
	create_expect(CS(AXAS_FORMAT_EPT, 57, 0, (1ULL << 57) + PAGE), ERANGE,
		      "create_space: ept 57-bit size 2^57 + 4K");
	create_expect(CS(AXAS_FORMAT_ARM_S2, 32, 0, GB(4) + PAGE), ERANGE,
		      "create_space: arm-s2 32-bit size 4G + 4K");
	create_expect(CS(AXAS_FORMAT_ARM_S2, 40, GB(1024), PAGE), ERANGE,
		      "create_space: arm-s2 40-bit base 2^40");
	create_expect(CS(AXAS_FORMAT_RISCV_GSTAGE, 41, 1ULL << 41, PAGE), ERANGE,
		      "create_space: riscv-gstage 41-bit base 2^41");
	create_expect(CS(AXAS_FORMAT_RISCV_GSTAGE, 50, 0, (1ULL << 50) + PAGE),
		      ERANGE, "create_space: riscv-gstage 50-bit size 2^50 + 4K");
	create_expect(CS(AXAS_FORMAT_EPT, 48, ~0ULL - PAGE + 1, 2 * PAGE),
		      ERANGE, "create_space: base + size wraps 2^64");
	create_expect(CS(AXAS_FORMAT_EPT, 48, PAGE, ~0ULL - PAGE + 1), ERANGE,
		      "create_space: base 4K size 2^64 - 4K (wraps to 0)");
	create_expect(CS(AXAS_FORMAT_EPT, 48, 0, ~0ULL - PAGE + 1), ERANGE,
		      "create_space: size 2^64 - 4K");
#undef CS

	expect(xio(devfd, AXAS_CREATE_SPACE, NULL), EFAULT,
	       "create_space: arg NULL");
	expect(xio(devfd, AXAS_CREATE_SPACE, (void *)KERNEL_ADDR), EFAULT,
	       "create_space: arg kernel address");
	expect(xio(devfd, AXAS_CREATE_SPACE, (void *)-1L), EFAULT,
	       "create_space: arg -1");
	expect(xio(devfd, AXAS_CREATE_SPACE, (void *)UNMAPPED_ADDR), EFAULT,
	       "create_space: arg in an unmapped page");
	g = guard_page();
	expect(xio(devfd, AXAS_CREATE_SPACE, g + PAGE), EFAULT,
	       "create_space: arg in a PROT_NONE page");
	memset(g, 0, PAGE);
	expect(xio(devfd, AXAS_CREATE_SPACE, g + PAGE - 16), EFAULT,
	       "create_space: arg straddles into a PROT_NONE page");
	munmap(g, 2 * PAGE);
}

/* ---- bad argument pointers on the space fd ------------------------------------- */

static void sec_badptr(void)
{
	unsigned char *g = guard_page(), *ro;
	struct axas_range *rr;
	unsigned int i, p;
	long fd;

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(4));
	if (fd < 0) {
		expect(fd, 0, "bad pointers: create_space");
		return;
	}
	expect(map_alloc(fd, 0, 4 * PAGE, R | W | POPULATE), 0,
	       "bad pointers: map_alloc populate 16K at 0");
	for (i = 0; i < ARRAY_SIZE(space_ioctls); i++) {
		const struct space_ioctl *s = &space_ioctls[i];
		struct {
			const char *name;
			void *p;
		} ptrs[] = {
			{ "NULL", NULL },
			{ "kernel address", (void *)KERNEL_ADDR },
			{ "-1", (void *)-1L },
			{ "in an unmapped page", (void *)UNMAPPED_ADDR },
			{ "in a PROT_NONE page", g + PAGE },
			{ "straddling into a PROT_NONE page", g + PAGE - s->size / 2 },
		};

		if (s->cmd == AXAS_DUMP && !priv) {
			skip(DUMP_ORDER_REASON, "dump: bad argument pointers");
			continue;
		}
		for (p = 0; p < ARRAY_SIZE(ptrs); p++) {
			memset(g, 0, PAGE);
			EXPECT_NC(fd, xio(fd, s->cmd, ptrs[p].p), EFAULT,
				  "%s: arg %s", s->name, ptrs[p].name);
		}
	}

	/* Out arguments in read-only memory. */
	ro = map_mem(PAGE, PROT_READ);
	EXPECT_NC(fd, xio(fd, AXAS_GET_STATS, ro), EFAULT,
		  "get_stats: arg in a read-only page");
	/* guest_addr 0 (the page is zero) is mapped: the answer is written. */
	EXPECT_NC(fd, xio(fd, AXAS_TRANSLATE, ro), EFAULT,
		  "translate: arg in a read-only page");
	if (priv)
		EXPECT_NC(fd, xio(fd, AXAS_DUMP, ro), EFAULT,
			  "dump: arg in a read-only page (the struct is written back)");
	else
		skip(priv_reason, "dump: arg in a read-only page");
	munmap(ro, PAGE);

	/* In arguments only need to be readable. */
	ro = map_mem(PAGE, PROT_READ | PROT_WRITE);
	rr = (struct axas_range *)ro;
	rr->guest_addr = MB(1);
	rr->size = PAGE;
	rr->flags = R | W | POPULATE;
	mprotect(ro, PAGE, PROT_READ);
	expect(xio(fd, AXAS_MAP_ALLOC, ro), 0,
	       "map_alloc: arg in a read-only page");
	munmap(ro, PAGE);
	munmap(g, 2 * PAGE);
	close(fd);
}

/* ---- the common range rules ---------------------------------------------------------- */

enum rcall { RC_ALLOC, RC_LINEAR, RC_REGION, RC_UNMAP, RC_PROTECT, RC_NR };

static const char *const rc_name[RC_NR] = {
	"map_alloc", "map_linear", "set_user_region", "unmap", "protect",
};

static const u32 rc_allowed[RC_NR] = {
	[RC_ALLOC] = R | W | X | NOBLOCK | POPULATE,
	[RC_LINEAR] = R | W | X | DEV | NOBLOCK,
	[RC_REGION] = R | W | X | NOBLOCK,
	[RC_UNMAP] = 0,
	[RC_PROTECT] = R | W | X,
};

struct rargs {
	u64 gpa;
	u64 size;
	u64 host;	/* host_addr, or user_addr for set_user_region */
	u32 flags;
	u32 res[3];
};

static long rcall(int fd, enum rcall c, const struct rargs *a)
{
	static const unsigned long req[RC_NR] = {
		AXAS_MAP_ALLOC, AXAS_MAP_LINEAR, AXAS_SET_USER_REGION,
		AXAS_UNMAP, AXAS_PROTECT,
	};
	struct axas_user_region ur;
	struct axas_range r;

	if (c == RC_REGION) {
		memset(&ur, 0, sizeof(ur));
		ur.guest_addr = a->gpa;
		ur.size = a->size;
		ur.user_addr = a->host;
		ur.flags = a->flags;
		memcpy(ur.reserved, a->res, sizeof(ur.reserved));
		return xio(fd, req[c], &ur);
	}
	memset(&r, 0, sizeof(r));
	r.guest_addr = a->gpa;
	r.size = a->size;
	r.host_addr = a->host;
	r.flags = a->flags;
	r.reserved = a->res[0];
	return xio(fd, req[c], &r);
}

static const char *flag_name(unsigned int bit)
{
	static char buf[16];

	switch (1U << bit) {
	case R:
		return "0 (READ)";
	case W:
		return "1 (WRITE)";
	case X:
		return "2 (EXEC)";
	case DEV:
		return "3 (DEVICE)";
	case NOBLOCK:
		return "8 (NOBLOCK)";
	case POPULATE:
		return "9 (POPULATE)";
	}
	snprintf(buf, sizeof(buf), "%u", bit);
	return buf;
}

#define RS_BASE		MB(1)		/* the space: [1M, 1G + 1M) */
#define RS_SIZE		GB(1)
#define RS_END		(RS_BASE + RS_SIZE)
#define RS_A		(RS_BASE + MB(2))	/* area A: [A, A + 2M), lazy */
#define RS_A_END	(RS_A + MB(2))
#define RS_FREE		(RS_BASE + MB(8))	/* nothing mapped there */

static void range_rules_one(int fd, enum rcall c, unsigned char *ubuf)
{
	static const char *const res_name[3] = { "[0]", "[1]", "[2]" };
	const char *n = rc_name[c];
	bool maps = c == RC_ALLOC || c == RC_LINEAR || c == RC_REGION;
	u32 base_flags = c == RC_UNMAP ? 0 : c == RC_PROTECT ? R : R | W;
	struct rargs ok, a;
	unsigned int b, i;

	/* A call that would succeed: a free range to map, or A to change. */
	memset(&ok, 0, sizeof(ok));
	ok.gpa = maps ? RS_FREE : RS_A;
	ok.size = maps ? PAGE : MB(2);
	ok.flags = base_flags;
	if (c == RC_LINEAR)
		ok.host = LIN_HPA;
	if (c == RC_REGION)
		ok.host = (uintptr_t)ubuf;

#define TRY(want, ...) EXPECT_NC(fd, rcall(fd, c, &a), want, __VA_ARGS__)
	a = ok; a.gpa += 0x800;
	TRY(EINVAL, "%s: guest_addr misaligned (+0x800)", n);
	a = ok; a.gpa += 1;
	TRY(EINVAL, "%s: guest_addr misaligned (+1)", n);
	a = ok; a.size = PAGE + 0x800;
	TRY(EINVAL, "%s: size misaligned (4K + 0x800)", n);
	a = ok; a.size = 1;
	TRY(EINVAL, "%s: size 1", n);
	a = ok; a.size = 0;
	TRY(EINVAL, "%s: size 0", n);
	a = ok; a.gpa = 0; a.size = PAGE;
	TRY(ERANGE, "%s: below the space (0, space at 1M)", n);
	a = ok; a.gpa = RS_BASE - PAGE; a.size = 2 * PAGE;
	TRY(ERANGE, "%s: straddles the space's base", n);
	a = ok; a.gpa = RS_END - PAGE; a.size = 2 * PAGE;
	TRY(ERANGE, "%s: straddles the space's end", n);
	a = ok; a.gpa = RS_END; a.size = PAGE;
	TRY(ERANGE, "%s: at the space's end", n);
	a = ok; a.gpa = ~0ULL - PAGE + 1; a.size = 2 * PAGE;
	TRY(ERANGE, "%s: guest_addr + size wraps 2^64", n);
	a = ok; a.gpa = ~0ULL - PAGE + 1; a.size = PAGE;
	TRY(ERANGE, "%s: guest_addr 2^64 - 4K", n);
	a = ok; a.size = ~0ULL - PAGE + 1;
	TRY(ERANGE, "%s: size 2^64 - 4K (huge, wraps)", n);
	a = ok; a.size = 1ULL << 63;
	TRY(ERANGE, "%s: size 2^63", n);
	a = ok; a.size = RS_SIZE + PAGE; a.gpa = RS_BASE;
	TRY(ERANGE, "%s: size of the space + 4K", n);

	/* Flags. */
	if (c == RC_UNMAP) {
		for (b = 0; b < 32; b++) {
			a = ok; a.flags = 1U << b;
			TRY(EINVAL, "%s: flag bit %s", n, flag_name(b));
		}
	} else {
		a = ok; a.flags = W;
		TRY(EINVAL, "%s: WRITE without READ", n);
		a = ok; a.flags = 0;
		TRY(EINVAL, "%s: flags 0 (no READ)", n);
		for (b = 0; b < 32; b++) {
			if (rc_allowed[c] & (1U << b))
				continue;
			a = ok; a.flags = base_flags | (1U << b);
			TRY(EINVAL, "%s: undefined flag bit %s", n, flag_name(b));
		}
	}
	/* Reserved fields. */
	for (i = 0; i < (c == RC_REGION ? 3U : 1U); i++) {
		struct axas_user_region ur = {
			.guest_addr = ok.gpa, .size = ok.size, .user_addr = ok.host,
			.flags = ok.flags,
		};
		struct axas_range rr = {
			.guest_addr = ok.gpa, .size = ok.size, .host_addr = ok.host,
			.flags = ok.flags,
		};
		static const unsigned long req[RC_NR] = {
			AXAS_MAP_ALLOC, AXAS_MAP_LINEAR, AXAS_SET_USER_REGION,
			AXAS_UNMAP, AXAS_PROTECT,
		};

		each_bit(&(struct fieldcase){ .fd = fd, .space = fd, .req = req[c],
			 .tmpl = c == RC_REGION ? (const void *)&ur : (const void *)&rr,
			 .size = c == RC_REGION ? sizeof(ur) : sizeof(rr),
			 .off = c == RC_REGION ?
				offsetof(struct axas_user_region, reserved) + 4 * i :
				offsetof(struct axas_range, reserved),
			 .width = 4 }, "%s: reserved%s", n,
			 c == RC_REGION ? res_name[i] : "");
		a = ok; a.res[i] = 1;
		TRY(EINVAL, "%s: reserved%s = 1", n,
		    c == RC_REGION ? res_name[i] : "");
		a = ok; a.res[i] = 0x80000000u;
		TRY(EINVAL, "%s: reserved%s = 0x80000000", n,
		    c == RC_REGION ? res_name[i] : "");
	}
	if (c == RC_ALLOC || c == RC_UNMAP || c == RC_PROTECT) {
		a = ok; a.host = PAGE;
		TRY(EINVAL, "%s: host_addr not 0 (4K)", n);
		a = ok; a.host = 1ULL << 63;
		TRY(EINVAL, "%s: host_addr not 0 (2^63)", n);
	}

	if (maps) {
		/* Overlaps with A. */
		a = ok; a.gpa = RS_A; a.size = MB(2);
		TRY(EEXIST, "%s: the same range as a lazy area", n);
		a = ok; a.gpa = RS_A - MB(1); a.size = MB(2);
		TRY(EEXIST, "%s: overlaps the head of an area", n);
		a = ok; a.gpa = RS_A + MB(1); a.size = MB(2);
		TRY(EEXIST, "%s: overlaps the tail of an area", n);
		a = ok; a.gpa = RS_A - MB(1); a.size = MB(4);
		TRY(EEXIST, "%s: contains an area", n);
		a = ok; a.gpa = RS_A + PAGE; a.size = PAGE;
		TRY(EEXIST, "%s: inside an area", n);
		a = ok; a.gpa = RS_A_END - PAGE; a.size = PAGE;
		TRY(EEXIST, "%s: the last page of an area", n);
		/* Right next to it, and the valid call itself. */
		a = ok; a.gpa = RS_A_END; a.size = PAGE;
		expect(rcall(fd, c, &a), 0, "%s: adjacent to an area", n);
		expect(unmap(fd, RS_A_END, PAGE), 0, "%s: unmap it", n);
		a = ok; a.gpa = RS_A - PAGE; a.size = PAGE;
		expect(rcall(fd, c, &a), 0, "%s: adjacent below an area", n);
		expect(unmap(fd, RS_A - PAGE, PAGE), 0, "%s: unmap it", n);
		a = ok; a.gpa = RS_END - PAGE;
		expect(rcall(fd, c, &a), 0, "%s: the last page of the space", n);
		expect(unmap(fd, RS_END - PAGE, PAGE), 0, "%s: unmap it", n);
		a = ok; a.gpa = RS_BASE;
		expect(rcall(fd, c, &a), 0, "%s: the first page of the space", n);
		expect(unmap(fd, RS_BASE, PAGE), 0, "%s: unmap it", n);
	} else {
		/* Ranges not wholly mapped. */
		a = ok; a.gpa = RS_FREE; a.size = PAGE;
		TRY(ENOENT, "%s: nothing mapped there", n);
		a = ok; a.gpa = RS_A - PAGE; a.size = 2 * PAGE;
		TRY(ENOENT, "%s: starts before an area", n);
		a = ok; a.gpa = RS_A_END - PAGE; a.size = 2 * PAGE;
		TRY(ENOENT, "%s: ends after an area", n);
		a = ok; a.gpa = RS_A - PAGE; a.size = MB(2) + 2 * PAGE;
		TRY(ENOENT, "%s: contains an area", n);
		/* Two areas with a hole between them. */
		expect(map_alloc(fd, RS_A_END + PAGE, PAGE, R), 0,
		       "%s: map_alloc a second area past a 4K hole", n);
		a = ok; a.gpa = RS_A_END - PAGE; a.size = 3 * PAGE;
		TRY(ENOENT, "%s: spans the hole between two areas", n);
		a = ok; a.gpa = RS_A; a.size = MB(2) + 2 * PAGE;
		TRY(ENOENT, "%s: both areas and the hole", n);
		expect(unmap(fd, RS_A_END + PAGE, PAGE), 0, "%s: unmap the second area", n);
		if (c == RC_PROTECT) {
			/* The failed PROTECT r above must have left A writable. */
			expect(fault(fd, RS_A + MB(2) - PAGE, W), 0,
			       "protect: the failed calls left A's permissions alone (write fault)");
			expect(unmap(fd, RS_A, MB(2)), 0, "protect: unmap A");
			expect(map_alloc(fd, RS_A, MB(2), R | W), 0, "protect: map A again");
		}
		a = ok;
		expect(rcall(fd, c, &a), 0, "%s: the whole of an area", n);
		if (c == RC_UNMAP)
			expect(map_alloc(fd, RS_A, MB(2), R | W), 0,
			       "unmap: map A again");
	}
#undef TRY
}

static void sec_range(void)
{
	unsigned char *ubuf, *g, *ro, *none;
	int c;
	long fd, fd2;

	fd = mkspace(AXAS_FORMAT_EPT, 48, RS_BASE, RS_SIZE);
	if (fd < 0) {
		expect(fd, 0, "range rules: create_space");
		return;
	}
	ubuf = user_mem(MB(4));
	expect(map_alloc(fd, RS_A, MB(2), R | W), 0,
	       "range rules: map_alloc lazy area A (2M)");
	for (c = 0; c < RC_NR; c++) {
		if (c == RC_LINEAR && !priv) {
			skip(priv_reason, "map_linear: range rules (EPERM comes first)");
			continue;
		}
		range_rules_one(fd, c, ubuf);
	}

	/* MAP_LINEAR's own checks on host_addr. */
	if (priv) {
		EXPECT_NC(fd, map_linear(fd, RS_FREE, LIN_HPA + 0x800, PAGE, R), EINVAL,
			  "map_linear: host_addr misaligned (+0x800)");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, LIN_HPA + 1, PAGE, R), EINVAL,
			  "map_linear: host_addr misaligned (+1)");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, ~0ULL - PAGE + 1, 2 * PAGE, R),
			  ERANGE, "map_linear: host_addr + size wraps 2^64");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, ~0ULL - PAGE + 1, PAGE, R),
			  ERANGE, "map_linear: host_addr 2^64 - 4K");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, 1ULL << 52, PAGE, R), ERANGE,
			  "map_linear: host_addr 2^52 (beyond the physical width)");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, 1ULL << 56, PAGE, R), ERANGE,
			  "map_linear: host_addr 2^56");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, 1ULL << 63, PAGE, R), ERANGE,
			  "map_linear: host_addr 2^63");
		EXPECT_NC(fd, map_linear(fd, RS_FREE, (1ULL << 52) - PAGE, 2 * PAGE, R),
			  ERANGE, "map_linear: host range crosses 2^52");
		expect(map_linear(fd, RS_FREE, LIN_HPA, PAGE, R | DEV), 0,
		       "map_linear: DEVICE");
		expect(unmap(fd, RS_FREE, PAGE), 0, "map_linear: unmap it");
		expect(map_linear(fd, RS_FREE, LIN_HPA, MB(2), R | W | X | NOBLOCK), 0,
		       "map_linear: NOBLOCK, R W X");
		expect(unmap(fd, RS_FREE, MB(2)), 0, "map_linear: unmap it");
	} else {
		skip(priv_reason, "map_linear: host_addr checks");
	}

	/* SET_USER_REGION's own checks on user_addr. */
#define UREG(ua, sz, fl) region(fd, RS_FREE, (sz), (const void *)(uintptr_t)(ua), (fl))
	EXPECT_NC(fd, UREG((uintptr_t)ubuf + 0x800, PAGE, R | W), EINVAL,
		  "set_user_region: user_addr misaligned (+0x800)");
	EXPECT_NC(fd, UREG((uintptr_t)ubuf + 8, PAGE, R | W), EINVAL,
		  "set_user_region: user_addr misaligned (+8)");
	EXPECT_NC(fd, UREG(~0ULL - PAGE + 1, 2 * PAGE, R | W), EFAULT,
		  "set_user_region: user_addr + size wraps 2^64");
	EXPECT_NC(fd, UREG(KERNEL_ADDR, PAGE, R | W), EFAULT,
		  "set_user_region: user_addr is a kernel address");
	EXPECT_NC(fd, UREG(KERNEL_ADDR, PAGE, R), EFAULT,
		  "set_user_region: user_addr is a kernel address, read-only");
	EXPECT_NC(fd, UREG(0, PAGE, R | W), EFAULT, "set_user_region: user_addr NULL");
	EXPECT_NC(fd, UREG(UNMAPPED_ADDR, PAGE, R | W), EFAULT,
		  "set_user_region: user_addr unmapped");
	EXPECT_NC(fd, UREG(UNMAPPED_ADDR, PAGE, R), EFAULT,
		  "set_user_region: user_addr unmapped, read-only");
	g = guard_page();
	EXPECT_NC(fd, UREG(g + PAGE, PAGE, R | W), EFAULT,
		  "set_user_region: user_addr PROT_NONE");
	EXPECT_NC(fd, UREG(g, 2 * PAGE, R | W), EFAULT,
		  "set_user_region: second page PROT_NONE (nothing stays pinned)");
	EXPECT_NC(fd, UREG(g, 2 * PAGE, R), EFAULT,
		  "set_user_region: read-only, second page PROT_NONE");
	munmap(g, 2 * PAGE);
	none = map_mem(4 * PAGE, PROT_NONE);
	EXPECT_NC(fd, UREG(none, 4 * PAGE, R | W), EFAULT,
		  "set_user_region: PROT_NONE memory");
	munmap(none, 4 * PAGE);
	ro = map_mem(4 * PAGE, PROT_READ);
	EXPECT_NC(fd, UREG(ro, 4 * PAGE, R | W), EFAULT,
		  "set_user_region: WRITE on read-only memory");
#undef UREG
	expect(region(fd, RS_FREE, 4 * PAGE, ro, R), 0,
	       "set_user_region: read-only memory without WRITE");
	expect(unmap(fd, RS_FREE, 4 * PAGE), 0, "set_user_region: unmap it");
	munmap(ro, 4 * PAGE);
	/*
	 * Huge regions over little memory: 1 GiB reserved PROT_NONE with
	 * its first 4 MiB usable, and 1 TiB, which may also be refused for
	 * its size (-ENOMEM) before any page is looked at.
	 */
	fd2 = mkspace(AXAS_FORMAT_EPT, 48, 0, 1ULL << 47);
	if (fd2 >= 0) {
		unsigned char *res = map_mem(GB(1), PROT_NONE);
		long r1;

		mprotect(res, MB(4), PROT_READ | PROT_WRITE);
		memset(res, 1, MB(4));
		/*
		 * RLIMIT_MEMLOCK is checked before the pages are looked at
		 * (Documentation/axaddrspace-uapi.rst): a caller it binds
		 * gets -ENOMEM for this size.
		 */
		EXPECT_NC(fd2, region(fd2, 0, GB(1), res, R | W),
			  memlock_binds(GB(1)) ? ENOMEM : EFAULT,
			  "set_user_region: 1 GiB, only its first 4 MiB mapped");
		EXPECT_NC(fd2, region(fd2, 0, GB(1), res, R),
			  memlock_binds(GB(1)) ? ENOMEM : EFAULT,
			  "set_user_region: 1 GiB read-only, only its first 4 MiB mapped");
		munmap(res, GB(1));
		{
			struct snap s0;

			take_snap(fd2, &s0);
			r1 = region(fd2, 0, 1ULL << 40, ubuf, R | W);
			if (r1 == -ENOMEM)
				note("refused for its size: -ENOMEM");
			expect_same(fd2, &s0, r1 == -ENOMEM ? -EFAULT : r1, EFAULT,
				    "set_user_region: 1 TiB over 4 MiB of memory (or ENOMEM)");
		}
		close(fd2);
	} else {
		expect(fd2, 0, "set_user_region: create a 2^47 space");
	}
	munmap(ubuf, MB(4));
	close(fd);
}

/* ---- the flat model ---------------------------------------------------------------- */

struct marea {
	u64 gpa;
	u64 size;
	u64 hpa;	/* linear: host address of gpa */
	u32 flags;	/* R W X DEVICE */
	bool linear;
	bool lazy;
};

struct model {
	struct marea a[64];
	unsigned int n;
	u64 data, pinned, m4k, m2m, m1g, faults, spurious;
};

static void model_add(struct model *m, u64 gpa, u64 size, u32 flags, u64 hpa,
		      bool linear, bool lazy)
{
	struct marea *a;

	if (m->n >= ARRAY_SIZE(m->a))
		return;
	a = &m->a[m->n++];
	a->gpa = gpa;
	a->size = size;
	a->flags = flags & (R | W | X | DEV);
	a->hpa = hpa;
	a->linear = linear;
	a->lazy = lazy;
}

static void model_split(struct model *m, u64 at)
{
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		struct marea *a = &m->a[i];

		if (at > a->gpa && at < a->gpa + a->size &&
		    m->n < ARRAY_SIZE(m->a)) {
			struct marea *b = &m->a[m->n++];

			*b = *a;
			b->gpa = at;
			b->size = a->gpa + a->size - at;
			b->hpa = a->hpa + (at - a->gpa);
			a->size = at - a->gpa;
			return;
		}
	}
}

static void model_change(struct model *m, u64 gpa, u64 size, bool remove,
			 u32 flags)
{
	unsigned int i;

	model_split(m, gpa);
	model_split(m, gpa + size);
	for (i = 0; i < m->n; i++) {
		struct marea *a = &m->a[i];

		if (a->gpa < gpa || a->gpa + a->size > gpa + size)
			continue;
		if (remove) {
			*a = m->a[--m->n];
			i--;
		} else {
			a->flags = (a->flags & DEV) | flags;
		}
	}
}

static const struct marea *model_find(const struct model *m, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (gpa >= m->a[i].gpa && gpa < m->a[i].gpa + m->a[i].size)
			return &m->a[i];
	return NULL;
}

/* A statistic against the model; @ok becomes false when they differ. */
static void stat_is(bool *ok, const char *name, u64 got, u64 want)
{
	if (got == want)
		return;
	*ok = false;
	note("stats.%s = %llu, the model says %llu", name,
	     (unsigned long long)got, (unsigned long long)want);
}

static void check_model(int fd, const struct model *m, const char *tag,
			const char *what)
{
	struct axas_space_stats st;
	bool ok = true;
	long ret;

	ret = get_stats(fd, &st);
	if (ret) {
		note("get_stats: %s", retname(ret));
		ok = false;
	}
#define CMP(field, want) stat_is(&ok, #field, st.field, want)
	CMP(data_pages, m->data);
	CMP(pinned_pages, m->pinned);
	CMP(mapped_4k, m->m4k);
	CMP(mapped_2m, m->m2m);
	CMP(mapped_1g, m->m1g);
	CMP(faults, m->faults);
	CMP(spurious_faults, m->spurious);
#undef CMP
	check(ok, "%s: stats exact after %s", tag, what);
}

/* Pages of an area to look at: all of a small one, 4096 of a big one. */
static u64 sample_step(u64 size)
{
	u64 step = PAGE;

	while (size / step > 4096)
		step <<= 1;
	return step;
}

/* A page where TRANSLATE and the model disagree. */
static void note_xlate_model(u64 gpa, const struct axas_xlate *x,
			     const struct marea *a)
{
	note("translate %#llx: host %#llx leaf %#llx flags %#x; model flags %#x host %#llx",
	     (unsigned long long)gpa, (unsigned long long)x->host_addr,
	     (unsigned long long)x->leaf_size, x->flags, a->flags,
	     (unsigned long long)(a->linear ? a->hpa + (gpa - a->gpa) : 0));
}

static void check_translate_model(int fd, const struct model *m,
				  const char *tag)
{
	unsigned long pages = 0, bad = 0;
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		const struct marea *a = &m->a[i];
		u64 step = sample_step(a->size), off;

		for (off = 0; off < a->size; off += step) {
			u64 gpa = a->gpa + off + (off ? 0 : 0x123);
			struct axas_xlate x;
			long ret = translate(fd, gpa, &x);

			pages++;
			if (ret == -ENOENT && a->lazy)
				continue;
			if (ret) {
				if (bad++ < 5)
					note("translate %#llx: %s", (unsigned long long)gpa,
					     retname(ret));
				continue;
			}
			if (x.flags != a->flags ||
			    (x.leaf_size != PAGE && x.leaf_size != MB(2) &&
			     x.leaf_size != GB(1)) ||
			    (a->linear && priv && x.host_addr != a->hpa + (gpa - a->gpa)) ||
			    (!priv && x.host_addr) || (priv && !x.host_addr) ||
			    (priv && (x.host_addr & (PAGE - 1)) != (gpa & (PAGE - 1)))) {
				if (bad++ < 5)
					note_xlate_model(gpa, &x, a);
			}
		}
	}
	check(!bad, "%s: TRANSLATE agrees with the model (%lu pages%s)", tag,
	      pages, priv ? ", host addresses included" : ", host address 0 without CAP_SYS_ADMIN");
}

/* ---- AXAS_DUMP against TRANSLATE, the statistics and the model ------------------- */

struct leafcount {
	const struct model *m;
	u64 bytes[AXD_MAX_LEVELS];
	unsigned long outside;
	unsigned long bad;
};

static int count_leaf(void *arg, const struct axd_entry *e, unsigned int depth)
{
	struct leafcount *lc = arg;

	(void)depth;
	if (e->kind == AXD_BAD) {
		if (lc->bad++ < 5)
			note("malformed entry gpa %#llx level %u raw %#llx: %s",
			     (unsigned long long)e->gpa, e->level,
			     (unsigned long long)e->raw, e->why);
		return 0;
	}
	if (e->kind != AXD_LEAF)
		return 0;
	lc->bytes[e->level] += e->size;
	if (lc->m) {
		const struct marea *a = model_find(lc->m, e->gpa);

		if (!a || e->gpa + e->size > a->gpa + a->size) {
			/* A block may span areas that were mapped apart. */
			const struct marea *b = model_find(lc->m, e->gpa + e->size - 1);

			if (!a || !b) {
				if (lc->outside++ < 5)
					note("leaf at %#llx size %#llx outside what was mapped",
					     (unsigned long long)e->gpa,
					     (unsigned long long)e->size);
			}
		}
	}
	return 0;
}

/* A page where TRANSLATE and the decoded AXAS_DUMP disagree. */
static void note_xlate_dump(u64 gpa, long r1, const struct axas_xlate *x,
			    int r2, const struct axd_entry *e)
{
	note("gpa %#llx: TRANSLATE %s host %#llx leaf %#llx flags %#x; "
	     "decoder %s pa %#llx leaf %#llx flags %#x",
	     (unsigned long long)gpa, retname(r1),
	     (unsigned long long)x->host_addr,
	     (unsigned long long)x->leaf_size, x->flags, axd_errname(-r2),
	     (unsigned long long)(e->pa + (gpa - e->gpa)),
	     (unsigned long long)e->size, e->flags);
}

static void check_dump(int fd, const struct model *m, unsigned int format,
		       unsigned int bits, bool ad, const char *tag)
{
	struct axas_space_stats st;
	struct leafcount lc = { .m = m };
	struct axas_dump d;
	struct axd_dump dd;
	unsigned long pages = 0, bad = 0;
	u64 tpages = 0;
	unsigned int i;
	void *buf;
	long ret;

	if (!priv) {
		skip(priv_reason, "%s: AXAS_DUMP decodes and agrees with TRANSLATE", tag);
		return;
	}
	ret = dump(fd, &d, &buf);
	if (ret) {
		expect(ret, 0, "%s: dump", tag);
		free(buf);
		return;
	}
	get_stats(fd, &st);
	if (axd_parse(&dd, format, bits, &d, buf)) {
		note("%s", dd.err);
		check(false, "%s: dump: root register and records parse", tag);
		axd_free(&dd);
		free(buf);
		return;
	}
	check(true, "%s: dump: root register and records parse (%u tables)", tag,
	      dd.nr);
	/* The root register. */
	{
		bool ok = dd.root.phys == dd.tables[0].phys;

		if (format == AXAS_FORMAT_EPT) {
			ok &= dd.root.memtype == 6 && dd.root.ad == ad;
			if (dd.root.memtype != 6 || dd.root.ad != ad)
				note("EPTP memory type %u A/D %d", dd.root.memtype,
				     dd.root.ad);
		} else if (format == AXAS_FORMAT_AMD_NPT) {
			/* nCR3 is the PML4 address alone, walked WB. */
			ok &= dd.root.phys == dd.root_reg;
			if (dd.root.phys != dd.root_reg)
				note("nCR3 %#llx has bits besides the address",
				     (unsigned long long)dd.root_reg);
		} else if (dd.root.vmid != st.vmid) {
			note("root register VMID %u, stats.vmid %u", dd.root.vmid,
			     st.vmid);
			ok = false;
		}
		note("%s", dd.root.desc);
		check(ok, "%s: dump: root register points at the first record%s",
		      tag, format == AXAS_FORMAT_EPT ? " (WB, walk length, A/D)" :
		      format == AXAS_FORMAT_AMD_NPT ? " (WB, no ASID in nCR3)" :
		      " with the space's VMID");
	}
	for (i = 0; i < dd.nr; i++)
		tpages += (dd.tables[i].bytes + PAGE - 1) / PAGE;
	if (tpages != st.table_pages || d.nr_tables != dd.nr)
		note("records hold %llu pages, stats.table_pages %llu; nr_tables %u",
		     (unsigned long long)tpages,
		     (unsigned long long)st.table_pages, d.nr_tables);
	check(tpages == st.table_pages,
	      "%s: dump: table pages == stats.table_pages (%llu)", tag,
	      (unsigned long long)st.table_pages);
	ret = axd_walk(&dd, count_leaf, &lc);
	if (ret)
		note("%s", dd.err);
	check(!ret && !lc.bad && !lc.outside,
	      "%s: dump: every table reached once, entries well-formed, leaves inside mapped areas",
	      tag);
	if (lc.bytes[0] != st.mapped_4k || lc.bytes[1] != st.mapped_2m ||
	    lc.bytes[2] != st.mapped_1g)
		note("decoded 4K %#llx 2M %#llx 1G %#llx; stats %#llx %#llx %#llx",
		     (unsigned long long)lc.bytes[0], (unsigned long long)lc.bytes[1],
		     (unsigned long long)lc.bytes[2],
		     (unsigned long long)st.mapped_4k,
		     (unsigned long long)st.mapped_2m,
		     (unsigned long long)st.mapped_1g);
	check(lc.bytes[0] == st.mapped_4k && lc.bytes[1] == st.mapped_2m &&
	      lc.bytes[2] == st.mapped_1g,
	      "%s: dump: decoded leaf bytes per size == stats.mapped_4k/2m/1g", tag);
	for (i = 0; m && i < m->n; i++) {
		const struct marea *a = &m->a[i];
		u64 step = sample_step(a->size), off;

		for (off = 0; off < a->size; off += step) {
			u64 gpa = a->gpa + off + (off & MB(1) ? 0xabc : 0);
			struct axas_xlate x;
			struct axd_entry e;
			long r1 = translate(fd, gpa, &x);
			int r2 = axd_translate(&dd, gpa, &e);

			pages++;
			if (r1 == -ENOENT && r2 == -ENOENT)
				continue;
			if (r1 || r2 || e.pa + (gpa - e.gpa) != x.host_addr ||
			    e.size != x.leaf_size || e.flags != x.flags) {
				if (bad++ < 5)
					note_xlate_dump(gpa, r1, &x, r2, &e);
			}
		}
	}
	if (m)
		check(!bad, "%s: dump: the decoder agrees with TRANSLATE on every page (%lu)",
		      tag, pages);
	axd_free(&dd);
	free(buf);
}

/* ---- behaviour of one format ------------------------------------------------------- */

/* Guest layout of the behaviour test; the space is [0, 4G). */
#define G_A		MB(1)		/* populated 64K rw */
#define G_B		MB(2)		/* lazy 64K rwx */
#define G_C		MB(3)		/* lazy 16K rw, protected to r */
#define G_LIN		MB(4)		/* linear 4M -> LIN_HPA: 2M blocks */
#define G_ALIAS		MB(8)		/* linear 4K -> the frame at G_A */
#define G_DEV		MB(9)		/* linear 4K device */
#define G_REG		MB(16)		/* user region 256K rw */
#define G_W		(MB(17) - KB(16))	/* populated 16K rw */
#define G_RO		MB(17)		/* user region 64K read-only */
#define G_NB		MB(18)		/* linear 2M NOBLOCK */
#define G_MIS		MB(20)		/* linear 2M, host not 2M aligned */
#define G_BIG		MB(32)		/* populated 1M */
#define G_1G		GB(1)		/* linear 1G -> LIN_HPA */
#define G_TOP		(GB(4) - PAGE)	/* populated 4K, last page */

struct fmtcfg {
	unsigned int format;
	unsigned int bits;
	const char *tag;
};

static const struct fmtcfg fmtcfgs[] = {
	{ AXAS_FORMAT_EPT, 48, "ept48" },
	{ AXAS_FORMAT_ARM_S2, 40, "arm-s2-40" },
	{ AXAS_FORMAT_RISCV_GSTAGE, 41, "riscv-gstage-41" },
	{ AXAS_FORMAT_AMD_NPT, 48, "amd-npt-48" },
};

static void fmt_behaviour(const struct fmtcfg *f)
{
	const char *t = f->tag;
	unsigned char *buf = malloc(MAX_RW + PAGE), *buf2 = malloc(MAX_RW + PAGE);
	unsigned char *ureg, *uro;
	struct axas_space_stats st, st2;
	struct axas_xlate x;
	struct model m = { 0 };
	long fd, ret, lck0, lck;
	u64 a_hpa = 0;
	bool ok;
	u64 off;

	lck0 = vmlck_kb();
	fd = mkspace(f->format, f->bits, 0, GB(4));
	if (fd < 0) {
		expect(fd, 0, "%s: create_space [0, 4G)", t);
		goto out;
	}
	check(check_empty_stats(fd, f->format, f->bits, 0, GB(4)),
	      "%s: create_space [0, 4G) -> empty stats", t);

	/* Eager frames. */
	expect(map_alloc(fd, G_A, KB(64), R | W | POPULATE), 0,
	       "%s: map_alloc populate 64K rw", t);
	model_add(&m, G_A, KB(64), R | W, 0, false, false);
	m.data += 16;
	m.m4k += KB(64);
	check_model(fd, &m, t, "map_alloc populate 64K (16 data pages)");
	ok = true;
	for (off = 0; off < KB(64); off += PAGE) {
		ret = translate(fd, G_A + off, &x);
		if (ret || x.leaf_size != PAGE || x.flags != (R | W) ||
		    (priv && (!x.host_addr || x.host_addr & (PAGE - 1))) ||
		    (!priv && x.host_addr)) {
			note("translate %#llx: %s host %#llx leaf %#llx flags %#x",
			     (unsigned long long)(G_A + off), retname(ret),
			     (unsigned long long)x.host_addr,
			     (unsigned long long)x.leaf_size, x.flags);
			ok = false;
		}
		if (!off)
			a_hpa = x.host_addr;
	}
	check(ok, "%s: translate: populated pages are 4K leaves, R W%s", t,
	      priv ? ", page-aligned host addresses" : ", host_addr 0");
	memset(buf, 0xee, KB(64));
	ret = guest_rw(fd, false, G_A, buf, KB(64));
	check(!ret && all_bytes(buf, KB(64), 0),
	      "%s: guest_read: fresh frames read as zero", t);

	/* Write and read back across pages, unaligned. */
	fill_pattern(buf, KB(64) - 100, 1);
	ret = guest_rw(fd, true, G_A + 50, buf, KB(64) - 100);
	expect(ret, 0, "%s: guest_write 64K - 100 at +50 (crosses 16 pages)", t);
	memset(buf2, 0, KB(64));
	ret = guest_rw(fd, false, G_A, buf2, KB(64));
	check(!ret && all_bytes(buf2, 50, 0) &&
	      !memcmp(buf2 + 50, buf, KB(64) - 100) &&
	      all_bytes(buf2 + KB(64) - 50, 50, 0),
	      "%s: guest_read: reads back what was written, zero around it", t);
	ret = guest_rw(fd, false, G_A + PAGE - 3, buf2, 7);
	check(!ret && !memcmp(buf2, buf + PAGE - 53, 7),
	      "%s: guest_read: 7 bytes across a page boundary", t);

	/* Lazy frames and faults. */
	expect(map_alloc(fd, G_B, KB(64), R | W | X), 0,
	       "%s: map_alloc lazy 64K rwx", t);
	model_add(&m, G_B, KB(64), R | W | X, 0, false, true);
	check_model(fd, &m, t, "map_alloc lazy (nothing allocated)");
	expect(translate(fd, G_B, &x), ENOENT, "%s: translate: lazy page not faulted", t);
	memset(buf, 0x5a, PAGE);
	ret = guest_rw(fd, false, G_B, buf, PAGE);
	expect(ret, EFAULT, "%s: guest_read: lazy page not faulted", t);
	check(all_bytes(buf, PAGE, 0x5a), "%s: guest_read: nothing copied on EFAULT", t);
	expect(fault(fd, G_B + PAGE + 0x234, W), 0, "%s: fault: write in a lazy page", t);
	m.faults++;
	m.data++;
	m.m4k += PAGE;
	check_model(fd, &m, t, "a lazy fault (+1 fault, +1 data page)");
	ret = translate(fd, G_B + PAGE, &x);
	check(!ret && x.leaf_size == PAGE && x.flags == (R | W | X),
	      "%s: translate: the faulted page is a 4K leaf, R W X", t);
	expect(translate(fd, G_B, &x), ENOENT,
	       "%s: translate: its neighbour is still not faulted", t);
	memset(buf, 0x5a, PAGE);
	ret = guest_rw(fd, false, G_B + PAGE, buf, PAGE);
	check(!ret && all_bytes(buf, PAGE, 0), "%s: guest_read: the faulted frame is zero", t);
	expect(fault(fd, G_B + PAGE, R), 0, "%s: fault: again, read", t);
	m.spurious++;
	check_model(fd, &m, t, "a spurious fault (+1 spurious, nothing allocated)");
	expect(fault(fd, G_B + PAGE, R | W | X), 0, "%s: fault: again, R W X", t);
	m.spurious++;
	memset(buf, 0x5a, 2 * PAGE);
	ret = guest_rw(fd, false, G_B + PAGE + KB(2), buf, PAGE);
	expect(ret, EFAULT, "%s: guest_read: into the next, unfaulted page", t);
	check(all_bytes(buf, PAGE, 0x5a), "%s: guest_read: nothing copied on EFAULT", t);
	expect(fault(fd, GB(3), R), ENOENT, "%s: fault: nothing mapped (MMIO)", t);
	expect(fault(fd, GB(4), R), ERANGE, "%s: fault: outside the space", t);
	expect(fault(fd, G_A, X), EACCES, "%s: fault: exec on a R W range", t);
	expect(fault(fd, G_A, 0), EINVAL, "%s: fault: access 0", t);
	check_model(fd, &m, t, "failed faults");

	/* Protect. */
	expect(protect(fd, G_A + PAGE, PAGE, R), 0, "%s: protect one page r", t);
	model_change(&m, G_A + PAGE, PAGE, false, R);
	ret = translate(fd, G_A + PAGE, &x);
	check(!ret && x.flags == R && x.leaf_size == PAGE,
	      "%s: translate: the protected page is R", t);
	ret = translate(fd, G_A + 2 * PAGE, &x);
	check(!ret && x.flags == (R | W), "%s: translate: its neighbour is still R W", t);
	expect(fault(fd, G_A + PAGE, W), EACCES, "%s: fault: write on the r page", t);
	expect(fault(fd, G_A + PAGE, R), 0, "%s: fault: read on the r page", t);
	m.spurious++;
	fill_pattern(buf, 16, 7);
	expect(guest_rw(fd, true, G_A + PAGE, buf, 16), 0,
	       "%s: guest_write ignores guest permissions (r page)", t);
	ret = guest_rw(fd, false, G_A + PAGE, buf2, 16);
	check(!ret && !memcmp(buf, buf2, 16), "%s: guest_read: it was written", t);
	get_stats(fd, &st);
	expect(protect(fd, G_A + PAGE, PAGE, R | W | X), 0, "%s: protect it r w x", t);
	model_change(&m, G_A + PAGE, PAGE, false, R | W | X);
	get_stats(fd, &st2);
	check(st2.tlb_flushes > st.tlb_flushes,
	      "%s: protect flushed the TLB (tlb_flushes %llu -> %llu)", t,
	      (unsigned long long)st.tlb_flushes, (unsigned long long)st2.tlb_flushes);
	expect(fault(fd, G_A + PAGE, X), 0, "%s: fault: exec on it now", t);
	m.spurious++;

	/* Protect a lazy range: its pages take the new permissions. */
	expect(map_alloc(fd, G_C, KB(16), R | W), 0, "%s: map_alloc lazy 16K rw", t);
	expect(protect(fd, G_C, KB(16), R), 0, "%s: protect the lazy range r", t);
	model_add(&m, G_C, KB(16), R, 0, false, true);
	expect(fault(fd, G_C, W), EACCES, "%s: fault: write on the protected lazy range", t);
	expect(fault(fd, G_C, R), 0, "%s: fault: read installs a frame", t);
	m.faults++;
	m.data++;
	m.m4k += PAGE;
	ret = translate(fd, G_C, &x);
	check(!ret && x.flags == R, "%s: translate: the new frame is R only", t);
	check_model(fd, &m, t, "protect and faults on a lazy range");

	/* The caller's own memory. */
	ureg = user_mem(KB(256));
	lck = vmlck_kb();
	expect(region(fd, G_REG, KB(256), ureg, R | W), 0,
	       "%s: set_user_region 256K rw", t);
	model_add(&m, G_REG, KB(256), R | W, 0, false, false);
	m.pinned += 64;
	m.m4k += KB(256);
	check_model(fd, &m, t, "set_user_region (64 pinned pages)");
	if (vmlck_kb() != lck + 256)
		note("VmLck %ld kB -> %ld kB", lck, vmlck_kb());
	check(vmlck_kb() == lck + 256,
	      "%s: set_user_region: 256 kB charged to RLIMIT_MEMLOCK (VmLck)", t);
	fill_pattern(buf, 5000, 3);
	expect(guest_rw(fd, true, G_REG + 3000, buf, 5000), 0,
	       "%s: guest_write into the region", t);
	check(!memcmp(ureg + 3000, buf, 5000),
	      "%s: the write shows in the process's own memory", t);
	fill_pattern(ureg + KB(100), 9000, 4);
	ret = guest_rw(fd, false, G_REG + KB(100), buf2, 9000);
	check(!ret && !memcmp(buf2, ureg + KB(100), 9000),
	      "%s: the process's own stores show in guest_read", t);
	if (priv) {
		struct axas_xlate x2;

		ret = translate(fd, G_REG, &x);
		ret |= translate(fd, G_REG + PAGE, &x2);
		check(!ret && x.host_addr && x2.host_addr &&
		      x.host_addr != x2.host_addr,
		      "%s: translate: region pages have their own host frames", t);
	}
	expect(fault(fd, G_REG, W), 0, "%s: fault: write on the region (spurious)", t);
	m.spurious++;
	expect(unmap(fd, G_REG + KB(64), PAGE), 0, "%s: unmap 4K in the region", t);
	model_change(&m, G_REG + KB(64), PAGE, true, 0);
	m.pinned--;
	m.m4k -= PAGE;
	check_model(fd, &m, t, "a partial unmap of the region (one page unpinned)");
	check(vmlck_kb() == lck + 252,
	      "%s: the unmapped page left RLIMIT_MEMLOCK (VmLck %ld kB)", t,
	      vmlck_kb() - lck);
	expect(translate(fd, G_REG + KB(64), &x), ENOENT,
	       "%s: translate: the unmapped page", t);
	fill_pattern(buf, 64, 5);
	expect(guest_rw(fd, true, G_REG + KB(68), buf, 64), 0,
	       "%s: guest_write past the hole", t);
	check(!memcmp(ureg + KB(68), buf, 64), "%s: still the process's memory", t);
	expect(protect(fd, G_REG, KB(64), R), 0, "%s: protect part of the region r", t);
	expect(protect(fd, G_REG, KB(64), R | W), 0,
	       "%s: protect it r w again (it was pinned for writing)", t);

	/* A read-only region next to a writable range. */
	uro = user_mem(KB(64));
	fill_pattern(uro, KB(64), 9);
	mprotect(uro, KB(64), PROT_READ);
	expect(map_alloc(fd, G_W, KB(16), R | W | POPULATE), 0,
	       "%s: map_alloc populate 16K rw below the read-only region", t);
	model_add(&m, G_W, KB(16), R | W, 0, false, false);
	m.data += 4;
	m.m4k += KB(16);
	expect(region(fd, G_RO, KB(64), uro, R), 0,
	       "%s: set_user_region 64K read-only", t);
	model_add(&m, G_RO, KB(64), R, 0, false, false);
	m.pinned += 16;
	m.m4k += KB(64);
	check_model(fd, &m, t, "a read-only region");
	ret = guest_rw(fd, false, G_RO, buf, KB(64));
	check(!ret && !memcmp(buf, uro, KB(64)),
	      "%s: guest_read of the read-only region", t);
	memset(buf, 0x11, 100);
	EXPECT_NC(fd, guest_rw(fd, true, G_RO + 10, buf, 100), EACCES,
		  "%s: guest_write to a read-only region", t);
	ret = guest_rw(fd, false, G_RO, buf2, KB(64));
	check(!ret && !memcmp(buf2, uro, KB(64)), "%s: the region is unchanged", t);
	ret = guest_rw(fd, false, G_W, buf2, KB(16));
	memset(buf, 0x22, KB(16) + 100);
	EXPECT_NC(fd, guest_rw(fd, true, G_W, buf, KB(16) + 100), EACCES,
		  "%s: guest_write over a writable range into a read-only region", t);
	ret |= guest_rw(fd, false, G_W, buf, KB(16));
	check(!ret && !memcmp(buf, buf2, KB(16)),
	      "%s: nothing of that write reached the writable range", t);
	EXPECT_NC(fd, protect(fd, G_RO, KB(64), R | W), EACCES,
		  "%s: protect a read-only region r w", t);
	EXPECT_NC(fd, protect(fd, G_W, KB(80), R | W | X), EACCES,
		  "%s: protect r w x over a writable range and a read-only region", t);
	ret = translate(fd, G_W, &x);
	check(!ret && x.flags == (R | W),
	      "%s: the writable range kept R W after the failed protect", t);
	expect(protect(fd, G_RO, KB(64), R | X), 0, "%s: protect the read-only region r x", t);
	model_change(&m, G_RO, KB(64), false, R | X);
	EXPECT_NC(fd, fault(fd, G_RO, W), EACCES, "%s: fault: write on the read-only region", t);

	/* MAX_RW. */
	expect(map_alloc(fd, G_BIG, MB(1), R | W | POPULATE), 0,
	       "%s: map_alloc populate 1M", t);
	model_add(&m, G_BIG, MB(1), R | W, 0, false, false);
	m.data += 256;
	m.m4k += MB(1);
	fill_pattern(buf, MAX_RW, 11);
	expect(guest_rw(fd, true, G_BIG, buf, MAX_RW), 0, "%s: guest_write of MAX_RW (1M)", t);
	memset(buf2, 0, MAX_RW);
	ret = guest_rw(fd, false, G_BIG, buf2, MAX_RW);
	check(!ret && !memcmp(buf, buf2, MAX_RW), "%s: guest_read of MAX_RW reads it back", t);

	/* Host-physical windows. */
	if (priv) {
		expect(map_linear(fd, G_LIN, LIN_HPA, MB(4), R | W), 0,
		       "%s: map_linear 4M, 2M aligned both sides", t);
		model_add(&m, G_LIN, MB(4), R | W, LIN_HPA, true, false);
		m.m2m += MB(4);
		check_model(fd, &m, t, "map_linear 4M (two 2M leaves)");
		ret = translate(fd, G_LIN + 0x1234, &x);
		check(!ret && x.leaf_size == MB(2) && x.host_addr == LIN_HPA + 0x1234 &&
		      x.flags == (R | W),
		      "%s: translate: a 2M leaf at the host address", t);
		get_stats(fd, &st);
		expect(unmap(fd, G_LIN + MB(1), PAGE), 0, "%s: unmap 4K inside a 2M block", t);
		model_change(&m, G_LIN + MB(1), PAGE, true, 0);
		m.m2m -= MB(2);
		m.m4k += MB(2) - PAGE;
		check_model(fd, &m, t, "splitting a 2M block (2M -> 511 x 4K)");
		get_stats(fd, &st2);
		check(st2.table_pages == st.table_pages + 1 &&
		      st2.tlb_flushes > st.tlb_flushes,
		      "%s: the split took one table page and flushed the TLB", t);
		ret = translate(fd, G_LIN + MB(1) - PAGE, &x);
		check(!ret && x.leaf_size == PAGE &&
		      x.host_addr == LIN_HPA + MB(1) - PAGE,
		      "%s: translate: the block's other pages are 4K leaves now", t);
		expect(translate(fd, G_LIN + MB(1), &x), ENOENT,
		       "%s: translate: the unmapped page", t);
		ret = translate(fd, G_LIN + MB(2), &x);
		check(!ret && x.leaf_size == MB(2), "%s: translate: the other block is whole", t);
		expect(protect(fd, G_LIN + MB(3), PAGE, R), 0,
		       "%s: protect 4K inside the other 2M block", t);
		model_change(&m, G_LIN + MB(3), PAGE, false, R);
		m.m2m -= MB(2);
		m.m4k += MB(2);
		check_model(fd, &m, t, "protect splitting a 2M block");
		ret = translate(fd, G_LIN + MB(3), &x);
		check(!ret && x.leaf_size == PAGE && x.flags == R,
		      "%s: translate: the protected page is a 4K R leaf", t);
		ret = translate(fd, G_LIN + MB(3) + PAGE, &x);
		check(!ret && x.leaf_size == PAGE && x.flags == (R | W) &&
		      x.host_addr == LIN_HPA + MB(3) + PAGE,
		      "%s: translate: its neighbour is a 4K R W leaf", t);

		expect(map_linear(fd, G_1G, LIN_HPA, GB(1), R), 0,
		       "%s: map_linear 1G, 1G aligned both sides", t);
		model_add(&m, G_1G, GB(1), R, LIN_HPA, true, false);
		m.m1g += GB(1);
		check_model(fd, &m, t, "map_linear 1G (one 1G leaf)");
		ret = translate(fd, G_1G + MB(300) + 5, &x);
		check(!ret && x.leaf_size == GB(1) && x.host_addr == LIN_HPA + MB(300) + 5,
		      "%s: translate: a 1G leaf", t);
		expect(unmap(fd, G_1G + MB(2), MB(2)), 0, "%s: unmap 2M inside the 1G block", t);
		model_change(&m, G_1G + MB(2), MB(2), true, 0);
		m.m1g -= GB(1);
		m.m2m += GB(1) - MB(2);
		check_model(fd, &m, t, "splitting a 1G block (1G -> 511 x 2M)");
		expect(unmap(fd, G_1G + MB(4) + PAGE, PAGE), 0,
		       "%s: unmap 4K inside one of those 2M blocks", t);
		model_change(&m, G_1G + MB(4) + PAGE, PAGE, true, 0);
		m.m2m -= MB(2);
		m.m4k += MB(2) - PAGE;
		check_model(fd, &m, t, "splitting again (2M -> 511 x 4K)");

		expect(map_linear(fd, G_NB, LIN_HPA, MB(2), R | W | NOBLOCK), 0,
		       "%s: map_linear 2M NOBLOCK", t);
		model_add(&m, G_NB, MB(2), R | W, LIN_HPA, true, false);
		m.m4k += MB(2);
		ret = translate(fd, G_NB, &x);
		check(!ret && x.leaf_size == PAGE, "%s: translate: NOBLOCK gives 4K leaves", t);
		expect(map_linear(fd, G_MIS, LIN_HPA + PAGE, MB(2), R | W), 0,
		       "%s: map_linear 2M, host address only 4K aligned", t);
		model_add(&m, G_MIS, MB(2), R | W, LIN_HPA + PAGE, true, false);
		m.m4k += MB(2);
		check_model(fd, &m, t, "NOBLOCK and misaligned windows (4K leaves only)");

		expect(map_linear(fd, G_ALIAS, a_hpa, PAGE, R | W), 0,
		       "%s: map_linear an alias of a frame of the space", t);
		model_add(&m, G_ALIAS, PAGE, R | W, a_hpa, true, false);
		m.m4k += PAGE;
		ret = guest_rw(fd, false, G_A, buf, PAGE);
		ret |= guest_rw(fd, false, G_ALIAS, buf2, PAGE);
		check(!ret && !memcmp(buf, buf2, PAGE),
		      "%s: guest_read through the alias sees the frame", t);
		fill_pattern(buf, 32, 13);
		ret = guest_rw(fd, true, G_ALIAS + 64, buf, 32);
		ret |= guest_rw(fd, false, G_A + 64, buf2, 32);
		check(!ret && !memcmp(buf, buf2, 32),
		      "%s: guest_write through the alias reaches the frame", t);

		expect(map_linear(fd, G_DEV, LIN_HPA, PAGE, R | DEV), 0,
		       "%s: map_linear 4K DEVICE", t);
		model_add(&m, G_DEV, PAGE, R | DEV, LIN_HPA, true, false);
		m.m4k += PAGE;
		ret = translate(fd, G_DEV, &x);
		check(!ret && x.flags == (R | DEV), "%s: translate: DEVICE is reported", t);
		EXPECT_NC(fd, guest_rw(fd, false, G_DEV, buf, 8), EFAULT,
			  "%s: guest_read of device memory", t);
		EXPECT_NC(fd, guest_rw(fd, true, G_DEV, buf, 8), EFAULT,
			  "%s: guest_write of device memory", t);
		check_model(fd, &m, t, "the linear windows");
	} else {
		skip(priv_reason, "%s: map_linear: 2M and 1G blocks, splits, aliases, device", t);
	}

	expect(map_alloc(fd, G_TOP, PAGE, R | W | POPULATE), 0,
	       "%s: map_alloc the last page of the space", t);
	model_add(&m, G_TOP, PAGE, R | W, 0, false, false);
	m.data++;
	m.m4k += PAGE;
	check_model(fd, &m, t, "everything mapped");
	check_translate_model(fd, &m, t);
	check_dump(fd, &m, f->format, f->bits, false, t);

	/* Unmap across areas of different kinds at once. */
	expect(unmap(fd, G_W + PAGE, KB(64)), 0,
	       "%s: unmap across a populated range and a read-only region", t);
	model_change(&m, G_W + PAGE, KB(64), true, 0);
	m.data -= 3;
	m.pinned -= 13;
	m.m4k -= KB(64);
	check_model(fd, &m, t, "an unmap across two kinds of area");
	ret = translate(fd, G_W, &x);
	check(!ret && x.flags == (R | W), "%s: the page before it stays", t);
	ret = translate(fd, G_RO + KB(52), &x);
	check(!ret && x.flags == (R | X), "%s: the pages after it stay", t);

	/* Unmap everything: back to the root alone, nothing pinned. */
	while (m.n) {
		const struct marea *a = &m.a[m.n - 1];

		ret = unmap(fd, a->gpa, a->size);
		if (ret) {
			note("unmap [%#llx, +%#llx): %s", (unsigned long long)a->gpa,
			     (unsigned long long)a->size, retname(ret));
			break;
		}
		m.n--;
	}
	get_stats(fd, &st);
	if (st.table_pages != root_pages(f->format, f->bits) || st.data_pages ||
	    st.pinned_pages || st.mapped_4k || st.mapped_2m || st.mapped_1g)
		note_stats_diff(&(struct axas_space_stats){
			.table_pages = root_pages(f->format, f->bits),
			.vmid = st.vmid, .format = st.format, .ia_bits = st.ia_bits,
			.base = st.base, .size = st.size, .faults = st.faults,
			.spurious_faults = st.spurious_faults,
			.tlb_flushes = st.tlb_flushes }, &st);
	check(!m.n && st.table_pages == root_pages(f->format, f->bits) &&
	      !st.data_pages && !st.pinned_pages && !st.mapped_4k &&
	      !st.mapped_2m && !st.mapped_1g,
	      "%s: unmapping everything frees every table but the root and unpins all", t);
	check(vmlck_kb() == lck0, "%s: VmLck back to where it was (%ld kB)", t,
	      vmlck_kb());
	check_dump(fd, NULL, f->format, f->bits, false, t);

	/* Closing a space unpins its regions. */
	lck = vmlck_kb();
	expect(region(fd, G_REG, KB(128), ureg, R | W), 0, "%s: set_user_region again", t);
	check(vmlck_kb() == lck + 128, "%s: VmLck +128 kB", t);
	close(fd);
	check(vmlck_kb() == lck, "%s: closing the space unpins its regions (VmLck %ld kB)",
	      t, vmlck_kb());
	munmap(ureg, KB(256));
	munmap(uro, KB(64));
out:
	free(buf);
	free(buf2);
}

static void sec_formats(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fmtcfgs); i++)
		fmt_behaviour(&fmtcfgs[i]);
}

/* Every width: map the first, a middle and the last page, and decode. */
static void sec_widths(void)
{
	unsigned int i, b;

	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		for (b = widths[i].lo; b <= widths[i].hi; b++) {
			unsigned int f = widths[i].format;
			u64 top = 1ULL << b;
			struct model m = { 0 };
			char tag[48];
			long fd, ret;

			snprintf(tag, sizeof(tag), "%s-%u", fmt_name(f), b);
			fd = mkspace(f, b, 0, top);
			if (fd < 0) {
				expect(fd, 0, "%s: create_space", tag);
				continue;
			}
			ret = map_alloc(fd, 0, PAGE, R | W | POPULATE);
			ret = ret ?: map_alloc(fd, top / 2 - PAGE, 2 * PAGE, R | X | POPULATE);
			ret = ret ?: map_alloc(fd, top - PAGE, PAGE, R | W | X | POPULATE);
			ret = ret ?: map_alloc(fd, top - MB(4), MB(2), R | W);
			ret = ret ?: fault(fd, top - MB(3), W);
			expect(ret, 0, "%s: map the first, middle and last pages", tag);
			model_add(&m, 0, PAGE, R | W, 0, false, false);
			model_add(&m, top / 2 - PAGE, 2 * PAGE, R | X, 0, false, false);
			model_add(&m, top - PAGE, PAGE, R | W | X, 0, false, false);
			model_add(&m, top - MB(4), MB(2), R | W, 0, false, true);
			check_translate_model(fd, &m, tag);
			check_dump(fd, &m, f, b, false, tag);
			close(fd);
		}
	}
	if (priv) {
		struct model m = { 0 };
		long fd = mkspace_flags(AXAS_FORMAT_EPT, 48, 0, GB(4),
					AXAS_SPACE_EPT_AD);

		if (fd >= 0) {
			expect(map_alloc(fd, 0, PAGE, R | W | POPULATE), 0,
			       "ept48-ad: map a page");
			model_add(&m, 0, PAGE, R | W, 0, false, false);
			check_dump(fd, &m, AXAS_FORMAT_EPT, 48, true, "ept48-ad");
			close(fd);
		} else {
			expect(fd, 0, "ept48-ad: create_space with EPT_AD");
		}
	} else {
		skip(priv_reason, "ept48-ad: EPTP has A/D enabled");
	}
}

/* ---- GUEST_READ / GUEST_WRITE errors ------------------------------------------------- */

static long rw_full(int fd, bool write, u64 gpa, u64 size, u64 buf, u32 flags,
		    u32 reserved)
{
	struct axas_rw rw = {
		.guest_addr = gpa, .size = size, .buf = buf, .flags = flags,
		.reserved = reserved,
	};

	return xio(fd, write ? AXAS_GUEST_WRITE : AXAS_GUEST_READ, &rw);
}

static void sec_rw(void)
{
	unsigned char *buf = malloc(MB(2) + 2 * PAGE), *g, *ro, *chk;
	u64 ub = (uintptr_t)buf;
	unsigned int b, w;
	long fd;

	fd = mkspace(AXAS_FORMAT_EPT, 48, MB(1), GB(1));
	if (fd < 0) {
		expect(fd, 0, "guest_rw: create_space");
		free(buf);
		return;
	}
	expect(map_alloc(fd, MB(2), MB(2), R | W | POPULATE), 0,
	       "guest_rw: map_alloc populate 2M");
	expect(map_alloc(fd, MB(4), MB(1), R | W), 0, "guest_rw: map_alloc lazy 1M after it");
	fill_pattern(buf, MB(2), 21);
	expect(guest_rw(fd, true, MB(2), buf, MB(1)), 0, "guest_rw: write the first MiB");
	expect(guest_rw(fd, true, MB(3), buf + MB(1), MB(1)), 0,
	       "guest_rw: write the second MiB");
	chk = malloc(MB(2));
	g = guard_page();
	ro = map_mem(PAGE, PROT_READ);
	for (w = 0; w < 2; w++) {
		const char *n = w ? "guest_write" : "guest_read";

#define RW(want, gpa, size, bufp, fl, res, ...) \
	EXPECT_NC(fd, rw_full(fd, w, (gpa), (size), (bufp), (fl), (res)), want, __VA_ARGS__)
		RW(EINVAL, MB(2), 0, ub, 0, 0, "%s: size 0", n);
		RW(EINVAL, MB(2), MAX_RW + 1, ub, 0, 0, "%s: size MAX_RW + 1", n);
		RW(EINVAL, MB(2), ~0ULL, ub, 0, 0, "%s: size 2^64 - 1", n);
		RW(EINVAL, MB(2), 1ULL << 32, ub, 0, 0, "%s: size 4G", n);
		for (b = 0; b < 32; b++)
			RW(EINVAL, MB(2), 16, ub, 1U << b, 0, "%s: flag bit %u", n, b);
		RW(EINVAL, MB(2), 16, ub, 0, 1, "%s: reserved = 1", n);
		RW(EINVAL, MB(2), 16, ub, 0, 0x80000000u, "%s: reserved = 0x80000000", n);
		{
			struct axas_rw rw = { .guest_addr = MB(2), .size = 16, .buf = ub };

			each_bit(&(struct fieldcase){ .fd = fd, .space = fd,
				 .req = w ? AXAS_GUEST_WRITE : AXAS_GUEST_READ,
				 .tmpl = &rw, .size = sizeof(rw),
				 .off = offsetof(struct axas_rw, reserved), .width = 4 },
				 "%s: reserved", n);
		}
		RW(ERANGE, 0, 16, ub, 0, 0, "%s: below the space", n);
		RW(ERANGE, MB(1) - 8, 16, ub, 0, 0, "%s: straddles the space's base", n);
		RW(ERANGE, GB(1) + MB(1) - 8, 16, ub, 0, 0, "%s: straddles the space's end", n);
		RW(ERANGE, GB(1) + MB(1), 1, ub, 0, 0, "%s: at the space's end", n);
		RW(ERANGE, ~0ULL - 7, 16, ub, 0, 0, "%s: guest_addr + size wraps 2^64", n);
		RW(ERANGE, ~0ULL, 1, ub, 0, 0, "%s: guest_addr 2^64 - 1", n);
		RW(EFAULT, MB(2), 16, 0, 0, 0, "%s: buf NULL", n);
		RW(EFAULT, MB(2), 16, KERNEL_ADDR, 0, 0, "%s: buf kernel address", n);
		RW(EFAULT, MB(2), 16, ~0ULL - 7, 0, 0, "%s: buf at 2^64 - 8", n);
		RW(EFAULT, MB(2), 16, UNMAPPED_ADDR, 0, 0, "%s: buf unmapped", n);
		RW(EFAULT, MB(2), 16, (uintptr_t)(g + PAGE), 0, 0, "%s: buf PROT_NONE", n);
		RW(EFAULT, MB(2), 64, (uintptr_t)(g + PAGE - 32), 0, 0,
		   "%s: buf runs into a PROT_NONE page", n);
		RW(EFAULT, MB(8), 16, ub, 0, 0, "%s: nothing mapped there", n);
		RW(EFAULT, MB(4), 16, ub, 0, 0, "%s: lazy page not faulted", n);
		RW(EFAULT, MB(4) - 8, 16, ub, 0, 0, "%s: runs into a lazy page", n);
		RW(EFAULT, MB(2) - 8, 16, ub, 0, 0, "%s: starts before the mapped range", n);
		RW(EFAULT, MB(3) + PAGE, MAX_RW, ub, 0, 0,
		   "%s: MAX_RW bytes ending in an unfaulted page", n);
#undef RW
	}
	EXPECT_NC(fd, rw_full(fd, false, MB(2), 16, (uintptr_t)ro, 0, 0), EFAULT,
		  "guest_read: buf read-only");
	expect(rw_full(fd, true, MB(2), 16, (uintptr_t)ro, 0, 0), 0,
	       "guest_write: buf read-only is fine (only read)");
	fill_pattern(buf, MB(2), 21);
	memset(buf, 0, 16);	/* what the read-only page held */
	memset(chk, 0, MB(2));
	expect(guest_rw(fd, false, MB(2), chk, MB(1)), 0, "guest_rw: read the first MiB");
	expect(guest_rw(fd, false, MB(3), chk + MB(1), MB(1)), 0,
	       "guest_rw: read the second MiB");
	check(!memcmp(chk, buf, MB(2)),
	      "guest_rw: guest memory holds exactly what was written, failed calls wrote nothing");
	/* A failed read must not scribble on the caller's buffer either. */
	memset(chk, 0x77, PAGE);
	rw_full(fd, false, MB(4) - 8, 16, (uintptr_t)chk, 0, 0);
	check(all_bytes(chk, PAGE, 0x77), "guest_read: a failed read copied nothing");
	/* Cross a 2M leaf boundary of populated pages at odd offsets. */
	expect(fault(fd, MB(4), W), 0, "guest_rw: fault the first lazy page");
	fill_pattern(buf, 4000, 31);
	expect(guest_rw(fd, true, MB(4) - 1000, buf, 4000), 0,
	       "guest_write: across populated and faulted pages");
	memset(chk, 0, 4000);
	expect(guest_rw(fd, false, MB(4) - 1000, chk, 4000), 0,
	       "guest_read: across populated and faulted pages");
	check(!memcmp(buf, chk, 4000), "guest_rw: the bytes round-trip");
	expect(guest_rw(fd, false, MB(2), chk, 1), 0, "guest_read: 1 byte");
	munmap(g, 2 * PAGE);
	munmap(ro, PAGE);
	free(chk);
	free(buf);
	close(fd);
}

/* ---- FAULT, TRANSLATE, GET_STATS, DUMP details --------------------------------- */

static void sec_fault(void)
{
	struct axas_fault f;
	unsigned int b, r;
	long fd;

	fd = mkspace(AXAS_FORMAT_ARM_S2, 40, MB(1), GB(1));
	if (fd < 0) {
		expect(fd, 0, "fault: create_space");
		return;
	}
	expect(map_alloc(fd, MB(2), MB(2), R | W), 0, "fault: map_alloc lazy 2M rw");
	expect(map_alloc(fd, MB(4), MB(2), R | X), 0, "fault: map_alloc lazy 2M rx");
	EXPECT_NC(fd, fault(fd, MB(2), 0), EINVAL, "fault: access 0");
	for (b = 3; b < 32; b++)
		EXPECT_NC(fd, fault(fd, MB(2), R | (1U << b)), EINVAL,
			  "fault: access bit %s", flag_name(b));
	for (r = 0; r < 3; r++) {
		memset(&f, 0, sizeof(f));
		f.guest_addr = MB(2);
		f.access = R;
		f.reserved[r] = 1;
		EXPECT_NC(fd, xio(fd, AXAS_FAULT, &f), EINVAL, "fault: reserved[%u] = 1", r);
		f.reserved[r] = 0x80000000u;
		EXPECT_NC(fd, xio(fd, AXAS_FAULT, &f), EINVAL,
			  "fault: reserved[%u] = 0x80000000", r);
		f.reserved[r] = 0;
		each_bit(&(struct fieldcase){ .fd = fd, .space = fd, .req = AXAS_FAULT,
			 .tmpl = &f, .size = sizeof(f),
			 .off = offsetof(struct axas_fault, reserved[r]), .width = 4 },
			 "fault: reserved[%u]", r);
	}
	EXPECT_NC(fd, fault(fd, 0, R), ERANGE, "fault: below the space");
	EXPECT_NC(fd, fault(fd, GB(1) + MB(1), R), ERANGE, "fault: at the space's end");
	EXPECT_NC(fd, fault(fd, ~0ULL, R), ERANGE, "fault: 2^64 - 1");
	EXPECT_NC(fd, fault(fd, MB(8), R), ENOENT, "fault: nothing mapped (MMIO)");
	EXPECT_NC(fd, fault(fd, MB(2), X), EACCES, "fault: exec on rw");
	EXPECT_NC(fd, fault(fd, MB(2), R | W | X), EACCES, "fault: r w x on rw");
	EXPECT_NC(fd, fault(fd, MB(4), W), EACCES, "fault: write on rx");
	expect(fault(fd, MB(2) + 7, R), 0, "fault: read, unaligned address");
	expect(fault(fd, MB(2) + PAGE, W), 0, "fault: write");
	expect(fault(fd, MB(4), X), 0, "fault: exec on rx");
	expect(fault(fd, MB(4) + PAGE, R | X), 0, "fault: read and exec on rx");
	close(fd);
}

static void sec_translate(void)
{
	struct axas_xlate x;
	long fd, ret;

	fd = mkspace(AXAS_FORMAT_RISCV_GSTAGE, 41, MB(1), GB(1));
	if (fd < 0) {
		expect(fd, 0, "translate: create_space");
		return;
	}
	expect(map_alloc(fd, MB(2), PAGE, R | W | POPULATE), 0, "translate: map a page");
	expect(map_alloc(fd, MB(4), PAGE, R), 0, "translate: map a lazy page");
	memset(&x, 0, sizeof(x));
	x.guest_addr = MB(2);
	x.reserved = 1;
	EXPECT_NC(fd, xio(fd, AXAS_TRANSLATE, &x), EINVAL, "translate: reserved = 1");
	x.reserved = 0x80000000u;
	EXPECT_NC(fd, xio(fd, AXAS_TRANSLATE, &x), EINVAL, "translate: reserved = 0x80000000");
	x.reserved = 0;
	each_bit(&(struct fieldcase){ .fd = fd, .space = fd, .req = AXAS_TRANSLATE,
		 .tmpl = &x, .size = sizeof(x),
		 .off = offsetof(struct axas_xlate, reserved), .width = 4 },
		 "translate: reserved");
	EXPECT_NC(fd, translate(fd, 0, &x), ERANGE, "translate: below the space");
	EXPECT_NC(fd, translate(fd, MB(1) - 1, &x), ERANGE, "translate: the byte before the space");
	EXPECT_NC(fd, translate(fd, GB(1) + MB(1), &x), ERANGE, "translate: at the space's end");
	EXPECT_NC(fd, translate(fd, ~0ULL, &x), ERANGE, "translate: 2^64 - 1");
	EXPECT_NC(fd, translate(fd, MB(3), &x), ENOENT, "translate: nothing mapped");
	EXPECT_NC(fd, translate(fd, MB(4), &x), ENOENT, "translate: lazy, not faulted");
	/* The out fields are outputs: garbage in them is ignored. */
	memset(&x, 0xff, sizeof(x));
	x.guest_addr = MB(2) + 0x321;
	x.reserved = 0;
	ret = xio(fd, AXAS_TRANSLATE, &x);
	check(!ret && x.leaf_size == PAGE && x.flags == (R | W) &&
	      (priv ? (x.host_addr & (PAGE - 1)) == 0x321 : !x.host_addr),
	      "translate: garbage in the out fields is overwritten; host_addr keeps the byte offset%s",
	      priv ? "" : " (0 without CAP_SYS_ADMIN)");
	expect(translate(fd, GB(1) + MB(1) - 1, &x), ENOENT,
	       "translate: the last byte of the space (unmapped)");
	close(fd);
}

static void sec_stats(void)
{
	struct axas_space_stats st;
	long fd, fd2, ret;

	fd = mkspace(AXAS_FORMAT_EPT, 57, GB(2), GB(2));
	fd2 = mkspace(AXAS_FORMAT_EPT, 57, GB(2), GB(2));
	if (fd < 0 || fd2 < 0) {
		expect(fd < 0 ? fd : fd2, 0, "get_stats: create two spaces");
		goto out;
	}
	memset(&st, 0xff, sizeof(st));
	ret = xio(fd, AXAS_GET_STATS, &st);
	check(!ret && !st.reserved0 && !st.reserved[0] && !st.reserved[1] &&
	      !st.reserved[2] && !st.reserved[3],
	      "get_stats: garbage in -> reserved fields come back zero");
	check(check_empty_stats(fd, AXAS_FORMAT_EPT, 57, GB(2), GB(2)),
	      "get_stats: format, ia_bits, base, size, vmid of an empty space");
	{
		struct axas_space_stats a, b;

		get_stats(fd, &a);
		get_stats(fd2, &b);
		check(a.vmid && b.vmid && a.vmid != b.vmid,
		      "get_stats: two live spaces have different VMIDs (%u, %u)",
		      a.vmid, b.vmid);
	}
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

static void sec_dump(void)
{
	struct axas_dump d, d2;
	unsigned char *g, *ro;
	unsigned int b;
	void *buf;
	long fd, ret;

	if (!priv) {
		fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
		if (fd >= 0) {
			memset(&d, 0, sizeof(d));
			expect(xio(fd, AXAS_DUMP, &d), EPERM,
			       "dump: without CAP_SYS_ADMIN");
			close(fd);
		}
		skip(priv_reason, "dump: error cases");
		return;
	}
	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(4));
	if (fd < 0) {
		expect(fd, 0, "dump: create_space");
		return;
	}
	expect(map_alloc(fd, 0, MB(4), R | W | POPULATE), 0, "dump: map_alloc populate 4M");
	for (b = 0; b < 32; b++) {
		memset(&d, 0, sizeof(d));
		d.flags = 1U << b;
		EXPECT_NC(fd, xio(fd, AXAS_DUMP, &d), EINVAL, "dump: flag bit %u", b);
	}
	for (b = 0; b < 2; b++) {
		memset(&d, 0, sizeof(d));
		d.reserved[b] = 1;
		EXPECT_NC(fd, xio(fd, AXAS_DUMP, &d), EINVAL, "dump: reserved[%u] = 1", b);
		d.reserved[b] = 1ULL << 63;
		EXPECT_NC(fd, xio(fd, AXAS_DUMP, &d), EINVAL, "dump: reserved[%u] = 2^63", b);
		d.reserved[b] = 0;
		each_bit(&(struct fieldcase){ .fd = fd, .space = fd, .req = AXAS_DUMP,
			 .tmpl = &d, .size = sizeof(d),
			 .off = offsetof(struct axas_dump, reserved[b]), .width = 8 },
			 "dump: reserved[%u]", b);
	}
	memset(&d, 0, sizeof(d));
	ret = xio(fd, AXAS_DUMP, &d);
	expect(ret, ENOSPC, "dump: buf_size 0");
	check(d.buf_size > 0 && d.nr_tables >= 1 && d.root,
	      "dump: -ENOSPC still reports buf_size (%llu), nr_tables (%u), root",
	      (unsigned long long)d.buf_size, d.nr_tables);
	/* Exactly one byte short: nothing written. */
	buf = malloc(d.buf_size + 64);
	memset(buf, 0x6b, d.buf_size + 64);
	d2 = d;
	d2.buf = (uintptr_t)buf;
	d2.buf_size = d.buf_size - 1;
	d2.root = 0;
	d2.ctl = 0;
	d2.nr_tables = 0;
	expect(xio(fd, AXAS_DUMP, &d2), ENOSPC, "dump: buf_size one byte short");
	check(all_bytes(buf, d.buf_size + 64, 0x6b) && d2.buf_size == d.buf_size,
	      "dump: nothing written to a buffer too small, buf_size corrected");
	d2.buf = 0;
	d2.buf_size = 0;
	expect(xio(fd, AXAS_DUMP, &d2), ENOSPC, "dump: buf NULL, buf_size 0");
	d2.buf = 0;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), EFAULT, "dump: buf NULL, buf_size enough");
	d2.buf = KERNEL_ADDR;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), EFAULT, "dump: buf kernel address");
	ro = map_mem(d.buf_size + PAGE, PROT_READ);
	d2.buf = (uintptr_t)ro;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), EFAULT, "dump: buf read-only");
	munmap(ro, d.buf_size + PAGE);
	g = guard_page();
	d2.buf = (uintptr_t)g + PAGE - 64;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), EFAULT, "dump: buf runs into a PROT_NONE page");
	d2.buf = UNMAPPED_ADDR;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), EFAULT, "dump: buf unmapped");
	munmap(g, 2 * PAGE);
	d2.buf = (uintptr_t)buf;
	d2.buf_size = d.buf_size;
	expect(xio(fd, AXAS_DUMP, &d2), 0, "dump: buf_size exactly enough");
	check(d2.buf_size == d.buf_size && d2.nr_tables == d.nr_tables &&
	      d2.root == d.root && all_bytes((unsigned char *)buf + d.buf_size, 64, 0x6b),
	      "dump: writes buf_size bytes and no more");
	d2.buf_size = d.buf_size + 64;
	memset(buf, 0x6b, d.buf_size + 64);
	expect(xio(fd, AXAS_DUMP, &d2), 0, "dump: buf_size larger than needed");
	check(d2.buf_size == d.buf_size,
	      "dump: buf_size comes back as the bytes written");
	free(buf);
	close(fd);
}

/* ---- limits --------------------------------------------------------------------------- */

static const char *param_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/sys/module/axaddrspace/parameters/%s", name);
	return buf;
}

static long read_param(const char *name)
{
	char path[128], val[32];
	long v = -1;
	int fd = open(param_path(name, path, sizeof(path)), O_RDONLY);

	if (fd < 0)
		return -1;
	memset(val, 0, sizeof(val));
	if (read(fd, val, sizeof(val) - 1) > 0)
		v = strtol(val, NULL, 0);
	close(fd);
	return v;
}

static bool write_param(const char *name, long v)
{
	char path[128], val[32];
	int fd = open(param_path(name, path, sizeof(path)), O_WRONLY);
	int n;
	bool ok;

	if (fd < 0)
		return false;
	n = snprintf(val, sizeof(val), "%ld\n", v);
	ok = write(fd, val, n) == n;
	close(fd);
	return ok;
}

/*
 * Fault lazy pages into a space whose limit is @mb MiB, after populating
 * @fill_mb MiB of it, until the limit refuses one.
 */
static void fault_enospc(long mb, long fill_mb)
{
	struct axas_space_stats st;
	unsigned int i;
	long fd, ret = 0;

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(4));
	if (fd < 0) {
		expect(fd, 0, "fault: create_space for the limit");
		return;
	}
	if (fill_mb)
		expect(map_alloc(fd, GB(1), (u64)fill_mb << 20, R | W | POPULATE), 0,
		       "map_alloc: populate %ld of the %ld MiB limit", fill_mb, mb);
	expect(map_alloc(fd, 0, MB(8), R | W), 0, "fault: map_alloc lazy 8M near the limit");
	for (i = 0; i < 2048 && !ret; i++)
		ret = fault(fd, (u64)i * PAGE, W);
	get_stats(fd, &st);
	note("%u faults, stopped with %s; table_pages %llu data_pages %llu", i,
	     retname(ret), (unsigned long long)st.table_pages,
	     (unsigned long long)st.data_pages);
	check(ret == -ENOSPC && i > 1 &&
	      (st.table_pages + st.data_pages) * PAGE <= (u64)mb << 20,
	      "fault: -ENOSPC once the space's tables and frames reach max_space_mb");
	EXPECT_NC(fd, fault(fd, (u64)i * PAGE, W), ENOSPC, "fault: the next one too");
	EXPECT_NC(fd, map_alloc(fd, MB(16), PAGE, R | W | POPULATE), ENOSPC,
		  "map_alloc: populate 4K at the limit");
	expect(map_alloc(fd, MB(16), PAGE, R | W), 0, "map_alloc: lazy 4K at the limit is fine");
	expect(unmap(fd, 0, MB(8)), 0, "unmap: frees the faulted frames");
	expect(fault(fd, MB(16), W), 0, "fault: works again after the unmap");
	close(fd);
}

static void sec_limits(void)
{
	long fd, ret, mb = max_space_mb_cap, old;
	struct axas_space_stats st;

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, 1ULL << 48);
	if (fd < 0) {
		expect(fd, 0, "limits: create_space");
		return;
	}
	if (mb > 0) {
		EXPECT_NC(fd, map_alloc(fd, 0, (u64)mb << 20, R | W | POPULATE), ENOSPC,
			  "map_alloc: populate max_space_mb (%ld MiB) plus the root", mb);
		EXPECT_NC(fd, map_alloc(fd, 0, 1ULL << 40, R | W | POPULATE), ENOSPC,
			  "map_alloc: populate 1 TiB");
		EXPECT_NC(fd, map_alloc(fd, 0, 1ULL << 47, R | W | POPULATE), ENOSPC,
			  "map_alloc: populate 128 TiB");
	} else {
		skip("CHECK_EXTENSION(MAX_SPACE_MB) failed",
		     "map_alloc: populate beyond max_space_mb");
	}
	expect(map_alloc(fd, 0, 1ULL << 40, R | W), 0,
	       "map_alloc: lazy 1 TiB (nothing allocated yet)");
	expect(fault(fd, (1ULL << 40) - PAGE, W), 0, "fault: the last page of it");
	get_stats(fd, &st);
	check(st.data_pages == 1, "map_alloc: lazy 1 TiB holds one data page after a fault");
	expect(unmap(fd, 0, 1ULL << 40), 0, "unmap: the 1 TiB range");
	close(fd);

	/* Faults that run into the per-space limit, with the parameter lowered. */
	old = read_param("max_space_mb");
	if (priv && old > 0 && write_param("max_space_mb", 1)) {
		ret = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_MAX_SPACE_MB);
		check(ret == 1, "check_extension: MAX_SPACE_MB follows the parameter (1)");
		fault_enospc(1, 0);
		write_param("max_space_mb", old);
	} else if (mb > 0 && mb <= 512) {
		/* Read-only parameter: fill the limit with one eager range. */
		fault_enospc(mb, mb - 1);
	} else {
		skip(mb > 512 ? "max_space_mb above 512 MiB and its parameter is read-only" :
		     "CHECK_EXTENSION(MAX_SPACE_MB) failed",
		     "fault: -ENOSPC at max_space_mb");
	}
}

static void sec_maxspaces(void)
{
	long n = max_spaces_cap, ret;
	struct rlimit rl;
	long *fds;
	long i, made = 0;

	if (n <= 0 || n > 64) {
		char why[96];

		snprintf(why, sizeof(why), "max_spaces is %ld: more than 64 spaces to create", n);
		skip(why, "create_space: max_spaces + 1 -> ENOSPC");
		return;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)n + 32) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	fds = calloc(n + 1, sizeof(*fds));
	for (i = 0; i < n; i++) {
		fds[i] = mkspace(i % 3, i % 3 == 0 ? 48 : i % 3 == 1 ? 40 : 41, 0, GB(1));
		if (fds[i] < 0) {
			note("space %ld: %s", i, retname(fds[i]));
			break;
		}
		made++;
	}
	check(made == n, "create_space: max_spaces (%ld) spaces at once", n);
	ret = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	if (ret >= 0)
		close(ret);
	expect(ret, ENOSPC, "create_space: one more than max_spaces");
	if (made) {
		close(fds[made - 1]);
		fds[made - 1] = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
		expect(fds[made - 1], 0, "create_space: after closing one");
		if (fds[made - 1] < 0)
			made--;
	}
	for (i = 0; i < made; i++)
		close(fds[i]);
	free(fds);
	ret = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	expect(ret, 0, "create_space: after closing them all");
	if (ret >= 0)
		close(ret);
}

/* ---- children: results come back through a pipe ---------------------------------- */

/*
 * Run @fn in a child; its results are reported as ours. False if it could
 * not be started; otherwise its wait status in @status.
 */
static bool run_child_status(const char *what, void (*fn)(void *), void *arg,
			     int *status)
{
	char line[1024];
	int pfd[2];
	pid_t pid;
	FILE *in;

	fflush(stdout);
	if (pipe(pfd)) {
		check(false, "%s: pipe", what);
		return false;
	}
	pid = fork();
	if (pid < 0) {
		check(false, "%s: fork", what);
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (!pid) {
		close(pfd[0]);
		report_fd = pfd[1];
		fn(arg);
		_exit(0);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		char *tab, *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		if (line[0] == 'D') {
			note("%s", line + 1);
		} else if (line[0] == '#') {
			printf("%s\n", line);
		} else if (line[0] == 'R') {
			tab = strchr(line, '\t');
			if (tab)
				*tab++ = 0;
			emit(line[1] - '0', line + 3, tab);
		}
	}
	if (in)
		fclose(in);
	else
		close(pfd[0]);
	waitpid(pid, status, 0);
	return true;
}

static void run_child(const char *what, void (*fn)(void *), void *arg)
{
	int status;

	if (!run_child_status(what, fn, arg, &status))
		return;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		note("child status %#x%s%s", status,
		     WIFSIGNALED(status) ? ": killed by " : "",
		     WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "");
		check(false, "%s: the child process finished cleanly", what);
	}
}

/* ---- an unprivileged caller ----------------------------------------------------------- */

#define U_ALLOC		KB(64)	/* root's space: populated 16K rw */
#define U_LIN		(U_ALLOC + KB(16))	/* right after it: an alias, 4K */

struct unpriv_arg {
	int space;	/* created by root, inherited */
	u64 lin_hpa;
};

static void unpriv_child(void *p)
{
	struct unpriv_arg *ua = p;
	unsigned char buf[64], *g, *mem;
	struct axas_range r;
	struct axas_dump d;
	struct axas_xlate x;
	struct rlimit rl;
	long dfd, fd, lck;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		note("dropping privileges: %s", strerror(errno));
		check(false, "unpriv: setgroups, setresgid, setresuid(65534)");
		return;
	}
	check(geteuid() == 65534 && cap_eff() == 0,
	      "unpriv: uid 65534 with no capabilities (CapEff %#llx)", cap_eff());
	dfd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		note("open: %s", strerror(errno));
	check(dfd >= 0, "unpriv: open %s (mode 0666)", dev_path);
	if (dfd < 0)
		dfd = devfd;	/* inherited: capabilities count at call time */
	devfd = dfd;
	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(4));
	expect(fd, 0, "unpriv: create_space");
	if (fd < 0)
		return;

	/* Host-physical memory is out of reach. */
	EXPECT_NC(fd, map_linear(fd, MB(1), LIN_HPA, PAGE, R), EPERM,
		  "unpriv: map_linear on its own space");
	EXPECT_NC(ua->space, map_linear(ua->space, MB(1), ua->lin_hpa, PAGE, R | W), EPERM,
		  "unpriv: map_linear on root's space (inherited fd)");
	EXPECT_NC(fd, map_linear(fd, MB(1), LIN_HPA, PAGE, 0), EPERM,
		  "unpriv: map_linear with bad flags (EPERM comes first)");
	EXPECT_NC(fd, map_linear(fd, MB(1) + 1, LIN_HPA, 0, R), EPERM,
		  "unpriv: map_linear misaligned, size 0 (EPERM comes first)");
	memset(&r, 0, sizeof(r));
	r.guest_addr = MB(1);
	r.size = PAGE;
	r.flags = R;
	r.reserved = 1;
	EXPECT_NC(fd, xio(fd, AXAS_MAP_LINEAR, &r), EPERM,
		  "unpriv: map_linear with reserved set (EPERM comes first)");
	EXPECT_NC(fd, xio(fd, AXAS_MAP_LINEAR, NULL), EFAULT,
		  "unpriv: map_linear arg NULL (EFAULT of the argument comes first)");
	memset(&d, 0, sizeof(d));
	EXPECT_NC(fd, xio(fd, AXAS_DUMP, &d), EPERM, "unpriv: dump its own space");
	EXPECT_NC(ua->space, xio(ua->space, AXAS_DUMP, &d), EPERM,
		  "unpriv: dump root's space");
	check(!d.buf_size && !d.root && !d.nr_tables,
	      "unpriv: a refused dump reveals nothing (root register, sizes)");

	/* Translations without host addresses. */
	expect(translate(ua->space, U_ALLOC + 0x10, &x), 0, "unpriv: translate root's page");
	check(!x.host_addr && x.leaf_size == PAGE && x.flags == (R | W),
	      "unpriv: translate gives host_addr 0, the leaf size and flags");
	expect(translate(ua->space, U_LIN, &x), 0, "unpriv: translate root's linear page");
	check(!x.host_addr, "unpriv: translate of a linear page gives host_addr 0");

	/* Guest memory that is host-physical memory. */
	memset(buf, 0x3c, sizeof(buf));
	EXPECT_NC(ua->space, guest_rw(ua->space, false, U_LIN, buf, 16), EPERM,
		  "unpriv: guest_read of a range root mapped linearly");
	check(all_bytes(buf, sizeof(buf), 0x3c), "unpriv: nothing was read");
	EXPECT_NC(ua->space, guest_rw(ua->space, true, U_LIN, buf, 16), EPERM,
		  "unpriv: guest_write of a range root mapped linearly");
	EXPECT_NC(ua->space, guest_rw(ua->space, false, U_LIN - 8, buf, 16), EPERM,
		  "unpriv: guest_read ending in a linear range");
	EXPECT_NC(ua->space, guest_rw(ua->space, true, U_LIN - 8, buf, 16), EPERM,
		  "unpriv: guest_write ending in a linear range");
	expect(guest_rw(ua->space, false, U_ALLOC, buf, 16), 0,
	       "unpriv: guest_read of root's allocated range is allowed");
	check(buf[0] == 0xa7 && buf[15] == 0xa7, "unpriv: it reads what root wrote");

	/* Memory it does not own. */
	EXPECT_NC(fd, region(fd, MB(1), PAGE, (void *)KERNEL_ADDR, R | W), EFAULT,
		  "unpriv: set_user_region of a kernel address");
	EXPECT_NC(fd, region(fd, MB(1), PAGE, (void *)KERNEL_ADDR, R), EFAULT,
		  "unpriv: set_user_region of a kernel address, read-only");
	EXPECT_NC(fd, region(fd, MB(1), PAGE, (void *)UNMAPPED_ADDR, R | W), EFAULT,
		  "unpriv: set_user_region of an unmapped address");
	g = guard_page();
	EXPECT_NC(fd, region(fd, MB(1), PAGE, g + PAGE, R | W), EFAULT,
		  "unpriv: set_user_region of a PROT_NONE page");
	EXPECT_NC(fd, region(fd, MB(1), PAGE, NULL, R), EFAULT,
		  "unpriv: set_user_region of address 0");
	munmap(g, 2 * PAGE);

	/* RLIMIT_MEMLOCK applies (no CAP_IPC_LOCK). */
	rl.rlim_cur = KB(64);
	rl.rlim_max = KB(64);
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		note("setrlimit: %s", strerror(errno));
	mem = user_mem(MB(1));
	lck = vmlck_kb();
	EXPECT_NC(fd, region(fd, MB(1), MB(1), mem, R | W), ENOMEM,
		  "unpriv: set_user_region 1M with RLIMIT_MEMLOCK 64K");
	g = guard_page();
	EXPECT_NC(fd, region(fd, MB(1), MB(1), g, R | W), ENOMEM,
		  "unpriv: 1M beyond RLIMIT_MEMLOCK over unmapped pages (the limit is checked first)");
	munmap(g, 2 * PAGE);
	expect(region(fd, MB(1), KB(32), mem, R | W), 0,
	       "unpriv: set_user_region 32K within RLIMIT_MEMLOCK");
	EXPECT_NC(fd, region(fd, MB(2), KB(64), mem + KB(64), R | W), ENOMEM,
		  "unpriv: another 64K exceeds RLIMIT_MEMLOCK");
	expect(region(fd, MB(2), KB(32), mem + KB(64), R), 0,
	       "unpriv: another 32K reaches it exactly");
	check(vmlck_kb() == lck + 64, "unpriv: VmLck +64 kB");
	expect(unmap(fd, MB(1), KB(32)), 0, "unpriv: unmap the first region");
	expect(region(fd, MB(3), KB(32), mem + KB(128), R | W), 0,
	       "unpriv: the unmapped 32K can be pinned again");

	/* Everything else works for it. */
	expect(map_alloc(fd, MB(8), KB(64), R | W), 0, "unpriv: map_alloc lazy");
	expect(fault(fd, MB(8), W), 0, "unpriv: fault");
	expect(guest_rw(fd, true, MB(8), buf, 16), 0, "unpriv: guest_write");
	expect(protect(fd, MB(8), KB(64), R), 0, "unpriv: protect");
	close(fd);
	check(vmlck_kb() == lck, "unpriv: closing its space unpinned everything");
	munmap(mem, MB(1));
}

static void sec_unpriv(void)
{
	struct unpriv_arg ua;
	unsigned char pat[16];
	struct axas_xlate x;
	long fd;

	if (!is_root) {
		skip("not root: cannot fork an unprivileged child from a privileged parent",
		     "unpriv: the unprivileged caller");
		return;
	}
	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(4));
	if (fd < 0) {
		expect(fd, 0, "unpriv: root's create_space");
		return;
	}
	memset(pat, 0xa7, sizeof(pat));
	expect(map_alloc(fd, U_ALLOC, KB(16), R | W | POPULATE), 0, "unpriv: root maps 16K");
	expect(guest_rw(fd, true, U_ALLOC, pat, sizeof(pat)), 0, "unpriv: root writes it");
	ua.space = fd;
	ua.lin_hpa = 0;
	if (!translate(fd, U_ALLOC, &x))
		ua.lin_hpa = x.host_addr;
	expect(map_linear(fd, U_LIN, ua.lin_hpa, PAGE, R | W), 0,
	       "unpriv: root maps a linear alias of that frame");
	run_child("unpriv", unpriv_child, &ua);
	close(fd);
}

/* A process with no free descriptor. */
static void emfile_child(void *arg)
{
	struct rlimit rl;
	int lowest;
	long fd;

	(void)arg;
	lowest = dup(0);
	if (lowest < 0)
		lowest = 3;
	else
		close(lowest);
	rl.rlim_cur = lowest;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = lowest;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		note("setrlimit: %s", strerror(errno));
		check(false, "create_space: no free descriptor");
		return;
	}
	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	expect(fd, EMFILE, "create_space: no free descriptor (RLIMIT_NOFILE)");
}

static void sec_emfile(void)
{
	run_child("emfile", emfile_child, NULL);
}

/* ---- descriptors: closed, duplicated, inherited ------------------------------------- */

static void fork_reader(void *arg)
{
	int fd = *(int *)arg;
	unsigned char buf[8];

	expect(guest_rw(fd, false, MB(1), buf, 8), 0,
	       "fork: the child reads through the inherited fd");
	check(buf[0] == 0x42, "fork: and sees the parent's data");
	expect(fault(fd, MB(1) + PAGE, W), 0, "fork: the child faults a page in");
}

static void sec_fds(void)
{
	struct axas_space_stats st;
	unsigned char b = 0x42;
	struct axas_xlate x;
	long fd, fd2, dfd;
	int ifd;

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	if (fd < 0) {
		expect(fd, 0, "fds: create_space");
		return;
	}
	expect(map_alloc(fd, MB(1), KB(16), R | W), 0, "fds: map_alloc lazy");
	expect(fault(fd, MB(1), W), 0, "fds: fault");
	expect(guest_rw(fd, true, MB(1), &b, 1), 0, "fds: guest_write");
	fd2 = dup(fd);
	close(fd);
	expect(get_stats(fd, &st), EBADF, "closed space fd: get_stats");
	expect(translate(fd, MB(1), &x), EBADF,
	       "closed space fd: translate");
	expect(map_alloc(fd, MB(2), PAGE, R), EBADF, "closed space fd: map_alloc");
	expect(get_stats(fd2, &st), 0, "dup: the space lives on through a duplicate");
	check(st.data_pages == 1, "dup: with its frame");
	ifd = fd2;
	run_child("fork", fork_reader, &ifd);
	get_stats(fd2, &st);
	check(st.data_pages == 2 && st.faults == 2,
	      "fork: the child's fault shows in the parent's space");
	close(fd2);

	/* The space outlives /dev/axaddrspace's descriptor. */
	dfd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dfd >= 0) {
		struct axas_create_space cs = {
			.format = AXAS_FORMAT_RISCV_GSTAGE, .ia_bits = 41, .size = GB(1),
		};

		fd = xio(dfd, AXAS_CREATE_SPACE, &cs);
		close(dfd);
		expect(fd, 0, "fds: create_space on a second /dev fd");
		if (fd >= 0) {
			expect(map_alloc(fd, 0, PAGE, R | W | POPULATE), 0,
			       "fds: the space works after its /dev fd is closed");
			close(fd);
		}
		expect(xio_val(dfd, AXAS_GET_API_VERSION, 0), EBADF,
		       "closed /dev fd: get_api_version");
		expect(xio_val(dfd, AXAS_CHECK_EXTENSION, 1), EBADF,
		       "closed /dev fd: check_extension");
	} else {
		check(false, "fds: open a second /dev fd");
	}
}

/* ---- concurrency ------------------------------------------------------------------- */

#define RACE_THREADS	4
#define RACE_ROUNDS	12
#define RACE_MAX_ITERS	200000L

struct race {
	int fd;
	unsigned int id;
	atomic_long *progress;
	atomic_int *closed;
	long calls;
	long ebadf;
	long unexpected;
	int bad_errno;
	int bad_op;
};

static void *race_worker(void *p)
{
	struct race *r = p;
	unsigned char buf[256];
	struct axas_space_stats st;
	struct axas_xlate x;
	u64 mine = MB(8) + (u64)r->id * MB(1);
	long i, ret = 0;

	for (i = 0; i < RACE_MAX_ITERS; i++) {
		int op = (i + r->id) % 6;

		switch (op) {
		case 0:
			ret = get_stats(r->fd, &st);
			break;
		case 1:
			ret = translate(r->fd, MB(1) + (i % 16) * PAGE, &x);
			break;
		case 2:
			ret = guest_rw(r->fd, false, MB(1), buf, sizeof(buf));
			break;
		case 3:
			ret = fault(r->fd, MB(2) + (i % 64) * PAGE, W);
			break;
		case 4:
			ret = map_alloc(r->fd, mine, KB(64), R | W | POPULATE);
			break;
		default:
			ret = unmap(r->fd, mine, KB(64));
			break;
		}
		r->calls++;
		atomic_fetch_add(r->progress, 1);
		if (ret == -EBADF) {
			if (!atomic_load(r->closed) && !r->unexpected++) {
				r->bad_errno = EBADF;
				r->bad_op = op;
			}
			if (++r->ebadf >= 64)
				break;
			continue;
		}
		if (ret < 0 && ret != -ENOENT && ret != -EEXIST) {
			if (!r->unexpected++) {
				r->bad_errno = -ret;
				r->bad_op = op;
			}
		}
	}
	return NULL;
}

/* Fault every page of a 64-page lazy range, in an order of its own. */
static void *fault_all(void *p)
{
	struct race *r = p;
	unsigned int i;

	for (i = 0; i < 64; i++) {
		unsigned int pg = (i * 7 + r->id * 13) % 64;

		if (fault(r->fd, MB(2) + pg * PAGE, W))
			r->unexpected++;
	}
	return NULL;
}

static void sec_race(void)
{
	long total_calls = 0, total_unexpected = 0, rounds_ok = 0, after_ok = 0;
	unsigned int round, t;

	for (round = 0; round < RACE_ROUNDS; round++) {
		pthread_t th[RACE_THREADS];
		struct race r[RACE_THREADS];
		atomic_long progress = 0;
		atomic_int closed = 0;
		struct axas_space_stats st;
		struct timespec ts = { 0, 1000000 };
		unsigned int spins;
		long fd;

		fd = mkspace(round % 3, round % 3 == 0 ? 48 : round % 3 == 1 ? 40 : 41,
			     0, GB(1));
		if (fd < 0) {
			note("round %u: create_space: %s", round, retname(fd));
			continue;
		}
		map_alloc(fd, MB(1), KB(64), R | W | POPULATE);
		map_alloc(fd, MB(2), KB(256), R | W);
		for (t = 0; t < RACE_THREADS; t++) {
			memset(&r[t], 0, sizeof(r[t]));
			r[t].fd = fd;
			r[t].id = t;
			r[t].progress = &progress;
			r[t].closed = &closed;
			pthread_create(&th[t], NULL, race_worker, &r[t]);
		}
		/* Let them get going, then pull the descriptor away. */
		for (spins = 0; atomic_load(&progress) < 500 + round * 300 &&
		     spins < 5000; spins++)
			nanosleep(&ts, NULL);
		atomic_store(&closed, 1);
		close(fd);
		for (t = 0; t < RACE_THREADS; t++) {
			pthread_join(th[t], NULL);
			total_calls += r[t].calls;
			total_unexpected += r[t].unexpected;
			if (r[t].unexpected)
				note("round %u thread %u: op %d got %s (%ld unexpected)",
				     round, t, r[t].bad_op, axd_errname(r[t].bad_errno),
				     r[t].unexpected);
		}
		rounds_ok++;
		if (get_stats(fd, &st) == -EBADF)
			after_ok++;
	}
	check(rounds_ok == RACE_ROUNDS && !total_unexpected,
	      "race: close() while %d threads run ioctls: no crash, only 0/ENOENT/EEXIST before and EBADF after (%u rounds, %ld calls)",
	      RACE_THREADS, RACE_ROUNDS, total_calls);
	check(after_ok == RACE_ROUNDS, "race: the closed fd -> EBADF");

	/* Concurrent faults on the same lazy pages: each installed once. */
	{
		pthread_t th[RACE_THREADS];
		struct race r[RACE_THREADS];
		struct axas_space_stats st;
		long fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
		long bad = 0;

		if (fd < 0) {
			expect(fd, 0, "race: create_space");
			return;
		}
		expect(map_alloc(fd, MB(2), KB(256), R | W), 0, "race: map_alloc lazy 256K");
		for (t = 0; t < RACE_THREADS; t++) {
			memset(&r[t], 0, sizeof(r[t]));
			r[t].fd = fd;
			r[t].id = t;
			pthread_create(&th[t], NULL, fault_all, &r[t]);
		}
		for (t = 0; t < RACE_THREADS; t++) {
			pthread_join(th[t], NULL);
			bad += r[t].unexpected;
		}
		get_stats(fd, &st);
		note("faults %llu spurious %llu data_pages %llu failures %ld",
		     (unsigned long long)st.faults,
		     (unsigned long long)st.spurious_faults,
		     (unsigned long long)st.data_pages, bad);
		check(!bad && st.faults == 64 && st.data_pages == 64 &&
		      st.faults + st.spurious_faults == 64 * RACE_THREADS,
		      "race: %d threads fault the same 64 lazy pages: 64 installed, the rest spurious",
		      RACE_THREADS);
		close(fd);
	}
}

/* ---- lifetime ----------------------------------------------------------------------- */

static void sec_lifetime(void)
{
	long avail0, avail1, lck0 = vmlck_kb(), fd;
	unsigned char *mem = user_mem(KB(64));
	unsigned int i, fails = 0;

	avail0 = mem_available_kb();
	for (i = 0; i < 1000; i++) {
		unsigned int f = i % ARRAY_SIZE(fmtcfgs);
		long ret;

		fd = mkspace(fmtcfgs[f].format, fmtcfgs[f].bits, 0, GB(1));
		if (fd < 0) {
			if (fails++ < 3)
				note("iteration %u: create_space: %s", i, retname(fd));
			continue;
		}
		ret = map_alloc(fd, 0, KB(64), R | W | POPULATE);
		ret = ret ?: map_alloc(fd, MB(2), MB(2), R | W);
		ret = ret ?: fault(fd, MB(3), W);
		ret = ret ?: region(fd, MB(8), KB(64), mem, R | W);
		if (ret && fails++ < 3)
			note("iteration %u: %s", i, retname(ret));
		close(fd);
	}
	avail1 = mem_available_kb();
	check(!fails,
	      "lifetime: 1000 x (create, populate 64K, fault, pin 64K, close), every format");
	check(vmlck_kb() == lck0, "lifetime: VmLck back to %ld kB", lck0);
	note("MemAvailable %ld kB -> %ld kB", avail0, avail1);
	check(avail0 < 0 || avail1 >= avail0 - 16384,
	      "lifetime: MemAvailable did not drop by 16 MiB or more (%ld kB)",
	      avail0 - avail1);
	fd = mkspace(AXAS_FORMAT_ARM_S2, 40, 0, GB(1));
	expect(fd, 0, "lifetime: VMIDs were recycled (arm-s2 has 8-bit VMIDs)");
	if (fd >= 0)
		close(fd);
	munmap(mem, KB(64));
}

/* ---- the VMM tool ---------------------------------------------------------------------- */

static char axasctl_path[600];

/* axasctl next to this program, or in /bin. */
static bool find_axasctl(void)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(axasctl_path, sizeof(axasctl_path), "%s/axasctl", self);
			if (!access(axasctl_path, X_OK))
				return true;
		}
	}
	snprintf(axasctl_path, sizeof(axasctl_path), "/bin/axasctl");
	return !access(axasctl_path, X_OK);
}

/*
 * Run axasctl with @args (NULL-terminated), optionally as uid 65534, and
 * collect stdout and stderr together. Returns the exit status or -1.
 */
static int run_axasctl(bool unpriv, char *out, size_t outlen, const char *const *args)
{
	char *argv[64];
	int pfd[2], status, n = 0;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	argv[n++] = axasctl_path;
	while (*args && n < 63)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	fflush(stdout);
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		if (unpriv && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			       setresuid(65534, 65534, 65534)))
			_exit(99);
		execv(axasctl_path, argv);
		_exit(98);
	}
	close(pfd[1]);
	while ((r = read(pfd[0], out + len, outlen - 1 - len)) > 0)
		len += r;
	out[len] = 0;
	if (r > 0 || len == outlen - 1) {
		char sink[4096];

		while (read(pfd[0], sink, sizeof(sink)) > 0)
			;
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned int count_str(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void note_tail(const char *out)
{
	size_t len = strlen(out);
	const char *p = len > 1500 ? out + len - 1500 : out;
	char line[256];

	while (*p) {
		size_t l = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)(l < 255 ? l : 255), p);
		note("| %s", line);
		p += l + (p[l] == '\n');
	}
}

static void sec_axasctl(void)
{
	static const char *const scenario[] = {
		"create", "ept", "48", "0", "4G", "map-alloc", "0x0", "64M", "rw",
		"map-alloc", "0x10000000", "8M", "rwx", "lazy",
		"fault", "0x10001000", "w", "write", "0x1000", "hello",
		"read", "0x1000", "5", "region", "0x20000000", "2M", "rw",
		"protect", "0x0", "2M", "r", "unmap", "0x200000", "4K",
		"translate", "0x1000", "stats", "tree", NULL,
	};
	static const char *const bad[] = {
		"create", "arm-s2", "40", "0", "4G", "map-alloc", "0x1000", "4K", "rw",
		"map-alloc", "0x1000", "4K", "rw", "read", "0x1000", "4", NULL,
	};
	static const char *const keep[] = {
		"-k", "create", "riscv-gstage", "41", "0", "4G", "fault", "0x0", "r",
		"map-alloc", "0x0", "4K", "rw", "unmap", "0x0", "8K", "stats", NULL,
	};
	static const char *const blocks[] = {
		"create", "native", NATIVE_4L_BITS, "0", "8G", "map-linear", "0x40000000",
		"0x40000000", "1G", "r", "device", "map-linear", "0x80000000",
		"0x40000000", "4M", "rw", "unmap", "0x80000000", "4K", "tree",
		"0x40000000", "2G", "caps", NULL,
	};
	static const char *const fallback[] = {
		"create", "arm-s2", "36", "0", "4G", "map-alloc", "0x0", "1M", "rw",
		"map-alloc", "0x200000", "1M", "r", "lazy", "fault", "0x201000", "r",
		"tree", NULL,
	};
	static char out[1 << 20];
	int rc;

	if (!find_axasctl()) {
		skip("axasctl is neither next to axas_test nor in /bin", "axasctl: runs");
		return;
	}
	rc = run_axasctl(false, out, sizeof(out), scenario);
	if (rc || !strstr(out, "|hello|") || strstr(out, "MALFORMED") ||
	    !strstr(out, "leaf 4K") || !strstr(out, "EPTP"))
		note_tail(out);
	check(rc == 0 && strstr(out, "|hello|") && !strstr(out, "MALFORMED") &&
	      strstr(out, "EPTP") && strstr(out, "installed a zeroed frame") &&
	      strstr(out, "x 4K leaves"),
	      "axasctl: the example scenario runs, reads back \"hello\", prints the tree");
	rc = run_axasctl(false, out, sizeof(out), bad);
	if (rc != 1 || !strstr(out, "axasctl: map-alloc: File exists (EEXIST)") ||
	    strstr(out, "read:"))
		note_tail(out);
	check(rc == 1 && strstr(out, "axasctl: map-alloc: File exists (EEXIST)") &&
	      !strstr(out, "read:"),
	      "axasctl: a failing call prints its errno and exits 1 at once");
	rc = run_axasctl(false, out, sizeof(out), keep);
	if (rc != 1 || count_str(out, "axasctl: ") != 2 || !strstr(out, "stats:"))
		note_tail(out);
	check(rc == 1 && strstr(out, "axasctl: fault: No such file or directory (ENOENT)") &&
	      strstr(out, "axasctl: unmap: No such file or directory (ENOENT)") &&
	      strstr(out, "stats:"),
	      "axasctl: -k goes on after failures and exits 1");
	if (priv) {
		rc = run_axasctl(false, out, sizeof(out), blocks);
		if (rc || !strstr(out, "leaf 1G") || !strstr(out, "leaf 2M") ||
		    !strstr(out, "511 x 4K leaves"))
			note_tail(out);
		check(rc == 0 && strstr(out, "leaf 1G") && strstr(out, "leaf 2M") &&
		      strstr(out, "511 x 4K leaves") && !strstr(out, "MALFORMED"),
		      "axasctl: native format: 1G and 2M leaves, a split block in the tree");
	} else {
		skip(priv_reason, "axasctl: map-linear and the raw tree");
	}
	if (is_root) {
		rc = run_axasctl(true, out, sizeof(out), fallback);
		if (rc || !strstr(out, "needs CAP_SYS_ADMIN") || !strstr(out, "pa hidden"))
			note_tail(out);
		check(rc == 0 && strstr(out, "needs CAP_SYS_ADMIN") &&
		      strstr(out, "256 x 4K leaves pa hidden") &&
		      strstr(out, "255 pages of those ranges not present"),
		      "axasctl: without CAP_SYS_ADMIN the tree is built from TRANSLATE");
	} else {
		skip("not root", "axasctl: the unprivileged tree");
	}
}

/*
 * The whole suite (the quick sections) again as uid 65534 without any
 * capability: every privileged case must skip, nothing may fail.
 */
static void sec_nonroot(void)
{
	static const char sections_list[] =
		"sys,notty,create,badptr,range,formats,rw,fault,translate,stats,dump,limits,fds";
	static char out[1 << 20];
	char self[512], line[512];
	int pfd[2], status, pass = -1, fail = -1, skipped = -1;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	char *p;

	if (!is_root) {
		skip("already unprivileged", "nonroot: the suite as uid 65534");
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		skip("no /proc/self/exe", "nonroot: the suite as uid 65534");
		return;
	}
	self[n] = 0;
	fflush(stdout);
	if (pipe(pfd)) {
		check(false, "nonroot: pipe");
		return;
	}
	pid = fork();
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		execl(self, self, "-d", dev_path, "-s", sections_list, (char *)NULL);
		_exit(98);
	}
	close(pfd[1]);
	while (len < sizeof(out) - 1 &&
	       (n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	while (read(pfd[0], line, sizeof(line)) > 0)
		;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	for (p = out; *p; ) {
		size_t l = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)(l < 511 ? l : 511), p);
		if (!strncmp(line, "not ok", 6))
			note("%s", line);
		if (sscanf(line, "%d passed, %d failed, %d skipped", &pass, &fail,
			   &skipped) == 3)
			note("%s", line);
		p += l + (p[l] == '\n');
	}
	check(WIFEXITED(status) && !WEXITSTATUS(status) && pass > 0 && !fail,
	      "nonroot: the suite as uid 65534: %d passed, %d failed, %d skipped",
	      pass, fail, skipped);
}

/* ---- memory cgroup charges ------------------------------------------------------------ */

#define CG_ROOT		"/sys/fs/cgroup"
/*
 * Charges are taken from the page counter in batches of up to
 * MEMCG_CHARGE_BATCH (64) pages and the surplus is kept per CPU, plus a
 * page of object bytes: memory.current may run that far ahead of (or,
 * while such a stock is consumed, behind) what was allocated.
 */
#define MEMCG_STOCK_PAGES	65

#define MEMCG_LIMIT_CALL "memcg: populate 64 MiB beyond memory.max (+8 MiB) -> ENOMEM"
#define MEMCG_LIMIT_SAME "memcg: the refused populate changed nothing (GET_STATS)"

struct memcg_arg {
	char dir[128];		/* the child's cgroup */
	long long slack;	/* bytes the per-CPU stocks may account for */
};

static bool cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

static bool cg_write(const char *dir, const char *file, const char *val)
{
	ssize_t n, len = strlen(val);
	char path[256];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		note("open %s: %s", path, strerror(errno));
		return false;
	}
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n != len)
		note("write '%s' to %s: %s", val, path, n < 0 ? strerror(err) : "short write");
	return n == len;
}

/* memory.current in bytes, -1 if it cannot be read. */
static long long cg_current(const char *dir)
{
	char buf[64];

	if (!cg_read(dir, "memory.current", buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* The count of @key in memory.events, -1 if absent. */
static long long cg_event(const char *dir, const char *key)
{
	size_t len = strlen(key);
	char buf[512], *p = buf;

	if (!cg_read(dir, "memory.events", buf, sizeof(buf)))
		return -1;
	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (!p[len] || p[len] == ' ' || p[len] == '\n'))
			return true;
		p += len;
	}
	return false;
}

/*
 * In a child: move into @ma->dir, note memory.current there in @joined,
 * open the device anew (this process's own file) and create a native
 * space. The space fd, or -1.
 */
static long memcg_setup(const struct memcg_arg *ma, int *dfd, long long *joined)
{
	long fd;

	*dfd = -1;
	if (!cg_write(ma->dir, "cgroup.procs", "0")) {
		check(false, "memcg: the child moves into %s", ma->dir);
		return -1;
	}
	*joined = cg_current(ma->dir);
	*dfd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (*dfd < 0) {
		note("open %s: %s", dev_path, strerror(errno));
		check(false, "memcg: the child opens %s", dev_path);
		return -1;
	}
	devfd = *dfd;
	fd = mkspace(NATIVE_FORMAT, atoi(NATIVE_4L_BITS), 0, GB(1));
	expect(fd, 0, "memcg: the child creates a %s space in its own cgroup",
	       fmt_name(NATIVE_FORMAT));
	if (fd < 0) {
		close(*dfd);
		return -1;
	}
	return fd;
}

static long long pages_delta(u64 before, u64 after)
{
	return ((long long)after - (long long)before) * (long long)PAGE;
}

/*
 * memory.current went from @base to @cur across a call that took the
 * stats from @a to @b: it must have grown by what GET_STATS counts (an
 * independent count of table pages and frames), that is @frames of frames
 * and some tables, give or take the per-CPU stocks and less than 4 MiB of
 * bookkeeping.
 */
static void memcg_grew(const struct memcg_arg *ma, const char *what,
		       const struct axas_space_stats *a,
		       const struct axas_space_stats *b,
		       long long base, long long cur, u64 frames)
{
	long long data = pages_delta(a->data_pages, b->data_pages);
	long long tables = pages_delta(a->table_pages, b->table_pages);
	long long delta = cur - base, want = data + tables;

	comment("memcg: %s: memory.current %+lld KiB (%lld -> %lld)", what, delta >> 10,
		base, cur);
	comment("memcg: %s: GET_STATS %+lld KiB of frames, %+lld KiB of tables (slack %lld KiB)",
		what, data >> 10, tables >> 10, ma->slack >> 10);
	check(data == (long long)frames, "memcg: %s: GET_STATS counts %llu MiB more of frames",
	      what, (unsigned long long)frames >> 20);
	check(base >= 0 && cur >= 0 && delta >= want - ma->slack &&
	      delta >= (long long)frames - ma->slack && delta < (long long)(frames + MB(4)),
	      "memcg: %s: memory.current grew by those frames and tables (and < 4 MiB more)",
	      what);
}

/* memory.current back to @base after a call that freed what was charged. */
static void memcg_fell(const char *what, long long base, long long cur)
{
	long long delta = cur - base;

	comment("memcg: %s: memory.current %lld -> %lld: %+lld KiB", what, base, cur,
		delta >> 10);
	check(base >= 0 && cur >= 0 && delta < (long long)MB(1) && delta > -(long long)MB(1),
	      "memcg: %s: memory.current back within 1 MiB of before", what);
}

static void memcg_charge_child(void *p)
{
	const struct memcg_arg *ma = p;
	struct axas_space_stats s0, s1;
	long long first, base, cur;
	long fd, ret;
	unsigned int i;
	int dfd;

	fd = memcg_setup(ma, &dfd, &first);
	if (fd < 0)
		return;

	/* Nothing reported between the two readings: the pipe is charged too. */
	get_stats(fd, &s0);
	base = cg_current(ma->dir);
	ret = map_alloc(fd, 0, MB(32), R | W | POPULATE);
	cur = cg_current(ma->dir);
	get_stats(fd, &s1);
	expect(ret, 0, "memcg: map_alloc populate 32 MiB");
	memcg_grew(ma, "populate 32 MiB", &s0, &s1, base, cur, MB(32));
	ret = unmap(fd, 0, MB(32));
	cur = cg_current(ma->dir);
	expect(ret, 0, "memcg: unmap the 32 MiB");
	memcg_fell("unmap 32 MiB", base, cur);

	expect(map_alloc(fd, MB(64), MB(8), R | W), 0, "memcg: map_alloc lazy 8 MiB");
	get_stats(fd, &s0);
	base = cg_current(ma->dir);
	for (i = 0, ret = 0; i < 2048 && !ret; i++)
		ret = fault(fd, MB(64) + i * PAGE, W);
	cur = cg_current(ma->dir);
	get_stats(fd, &s1);
	note("%u faults, the last %s", i, retname(ret));
	check(i == 2048 && !ret, "memcg: fault each of the 2048 lazy pages");
	memcg_grew(ma, "2048 faults", &s0, &s1, base, cur, MB(8));
	ret = unmap(fd, MB(64), MB(8));
	cur = cg_current(ma->dir);
	expect(ret, 0, "memcg: unmap the 8 MiB");
	memcg_fell("unmap 8 MiB", base, cur);

	close(fd);
	close(dfd);
	memcg_fell("close the space and the device", first, cg_current(ma->dir));
}

static void memcg_limit_child(void *p)
{
	const struct memcg_arg *ma = p;
	struct axas_space_stats s0, s1;
	long long base, peak;
	char val[32];
	long fd, ret;
	int dfd;

	fd = memcg_setup(ma, &dfd, &base);
	if (fd < 0)
		return;
	get_stats(fd, &s0);
	base = cg_current(ma->dir);
	snprintf(val, sizeof(val), "%lld", base + (long long)MB(8));
	if (base < 0 || !cg_write(ma->dir, "memory.max", val)) {
		check(false, "memcg: set memory.max to %s", val);
		close(fd);
		close(dfd);
		return;
	}
	ret = map_alloc(fd, 0, MB(64), R | W | POPULATE);
	peak = cg_current(ma->dir);
	get_stats(fd, &s1);
	/* Lift the limit before the results go down the (charged) pipe. */
	cg_write(ma->dir, "memory.max", "max");
	comment("memcg: memory.max %s: populate 64 MiB -> %s, memory.current %lld -> %lld",
		val, retname(ret), base, peak);
	comment("memcg: GET_STATS data_pages %llu -> %llu, table_pages %llu -> %llu",
		(unsigned long long)s0.data_pages, (unsigned long long)s1.data_pages,
		(unsigned long long)s0.table_pages, (unsigned long long)s1.table_pages);
	if (ret != -ENOMEM)
		note("got %s, expected ENOMEM", retname(ret));
	check(ret == -ENOMEM, MEMCG_LIMIT_CALL);
	check(ret == -ENOMEM && s1.data_pages == s0.data_pages &&
	      s1.table_pages == s0.table_pages && s1.mapped_4k == s0.mapped_4k &&
	      s1.mapped_2m == s0.mapped_2m && s1.mapped_1g == s0.mapped_1g,
	      MEMCG_LIMIT_SAME);
	if (ret >= 0)
		unmap(fd, 0, MB(64));
	close(fd);
	close(dfd);
}

/* A fresh cgroup at @dir; false (reported) if it cannot be made. */
static bool cg_make(const char *dir)
{
	bool ok;

	rmdir(dir);		/* left over from an interrupted run */
	ok = !mkdir(dir, 0755);
	if (!ok)
		note("mkdir %s: %s", dir, strerror(errno));
	if (ok && cg_current(dir) < 0) {
		note("%s/memory.current: %s", dir, strerror(errno));
		rmdir(dir);
		ok = false;
	}
	check(ok, "memcg: mkdir %s, with a memory.current", dir);
	return ok;
}

/*
 * Once its only task is gone a cgroup holds nothing of ours: memory.current
 * falls below 1 MiB. Charges left in per-CPU stocks are returned lazily:
 * memory.high 0 drains them (and, unlike memory.max, never OOM-kills),
 * and there is a wait. Then the cgroup is removed.
 */
static void cg_drop(const char *dir, const char *tag)
{
	long long cur = -1;
	int i, ret = -1;

	cg_write(dir, "memory.high", "0");
	for (i = 0; i < 40; i++) {
		cur = cg_current(dir);
		if (cur >= 0 && cur < (long long)MB(1))
			break;
		usleep(50000);
	}
	comment("memcg: %s: the emptied cgroup: memory.current %lld", tag, cur);
	comment("memcg: %s: memory.events: max %lld oom %lld oom_kill %lld", tag,
		cg_event(dir, "max"), cg_event(dir, "oom"), cg_event(dir, "oom_kill"));
	check(cur >= 0 && cur < (long long)MB(1),
	      "memcg: %s: memory.current of the emptied cgroup falls below 1 MiB", tag);
	for (i = 0; i < 20; i++) {
		ret = rmdir(dir);
		if (!ret || errno != EBUSY)
			break;
		usleep(50000);
	}
	if (ret)
		note("rmdir %s: %s", dir, strerror(errno));
	check(!ret, "memcg: %s: rmdir the cgroup", tag);
}

/*
 * Whether child cgroups of CG_ROOT get memory counters; if not, one SKIP
 * named @what. Fills @ma->slack.
 */
static bool memcg_ready(struct memcg_arg *ma, const char *what)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char ctl[256];

	if (!is_root) {
		skip("not root: cannot make cgroups", "%s", what);
		return false;
	}
	if (!cg_read(CG_ROOT, "cgroup.controllers", ctl, sizeof(ctl)) ||
	    !has_word(ctl, "memory")) {
		skip(CG_ROOT "/cgroup.controllers lacks memory (no cgroup2 or no CONFIG_MEMCG)",
		     "%s", what);
		return false;
	}
	if ((!cg_read(CG_ROOT, "cgroup.subtree_control", ctl, sizeof(ctl)) ||
	     !has_word(ctl, "memory")) &&
	    !cg_write(CG_ROOT, "cgroup.subtree_control", "+memory")) {
		skip("cannot enable +memory in " CG_ROOT "/cgroup.subtree_control", "%s", what);
		return false;
	}
	ma->slack = MEMCG_STOCK_PAGES * PAGE * (ncpu > 0 ? ncpu : 1);
	return true;
}

/* Frames and tables are charged to the caller's cgroup, and uncharged. */
static void sec_memcg(void)
{
	struct memcg_arg ma;

	if (!memcg_ready(&ma, "memcg: charges to the caller's memory cgroup"))
		return;
	snprintf(ma.dir, sizeof(ma.dir), CG_ROOT "/axas-memcg-%d", (int)getpid());
	if (!cg_make(ma.dir))
		return;
	run_child("memcg", memcg_charge_child, &ma);
	cg_drop(ma.dir, "charges");
}

/*
 * A populate beyond memory.max: refused with ENOMEM, and nothing stays
 * charged. The default HAL allocates with __GFP_RETRY_MAYFAIL, so a charge
 * that fails returns -ENOMEM instead of invoking the memcg OOM killer: a
 * child killed by it fails the case.
 */
static void sec_memcg_max(void)
{
	struct memcg_arg ma;
	int status;

	if (!memcg_ready(&ma, "memcg: memory.max"))
		return;
	snprintf(ma.dir, sizeof(ma.dir), CG_ROOT "/axas-memcg-%d-max", (int)getpid());
	if (!cg_make(ma.dir))
		return;
	if (run_child_status("memcg: limit", memcg_limit_child, &ma, &status)) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			comment("memcg: the OOM killer ended the child (SIGKILL)");
			check(false, MEMCG_LIMIT_CALL);
			skip("the OOM killer ended the child", MEMCG_LIMIT_SAME);
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			note("child status %#x", status);
			check(false, "memcg: limit: the child exits");
		}
	}
	cg_drop(ma.dir, "limit");
}

/* ---- fault injection ----------------------------------------------------------- */

/*
 * The kernel's own fault injection (failslab, fail_page_alloc) fails every
 * allocation of this thread while armed, through the real allocators: the
 * calls must fail with ENOMEM, change nothing and warn about nothing (the
 * e2e /init reads the kernel log afterwards). Kernels without
 * FAULT_INJECTION (all but the kasan e2e variant) skip these cases.
 */
#define FAIL_SLAB	"/sys/kernel/debug/failslab"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc"
#define MODULE_STATS	"/sys/kernel/debug/axaddrspace/stats"

static int fail_fd = -1;	/* /proc/thread-self/make-it-fail, kept open */

static bool knob(const char *dir, const char *name, const char *val)
{
	char path[128];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		note("%s: %s", path, strerror(errno));
		return false;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (!ok)
		note("write %s to %s: %s", val, path, strerror(errno));
	close(fd);
	return ok;
}

/* Every allocation of tasks with make-it-fail set, quietly; or none. */
static bool inject_config(bool on)
{
	static const char *const dirs[] = { FAIL_SLAB, FAIL_PAGE };
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		ok &= knob(dirs[i], "probability", on ? "100" : "0");
		if (!on)
			continue;
		ok &= knob(dirs[i], "interval", "1");
		ok &= knob(dirs[i], "times", "-1");
		ok &= knob(dirs[i], "space", "0");
		ok &= knob(dirs[i], "verbose", "0");
		ok &= knob(dirs[i], "task-filter", "Y");
		ok &= knob(dirs[i], "ignore-gfp-wait", "N");
	}
	/* fail_page_alloc leaves order 0 alone unless told. */
	if (on)
		ok &= knob(FAIL_PAGE, "min-order", "0");
	return ok;
}

/*
 * Arm or disarm this thread. The descriptor stays open: with the thread
 * armed, opening it again would itself fail.
 */
static void inject(bool on)
{
	if (pwrite(fail_fd, on ? "1" : "0", 1, 0) != 1)
		note("make-it-fail: %s", strerror(errno));
}

/* The module's counters (debugfs); -1 where there is no such line. */
static long module_stat(const char *name)
{
	FILE *f = fopen(MODULE_STATS, "re");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/* @call with every allocation failing: ENOMEM, and the space unchanged. */
#define EXPECT_INJECTED(fd, call, ...) do {				\
	int fd_ = (fd);							\
	struct snap snap_;						\
	long ret_;							\
									\
	take_snap(fd_, &snap_);						\
	inject(true);							\
	ret_ = (call);							\
	inject(false);							\
	expect_same(fd_, &snap_, ret_, ENOMEM, __VA_ARGS__);		\
} while (0)

static void sec_inject(void)
{
	static const char *const names[] = {
		"inject: guest_read 64K", "inject: guest_write 64K, memory unchanged",
		"inject: map_alloc populate 1M", "inject: faults on lazy pages",
		"inject: set_user_region 16 pages", "inject: create_space",
		"inject: module counters back to 0",
	};
	const char *why = NULL;
	unsigned char *buf = NULL, *mem = NULL;
	struct snap before;
	long fd = -1, ret = 0, spaces;
	unsigned int i;
	bool same;

	if (is_root)
		fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (!is_root)
		why = "needs root (debugfs fault-injection knobs)";
	else if (access(FAIL_SLAB, F_OK) || access(FAIL_PAGE, F_OK))
		why = "the kernel has no FAILSLAB/FAIL_PAGE_ALLOC (the kasan e2e kernel has)";
	else if (fail_fd < 0)
		why = "no /proc/thread-self/make-it-fail";
	else if (!inject_config(true))
		why = "cannot configure failslab and fail_page_alloc";
	if (why) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			skip(why, "%s", names[i]);
		goto out;
	}

	fd = mkspace(AXAS_FORMAT_EPT, 48, 0, GB(1));
	buf = user_mem(KB(64));
	mem = user_mem(16 * PAGE);
	if (fd < 0 || !buf || !mem) {
		expect(fd, 0, "inject: create_space");
		goto out;
	}
	expect(map_alloc(fd, 0, MB(2), R | W | POPULATE), 0, "inject: map_alloc populate 2M");
	expect(map_alloc(fd, MB(2), MB(2), R | W), 0, "inject: map_alloc lazy 2M");
	fill_pattern(buf, KB(64), 7);
	expect(guest_rw(fd, true, PAGE, buf, KB(64)), 0, "inject: guest_write 64K");

	/* The bounce buffer of GUEST_READ/WRITE: kvmalloc() fails. */
	EXPECT_INJECTED(fd, guest_rw(fd, false, PAGE, buf, KB(64)), "%s", names[0]);
	memset(buf, 0x5a, KB(64));
	inject(true);
	ret = guest_rw(fd, true, PAGE, buf, KB(64));
	inject(false);
	/* mem is scratch until the region case: the pattern, to compare. */
	fill_pattern(mem, 16 * PAGE, 7);
	same = guest_rw(fd, false, PAGE, buf, KB(64)) == 0 && !memcmp(buf, mem, 16 * PAGE);
	if (!same)
		note("the guest's memory changed under a failed write");
	check(ret == -ENOMEM && same, "%s (got %s)", names[1], retname(ret));

	/* Frames, table pages and the area's record. */
	EXPECT_INJECTED(fd, map_alloc(fd, MB(4), MB(1), R | W | POPULATE), "%s", names[2]);
	/*
	 * A fault may be served from the pages the space keeps in reserve
	 * without allocating; once they are gone it fails and changes
	 * nothing.
	 */
	for (i = 0; i < 512; i++) {
		take_snap(fd, &before);
		inject(true);
		ret = fault(fd, MB(2) + i * PAGE, W);
		inject(false);
		if (ret)
			break;
	}
	expect_same(fd, &before, ret, ENOMEM, "%s (after %u from the reserve)", names[3], i);
	/* The region's records and the page array: nothing stays pinned. */
	EXPECT_INJECTED(fd, region(fd, MB(8), 16 * PAGE, mem, R | W), "%s", names[4]);

	spaces = module_stat("spaces");
	inject(true);
	ret = mkspace(AXAS_FORMAT_EPT, 48, 0, MB(2));
	inject(false);
	if (ret >= 0)
		close(ret);
	if (module_stat("spaces") != spaces)
		note("module spaces %ld -> %ld", spaces, module_stat("spaces"));
	check(ret == -ENOMEM && module_stat("spaces") == spaces, "%s (got %s)", names[5],
	      retname(ret));
	close(fd);
	fd = -1;

	if (access(MODULE_STATS, R_OK)) {
		skip("no " MODULE_STATS, "%s", names[6]);
	} else {
		same = !module_stat("spaces") && !module_stat("vcpus") &&
		       !module_stat("hal_pages") && !module_stat("pinned_pages");
		if (!same)
			note("spaces %ld vcpus %ld hal_pages %ld pinned_pages %ld",
			     module_stat("spaces"), module_stat("vcpus"),
			     module_stat("hal_pages"), module_stat("pinned_pages"));
		check(same, "%s", names[6]);
	}
out:
	if (fd >= 0)
		close(fd);
	if (fail_fd >= 0) {
		inject_config(false);
		close(fail_fd);
		fail_fd = -1;
	}
	if (buf)
		munmap(buf, KB(64));
	if (mem)
		munmap(mem, 16 * PAGE);
}

/* ---- main ------------------------------------------------------------------------------ */

struct section {
	const char *name;
	void (*fn)(void);
	const char *what;
};

static const struct section sections[] = {
	{ "sys", sec_sys, "GET_API_VERSION, CHECK_EXTENSION" },
	{ "notty", sec_notty, "unknown ioctls on both fds" },
	{ "create", sec_create, "CREATE_SPACE: every width, every error" },
	{ "badptr", sec_badptr, "bad argument pointers on every space ioctl" },
	{ "range", sec_range, "the range rules, flags and reserved fields of the mapping calls" },
	{ "formats", sec_formats, "behaviour of each format against a flat model" },
	{ "widths", sec_widths, "every width: first, middle and last pages, decoded" },
	{ "rw", sec_rw, "GUEST_READ and GUEST_WRITE" },
	{ "fault", sec_fault, "FAULT" },
	{ "translate", sec_translate, "TRANSLATE" },
	{ "stats", sec_stats, "GET_STATS" },
	{ "dump", sec_dump, "DUMP" },
	{ "limits", sec_limits, "max_space_mb" },
	{ "fds", sec_fds, "closed, duplicated and inherited descriptors" },
	{ "unpriv", sec_unpriv, "an unprivileged caller" },
	{ "memcg", sec_memcg, "charges to the caller's memory cgroup" },
	{ "memcg-max", sec_memcg_max, "a populate beyond memory.max" },
	{ "emfile", sec_emfile, "no free descriptor" },
	{ "inject", sec_inject, "allocation failures from failslab and fail_page_alloc" },
	{ "race", sec_race, "close racing ioctls, concurrent faults" },
	{ "maxspaces", sec_maxspaces, "max_spaces" },
	{ "lifetime", sec_lifetime, "1000 spaces created and closed" },
	{ "axasctl", sec_axasctl, "the VMM tool, run as a program" },
	{ "nonroot", sec_nonroot, "the quick sections again as uid 65534" },
};

static bool selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!list)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static void print_usage(void)
{
	printf("usage: axas_test [-v] [-d DEVICE] [-s SECTION[,SECTION...]] [-l]\n"
	       "  -v  print the diagnostics of passing cases too\n"
	       "  -d  device (default /dev/axaddrspace)\n"
	       "  -s  run only these sections\n"
	       "  -l  list the sections\n");
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned long long caps;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "vd:s:lh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'd':
			dev_path = optarg;
			break;
		case 's':
			only = optarg;
			break;
		case 'l':
			for (i = 0; i < ARRAY_SIZE(sections); i++)
				printf("%-10s %s\n", sections[i].name, sections[i].what);
			return 0;
		case 'h':
			print_usage();
			return 0;
		default:
			print_usage();
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	printf("TAP version 13\n");
	is_root = geteuid() == 0;
	caps = cap_eff();
	priv = (caps >> CAP_SYS_ADMIN_BIT & 1) && (caps >> CAP_SYS_RAWIO_BIT & 1);
	printf("# axas_test on %s: uid %d, CapEff %#llx: %s\n", NATIVE_ARCH,
	       (int)geteuid(), caps,
	       priv ? "privileged cases run" : "privileged cases skipped");
	devfd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (devfd < 0) {
		note("open %s: %s", dev_path, strerror(errno));
		check(false, "open %s", dev_path);
	} else {
		max_spaces_cap = xio_val(devfd, AXAS_CHECK_EXTENSION,
					 AXAS_CAP_MAX_SPACES);
		max_space_mb_cap = xio_val(devfd, AXAS_CHECK_EXTENSION,
					   AXAS_CAP_MAX_SPACE_MB);
		for (i = 0; i < ARRAY_SIZE(sections); i++) {
			if (!selected(only, sections[i].name))
				continue;
			printf("# section %s: %s\n", sections[i].name, sections[i].what);
			sections[i].fn();
		}
		close(devfd);
	}
	printf("1..%d\n", n_tests);
	printf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
	return n_fail ? 1 : 0;
}
