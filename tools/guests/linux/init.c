// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the Linux guest that axas-vmm boots in the riscv64 e2e run:
 * says it runs, then makes the guest kernel use its memory the way
 * programs do (a large anonymous mapping written and read back, forked
 * children writing their copy-on-write copies, an exec) and powers the
 * guest off, which the kernel does through SBI SRST.
 *
 * Its lines are in guest-workload.h, which axas-vmm shares to check them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "guest-workload.h"

#define NR_CHILDREN	3
#define CHILD_PAGES	64

static long meminfo_kb(const char *key)
{
	char line[128];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* Most of the free memory: write the pattern, read it back. */
static void memory_workload(void)
{
	long avail = meminfo_kb("MemAvailable");
	uint64_t seed, pages, p, sum = 0, bad = 0, v, w;
	struct timespec ts;
	uint64_t *mem;
	unsigned int j;

	if (avail <= 0) {
		printf("axas-guest: memory: no MemAvailable in /proc/meminfo\n");
		return;
	}
	pages = (uint64_t)avail / 4 * 3 / 4;
	/* No RTC in the guest: the monotonic clock's nanoseconds vary. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32);
	mem = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf("axas-guest: memory: mmap of %llu pages: %s\n",
		       (unsigned long long)pages, strerror(errno));
		return;
	}
	printf(GUEST_WORKLOAD_START " %llu pages\n", (unsigned long long)pages);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);		/* the VMM times from this line */
	for (p = 0; p < pages; p++) {
		v = guest_workload_page(seed, p);
		for (j = 0; j < GUEST_PAGE_WORDS; j++)
			mem[p * GUEST_PAGE_WORDS + j] = guest_workload_word(v, j);
	}
	for (p = 0; p < pages; p++) {
		v = guest_workload_page(seed, p);
		for (j = 0; j < GUEST_PAGE_WORDS; j++) {
			w = mem[p * GUEST_PAGE_WORDS + j];
			bad += w != guest_workload_word(v, j);
			sum = guest_workload_fold(sum, w, j);
		}
	}
	if (bad)
		printf("axas-guest: memory: %llu words read back wrong\n",
		       (unsigned long long)bad);
	printf(GUEST_WORKLOAD_PRINT "\n", (unsigned long long)pages,
	       (unsigned long long)seed, (unsigned long long)sum);
	munmap(mem, pages * 4096);
}

static bool check_pages(const uint64_t *buf, uint64_t seed)
{
	unsigned int p, j;

	for (p = 0; p < CHILD_PAGES; p++)
		for (j = 0; j < GUEST_PAGE_WORDS; j++)
			if (buf[p * GUEST_PAGE_WORDS + j] !=
			    guest_workload_word(guest_workload_page(seed, p), j))
				return false;
	return true;
}

static void fill_pages(uint64_t *buf, uint64_t seed)
{
	unsigned int p, j;

	for (p = 0; p < CHILD_PAGES; p++)
		for (j = 0; j < GUEST_PAGE_WORDS; j++)
			buf[p * GUEST_PAGE_WORDS + j] =
				guest_workload_word(guest_workload_page(seed, p), j);
}

/* Children overwrite their copy-on-write copy; the parent's stays. */
static void fork_workload(void)
{
	uint64_t *buf = malloc(CHILD_PAGES * 4096);
	int i, status, good = 0;
	pid_t pid;

	if (!buf)
		return;
	fill_pages(buf, 1);
	for (i = 0; i < NR_CHILDREN; i++) {
		pid = fork();
		if (pid < 0) {
			printf("axas-guest: fork: %s\n", strerror(errno));
			break;
		}
		if (!pid) {
			bool ok = check_pages(buf, 1);

			fill_pages(buf, 100 + i);
			_exit(ok && check_pages(buf, 100 + i) ? 0 : 1);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    !WEXITSTATUS(status))
			good++;
	}
	if (good == NR_CHILDREN && check_pages(buf, 1))
		printf(GUEST_FORK_OK "\n");
	else
		printf("axas-guest: fork: %d of %d children good, parent's copy %s\n",
		       good, NR_CHILDREN, check_pages(buf, 1) ? "kept" : "changed");
	free(buf);
}

static void exec_workload(void)
{
	char *const argv[] = { "/init", "exec-child", NULL };
	int status;
	pid_t pid = fork();

	if (!pid) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		printf("axas-guest: exec: failed\n");
}

int main(int argc, char **argv)
{
	struct utsname u;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "exec-child")) {
		printf(GUEST_EXEC_OK "\n");
		return 0;
	}
	mount("proc", "/proc", "proc", 0, NULL);
	uname(&u);
	printf(GUEST_INIT_HELLO ": Linux %s on %s, %ld kB of memory\n",
	       u.release, u.machine, meminfo_kb("MemTotal"));
	memory_workload();
	fork_workload();
	exec_workload();
	printf("axas-guest: done, powering off\n");
	/* The UART is polled: let the tty send all of it first. */
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
