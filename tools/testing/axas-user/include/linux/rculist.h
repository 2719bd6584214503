/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of the RCU list operations the core uses. */
#ifndef _AXAS_USER_LINUX_RCULIST_H
#define _AXAS_USER_LINUX_RCULIST_H

#include <linux/list.h>
#include <linux/rcupdate.h>

/* The new entry is complete before a reader can reach it. */
static inline void __list_add_rcu(struct list_head *new,
				  struct list_head *prev,
				  struct list_head *next)
{
	new->next = next;
	new->prev = prev;
	__atomic_store_n(&prev->next, new, __ATOMIC_RELEASE);
	next->prev = new;
}

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *new,
				     struct list_head *head)
{
	__list_add_rcu(new, head->prev, head);
}

/* Readers on the entry still find their way on: ->next stays. */
static inline void list_del_rcu(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	WRITE_ONCE(entry->prev->next, entry->next);
	entry->prev = LIST_POISON2;
}

#define list_for_each_entry_rcu(pos, head, member)			\
	for (pos = list_entry(__atomic_load_n(&(head)->next,		\
					      __ATOMIC_ACQUIRE),	\
			      __typeof__(*pos), member);		\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_entry(__atomic_load_n(&(pos)->member.next,	\
					      __ATOMIC_ACQUIRE),	\
			      __typeof__(*pos), member))

#endif
