#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

/* --- frames ------------------------------------------------------------- */

void
wire_encode(struct buf *b, const struct msg *m)
{
	size_t start = b->len;
	uint32_t len;

	buf_put_u32(b, 0);	/* length, patched below */
	buf_put_u16(b, m->type);
	buf_put_u16(b, m->flags);
	buf_put_u32(b, m->job);
	msg_encode(b, m);
	len = (uint32_t)(b->len - start - WIRE_HEADER);
	memcpy(b->data + start, &len, sizeof(len));
}

/* Decode one complete frame (header included). */
int
wire_decode(struct msg *m, const void *frame, size_t len, char *err,
    size_t errlen)
{
	struct buf_cursor c;
	uint32_t plen;
	uint16_t type;

	memset(m, 0, sizeof(*m));
	if (len < WIRE_HEADER) {
		snprintf(err, errlen, "short frame (%zu bytes)", len);
		return -1;
	}
	buf_cursor_init(&c, frame, len);
	plen = buf_get_u32(&c);
	type = buf_get_u16(&c);
	m->flags = buf_get_u16(&c);
	m->job = buf_get_u32(&c);
	if (plen != c.left) {
		snprintf(err, errlen, "frame length %u does not match %zu",
		    plen, c.left);
		return -1;
	}
	if (type == 0 || type >= MSG_TYPE_MAX) {
		snprintf(err, errlen, "unknown frame type %u", type);
		return -1;
	}
	m->type = type;
	if (msg_decode(m, &c) == -1) {
		snprintf(err, errlen, "malformed payload in frame type %u (%s)",
		    type, msg_type_name(type));
		return -1;
	}
	return 0;
}

/* --- reading a stream --------------------------------------------------- */

void
wire_reader_init(struct wire_reader *r)
{
	buf_init(&r->in);
}

void
wire_reader_release(struct wire_reader *r)
{
	if (r != NULL)
		buf_release(&r->in);
}

/* One read(2): > 0 bytes added, 0 at EOF, -1 with errno (EAGAIN too). */
ssize_t
wire_fill(struct wire_reader *r, int fd)
{
	ssize_t n;

	buf_grow(&r->in, 65536);
	do
		n = read(fd, r->in.data + r->in.len, r->in.cap - r->in.len - 1);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		r->in.len += (size_t)n;
		r->in.data[r->in.len] = '\0';
	}
	return n;
}

/* 1: a message in *m; 0: need more bytes; -1: the stream is corrupt. */
int
wire_next(struct wire_reader *r, struct msg *m, char *err, size_t errlen)
{
	uint32_t plen;
	size_t flen;

	if (r->in.len < WIRE_HEADER)
		return 0;
	memcpy(&plen, r->in.data, sizeof(plen));
	if (plen > WIRE_MAX) {
		snprintf(err, errlen, "frame of %u bytes exceeds the limit of %d",
		    plen, WIRE_MAX);
		return -1;
	}
	flen = WIRE_HEADER + (size_t)plen;
	if (r->in.len < flen)
		return 0;
	if (wire_decode(m, r->in.data, flen, err, errlen) == -1)
		return -1;
	buf_consume(&r->in, flen);
	return 1;
}

/* --- writing to a non-blocking descriptor ------------------------------- */

void
wire_writer_init(struct wire_writer *w)
{
	buf_init(&w->out);
	w->off = 0;
}

void
wire_writer_release(struct wire_writer *w)
{
	if (w != NULL)
		buf_release(&w->out);
}

void
wire_queue(struct wire_writer *w, const struct msg *m)
{
	wire_encode(&w->out, m);
}

bool
wire_pending(const struct wire_writer *w)
{
	return w->off < w->out.len;
}

/* 1: everything written; 0: the descriptor is full; -1: error. */
int
wire_flush(struct wire_writer *w, int fd)
{
	ssize_t n;

	while (w->off < w->out.len) {
		n = write(fd, w->out.data + w->off, w->out.len - w->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		w->off += (size_t)n;
	}
	buf_reset(&w->out);
	w->off = 0;
	return 1;
}

/* --- blocking side (workers) -------------------------------------------- */

int
wire_send(int fd, const struct msg *m)
{
	struct buf b = BUF_INIT;
	size_t off = 0;
	ssize_t n;
	int rc = 0;

	buf_init(&b);
	wire_encode(&b, m);
	while (off < b.len) {
		n = write(fd, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	buf_release(&b);
	return rc;
}

/* 1: a message; 0: EOF; -1: error (errno EINTR is returned, not retried). */
int
wire_recv(int fd, struct wire_reader *r, struct msg *m, char *err,
    size_t errlen)
{
	ssize_t n;
	int rc;

	for (;;) {
		if ((rc = wire_next(r, m, err, errlen)) != 0)
			return rc;
		buf_grow(&r->in, 65536);
		n = read(fd, r->in.data + r->in.len, r->in.cap - r->in.len - 1);
		/*
		 * A peer that closes with bytes of ours still unread (a
		 * worker's HELLO, when the parent has no more work) makes the
		 * kernel reset the connection: that is its end, not an error.
		 */
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (n == -1) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		r->in.len += (size_t)n;
		r->in.data[r->in.len] = '\0';
	}
}
