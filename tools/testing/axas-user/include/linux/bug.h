/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/bug.h>. Every WARN that fires is counted (and
 * printed once per site), so a test run fails when the core complained
 * even though the operation went on as in the kernel.
 */
#ifndef _AXAS_USER_LINUX_BUG_H
#define _AXAS_USER_LINUX_BUG_H

#include <stdbool.h>
#include <stdlib.h>
#include <linux/compiler.h>

extern unsigned long axas_user_warn_count;
void axas_user_warn(const char *file, int line, const char *cond, bool *once);

#define WARN_ON(condition) ({						\
	bool __w = !!(condition);					\
	if (unlikely(__w))						\
		axas_user_warn(__FILE__, __LINE__, #condition, NULL);	\
	__w;								\
})

#define WARN_ON_ONCE(condition) ({					\
	static bool __once;						\
	bool __w = !!(condition);					\
	if (unlikely(__w))						\
		axas_user_warn(__FILE__, __LINE__, #condition, &__once);\
	__w;								\
})

#define BUG_ON(condition) do {						\
	if (unlikely(condition)) {					\
		axas_user_warn(__FILE__, __LINE__, #condition, NULL);	\
		abort();						\
	}								\
} while (0)

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#endif
