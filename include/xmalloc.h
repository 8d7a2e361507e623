/*
 * Allocation that never returns NULL: githerd has no sensible way to go on
 * without memory, so running out is fatal (OpenBSD's err(1, NULL), git's
 * xmalloc).
 */
#ifndef GITHERD_XMALLOC_H
#define GITHERD_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Grow *array so that it holds at least need elements of size sz. */
#define XGROW(array, need, cap) do {					\
	if ((need) > (cap)) {						\
		size_t xg_new = (cap) ? (cap) * 2 : 8;			\
		while (xg_new < (need))					\
			xg_new *= 2;					\
		(array) = xreallocarray((array), xg_new,		\
		    sizeof(*(array)));					\
		(cap) = xg_new;						\
	}								\
} while (0)

#endif
