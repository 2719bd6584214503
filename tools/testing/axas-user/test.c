// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace tests of axaddrspace:
 *
 *  api     - argument checking, VMIDs, register values, the default HAL;
 *  bits    - exact entry encodings against the reference decoder;
 *  model   - seeded random operation sequences against the page model,
 *            for every format and several widths, with both HALs;
 *  inject  - every allocation of an operation failed in turn: -ENOMEM,
 *            nothing leaked, nothing changed;
 *  regress - minimised reproductions of bugs found;
 *  stress  - threads mapping, faulting and reading one space at once.
 *
 * A case passes when its checks hold, no WARN fired in the core, and no
 * kmalloc()ed object or HAL page outlived it. The last line is
 * "N passed, N failed".
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/errno.h>

#include "test.h"

const struct t_cfg t_cfgs[] = {
	{ AXAS_FMT_EPT, 48 },
	{ AXAS_FMT_EPT, 57 },
	{ AXAS_FMT_ARM_S2, 32 },
	{ AXAS_FMT_ARM_S2, 36 },
	{ AXAS_FMT_ARM_S2, 40 },
	{ AXAS_FMT_ARM_S2, 44 },
	{ AXAS_FMT_ARM_S2, 48 },
	{ AXAS_FMT_RISCV_GSTAGE, 41 },
	{ AXAS_FMT_RISCV_GSTAGE, 50 },
	{ AXAS_FMT_AMD_NPT, 48 },
};

const unsigned int t_nr_cfgs = ARRAY_SIZE(t_cfgs);

unsigned int t_verbose;

static unsigned int nr_passed, nr_failed, nr_skipped;
static const char *filter;
static bool nofork;

/*
 * Run one case in a child process, so that a sanitizer report or a crash
 * fails that case only; it also fails on its own verdict, a WARN, or a
 * kmalloc()ed object it leaked.
 */
static bool t_child(const char *name, bool (*fn)(void *), void *arg)
{
	unsigned long warns = axas_user_warn_count;
	long kmalloc = axas_user_kmalloc_live;
	bool ok = fn(arg);

	if (axas_user_warn_count != warns) {
		fprintf(stderr, "  %s: %lu WARN(s) fired\n", name,
			axas_user_warn_count - warns);
		ok = false;
	}
	if (axas_user_kmalloc_live != kmalloc) {
		fprintf(stderr, "  %s: %ld kmalloc()ed objects leaked\n", name,
			axas_user_kmalloc_live - kmalloc);
		ok = false;
	}
	return ok;
}

/*
 * Cases run in child processes, up to @jobs at a time; each child's
 * output goes to a file of its own that is printed when it ends, so
 * that parallel cases do not interleave.
 */
struct t_job {
	pid_t pid;
	char name[128];
	FILE *out;
	struct timespec t0;
};

static struct t_job *job_slots;
static unsigned int jobs = 1;

static void t_reap_one(void)
{
	struct timespec t1;
	struct t_job *j = NULL;
	int status;
	unsigned int i;
	pid_t pid;
	bool ok;
	char buf[4096];
	size_t n;

	pid = wait(&status);
	if (pid < 0) {
		perror("wait");
		exit(2);
	}
	for (i = 0; i < jobs; i++)
		if (job_slots[i].pid == pid)
			j = &job_slots[i];
	if (!j)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok = WIFEXITED(status) && !WEXITSTATUS(status);
	rewind(j->out);
	while ((n = fread(buf, 1, sizeof(buf), j->out)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(j->out);
	if (WIFSIGNALED(status))
		printf("  %s: killed by signal %d\n", j->name, WTERMSIG(status));
	if (ok)
		nr_passed++;
	else
		nr_failed++;
	if (!ok || t_verbose)
		printf("%s %s (%.0f ms)\n", ok ? "ok  " : "FAIL", j->name,
		       (t1.tv_sec - j->t0.tv_sec) * 1e3 +
		       (t1.tv_nsec - j->t0.tv_nsec) / 1e6);
	fflush(stdout);
	j->pid = 0;
}

static void t_wait_all(void)
{
	unsigned int i;

	for (i = 0; i < jobs; i++)
		while (job_slots && job_slots[i].pid)
			t_reap_one();
}

static void t_run(const char *name, bool (*fn)(void *), void *arg)
{
	struct t_job *j = NULL;
	unsigned int i;
	bool ok;

	if (filter && !strstr(name, filter)) {
		nr_skipped++;
		return;
	}
	if (nofork) {
		ok = t_child(name, fn, arg);
		if (ok)
			nr_passed++;
		else
			nr_failed++;
		if (!ok || t_verbose)
			printf("%s %s\n", ok ? "ok  " : "FAIL", name);
		return;
	}
	for (;;) {
		for (i = 0; i < jobs && !j; i++)
			if (!job_slots[i].pid)
				j = &job_slots[i];
		if (j)
			break;
		t_reap_one();
	}
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->out = tmpfile();
	if (!j->out) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	j->pid = fork();
	if (j->pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!j->pid) {
		dup2(fileno(j->out), 1);
		dup2(fileno(j->out), 2);
		ok = t_child(name, fn, arg);
		fflush(stdout);
		fflush(stderr);
		_exit(ok ? 0 : 1);
	}
}

/* ---- model: random sequences ------------------------------------------- */

struct model_arg {
	struct t_cfg cfg;
	bool pool;
	int place;
	u64 seed;
	unsigned long ops;
};

static struct axas_uhal *t_hal(bool pool)
{
	struct axas_uhal *uh = pool ? axas_uhal_pool_create(1ULL << 30, false,
							    true) :
				      axas_uhal_malloc_create(true);

	if (!uh) {
		perror("HAL");
		exit(2);
	}
	return uh;
}

static bool t_model(void *p)
{
	struct model_arg *a = p;
	struct axas_uhal *uh = t_hal(a->pool);
	struct sess s;
	bool ok;

	ok = sess_init(&s, a->cfg.format, a->cfg.ia_bits, a->place, uh, a->seed);
	if (ok)
		ok = sess_random_ops(&s, a->ops);
	ok = sess_fini(&s) && ok;
	axas_uhal_destroy(uh);
	return ok;
}

/* -c FORMAT/WIDTH: the model suite on that configuration only. */
static struct t_cfg one_cfg;
static bool have_one_cfg;

static void suite_model(u64 seed0, unsigned int nr_seeds, unsigned long ops)
{
	unsigned int c, i;

	for (i = 0; i < nr_seeds; i++) {
		for (c = 0; c < (have_one_cfg ? 1 : t_nr_cfgs); c++) {
			struct model_arg a = {
				.cfg	= have_one_cfg ? one_cfg : t_cfgs[c],
				/* From the seed, so -s SEED -n 1 reruns a case. */
				.pool	= (seed0 + i + c) & 1,
				.place	= ((seed0 + i) / 2 + c) % 3,
				.seed	= seed0 + i,
				.ops	= ops,
			};
			char name[96];

			snprintf(name, sizeof(name), "model %s/%u %s%s seed=%llu",
				 axas_format_name(a.cfg.format), a.cfg.ia_bits,
				 a.pool ? "pool" : "malloc",
				 a.place == 1 ? " top" : a.place == 2 ? " x512G" : "",
				 (unsigned long long)a.seed);
			t_run(name, t_model, &a);
		}
	}
}

static void print_help(void)
{
	fprintf(stderr,
		"usage: test [-vF] [-j jobs] [-c fmt/width] [-s seed] [-n seeds]\n"
		"            [-o ops] [-f substring]\n"
		"  -s: first seed of the model suite (default: 1)\n"
		"  -n: seeds per configuration (default: 6)\n"
		"  -o: operations per sequence (default: 150)\n"
		"  -f: run only the cases whose name contains substring\n"
		"  -F: run the cases in this process (for a debugger)\n"
		"  -j: cases run in parallel (default: online CPUs, at most 4)\n"
		"  -c: the model suite on one configuration, e.g. -c arm-s2/38\n");
	exit(2);
}

int main(int argc, char **argv)
{
	u64 seed = 1;
	unsigned int nr_seeds = 6;
	unsigned long ops = 150;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs > 4)
		jobs = 4;
	while ((c = getopt(argc, argv, "vs:n:o:f:Fj:c:")) != -1) {
		switch (c) {
		case 'v':
			t_verbose++;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nr_seeds = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			filter = optarg;
			break;
		case 'F':
			nofork = true;
			break;
		case 'j':
			jobs = strtoul(optarg, NULL, 0);
			break;
		case 'c': {
			char *slash = strchr(optarg, '/');

			if (!slash)
				print_help();
			*slash = 0;
			for (one_cfg.format = 0; one_cfg.format < AXAS_FMT_COUNT;
			     one_cfg.format++)
				if (!strcmp(axas_format_name(one_cfg.format),
					    optarg))
					break;
			if (one_cfg.format == AXAS_FMT_COUNT)
				print_help();
			one_cfg.ia_bits = strtoul(slash + 1, NULL, 0);
			have_one_cfg = true;
			break;
		}
		default:
			print_help();
		}
	}
	if (!jobs)
		jobs = 1;
	job_slots = calloc(jobs, sizeof(*job_slots));
	if (!job_slots)
		return 2;
	printf("axas-user tests: model seeds %llu..%llu, %lu operations each, %u jobs\n",
	       (unsigned long long)seed,
	       (unsigned long long)(seed + nr_seeds - 1), ops, jobs);

	suite_api(t_run);
	suite_bits(t_run);
	suite_regress(t_run);
	suite_pages(t_run);
	suite_inject(t_run);
	suite_stress(t_run);
	suite_model(seed, nr_seeds, ops);
	t_wait_all();

	if (nr_skipped)
		printf("%u passed, %u failed, %u skipped\n", nr_passed,
		       nr_failed, nr_skipped);
	else
		printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed || axas_user_warn_count ? 1 : 0;
}
