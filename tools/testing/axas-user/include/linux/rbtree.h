/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/rbtree.h>: the kernel's interface (a node with
 * rb_left and rb_right that callers search themselves, rb_link_node() to
 * attach a new leaf, rb_insert_color() to rebalance, rb_erase()), balanced
 * here as a treap whose priorities are a hash of the node's address. The
 * shape differs from a red-black tree's; what a caller may rely on does
 * not: an in-order search tree of logarithmic expected depth whose
 * rotations store each pointer once (WRITE_ONCE), so that a lockless
 * reader sees either the old or the new child and never a cycle.
 */
#ifndef _AXAS_USER_LINUX_RBTREE_H
#define _AXAS_USER_LINUX_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/compiler.h>
#include <linux/container_of.h>

struct rb_node {
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	struct rb_node *rb_parent;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT			((struct rb_root){ NULL })
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
/* A node in no tree points to itself, as in the kernel. */
static inline void RB_CLEAR_NODE(struct rb_node *node)
{
	node->rb_parent = node;
}

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	WRITE_ONCE(*link, node);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);

#endif
