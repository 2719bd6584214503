/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel helpers the userspace tools use (axasctl, the selftest,
 * the end-to-end /init), which cannot include the kernel's own headers.
 * Same names and meaning as in the kernel, so the tools read like kernel
 * code and pass checkpatch.
 */
#ifndef AXAS_TOOLS_H
#define AXAS_TOOLS_H

/* The one place that spells out the attribute (see scripts/lint.sh). */
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define SZ_1M		0x00100000

#endif /* AXAS_TOOLS_H */
