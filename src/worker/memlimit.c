#include <stdlib.h>

#include <git2.h>
#include <git2/sys/alloc.h>

#include "compat.h"
#include "memlimit.h"

/*
 * libgit2's allocator hooks take no payload, so the ceiling and the count
 * live here, the worker's (one thread: plain counters will do).
 */
static struct {
	size_t	limit, used;
	bool	hit;		/* an allocation was refused this job */
} heap;

static bool
fits(size_t more)
{
	if (heap.limit == 0 ||
	    (more <= heap.limit && heap.used <= heap.limit - more))
		return true;
	heap.hit = true;
	return false;
}

static void *
counted_malloc(size_t n, const char *file, int line)
{
	void *p;

	(void)file;
	(void)line;
	if (!fits(n) || (p = malloc(n)) == NULL)
		return NULL;
	heap.used += compat_malloc_size(p);
	return p;
}

static void *
counted_realloc(void *ptr, size_t n, const char *file, int line)
{
	size_t old = ptr != NULL ? compat_malloc_size(ptr) : 0;
	void *p;

	(void)file;
	(void)line;
	if (n > old && !fits(n - old))
		return NULL;
	if ((p = realloc(ptr, n)) == NULL)
		return NULL;
	heap.used = heap.used - old + compat_malloc_size(p);
	return p;
}

static void
counted_free(void *ptr)
{
	if (ptr == NULL)
		return;
	heap.used -= compat_malloc_size(ptr);
	free(ptr);
}

int
memlimit_install(size_t max)
{
	git_allocator a = { counted_malloc, counted_realloc, counted_free };

	heap.limit = max;
	return git_libgit2_opts(GIT_OPT_SET_ALLOCATOR, &a);
}

size_t
memlimit_limit(void)
{
	return heap.limit;
}

bool
memlimit_hit(void)
{
	return heap.hit;
}

void
memlimit_reset(void)
{
	heap.hit = false;
}
