/*
 * A growable byte buffer, always NUL-terminated (git's strbuf, OpenBSD's
 * ibuf).  Used for frames, rendered output and JSON.
 */
#ifndef GITHERD_BUF_H
#define GITHERD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* NUL-terminated; never NULL after buf_init */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t extra);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);
void	 buf_addch(struct buf *, char);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list);
void	 buf_consume(struct buf *, size_t);	/* drop the first n bytes */
void	 buf_truncate(struct buf *, size_t);
char	*buf_detach(struct buf *);		/* caller owns the string */

#endif
