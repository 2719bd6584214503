// SPDX-License-Identifier: GPL-2.0
/*
 * TAP selftest of the vCPUs of /dev/axaddrspace (AXAS_CREATE_VCPU,
 * AXAS_GET_REGS, AXAS_SET_REGS, AXAS_RUN in
 * include/uapi/linux/axaddrspace.h).
 *
 * A real guest runs: tools/guests/ARCH/guest.S, built by tools/Makefile
 * and embedded here (axas_guest_start..axas_guest_end). It is loaded into
 * a populated RWX range at GUEST_BASE and driven by commands in its
 * argument registers; it answers through hypercalls. The cases check the
 * errors of every vCPU call, the exits (hypercall, MMIO of every width and
 * form, permission, internal errors, a signal), the lazy faults the kernel
 * serves without an exit, TLB invalidation after UNMAP and PROTECT (of a
 * stopped guest, and of one that keeps running on another hart), a
 * wrong table entry (AXAS_SPACE_TEST_WRONG_LEAF), two vCPUs at once and
 * max_space_mb.
 *
 * Where the host runs no guests (CHECK_EXTENSION(AXAS_CAP_VCPU) == 0: x86
 * today, arm64 at EL1 or with KVM built in, RISC-V without H) or no test guest exists for the
 * architecture, AXAS_CREATE_VCPU must fail with -EOPNOTSUPP and the guest
 * cases are reported as skipped, with the reason: the plan is the same.
 *
 * Options: none: the tests; -b: the benchmark (lazy faults of a guest);
 * -d: a demonstration, told for people; -v: verbose; -s SECTION[,...]
 * runs only some sections (-l lists them).
 *
 * Output: TAP version 13, one line per case, the plan at the end, then
 * "N passed, N failed, N skipped". Exit status 0 only if nothing failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

#define R		AXAS_MEM_READ
#define W		AXAS_MEM_WRITE
#define X		AXAS_MEM_EXEC
#define POPULATE	AXAS_MEM_POPULATE

#if defined(__x86_64__)
/*
 * The guest's space: AMD NPT on SVM hosts, EPT on VMX hosts (as
 * CHECK_EXTENSION(VCPU_FORMAT) says), 48 bits, 4 GiB from 0.
 */
#define SPACE_FORMAT	vcpu_format()
#define SPACE_BITS	48
#define SPACE_DESC	(vcpu_format() == AXAS_FORMAT_EPT ? "Intel EPT (4-level)" : \
			 "AMD NPT (4-level)")
#define GUEST_SRC	"tools/guests/x86_64/guest.S"
#define GUEST_ARCH	"x86-64"
#elif defined(__aarch64__)
/* The guest's space: AArch64 Stage-2, 40-bit IPA, 4 GiB from 0. */
#define SPACE_FORMAT	AXAS_FORMAT_ARM_S2
#define SPACE_BITS	40
#define SPACE_DESC	"AArch64 Stage-2 (4 KiB granule)"
#define GUEST_SRC	"tools/guests/arm64/guest.S"
#define GUEST_ARCH	"AArch64"
#else
/* The guest's space: RISC-V G-stage, Sv39x4, 4 GiB from 0. */
#define SPACE_FORMAT	AXAS_FORMAT_RISCV_GSTAGE
#define SPACE_BITS	41
#define SPACE_DESC	"RISC-V G-stage (Sv39x4)"
#define GUEST_SRC	"tools/guests/riscv/guest.S"
#define GUEST_ARCH	"RISC-V"
#endif
#define SPACE_SIZE	GB(4)
/* Guest code, populated RWX; the entry is its first byte. */
#define GUEST_BASE	0x80000000ULL
#define CODE_SIZE	KB(64)
/* Guest RAM of the cases, and a read-only range. */
#define DATA_BASE	0x90000000ULL
#define RO_BASE		0xa0000000ULL
/* Device addresses: nothing maps them. */
#define MMIO_BASE	0x10000000ULL
/* x86: the guest's own page tables, in its image (CR3, arch[0]). */
#define GUEST_PT	(GUEST_BASE + 0x8000)

/* Addresses no caller owns. */
#define KERNEL_ADDR	0xffff800000000000ULL
#define UNMAPPED_ADDR	0x2000UL

/* Exits to userspace one case may see before it is a runaway guest. */
#define MAX_EXITS	1000
/* Seconds one AXAS_RUN may take before it is a runaway guest. */
#define RUN_TIMEOUT	30
#define BENCH_TIMEOUT	300

/* Commands and hypercalls of the guest (tools/guests/ARCH/guest.S). */
enum guest_cmd {
	CMD_NOP, CMD_TOUCH, CMD_MMIO, CMD_STORE, CMD_LOAD, CMD_SPIN, CMD_JUMP,
	CMD_ILLEGAL, CMD_SUM, CMD_STALE_LOAD, CMD_STALE_STORE, CMD_SYSREG,
	CMD_PORTIO, CMD_HLT, CMD_DECODE, CMD_WFI, CMD_FP,
};

#define HC_DONE		0
#define HC_REPORT	1
/* DONE() values of a guest that went wrong. */
#define GUEST_BAD_CMD	((u64)-1)
#define GUEST_SKIPPED	((u64)-2)	/* started 4 bytes past the pc set */

#if defined(__x86_64__)
/*
 * The guest's registers by number (ModR/M order: rax 0, rcx 1, rdx 2,
 * rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8..r15): rdi the command and the
 * DONE value, rsi, rdx, r10, r8 the arguments, rax the hypercall number
 * and return value, r11 and r12 the scratch registers of TOUCH, r9 the
 * hypercall flag (0 VMMCALL, 1 VMCALL). gpr[16..31] must be 0.
 */
#define REG_T0		11
#define REG_T1		12
#define REG_A0		7
#define REG_A1		6
#define REG_A2		2
#define REG_A3		10
#define REG_A4		8
#define REG_A7		0
#define REG_HCFLAG	9
#define RN_T0		"r11"
#define RN_T1		"r12"
#define RN_A0		"rdi"
#define RN_A1		"rsi"
#define RN_A2		"rdx"
#define RN_A3		"r10"
#define RN_A7		"rax"
#define GPR0_IS_ZERO	0
#define NR_GPRS		16
#define HC_INSN		"VMMCALL/VMCALL"
/*
 * ILLEGAL is UD2, intercepted as #UD: SVM exit code 0x46 (0x40 + 6),
 * VMX basic exit reason 0 (exception or NMI). The word is UD2 twice.
 */
#define ILLEGAL_CAUSE	(vcpu_format() == AXAS_FORMAT_EPT ? 0ULL : 0x46ULL)
#define ILLEGAL_WORD	0x0b0f0b0fU
#define ILLEGAL_DESC	"the #UD exit (SVM 0x46, VMX 0)"
#define ILLEGAL_INSN	"UD2"
#define WRONG_LEAF	"U/S-clear (NPT) or R-clear (EPT)"
#define GUEST_MODE	"64-bit CPL 0"
#define MMIO_FORMS	"prefixes, REX, AH..BH, SIB, RIP-relative, immediates"
#define POISON		0x5a5a5a5a5a5a5a5aULL
#elif defined(__aarch64__)
/*
 * The guest's registers by number: x0 the command and result, x1..x4 the
 * arguments, x8 the hypercall number, x5 and x6 the scratch registers of
 * TOUCH (page, i). gpr[31] is SP_EL1; every gpr[] is a register.
 */
#define REG_T0		5
#define REG_T1		6
#define REG_A0		0
#define REG_A1		1
#define REG_A2		2
#define REG_A3		3
#define REG_A4		4
#define REG_A7		8
#define RN_T0		"x5"
#define RN_T1		"x6"
#define RN_A0		"x0"
#define RN_A1		"x1"
#define RN_A2		"x2"
#define RN_A3		"x3"
#define RN_A7		"x8"
#define GPR0_IS_ZERO	0
#define NR_GPRS		32
#define HC_INSN		"HVC"
/*
 * ILLEGAL is an SMC, which HCR_EL2.TSC traps to EL2: ESR_EL2 EC 0x17
 * (SMC from AArch64), IL set, ISS imm16 0. The word is SMC #0.
 */
#define ILLEGAL_CAUSE	0x5e000000ULL
#define ILLEGAL_WORD	0xd4000003U
#define ILLEGAL_DESC	"ESR 0x5e000000 (EC 0x17: SMC trapped by HCR_EL2.TSC)"
#define ILLEGAL_INSN	"SMC #0"
#define WRONG_LEAF	"AF-clear"
#define GUEST_MODE	"EL1"
#define MMIO_FORMS	"signed, unsigned, W and X registers, xzr"
#else
/* RISC-V registers by number. */
#define REG_T0		5
#define REG_T1		6
#define REG_A0		10
#define REG_A1		11
#define REG_A2		12
#define REG_A3		13
#define REG_A4		14
#define REG_A7		17
#define RN_T0		"t0"
#define RN_T1		"t1"
#define RN_A0		"a0"
#define RN_A1		"a1"
#define RN_A2		"a2"
#define RN_A3		"a3"
#define RN_A7		"a7"
#define GPR0_IS_ZERO	1	/* gpr[0] is x0: reads 0, must be set 0 */
#define NR_GPRS		32
#define HC_INSN		"ECALL"

#define ILLEGAL_CAUSE	2ULL	/* scause: illegal instruction */
#define ILLEGAL_WORD	0U
#define ILLEGAL_DESC	"scause 2"
#define ILLEGAL_INSN	"all-zero"
#define WRONG_LEAF	"U-clear"
#define GUEST_MODE	"VS-mode"
#define MMIO_FORMS	"compressed too"
#endif

/* The native format, as in axas_test.c. */
#if defined(__x86_64__)
#define NATIVE_ARCH	"x86_64"
#define NATIVE_FORMAT	AXAS_FORMAT_EPT
#elif defined(__aarch64__)
#define NATIVE_ARCH	"arm64"
#define NATIVE_FORMAT	AXAS_FORMAT_ARM_S2
#elif defined(__riscv)
#define NATIVE_ARCH	"riscv64"
#define NATIVE_FORMAT	AXAS_FORMAT_RISCV_GSTAGE
#else
#error "x86_64, arm64 or riscv64 only"
#endif

/* tools/guests/guest-blob.S: the guest image, empty if there is none. */
extern const unsigned char axas_guest_start[], axas_guest_end[];

/* ---- TAP ----------------------------------------------------------------- */

static int n_tests, n_pass, n_fail, n_skip;
static bool verbose;
static char pending[8192];	/* diagnostics for the next result */
static size_t pending_len;
static pthread_mutex_t note_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * Set while a part runs that cannot run here: every result it gives is
 * reported as skipped, for this reason, so the plan stays the same.
 */
static const char *skipping;

enum { TAP_OK, TAP_FAIL, TAP_SKIP };

static void emit(int status, const char *name, const char *reason)
{
	char *line, *save;

	if (skipping && status != TAP_SKIP) {
		status = TAP_SKIP;
		reason = skipping;
	}
	pthread_mutex_lock(&note_lock);
	if (pending_len && (status == TAP_FAIL || verbose)) {
		for (line = strtok_r(pending, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("# %s\n", line);
	}
	pending_len = 0;
	pending[0] = 0;
	pthread_mutex_unlock(&note_lock);
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

	pthread_mutex_lock(&note_lock);
	if (pending_len >= sizeof(pending) - 2)
		goto out;
	va_start(ap, fmt);
	n = vsnprintf(pending + pending_len, sizeof(pending) - pending_len - 1,
		      fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	pending_len += n;
	if (pending_len > sizeof(pending) - 2)
		pending_len = sizeof(pending) - 2;
	pending[pending_len++] = '\n';
	pending[pending_len] = 0;
out:
	pthread_mutex_unlock(&note_lock);
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

/* A "# " line in the output; always printed. */
static void __printf(1, 2) comment(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s\n", buf);
}

/* Errors of the run helpers that no ioctl returns. */
#define ERR_TIMEOUT	ETIMEDOUT	/* RUN still running after the timeout */
#define ERR_RUNAWAY	ELOOP		/* more than MAX_EXITS exits */

static const char *retname(long ret)
{
	static char bufs[4][32];
	static unsigned int n;
	char *b;

	if (ret == -ERR_TIMEOUT)
		return "runaway (timeout)";
	if (ret == -ERR_RUNAWAY)
		return "runaway (too many exits)";
	if (ret < 0)
		return axd_errname(-ret);
	b = bufs[n++ % 4];
	snprintf(b, 32, "%ld", ret);
	return b;
}

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

/* ---- plumbing ------------------------------------------------------------ */

static const char *dev_path = "/dev/axaddrspace";
static int devfd = -1;
static long cap_vcpu, cap_hooks, cap_native, cap_max_mb, cap_max_rw;
static long cap_vcpu_fmt;

#if defined(__x86_64__)
/* The format x86 guests walk here: NPT on SVM, EPT on VMX. */
static unsigned int vcpu_format(void)
{
	return cap_vcpu_fmt > 0 ? (unsigned int)cap_vcpu_fmt - 1 : AXAS_FORMAT_AMD_NPT;
}
#endif
static const unsigned char *guest_img;
static size_t guest_len;
/* Why no guest runs here, or NULL. */
static const char *no_guest;

static long xio(int fd, unsigned long req, const void *arg)
{
	long ret;

	if (fd < 0)
		return -EBADF;
	ret = ioctl(fd, req, arg);
	return ret < 0 ? -errno : ret;
}

static long xio_val(int fd, unsigned long req, unsigned long val)
{
	long ret;

	if (fd < 0)
		return -EBADF;
	ret = ioctl(fd, req, val);
	return ret < 0 ? -errno : ret;
}

static void xclose(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
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

static long get_stats(int fd, struct axas_space_stats *st)
{
	memset(st, 0, sizeof(*st));
	return xio(fd, AXAS_GET_STATS, st);
}

static long range_io(int fd, unsigned long req, u64 gpa, u64 size, u32 flags)
{
	struct axas_range r = {
		.guest_addr = gpa, .size = size, .flags = flags,
	};

	return xio(fd, req, &r);
}

static long map_alloc(int fd, u64 gpa, u64 size, u32 flags)
{
	return range_io(fd, AXAS_MAP_ALLOC, gpa, size, flags);
}

static long unmap(int fd, u64 gpa, u64 size)
{
	return range_io(fd, AXAS_UNMAP, gpa, size, 0);
}

static long protect(int fd, u64 gpa, u64 size, u32 flags)
{
	return range_io(fd, AXAS_PROTECT, gpa, size, flags);
}

static long guest_rw(int fd, bool write, u64 gpa, void *buf, u64 size)
{
	struct axas_rw rw = {
		.guest_addr = gpa, .size = size, .buf = (uintptr_t)buf,
	};

	return xio(fd, write ? AXAS_GUEST_WRITE : AXAS_GUEST_READ, &rw);
}

static long guest_u64(int fd, u64 gpa, u64 *v)
{
	*v = 0;
	return guest_rw(fd, false, gpa, v, sizeof(*v));
}

static long put_u64(int fd, u64 gpa, u64 v)
{
	return guest_rw(fd, true, gpa, &v, sizeof(v));
}

static long create_vcpu(int space, unsigned long id)
{
	return xio_val(space, AXAS_CREATE_VCPU, id);
}

static long get_regs(int fd, struct axas_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	return xio(fd, AXAS_GET_REGS, regs);
}

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
 * Whether /proc/cpuinfo's first "isa" line (rv64imafdch_...) names the H
 * extension: 1, 0, or -1 when it has no such line (not RISC-V).
 */
static int cpu_has_h(void)
{
	char line[1024], *p;
	int ret = -1;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "isa", 3) || !strchr(line, ':'))
			continue;
		p = strchr(line, ':') + 1;
		p += strspn(p, " \t");
		if (strncmp(p, "rv64", 4) && strncmp(p, "rv32", 4))
			continue;
		p += 4;
		p[strcspn(p, "_ \t\n")] = 0;
		ret = !!strchr(p, 'h');
		break;
	}
	fclose(f);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the runaway guard --------------------------------------------------- */

/*
 * Each thread that runs a vCPU arms a timer of its own around AXAS_RUN:
 * its SIGALRM (no SA_RESTART) makes a RUN that never returns fail with
 * -EINTR, which the helper turns into -ERR_TIMEOUT.
 */
static __thread timer_t run_timer;
static __thread bool run_timer_made;
static __thread atomic_int run_alarm;

static void on_alarm(int sig)
{
	(void)sig;
	atomic_store(&run_alarm, 1);
}

static bool run_timer_arm(unsigned int secs)
{
	struct itimerspec its = { .it_value.tv_sec = secs };

	if (!run_timer_made) {
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev._sigev_un._tid = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &run_timer))
			return false;
		run_timer_made = true;
	}
	atomic_store(&run_alarm, 0);
	return !timer_settime(run_timer, 0, &its, NULL);
}

static void run_timer_disarm(void)
{
	struct itimerspec its = { };

	if (run_timer_made)
		timer_settime(run_timer, 0, &its, NULL);
}

/* At the end of a thread that armed it. */
static void run_timer_drop(void)
{
	if (run_timer_made)
		timer_delete(run_timer);
	run_timer_made = false;
}

/* ---- vCPUs and their guest ----------------------------------------------- */

struct vcpu {
	int fd;
	struct axas_run run;	/* of the last AXAS_RUN */
	/* counters, as the last RUN that reported them left them */
	u64 exits, faults, irq_exits;
	unsigned int user_exits;	/* RUNs in this case */
	unsigned int timeout;		/* seconds per RUN */
	bool runaway;
};

struct vm {
	int space;
	struct vcpu cpu;
};

static void vcpu_init(struct vcpu *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout = RUN_TIMEOUT;
}

static const char *exit_name(u32 reason)
{
	static const char *const names[] = {
		"NONE", "HYPERCALL", "MMIO", "PERMISSION", "INTERNAL_ERROR",
		"INTR", "SYSREG", "IO", "HLT",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

static const char *internal_name(u32 suberror)
{
	static const char *const names[] = {
		"0", "TRAP", "DECODE", "EXEC_MMIO", "ENTRY_REJECTED",
	};

	return suberror < ARRAY_SIZE(names) ? names[suberror] : "unknown";
}

static const char *access_name(u32 access)
{
	switch (access) {
	case R:
		return "READ";
	case W:
		return "WRITE";
	case X:
		return "EXEC";
	default:
		return "mixed";
	}
}

/* The exit of @r, readable (one of four rotating buffers). */
static const char *exit_str(const struct axas_run *r)
{
	static char bufs[4][256];
	static unsigned int n;
	const union axas_exit *e = &r->exit;
	char *b = bufs[n++ % 4];

	switch (r->exit_reason) {
	case AXAS_EXIT_HYPERCALL:
		snprintf(b, 256, "HYPERCALL nr %llu args %#llx %#llx %#llx",
			 (unsigned long long)e->hypercall.nr,
			 (unsigned long long)e->hypercall.args[0],
			 (unsigned long long)e->hypercall.args[1],
			 (unsigned long long)e->hypercall.args[2]);
		break;
	case AXAS_EXIT_MMIO:
		snprintf(b, 256, "MMIO %s of %u bytes at %#llx, data %#llx",
			 e->mmio.is_write ? "write" : "read", e->mmio.len,
			 (unsigned long long)e->mmio.guest_addr,
			 (unsigned long long)e->mmio.data);
		break;
	case AXAS_EXIT_PERMISSION:
		snprintf(b, 256, "PERMISSION %s (%#x) at %#llx",
			 access_name(e->permission.access), e->permission.access,
			 (unsigned long long)e->permission.guest_addr);
		break;
	case AXAS_EXIT_INTERNAL_ERROR:
		snprintf(b, 256, "INTERNAL_ERROR %s (%u), ndata %u: %#llx %#llx %#llx %#llx",
			 internal_name(e->internal.suberror), e->internal.suberror,
			 e->internal.ndata,
			 (unsigned long long)e->internal.data[0],
			 (unsigned long long)e->internal.data[1],
			 (unsigned long long)e->internal.data[2],
			 (unsigned long long)e->internal.data[3]);
		break;
	default:
		snprintf(b, 256, "%s (%u)", exit_name(r->exit_reason),
			 r->exit_reason);
	}
	return b;
}

static void note_regs(struct vcpu *c)
{
	struct axas_regs regs;
	long ret = get_regs(c->fd, &regs);

	if (ret) {
		note("get_regs: %s", retname(ret));
		return;
	}
	note("guest pc %#llx " RN_A0 " %#llx " RN_A1 " %#llx " RN_A2 " %#llx "
	     RN_T0 " %#llx " RN_T1 " %#llx",
	     (unsigned long long)regs.pc,
	     (unsigned long long)regs.gpr[REG_A0],
	     (unsigned long long)regs.gpr[REG_A1],
	     (unsigned long long)regs.gpr[REG_A2],
	     (unsigned long long)regs.gpr[REG_T0],
	     (unsigned long long)regs.gpr[REG_T1]);
}

/*
 * One AXAS_RUN: 0 or -errno, -ERR_TIMEOUT when it ran longer than the
 * vCPU's timeout, -ERR_RUNAWAY past MAX_EXITS exits in one case.
 */
static long vrun(struct vcpu *c)
{
	bool armed;
	long ret;

	if (c->fd < 0)
		return -EBADF;
	if (c->user_exits >= MAX_EXITS) {
		if (!c->runaway)
			note("runaway guest: more than %d exits in one case", MAX_EXITS);
		c->runaway = true;
		return -ERR_RUNAWAY;
	}
	c->user_exits++;
	armed = run_timer_arm(c->timeout);
	ret = xio(c->fd, AXAS_RUN, &c->run);
	run_timer_disarm();
	if (ret == 0 || ret == -EINTR) {
		c->exits = c->run.exits;
		c->faults = c->run.faults;
		c->irq_exits = c->run.irq_exits;
	}
	if (ret == -EINTR && armed && atomic_load(&run_alarm)) {
		note("runaway guest: RUN still running after %u s", c->timeout);
		note_regs(c);
		return -ERR_TIMEOUT;
	}
	return ret;
}

/*
 * Registers that start the guest at its entry: x86 also needs CR3 (its
 * page tables) and the hypercall flag (VMCALL on VMX hosts).
 */
static void regs_start(struct axas_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->pc = GUEST_BASE;
#if defined(__x86_64__)
	regs->arch[0] = GUEST_PT;
	regs->gpr[REG_HCFLAG] = vcpu_format() == AXAS_FORMAT_EPT;
#endif
}

/*
 * Start the guest's command @cmd: the registers set from scratch (pc at
 * the entry, a0 the command, a1..a4 the arguments), then one RUN.
 */
static long guest_cmd4(struct vcpu *c, u64 cmd, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct axas_regs regs;
	long ret;

	if (c->fd < 0)
		return -EBADF;
	regs_start(&regs);
	regs.gpr[REG_A0] = cmd;
	regs.gpr[REG_A1] = a1;
	regs.gpr[REG_A2] = a2;
	regs.gpr[REG_A3] = a3;
	regs.gpr[REG_A4] = a4;
	ret = xio(c->fd, AXAS_SET_REGS, &regs);
	if (ret) {
		note("set_regs: %s", retname(ret));
		return ret;
	}
	memset(&c->run, 0, sizeof(c->run));
	/*
	 * SET_REGS is expected to drop what the last exit left to complete
	 * (regs case "set_regs after a HYPERCALL exit"); should it not, the
	 * completion of a DONE would still leave a0 as the command.
	 */
	c->run.exit.hypercall.ret = cmd;
	return vrun(c);
}

static long guest_cmd(struct vcpu *c, u64 cmd, u64 a1, u64 a2, u64 a3)
{
	return guest_cmd4(c, cmd, a1, a2, a3, 0);
}

/* Whether the RUN that returned @ret ended with exit @reason; notes why not. */
static bool ran(struct vcpu *c, long ret, u32 reason)
{
	if (ret) {
		note("RUN: %s (exit_reason %s)", retname(ret),
		     exit_name(c->run.exit_reason));
		return false;
	}
	if (c->run.exit_reason != reason) {
		note("exit %s, expected %s", exit_str(&c->run), exit_name(reason));
		if (c->run.exit_reason == AXAS_EXIT_HYPERCALL &&
		    c->run.exit.hypercall.nr == HC_DONE &&
		    c->run.exit.hypercall.args[0] == GUEST_SKIPPED)
			note("DONE(-2): the guest started 4 bytes past the pc set");
		return false;
	}
	return true;
}

static bool is_hypercall(struct vcpu *c, long ret, u64 nr, u64 val)
{
	const struct axas_exit_hypercall *h = &c->run.exit.hypercall;

	if (!ran(c, ret, AXAS_EXIT_HYPERCALL))
		return false;
	if (h->nr != nr || h->args[0] != val) {
		note("exit %s, expected %s(%#llx)", exit_str(&c->run),
		     nr == HC_DONE ? "DONE" : "REPORT", (unsigned long long)val);
		if (h->nr == HC_DONE && h->args[0] == GUEST_SKIPPED)
			note("DONE(-2): the guest started 4 bytes past the pc set");
		if (h->nr == HC_DONE && h->args[0] == GUEST_BAD_CMD)
			note("DONE(-1): the guest saw an unknown command in a0");
		return false;
	}
	return true;
}

/* The RUN that returned @ret ended with the guest's DONE(@val). */
static bool is_done(struct vcpu *c, long ret, u64 val)
{
	return is_hypercall(c, ret, HC_DONE, val);
}

static bool is_mmio(struct vcpu *c, long ret, u64 gpa, u32 len, bool write)
{
	const struct axas_exit_mmio *m = &c->run.exit.mmio;

	if (!ran(c, ret, AXAS_EXIT_MMIO))
		return false;
	if (m->guest_addr != gpa || m->len != len || m->is_write != write) {
		note("exit %s, expected MMIO %s of %u bytes at %#llx",
		     exit_str(&c->run), write ? "write" : "read", len,
		     (unsigned long long)gpa);
		return false;
	}
	return true;
}

static bool is_permission(struct vcpu *c, long ret, u64 gpa, u32 access)
{
	const struct axas_exit_permission *p = &c->run.exit.permission;

	if (!ran(c, ret, AXAS_EXIT_PERMISSION))
		return false;
	if (p->guest_addr != gpa || p->access != access) {
		note("exit %s, expected PERMISSION %s at %#llx", exit_str(&c->run),
		     access_name(access), (unsigned long long)gpa);
		return false;
	}
	return true;
}

static bool is_internal(struct vcpu *c, long ret, u32 suberror, u64 data0)
{
	const struct axas_exit_internal *in = &c->run.exit.internal;

	if (!ran(c, ret, AXAS_EXIT_INTERNAL_ERROR))
		return false;
	if (in->suberror != suberror || in->data[0] != data0) {
		note("exit %s, expected INTERNAL_ERROR %s with data[0] %#llx",
		     exit_str(&c->run), internal_name(suberror),
		     (unsigned long long)data0);
		return false;
	}
	return true;
}

/* A space for the guest; vCPU 0 on it unless @no_vcpu. */
static bool vm_new_flags(struct vm *vm, u32 flags, bool no_vcpu)
{
	long ret;

	vm->space = -1;
	vcpu_init(&vm->cpu, -1);
	if (no_guest)
		return false;
	ret = mkspace_flags(SPACE_FORMAT, SPACE_BITS, 0, SPACE_SIZE, flags);
	if (ret < 0) {
		note("create_space for the guest: %s", retname(ret));
		return false;
	}
	vm->space = ret;
	ret = map_alloc(vm->space, GUEST_BASE, CODE_SIZE, R | W | X | POPULATE);
	if (ret) {
		note("map_alloc of the guest code: %s", retname(ret));
		return false;
	}
	ret = guest_rw(vm->space, true, GUEST_BASE, (void *)guest_img, guest_len);
	if (ret) {
		note("guest_write of the guest code (%zu bytes): %s", guest_len,
		     retname(ret));
		return false;
	}
	if (no_vcpu)
		return true;
	ret = create_vcpu(vm->space, 0);
	if (ret < 0) {
		note("create_vcpu 0: %s", retname(ret));
		return false;
	}
	vm->cpu.fd = ret;
	return true;
}

static bool vm_new(struct vm *vm)
{
	return vm_new_flags(vm, 0, false);
}

static void vm_free(struct vm *vm)
{
	xclose(&vm->cpu.fd);
	xclose(&vm->space);
}

/*
 * Read @n pages from @base in as few GUEST_READs as MAX_RW allows and
 * check the words TOUCH(base, n, seed) wrote; notes the first mismatch.
 */
static bool touched_ok(int space, u64 base, unsigned int n, u64 seed)
{
	u64 chunk = cap_max_rw >= (long)PAGE ? (u64)cap_max_rw / PAGE : 1;
	u64 *buf = malloc(chunk * PAGE);
	unsigned int i = 0, j, bad = 0;
	bool ok = true;
	long ret;

	if (!buf)
		return false;
	while (i < n) {
		unsigned int cnt = n - i < chunk ? n - i : chunk;

		ret = guest_rw(space, false, base + i * PAGE, buf, cnt * PAGE);
		if (ret) {
			note("guest_read of %u pages at %#llx: %s", cnt,
			     (unsigned long long)(base + i * PAGE), retname(ret));
			ok = false;
			break;
		}
		for (j = 0; j < cnt; j++) {
			u64 first = buf[j * (PAGE / 8)];
			u64 last = buf[j * (PAGE / 8) + PAGE / 8 - 1];
			u64 want = seed + i + j;

			if (first == want && last == ~want)
				continue;
			if (!bad++)
				note("page %u (%#llx): %#llx and %#llx, expected %#llx and %#llx",
				     i + j, (unsigned long long)(base + (i + j) * PAGE),
				     (unsigned long long)first, (unsigned long long)last,
				     (unsigned long long)want, (unsigned long long)~want);
			ok = false;
		}
		i += cnt;
	}
	if (bad)
		note("%u of %u pages wrong", bad, n);
	free(buf);
	return ok;
}

/* ---- caps, errors, registers --------------------------------------------- */

static unsigned int format_bits(unsigned int format)
{
	switch (format) {
	case AXAS_FORMAT_EPT:
		return 48;
	case AXAS_FORMAT_ARM_S2:
		return 40;
	case AXAS_FORMAT_AMD_NPT:
		return 48;
	default:
		return 41;
	}
}

static unsigned int native_format(void)
{
	if (cap_vcpu_fmt > 0)
		return (unsigned int)cap_vcpu_fmt - 1;
	return cap_native > 0 ? (unsigned int)cap_native - 1 : NATIVE_FORMAT;
}

/* A space of @format, 4 GiB from 0. */
static long mkspace_of(unsigned int format)
{
	return mkspace_flags(format, format_bits(format), 0, GB(4), 0);
}

static const struct {
	const char *name;
	unsigned long cmd;
} space_ioctls[] = {
	{ "set_user_region", AXAS_SET_USER_REGION },
	{ "map_alloc", AXAS_MAP_ALLOC },
	{ "map_linear", AXAS_MAP_LINEAR },
	{ "unmap", AXAS_UNMAP },
	{ "protect", AXAS_PROTECT },
	{ "translate", AXAS_TRANSLATE },
	{ "guest_read", AXAS_GUEST_READ },
	{ "guest_write", AXAS_GUEST_WRITE },
	{ "fault", AXAS_FAULT },
	{ "get_stats", AXAS_GET_STATS },
	{ "dump", AXAS_DUMP },
};

static const struct {
	const char *name;
	unsigned long cmd;
} vcpu_ioctls[] = {
	{ "get_regs", AXAS_GET_REGS },
	{ "set_regs", AXAS_SET_REGS },
	{ "run", AXAS_RUN },
};

/* The vCPU ioctls where they do not belong: ENOTTY. */
static void caps_wrong_fd(void)
{
	static __u64 zero[64];
	unsigned int i;
	long fd;

	for (i = 0; i < ARRAY_SIZE(vcpu_ioctls); i++)
		expect(xio(devfd, vcpu_ioctls[i].cmd, zero), ENOTTY,
		       "/dev fd: vCPU ioctl %s", vcpu_ioctls[i].name);
	fd = mkspace_of(native_format());
	if (fd < 0)
		note("create_space: %s", retname(fd));
	for (i = 0; i < ARRAY_SIZE(vcpu_ioctls); i++)
		expect(xio(fd, vcpu_ioctls[i].cmd, zero), ENOTTY,
		       "space fd: vCPU ioctl %s", vcpu_ioctls[i].name);
	if (fd >= 0)
		close(fd);
}

/* Unknown and misplaced ioctls on a vCPU fd: ENOTTY. */
static void caps_vcpu_notty(int vfd)
{
	static const struct {
		const char *name;
		unsigned long cmd;
	} bad[] = {
		{ "_IO(0xBA, 0x21)", _IO(AXAS_IOCTL_MAGIC, 0x21) },
		{ "_IO(0xBA, 0x2b)", _IO(AXAS_IOCTL_MAGIC, 0x2b) },
		{ "_IO(0xBA, 0x3f)", _IO(AXAS_IOCTL_MAGIC, 0x3f) },
		{ "_IO(0xBA, 0xff)", _IO(AXAS_IOCTL_MAGIC, 0xff) },
		{ "KVM_RUN _IO(0xAE, 0x80)", _IO(0xAE, 0x80) },
		{ "TCGETS", TCGETS },
		{ "get_regs with size + 8",
		  _IOC(_IOC_READ, AXAS_IOCTL_MAGIC, 0x28, sizeof(struct axas_regs) + 8) },
		{ "set_regs with size + 8",
		  _IOC(_IOC_WRITE, AXAS_IOCTL_MAGIC, 0x29, sizeof(struct axas_regs) + 8) },
		{ "run with size + 8",
		  _IOC(_IOC_READ | _IOC_WRITE, AXAS_IOCTL_MAGIC, 0x2a,
		       sizeof(struct axas_run) + 8) },
		{ "get_regs as _IOW", _IOW(AXAS_IOCTL_MAGIC, 0x28, struct axas_regs) },
		{ "run as _IO", _IO(AXAS_IOCTL_MAGIC, 0x2a) },
		{ "system ioctl get_api_version", AXAS_GET_API_VERSION },
		{ "system ioctl check_extension", AXAS_CHECK_EXTENSION },
		{ "system ioctl create_space", AXAS_CREATE_SPACE },
		{ "create_vcpu", AXAS_CREATE_VCPU },
	};
	static __u64 zero[64];
	unsigned int i;
	long ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = xio(vfd, bad[i].cmd, zero);
		if (ret >= 0 && bad[i].cmd == AXAS_CREATE_SPACE)
			close(ret);
		expect(ret, ENOTTY, "vCPU fd: %s", bad[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(space_ioctls); i++)
		expect(xio(vfd, space_ioctls[i].cmd, zero), ENOTTY,
		       "vCPU fd: space ioctl %s", space_ioctls[i].name);
}

static bool regs_equal(const struct axas_regs *a, const struct axas_regs *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void note_regs_diff(const struct axas_regs *got, const struct axas_regs *want)
{
	unsigned int i, shown = 0;

	if (got->pc != want->pc)
		note("pc %#llx, expected %#llx", (unsigned long long)got->pc,
		     (unsigned long long)want->pc);
	for (i = 0; i < 32 && shown < 4; i++) {
		if (got->gpr[i] == want->gpr[i])
			continue;
		note("x%u %#llx, expected %#llx", i, (unsigned long long)got->gpr[i],
		     (unsigned long long)want->gpr[i]);
		shown++;
	}
	for (i = 0; i < 8 && shown < 4; i++) {
		if (got->arch[i] == want->arch[i])
			continue;
		note("arch[%u] %#llx, expected 0", i, (unsigned long long)got->arch[i]);
		shown++;
	}
}

/* The errors of SET_REGS and RUN, on a vCPU whose registers are @set. */
static void caps_bad_args(int vfd, const struct axas_regs *set)
{
	struct axas_regs regs, now_regs;
	struct axas_run run;
	unsigned int i, b;
	long ret, first_bad = 0;
	int bad = -1;

	expect(xio(vfd, AXAS_GET_REGS, (void *)UNMAPPED_ADDR), EFAULT,
	       "get_regs: unmapped pointer");
	expect(xio(vfd, AXAS_GET_REGS, (void *)KERNEL_ADDR), EFAULT,
	       "get_regs: kernel pointer");
	expect(xio(vfd, AXAS_SET_REGS, (void *)UNMAPPED_ADDR), EFAULT,
	       "set_regs: unmapped pointer");
	expect(xio(vfd, AXAS_RUN, (void *)UNMAPPED_ADDR), EFAULT,
	       "run: unmapped pointer");
	expect(xio(vfd, AXAS_RUN, NULL), EFAULT, "run: NULL");

	regs = *set;
#if defined(__x86_64__)
	/* gpr[16..31] are no registers; CR3 must be aligned and in the space. */
	regs.gpr[16] = 1;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: gpr[16] = 1");
	regs.gpr[16] = 0;
	regs.gpr[31] = ~0ULL;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: gpr[31] = ~0");
	regs.gpr[31] = 0;
#elif GPR0_IS_ZERO
	regs.gpr[0] = 1;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: x0 = 1");
	regs.gpr[0] = ~0ULL;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: x0 = ~0");
#else
	/* Every gpr[] is a register; a pc off the 4-byte grid is refused. */
	regs.pc = set->pc + 2;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: pc + 2 (not 4-byte aligned)");
	regs.pc = set->pc + 1;
	expect(xio(vfd, AXAS_SET_REGS, &regs), EINVAL, "set_regs: pc + 1 (not 4-byte aligned)");
	regs.pc = set->pc;
#endif
	for (i = 0; i < 8; i++) {
		for (b = 0; b < 64; b += 21) {
			regs = *set;
#if defined(__x86_64__)
			/* arch[0] is CR3: bit 0 unaligned, 42 and 63 out of the space. */
			if (i == 0 && b == 21)
				continue;
#endif
			regs.arch[i] = 1ULL << b;
			ret = xio(vfd, AXAS_SET_REGS, &regs);
			if (ret != -EINVAL && bad < 0) {
				bad = i;
				first_bad = ret;
			}
		}
	}
	if (bad >= 0)
		note("arch[%d]: %s", bad, retname(first_bad));
	expect(bad < 0 ? -EINVAL : first_bad, EINVAL,
	       "set_regs: arch[0..7] non-zero, each alone (bits 0, 21, 42, 63)");

	bad = -1;
	for (b = 0; b < 32; b++) {
		memset(&run, 0, sizeof(run));
		run.flags = 1U << b;
		ret = xio(vfd, AXAS_RUN, &run);
		if (ret != -EINVAL && bad < 0) {
			bad = b;
			first_bad = ret;
		}
	}
	if (bad >= 0)
		note("flags bit %d: %s", bad, retname(first_bad));
	expect(bad < 0 ? -EINVAL : first_bad, EINVAL,
	       "run: flags, each of its 32 bits alone");

	bad = -1;
	for (i = 0; i < ARRAY_SIZE(run.reserved); i++) {
		for (b = 0; b < 64; b++) {
			memset(&run, 0, sizeof(run));
			run.reserved[i] = 1ULL << b;
			ret = xio(vfd, AXAS_RUN, &run);
			if (ret != -EINVAL && bad < 0) {
				bad = i * 64 + b;
				first_bad = ret;
			}
		}
	}
	if (bad >= 0)
		note("reserved[%d] bit %d: %s", bad / 64, bad % 64, retname(first_bad));
	expect(bad < 0 ? -EINVAL : first_bad, EINVAL,
	       "run: reserved[0..3], each of their bits alone");

	ret = get_regs(vfd, &now_regs);
	if (ret)
		note("get_regs: %s", retname(ret));
	else if (!regs_equal(&now_regs, set))
		note_regs_diff(&now_regs, set);
	check(!ret && regs_equal(&now_regs, set),
	      "set_regs, run: the refused calls left the registers as set");
}

static void sec_caps(void)
{
	struct axas_regs set, got;
	unsigned int nfmt, i;
	int fd, fd2, vfd, flags, h = cpu_has_h();
	long ret;

	if (!guest_len) {
		check(cap_vcpu == 0, "check_extension: VCPU == 0 (no %s guest yet: %ld)",
		      NATIVE_ARCH, cap_vcpu);
	} else if (h < 0) {
		check(cap_vcpu >= 0, "check_extension: VCPU answers (%ld)", cap_vcpu);
	} else if (h) {
		check(cap_vcpu > 0, "check_extension: VCPU is positive on a CPU with H (%ld)",
		      cap_vcpu);
	} else {
		check(cap_vcpu == 0, "check_extension: VCPU == 0 on a CPU without H (%ld)",
		      cap_vcpu);
	}
	check(cap_hooks == 0 || cap_hooks == 1,
	      "check_extension: TEST_HOOKS is 0 or 1 (%ld)", cap_hooks);
	fd = mkspace_flags(SPACE_FORMAT, SPACE_BITS, 0, SPACE_SIZE,
			   AXAS_SPACE_TEST_WRONG_LEAF);
	expect(fd, cap_hooks == 1 ? 0 : EPERM,
	       "create_space: TEST_WRONG_LEAF with TEST_HOOKS %ld", cap_hooks);
	if (fd >= 0)
		close(fd);
	caps_wrong_fd();
	expect(create_vcpu(devfd, 0), ENOTTY, "/dev fd: create_vcpu");

	/* vCPU 0 on a space of this host's format: all there is without guests. */
	fd = mkspace_of(native_format());
	if (fd < 0)
		note("create_space %s: %s", axd_format_name(native_format()),
		     retname(fd));
	vfd = create_vcpu(fd, 0);
	expect(vfd, cap_vcpu > 0 ? 0 : EOPNOTSUPP, "create_vcpu: id 0 on a space of format %s",
	       axd_format_name(native_format()));
	if (cap_vcpu <= 0)
		skipping = "CHECK_EXTENSION(VCPU) is 0: this host runs no guests";

	flags = vfd >= 0 ? fcntl(vfd, F_GETFD) : -1;
	check(flags >= 0 && (flags & FD_CLOEXEC), "create_vcpu: the vCPU fd is close-on-exec");
	ret = create_vcpu(fd, 0);
	if (ret >= 0)
		close(ret);
	expect(ret, EEXIST, "create_vcpu: id 0 again");
	ret = create_vcpu(fd, cap_vcpu);
	if (ret >= 0)
		close(ret);
	expect(ret, EINVAL, "create_vcpu: id CHECK_EXTENSION(VCPU) (%ld)", cap_vcpu);
	ret = create_vcpu(fd, 1UL << 32);
	if (ret >= 0)
		close(ret);
	expect(ret, EINVAL, "create_vcpu: id 2^32 (0 if truncated to 32 bits)");
	ret = create_vcpu(fd, ~0UL);
	if (ret >= 0)
		close(ret);
	expect(ret, EINVAL, "create_vcpu: id ~0");

	fd2 = mkspace_of(native_format());
	ret = create_vcpu(fd2, cap_vcpu > 0 ? cap_vcpu - 1 : 0);
	expect(ret, 0, "create_vcpu: the last id, CHECK_EXTENSION(VCPU) - 1, on another space");
	if (ret >= 0)
		close(ret);
	xclose(&fd2);

	nfmt = native_format() == AXAS_FORMAT_EPT ? AXAS_FORMAT_ARM_S2 : AXAS_FORMAT_EPT;
	fd2 = mkspace_of(nfmt);
	if (fd2 < 0)
		note("create_space %s: %s", axd_format_name(nfmt), retname(fd2));
	ret = create_vcpu(fd2, 0);
	if (ret >= 0)
		close(ret);
	expect(ret, EINVAL, "create_vcpu: on a space of format %s (not this host's)",
	       axd_format_name(nfmt));
	xclose(&fd2);

	caps_vcpu_notty(vfd);

	/* GET_REGS and SET_REGS round trip. */
	memset(&set, 0, sizeof(set));
	set.pc = GUEST_BASE + 0x1234;
	for (i = GPR0_IS_ZERO; i < NR_GPRS; i++)
		set.gpr[i] = 0x0101010101010101ULL * i ^ (0x8000000000000000ULL >> (i % 8));
	ret = xio(vfd, AXAS_SET_REGS, &set);
#if defined(__x86_64__)
	expect(ret, 0, "set_regs: rip and rax..r15 (arch[0], CR3, 0)");
#elif GPR0_IS_ZERO
	expect(ret, 0, "set_regs: pc and x1..x31");
#else
	expect(ret, 0, "set_regs: pc, x0..x30 and SP_EL1 (gpr[31])");
#endif
	ret = get_regs(vfd, &got);
	if (!ret && !regs_equal(&got, &set))
		note_regs_diff(&got, &set);
#if defined(__x86_64__)
	check(!ret && regs_equal(&got, &set),
	      "get_regs: rip, rax..r15 and CR3 as set, gpr[16..31] read 0");
#elif GPR0_IS_ZERO
	check(!ret && regs_equal(&got, &set),
	      "get_regs: pc and x1..x31 as set, x0 and arch[] read 0");
#else
	check(!ret && regs_equal(&got, &set),
	      "get_regs: pc, x0..x30 and SP_EL1 as set, arch[] reads 0");
#endif
	caps_bad_args(vfd, &set);

	if (vfd >= 0)
		close(vfd);
	xclose(&fd);
	skipping = NULL;
}

/* ---- running the guest: NOP, hypercalls, registers, lifetime ------------- */

static void sec_run(void)
{
	struct axas_regs regs, got;
	struct vm vm, vm2;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	ret = guest_cmd(&vm.cpu, CMD_NOP, 0x600d, 0, 0);
	check(is_done(&vm.cpu, ret, 0x600d), "nop: RUN -> HYPERCALL nr 0 (DONE), args[0] = a1");

	ret = get_regs(vm.cpu.fd, &got);
	if (ret)
		note("get_regs: %s", retname(ret));
	else
		note("pc %#llx " RN_A0 " %#llx " RN_A1 " %#llx " RN_A7 " %#llx",
		     (unsigned long long)got.pc, (unsigned long long)got.gpr[REG_A0],
		     (unsigned long long)got.gpr[REG_A1], (unsigned long long)got.gpr[REG_A7]);
	check(!ret && got.gpr[REG_A0] == 0x600d && got.gpr[REG_A1] == 0x600d &&
	      got.gpr[REG_A7] == HC_DONE && (!GPR0_IS_ZERO || got.gpr[0] == 0) &&
	      got.pc >= GUEST_BASE && got.pc < GUEST_BASE + guest_len,
	      "get_regs after the run: the guest's registers (" RN_A0 " = " RN_A1 ", "
	      RN_A7 " = 0, pc in its code)");

	vm.cpu.run.exit.hypercall.ret = 0x1357;
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0x1357),
	      "hypercall: the next RUN returns ret in " RN_A0 " and resumes after the " HC_INSN);

	/* A new start after an exit: nothing of the exit may be completed. */
	regs_start(&regs);
	regs.gpr[REG_A0] = CMD_NOP;
	regs.gpr[REG_A1] = 0x5e7;
	ret = xio(vm.cpu.fd, AXAS_SET_REGS, &regs);
	if (ret)
		note("set_regs: %s", retname(ret));
	vm.cpu.run.exit.hypercall.ret = 0xbad;
	ret = vrun(&vm.cpu);
	if (!ret && vm.cpu.run.exit.hypercall.args[0] == GUEST_BAD_CMD)
		note(RN_A0 " was the ret of that RUN (0xbad): %s",
		     "the DONE before SET_REGS was completed");
	check(is_done(&vm.cpu, ret, 0x5e7),
	      "set_regs after a HYPERCALL exit: the RUN starts at the pc and " RN_A0 " set");

	ret = guest_cmd(&vm.cpu, 0x77, 0, 0, 0);
	check(is_done(&vm.cpu, ret, GUEST_BAD_CMD), "guest: an unknown command -> DONE(-1)");

	check(vm.cpu.exits >= 4, "run: exits counts every exit (%llu after 4 RUNs)",
	      (unsigned long long)vm.cpu.exits);
	vm_free(&vm);

	/* The vCPU holds the space. */
	vm_new(&vm2);
	xclose(&vm2.space);
	ret = guest_cmd(&vm2.cpu, CMD_NOP, 0xa11e, 0, 0);
	check(is_done(&vm2.cpu, ret, 0xa11e),
	      "lifetime: the space fd closed first, the vCPU still runs NOP");
	vm_free(&vm2);
	skipping = NULL;
}

/* ---- lazy faults --------------------------------------------------------- */

#define TOUCH_PAGES	256
#define TOUCH_SEED	0x1000ULL

static void sec_touch(void)
{
	struct axas_space_stats st0, st1, st2;
	struct vm vm;
	u64 f0, e0, i0, f1, sum;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	ret = map_alloc(vm.space, DATA_BASE, TOUCH_PAGES * PAGE, R | W);
	if (ret)
		note("map_alloc lazy: %s", retname(ret));
	get_stats(vm.space, &st0);
	f0 = vm.cpu.faults;
	e0 = vm.cpu.exits;
	i0 = vm.cpu.irq_exits;
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, TOUCH_PAGES, TOUCH_SEED);
	check(is_done(&vm.cpu, ret, TOUCH_PAGES),
	      "touch: %d lazy pages -> DONE(%d), no other exit", TOUCH_PAGES, TOUCH_PAGES);
	f1 = vm.cpu.faults - f0;
	note("run.faults %llu, exits %llu, irq_exits %llu",
	     (unsigned long long)vm.cpu.faults, (unsigned long long)vm.cpu.exits,
	     (unsigned long long)vm.cpu.irq_exits);
	check(f1 == TOUCH_PAGES, "touch: run.faults grew by %d (%llu)", TOUCH_PAGES,
	      (unsigned long long)f1);
	get_stats(vm.space, &st1);
	check(st1.faults - st0.faults == TOUCH_PAGES,
	      "touch: GET_STATS faults grew by %d (%llu)", TOUCH_PAGES,
	      (unsigned long long)(st1.faults - st0.faults));
	check(st1.data_pages - st0.data_pages == TOUCH_PAGES,
	      "touch: GET_STATS data_pages grew by %d (%llu)", TOUCH_PAGES,
	      (unsigned long long)(st1.data_pages - st0.data_pages));
	check(vm.cpu.exits - e0 >= f1 + (vm.cpu.irq_exits - i0) + 1,
	      "touch: run.exits grew by at least faults + irq_exits + 1 (%llu >= %llu + %llu + 1)",
	      (unsigned long long)(vm.cpu.exits - e0), (unsigned long long)f1,
	      (unsigned long long)(vm.cpu.irq_exits - i0));
	check(touched_ok(vm.space, DATA_BASE, TOUCH_PAGES, TOUCH_SEED),
	      "touch: guest_read: both words the guest wrote in each page");

	f0 = vm.cpu.faults;
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, TOUCH_PAGES, TOUCH_SEED + 1);
	get_stats(vm.space, &st2);
	note("run.faults grew by %llu, GET_STATS faults by %llu",
	     (unsigned long long)(vm.cpu.faults - f0),
	     (unsigned long long)(st2.faults - st1.faults));
	check(is_done(&vm.cpu, ret, TOUCH_PAGES) && vm.cpu.faults == f0 &&
	      st2.faults == st1.faults,
	      "touch: again -> DONE(%d) with no fault", TOUCH_PAGES);
	check(touched_ok(vm.space, DATA_BASE, TOUCH_PAGES, TOUCH_SEED + 1),
	      "touch: guest_read: the second pass's words");

	sum = (TOUCH_SEED + 1) * TOUCH_PAGES + (u64)TOUCH_PAGES * (TOUCH_PAGES - 1) / 2;
	ret = guest_cmd(&vm.cpu, CMD_SUM, DATA_BASE, TOUCH_PAGES, 0);
	check(is_done(&vm.cpu, ret, sum), "sum: the guest reads the %d pages back (%#llx)",
	      TOUCH_PAGES, (unsigned long long)sum);
	vm_free(&vm);
	skipping = NULL;
}

/* ---- MMIO ---------------------------------------------------------------- */

/*
 * The guest's MMIO sequence (tools/guests/ARCH/guest.S): step by step,
 * the instruction, its offset from a1, width, whether it is a store and,
 * for a load, whether it sign-extends. Stores write a2 >> shift (~a2
 * where invert, 0 where zero). Loads get data[pass] from the host: pass 0
 * with the sign bit of the width set, pass 1 with it clear; both with the
 * bytes above the width set, which the kernel must drop. A load into a
 * 32-bit register (w32, AArch64 Wt) keeps 32 bits of the extended value.
 */
/* Fields an entry does not name are 0 (the x86 ones elsewhere). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct mmio_step {
	const char *insn;
	unsigned int off;
	unsigned int len;
	bool write;
	bool sign;
	unsigned int shift;
	bool invert;
	u64 data[2];
	bool w32;
	bool zero;
	/* x86: a load into 1 or 2 bytes of POISON (merge), or into AH..BH. */
	unsigned int merge;
	bool high8;
	/* x86: a store of an immediate. */
	bool has_imm;
	u64 imm;
} mmio_steps[] = {
#if defined(__x86_64__)
	{ "mov (%rsi),%al", 0, 1, false, false, 0, false,
	  { 0x1122334455667788ULL, 0xffeeddccbbaa9977ULL }, false, false, 1 },
	{ "mov 8(%rsi),%bh", 8, 1, false, false, 0, false,
	  { 0x99aabbccddeeff90ULL, 0xaaaaaaaaaaaaaa66ULL }, false, false, 1, true },
	{ "movzbl 16(%rsi),%ecx", 16, 1, false, false, 0, false,
	  { 0x0123456789abcdf0ULL, 0xfedcba987654327fULL } },
	{ "movsbq 24(%rsi),%r13", 24, 1, false, true, 0, false,
	  { 0xfedcba9876549abcULL, 0xfedcba9876543210ULL } },
	{ "movzwl 32(%rsi),%r14d", 32, 2, false, false, 0, false,
	  { 0x0123456789ab8cdeULL, 0x89abcdef01234567ULL } },
	{ "movswq 40(%rsi),%r8", 40, 2, false, true, 0, false,
	  { 0x13579bdf2468ace0ULL, 0xf0e1d2c3b4a51234ULL } },
	{ "mov 48(%rsi),%ax", 48, 2, false, false, 0, false,
	  { 0x2468ace0cafebabeULL, 0xffffffff7edc1a98ULL }, false, false, 2 },
	{ "movslq 56(%rsi),%r10", 56, 4, false, true, 0, false,
	  { 0x13579bdf8badf00dULL, 0x8000000012345678ULL } },
	{ "mov 64(%rsi),%r11d", 64, 4, false, false, 0, false,
	  { 0x8899aabbccddeeffULL, 0x0123456789abcdefULL } },
	{ "mov 72(%rsi),%r15", 72, 8, false, false, 0, false,
	  { 0xf0e1d2c3b4a59687ULL, 0x1032547698badcfeULL } },
	{ "mov 80(%rsi,%rcx,4),%r12", 80, 8, false, false, 0, false,
	  { 0x0f1e2d3c9a8b7c6dULL, 0xdeadbeef0badcafeULL } },
	{ "mov rip-relative,%ecx", 88, 4, false, false, 0, false,
	  { 0xfedcba98c0ffee00ULL, 0x7766554433221100ULL } },
	{ "mov %dl,96(%rsi)", 96, 1, true, false, 0, false, { 0, 0 } },
	{ "mov %dh,104(%rsi)", 104, 1, true, false, 8, false, { 0, 0 } },
	{ "mov %dx,112(%rsi)", 112, 2, true, false, 0, false, { 0, 0 } },
	{ "mov %edx,120(%rsi)", 120, 4, true, false, 0, false, { 0, 0 } },
	{ "mov %rdx,128(%rsi)", 128, 8, true, false, 0, false, { 0, 0 } },
	{ "mov %r9,136(%rsi)", 136, 8, true, false, 0, true, { 0, 0 } },
	{ "movb $0x5a,144(%rsi)", 144, 1, true, false, 0, false, { 0, 0 },
	  false, false, 0, false, true, 0x5a },
	{ "movl $0x89abcdef,152(%rsi)", 152, 4, true, false, 0, false, { 0, 0 },
	  false, false, 0, false, true, 0x89abcdefULL },
	{ "movq $-2,160(%rsi)", 160, 8, true, false, 0, false, { 0, 0 },
	  false, false, 0, false, true, 0xfffffffffffffffeULL },
	{ "movw $0x1234,168(%rsi)", 168, 2, true, false, 0, false, { 0, 0 },
	  false, false, 0, false, true, 0x1234 },
	{ "mov %r12w,176(%rsi,%rcx,2)", 176, 2, true, false, 16, false, { 0, 0 } },
#elif defined(__aarch64__)
	{ "ldrb w5", 0, 1, false, false, 0, false,
	  { 0x1122334455667788ULL, 0xffeeddccbbaa9977ULL }, true, false },
	{ "ldrsb x9", 8, 1, false, true, 0, false,
	  { 0x99aabbccddeeff90ULL, 0xaaaaaaaaaaaaaa66ULL }, false, false },
	{ "ldrsb w15", 16, 1, false, true, 0, false,
	  { 0x0123456789abcdf0ULL, 0xfedcba987654327fULL }, true, false },
	{ "ldrh w21", 24, 2, false, false, 0, false,
	  { 0xfedcba9876549abcULL, 0xfedcba9876543210ULL }, true, false },
	{ "ldrsh x27", 32, 2, false, true, 0, false,
	  { 0x0123456789ab8cdeULL, 0x89abcdef01234567ULL }, false, false },
	{ "ldrsh w30", 40, 2, false, true, 0, false,
	  { 0x13579bdf2468ace0ULL, 0xf0e1d2c3b4a51234ULL }, true, false },
	{ "ldr w3", 48, 4, false, false, 0, false,
	  { 0x2468ace0cafebabeULL, 0xffffffff7edcba98ULL }, true, false },
	{ "ldrsw x14", 56, 4, false, true, 0, false,
	  { 0x13579bdf8badf00dULL, 0x8000000012345678ULL }, false, false },
	{ "ldr x18", 64, 8, false, false, 0, false,
	  { 0x8899aabbccddeeffULL, 0x0123456789abcdefULL }, false, false },
	{ "strb w2", 72, 1, true, false, 0, false, { 0, 0 }, false, false },
	{ "strh w6", 80, 2, true, false, 8, false, { 0, 0 }, false, false },
	{ "str w7", 88, 4, true, false, 16, false, { 0, 0 }, false, false },
	{ "str x19", 96, 8, true, false, 0, true, { 0, 0 }, false, false },
	{ "str w10", 104, 4, true, false, 24, false, { 0, 0 }, false, false },
	{ "str xzr", 112, 8, true, false, 0, false, { 0, 0 }, false, true },
#else
	{ "lb", 0, 1, false, true, 0, false,
	  { 0x1122334455667788ULL, 0xffeeddccbbaa9977ULL }, false, false },
	{ "lbu", 8, 1, false, false, 0, false,
	  { 0x99aabbccddeeff90ULL, 0xaaaaaaaaaaaaaa66ULL }, false, false },
	{ "lh", 16, 2, false, true, 0, false,
	  { 0x0123456789ab8cdeULL, 0x89abcdef01234567ULL }, false, false },
	{ "lhu", 24, 2, false, false, 0, false,
	  { 0xfedcba9876549abcULL, 0xfedcba9876543210ULL }, false, false },
	{ "lw", 32, 4, false, true, 0, false,
	  { 0x13579bdf8badf00dULL, 0x8000000012345678ULL }, false, false },
	{ "lwu", 40, 4, false, false, 0, false,
	  { 0x2468ace0cafebabeULL, 0xffffffff7edcba98ULL }, false, false },
	{ "ld", 48, 8, false, false, 0, false,
	  { 0x8899aabbccddeeffULL, 0x0123456789abcdefULL }, false, false },
	{ "c.lw", 56, 4, false, true, 0, false,
	  { 0x0f1e2d3c9a8b7c6dULL, 0xdeadbeef0badcafeULL }, false, false },
	{ "c.ld", 64, 8, false, false, 0, false,
	  { 0xf0e1d2c3b4a59687ULL, 0x1032547698badcfeULL }, false, false },
	{ "sb", 72, 1, true, false, 0, false, { 0, 0 }, false, false },
	{ "sh", 80, 2, true, false, 8, false, { 0, 0 }, false, false },
	{ "sw", 88, 4, true, false, 16, false, { 0, 0 }, false, false },
	{ "sd", 96, 8, true, false, 0, true, { 0, 0 }, false, false },
	{ "c.sw", 104, 4, true, false, 24, false, { 0, 0 }, false, false },
	{ "c.sd", 112, 8, true, false, 0, false, { 0, 0 }, false, false },
#endif
};

#pragma GCC diagnostic pop

/* What a2 is in each pass. */
static const u64 mmio_value[2] = { 0x8899aabbccddeeffULL, 0x0123456789abcdefULL };
/* What the host returns to each REPORT: the guest's DONE(0) must not show it. */
#define REPORT_RET	0xabcULL

static const char *width_str(unsigned int len)
{
	switch (len) {
	case 1:
		return "1 byte";
	case 2:
		return "2 bytes";
	case 4:
		return "4 bytes";
	default:
		return "8 bytes";
	}
}

static u64 width_mask(unsigned int len)
{
	return len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
}

/* The register value a load of @len bytes of @data gives. */
static u64 load_value(const struct mmio_step *s, u64 data)
{
	u64 v = data & width_mask(s->len);

	if (s->sign && s->len < 8 && (v >> (s->len * 8 - 1) & 1))
		v |= ~width_mask(s->len);
#if defined(__x86_64__)
	/* An 8- or 16-bit destination keeps the rest of its POISON. */
	if (s->high8)
		return (POISON & ~0xff00ULL) | (v & 0xff) << 8;
	if (s->merge)
		return (POISON & ~width_mask(s->merge)) | (v & width_mask(s->merge));
#endif
	return s->w32 ? v & 0xffffffffULL : v;
}

static u64 store_value(const struct mmio_step *s, u64 a2)
{
	if (s->has_imm)
		return s->imm & width_mask(s->len);
	if (s->zero)
		return 0;
	return (s->invert ? ~a2 : a2 >> s->shift) & width_mask(s->len);
}

/*
 * One pass of the MMIO command on @c: one result per step, then one for
 * the DONE; or, @quiet (the demo), a line per step told. Adds the exits
 * to userspace it took to @exits; whether all went right.
 */
static bool mmio_pass(struct vcpu *c, unsigned int pass, bool quiet,
		      unsigned int *exits)
{
	u64 a2 = mmio_value[pass];
	bool all = true, ok;
	unsigned int i;
	long ret;

	ret = guest_cmd(c, CMD_MMIO, MMIO_BASE, a2, 0);
	++*exits;
	for (i = 0; i < ARRAY_SIZE(mmio_steps); i++) {
		const struct mmio_step *s = &mmio_steps[i];
		u64 gpa = MMIO_BASE + s->off, want, got;

		ok = is_mmio(c, ret, gpa, s->len, s->write);
		if (s->write) {
			want = store_value(s, a2);
			got = c->run.exit.mmio.data;
			if (ok && got != want) {
				note("%s stored %#llx, expected %#llx", s->insn,
				     (unsigned long long)got, (unsigned long long)want);
				ok = false;
			}
			ret = vrun(c);
			++*exits;
			all &= ok;
			if (!quiet)
				check(ok, "mmio pass %u: %s, %s at MMIO+%u -> exit, data %#llx",
				      pass, s->insn, width_str(s->len), s->off,
				      (unsigned long long)want);
			else if (ok)
				printf("   %-4s %-7s to   %#llx: the host got %#llx\n", s->insn,
				       width_str(s->len), (unsigned long long)gpa,
				       (unsigned long long)got);
			continue;
		}
		want = load_value(s, s->data[pass]);
		c->run.exit.mmio.data = s->data[pass];
		ret = vrun(c);
		++*exits;
		ok &= is_hypercall(c, ret, HC_REPORT, want);
		c->run.exit.hypercall.ret = REPORT_RET;
		ret = vrun(c);
		++*exits;
		all &= ok;
		if (!quiet)
			check(ok, "mmio pass %u: %s, %s at MMIO+%u, host %#llx -> guest %#llx",
			      pass, s->insn, width_str(s->len), s->off,
			      (unsigned long long)s->data[pass], (unsigned long long)want);
		else if (ok)
			printf("   %-4s %-7s from %#llx: the host answered %#llx\n"
			       "                                 the guest has     %#llx (%s)\n",
			       s->insn, width_str(s->len), (unsigned long long)gpa,
			       (unsigned long long)s->data[pass], (unsigned long long)want,
			       s->len == 8 ? "all 64 bits" :
			       s->sign ? "sign-extended" : "zero-extended");
	}
	ok = is_done(c, ret, 0);
	if (!ok && GPR0_IS_ZERO)
		note("DONE(%#llx) would mean the c.li after the c.sd was skipped",
		     REPORT_RET);
	if (!quiet)
		check(ok, "mmio pass %u: DONE(0) after the sequence", pass);
	return all && ok;
}

static void sec_mmio(void)
{
	unsigned int exits;
	struct vm vm;
	u64 e0, f0;

	skipping = no_guest;
	vm_new(&vm);
	e0 = vm.cpu.exits;
	f0 = vm.cpu.faults;
	exits = 0;
	mmio_pass(&vm.cpu, 0, false, &exits);
	mmio_pass(&vm.cpu, 1, false, &exits);
	note("%u exits to userspace; run.exits grew by %llu, run.faults by %llu", exits,
	     (unsigned long long)(vm.cpu.exits - e0),
	     (unsigned long long)(vm.cpu.faults - f0));
	check(vm.cpu.exits - e0 >= exits && vm.cpu.faults == f0,
	      "mmio: run.exits counts the %u exits (%llu), no fault", exits,
	      (unsigned long long)(vm.cpu.exits - e0));
	vm_free(&vm);
	skipping = NULL;
}

/* ---- permission ---------------------------------------------------------- */

static void sec_permission(void)
{
	u64 gpa = RO_BASE + 0x18, v = 0, val = 0x5151515151515151ULL;
	struct vm vm;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	ret = map_alloc(vm.space, RO_BASE, 16 * PAGE, R | POPULATE);
	if (ret)
		note("map_alloc read-only: %s", retname(ret));
	ret = guest_cmd(&vm.cpu, CMD_LOAD, gpa, 0, 0);
	check(is_done(&vm.cpu, ret, 0), "permission: LOAD from a read-only page -> DONE(0)");
	ret = guest_cmd(&vm.cpu, CMD_STORE, gpa, val, 0);
	check(is_permission(&vm.cpu, ret, gpa, W),
	      "permission: STORE to a read-only page -> PERMISSION, WRITE at its address");
	expect(protect(vm.space, RO_BASE, 16 * PAGE, R | W), 0, "protect: the range RW");
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0), "permission: RUN again retries the store -> DONE(0)");
	ret = guest_u64(vm.space, gpa, &v);
	if (ret || v != val)
		note("guest_read: %s, %#llx", retname(ret), (unsigned long long)v);
	check(!ret && v == val, "permission: guest_read shows the value stored");
	ret = guest_cmd(&vm.cpu, CMD_JUMP, RO_BASE + 0x40, 0, 0);
	check(is_permission(&vm.cpu, ret, RO_BASE + 0x40, X),
	      "permission: JUMP into a page without EXEC -> PERMISSION, EXEC at its address");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- TLB invalidation ---------------------------------------------------- */

#define FENCE_PAGES	16
#define FENCE_SEED	0xf00dULL

static void sec_fence(void)
{
	u64 p3 = DATA_BASE + 3 * PAGE, p5 = DATA_BASE + 5 * PAGE, v = 0;
	struct vm vm;
	u64 f0;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	ret = map_alloc(vm.space, DATA_BASE, FENCE_PAGES * PAGE, R | W);
	if (ret)
		note("map_alloc lazy: %s", retname(ret));
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, FENCE_PAGES, FENCE_SEED);
	if (!is_done(&vm.cpu, ret, FENCE_PAGES))
		note("TOUCH of the %d pages failed", FENCE_PAGES);
	ret = guest_cmd(&vm.cpu, CMD_LOAD, p3, 0, 0);
	check(is_done(&vm.cpu, ret, FENCE_SEED + 3),
	      "fence: LOAD from a touched page -> DONE(its word)");
	expect(unmap(vm.space, p3, PAGE), 0, "fence: unmap that page");
	ret = guest_cmd(&vm.cpu, CMD_LOAD, p3, 0, 0);
	check(is_mmio(&vm.cpu, ret, p3, 8, false),
	      "fence: LOAD again -> MMIO read of 8 bytes at its address (no stale TLB entry)");
	vm.cpu.run.exit.mmio.data = 0x5eed;
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0x5eed),
	      "fence: the MMIO load completes with the host's value");

	expect(map_alloc(vm.space, p3, PAGE, R | W), 0, "fence: map_alloc the page again, lazily");
	f0 = vm.cpu.faults;
	ret = guest_cmd(&vm.cpu, CMD_LOAD, p3, 0, 0);
	check(is_done(&vm.cpu, ret, 0), "fence: LOAD -> DONE(0) from a new zeroed page");
	check(vm.cpu.faults - f0 == 1, "fence: run.faults grew by 1 (%llu)",
	      (unsigned long long)(vm.cpu.faults - f0));

	expect(protect(vm.space, p5, PAGE, R), 0, "fence: protect a touched page READ");
	ret = guest_cmd(&vm.cpu, CMD_STORE, p5 + 8, 0x77, 0);
	check(is_permission(&vm.cpu, ret, p5 + 8, W),
	      "fence: STORE to it -> PERMISSION, WRITE (no stale writable TLB entry)");
	expect(protect(vm.space, p5, PAGE, R | W), 0, "fence: protect it RW again");
	ret = vrun(&vm.cpu);
	guest_u64(vm.space, p5 + 8, &v);
	if (v != 0x77)
		note("word at %#llx: %#llx", (unsigned long long)(p5 + 8), (unsigned long long)v);
	check(is_done(&vm.cpu, ret, 0) && v == 0x77,
	      "fence: RUN retries the store -> DONE(0), the page holds it");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- stale TLB entries of a running guest -------------------------------- */

/*
 * Why this section: the fence section passes even without any HFENCE
 * under QEMU, which flushes the whole TLB of a hart on every change of
 * the virtualization mode (target/riscv/cpu_helper.c: "Flush the TLB on
 * all virt mode changes"), that is on every trap out of the guest and
 * every return into it. On arm64 too, without the TLBIs only some trials
 * saw a stale entry under QEMU (2 of 24 for unmap, 3 of 24 for protect,
 * when measured). A stale G-stage translation shows only to a guest
 * that keeps running on one hart while another hart changes the table,
 * with no trap in between; a host tick (HZ 250 in the e2e kernel) is a
 * trap too, so the window lasts from the change to the next tick on the
 * guest's hart.
 *
 * So here the guest spins on P and on a flag Q (STALE_LOAD, STALE_STORE),
 * which keeps P's translation hot in the TLB, while this thread blocks in
 * AXAS_RUN and a second one, a few ms later, unmaps P or protects it
 * READ and at once sets Q. The guest's next access to P, right after it
 * sees Q, must fault: an MMIO exit, a PERMISSION exit. Without the
 * invalidation it reads P, or writes it, through the stale entry, which
 * a DONE without that exit shows. Several trials, since a tick in the
 * window hides a missing invalidation.
 */
#define STALE_TRIALS	24
#define STALE_RANGE	16		/* populated pages at DATA_BASE */
#define STALE_Q		DATA_BASE	/* the flag; always mapped */
#define STALE_P		(DATA_BASE + 8 * PAGE)
#define STALE_WORD	0x57a1e00000000000ULL	/* + the trial */
#define STALE_SENTINEL	0x5e47195e47195e47ULL	/* the host's, after PROTECT */
#define STALE_MMIO	0x3333cccc5555aaaaULL	/* the MMIO loads complete with it */
#define STALE_TIMEOUT	5		/* seconds per RUN */

enum { STALE_FAULTED, STALE_THROUGH, STALE_ERROR };

struct stale_arg {
	int space;
	bool protect;		/* PROTECT P READ, else UNMAP P */
	unsigned int delay_us;	/* after the guest's REPORT */
	long ret;		/* of the UNMAP or PROTECT */
	long ret_sentinel;	/* of the GUEST_WRITE of the sentinel to P */
	long ret_q;		/* of the GUEST_WRITE of Q */
};

static void *stale_fn(void *p)
{
	struct stale_arg *a = p;

	usleep(a->delay_us);
	if (a->protect) {
		a->ret = protect(a->space, STALE_P, PAGE, R);
		/* What P holds unless a guest store gets through. */
		a->ret_sentinel = put_u64(a->space, STALE_P, STALE_SENTINEL);
	} else {
		a->ret = unmap(a->space, STALE_P, PAGE);
	}
	a->ret_q = put_u64(a->space, STALE_Q, 1);
	return NULL;
}

/* 5 to 30 ms, spread over the trials. */
static unsigned int stale_delay_us(unsigned int i)
{
	return 5000 + (i * 7919 % 26) * 1000;
}

static bool stale_is_mmio(struct vcpu *c, long ret)
{
	const struct axas_exit_mmio *m = &c->run.exit.mmio;

	return !ret && c->run.exit_reason == AXAS_EXIT_MMIO &&
	       m->guest_addr == STALE_P && m->len == 8 && !m->is_write;
}

static bool stale_is_done(struct vcpu *c, long ret)
{
	return !ret && c->run.exit_reason == AXAS_EXIT_HYPERCALL &&
	       c->run.exit.hypercall.nr == HC_DONE;
}

/*
 * The unmap case, once the RUN after the REPORT returned @ret: the guest
 * must fault at P, in its loop or at its last load, and load what the
 * MMIO completions give it. P is mapped again for the next trial.
 */
static int stale_unmap_judge(struct vm *vm, unsigned int i, long ret, u64 word)
{
	struct vcpu *c = &vm->cpu;
	unsigned int mmio = 0;
	int res = STALE_ERROR;
	u64 got;

	while (mmio < 8 && stale_is_mmio(c, ret)) {
		mmio++;
		c->run.exit.mmio.data = STALE_MMIO;
		ret = vrun(c);
	}
	if (mmio && stale_is_done(c, ret) &&
	    c->run.exit.hypercall.args[0] == STALE_MMIO) {
		res = STALE_FAULTED;
	} else if (!mmio && stale_is_done(c, ret)) {
		got = c->run.exit.hypercall.args[0];
		note("trial %u: DONE(%#llx), no MMIO exit: P loaded through a stale TLB entry",
		     i, (unsigned long long)got);
		note("trial %u: the value is %s", i,
		     got == word ? "P's old word" : "not P's old word: the freed frame, reused");
		res = STALE_THROUGH;
	} else {
		note("trial %u: after %u MMIO exits at P: %s", i, mmio,
		     ret ? retname(ret) : exit_str(&c->run));
	}
	ret = map_alloc(vm->space, STALE_P, PAGE, R | W | POPULATE);
	if (ret) {
		note("trial %u: map_alloc P again: %s", i, retname(ret));
		res = STALE_ERROR;
	}
	return res;
}

/*
 * The protect case, once the RUN after the REPORT returned @ret: the
 * guest's store must fault at P with nothing stored after the PROTECT (P
 * holds the host's sentinel); RUN after PROTECT RW finishes it.
 */
static int stale_protect_judge(struct vm *vm, unsigned int i, long ret, u64 word)
{
	const struct axas_exit_permission *pe = &vm->cpu.run.exit.permission;
	struct vcpu *c = &vm->cpu;
	int res = STALE_ERROR;
	u64 v = 0;
	long r;

	if (!ret && c->run.exit_reason == AXAS_EXIT_PERMISSION &&
	    pe->guest_addr == STALE_P && pe->access == W) {
		r = guest_u64(vm->space, STALE_P, &v);
		if (r || v != STALE_SENTINEL) {
			note("trial %u: PERMISSION exit, but P holds %#llx (%s), not the sentinel",
			     i, (unsigned long long)v, retname(r));
			note("trial %u: a store after PROTECT READ went through a stale TLB entry",
			     i);
			res = STALE_THROUGH;
		}
		r = protect(vm->space, STALE_P, PAGE, R | W);
		if (r)
			note("trial %u: protect P RW again: %s", i, retname(r));
		ret = vrun(c);
		if (!is_done(c, ret, 0))
			note("trial %u: RUN after PROTECT RW did not finish", i);
		else if (res == STALE_ERROR)
			res = STALE_FAULTED;
		return res;
	}
	if (stale_is_done(c, ret)) {
		r = guest_u64(vm->space, STALE_P, &v);
		note("trial %u: DONE(%#llx), no PERMISSION exit: stored through a stale TLB entry",
		     i, (unsigned long long)c->run.exit.hypercall.args[0]);
		note("trial %u: P holds %#llx after PROTECT READ (%s)", i,
		     (unsigned long long)v,
		     r ? retname(r) : v == word ? "the guest's value" :
		     v == STALE_SENTINEL ? "the sentinel" : "neither");
		res = STALE_THROUGH;
	} else {
		note("trial %u: %s, expected PERMISSION WRITE at %#llx", i,
		     ret ? retname(ret) : exit_str(&c->run),
		     (unsigned long long)STALE_P);
	}
	r = protect(vm->space, STALE_P, PAGE, R | W);
	if (r)
		note("trial %u: protect P RW again: %s", i, retname(r));
	return res;
}

/* One trial: STALE_FAULTED, STALE_THROUGH (a stale entry) or STALE_ERROR. */
static int stale_trial(struct vm *vm, bool prot, unsigned int i)
{
	struct vcpu *c = &vm->cpu;
	u64 word = STALE_WORD + i;
	struct stale_arg a;
	pthread_t thr;
	long ret;

	c->user_exits = 0;
	/* P holds the trial's word (STORE: its complement), Q is clear. */
	ret = put_u64(vm->space, STALE_P, prot ? ~word : word);
	if (!ret)
		ret = put_u64(vm->space, STALE_Q, 0);
	if (ret) {
		note("trial %u: guest_write of P or Q: %s", i, retname(ret));
		return STALE_ERROR;
	}
	ret = guest_cmd(c, prot ? CMD_STALE_STORE : CMD_STALE_LOAD, STALE_P,
			STALE_Q, word);
	if (!is_hypercall(c, ret, HC_REPORT, word)) {
		note("trial %u: no REPORT(P's word) from the guest", i);
		return STALE_ERROR;
	}
	memset(&a, 0, sizeof(a));
	a.space = vm->space;
	a.protect = prot;
	a.delay_us = stale_delay_us(i);
	if (pthread_create(&thr, NULL, stale_fn, &a)) {
		note("trial %u: pthread_create failed", i);
		return STALE_ERROR;
	}
	/* The guest spins in here until the other thread sets Q. */
	ret = vrun(c);
	pthread_join(thr, NULL);
	if (a.ret || a.ret_sentinel || a.ret_q) {
		note("trial %u: %s P: %s; guest_write of the sentinel: %s, of Q: %s",
		     i, prot ? "protect" : "unmap", retname(a.ret),
		     retname(a.ret_sentinel), retname(a.ret_q));
		if (a.ret)
			return STALE_ERROR;
	}
	if (prot)
		return stale_protect_judge(vm, i, ret, word);
	return stale_unmap_judge(vm, i, ret, word);
}

static void stale_case(bool prot)
{
	const char *what = prot ? "protect" : "unmap";
	unsigned int i, n[3] = { 0, 0, 0 };
	struct vm vm;
	double t0 = now();
	long ret;

	if (vm_new(&vm)) {
		vm.cpu.timeout = STALE_TIMEOUT;
		ret = map_alloc(vm.space, DATA_BASE, STALE_RANGE * PAGE,
				R | W | POPULATE);
		if (ret) {
			note("map_alloc: %s", retname(ret));
		} else {
			for (i = 0; i < STALE_TRIALS; i++)
				n[stale_trial(&vm, prot, i)]++;
		}
		comment("stale: %s: %u trials in %.1f s: %u faulted, %u stale, %u wrong otherwise",
			what, STALE_TRIALS, now() - t0, n[STALE_FAULTED],
			n[STALE_THROUGH], n[STALE_ERROR]);
	}
	if (prot)
		check(n[STALE_FAULTED] == STALE_TRIALS,
		      "stale: protect: a guest storing to P while PROTECT READ: %u of %d trials faulted (PERMISSION, WRITE), none stored after it",
		      n[STALE_FAULTED], STALE_TRIALS);
	else
		check(n[STALE_FAULTED] == STALE_TRIALS,
		      "stale: unmap: a guest loading P while UNMAP: %u of %d trials faulted (MMIO read of 8 bytes at P)",
		      n[STALE_FAULTED], STALE_TRIALS);
	vm_free(&vm);
}

static void sec_stale(void)
{
	skipping = no_guest;
	stale_case(false);
	stale_case(true);
	skipping = NULL;
}

/* ---- a wrong entry ------------------------------------------------------- */

/* EPT's wrong leaf (W without R) is a misconfiguration, exit reason 49. */
static bool wrong_leaf_is_misconfig(void)
{
	return SPACE_FORMAT == AXAS_FORMAT_EPT;
}

static void sec_wrongleaf(void)
{
	struct vm vm;
	long ret;

	skipping = no_guest;
	if (!no_guest && cap_hooks != 1) {
		ret = mkspace_flags(SPACE_FORMAT, SPACE_BITS, 0, SPACE_SIZE,
				    AXAS_SPACE_TEST_WRONG_LEAF);
		if (ret >= 0)
			close(ret);
		expect(ret, EPERM, "wrong leaf: create_space TEST_WRONG_LEAF without test_hooks");
		skip("the module was loaded without test_hooks=1",
		     "wrong leaf: TOUCH on a space whose faults install " WRONG_LEAF
		     " leaves -> ENTRY_REJECTED");
	} else {
		vm_new_flags(&vm, AXAS_SPACE_TEST_WRONG_LEAF, false);
		check(vm.cpu.fd >= 0, "wrong leaf: a space with TEST_WRONG_LEAF, its vCPU");
		ret = map_alloc(vm.space, DATA_BASE, PAGE, R | W);
		if (ret)
			note("map_alloc lazy: %s", retname(ret));
		ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, 1, 1);
		if (wrong_leaf_is_misconfig())
			check(is_internal(&vm.cpu, ret, AXAS_INTERNAL_TRAP, 49) &&
			      vm.cpu.run.exit.internal.data[3] == DATA_BASE,
			      "wrong leaf: TOUCH 1 lazy page (EPT, R clear) -> INTERNAL_ERROR TRAP 49 (misconfiguration), data[3] = the page");
		else
			check(is_internal(&vm.cpu, ret, AXAS_INTERNAL_ENTRY_REJECTED, DATA_BASE),
			      "wrong leaf: TOUCH 1 lazy page -> INTERNAL_ERROR ENTRY_REJECTED, data[0] = the page");
		if (!skipping && !ret && vm.cpu.run.exit_reason == AXAS_EXIT_INTERNAL_ERROR)
			comment("the emulated CPU faulted on and on at the " WRONG_LEAF " leaf: %s",
				exit_str(&vm.cpu.run));
		vm_free(&vm);
	}

	vm_new(&vm);
	ret = map_alloc(vm.space, DATA_BASE, PAGE, R | W);
	if (ret)
		note("map_alloc lazy: %s", retname(ret));
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, 1, 1);
	check(is_done(&vm.cpu, ret, 1) && touched_ok(vm.space, DATA_BASE, 1, 1),
	      "wrong leaf: control: the same TOUCH on a normal space -> DONE(1)");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- internal errors ----------------------------------------------------- */

#if defined(__x86_64__)
#define X86_SKIP	NULL
#else
#define X86_SKIP	"x86 only: no IN, OUT, HLT or x86 MOV decoding here"
#endif
/* x86 DECODE: addq $1, (%rsi), a read-modify-write no MMIO exit can do. */
#define DECODE_BYTES	0x01068348U

static void sec_internal(void)
{
	const struct axas_exit_internal *in;
	u32 word = ~0U;
	struct vm vm;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	in = &vm.cpu.run.exit.internal;
	ret = guest_cmd(&vm.cpu, CMD_ILLEGAL, 0, 0, 0);
	check(is_internal(&vm.cpu, ret, AXAS_INTERNAL_TRAP, ILLEGAL_CAUSE),
	      "internal: ILLEGAL -> INTERNAL_ERROR TRAP, data[0] = " ILLEGAL_DESC);
	ret = guest_rw(vm.space, false, in->data[2], &word, sizeof(word));
	note("data[2] %#llx: %s, word %#x", (unsigned long long)in->data[2],
	     retname(ret), word);
	check(vm.cpu.run.exit_reason == AXAS_EXIT_INTERNAL_ERROR &&
	      in->data[2] >= GUEST_BASE && in->data[2] < GUEST_BASE + guest_len &&
	      !ret && word == ILLEGAL_WORD,
	      "internal: TRAP data[2] is the pc of the illegal (" ILLEGAL_INSN ") word");
	ret = guest_cmd(&vm.cpu, CMD_JUMP, MMIO_BASE + 0x2000, 0, 0);
	check(is_internal(&vm.cpu, ret, AXAS_INTERNAL_EXEC_MMIO, MMIO_BASE + 0x2000),
	      "internal: JUMP to an unmapped address -> INTERNAL_ERROR EXEC_MMIO, data[0] = it");
	ret = guest_cmd(&vm.cpu, CMD_NOP, 0x0c0ffee, 0, 0);
	check(is_done(&vm.cpu, ret, 0x0c0ffee), "internal: the vCPU runs again after them");

	skipping = no_guest ? no_guest : X86_SKIP;
	ret = guest_cmd(&vm.cpu, CMD_DECODE, MMIO_BASE + 0x3000, 0, 0);
	check(is_internal(&vm.cpu, ret, AXAS_INTERNAL_DECODE, MMIO_BASE + 0x3000) &&
	      in->data[1] >= GUEST_BASE && in->data[1] < GUEST_BASE + guest_len &&
	      (u32)in->data[2] == DECODE_BYTES,
	      "internal: ADD to MMIO -> INTERNAL_ERROR DECODE, data = address, RIP, bytes");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- trapped system registers ---------------------------------------------- */

#if defined(__aarch64__)
#define SYSREG_SKIP	NULL
#else
#define SYSREG_SKIP	"arm64 only: this host has no SYSREG exit"
#endif

/* ID_AA64MMFR0_EL1 and MDSCR_EL1, as the guest's SYSREG command uses them. */
#define SYSREG_ID_MMFR0	AXAS_SYSREG(3, 0, 0, 7, 0)
#define SYSREG_MDSCR	AXAS_SYSREG(2, 0, 0, 2, 2)

/*
 * A trapped MRS is answered by userspace, which plays the CPU model; a
 * trapped MSR hands userspace the value. Both resume after the instruction.
 */
static void sec_sysreg(void)
{
	const struct axas_exit_sysreg *s;
	const u64 model = 0x1122334455667788ULL, written = 0xfeedf00d;
	struct vm vm;
	long ret;

	skipping = no_guest ? no_guest : SYSREG_SKIP;
	vm_new(&vm);
	s = &vm.cpu.run.exit.sysreg;
	ret = guest_cmd(&vm.cpu, CMD_SYSREG, written, 0, 0);
	check(ran(&vm.cpu, ret, AXAS_EXIT_SYSREG) && !s->is_write &&
	      s->encoding == SYSREG_ID_MMFR0,
	      "sysreg: MRS ID_AA64MMFR0_EL1 (HCR_EL2.TID3) -> SYSREG read of 3,0,0,7,0");
	vm.cpu.run.exit.sysreg.data = model;
	ret = vrun(&vm.cpu);
	check(is_hypercall(&vm.cpu, ret, HC_REPORT, model),
	      "sysreg: the guest's register holds the value userspace answered");
	ret = vrun(&vm.cpu);
	check(ran(&vm.cpu, ret, AXAS_EXIT_SYSREG) && s->is_write &&
	      s->encoding == SYSREG_MDSCR && s->data == written,
	      "sysreg: MSR MDSCR_EL1 (MDCR_EL2.TDA) -> SYSREG write of 2,0,0,2,2 with the guest's value");
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, model + 1),
	      "sysreg: the next RUN steps over the MSR -> DONE(answer + 1)");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- a signal ------------------------------------------------------------ */

static atomic_int usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&usr1_count, 1);
}

struct killer {
	pthread_t target;
	atomic_int stop;
	unsigned int sent;
};

/* SIGUSR1 to the target every 200 ms until told to stop (10 s at most). */
static void *killer_fn(void *p)
{
	struct killer *k = p;
	unsigned int ms;

	while (k->sent < 50) {
		for (ms = 0; ms < 200 && !atomic_load(&k->stop); ms += 10)
			usleep(10000);
		if (atomic_load(&k->stop))
			break;
		pthread_kill(k->target, SIGUSR1);
		k->sent++;
	}
	return NULL;
}

static void sec_signal(void)
{
	struct sigaction sa;
	struct killer k;
	pthread_t thr;
	struct vm vm;
	bool started = false;
	long ret;

	skipping = no_guest;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */

	vm_new(&vm);
	ret = map_alloc(vm.space, DATA_BASE, PAGE, R | W | POPULATE);
	if (ret)
		note("map_alloc: %s", retname(ret));
	memset(&k, 0, sizeof(k));
	k.target = pthread_self();
	atomic_store(&usr1_count, 0);
	if (vm.cpu.fd >= 0)
		started = !pthread_create(&thr, NULL, killer_fn, &k);
	ret = guest_cmd(&vm.cpu, CMD_SPIN, DATA_BASE, 0, 0);
	atomic_store(&k.stop, 1);
	if (started)
		pthread_join(thr, NULL);
	note("RUN: %s after %u signal(s); exit %s; irq_exits %llu", retname(ret), k.sent,
	     exit_str(&vm.cpu.run), (unsigned long long)vm.cpu.irq_exits);
	check(ret == -EINTR, "signal: SIGUSR1 while the guest spins -> RUN fails with EINTR");
	check(ret == -EINTR && vm.cpu.run.exit_reason == AXAS_EXIT_INTR,
	      "signal: exit_reason AXAS_EXIT_INTR");
	check(vm.cpu.irq_exits > 0,
	      "signal: irq_exits > 0 after 200 ms of spinning (%llu)",
	      (unsigned long long)vm.cpu.irq_exits);
	ret = put_u64(vm.space, DATA_BASE, 0x1234);
	if (ret)
		note("guest_write: %s", retname(ret));
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0x1234),
	      "signal: guest_write the flag, RUN resumes the spin -> DONE(0x1234)");
	vm_free(&vm);
	signal(SIGUSR1, SIG_DFL);
	skipping = NULL;
}

/* ---- guest interrupts, the timer, WFI and FP (RISC-V) -------------------- */

#if defined(__riscv)
#define IRQ_SKIP	NULL
#else
#define IRQ_SKIP	"RISC-V only: guest interrupts, the guest timer and WFI"
#endif
/* sie bits of the guest's supervisor interrupts, and scause when taken. */
#define SIE_SSIE	BIT_ULL(1)
#define SIE_STIE	BIT_ULL(5)
#define SIE_SEIE	BIT_ULL(9)
#define SCAUSE_IRQ(n)	(BIT_ULL(63) | (n))
#define SCAUSE_SSI	SCAUSE_IRQ(1)
#define SCAUSE_STI	SCAUSE_IRQ(5)
#define SCAUSE_SEI	SCAUSE_IRQ(9)
#define FP_SEED		0x3ff0000012345600ULL

static long set_irq(int fd, u32 irq, u32 level)
{
	struct axas_irq req = { .irq = irq, .level = level };

	return xio(fd, AXAS_SET_IRQ, &req);
}

static long set_timer(int fd, u64 deadline)
{
	struct axas_timer req = { .deadline = deadline };

	return xio(fd, AXAS_SET_TIMER, &req);
}

struct raiser {
	int fd;
	u32 irq;
	unsigned int delay_ms;
	long ret;
};

/* AXAS_SET_IRQ from another thread, while the vCPU's thread is in RUN. */
static void *raiser_fn(void *p)
{
	struct raiser *r = p;

	usleep(r->delay_ms * 1000);
	r->ret = set_irq(r->fd, r->irq, 1);
	return NULL;
}

#if defined(__riscv)
static u64 rv_time(void)
{
	u64 t;

	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

static u64 rv_timebase(void)
{
	unsigned char b[4];
	int fd = open("/proc/device-tree/cpus/timebase-frequency", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, b, 4) : -1;

	if (fd >= 0)
		close(fd);
	if (n != 4)
		return 0;
	return (u64)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/* The host's own FP registers, changed between two RUNs of the guest. */
static double fp_clobber(double x)
{
	double y = x;

	asm volatile("fmv.d.x f0, zero\n\tfmv.d.x f9, zero\n\tfmv.d.x f31, zero"
		     ::: "f0", "f9", "f31");
	for (int i = 0; i < 100; i++)
		y = y * 1.0001 + 0.5;
	return y;
}
#endif

/* The RUN that returned @ret ended with DONE(scause) of interrupt @cause. */
static bool took_irq(struct vcpu *c, long ret, u64 cause)
{
	if (!ran(c, ret, AXAS_EXIT_HYPERCALL) || c->run.exit.hypercall.nr != HC_DONE) {
		note("exit %s, expected DONE(scause)", exit_str(&c->run));
		return false;
	}
	if (c->run.exit.hypercall.args[0] != cause) {
		note("DONE(%#llx), expected scause %#llx",
		     (unsigned long long)c->run.exit.hypercall.args[0],
		     (unsigned long long)cause);
		return false;
	}
	return true;
}

/*
 * WFI with @sie enabled while another thread raises the software
 * interrupt after 300 ms: the guest must sleep that long and then take
 * it, so nothing else enabled was pending. Returns the time it took.
 */
static double wfi_until_soft(struct vcpu *c, u64 sie, long *ret)
{
	struct raiser r = { .fd = c->fd, .irq = AXAS_IRQ_SOFTWARE, .delay_ms = 300 };
	double t0 = now();
	pthread_t thr;

	*ret = -1;
	if (!pthread_create(&thr, NULL, raiser_fn, &r)) {
		*ret = guest_cmd(c, CMD_WFI, sie | SIE_SSIE, 0, 0);
		pthread_join(thr, NULL);
	}
	if (r.ret)
		note("set_irq from the other thread: %s", retname(r.ret));
	if (set_irq(c->fd, AXAS_IRQ_SOFTWARE, 0))
		note("lowering the software interrupt failed");
	return r.ret ? -1 : now() - t0;
}

static void sec_irq(void)
{
	long cap = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_GUEST_IRQ);
	struct axas_irq bad_irq = { .irq = AXAS_IRQ_EXTERNAL };
	struct axas_timer bad_timer = { .deadline = AXAS_TIMER_OFF };
	struct sigaction sa;
	struct killer k;
	pthread_t thr;
	double dt;
	struct vm vm;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	if (IRQ_SKIP) {
		/* Elsewhere the calls do not exist, and say so. */
		check(cap == 0, "irq: CHECK_EXTENSION(GUEST_IRQ) is 0 here (%ld)", cap);
		expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 1), ENOTTY, "irq: set_irq -> ENOTTY");
		expect(set_timer(vm.cpu.fd, 0), ENOTTY, "irq: set_timer -> ENOTTY");
		vm_free(&vm);
		skipping = NULL;
		return;
	}
	check(cap == 1, "irq: CHECK_EXTENSION(GUEST_IRQ) is 1 (%ld)", cap);

	expect(set_irq(vm.cpu.fd, 3, 1), EINVAL, "irq: set_irq of an unknown interrupt -> EINVAL");
	expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 2), EINVAL, "irq: set_irq level 2 -> EINVAL");
	bad_irq.reserved = 1;
	expect(xio(vm.cpu.fd, AXAS_SET_IRQ, &bad_irq), EINVAL,
	       "irq: set_irq with reserved set -> EINVAL");
	bad_timer.flags = 1;
	expect(xio(vm.cpu.fd, AXAS_SET_TIMER, &bad_timer), EINVAL,
	       "irq: set_timer with flags set -> EINVAL");
	expect(xio(vm.cpu.fd, AXAS_SET_IRQ, (void *)UNMAPPED_ADDR), EFAULT,
	       "irq: set_irq with an unreadable argument -> EFAULT");

	/* Pending before the guest waits: taken at once. */
	expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 1), 0, "irq: raise the external interrupt");
	ret = guest_cmd(&vm.cpu, CMD_WFI, SIE_SEIE, 0, 0);
	check(took_irq(&vm.cpu, ret, SCAUSE_SEI),
	      "irq: the guest enables it and takes it: scause = supervisor external");
	expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 0), 0, "irq: lower it");

	/* Raised by another thread while the vCPU sleeps in WFI. */
	dt = wfi_until_soft(&vm.cpu, SIE_SEIE, &ret);
	check(took_irq(&vm.cpu, ret, SCAUSE_SSI) && dt >= 0.25,
	      "irq: external lowered; WFI sleeps until another thread raises the software interrupt (%.2f s)",
	      dt);

	/* The guest's timer. */
#if defined(__riscv)
	{
		u64 tb = rv_timebase();
		double t0;

		note("timebase %llu Hz", (unsigned long long)tb);
		t0 = now();
		ret = tb ? set_timer(vm.cpu.fd, rv_time() + tb / 5) : -ENOENT;
		expect(ret, 0, "irq: set_timer 200 ms ahead");
		ret = guest_cmd(&vm.cpu, CMD_WFI, SIE_STIE, 0, 0);
		dt = now() - t0;
		check(took_irq(&vm.cpu, ret, SCAUSE_STI) && dt >= 0.15,
		      "irq: WFI sleeps until the timer fires, then takes it (%.2f s)", dt);
		expect(set_timer(vm.cpu.fd, AXAS_TIMER_OFF), 0, "irq: set_timer off");
		dt = wfi_until_soft(&vm.cpu, SIE_STIE, &ret);
		check(took_irq(&vm.cpu, ret, SCAUSE_SSI) && dt >= 0.25,
		      "irq: set_timer lowered the timer interrupt (%.2f s of WFI)", dt);
		expect(set_timer(vm.cpu.fd, rv_time() - 1), 0, "irq: set_timer in the past");
		ret = guest_cmd(&vm.cpu, CMD_WFI, SIE_STIE, 0, 0);
		check(took_irq(&vm.cpu, ret, SCAUSE_STI),
		      "irq: a past deadline raises the timer interrupt at once");
		expect(set_timer(vm.cpu.fd, AXAS_TIMER_OFF), 0, "irq: set_timer off again");
	}
#endif

	/* A signal ends a RUN that sleeps in WFI; the next RUN goes on. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	memset(&k, 0, sizeof(k));
	k.target = pthread_self();
	ret = -1;
	if (!pthread_create(&thr, NULL, killer_fn, &k)) {
		ret = guest_cmd(&vm.cpu, CMD_WFI, SIE_SEIE, 0, 0);
		atomic_store(&k.stop, 1);
		pthread_join(thr, NULL);
	}
	check(ret == -EINTR && vm.cpu.run.exit_reason == AXAS_EXIT_INTR,
	      "irq: a signal ends a RUN sleeping in WFI with EINTR (%s)", retname(ret));
	expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 1), 0, "irq: raise the external interrupt");
	ret = vrun(&vm.cpu);
	check(took_irq(&vm.cpu, ret, SCAUSE_SEI),
	      "irq: the next RUN goes on from the WFI and the guest takes it");
	expect(set_irq(vm.cpu.fd, AXAS_IRQ_EXTERNAL, 0), 0, "irq: lower it");
	signal(SIGUSR1, SIG_DFL);

	/*
	 * FP registers: the guest's survive an exit and the host's own use,
	 * and the host's (fs0, which every function must keep) survive the
	 * guest's.
	 */
#if defined(__riscv)
	{
		u64 pat = 0x400921fb54442d18ULL, got = 0;

		asm volatile("fmv.d.x fs0, %0" :: "r"(pat) : "fs0");
		ret = guest_cmd(&vm.cpu, CMD_FP, FP_SEED, 0, 0);
		asm volatile("fmv.x.d %0, fs0" : "=r"(got));
		check(got == pat, "fp: the host's fs0 is its own after a RUN (%#llx)",
		      (unsigned long long)got);
	}
#else
	ret = guest_cmd(&vm.cpu, CMD_FP, FP_SEED, 0, 0);
#endif
	check(is_hypercall(&vm.cpu, ret, HC_REPORT, 0), "fp: the guest loaded f0..f31 and fcsr");
#if defined(__riscv)
	note("host FP between the runs: %f", fp_clobber(ret + 1.5));
#endif
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0),
	      "fp: after an exit and host FP use, all 32 registers and fcsr are the guest's");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- two vCPUs ----------------------------------------------------------- */

#define SMP_PAGES	512

struct smp_arg {
	struct vcpu *cpu;
	u64 base;
	u64 seed;
	long ret;
	u64 faults;		/* grew by */
	bool done;
};

static void *smp_fn(void *p)
{
	struct smp_arg *a = p;
	u64 f0 = a->cpu->faults;

	a->ret = guest_cmd(a->cpu, CMD_TOUCH, a->base, SMP_PAGES, a->seed);
	a->faults = a->cpu->faults - f0;
	a->done = !a->ret && a->cpu->run.exit_reason == AXAS_EXIT_HYPERCALL &&
		  a->cpu->run.exit.hypercall.nr == HC_DONE &&
		  a->cpu->run.exit.hypercall.args[0] == SMP_PAGES;
	run_timer_drop();
	return NULL;
}

static void sec_smp(void)
{
	struct axas_space_stats st0, st1;
	struct smp_arg arg[2];
	struct vcpu cpu1;
	pthread_t thr[2];
	bool started[2] = { false, false };
	struct vm vm;
	unsigned int i;
	long ret;

	skipping = no_guest;
	if (!no_guest && cap_vcpu < 2)
		skipping = "CHECK_EXTENSION(VCPU) is 1: one vCPU per space";
	vcpu_init(&cpu1, -1);
	if (!skipping) {
		vm_new(&vm);
		ret = create_vcpu(vm.space, 1);
		if (ret >= 0)
			cpu1.fd = ret;
	} else {
		vm_new_flags(&vm, 0, true);
		ret = -EBADF;
	}
	if (ret < 0)
		note("create_vcpu 1: %s", retname(ret));
	check(vm.cpu.fd >= 0 && cpu1.fd >= 0, "smp: vCPUs 0 and 1 on one space");
	ret = map_alloc(vm.space, DATA_BASE, 2 * SMP_PAGES * PAGE, R | W);
	if (ret)
		note("map_alloc lazy: %s", retname(ret));
	get_stats(vm.space, &st0);
	for (i = 0; i < 2; i++) {
		memset(&arg[i], 0, sizeof(arg[i]));
		arg[i].cpu = i ? &cpu1 : &vm.cpu;
		arg[i].base = DATA_BASE + i * SMP_PAGES * PAGE;
		arg[i].seed = 0x10000ULL * (i + 1);
		arg[i].ret = -EBADF;
		if (arg[i].cpu->fd >= 0)
			started[i] = !pthread_create(&thr[i], NULL, smp_fn, &arg[i]);
	}
	for (i = 0; i < 2; i++)
		if (started[i])
			pthread_join(thr[i], NULL);
	for (i = 0; i < 2; i++)
		note("vCPU %u: RUN %s, exit %s, faults +%llu", i, retname(arg[i].ret),
		     exit_str(&arg[i].cpu->run), (unsigned long long)arg[i].faults);
	check(arg[0].done && arg[1].done,
	      "smp: both vCPUs, in two threads, TOUCH %d pages each -> DONE(%d)",
	      SMP_PAGES, SMP_PAGES);
	check(arg[0].faults + arg[1].faults == 2 * SMP_PAGES,
	      "smp: their run.faults grew by %d in all (%llu + %llu)", 2 * SMP_PAGES,
	      (unsigned long long)arg[0].faults, (unsigned long long)arg[1].faults);
	get_stats(vm.space, &st1);
	check(st1.faults - st0.faults == 2 * SMP_PAGES,
	      "smp: GET_STATS faults grew by %d (%llu)", 2 * SMP_PAGES,
	      (unsigned long long)(st1.faults - st0.faults));
	check(touched_ok(vm.space, arg[0].base, SMP_PAGES, arg[0].seed) &&
	      touched_ok(vm.space, arg[1].base, SMP_PAGES, arg[1].seed),
	      "smp: guest_read: the words of both");
	xclose(&cpu1.fd);
	vm_free(&vm);
	skipping = NULL;
}

/* ---- max_space_mb -------------------------------------------------------- */

/*
 * The guest touches more lazy pages than the space has room for. With the
 * parameter writable, max_space_mb is lowered to LIMIT_MB for the case;
 * with it read-only (0444), all but LIMIT_ROOM MiB of the limit are
 * populated first, as axas_test does.
 */
#define LIMIT_MB	2
#define LIMIT_ROOM	4
#define LIMIT_PAGES	2048	/* 8 MiB: more than either leaves room for */
#define LIMIT_SEED	0x7000ULL
#define FILL_BASE	0x40000000ULL

static void sec_limits(void)
{
	struct axas_space_stats st;
	long old, ret, r2, limit = 0, fill = 0;
	struct axas_regs regs;
	struct vm vm;
	bool lowered = false, sane;
	u64 i;

	skipping = no_guest;
	old = read_param("max_space_mb");
	if (!no_guest) {
		if (old > 0 && write_param("max_space_mb", LIMIT_MB)) {
			lowered = true;
			limit = LIMIT_MB;
		} else if (cap_max_mb > LIMIT_ROOM && cap_max_mb <= 512) {
			limit = cap_max_mb;
			fill = cap_max_mb - LIMIT_ROOM;
		} else {
			skipping = "max_space_mb is above 512 MiB and its parameter is read-only";
		}
	}
	vm_new(&vm);
	if (fill) {
		ret = map_alloc(vm.space, FILL_BASE, MB(fill), R | W | POPULATE);
		if (ret)
			note("map_alloc: populate %ld of the %ld MiB: %s", fill, limit,
			     retname(ret));
	}
	ret = map_alloc(vm.space, DATA_BASE, LIMIT_PAGES * PAGE, R | W);
	if (ret)
		note("map_alloc lazy: %s", retname(ret));
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, LIMIT_PAGES, LIMIT_SEED);
	if (ret != -ENOSPC)
		note("RUN: %s, exit %s", retname(ret), exit_str(&vm.cpu.run));
	check(ret == -ENOSPC, "limits: TOUCH %d lazy pages, %ld MiB left of max_space_mb -> ENOSPC",
	      LIMIT_PAGES, limit - fill);

	r2 = get_regs(vm.cpu.fd, &regs);
	i = regs.gpr[REG_T1];
	note("get_regs: %s; pc %#llx a1 %#llx a2 %#llx a3 %#llx t0 %#llx t1 %llu",
	     retname(r2), (unsigned long long)regs.pc,
	     (unsigned long long)regs.gpr[REG_A1], (unsigned long long)regs.gpr[REG_A2],
	     (unsigned long long)regs.gpr[REG_A3], (unsigned long long)regs.gpr[REG_T0],
	     (unsigned long long)i);
	sane = !r2 && regs.pc >= GUEST_BASE && regs.pc < GUEST_BASE + guest_len &&
	       regs.gpr[REG_A1] == DATA_BASE && regs.gpr[REG_A2] == LIMIT_PAGES &&
	       regs.gpr[REG_A3] == LIMIT_SEED && i > 0 && i < LIMIT_PAGES &&
	       regs.gpr[REG_T0] == DATA_BASE + i * PAGE;
	check(sane, "limits: get_regs: the guest is intact, stopped in its loop at page t1");

	get_stats(vm.space, &st);
	note("table_pages %llu, data_pages %llu, faults %llu; limit %ld MiB",
	     (unsigned long long)st.table_pages, (unsigned long long)st.data_pages,
	     (unsigned long long)st.faults, limit);
	check((st.table_pages + st.data_pages) * PAGE <= MB(limit) && st.faults == i,
	      "limits: GET_STATS: tables and frames within max_space_mb, a fault per page");
	check(sane && touched_ok(vm.space, DATA_BASE, i, LIMIT_SEED),
	      "limits: the pages touched before the limit hold their words");
	ret = vrun(&vm.cpu);
	expect(ret, ENOSPC, "limits: RUN again retries the access");
	vm_free(&vm);
	if (lowered && !write_param("max_space_mb", old))
		comment("could not restore max_space_mb to %ld", old);
	skipping = NULL;
}

/* ---- the benchmark ------------------------------------------------------- */

#define BENCH_PAGES	16384	/* 64 MiB */

static void sec_bench(void)
{
	double t0, t1, t2, first, second, rate = 0, rt = 0;
	struct vm vm;
	u64 f0, faults, f2;
	long ret;

	skipping = no_guest;
	vm_new(&vm);
	vm.cpu.timeout = BENCH_TIMEOUT;
	ret = map_alloc(vm.space, DATA_BASE, BENCH_PAGES * PAGE, R | W);
	if (ret)
		note("map_alloc lazy 64 MiB: %s", retname(ret));
	f0 = vm.cpu.faults;
	t0 = now();
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, BENCH_PAGES, 1);
	t1 = now();
	faults = vm.cpu.faults - f0;
	check(is_done(&vm.cpu, ret, BENCH_PAGES) && faults == BENCH_PAGES,
	      "bench: TOUCH 64 MiB of lazy pages -> DONE, %d faults served (%llu)",
	      BENCH_PAGES, (unsigned long long)faults);
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, BENCH_PAGES, 2);
	t2 = now();
	f2 = vm.cpu.faults - f0 - faults;
	check(is_done(&vm.cpu, ret, BENCH_PAGES) && f2 == 0,
	      "bench: TOUCH them again -> DONE, no fault (%llu)", (unsigned long long)f2);
	first = t1 - t0;
	second = t2 - t1;
	if (!skipping && faults) {
		rate = faults / first;
		rt = (first - second) / faults * 1e9;
		/* One name per emulated host: the numbers are the emulator's. */
		printf("BENCH guest_fault_rate_emulated_%s %.0f faults/s\n",
		       NATIVE_ARCH, rate);
		printf("BENCH guest_fault_roundtrip_emulated_%s %.0f ns\n",
		       NATIVE_ARCH, rt);
		comment("emulated (QEMU TCG): timings are not hardware numbers");
		comment("first TOUCH %.3f s (%llu faults), second %.3f s (no fault)", first,
			(unsigned long long)faults, second);
	}
	vm_free(&vm);
	skipping = NULL;
}

/* ---- the demonstration --------------------------------------------------- */

static int demo_fail(struct vm *vm, const char *what, long ret)
{
	char *line, *save;

	for (line = strtok_r(pending, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("   %s\n", line);
	pending_len = 0;
	printf("demo: FAILED: %s: %s%s%s\n", what, retname(ret),
	       ret ? "" : ", exit ", ret ? "" : exit_str(&vm->cpu.run));
	vm_free(vm);
	return 1;
}

static int run_demo(void)
{
	u64 sum, f0, lazy, gpa = RO_BASE + 8;
	unsigned int mmio_exits;
	struct vm vm;
	double t0, t;
	long ret;

	printf("axas_vcpu_test demo: a guest runs on a %s space of %s\n",
	       axd_format_name(SPACE_FORMAT), dev_path);
	if (no_guest) {
		printf("demo: SKIP: no guest runs here: %s\n", no_guest);
		return 0;
	}
	if (!vm_new(&vm)) {
		vm_free(&vm);
		printf("demo: FAILED: setting up the space and its vCPU\n");
		return 1;
	}
	printf("1. space: %s, %d-bit guest-physical, 4 GiB from 0\n",
	       SPACE_DESC, SPACE_BITS);
	printf("2. guest code: %zu bytes of " GUEST_SRC " written at %#llx\n"
	       "   into 64 KiB of populated RWX memory; vCPU 0 created, pc = %#llx\n",
	       guest_len, GUEST_BASE, GUEST_BASE);

	ret = guest_cmd(&vm.cpu, CMD_NOP, 42, 0, 0);
	if (!is_done(&vm.cpu, ret, 42))
		return demo_fail(&vm, "NOP", ret);
	printf("3. NOP: the guest ran in " GUEST_MODE " and called the hypervisor: DONE(42)\n");

	map_alloc(vm.space, DATA_BASE, TOUCH_PAGES * PAGE, R | W);
	f0 = vm.cpu.faults;
	t0 = now();
	ret = guest_cmd(&vm.cpu, CMD_TOUCH, DATA_BASE, TOUCH_PAGES, TOUCH_SEED);
	t = now() - t0;
	if (!is_done(&vm.cpu, ret, TOUCH_PAGES))
		return demo_fail(&vm, "TOUCH", ret);
	lazy = vm.cpu.faults - f0;
	printf("4. TOUCH: the guest wrote 2 words in each of %d lazy pages at %#llx:\n"
	       "   %llu nested page faults served inside the kernel, not one exit to\n"
	       "   userspace (%.1f ms, emulated)\n",
	       TOUCH_PAGES, DATA_BASE, (unsigned long long)lazy, t * 1e3);
	if (!touched_ok(vm.space, DATA_BASE, TOUCH_PAGES, TOUCH_SEED))
		return demo_fail(&vm, "reading back what the guest wrote", 0);
	printf("   the host reads all %d words back with AXAS_GUEST_READ: right\n",
	       2 * TOUCH_PAGES);
	sum = TOUCH_SEED * TOUCH_PAGES + (u64)TOUCH_PAGES * (TOUCH_PAGES - 1) / 2;
	ret = guest_cmd(&vm.cpu, CMD_SUM, DATA_BASE, TOUCH_PAGES, 0);
	if (!is_done(&vm.cpu, ret, sum))
		return demo_fail(&vm, "SUM", ret);
	printf("   and the guest sums them: %#llx\n", (unsigned long long)sum);

	printf("5. MMIO: the guest loads and stores at %#llx, which nothing maps;\n"
	       "   each access exits to this program, which plays the device:\n", MMIO_BASE);
	mmio_exits = 0;
	if (!mmio_pass(&vm.cpu, 0, true, &mmio_exits))
		return demo_fail(&vm, "the MMIO sequence", 0);
	printf("   %u exits for %zu accesses of every width and form (" MMIO_FORMS ")\n",
	       mmio_exits, ARRAY_SIZE(mmio_steps));

	map_alloc(vm.space, RO_BASE, PAGE, R | POPULATE);
	ret = guest_cmd(&vm.cpu, CMD_STORE, gpa, 0xfeed, 0);
	if (!is_permission(&vm.cpu, ret, gpa, W))
		return demo_fail(&vm, "STORE to a read-only page", ret);
	printf("6. PERMISSION: a store to a read-only page exits (WRITE at %#llx);\n",
	       (unsigned long long)gpa);
	protect(vm.space, RO_BASE, PAGE, R | W);
	ret = vrun(&vm.cpu);
	if (!is_done(&vm.cpu, ret, 0))
		return demo_fail(&vm, "the store retried after PROTECT", ret);
	printf("   AXAS_PROTECT makes it writable, the next RUN retries it: DONE\n");

	ret = guest_cmd(&vm.cpu, CMD_ILLEGAL, 0, 0, 0);
	if (!is_internal(&vm.cpu, ret, AXAS_INTERNAL_TRAP, ILLEGAL_CAUSE))
		return demo_fail(&vm, "ILLEGAL", ret);
	printf("7. ILLEGAL: an illegal instruction at %#llx stops the guest:\n"
	       "   INTERNAL_ERROR TRAP, " ILLEGAL_DESC "\n",
	       (unsigned long long)vm.cpu.run.exit.internal.data[2]);

	printf("8. vCPU 0: %llu exits in all; %llu of them lazy faults the kernel served,\n"
	       "   %llu host interrupts\n",
	       (unsigned long long)vm.cpu.exits, (unsigned long long)vm.cpu.faults,
	       (unsigned long long)vm.cpu.irq_exits);
	printf("demo: OK: a " GUEST_ARCH " guest ran: %llu lazy faults served in the kernel, %s\n",
	       (unsigned long long)lazy, "MMIO round trips, a PERMISSION exit fixed by PROTECT");
	vm_free(&vm);
	return 0;
}

/* ---- port I/O and HLT (x86) ---------------------------------------------- */

#define PORTIO_PORT	0x3f8
#define PORTIO_VALUE	0x8899aabbccddeeffULL

static const char *exit_io_str(const struct axas_run *r)
{
	static char buf[128];

	if (r->exit_reason != AXAS_EXIT_IO)
		return exit_str(r);
	snprintf(buf, sizeof(buf), "IO %s of %u bytes at port %#x, data %#llx",
		 r->exit.io.is_write ? "OUT" : "IN", r->exit.io.size,
		 r->exit.io.port, (unsigned long long)r->exit.io.data);
	return buf;
}

static bool is_io(struct vcpu *c, long ret, u32 port, u32 size, bool write, u64 data)
{
	const struct axas_exit_io *io = &c->run.exit.io;

	if (!ran(c, ret, AXAS_EXIT_IO))
		return false;
	if (io->port != port || io->size != size || io->is_write != write ||
	    (write && io->data != data) || io->reserved) {
		note("exit %s, expected %s of %u bytes at port %#x", exit_io_str(&c->run),
		     write ? "OUT" : "IN", size, port);
		return false;
	}
	return true;
}

static void sec_portio(void)
{
	static const u64 in_data = 0x0123456789abcdefULL;
	static const struct {
		u32 port, size;
		bool write;
		u64 want;	/* OUT: data; IN: RAX after it */
	} steps[] = {
		{ PORTIO_PORT, 1, true, PORTIO_VALUE & 0xff },
		{ PORTIO_PORT, 2, true, PORTIO_VALUE & 0xffff },
		{ PORTIO_PORT, 4, true, PORTIO_VALUE & 0xffffffff },
		{ 0x80, 1, true, PORTIO_VALUE & 0xff },
		{ PORTIO_PORT, 1, false, 0x5a5a5a5a5a5a5aefULL },
		{ PORTIO_PORT, 2, false, 0x5a5a5a5a5a5acdefULL },
		{ PORTIO_PORT, 4, false, 0x89abcdefULL },
	};
	struct vm vm;
	unsigned int i;
	long ret;
	bool ok;

	skipping = no_guest ? no_guest : X86_SKIP;
	vm_new(&vm);
	ret = guest_cmd(&vm.cpu, CMD_PORTIO, PORTIO_PORT, PORTIO_VALUE, 0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		ok = is_io(&vm.cpu, ret, steps[i].port, steps[i].size, steps[i].write,
			   steps[i].want);
		if (steps[i].write) {
			check(ok, "portio: OUT of %u bytes to port %#x -> IO exit, data %#llx",
			      steps[i].size, steps[i].port,
			      (unsigned long long)steps[i].want);
			ret = vrun(&vm.cpu);
			continue;
		}
		vm.cpu.run.exit.io.data = in_data;
		ret = vrun(&vm.cpu);
		ok &= is_hypercall(&vm.cpu, ret, HC_REPORT, steps[i].want);
		check(ok, "portio: IN of %u bytes from port %#x, host %#llx -> RAX %#llx",
		      steps[i].size, steps[i].port, (unsigned long long)in_data,
		      (unsigned long long)steps[i].want);
		ret = vrun(&vm.cpu);
	}
	check(is_done(&vm.cpu, ret, 0), "portio: DONE(0) after the sequence");
	vm_free(&vm);
	skipping = NULL;
}

static void sec_hlt(void)
{
	struct axas_regs regs;
	struct vm vm;
	long ret, r2;

	skipping = no_guest ? no_guest : X86_SKIP;
	vm_new(&vm);
	ret = guest_cmd(&vm.cpu, CMD_HLT, 0x417, 0, 0);
	r2 = get_regs(vm.cpu.fd, &regs);
	check(ran(&vm.cpu, ret, AXAS_EXIT_HLT) && !r2 && regs.pc > GUEST_BASE &&
	      regs.pc < GUEST_BASE + guest_len,
	      "hlt: HLT -> HLT exit, the guest's pc in its code");
	ret = vrun(&vm.cpu);
	check(is_done(&vm.cpu, ret, 0x417),
	      "hlt: the next RUN resumes after the HLT -> DONE(" RN_A1 ")");
	vm_free(&vm);
	skipping = NULL;
}

/* ---- main ---------------------------------------------------------------- */

struct section {
	const char *name;
	void (*fn)(void);
	const char *what;
};

static const struct section sections[] = {
	{ "caps", sec_caps, "CHECK_EXTENSION, CREATE_VCPU, the errors of every vCPU call" },
	{ "run", sec_run, "NOP, hypercalls, registers after a run, the vCPU holds its space" },
	{ "touch", sec_touch, "lazy pages faulted in by the kernel" },
	{ "mmio", sec_mmio, "MMIO exits of every width and form" },
	{ "permission", sec_permission, "PERMISSION exits, retried after PROTECT" },
	{ "fence", sec_fence, "TLB invalidation after UNMAP and PROTECT" },
	{ "stale", sec_stale, "no stale TLB entry while the guest runs on another hart" },
	{ "wrongleaf", sec_wrongleaf, "a wrong leaf (TEST_WRONG_LEAF) the CPU rejects" },
	{ "internal", sec_internal, "illegal instruction, fetch from an unmapped address" },
	{ "sysreg", sec_sysreg, "trapped MRS and MSR completed by userspace (arm64)" },
	{ "portio", sec_portio, "IN and OUT exits completed by userspace (x86)" },
	{ "hlt", sec_hlt, "HLT exits, resumed after the HLT (x86)" },
	{ "signal", sec_signal, "a signal interrupts RUN" },
	{ "irq", sec_irq, "guest interrupts, timer, WFI and FP registers (RISC-V)" },
	{ "smp", sec_smp, "two vCPUs in two threads on one space" },
	{ "limits", sec_limits, "a lazy fault beyond max_space_mb" },
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
	printf("usage: axas_vcpu_test [-v] [-b | -d] [-s SECTION[,SECTION...]] [-l]\n"
	       "  -v  print the diagnostics of passing cases too\n"
	       "  -b  the benchmark: lazy faults of a guest, BENCH lines\n"
	       "  -d  the demonstration, for people\n"
	       "  -s  run only these sections\n"
	       "  -l  list the sections\n");
}

static void setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: it interrupts RUN */

	guest_img = axas_guest_start;
	guest_len = axas_guest_end - axas_guest_start;
	cap_vcpu = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_VCPU);
	cap_hooks = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_TEST_HOOKS);
	cap_native = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_NATIVE_FORMAT);
	cap_vcpu_fmt = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_VCPU_FORMAT);
	cap_max_mb = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_MAX_SPACE_MB);
	cap_max_rw = xio_val(devfd, AXAS_CHECK_EXTENSION, AXAS_CAP_MAX_RW);
	if (cap_vcpu <= 0)
		no_guest = "CHECK_EXTENSION(VCPU) is 0: this host runs no guests";
	else if (!guest_len)
		no_guest = "no test guest for " NATIVE_ARCH " yet (tools/guests/)";
	else if (native_format() != SPACE_FORMAT)
		no_guest = "the test guest is " GUEST_ARCH ", not this host's architecture";
	else if (guest_len > CODE_SIZE || (cap_max_rw > 0 && (long)guest_len > cap_max_rw))
		no_guest = "the test guest is larger than its 64 KiB";
}

int main(int argc, char **argv)
{
	bool do_bench = false, do_demo = false;
	const char *only = NULL;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "vbds:lh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'b':
			do_bench = true;
			break;
		case 'd':
			do_demo = true;
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
	devfd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (do_demo) {
		if (devfd < 0) {
			printf("demo: FAILED: open %s: %s\n", dev_path, strerror(errno));
			return 1;
		}
		setup();
		return run_demo();
	}

	printf("TAP version 13\n");
	if (devfd < 0) {
		note("open %s: %s", dev_path, strerror(errno));
		check(false, "open %s", dev_path);
	} else {
		setup();
		printf("# axas_vcpu_test on %s: CHECK_EXTENSION VCPU %ld, TEST_HOOKS %ld\n",
		       NATIVE_ARCH, cap_vcpu, cap_hooks);
		printf("# the test guest: %zu bytes%s%s\n", guest_len,
		       no_guest ? "; guest cases skipped: " : "", no_guest ? no_guest : "");
		if (do_bench) {
			printf("# bench: a guest touches %d lazy pages (64 MiB), twice\n",
			       BENCH_PAGES);
			sec_bench();
		}
		for (i = 0; i < ARRAY_SIZE(sections) && !do_bench; i++) {
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
