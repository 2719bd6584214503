// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's search tree behind <linux/rbtree.h>: a treap. Each node's
 * priority is a hash of its address; a parent's is never below its
 * children's, which keeps the expected depth logarithmic whatever the
 * order of the keys. Insert rotates the new leaf up while it outranks its
 * parent; erase rotates the node down below its higher-ranked child until
 * it is a leaf, then cuts it off.
 */
#include <stdint.h>

#include <linux/rbtree.h>

static uint64_t rb_prio(const struct rb_node *node)
{
	/* Fibonacci hashing: node addresses differ in their middle bits. */
	return ((uintptr_t)node >> 4) * 0x9e3779b97f4a7c15ULL;
}

static void rb_replace_child(struct rb_root *root, struct rb_node *parent,
			     struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		WRITE_ONCE(root->rb_node, new);
	else if (parent->rb_left == old)
		WRITE_ONCE(parent->rb_left, new);
	else
		WRITE_ONCE(parent->rb_right, new);
}

/*
 * Lift @node above its parent. The parent first lets go of @node (taking
 * @node's inner subtree), then @node takes the parent, then the
 * grandparent takes @node: a lockless reader at any point of the walk
 * follows a path of the old or the new tree, never a cycle.
 */
static void rb_rotate_up(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent = node->rb_parent;
	struct rb_node *grand = parent->rb_parent;
	struct rb_node *inner;

	if (parent->rb_left == node) {
		inner = node->rb_right;
		WRITE_ONCE(parent->rb_left, inner);
		WRITE_ONCE(node->rb_right, parent);
	} else {
		inner = node->rb_left;
		WRITE_ONCE(parent->rb_right, inner);
		WRITE_ONCE(node->rb_left, parent);
	}
	if (inner)
		inner->rb_parent = parent;
	parent->rb_parent = node;
	node->rb_parent = grand;
	rb_replace_child(root, grand, parent, node);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	while (node->rb_parent && rb_prio(node) > rb_prio(node->rb_parent))
		rb_rotate_up(node, root);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	for (;;) {
		struct rb_node *l = node->rb_left, *r = node->rb_right;

		if (!l && !r)
			break;
		rb_rotate_up(!r || (l && rb_prio(l) > rb_prio(r)) ? l : r, root);
	}
	rb_replace_child(root, node->rb_parent, node, NULL);
	RB_CLEAR_NODE(node);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *node = root->rb_node;

	while (node && node->rb_left)
		node = node->rb_left;
	return node;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	const struct rb_node *parent;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((parent = node->rb_parent) && node == parent->rb_right)
		node = parent;
	return (struct rb_node *)parent;
}
