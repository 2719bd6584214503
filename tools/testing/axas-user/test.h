/* SPDX-License-Identifier: GPL-2.0 */
/* The test runner's interface for the suites. */
#ifndef _AXAS_USER_TEST_H
#define _AXAS_USER_TEST_H

#include <stdio.h>

#include "model.h"

struct t_cfg {
	u32 format;
	u32 ia_bits;
};

/* Every {format, width} the model test covers. */
extern const struct t_cfg t_cfgs[];
extern const unsigned int t_nr_cfgs;

extern unsigned int t_verbose;

/* The suites, each in its own file: @run runs one named case. */
typedef void (*t_run_fn)(const char *name, bool (*fn)(void *), void *arg);
void suite_api(t_run_fn run);
void suite_bits(t_run_fn run);
void suite_inject(t_run_fn run);
void suite_pages(t_run_fn run);
void suite_regress(t_run_fn run);
void suite_stress(t_run_fn run);

/* Check inside a simple test case: prints and returns false on failure. */
#define T_CHECK(cond, fmt, ...) ({					\
	bool __ok = (cond);						\
	if (!__ok)							\
		fprintf(stderr, "  %s:%d: %s: " fmt "\n", __FILE__,	\
			__LINE__, #cond, ##__VA_ARGS__);		\
	__ok;								\
})

#endif
