// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the axaddrspace end-to-end initramfs (scripts/e2e.sh).
 *
 * Mounts the pseudo filesystems, loads axaddrspace.ko, turns the sample
 * client module's kernel log lines into TAP, runs the selftests (or, with
 * axas.mode=demo on the kernel command line, "axasctl demo" and
 * "axas_vcpu_test -d"; with axas.mode=bench, "axas_vcpu_test -b" alone,
 * whose BENCH lines reach the console with the rest; with axas.mode=vcpu,
 * the tests of axas_vcpu_test alone, and axas.section=NAME only that
 * section of them), then the fuzzer axas_fuzz for axas.fuzz_s seconds
 * (0: not at all; axas.fuzz_seed=N repeats a run; with axas.mode=fuzz
 * the fuzzer alone), unloads everything,
 * checks kmemleak and the kernel log for splats, prints
 * "E2E_NAME: N passed, N failed, N skipped" and resets the machine; with
 * axas.emu=bochs, which has no reset that ends the emulator, it writes
 * "Shutdown" to Bochs' port 0x8900 instead.
 *
 * The console carries only this program's lines and those of the programs
 * it runs: it lowers the console log level and copies the kernel's
 * messages itself, as "# kernel: ..." lines, so that they never break a
 * TAP line in two.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <sys/io.h>
#endif

/* Built alone by scripts/e2e.sh, without tools/Makefile's -I. */
#include "../../include/axas-tools.h"

#ifndef E2E_NAME
#define E2E_NAME "e2e"
#endif

#define AXAS_MODULE	"/lib/modules/axaddrspace.ko"
#define AXAS_PARAMS	"max_spaces=16 max_space_mb=256 test_hooks=1"
#define SAMPLE_MODULE	"/lib/modules/axas_sample.ko"
#define SELFTEST	"/bin/axas_test"
#define VCPU_TEST	"/bin/axas_vcpu_test"
#define VMM		"/bin/axas-vmm"
#define GUEST_IMAGE	"/lib/axas-guest/Image"
#define GUEST_INITRD	"/lib/axas-guest/initramfs.cpio"
#define AXASCTL		"/bin/axasctl"
#define FUZZER		"/bin/axas_fuzz"
/* Seconds of fuzzing after the selftests, unless axas.fuzz_s says. */
#define FUZZ_S_DEFAULT	30
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define SAMPLE_PREFIX	"axas_sample: "

#define SYSLOG_ACTION_CONSOLE_LEVEL	8

/* TAP results of everything this run printed or forwarded. */
static int tap_nr, n_pass, n_fail, n_skip;

/* /dev/kmsg, read from the first record on. */
static int kmsg_fd = -1;
/* Forward kernel messages to the console (after the boot messages). */
static bool kmsg_echo;
/* Collect the sample module's result lines (while it loads). */
static bool kmsg_sample;
static int sample_pass, sample_fail, sample_skip;
static int sample_total_pass = -1, sample_total_fail = -1;

/* Lines of the kernel log that look like a splat. */
#define MAX_SPLATS 40
static char *splat[MAX_SPLATS];
static int nr_splats;

static char cmdline[4096];

/* One write per line, so that lines from different writers never mix. */
static void __printf(1, 2) out(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len > (int)sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	if (write(STDOUT_FILENO, buf, len) < 0)
		return;
}

static void tap(bool ok, const char *desc)
{
	tap_nr++;
	if (ok)
		n_pass++;
	else
		n_fail++;
	out("%sok %d - e2e: %s", ok ? "" : "not ", tap_nr, desc);
}

static void __printf(2, 3) tapf(bool ok, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	tap(ok, desc);
}

static void tap_skip(const char *desc, const char *reason)
{
	tap_nr++;
	n_skip++;
	out("ok %d - e2e: %s # SKIP %s", tap_nr, desc, reason);
}

/* Count one TAP line of a program this run forwarded. */
static void count_tap_line(const char *line, bool *skip)
{
	const char *p = line;
	bool not = false;

	*skip = false;
	if (!strncmp(p, "not ok", 6)) {
		not = true;
		p += 6;
	} else if (!strncmp(p, "ok", 2)) {
		p += 2;
	} else {
		return;
	}
	if (*p && *p != ' ')
		return;
	if (strcasestr(line, "# skip") || strcasestr(line, "#skip") ||
	    (not && strcasestr(line, "# todo"))) {
		*skip = true;
		n_skip++;
	} else if (not) {
		n_fail++;
	} else {
		n_pass++;
	}
}

static bool has_cmdline_word(const char *word)
{
	const char *p = cmdline;
	size_t len = strlen(word);

	while ((p = strstr(p, word))) {
		if ((p == cmdline || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
			return true;
		p += len;
	}
	return false;
}

static long cmdline_long(const char *key, long def)
{
	const char *p = cmdline;
	size_t len = strlen(key);

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[len] == '=')
			return strtol(p + len + 1, NULL, 0);
		p += len;
	}
	return def;
}

/* The value of "key=value" on the command line, into @buf; false if none. */
static bool cmdline_str(const char *key, char *buf, size_t size)
{
	const char *p = cmdline;
	size_t len = strlen(key);

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[len] == '=') {
			p += len + 1;
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n "), p);
			return true;
		}
		p += len;
	}
	return false;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The whole of a small file, NUL-terminated, or NULL. */
static char *read_file(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 2048) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

static bool write_file(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text);
}

/* A skip reason left by e2e.sh in /etc/axas-e2e/NAME, or the default. */
static const char *skip_reason(const char *name, const char *def)
{
	static char reason[512];
	char path[128];
	char *text;

	snprintf(path, sizeof(path), "/etc/axas-e2e/%s", name);
	text = read_file(path, NULL);
	if (!text)
		return def;
	text[strcspn(text, "\n")] = '\0';
	snprintf(reason, sizeof(reason), "%s", text);
	free(text);
	return reason;
}

static bool is_splat(const char *msg)
{
	static const char *const marks[] = {
		"WARNING:", "BUG:", "kernel BUG at", "Oops", "Unable to handle",
		"general protection fault", "Kernel panic",
		"possible circular locking", "possible recursive locking",
		"inconsistent lock state", "bad unlock balance",
		"held lock freed", "lock held when returning",
		"suspicious RCU usage", "sleeping function called from invalid context",
		"scheduling while atomic", "turning off the locking correctness validator",
		"DEBUG_LOCKS_WARN_ON", "list_add corruption", "list_del corruption",
		"page allocation failure", "Call Trace:", "Call trace:",
		"detected stall", "soft lockup", "hard LOCKUP", "UBSAN:", "KASAN:",
		"usercopy:", "refcount_t:", "Bad page state", "page dumped because",
		"Redzone overwritten", "Poison overwritten", "Object padding overwritten",
		"Freepointer corrupt", "double free", "INFO: task",
	};
	size_t i;

	/* SLUB's corruption reports start "BUG <cache> (...): ...". */
	if (!strncmp(msg, "BUG ", 4))
		return true;
	for (i = 0; i < ARRAY_SIZE(marks); i++)
		if (strstr(msg, marks[i]))
			return true;
	return false;
}

static void sample_line(const char *msg)
{
	const char *p = msg + strlen(SAMPLE_PREFIX);
	bool skip, not;
	int pass, fail;

	if (sscanf(p, "%d passed, %d failed", &pass, &fail) == 2) {
		sample_total_pass = pass;
		sample_total_fail = fail;
		out("# sample: %s", p);
		return;
	}
	if (strncmp(p, "ok ", 3) && strncmp(p, "not ok ", 7)) {
		out("# sample: %s", p);
		return;
	}
	/* "ok N - what" becomes this run's "ok M - sample: what". */
	not = *p == 'n';
	tap_nr++;
	count_tap_line(p, &skip);
	if (skip)
		sample_skip++;
	else if (not)
		sample_fail++;
	else
		sample_pass++;
	p += not ? 7 : 3;
	while (isdigit((unsigned char)*p))
		p++;
	if (!strncmp(p, " - ", 3))
		p += 3;
	else if (*p == ' ')
		p++;
	out("%sok %d - sample: %s", not ? "not " : "", tap_nr, p);
}

/*
 * Read every kernel log record not read yet: look for splats, pick up the
 * sample's results, and copy the records to the console when asked.
 */
static void drain_kmsg(void)
{
	char rec[8192];
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		unsigned long long seq, usec;
		char *msg, *nl;
		int pri;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;	/* EPIPE: records were overwritten */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || sscanf(rec, "%d,%llu,%llu", &pri, &seq, &usec) != 3)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';

		if (is_splat(msg) && nr_splats < MAX_SPLATS)
			splat[nr_splats++] = strdup(msg);
		else if (is_splat(msg))
			nr_splats++;
		/* The sample's lines are printed as TAP instead. */
		if (kmsg_sample && !strncmp(msg, SAMPLE_PREFIX, strlen(SAMPLE_PREFIX)))
			sample_line(msg);
		else if (kmsg_echo)
			out("# kernel: [%5llu.%06llu] %s", usec / 1000000,
			    usec % 1000000, msg);
	}
}

static void sleep_draining(double secs)
{
	double end = now() + secs;
	struct pollfd pfd = { .fd = kmsg_fd, .events = POLLIN };

	while (now() < end) {
		poll(&pfd, kmsg_fd >= 0, (int)((end - now()) * 1000) + 1);
		drain_kmsg();
	}
}

static void mount_all(void)
{
	static const struct {
		const char *src, *dir, *type;
		bool needed;
	} mounts[] = {
		{ "proc", "/proc", "proc", true },
		{ "sysfs", "/sys", "sysfs", true },
		{ "devtmpfs", "/dev", "devtmpfs", true },
		{ "debugfs", "/sys/kernel/debug", "debugfs", true },
		{ "cgroup2", "/sys/fs/cgroup", "cgroup2", false },
		{ "tmpfs", "/tmp", "tmpfs", false },
	};
	char failed[512] = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mounts); i++) {
		if (!mount(mounts[i].src, mounts[i].dir, mounts[i].type, 0, NULL))
			continue;
		if (mounts[i].needed)
			snprintf(failed + strlen(failed), sizeof(failed) - strlen(failed),
				 " %s (%s)", mounts[i].dir, strerror(errno));
		else
			out("# mount %s: %s", mounts[i].dir, strerror(errno));
	}
	/* Let the selftest make child cgroups with their own memory counters. */
	if (!write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory"))
		out("# cannot enable the memory controller for child cgroups");
	if (failed[0])
		tapf(false, "mount proc, sysfs, devtmpfs, debugfs: failed:%s", failed);
	else
		tap(true, "mount proc, sysfs, devtmpfs, debugfs");
}

/* The machine: two CPUs (the race tests need them), and what they are. */
static void check_cpus(void)
{
	static const char *const keys[] = { "model name", "Features", "isa" };
	char *online, *info, *line;
	size_t i;

	online = read_file("/sys/devices/system/cpu/online", NULL);
	if (online)
		online[strcspn(online, "\n")] = '\0';
	tapf(online && !strcmp(online, "0-1"), "2 CPUs online (%s)",
	     online ? online : strerror(errno));
	free(online);

	info = read_file("/proc/cpuinfo", NULL);
	for (i = 0; info && i < ARRAY_SIZE(keys); i++) {
		for (line = info; line; line = strchr(line, '\n')) {
			if (*line == '\n')
				line++;
			if (!strncmp(line, keys[i], strlen(keys[i]))) {
				out("# cpu: %.*s", (int)strcspn(line, "\n"), line);
				break;
			}
		}
	}
	free(info);
}

static int load_module(const char *path, const char *params)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * Unload a module. Closing a file drops its module reference before close()
 * returns, so no retry should be needed; a short one tells a slow release
 * from a leaked reference (and the log says it happened).
 */
static int unload_module(const char *name, int *tries)
{
	int ret;

	for (*tries = 1; ; ++*tries) {
		ret = syscall(SYS_delete_module, name, O_NONBLOCK);
		if (!ret)
			return 0;
		ret = -errno;
		if ((ret != -EWOULDBLOCK && ret != -EBUSY) || *tries >= 20)
			return ret;
		sleep_draining(0.1);
	}
}

static void module_refcnt(const char *name, char *buf, size_t size)
{
	char path[128];
	char *text;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	text = read_file(path, NULL);
	snprintf(buf, size, "%s", text ? text : "?\n");
	buf[strcspn(buf, "\n")] = '\0';
	free(text);
}

/* Reap whatever exited: /init adopts every orphan. */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

struct run_result {
	int status;		/* wait status */
	bool timed_out;
	int plan;		/* N of a "1..N" line, or -1 */
	int results;		/* TAP lines */
	int failed;
};

/*
 * Run a program with its output going through a pipe to the console, line
 * by line, while the kernel log keeps being forwarded. Counts its TAP
 * lines (at the start of a line) when count is true.
 */
static int run_program(char *const argv[], int timeout, bool count,
		       struct run_result *res)
{
	static char *const envp[] = {
		"PATH=/bin", "HOME=/", "TMPDIR=/tmp", "TERM=dumb", NULL,
	};
	char buf[4096], line[4096];
	size_t line_len = 0;
	double deadline = now() + timeout, exited_at = 0;
	bool eof = false, exited = false;
	int pipefd[2], status = 0, wstatus;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->plan = -1;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null >= 0 ? null : pipefd[1], STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execve(argv[0], argv, envp);
		dprintf(STDERR_FILENO, "# exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);

	while (!eof || !exited) {
		struct pollfd pfd[2] = {
			{ .fd = eof ? -1 : pipefd[0], .events = POLLIN },
			{ .fd = kmsg_fd, .events = POLLIN },
		};
		ssize_t n;
		pid_t w;

		poll(pfd, 2, 200);
		if (pfd[1].revents)
			drain_kmsg();
		if (!eof && pfd[0].revents) {
			n = read(pipefd[0], buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR))
				eof = true;
			for (ssize_t i = 0; i < n; i++) {
				bool full = line_len == sizeof(line) - 1;

				if (buf[i] != '\n' && !full) {
					line[line_len++] = buf[i];
					continue;
				}
				line[line_len] = '\0';
				out("%s", line);
				if (count) {
					bool skip;
					int before = n_fail;

					/* The plan: "1..N" at the start of a line. */
					if (!strncmp(line, "1..", 3))
						res->plan = atoi(line + 3);
					count_tap_line(line, &skip);
					if (!strncmp(line, "ok", 2) ||
					    !strncmp(line, "not ok", 6))
						res->results++;
					res->failed += n_fail - before;
				}
				line_len = 0;
				if (full && buf[i] != '\n')
					line[line_len++] = buf[i];
			}
		}
		/* Reap it and whatever orphans /init adopted. */
		while ((w = waitpid(-1, &wstatus, WNOHANG)) > 0) {
			if (w == pid) {
				status = wstatus;
				exited = true;
				exited_at = now();
			}
		}
		/* A grandchild may hold the pipe open: give it 2 s. */
		if (exited && !eof && now() > exited_at + 2) {
			kill(-pid, SIGKILL);
			eof = true;
		}
		if (!exited && now() > deadline) {
			if (res->timed_out) {
				/* Stuck in the kernel: leave it, report the rest. */
				out("# %s: does not die: left behind", argv[0]);
				break;
			}
			out("# %s: still running after %d s: killing it", argv[0], timeout);
			kill(-pid, SIGKILL);
			res->timed_out = true;
			deadline = now() + 10;
		}
	}
	if (line_len) {
		line[line_len] = '\0';
		out("%s", line);
	}
	close(pipefd[0]);
	kill(-pid, SIGKILL);	/* anything it left behind */
	reap_orphans();
	drain_kmsg();
	res->status = status;
	return 0;
}

static void describe_status(const struct run_result *res, char *buf, size_t size)
{
	if (res->timed_out)
		snprintf(buf, size, "timed out");
	else if (WIFEXITED(res->status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(res->status));
	else if (WIFSIGNALED(res->status))
		snprintf(buf, size, "killed by signal %d (%s)",
			 WTERMSIG(res->status), strsignal(WTERMSIG(res->status)));
	else
		snprintf(buf, size, "wait status 0x%x", res->status);
}

static bool run_ok(const struct run_result *res)
{
	return !res->timed_out && WIFEXITED(res->status) &&
	       WEXITSTATUS(res->status) == 0;
}

static void run_sample(void)
{
	const char *reason;
	int ret, tries;
	char refs[32];

	if (access(SAMPLE_MODULE, R_OK)) {
		reason = skip_reason("skip-sample", SAMPLE_MODULE " is not in the initramfs");
		tap_skip("axas_sample: load, results, unload", reason);
		return;
	}
	/* It runs its checks in its init and fails to load if any failed. */
	kmsg_sample = true;
	ret = load_module(SAMPLE_MODULE, "");
	drain_kmsg();
	kmsg_sample = false;
	tapf(!ret, "insmod axas_sample.ko%s%s", ret ? ": " : "", ret ? strerror(-ret) : "");
	if (sample_total_pass < 0) {
		tap(false, "axas_sample: closing line 'N passed, N failed' in the kernel log");
	} else {
		tapf(sample_total_pass == sample_pass &&
		     sample_total_fail == sample_fail &&
		     sample_pass + sample_fail + sample_skip > 0,
		     "axas_sample: closing line '%d passed, %d failed' matches its %d ok, %d not ok, %d skipped",
		     sample_total_pass, sample_total_fail,
		     sample_pass, sample_fail, sample_skip);
	}
	if (ret)
		return;
	ret = unload_module("axas_sample", &tries);
	if (ret) {
		module_refcnt("axas_sample", refs, sizeof(refs));
		tapf(false, "rmmod axas_sample: %s (refcnt %s)", strerror(-ret), refs);
	} else {
		tap(true, "rmmod axas_sample");
	}
}

static void run_tool(const char *desc, char *const argv[], long timeout, bool count)
{
	struct run_result res;
	char how[128];

	out("# ---- begin: %s", desc);
	if (run_program(argv, timeout, count, &res)) {
		out("# ---- end: %s", desc);
		tapf(false, "%s: cannot run: %s", desc, strerror(errno));
		return;
	}
	describe_status(&res, how, sizeof(how));
	out("# ---- end: %s (%s)", desc, how);
	if (!count) {
		tapf(run_ok(&res), "%s: %s", desc, how);
		return;
	}
	tapf(run_ok(&res) && res.results > 0, "%s: %s, %d TAP results, %d failed",
	     desc, how, res.results, res.failed);
	if (res.plan >= 0)
		tapf(res.plan == res.results, "%s: plan 1..%d, ran %d",
		     desc, res.plan, res.results);
	else
		tapf(false, "%s: printed no TAP plan", desc);
}

/*
 * The fuzzer, for @secs seconds (twice that with axas.fuzz_fail=PERCENT,
 * its fault-injection phase), with the seed of axas.fuzz_seed if given.
 */
static void run_fuzzer(long secs)
{
	static char s_arg[24], t_arg[24], f_arg[24];
	char *argv[8] = { FUZZER, "-t", t_arg };
	long fail = cmdline_long("axas.fuzz_fail", 0);
	long seed = cmdline_long("axas.fuzz_seed", -1);
	int argc = 3;

	if (access(FUZZER, X_OK)) {
		tap_skip("axas_fuzz", skip_reason("skip-tools", FUZZER " is not in the initramfs"));
		return;
	}
	snprintf(t_arg, sizeof(t_arg), "%ld", secs);
	if (seed >= 0) {
		snprintf(s_arg, sizeof(s_arg), "%ld", seed);
		argv[argc++] = "-s";
		argv[argc++] = s_arg;
	}
	if (fail > 0) {
		snprintf(f_arg, sizeof(f_arg), "%ld", fail);
		argv[argc++] = "-F";
		argv[argc++] = f_arg;
	}
	/* Both phases, the closing checks and a margin. */
	run_tool("axas_fuzz", argv, 2 * secs + 120, true);
}

/*
 * A Linux guest on the module's G-stage tables (riscv64 only: axas-vmm
 * and the guest are in the initramfs there), then the same boot on
 * leaves that are wrong on purpose, which must fail.
 */
static void run_linux_guest(bool bench)
{
	/* memtest=1: the guest kernel writes all of its RAM first. */
	static char *const argv[] = {
		VMM, "-T", "-t", "300", "-i", GUEST_INITRD,
		"-c", "console=ttyS0 earlycon=sbi memtest=1", GUEST_IMAGE, NULL,
	};
	/* No memtest: the workload's pages fault in as it touches them. */
	static char *const bargv[] = {
		VMM, "-T", "-t", "300", "-i", GUEST_INITRD,
		"-c", "console=ttyS0 earlycon=sbi", GUEST_IMAGE, NULL,
	};
	static char *const wargv[] = {
		VMM, "-T", "-W", "-t", "120", "-i", GUEST_INITRD, GUEST_IMAGE, NULL,
	};

	if (access(VMM, X_OK) || access(GUEST_IMAGE, R_OK)) {
		tap_skip("axas-vmm: Linux guest",
			 "only the plain riscv64 e2e run has axas-vmm and a Linux guest");
		return;
	}
	if (bench) {
		run_tool("axas-vmm: Linux guest", bargv, 360, true);
		return;
	}
	run_tool("axas-vmm: Linux guest", argv, 360, true);
	run_tool("axas-vmm -W: Linux guest on wrong leaves", wargv, 180, true);
}

/*
 * kmemleak reports objects it found unreferenced in two scans in a row
 * and that are at least 5 s old: wait, scan twice, read the report. A
 * report is ours when it names the module, when it was allocated by one of
 * our processes, or when its backtrace has a bare address (code of a
 * module that is gone, which after the unloads can only be ours).
 */
static void check_kmemleak(double since)
{
	int ours = 0, others = 0;
	char *report, *obj, *next;

	if (access(KMEMLEAK, R_OK)) {
		tapf(false, "kmemleak: no leaks: %s: %s", KMEMLEAK, strerror(errno));
		return;
	}
	if (now() < since + 5.5)
		sleep_draining(since + 5.5 - now());
	if (!write_file(KMEMLEAK, "scan") || !write_file(KMEMLEAK, "scan")) {
		tapf(false, "kmemleak: no leaks: cannot scan: %s", strerror(errno));
		return;
	}
	drain_kmsg();
	report = read_file(KMEMLEAK, NULL);
	if (!report) {
		tapf(false, "kmemleak: no leaks: cannot read: %s", strerror(errno));
		return;
	}
	for (obj = strstr(report, "unreferenced object"); obj; obj = next) {
		bool mine;
		char *p, save = 0;

		next = strstr(obj + 1, "unreferenced object");
		if (next) {
			save = *next;
			*next = '\0';
		}
		mine = strstr(obj, "axas") || strstr(obj, "axaddrspace") ||
		       strstr(obj, "comm \"init\"") || strstr(obj, "comm \"axas") ||
		       strstr(obj, "\n    0x");
		if (mine)
			ours++;
		else
			others++;
		for (p = obj; *p; ) {
			size_t len = strcspn(p, "\n");

			out("# kmemleak%s: %.*s", mine ? "" : " (not ours)", (int)len, p);
			p += len;
			if (*p)
				p++;
		}
		if (next)
			*next = save;
	}
	free(report);
	if (others)
		out("# kmemleak: %d report(s) not attributed to axaddrspace (above)", others);
	if (ours)
		tapf(false, "kmemleak: no leaks: %d leak(s) of axaddrspace (above)", ours);
	else
		tap(true, "kmemleak: no leaks");
}

static void check_splats(void)
{
	char *stats;
	int i;

	drain_kmsg();
	/* lockdep switches itself off for good after its first report. */
	stats = read_file("/proc/lockdep_stats", NULL);
	if (stats) {
		char *p = strstr(stats, "debug_locks:");

		if (p && atoi(p + strlen("debug_locks:")) == 0 && nr_splats < MAX_SPLATS)
			splat[nr_splats++] = strdup("lockdep: debug_locks is 0: it is off");
		free(stats);
	} else {
		out("# /proc/lockdep_stats: %s", strerror(errno));
	}
	for (i = 0; i < nr_splats && i < MAX_SPLATS; i++)
		out("# splat: %s", splat[i] ? splat[i] : "?");
	if (nr_splats > MAX_SPLATS)
		out("# splat: ... and %d more lines", nr_splats - MAX_SPLATS);
	tapf(nr_splats == 0, "no WARN/BUG/lockdep splat in the kernel log%s",
	     nr_splats ? " (see the splat lines above)" : "");
}

/*
 * Bochs ends the emulation when the guest writes "Shutdown" to port
 * 0x8900 (its exit status is then 1; scripts/e2e.sh judges the log).
 */
static void bochs_shutdown(void)
{
#if defined(__x86_64__)
	static const char cmd[] = "Shutdown";
	size_t i;

	if (ioperm(0x8900, 1, 1)) {
		out("# ioperm(0x8900): %s: cannot stop Bochs", strerror(errno));
		return;
	}
	for (i = 0; cmd[i]; i++)
		outb(cmd[i], 0x8900);
#endif
}

static void finish(bool bochs_emu)
{
	int fd;

	drain_kmsg();
	out("%s: %d passed, %d failed, %d skipped", E2E_NAME, n_pass, n_fail, n_skip);
	sync();
	/* Let the UART send the last line before the reset. */
	tcdrain(STDOUT_FILENO);
	fd = open("/dev/console", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		tcdrain(fd);
		close(fd);
	}
	usleep(200000);
	if (bochs_emu)
		bochs_shutdown();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(void)
{
	bool demo, bench, vcpu_only, fuzz_only, linux_only, bochs, loaded;
	char *text;
	long timeout, fuzz_s;
	double unloaded_at;
	int ret, tries;
	char refs[32];

	/* Without a console (no /dev/console in the initramfs) say nothing. */
	out("TAP version 13");
	out("# %s: /init of the axaddrspace end-to-end test", E2E_NAME);
	mount_all();

	text = read_file("/proc/cmdline", NULL);
	if (text) {
		snprintf(cmdline, sizeof(cmdline), "%s", text);
		cmdline[strcspn(cmdline, "\n")] = '\0';
		free(text);
	}
	out("# kernel command line: %s", cmdline);
	check_cpus();
	demo = has_cmdline_word("axas.mode=demo");
	bench = has_cmdline_word("axas.mode=bench");
	vcpu_only = has_cmdline_word("axas.mode=vcpu");
	fuzz_only = has_cmdline_word("axas.mode=fuzz");
	linux_only = has_cmdline_word("axas.mode=linux");
	fuzz_s = cmdline_long("axas.fuzz_s", FUZZ_S_DEFAULT);
	bochs = has_cmdline_word("axas.emu=bochs");
	timeout = cmdline_long("axas.timeout", 420);

	/*
	 * The boot messages are on the console already: read them only for
	 * splats. From now on this program prints the kernel's messages.
	 */
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0)
		out("# /dev/kmsg: %s", strerror(errno));
	drain_kmsg();
	/*
	 * Bochs' CPU models trip boot-time sanity checks (CPUID topology,
	 * XSAVE sizes): those WARNs are the emulator's, not ours.
	 */
	if (bochs && nr_splats) {
		out("# axas.emu=bochs: %d boot splat line(s), the emulated CPU's, not counted",
		    nr_splats);
		while (nr_splats > 0) {
			if (nr_splats <= MAX_SPLATS)
				free(splat[nr_splats - 1]);
			nr_splats--;
		}
	}
	if (klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 1))
		out("# cannot lower the console log level: %s", strerror(errno));
	kmsg_echo = true;

	/* Start from a clean kmemleak slate: forget what boot left behind. */
	if (!demo && !access(KMEMLEAK, W_OK)) {
		write_file(KMEMLEAK, "scan");
		write_file(KMEMLEAK, "clear");
	}

	ret = load_module(AXAS_MODULE, AXAS_PARAMS);
	drain_kmsg();
	loaded = !ret;
	tapf(loaded, "insmod axaddrspace.ko %s%s%s", AXAS_PARAMS,
	     ret ? ": " : "", ret ? strerror(-ret) : "");

	if (demo) {
		static char *const argv[] = { AXASCTL, "demo", NULL };
		static char *const vargv[] = { VCPU_TEST, "-d", NULL };

		if (!loaded)
			tap_skip("axasctl demo", "axaddrspace.ko did not load");
		else if (access(AXASCTL, X_OK))
			tap_skip("axasctl demo",
				 skip_reason("skip-tools", AXASCTL " is not in the initramfs"));
		else
			run_tool("axasctl demo", argv, timeout, false);
		if (!loaded)
			tap_skip("axas_vcpu_test -d", "axaddrspace.ko did not load");
		else if (access(VCPU_TEST, X_OK))
			tap_skip("axas_vcpu_test -d",
				 skip_reason("skip-tools", VCPU_TEST " is not in the initramfs"));
		else
			run_tool("axas_vcpu_test -d", vargv, timeout, false);
		if (loaded)
			run_linux_guest(false);
	} else if (bench) {
		static char *const argv[] = { VCPU_TEST, "-b", NULL };

		if (!loaded)
			tap_skip("axas_vcpu_test -b", "axaddrspace.ko did not load");
		else if (access(VCPU_TEST, X_OK))
			tap_skip("axas_vcpu_test -b",
				 skip_reason("skip-tools", VCPU_TEST " is not in the initramfs"));
		else
			run_tool("axas_vcpu_test -b", argv, timeout, true);
		if (loaded)
			run_linux_guest(true);
	} else if (!loaded) {
		tap_skip("axas_sample: load, results, unload", "axaddrspace.ko did not load");
		tap_skip("axas_test", "axaddrspace.ko did not load");
		tap_skip("axas_vcpu_test", "axaddrspace.ko did not load");
	} else if (linux_only) {
		out("# axas.mode=linux: the Linux guest alone");
		run_linux_guest(false);
	} else if (fuzz_only) {
		out("# axas.mode=fuzz: axas_fuzz alone");
		run_fuzzer(fuzz_s);
	} else {
		static char *const argv[] = { SELFTEST, NULL };
		static char section[64];
		static char *const vargv[] = { VCPU_TEST, NULL };
		/* axas.section=NAME: that section of axas_vcpu_test alone. */
		static char *const sargv[] = { VCPU_TEST, "-s", section, NULL };
		bool one = cmdline_str("axas.section", section, sizeof(section));

		if (vcpu_only) {
			out("# axas.mode=vcpu: axas_vcpu_test alone");
		} else {
			run_sample();
			if (access(SELFTEST, X_OK))
				tap_skip("axas_test",
					 skip_reason("skip-tools",
						     SELFTEST " is not in the initramfs"));
			else
				run_tool("axas_test", argv, timeout, true);
		}
		if (access(VCPU_TEST, X_OK))
			tap_skip("axas_vcpu_test",
				 skip_reason("skip-tools", VCPU_TEST " is not in the initramfs"));
		else
			run_tool("axas_vcpu_test", one ? sargv : vargv, timeout, true);
		if (!vcpu_only)
			run_linux_guest(false);
		/* Under Bochs (vcpu mode) the storm would take too long. */
		if (!vcpu_only && fuzz_s > 0)
			run_fuzzer(fuzz_s);
	}

	if (loaded) {
		ret = unload_module("axaddrspace", &tries);
		if (ret) {
			module_refcnt("axaddrspace", refs, sizeof(refs));
			tapf(false, "rmmod axaddrspace: %s (refcnt %s): a reference is left",
			     strerror(-ret), refs);
		} else {
			if (tries > 1)
				out("# rmmod axaddrspace: succeeded at try %d", tries);
			tap(true, "rmmod axaddrspace");
		}
	}
	unloaded_at = now();

	/* kmemleak's scans take many minutes in Bochs; QEMU runs them. */
	if (!demo && bochs)
		tap_skip("kmemleak: no leaks", "its scans take many minutes under Bochs");
	else if (!demo)
		check_kmemleak(unloaded_at);
	check_splats();
	finish(bochs);
	return 0;
}
