/* SPDX-License-Identifier: GPL-2.0 */
/* A small open-addressing hash map from non-zero u64 keys to u64 values. */
#ifndef _AXAS_USER_U64MAP_H
#define _AXAS_USER_U64MAP_H

#include <linux/types.h>

struct u64map {
	u64 *keys;	/* 0: empty slot */
	u64 *vals;
	size_t cap;	/* power of two */
	size_t nr;
};

void u64map_init(struct u64map *m);
void u64map_free(struct u64map *m);
void u64map_clear(struct u64map *m);
/* Insert or replace; returns false when the key was there already. */
bool u64map_put(struct u64map *m, u64 key, u64 val);
bool u64map_get(const struct u64map *m, u64 key, u64 *val);
bool u64map_del(struct u64map *m, u64 key);

#endif
