/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Linux guest's /init (init.c here) prints and what axas-vmm
 * (tools/axas-vmm) checks: the lines, and the memory pattern whose
 * checksum the VMM computes again on its own from the page count and the
 * seed, so that a guest that read back anything but what it wrote fails.
 */
#ifndef AXAS_GUEST_WORKLOAD_H
#define AXAS_GUEST_WORKLOAD_H

#include <stdint.h>

#define GUEST_INIT_HELLO	"axas-guest: /init running"
#define GUEST_WORKLOAD_START	"axas-guest: memory: writing"
/* printf and sscanf of unsigned long long pages, seed, checksum */
#define GUEST_WORKLOAD_PRINT	"axas-guest: memory: %llu pages, seed %llu, checksum %#llx"
#define GUEST_WORKLOAD_FMT	"axas-guest: memory: %llu pages, seed %llu, checksum %llx"
#define GUEST_FORK_OK		"axas-guest: fork: children kept their own copies"
#define GUEST_EXEC_OK		"axas-guest: exec: a new program ran"

#define GUEST_PAGE_WORDS	512	/* 4 KiB of u64 */

/* splitmix64's finaliser: a page's base value from the seed. */
static inline uint64_t guest_workload_page(uint64_t seed, uint64_t page)
{
	uint64_t z = seed + (page + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Word @j of a page whose base value is @v. */
static inline uint64_t guest_workload_word(uint64_t v, unsigned int j)
{
	return v ^ ((uint64_t)j * 0xd6e8feb86659fd93ULL);
}

/* How the checksum folds in one word read back. */
static inline uint64_t guest_workload_fold(uint64_t sum, uint64_t w, unsigned int j)
{
	unsigned int r = j & 63;

	return sum + (r ? (w << r) | (w >> (64 - r)) : w);
}

/* The checksum of @pages pages of the pattern, computed afresh. */
static inline uint64_t guest_workload_sum(uint64_t pages, uint64_t seed)
{
	uint64_t sum = 0, p, v;
	unsigned int j;

	for (p = 0; p < pages; p++) {
		v = guest_workload_page(seed, p);
		for (j = 0; j < GUEST_PAGE_WORDS; j++)
			sum = guest_workload_fold(sum, guest_workload_word(v, j), j);
	}
	return sum;
}

#endif /* AXAS_GUEST_WORKLOAD_H */
