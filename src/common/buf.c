#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* What an empty buf points at: never written (cap 0 means not ours). */
static char empty_data[1];

void
buf_init(struct buf *b)
{
	b->data = empty_data;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->cap > 0)
		free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->data[0] = '\0';
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;

	if (b->data == NULL)
		buf_init(b);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->cap == 0) {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	} else
		b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

char *
buf_detach(struct buf *b)
{
	char *p;

	if (b->cap == 0)
		p = xstrdup("");
	else
		p = b->data;
	buf_init(b);
	return p;
}

/* --- typed fields ------------------------------------------------------- */

void
buf_put_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
buf_put_u16(struct buf *b, uint16_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
buf_put_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
buf_put_i32(struct buf *b, int32_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
buf_put_u64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof(v));
}

/* Cut, not refused: a long message must still fit the frame that holds it. */
void
buf_put_str(struct buf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n > max)
		n = max;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	buf_put_u32(b, (uint32_t)n);
	buf_add(b, s, n);
}

void
buf_cursor_init(struct buf_cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->left = len;
	c->bad = false;
}

static void
get(struct buf_cursor *c, void *out, size_t n)
{
	if (c->bad || c->left < n) {
		c->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
}

uint8_t
buf_get_u8(struct buf_cursor *c)
{
	uint8_t v;

	get(c, &v, sizeof(v));
	return v;
}

uint16_t
buf_get_u16(struct buf_cursor *c)
{
	uint16_t v;

	get(c, &v, sizeof(v));
	return v;
}

uint32_t
buf_get_u32(struct buf_cursor *c)
{
	uint32_t v;

	get(c, &v, sizeof(v));
	return v;
}

int32_t
buf_get_i32(struct buf_cursor *c)
{
	int32_t v;

	get(c, &v, sizeof(v));
	return v;
}

uint64_t
buf_get_u64(struct buf_cursor *c)
{
	uint64_t v;

	get(c, &v, sizeof(v));
	return v;
}

/* An embedded NUL would cut the string silently on the other side: bad. */
char *
buf_get_str(struct buf_cursor *c)
{
	uint32_t n = buf_get_u32(c);
	char *s;

	if (c->bad || n == 0)
		return NULL;
	if (n > c->left || memchr(c->p, '\0', n) != NULL) {
		c->bad = true;
		return NULL;
	}
	s = xstrndup((const char *)c->p, n);
	c->p += n;
	c->left -= n;
	return s;
}

/* A string into a fixed array: "" for none; too long is bad, not cut. */
void
buf_get_fixed(struct buf_cursor *c, char *out, size_t size)
{
	char *s = buf_get_str(c);

	out[0] = '\0';
	if (s != NULL && strlen(s) >= size)
		c->bad = true;
	else if (s != NULL)
		memcpy(out, s, strlen(s) + 1);
	free(s);
}

bool
buf_cursor_done(const struct buf_cursor *c)
{
	return !c->bad && c->left == 0;
}
