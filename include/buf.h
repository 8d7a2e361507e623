/*
 * A growable byte buffer, always NUL-terminated (git's strbuf, OpenBSD's
 * ibuf).  Used for frames, rendered output and JSON.
 *
 * Typed fields: buf_put_* appends fixed-width integers in host byte order
 * (both ends of githerd's socketpair are the same binary) and strings as a
 * u32 length plus bytes, length 0 meaning NULL.  A struct buf_cursor reads
 * them back: every buf_get_* checks the bytes left, and the first short or
 * malformed field marks the cursor bad and yields zeros/NULL from then on,
 * so a decoder reads every field and checks "bad" once at the end.
 */
#ifndef GITHERD_BUF_H
#define GITHERD_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

void	 buf_put_u8(struct buf *, uint8_t);
void	 buf_put_u16(struct buf *, uint16_t);
void	 buf_put_u32(struct buf *, uint32_t);
void	 buf_put_i32(struct buf *, int32_t);
void	 buf_put_u64(struct buf *, uint64_t);
void	 buf_put_str(struct buf *, const char *, size_t max);	/* cut at max */

struct buf_cursor {
	const unsigned char	*p;
	size_t			 left;
	bool			 bad;
};

void	 buf_cursor_init(struct buf_cursor *, const void *, size_t);
uint8_t	 buf_get_u8(struct buf_cursor *);
uint16_t buf_get_u16(struct buf_cursor *);
uint32_t buf_get_u32(struct buf_cursor *);
int32_t	 buf_get_i32(struct buf_cursor *);
uint64_t buf_get_u64(struct buf_cursor *);
char	*buf_get_str(struct buf_cursor *);	/* caller frees; NULL for none */
void	 buf_get_fixed(struct buf_cursor *, char *out, size_t size);
bool	 buf_cursor_done(const struct buf_cursor *);	/* not bad, nothing left */

#endif
