// SPDX-License-Identifier: GPL-2.0
/*
 * Linear probing with backward-shift deletion, so there are no tombstones
 * and lookups stay short however many deletions happen.
 */
#include <stdlib.h>
#include <string.h>

#include "u64map.h"

static size_t u64map_slot(const struct u64map *m, u64 key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key & (m->cap - 1);
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	u64map_init(m);
}

void u64map_clear(struct u64map *m)
{
	if (m->keys)
		memset(m->keys, 0, m->cap * sizeof(*m->keys));
	m->nr = 0;
}

static void u64map_grow(struct u64map *m)
{
	struct u64map old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 1024;
	m->keys = calloc(m->cap, sizeof(*m->keys));
	m->vals = calloc(m->cap, sizeof(*m->vals));
	if (!m->keys || !m->vals)
		abort();
	m->nr = 0;
	for (i = 0; i < old.cap; i++)
		if (old.keys[i])
			u64map_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

bool u64map_put(struct u64map *m, u64 key, u64 val)
{
	size_t i;

	if ((m->nr + 1) * 2 > m->cap)
		u64map_grow(m);
	for (i = u64map_slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return false;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->nr++;
	return true;
}

bool u64map_get(const struct u64map *m, u64 key, u64 *val)
{
	size_t i;

	if (!m->cap)
		return false;
	for (i = u64map_slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
	}
	return false;
}

bool u64map_del(struct u64map *m, u64 key)
{
	size_t i, j, mask = m->cap - 1;

	if (!m->cap)
		return false;
	for (i = u64map_slot(m, key); m->keys[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			break;
	if (!m->keys[i])
		return false;
	/* Shift back every later entry of the run that may sit at i. */
	for (j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
		size_t home = u64map_slot(m, m->keys[j]);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = 0;
	m->nr--;
	return true;
}
