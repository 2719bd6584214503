// SPDX-License-Identifier: GPL-2.0
/*
 * axas_fuzz: a seeded storm of random, mostly near-valid calls on
 * /dev/axaddrspace, its space descriptors and its vCPU descriptors.
 *
 * Usage: axas_fuzz [-t SECONDS] [-s SEED] [-j THREADS] [-F PERCENT] [-v]
 *
 * Worker threads pick a descriptor (the device, a space, a vCPU, or one
 * that another thread is closing) and a command (every command of the
 * uAPI, its neighbours with the size or direction bits changed, or any
 * number at all) and build its argument from boundary values: addresses
 * at the edges of the space and of its address width, sizes of 0, one
 * page, one block and all of it, random flags and reserved words, and
 * pointers that are NULL, kernel addresses, straddle into an unmapped
 * page, or point at memory that the chaos thread munmaps, mprotects and
 * madvises while the call is in flight. Workers also close and dup2 the
 * descriptors in use, fork children that call on the inherited ones, and
 * run vCPUs on random registers and random bytes as guest code, which a
 * signal thread interrupts (AXAS_RUN ends with -EINTR).
 *
 * The storm runs for -t seconds. With -F PERCENT a second phase of the
 * same length follows with the kernel's fault injection (failslab and
 * fail_page_alloc, debugfs) failing PERCENT of the slab and page
 * allocations of the workers' own tasks (/proc/thread-self/make-it-fail),
 * restricted to call chains through the module where the kernel has the
 * stack-trace filter.
 *
 * The process drops CAP_SYS_RAWIO first, so that AXAS_MAP_LINEAR (which
 * maps any host-physical memory into a guest, and so may corrupt the
 * host by design) is refused: that it never succeeds is one of the
 * checks. At the end everything is closed, and the checks are that every
 * one of the module's max_spaces spaces can be created again (nothing
 * leaked a space), that no page is left pinned (VmPin of /proc/self/status)
 * and, where the module exposes them, that its own counters in
 * /sys/kernel/debug/axaddrspace/stats are back to zero. The kernel log
 * (sanitizers, WARN, lockdep) and kmemleak are the e2e /init's checks.
 *
 * Each thread's calls follow from the seed (printed first; -s repeats
 * it), though the interleaving of threads and the arrival of signals do
 * not: with -j 1 a run is the same sequence every time. -v prints every
 * call before it is made, so the last lines on the console before a crash
 * name it.
 *
 * Output: TAP version 13, an errno histogram per command as comments, the
 * plan, then "N passed, N failed, N skipped".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/axaddrspace.h>
#include <linux/capability.h>

#include "axas-tools.h"

typedef __u64 u64;
typedef __u32 u32;

#define DEV_PATH	"/dev/axaddrspace"
#define STATS_PATH	"/sys/kernel/debug/axaddrspace/stats"
#define PAGE		4096ULL
#define MB(x)		((u64)(x) << 20)
#define GB(x)		((u64)(x) << 30)

/* Descriptors live at SLOT_FD + slot, out of the way of everything else. */
#define NR_SLOTS	24
#define SLOT_FD		200
/* At most this many spaces open at once: they are charged to the 1 GiB VM. */
#define MAX_LIVE_SPACES	4
#define MAX_THREADS	8
/* Memory behind user regions, and memory whose mapping keeps changing. */
#define POOL_PAGES	2048
#define WILD_PAGES	64
/*
 * Memory is scarce in the VM (1 GiB, KASAN's shadow included): the largest
 * AXAS_MAP_ALLOC with POPULATE, and the largest GUEST_READ/WRITE buffer.
 */
#define MAX_POPULATE	MB(1)
#define MAX_BUF		(64 * 1024)

enum kind { K_FREE, K_DEV, K_SPACE, K_VCPU };

struct slot {
	enum kind kind;
	/* For spaces (and the space of a vCPU): its geometry. */
	u32 format;
	u32 ia_bits;
	u64 base;
	u64 size;
	/* The last range a call mapped there, to aim reads and faults at. */
	u64 hint;
	u64 hint_size;
};

static struct slot slots[NR_SLOTS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

/* The commands of the uAPI, in the order of the histogram. */
static const struct {
	unsigned long cmd;
	const char *name;
	enum kind kind;
} cmds[] = {
	{ AXAS_GET_API_VERSION,	"GET_API_VERSION",	K_DEV },
	{ AXAS_CHECK_EXTENSION,	"CHECK_EXTENSION",	K_DEV },
	{ AXAS_CREATE_SPACE,	"CREATE_SPACE",		K_DEV },
	{ AXAS_SET_USER_REGION,	"SET_USER_REGION",	K_SPACE },
	{ AXAS_MAP_ALLOC,	"MAP_ALLOC",		K_SPACE },
	{ AXAS_MAP_LINEAR,	"MAP_LINEAR",		K_SPACE },
	{ AXAS_UNMAP,		"UNMAP",		K_SPACE },
	{ AXAS_PROTECT,		"PROTECT",		K_SPACE },
	{ AXAS_TRANSLATE,	"TRANSLATE",		K_SPACE },
	{ AXAS_GUEST_READ,	"GUEST_READ",		K_SPACE },
	{ AXAS_GUEST_WRITE,	"GUEST_WRITE",		K_SPACE },
	{ AXAS_FAULT,		"FAULT",		K_SPACE },
	{ AXAS_GET_STATS,	"GET_STATS",		K_SPACE },
	{ AXAS_DUMP,		"DUMP",			K_SPACE },
	{ AXAS_CREATE_VCPU,	"CREATE_VCPU",		K_SPACE },
	{ AXAS_GET_REGS,	"GET_REGS",		K_VCPU },
	{ AXAS_SET_REGS,	"SET_REGS",		K_VCPU },
	{ AXAS_RUN,		"RUN",			K_VCPU },
	{ AXAS_SET_IRQ,		"SET_IRQ",		K_VCPU },
	{ AXAS_SET_TIMER,	"SET_TIMER",		K_VCPU },
};

/* Histogram rows beyond the commands. */
enum {
	H_OTHER = ARRAY_SIZE(cmds),	/* neighbours and random numbers */
	H_CLOSE,
	H_DUP2,
	H_FORK,
	NR_HIST
};

#define NR_ERRNO	134		/* 0: success; otherwise errno */

static const char *const hist_extra[] = { "other commands", "close", "dup2", "fork" };
static unsigned long hist[NR_HIST][NR_ERRNO + 1];

/* Results that must never happen, whatever the input. */
static unsigned long linear_ok;		/* MAP_LINEAR without CAP_SYS_RAWIO */
static unsigned long bad_return;	/* a value an ioctl cannot return */
static unsigned long child_crashes;	/* forked children killed by a signal */
static unsigned long nomem_calls[2];	/* ENOMEM results per phase */
static unsigned long calls[2];		/* calls per phase */

static int phase_now;			/* 0: storm; 1: fault injection; 2: stop */
static bool verbose;

static int phase(void)
{
	return __atomic_load_n(&phase_now, __ATOMIC_ACQUIRE);
}

static void set_phase(int p)
{
	__atomic_store_n(&phase_now, p, __ATOMIC_RELEASE);
}

static int dev_max_spaces;
static u32 native_format = ~0U;		/* format vCPUs walk, if any */
static u32 nr_vcpus;
static u32 max_rw;

static unsigned char *pool;		/* POOL_PAGES: user-region memory */
static unsigned char *wild;		/* WILD_PAGES: remapped all the time */

static int tap_n, tap_failed, tap_skipped;

static void __printf(2, 3) tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_failed += !ok;
}

static void __printf(1, 2) tap_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_skipped++;
}

static void count(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* xorshift64*: one state per thread, from the seed and the thread number. */
struct rng {
	u64 s;
};

static u64 rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static u64 below(struct rng *r, u64 n)
{
	return n ? rnd(r) % n : 0;
}

/* True one time in @n. */
static bool one_in(struct rng *r, u64 n)
{
	return below(r, n) == 0;
}

static void rng_init(struct rng *r, u64 seed, u64 stream)
{
	/* splitmix64 of the pair: nearby seeds give unrelated streams. */
	u64 z = seed + (stream + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = (z ^ (z >> 31)) | 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ia_bits each format accepts, and a few it does not. */
static u32 pick_ia_bits(struct rng *r, u32 format)
{
	static const u32 ept[] = { 48, 57 }, s2[] = { 32, 36, 40, 42, 44, 48 };
	static const u32 gs[] = { 41, 50 }, npt[] = { 48 };
	static const u32 bad[] = { 0, 1, 12, 31, 39, 49, 52, 58, 64, 65, ~0U };

	if (one_in(r, 8))
		return bad[below(r, ARRAY_SIZE(bad))];
	switch (format) {
	case AXAS_FORMAT_EPT:
		return ept[below(r, ARRAY_SIZE(ept))];
	case AXAS_FORMAT_ARM_S2:
		return s2[below(r, ARRAY_SIZE(s2))];
	case AXAS_FORMAT_RISCV_GSTAGE:
		return gs[below(r, ARRAY_SIZE(gs))];
	case AXAS_FORMAT_AMD_NPT:
		return npt[below(r, ARRAY_SIZE(npt))];
	}
	return (u32)rnd(r);
}

/* A size: mostly small page multiples, sometimes an edge. */
static u64 pick_size(struct rng *r, u64 room)
{
	switch (below(r, 10)) {
	case 0:
		return 0;
	case 1:
		return room;
	case 2:
		return MB(2) << below(r, 2);
	case 3:
		return GB(1);
	case 4:
		return rnd(r);
	case 5:
		return PAGE * (1 + below(r, 4)) + (one_in(r, 2) ? 1 : 0);
	default:
		return PAGE * (1 + below(r, 64));
	}
}

/* A guest address: in the space mostly, at its edges or far out. */
static u64 pick_gpa(struct rng *r, const struct slot *s)
{
	u64 end = s->base + s->size;

	if (s->hint_size && one_in(r, 3))
		return s->hint + below(r, s->hint_size / PAGE) * PAGE;
	switch (below(r, 12)) {
	case 0:
		return end;
	case 1:
		return end - PAGE;
	case 2:
		return s->base - PAGE;
	case 3:
		return s->ia_bits < 64 ? 1ULL << s->ia_bits : ~0ULL;
	case 4:
		return rnd(r);
	case 5:
		return s->base + (rnd(r) & (MB(2) - 1));	/* unaligned */
	case 6:
		return s->base + (below(r, s->size / MB(2) + 1) * MB(2));
	default:
		return s->base + below(r, s->size / PAGE + 1) * PAGE;
	}
}

static u32 pick_mem_flags(struct rng *r)
{
	u32 f = AXAS_MEM_READ;

	if (one_in(r, 2))
		f |= AXAS_MEM_WRITE;
	if (one_in(r, 3))
		f |= AXAS_MEM_EXEC;
	if (one_in(r, 4))
		f |= AXAS_MEM_NOBLOCK;
	if (one_in(r, 12))
		f &= ~AXAS_MEM_READ;
	if (one_in(r, 12))
		f |= AXAS_MEM_DEVICE;
	if (one_in(r, 16))
		f |= 1U << below(r, 32);
	return f;
}

/* Pointers a caller should not pass, for any user pointer. */
static void *bad_ptr(struct rng *r, size_t len)
{
	switch (below(r, 6)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)0xffff800000000000ULL;
	case 2:
		return (void *)(uintptr_t)~0ULL;
	case 3:
		/* Straddles from the last wild page into the guard. */
		return wild + WILD_PAGES * PAGE - (len > 1 ? len / 2 : 1);
	default:
		/* Memory the chaos thread is remapping right now. */
		return wild + below(r, WILD_PAGES * PAGE - len);
	}
}

/* The argument of a call: usually the caller's own buffer. */
static void *arg_ptr(struct rng *r, void *good, size_t len)
{
	if (one_in(r, 10)) {
		void *p = bad_ptr(r, len);
		struct iovec local = { .iov_base = good, .iov_len = len };
		struct iovec remote = { .iov_base = p, .iov_len = len };

		/*
		 * Wild memory gets the near-valid argument too, where it is
		 * writable at this instant: process_vm_writev() fails where
		 * a store would fault.
		 */
		if ((uintptr_t)p - (uintptr_t)wild <= WILD_PAGES * PAGE - len)
			process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
		return p;
	}
	return good;
}

static int slot_fd(int i)
{
	return SLOT_FD + i;
}

/* A slot of @want kind (K_FREE: any slot at all), copied; -1 if none. */
static int pick_slot(struct rng *r, enum kind want, struct slot *copy)
{
	int i, n = 0, found = -1;

	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < NR_SLOTS; i++) {
		if (want != K_FREE && slots[i].kind != want)
			continue;
		/* Reservoir sampling: each match equally likely. */
		if (below(r, ++n) == 0)
			found = i;
	}
	if (found >= 0)
		*copy = slots[found];
	pthread_mutex_unlock(&slot_lock);
	return found;
}

/*
 * Put a new descriptor in a free slot (at its fixed number); close it if
 * there is none. Spaces beyond MAX_LIVE_SPACES are closed at once.
 */
static void add_slot(int fd, const struct slot *s)
{
	int i, live = 0;

	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < NR_SLOTS; i++)
		live += slots[i].kind == K_SPACE;
	if (s->kind == K_SPACE && live >= MAX_LIVE_SPACES)
		i = NR_SLOTS;
	else
		for (i = 0; i < NR_SLOTS && slots[i].kind != K_FREE; i++)
			;
	if (i < NR_SLOTS && dup3(fd, slot_fd(i), O_CLOEXEC) == slot_fd(i))
		slots[i] = *s;
	pthread_mutex_unlock(&slot_lock);
	close(fd);
}

static int hist_row(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd)
			return (int)i;
	return H_OTHER;
}

/* A range that is mapped now in slot @i (if it still holds that space). */
static void set_hint(int i, u64 gpa, u64 size)
{
	pthread_mutex_lock(&slot_lock);
	if (slots[i].kind == K_SPACE) {
		slots[i].hint = gpa;
		slots[i].hint_size = size;
	}
	pthread_mutex_unlock(&slot_lock);
}

static void record(int h, long ret, int err)
{
	if (h < 0 || h >= NR_HIST)
		h = H_OTHER;
	if (ret >= 0)
		err = 0;
	else if (err <= 0 || err > NR_ERRNO)
		err = NR_ERRNO;
	count(&hist[h][err]);
	if (err == ENOMEM)
		count(&nomem_calls[phase() == 1]);
	count(&calls[phase() == 1]);
}

static void say_call(int tid, const char *what, int fd, unsigned long cmd)
{
	if (verbose)
		fprintf(stderr, "# t%d: %s fd %d cmd %#lx\n", tid, what, fd, cmd);
}

/* CREATE_SPACE on the device: a new space in a slot. */
static void do_create_space(struct rng *r, int tid)
{
	struct axas_create_space cs = { };
	struct slot dev, s = { .kind = K_SPACE };
	long ret;
	int i;

	i = pick_slot(r, K_DEV, &dev);
	if (i < 0) {
		/* Someone closed the device: open it again. */
		int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

		if (fd >= 0)
			add_slot(fd, &(struct slot){ .kind = K_DEV });
		return;
	}
	if (native_format != ~0U && one_in(r, 2))
		cs.format = native_format;
	else
		cs.format = one_in(r, 10) ? (u32)rnd(r) : (u32)below(r, 4);
	cs.ia_bits = pick_ia_bits(r, cs.format);
	cs.base = one_in(r, 2) ? 0 : below(r, 1024) * MB(2);
	if (one_in(r, 10))
		cs.base = rnd(r);
	cs.size = one_in(r, 3) ? GB(1) << below(r, 3) : pick_size(r, GB(4));
	if (one_in(r, 8))
		cs.flags = (u32)rnd(r) & (one_in(r, 2) ? 3 : ~0U);
	if (one_in(r, 16))
		cs.reserved[below(r, 5)] = (u32)rnd(r);

	say_call(tid, "CREATE_SPACE", slot_fd(i), AXAS_CREATE_SPACE);
	ret = ioctl(slot_fd(i), AXAS_CREATE_SPACE, arg_ptr(r, &cs, sizeof(cs)));
	record(hist_row(AXAS_CREATE_SPACE), ret, errno);
	if (ret >= 0) {
		s.format = cs.format;
		s.ia_bits = cs.ia_bits;
		s.base = cs.base;
		s.size = cs.size;
		add_slot((int)ret, &s);
	}
}

/* A range call (MAP_ALLOC, MAP_LINEAR, UNMAP, PROTECT) on a space. */
static long range_call(struct rng *r, int fd, const struct slot *s, int h, u64 *gpa,
		       u64 *size)
{
	struct axas_range rg = { };
	long ret;

	rg.guest_addr = pick_gpa(r, s);
	rg.size = pick_size(r, s->base + s->size - rg.guest_addr);
	switch (cmds[h].cmd) {
	case AXAS_MAP_ALLOC:
		rg.flags = pick_mem_flags(r);
		/* POPULATE only small ranges: the VM has 1 GiB. */
		if (one_in(r, 3) && rg.size <= MAX_POPULATE)
			rg.flags |= AXAS_MEM_POPULATE;
		break;
	case AXAS_MAP_LINEAR:
		rg.flags = pick_mem_flags(r);
		rg.host_addr = below(r, 4) ? below(r, 1 << 16) * PAGE : rnd(r);
		break;
	case AXAS_PROTECT:
		rg.flags = pick_mem_flags(r) & ~AXAS_MEM_NOBLOCK;
		break;
	}
	if (one_in(r, 20))
		rg.flags = (u32)rnd(r);
	if (one_in(r, 20))
		rg.reserved = (u32)rnd(r);
	if (cmds[h].cmd != AXAS_MAP_LINEAR && one_in(r, 20))
		rg.host_addr = rnd(r);
	ret = ioctl(fd, cmds[h].cmd, arg_ptr(r, &rg, sizeof(rg)));
	*gpa = rg.guest_addr;
	*size = rg.size;
	return ret;
}

static long user_region(struct rng *r, int fd, const struct slot *s, u64 *gpa, u64 *size)
{
	struct axas_user_region ur = { };
	u64 pages = 1 + below(r, 64);
	long ret;

	ur.guest_addr = pick_gpa(r, s);
	ur.size = one_in(r, 8) ? pick_size(r, GB(1)) : pages * PAGE;
	ur.user_addr = (uintptr_t)(pool + below(r, POOL_PAGES - pages) * PAGE);
	if (one_in(r, 8))
		ur.user_addr = (uintptr_t)bad_ptr(r, ur.size);
	if (one_in(r, 16))
		ur.user_addr += 1 + below(r, PAGE - 1);
	ur.flags = pick_mem_flags(r) & ~AXAS_MEM_DEVICE;
	if (one_in(r, 20))
		ur.reserved[below(r, 3)] = (u32)rnd(r);
	ret = ioctl(fd, AXAS_SET_USER_REGION, arg_ptr(r, &ur, sizeof(ur)));
	*gpa = ur.guest_addr;
	*size = ur.size;
	return ret;
}

static long rw_call(struct rng *r, int fd, const struct slot *s, unsigned long cmd,
		    unsigned char *buf, size_t buf_len)
{
	struct axas_rw rw = { };

	rw.guest_addr = pick_gpa(r, s) + (one_in(r, 4) ? below(r, PAGE) : 0);
	rw.size = one_in(r, 6) ? pick_size(r, max_rw + 1) : 1 + below(r, buf_len);
	if (one_in(r, 10))
		rw.size = max_rw + below(r, 2);
	rw.buf = (uintptr_t)buf;
	/* A size beyond the buffer is only safe with an address that faults. */
	if (rw.size > buf_len || one_in(r, 8))
		rw.buf = (uintptr_t)bad_ptr(r, rw.size > buf_len ? 64 : rw.size);
	if (cmd == AXAS_GUEST_WRITE && rw.buf == (uintptr_t)buf) {
		u64 i;

		for (i = 0; i < rw.size; i += 8)
			memcpy(buf + i, &(u64){ rnd(r) }, rw.size - i < 8 ? rw.size - i : 8);
	}
	if (one_in(r, 20))
		rw.flags = (u32)rnd(r);
	if (one_in(r, 20))
		rw.reserved = (u32)rnd(r);
	return ioctl(fd, cmd, arg_ptr(r, &rw, sizeof(rw)));
}

static long dump_call(struct rng *r, int fd, unsigned char *buf, size_t buf_len)
{
	struct axas_dump d = { };

	d.buf = (uintptr_t)buf;
	d.buf_size = below(r, 4) ? buf_len : below(r, buf_len + 1);
	if (one_in(r, 6))
		d.buf = (uintptr_t)bad_ptr(r, 64);
	if (one_in(r, 8))
		d.buf_size = rnd(r);
	if (one_in(r, 20))
		d.flags = (u32)rnd(r);
	if (one_in(r, 20))
		d.reserved[below(r, 2)] = rnd(r);
	if (d.buf_size > buf_len && d.buf == (uintptr_t)buf)
		d.buf = (uintptr_t)bad_ptr(r, 64);
	return ioctl(fd, AXAS_DUMP, arg_ptr(r, &d, sizeof(d)));
}

/* Registers for a vCPU: random, or the near-valid start of a guest. */
static void pick_regs(struct rng *r, const struct slot *s, struct axas_regs *regs)
{
	size_t i;

	memset(regs, 0, sizeof(*regs));
	for (i = 0; i < ARRAY_SIZE(regs->gpr); i++)
		regs->gpr[i] = one_in(r, 2) ? rnd(r) : pick_gpa(r, s);
	regs->pc = pick_gpa(r, s);
	if (below(r, 4)) {
		/* The valid shape: x0 zero on RISC-V, x86's upper half zero. */
		regs->gpr[0] = native_format == AXAS_FORMAT_RISCV_GSTAGE ? 0 : regs->gpr[0];
		if (native_format == AXAS_FORMAT_EPT || native_format == AXAS_FORMAT_AMD_NPT) {
			memset(&regs->gpr[16], 0, 16 * sizeof(regs->gpr[0]));
			regs->arch[0] = pick_gpa(r, s) & ~(PAGE - 1);
		}
		regs->pc &= ~3ULL;
	} else if (one_in(r, 2)) {
		regs->arch[below(r, 8)] = rnd(r);
	}
}

/* Random bytes, and sometimes a plain loop, where a vCPU will start. */
static void plant_code(struct rng *r, int fd, u64 pc, unsigned char *buf)
{
	struct axas_rw rw = { .guest_addr = pc & ~63ULL, .size = 256, .buf = (uintptr_t)buf };
	size_t i;

	for (i = 0; i < 256; i++)
		buf[i] = (unsigned char)rnd(r);
	ioctl(fd, AXAS_GUEST_WRITE, &rw);
}

static long run_call(struct rng *r, int fd, const struct slot *s, unsigned char *buf)
{
	struct axas_run run = { };
	struct axas_regs regs;
	long ret = 0;
	int i, n = 1 + (int)below(r, 8);

	if (one_in(r, 2)) {
		pick_regs(r, s, &regs);
		ret = ioctl(fd, AXAS_SET_REGS, arg_ptr(r, &regs, sizeof(regs)));
		record(hist_row(AXAS_SET_REGS), ret, errno);
	}
	(void)buf;
	for (i = 0; i < n && phase() < 2; i++) {
		if (one_in(r, 8))
			run.flags = (u32)rnd(r);
		if (one_in(r, 8))
			run.reserved[below(r, 4)] = rnd(r);
		if (one_in(r, 4))
			run.exit.pad[below(r, 16)] = rnd(r);
		ret = ioctl(fd, AXAS_RUN, arg_ptr(r, &run, sizeof(run)));
		if (ret < 0)
			break;
	}
	return ret;
}

/* A command number near a real one, or any number. */
static unsigned long odd_cmd(struct rng *r)
{
	unsigned long c = cmds[below(r, ARRAY_SIZE(cmds))].cmd;

	switch (below(r, 5)) {
	case 0:
		return (u32)rnd(r);
	case 1:
		return _IOC(below(r, 4), AXAS_IOCTL_MAGIC, below(r, 0x40), below(r, 1024));
	case 2:
		return c ^ (1UL << (_IOC_SIZESHIFT + below(r, _IOC_SIZEBITS)));
	case 3:
		return c ^ (1UL << (_IOC_DIRSHIFT + below(r, 2)));
	default:
		return c + (one_in(r, 2) ? 1 : -1);
	}
}

/* A call on a descriptor of the right kind, mostly; any kind sometimes. */
static void do_ioctl(struct rng *r, int tid, unsigned char *buf, size_t buf_len)
{
	struct slot s;
	int h = (int)below(r, ARRAY_SIZE(cmds)), i;
	enum kind want = one_in(r, 12) ? K_FREE : cmds[h].kind;
	unsigned long cmd = cmds[h].cmd;
	u64 gpa, size;
	long ret;
	int fd;

	if (cmd == AXAS_CREATE_SPACE) {
		do_create_space(r, tid);
		return;
	}
	i = pick_slot(r, want, &s);
	if (i < 0)
		return;
	fd = slot_fd(i);
	if (s.kind != K_SPACE && s.kind != K_VCPU)
		s = (struct slot){ .base = 0, .size = GB(1), .ia_bits = 48 };
	say_call(tid, cmds[h].name, fd, cmd);

	errno = 0;
	switch (cmd) {
	case AXAS_GET_API_VERSION:
		ret = ioctl(fd, cmd, rnd(r));
		if (ret >= 0 && s.kind == K_DEV && ret != AXAS_API_VERSION)
			count(&bad_return);
		break;
	case AXAS_CHECK_EXTENSION:
		ret = ioctl(fd, cmd, one_in(r, 2) ? below(r, 20) : rnd(r));
		break;
	case AXAS_SET_USER_REGION:
		ret = user_region(r, fd, &s, &gpa, &size);
		if (!ret)
			set_hint(i, gpa, size);
		break;
	case AXAS_MAP_ALLOC:
	case AXAS_MAP_LINEAR:
	case AXAS_UNMAP:
	case AXAS_PROTECT:
		ret = range_call(r, fd, &s, h, &gpa, &size);
		if (cmd == AXAS_MAP_LINEAR && ret == 0 && s.kind == K_SPACE)
			count(&linear_ok);
		if (cmd == AXAS_MAP_ALLOC && !ret)
			set_hint(i, gpa, size);
		break;
	case AXAS_TRANSLATE: {
		struct axas_xlate x = { .guest_addr = pick_gpa(r, &s) };

		if (one_in(r, 20))
			x.reserved = (u32)rnd(r);
		ret = ioctl(fd, cmd, arg_ptr(r, &x, sizeof(x)));
		break;
	}
	case AXAS_GUEST_READ:
	case AXAS_GUEST_WRITE:
		ret = rw_call(r, fd, &s, cmd, buf, buf_len);
		break;
	case AXAS_FAULT: {
		struct axas_fault f = { .guest_addr = pick_gpa(r, &s) };

		f.access = 1U << below(r, 3);
		if (one_in(r, 8))
			f.access = (u32)rnd(r);
		if (one_in(r, 20))
			f.reserved[below(r, 3)] = (u32)rnd(r);
		ret = ioctl(fd, cmd, arg_ptr(r, &f, sizeof(f)));
		break;
	}
	case AXAS_GET_STATS: {
		struct axas_space_stats st;

		ret = ioctl(fd, cmd, arg_ptr(r, &st, sizeof(st)));
		break;
	}
	case AXAS_DUMP:
		ret = dump_call(r, fd, buf, buf_len);
		break;
	case AXAS_CREATE_VCPU:
		ret = ioctl(fd, cmd, below(r, 4) ? below(r, nr_vcpus + 1) : rnd(r));
		if (ret >= 0) {
			struct slot v = s;

			v.kind = K_VCPU;
			/* Code at the entry of its next runs. */
			plant_code(r, fd, pick_gpa(r, &s), buf);
			add_slot((int)ret, &v);
		}
		break;
	case AXAS_GET_REGS: {
		struct axas_regs regs;

		ret = ioctl(fd, cmd, arg_ptr(r, &regs, sizeof(regs)));
		break;
	}
	case AXAS_SET_REGS: {
		struct axas_regs regs;

		pick_regs(r, &s, &regs);
		ret = ioctl(fd, cmd, arg_ptr(r, &regs, sizeof(regs)));
		break;
	}
	case AXAS_RUN:
		ret = run_call(r, fd, &s, buf);
		break;
	case AXAS_SET_IRQ: {
		struct axas_irq q = { .irq = below(r, 4), .level = below(r, 3) };

		if (one_in(r, 8))
			q.reserved = rnd(r);
		ret = ioctl(fd, cmd, arg_ptr(r, &q, sizeof(q)));
		break;
	}
	case AXAS_SET_TIMER: {
		/* Off, far out, or within a few ms of boot-time zero. */
		struct axas_timer t = {
			.deadline = one_in(r, 4) ? AXAS_TIMER_OFF :
				    one_in(r, 2) ? rnd(r) : below(r, 1U << 20),
		};

		if (one_in(r, 8))
			t.flags = (u32)rnd(r);
		ret = ioctl(fd, cmd, arg_ptr(r, &t, sizeof(t)));
		break;
	}
	default:
		ret = -1;
	}
	if (ret != -1 && ret != 0 && cmd != AXAS_CREATE_VCPU && cmd != AXAS_CHECK_EXTENSION &&
	    cmd != AXAS_GET_API_VERSION)
		count(&bad_return);
	record(h, ret, errno);
}

static void do_odd_ioctl(struct rng *r, int tid, unsigned char *buf)
{
	unsigned long cmd = odd_cmd(r);
	struct slot s;
	long ret;
	int i = pick_slot(r, K_FREE, &s);

	if (i < 0)
		return;
	say_call(tid, "odd", slot_fd(i), cmd);
	/* The buffer is big enough for any size an _IOC() can say. */
	ret = ioctl(slot_fd(i), cmd, one_in(r, 4) ? bad_ptr(r, 64) : buf);
	record(H_OTHER, ret, errno);
	/*
	 * A neighbour can be a real command (MAP_ALLOC + 1 is MAP_LINEAR):
	 * a descriptor it made is closed; one from any other number is a bug.
	 */
	if (ret > 0 && (cmd == AXAS_CREATE_SPACE || cmd == AXAS_CREATE_VCPU))
		close((int)ret);
	else if (ret > 0 && hist_row(cmd) == H_OTHER)
		count(&bad_return);
	else if (ret == 0 && cmd == AXAS_MAP_LINEAR && s.kind == K_SPACE)
		count(&linear_ok);
}

/* Close a slot, or dup2 one slot's descriptor over another's. */
static void do_close_dup(struct rng *r, int tid)
{
	struct slot s, t;
	int i = pick_slot(r, K_FREE, &s), j;
	long ret;

	if (i < 0)
		return;
	if (one_in(r, 2)) {
		say_call(tid, "close", slot_fd(i), 0);
		pthread_mutex_lock(&slot_lock);
		ret = close(slot_fd(i));
		record(H_CLOSE, ret, errno);
		slots[i].kind = K_FREE;
		pthread_mutex_unlock(&slot_lock);
		return;
	}
	j = pick_slot(r, K_FREE, &t);
	if (j < 0 || j == i)
		return;
	say_call(tid, "dup2", slot_fd(i), slot_fd(j));
	pthread_mutex_lock(&slot_lock);
	/* Only slots still in use: a free slot's number is nobody's. */
	if (slots[i].kind != K_FREE && slots[j].kind != K_FREE &&
	    (slots[i].kind != K_SPACE || slots[j].kind == K_SPACE)) {
		ret = dup3(slot_fd(i), slot_fd(j), O_CLOEXEC);
		record(H_DUP2, ret, errno);
		if (ret >= 0)
			slots[j] = slots[i];
	}
	pthread_mutex_unlock(&slot_lock);
}

/*
 * A child that inherits every descriptor, makes a few calls on them while
 * the parent goes on, and exits. It calls only ioctl, close and _exit.
 */
static void do_fork(struct rng *r, int tid, unsigned char *buf)
{
	pid_t pid;
	int status, i;
	u64 seed = rnd(r);

	say_call(tid, "fork", -1, 0);
	pid = fork();
	if (pid == 0) {
		struct rng cr;

		rng_init(&cr, seed, 0);
		for (i = 0; i < 16; i++) {
			int fd = slot_fd((int)below(&cr, NR_SLOTS));

			if (one_in(&cr, 6))
				close(fd);
			else
				ioctl(fd, cmds[below(&cr, ARRAY_SIZE(cmds))].cmd,
				      one_in(&cr, 3) ? (void *)buf : bad_ptr(&cr, 64));
		}
		_exit(0);
	}
	record(H_FORK, pid, errno);
	if (pid < 0)
		return;
	/* A child stuck in RUN gets the signal too (kill, then reap). */
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(1000);
	}
	if (i == 200) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	if (WIFSIGNALED(status))
		count(&child_crashes);
}

struct worker {
	pthread_t thread;
	pid_t tid;
	int id;
	u64 seed;
	bool failing;
	bool started;
};

static struct worker workers[MAX_THREADS];
static int nr_workers;

/*
 * Fault injection for this thread only: /proc/thread-self/make-it-fail,
 * opened once (with the thread armed, opening it again could fail).
 */
static bool set_make_it_fail(int *fd, bool on)
{
	if (*fd < 0)
		*fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	return *fd >= 0 && pwrite(*fd, on ? "1" : "0", 1, 0) == 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t buf_len = max_rw > MAX_BUF ? MAX_BUF : max_rw;
	unsigned char *buf;
	struct rng r;
	int fail_fd = -1;

	w->tid = (pid_t)syscall(SYS_gettid);
	rng_init(&r, w->seed, w->id + 1);
	/* Big enough for any _IOC() size and for GUEST_READ/WRITE and DUMP. */
	if (buf_len < 16384)
		buf_len = 16384;
	buf = aligned_alloc(PAGE, buf_len);
	if (!buf)
		return NULL;
	__atomic_store_n(&w->started, true, __ATOMIC_RELEASE);
	while (phase() < 2) {
		bool fail = phase() == 1;

		if (fail != w->failing) {
			set_make_it_fail(&fail_fd, fail);
			w->failing = fail;
		}
		switch (below(&r, 40)) {
		case 0:
			do_close_dup(&r, w->id);
			break;
		case 1:
			if (one_in(&r, 4))
				do_fork(&r, w->id, buf);
			break;
		case 2:
		case 3:
			do_odd_ioctl(&r, w->id, buf);
			break;
		case 4:
		case 5:
			do_create_space(&r, w->id);
			break;
		default:
			do_ioctl(&r, w->id, buf, buf_len);
		}
	}
	if (w->failing)
		set_make_it_fail(&fail_fd, false);
	if (fail_fd >= 0)
		close(fail_fd);
	free(buf);
	return NULL;
}

/* Keeps remapping the wild pages and the user-region pool under the calls. */
static void *chaos_main(void *arg)
{
	struct rng r;

	rng_init(&r, *(u64 *)arg, 100);
	while (phase() < 2) {
		u64 pg = below(&r, WILD_PAGES - 1);
		u64 n = 1 + below(&r, WILD_PAGES - 1 - pg);
		unsigned char *p = wild + pg * PAGE;

		switch (below(&r, 6)) {
		case 0:
			/*
			 * As munmap (the old mapping goes), but the range stays
			 * reserved: a real hole could be taken by a mapping of
			 * this process that the next MAP_FIXED would destroy.
			 */
			mmap(p, n * PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
			break;
		case 1:
			mprotect(p, n * PAGE, PROT_READ);
			break;
		case 2:
			mprotect(p, n * PAGE, PROT_NONE);
			break;
		case 3:
			madvise(pool + below(&r, POOL_PAGES - 64) * PAGE, 64 * PAGE,
				MADV_DONTNEED);
			break;
		default:
			mmap(p, n * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		}
		usleep(below(&r, 500));
	}
	/* Leave every wild page mapped but the guard. */
	mmap(wild, (WILD_PAGES - 1) * PAGE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* Interrupts the workers (RUN, and anything else that blocks). */
static void *signal_main(void *arg)
{
	struct rng r;
	int i;

	rng_init(&r, *(u64 *)arg, 101);
	while (phase() < 2) {
		i = (int)below(&r, nr_workers);
		if (__atomic_load_n(&workers[i].started, __ATOMIC_ACQUIRE))
			pthread_kill(workers[i].thread, SIGUSR1);
		usleep(200 + below(&r, 3000));
	}
	return NULL;
}

/* Drop CAP_SYS_RAWIO from this thread (and the threads it starts). */
static bool drop_rawio(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	data[CAP_SYS_RAWIO / 32].effective &= ~(1U << (CAP_SYS_RAWIO % 32));
	data[CAP_SYS_RAWIO / 32].permitted &= ~(1U << (CAP_SYS_RAWIO % 32));
	data[CAP_SYS_RAWIO / 32].inheritable &= ~(1U << (CAP_SYS_RAWIO % 32));
	return !syscall(SYS_capset, &hdr, data);
}

static bool write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val);
}

/* The module's text, for the stack-trace filter: [start, start + size). */
static bool module_range(u64 *start, u64 *size)
{
	FILE *f = fopen("/proc/modules", "re");
	char name[64];
	unsigned long long sz, addr;
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %*s %*s %*s %llx", name, &sz, &addr) == 3 &&
		    !strcmp(name, "axaddrspace") && addr) {
			*start = addr;
			*size = sz;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* Write @val to the knob @name of @dir; on failure say why in @why. */
static bool knob(const char *dir, const char *name, const char *val, char *why, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_str(path, val))
		return true;
	snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
	return false;
}

static const char *const fail_dirs[] = {
	"/sys/kernel/debug/failslab", "/sys/kernel/debug/fail_page_alloc",
};

/*
 * Configure failslab and fail_page_alloc: @percent of the allocations of
 * tasks with make-it-fail set, sleeping ones included, quietly (a report
 * per failure would flood the console and read as a splat). Returns what
 * was set up, or why not.
 */
static const char *setup_injection(int percent, char *why, size_t len)
{
	char pct[16], lo[32], hi[32], path[128];
	u64 start = 0, size = 0;
	bool filter;
	size_t i;

	if (access("/proc/thread-self/make-it-fail", W_OK))
		return "the kernel has no /proc/thread-self/make-it-fail (FAULT_INJECTION)";
	for (i = 0; i < ARRAY_SIZE(fail_dirs); i++)
		if (access(fail_dirs[i], F_OK)) {
			snprintf(why, len, "%s is missing (FAILSLAB, FAIL_PAGE_ALLOC, debugfs)",
				 fail_dirs[i]);
			return why;
		}
	snprintf(path, sizeof(path), "%s/require-start", fail_dirs[0]);
	filter = !access(path, W_OK) && module_range(&start, &size);
	snprintf(pct, sizeof(pct), "%d", percent);
	snprintf(lo, sizeof(lo), "%#llx", (unsigned long long)start);
	snprintf(hi, sizeof(hi), "%#llx", (unsigned long long)(start + size));
	{
		/* dir: 0 failslab, 1 fail_page_alloc, 2 both; only with the filter. */
		const struct { int dir; bool need_filter; const char *name, *val; } knobs[] = {
			{ 2, false, "probability", pct },
			{ 2, false, "interval", "1" },
			{ 2, false, "times", "-1" },
			{ 2, false, "space", "0" },
			{ 2, false, "verbose", "0" },
			{ 2, false, "task-filter", "Y" },
			{ 2, false, "ignore-gfp-wait", "N" },
			/* fail_page_alloc leaves order 0 alone unless told. */
			{ 1, false, "min-order", "0" },
			/* Without the filter, the fuzzer's own page faults stay. */
			{ 1, false, "ignore-gfp-highmem", filter ? "N" : "Y" },
			{ 2, true, "require-start", lo },
			{ 2, true, "require-end", hi },
			{ 2, true, "stacktrace-depth", "32" },
		};
		size_t k;

		for (i = 0; i < ARRAY_SIZE(fail_dirs); i++)
			for (k = 0; k < ARRAY_SIZE(knobs); k++) {
				if ((knobs[k].dir != 2 && knobs[k].dir != (int)i) ||
				    (knobs[k].need_filter && !filter))
					continue;
				if (!knob(fail_dirs[i], knobs[k].name, knobs[k].val, why, len))
					return why;
			}
	}
	snprintf(why, len, "%d%% of slab and page allocations of the fuzzer's tasks%s",
		 percent, filter ? " through the module's code" : " (no stack-trace filter)");
	return NULL;
}

static void stop_injection(void)
{
	size_t i;
	char path[128];

	for (i = 0; i < ARRAY_SIZE(fail_dirs); i++) {
		snprintf(path, sizeof(path), "%s/probability", fail_dirs[i]);
		write_str(path, "0");
	}
}

/* A value of /proc/self/status in kB, or -1. */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long v = -1;
	size_t n = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static void print_histogram(double secs)
{
	unsigned long total, c;
	char line[1024];
	int h, e, len;

	printf("# calls: %lu in the storm, %lu under fault injection, %.0f per second\n",
	       calls[0], calls[1], (calls[0] + calls[1]) / (secs > 0 ? secs : 1));
	for (h = 0; h < NR_HIST; h++) {
		total = 0;
		for (e = 0; e <= NR_ERRNO; e++)
			total += hist[h][e];
		if (!total)
			continue;
		len = snprintf(line, sizeof(line), "# %-16s %8lu:",
			       h < H_OTHER ? cmds[h].name : hist_extra[h - H_OTHER], total);
		for (e = 0; e <= NR_ERRNO; e++) {
			c = hist[h][e];
			if (!c || len >= (int)sizeof(line) - 40)
				continue;
			if (e == 0)
				len += snprintf(line + len, sizeof(line) - len, " ok %lu", c);
			else if (e == NR_ERRNO)
				len += snprintf(line + len, sizeof(line) - len, " ?? %lu", c);
			else
				len += snprintf(line + len, sizeof(line) - len, " %s %lu",
						strerrorname_np(e) ? strerrorname_np(e) : "E?", c);
		}
		puts(line);
	}
}

static void close_all(void)
{
	int i;

	pthread_mutex_lock(&slot_lock);
	for (i = 0; i < NR_SLOTS; i++) {
		if (slots[i].kind != K_FREE)
			close(slot_fd(i));
		slots[i].kind = K_FREE;
	}
	pthread_mutex_unlock(&slot_lock);
}

/* After the storm: every space of max_spaces can be created, then one more cannot. */
static void check_spaces_free(void)
{
	struct axas_create_space cs = { .base = 0, .size = MB(2) };
	int dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	int *fds, n = 0, i, err = 0;
	long fmts;

	if (dev < 0) {
		tap(false, "spaces: %s: %s", DEV_PATH, strerror(errno));
		return;
	}
	fmts = ioctl(dev, AXAS_CHECK_EXTENSION, AXAS_CAP_FORMATS);
	for (cs.format = 0; cs.format < 4 && !(fmts >> cs.format & 1); cs.format++)
		;
	cs.ia_bits = cs.format == AXAS_FORMAT_RISCV_GSTAGE ? 41 :
		     cs.format == AXAS_FORMAT_ARM_S2 ? 40 : 48;
	fds = calloc(dev_max_spaces + 1, sizeof(*fds));
	for (i = 0; fds && i <= dev_max_spaces; i++) {
		fds[i] = ioctl(dev, AXAS_CREATE_SPACE, &cs);
		if (fds[i] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	close(dev);
	tap(n == dev_max_spaces && err == ENOSPC,
	    "spaces: all %d of max_spaces can be created after the storm, then ENOSPC (created %d, then %s)",
	    dev_max_spaces, n, err ? strerrorname_np(err) : "none failed");
}

/*
 * The module's own counters (debugfs), when it has them: every line
 * "name value" must read 0 once nothing is open.
 */
static void check_module_stats(void)
{
	FILE *f = fopen(STATS_PATH, "re");
	char name[64], bad[512] = "";
	unsigned long long v;
	int n = 0, len = 0;

	if (!f) {
		tap_skip("module counters all 0 after close # SKIP %s: %s", STATS_PATH,
			 strerror(errno));
		return;
	}
	while (fscanf(f, "%63s %llu", name, &v) == 2) {
		n++;
		if (v && len < (int)sizeof(bad) - 80)
			len += snprintf(bad + len, sizeof(bad) - len, " %s=%llu", name, v);
	}
	fclose(f);
	tap(n > 0 && !len, "module counters all 0 after close (%d counters%s%s)", n,
	    len ? ", not 0:" : "", bad);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-t SECONDS] [-s SEED] [-j THREADS] [-F PERCENT] [-v]\n"
		"  -t  seconds of the storm (default 30); with -F as long again under\n"
		"      fault injection\n"
		"  -s  seed (default: from the clock; printed, to repeat a run)\n"
		"  -j  worker threads, 1 to %d (default 3)\n"
		"  -F  fail PERCENT of the workers' slab and page allocations in a\n"
		"      second phase (failslab, fail_page_alloc; needs debugfs)\n"
		"  -v  print every call (to stderr) before making it\n",
		prog, MAX_THREADS);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t chaos, sig;
	char why[256];
	const char *no_inject = NULL;
	double secs = 30, start, storm_end;
	long pin_before, pin_after;
	u64 seed = 0;
	bool seeded = false;
	int opt, percent = 0, dev, i;
	long v;

	while ((opt = getopt(argc, argv, "t:s:j:F:vh")) != -1) {
		switch (opt) {
		case 't':
			secs = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'j':
			nr_workers = atoi(optarg);
			break;
		case 'F':
			percent = atoi(optarg);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (!nr_workers)
		nr_workers = 3;
	if (nr_workers < 1 || nr_workers > MAX_THREADS || secs < 0 || percent < 0 ||
	    percent > 100)
		print_usage(argv[0]);
	if (!seeded)
		seed = (u64)time(NULL) ^ ((u64)getpid() << 32);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	printf("# axas_fuzz: seed %llu (repeat with -s %llu), %d threads, %.0f s%s\n",
	       (unsigned long long)seed, (unsigned long long)seed, nr_workers, secs,
	       percent ? ", then as long under fault injection" : "");

	dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("1..0 # SKIP %s: %s\n", DEV_PATH, strerror(errno));
		printf("0 passed, 0 failed, 1 skipped\n");
		return 0;
	}
	v = ioctl(dev, AXAS_CHECK_EXTENSION, AXAS_CAP_MAX_SPACES);
	dev_max_spaces = v > 0 ? (int)v : 0;
	v = ioctl(dev, AXAS_CHECK_EXTENSION, AXAS_CAP_VCPU_FORMAT);
	if (v > 0)
		native_format = (u32)(v - 1);
	v = ioctl(dev, AXAS_CHECK_EXTENSION, AXAS_CAP_VCPU);
	nr_vcpus = v > 0 ? (u32)v : 0;
	v = ioctl(dev, AXAS_CHECK_EXTENSION, AXAS_CAP_MAX_RW);
	max_rw = v > 0 ? (u32)v : (u32)PAGE;
	add_slot(dev, &(struct slot){ .kind = K_DEV });
	printf("# max_spaces %d, vCPUs %u (format %d), MAX_RW %u\n", dev_max_spaces, nr_vcpus,
	       native_format == ~0U ? -1 : (int)native_format, max_rw);

	tap(drop_rawio(), "drop CAP_SYS_RAWIO (MAP_LINEAR must be refused)");
	pin_before = status_kb("VmPin");

	pool = mmap(NULL, POOL_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	wild = mmap(NULL, WILD_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool == MAP_FAILED || wild == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}
	/* The guard: never accessible, never remapped. */
	mprotect(wild + (WILD_PAGES - 1) * PAGE, PAGE, PROT_NONE);

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: calls end with EINTR */
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < nr_workers; i++) {
		workers[i].id = i;
		workers[i].seed = seed;
		pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	pthread_create(&chaos, NULL, chaos_main, &seed);
	pthread_create(&sig, NULL, signal_main, &seed);

	start = now();
	while (now() < start + secs)
		usleep(100000);
	storm_end = now();
	if (percent) {
		no_inject = setup_injection(percent, why, sizeof(why));
		if (!no_inject) {
			printf("# fault injection: %s\n", why);
			set_phase(1);
			while (now() < storm_end + secs)
				usleep(100000);
		}
	}
	set_phase(2);
	for (i = 0; i < nr_workers; i++)
		pthread_kill(workers[i].thread, SIGUSR1);
	for (i = 0; i < nr_workers; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_join(chaos, NULL);
	pthread_join(sig, NULL);
	if (percent && !no_inject)
		stop_injection();
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	print_histogram(now() - start);
	tap(calls[0] > 0, "storm: %lu calls in %.0f s from %d threads", calls[0],
	    storm_end - start, nr_workers);
	if (!percent)
		tap_skip("fault injection # SKIP not asked for (-F PERCENT)");
	else if (no_inject)
		tap_skip("fault injection # SKIP %s", no_inject);
	else
		/* It reached the module: ENOMEM is more frequent than in the storm. */
		tap(calls[1] > 0 && nomem_calls[1] * (calls[0] + 1) > nomem_calls[0] * calls[1],
		    "fault injection: %lu calls, %lu of them ENOMEM (storm: %lu of %lu)",
		    calls[1], nomem_calls[1], nomem_calls[0], calls[0]);
	tap(!linear_ok, "MAP_LINEAR never succeeded without CAP_SYS_RAWIO (%lu did)", linear_ok);
	tap(!bad_return, "every call returned 0, -1 or a descriptor (%lu did not)", bad_return);
	tap(!child_crashes, "no forked child died of a signal (%lu did)", child_crashes);

	close_all();
	check_spaces_free();
	pin_after = status_kb("VmPin");
	tap(pin_after == pin_before, "VmPin back to %ld kB after close (%ld kB)", pin_before,
	    pin_after);
	check_module_stats();

	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed, %d skipped\n", tap_n - tap_failed - tap_skipped,
	       tap_failed, tap_skipped);
	return tap_failed ? 1 : 0;
}
