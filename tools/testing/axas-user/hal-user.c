// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace HALs. "Physical" addresses are the virtual ones (identity):
 * x86_64 user addresses are below 2^47 and fit every format's address
 * field.
 *
 * The pool: one mapping aligned to the largest order, a bump pointer and,
 * per order, a stack of freed block indices kept outside the blocks, so a
 * freed block can be made unreadable whole. The malloc HAL: one
 * aligned_alloc() per allocation. Debug HALs remember every live
 * allocation, check every free and every phys_to_virt() against them, and
 * make freed memory unreadable (ASan) or recognisable (0x6b fill).
 *
 * A non-debug pool keeps a small per-thread cache of single pages, filled
 * and drained under the lock a batch at a time, as the kernel's page
 * allocator keeps per-CPU lists: two threads allocating frames do not take
 * turns on one mutex for every page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/bug.h>
#include <linux/spinlock.h>

#include "axas-user.h"
#include "u64map.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#define HAVE_POISON	1
#else
#define POISON(p, n)	do { (void)(p); (void)(n); } while (0)
#define UNPOISON(p, n)	do { (void)(p); (void)(n); } while (0)
#define HAVE_POISON	0
#endif

#define UHAL_PAGE	4096UL
#define UHAL_TAIL	0x80	/* page_state: inside a block, not its head */

/* The per-thread cache of a non-debug pool: at most MAX, moved by BATCH. */
#define UHAL_PCP_MAX	64
#define UHAL_PCP_BATCH	32

struct uhal_pcp {
	u64 id;			/* the pool the pages belong to, or 0 */
	unsigned int nr;
	u32 idx[UHAL_PCP_MAX];
};

static __thread struct uhal_pcp uhal_pcp;
static u64 uhal_next_id = 1;

struct axas_uhal {
	struct axas_hal hal;
	const char *name;
	bool debug;
	bool inject;
	u64 id;			/* unique for the process's life */
	pthread_mutex_t lock;

	/* pool */
	char *map;		/* the mapping as mmap() returned it */
	size_t map_len;
	char *base;		/* aligned start of the pool */
	size_t pages;
	size_t bump;		/* pages handed out by the bump pointer */
	u32 *stack[AXAS_UHAL_MAX_ORDER + 1];
	size_t stack_nr[AXAS_UHAL_MAX_ORDER + 1];
	u8 *page_state;		/* debug: order + 1 at a head, UHAL_TAIL */

	/* malloc, debug: page address -> head address | order */
	struct u64map live;

	char *host;
	size_t host_size;

	void (*free_hook)(void *arg, phys_addr_t pa, unsigned int order);
	void *free_hook_arg;

	struct axas_uhal_stats st;
};

static void uhal_bad(struct axas_uhal *uh, const char *what, const void *p)
{
	uh->st.bad++;
	fprintf(stderr, "HAL %s: %s %p\n", uh->name, what, p);
}

/* Atomic: the per-thread caches count without the lock. */
static void uhal_account(struct axas_uhal *uh, unsigned int order, bool alloc)
{
	long pages = 1L << order, one = alloc ? 1 : -1;

	__atomic_add_fetch(&uh->st.live_pages, one * pages, __ATOMIC_RELAXED);
	__atomic_add_fetch(&uh->st.live_allocs, one, __ATOMIC_RELAXED);
	__atomic_add_fetch(alloc ? &uh->st.allocs : &uh->st.frees, 1,
			   __ATOMIC_RELAXED);
}

/* Sleeping and injected failure, common to both allocators. */
static bool uhal_alloc_refused(struct axas_uhal *uh, unsigned int order)
{
	if (axas_user_locks_held) {
		uh->st.atomic++;
		axas_user_warn(__FILE__, __LINE__,
			       "HAL alloc with a space lock held", NULL);
	}
	if (order > AXAS_UHAL_MAX_ORDER ||
	    (uh->inject && axas_user_inject_fail())) {
		uh->st.failed++;
		return true;
	}
	return false;
}

/* ---- pool ---- */

static void pool_push(struct axas_uhal *uh, size_t idx, unsigned int order)
{
	uh->stack[order][uh->stack_nr[order]++] = idx;
}

/* The calling thread's cache, if it may serve @uh now. */
static struct uhal_pcp *pool_pcp(struct axas_uhal *uh, unsigned int order)
{
	struct uhal_pcp *c = &uhal_pcp;

	if (order || uh->debug || uh->inject || axas_user_locks_held)
		return NULL;
	if (c->id != uh->id) {
		if (c->nr)
			return NULL;	/* another pool's pages: not ours */
		c->id = uh->id;
	}
	return c;
}

/* Under the lock: take up to a batch of single pages for @c. */
static void pool_pcp_fill(struct axas_uhal *uh, struct uhal_pcp *c)
{
	while (c->nr < UHAL_PCP_BATCH) {
		if (uh->stack_nr[0])
			c->idx[c->nr++] = uh->stack[0][--uh->stack_nr[0]];
		else if (uh->bump < uh->pages)
			c->idx[c->nr++] = uh->bump++;
		else
			break;
	}
}

/* Under the lock: give the oldest @nr pages of @c back. */
static void pool_pcp_drain(struct axas_uhal *uh, struct uhal_pcp *c,
			   unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		pool_push(uh, c->idx[i], 0);
	memmove(c->idx, c->idx + nr, (c->nr - nr) * sizeof(c->idx[0]));
	c->nr -= nr;
}

void axas_uhal_thread_drain(struct axas_uhal *uh)
{
	struct uhal_pcp *c = &uhal_pcp;

	if (c->id != uh->id || !c->nr)
		return;
	pthread_mutex_lock(&uh->lock);
	pool_pcp_drain(uh, c, c->nr);
	pthread_mutex_unlock(&uh->lock);
}

static int pool_idx_desc(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

void axas_uhal_pool_sort(struct axas_uhal *uh)
{
	unsigned int o;

	axas_uhal_thread_drain(uh);
	pthread_mutex_lock(&uh->lock);
	for (o = 0; o <= AXAS_UHAL_MAX_ORDER && uh->map; o++)
		qsort(uh->stack[o], uh->stack_nr[o], sizeof(u32),
		      pool_idx_desc);
	pthread_mutex_unlock(&uh->lock);
}

static void *pool_alloc(void *priv, unsigned int order)
{
	struct axas_uhal *uh = priv;
	size_t n = 1UL << order, idx;
	struct uhal_pcp *c = pool_pcp(uh, order);
	char *p;

	if (c) {
		if (!c->nr) {
			pthread_mutex_lock(&uh->lock);
			pool_pcp_fill(uh, c);
			if (!c->nr)
				uh->st.failed++;
			pthread_mutex_unlock(&uh->lock);
			if (!c->nr)
				return NULL;
		}
		p = uh->base + c->idx[--c->nr] * UHAL_PAGE;
		uhal_account(uh, 0, true);
		memset(p, 0, UHAL_PAGE);
		return p;
	}

	pthread_mutex_lock(&uh->lock);
	if (uhal_alloc_refused(uh, order))
		goto fail;
	if (uh->stack_nr[order]) {
		idx = uh->stack[order][--uh->stack_nr[order]];
	} else {
		/* Align the bump pointer; the skipped pages serve order 0. */
		idx = (uh->bump + n - 1) & ~(n - 1);
		if (idx + n > uh->pages) {
			uh->st.failed++;
			goto fail;
		}
		for (; uh->bump < idx; uh->bump++)
			pool_push(uh, uh->bump, 0);
		uh->bump = idx + n;
	}
	p = uh->base + idx * UHAL_PAGE;
	if (uh->debug) {
		size_t i;

		uh->page_state[idx] = order + 1;
		for (i = 1; i < n; i++)
			uh->page_state[idx + i] = UHAL_TAIL;
		UNPOISON(p, n * UHAL_PAGE);
	}
	uhal_account(uh, order, true);
	pthread_mutex_unlock(&uh->lock);
	/* __GFP_ZERO: part of what an allocation costs. */
	memset(p, 0, n * UHAL_PAGE);
	return p;
fail:
	pthread_mutex_unlock(&uh->lock);
	return NULL;
}

static void uhal_free_hook(struct axas_uhal *uh, void *va, unsigned int order)
{
	if (uh->free_hook)
		uh->free_hook(uh->free_hook_arg, (phys_addr_t)(uintptr_t)va,
			      order);
}

static void pool_free(void *priv, void *va, unsigned int order)
{
	struct axas_uhal *uh = priv;
	size_t n = 1UL << order;
	size_t idx = ((char *)va - uh->base) / UHAL_PAGE;

	struct uhal_pcp *c;

	uhal_free_hook(uh, va, order);

	c = pool_pcp(uh, order);
	if (c && (char *)va >= uh->base && idx < uh->pages &&
	    !(((char *)va - uh->base) % UHAL_PAGE)) {
		if (c->nr == UHAL_PCP_MAX) {
			pthread_mutex_lock(&uh->lock);
			pool_pcp_drain(uh, c, UHAL_PCP_BATCH);
			pthread_mutex_unlock(&uh->lock);
		}
		c->idx[c->nr++] = idx;
		uhal_account(uh, 0, false);
		return;
	}

	pthread_mutex_lock(&uh->lock);
	if ((char *)va < uh->base || idx >= uh->pages ||
	    ((char *)va - uh->base) % (n * UHAL_PAGE) ||
	    order > AXAS_UHAL_MAX_ORDER) {
		uhal_bad(uh, "free of memory not from the pool", va);
		goto out;
	}
	if (uh->debug) {
		size_t i;

		if (uh->page_state[idx] != order + 1) {
			uhal_bad(uh, uh->page_state[idx] ?
				 "free with the wrong order" : "double free", va);
			goto out;
		}
		for (i = 0; i < n; i++)
			uh->page_state[idx + i] = 0;
		if (HAVE_POISON)
			POISON(va, n * UHAL_PAGE);
		else
			memset(va, 0x6b, n * UHAL_PAGE);
	}
	pool_push(uh, idx, order);
	uhal_account(uh, order, false);
out:
	pthread_mutex_unlock(&uh->lock);
}

/* Debug: is @p inside a live pool block? */
static bool pool_live(struct axas_uhal *uh, const void *p)
{
	size_t idx = ((const char *)p - uh->base) / UHAL_PAGE;

	return (const char *)p >= uh->base && idx < uh->pages &&
	       uh->page_state[idx];
}

/* ---- malloc ---- */

static void *malloc_alloc(void *priv, unsigned int order)
{
	struct axas_uhal *uh = priv;
	size_t bytes = UHAL_PAGE << order;
	char *p;

	pthread_mutex_lock(&uh->lock);
	if (uhal_alloc_refused(uh, order)) {
		pthread_mutex_unlock(&uh->lock);
		return NULL;
	}
	pthread_mutex_unlock(&uh->lock);

	p = aligned_alloc(bytes, bytes);
	if (!p)
		return NULL;
	memset(p, 0, bytes);

	pthread_mutex_lock(&uh->lock);
	if (uh->debug) {
		size_t i;

		for (i = 0; i < 1UL << order; i++)
			u64map_put(&uh->live, (u64)(uintptr_t)(p + i * UHAL_PAGE),
				   (u64)(uintptr_t)p | order);
	}
	uhal_account(uh, order, true);
	pthread_mutex_unlock(&uh->lock);
	return p;
}

static void malloc_free(void *priv, void *va, unsigned int order)
{
	struct axas_uhal *uh = priv;
	u64 v;

	uhal_free_hook(uh, va, order);
	pthread_mutex_lock(&uh->lock);
	if (uh->debug) {
		size_t i;

		if (!u64map_get(&uh->live, (u64)(uintptr_t)va, &v) ||
		    v != ((u64)(uintptr_t)va | order)) {
			uhal_bad(uh, "free of memory not allocated so", va);
			pthread_mutex_unlock(&uh->lock);
			return;
		}
		for (i = 0; i < 1UL << order; i++)
			u64map_del(&uh->live,
				   (u64)(uintptr_t)((char *)va + i * UHAL_PAGE));
	}
	uhal_account(uh, order, false);
	pthread_mutex_unlock(&uh->lock);
	if (uh->debug && !HAVE_POISON)
		memset(va, 0x6b, UHAL_PAGE << order);
	free(va);
}

static bool malloc_live(struct axas_uhal *uh, const void *p)
{
	return u64map_get(&uh->live,
			  (u64)(uintptr_t)p & ~(u64)(UHAL_PAGE - 1), NULL);
}

/* ---- common ---- */

static bool uhal_live(struct axas_uhal *uh, const void *p)
{
	bool live;

	pthread_mutex_lock(&uh->lock);
	live = uh->map ? pool_live(uh, p) : malloc_live(uh, p);
	pthread_mutex_unlock(&uh->lock);
	return live;
}

static phys_addr_t uhal_virt_to_phys(void *priv, void *va)
{
	struct axas_uhal *uh = priv;

	if (uh->debug && !uhal_live(uh, va))
		uhal_bad(uh, "virt_to_phys of unallocated memory", va);
	return (phys_addr_t)(uintptr_t)va;
}

static void *uhal_phys_to_virt(void *priv, phys_addr_t pa)
{
	struct axas_uhal *uh = priv;
	void *va = (void *)(uintptr_t)pa;

	if (uh->debug && !uhal_live(uh, va))
		uhal_bad(uh, "phys_to_virt of unallocated memory", va);
	return va;
}

static void *uhal_host_va(void *priv, phys_addr_t pa)
{
	struct axas_uhal *uh = priv;
	char *va = (char *)(uintptr_t)pa;

	if (!uh->host || va < uh->host || va >= uh->host + uh->host_size)
		return NULL;
	return va;
}

static const struct axas_hal_ops pool_ops = {
	.alloc		= pool_alloc,
	.free		= pool_free,
	.virt_to_phys	= uhal_virt_to_phys,
	.phys_to_virt	= uhal_phys_to_virt,
	.host_va	= uhal_host_va,
};

static const struct axas_hal_ops malloc_ops = {
	.alloc		= malloc_alloc,
	.free		= malloc_free,
	.virt_to_phys	= uhal_virt_to_phys,
	.phys_to_virt	= uhal_phys_to_virt,
	.host_va	= uhal_host_va,
};

static struct axas_uhal *uhal_new(const struct axas_hal_ops *ops,
				  const char *name, bool debug)
{
	struct axas_uhal *uh = calloc(1, sizeof(*uh));

	if (!uh)
		return NULL;
	uh->hal.ops = ops;
	uh->hal.priv = uh;
	/* Identity is the direct map here; the debug HALs check each call. */
	uh->hal.direct_map = !debug;
	uh->name = name;
	uh->debug = debug;
	uh->id = __atomic_fetch_add(&uhal_next_id, 1, __ATOMIC_RELAXED);
	{
		pthread_mutexattr_t attr;

		/* Spin briefly first: the sections are short, and threads
		 * faulting in parallel should not sleep on each other.
		 */
		pthread_mutexattr_init(&attr);
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
		pthread_mutex_init(&uh->lock, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	u64map_init(&uh->live);
	return uh;
}

struct axas_uhal *axas_uhal_pool_create(size_t bytes, bool populate,
					bool debug)
{
	size_t align = UHAL_PAGE << AXAS_UHAL_MAX_ORDER;
	struct axas_uhal *uh = uhal_new(&pool_ops, "pool", debug);
	unsigned int o;

	if (!uh)
		return NULL;
	uh->pages = bytes / UHAL_PAGE;
	uh->map_len = uh->pages * UHAL_PAGE + align;
	uh->map = mmap(NULL, uh->map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (uh->map == MAP_FAILED) {
		free(uh);
		return NULL;
	}
	uh->base = (char *)(((uintptr_t)uh->map + align - 1) & ~(align - 1));
	if (populate) {
		/*
		 * Like the kernel's direct map, where alloc_page()'s frames
		 * live: huge pages where the host gives them (THP is often
		 * "madvise" only), all faulted in now. Without this a frame
		 * costs a host TLB miss and the figures vary by 1.5x from one
		 * run to the next with the host's page layout.
		 */
		madvise(uh->map, uh->map_len, MADV_HUGEPAGE);
		if (madvise(uh->map, uh->map_len, MADV_POPULATE_WRITE))
			memset(uh->map, 0, uh->map_len);	/* before 5.14 */
	}
	for (o = 0; o <= AXAS_UHAL_MAX_ORDER; o++) {
		uh->stack[o] = malloc(((uh->pages >> o) + 1) * sizeof(u32));
		if (!uh->stack[o])
			abort();
	}
	if (debug) {
		uh->page_state = calloc(uh->pages, 1);
		if (!uh->page_state)
			abort();
		POISON(uh->base, uh->pages * UHAL_PAGE);
	}
	return uh;
}

struct axas_uhal *axas_uhal_malloc_create(bool debug)
{
	return uhal_new(&malloc_ops, "malloc", debug);
}

void axas_uhal_destroy(struct axas_uhal *uh)
{
	unsigned int o;

	if (!uh)
		return;
	if (uhal_pcp.id == uh->id)
		uhal_pcp = (struct uhal_pcp){ };
	if (uh->map) {
		UNPOISON(uh->base, uh->pages * UHAL_PAGE);
		munmap(uh->map, uh->map_len);
		for (o = 0; o <= AXAS_UHAL_MAX_ORDER; o++)
			free(uh->stack[o]);
		free(uh->page_state);
	}
	u64map_free(&uh->live);
	pthread_mutex_destroy(&uh->lock);
	free(uh);
}

const struct axas_hal *axas_uhal_hal(struct axas_uhal *uh)
{
	return &uh->hal;
}

const char *axas_uhal_name(const struct axas_uhal *uh)
{
	return uh->name;
}

void axas_uhal_set_inject(struct axas_uhal *uh, bool on)
{
	uh->inject = on;
}

void axas_uhal_set_free_hook(struct axas_uhal *uh,
			     void (*fn)(void *arg, phys_addr_t pa,
					unsigned int order),
			     void *arg)
{
	uh->free_hook = fn;
	uh->free_hook_arg = arg;
}

void axas_uhal_set_host(struct axas_uhal *uh, void *base, size_t size)
{
	uh->host = base;
	uh->host_size = size;
}

void axas_uhal_stats(const struct axas_uhal *uh, struct axas_uhal_stats *st)
{
	pthread_mutex_lock((pthread_mutex_t *)&uh->lock);
	*st = uh->st;
	pthread_mutex_unlock((pthread_mutex_t *)&uh->lock);
}

int axas_uhal_alloc_order(const struct axas_uhal *uh, phys_addr_t pa)
{
	struct axas_uhal *u = (struct axas_uhal *)uh;
	int order = -1;
	u64 v;

	pthread_mutex_lock(&u->lock);
	if (u->map) {
		size_t idx = ((char *)(uintptr_t)pa - u->base) / UHAL_PAGE;

		if (u->page_state && (char *)(uintptr_t)pa >= u->base &&
		    idx < u->pages && u->page_state[idx] &&
		    u->page_state[idx] != UHAL_TAIL &&
		    !(pa & (UHAL_PAGE - 1)))
			order = u->page_state[idx] - 1;
	} else if (u64map_get(&u->live, pa, &v) && (v & ~15ULL) == pa) {
		order = v & 15;
	}
	pthread_mutex_unlock(&u->lock);
	return order;
}

/* ---- the default HAL: malloc, with the debug checks ---- */

static struct axas_uhal default_uhal = {
	.hal	= { .ops = &malloc_ops, .priv = &default_uhal },
	.name	= "default",
	.debug	= true,
	.lock	= PTHREAD_MUTEX_INITIALIZER,
};

const struct axas_hal axas_default_hal = {
	.ops	= &malloc_ops,
	.priv	= &default_uhal,
};

struct axas_uhal *axas_uhal_default(void)
{
	return &default_uhal;
}
