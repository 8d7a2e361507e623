#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"
#include "xmalloc.h"

/* --- primitive fields ----------------------------------------------------- */

static void
put(struct buf *b, const void *p, size_t n)
{
	buf_add(b, p, n);
}

static void
put_u8(struct buf *b, uint8_t v)
{
	put(b, &v, sizeof(v));
}

static void
put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void
put_i32(struct buf *b, int32_t v)
{
	put(b, &v, sizeof(v));
}

static void
put_u64(struct buf *b, uint64_t v)
{
	put(b, &v, sizeof(v));
}

/* Strings longer than a frame can hold are cut, never overflow it. */
static void
put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > WIRE_MAX / 4)
		n = WIRE_MAX / 4;
	put_u32(b, (uint32_t)n);
	put(b, s, n);
}

struct cursor {
	const unsigned char	*p;
	size_t			 left;
	bool			 bad;
};

static void
get(struct cursor *c, void *out, size_t n)
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

static uint8_t
get_u8(struct cursor *c)
{
	uint8_t v;

	get(c, &v, sizeof(v));
	return v;
}

static uint32_t
get_u32(struct cursor *c)
{
	uint32_t v;

	get(c, &v, sizeof(v));
	return v;
}

static int32_t
get_i32(struct cursor *c)
{
	int32_t v;

	get(c, &v, sizeof(v));
	return v;
}

static uint64_t
get_u64(struct cursor *c)
{
	uint64_t v;

	get(c, &v, sizeof(v));
	return v;
}

static char *
get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
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

/* A string into a fixed array: "" for none; too long is a bad frame. */
static void
get_fixed(struct cursor *c, char *out, size_t size)
{
	char *s = get_str(c);

	out[0] = '\0';
	if (s != NULL && strlen(s) >= size)
		c->bad = true;
	else if (s != NULL)
		memcpy(out, s, strlen(s) + 1);
	free(s);
}

/* --- messages: each encoder is matched by the decoder below it ---------- */

static void
encode_payload(struct buf *b, const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_HELLO:
		put_u32(b, m->u.hello.version);
		put_u32(b, m->u.hello.pid);
		break;
	case WIRE_JOB:
		put_str(b, m->u.job.url);
		put_str(b, m->u.job.dest);
		put_str(b, m->u.job.tmp);
		put_str(b, m->u.job.path);
		put_str(b, m->u.job.ref);
		put_u8(b, m->u.job.op);
		put_u8(b, m->u.job.ref_kind);
		put_u8(b, m->u.job.flags);
		put_i32(b, m->u.job.depth);
		break;
	case WIRE_PHASE:
		put_u8(b, m->u.phase);
		break;
	case WIRE_PROGRESS:
		put_u32(b, m->u.progress.received_objects);
		put_u32(b, m->u.progress.indexed_objects);
		put_u32(b, m->u.progress.total_objects);
		put_u32(b, m->u.progress.indexed_deltas);
		put_u32(b, m->u.progress.total_deltas);
		put_u64(b, m->u.progress.received_bytes);
		put_u64(b, m->u.progress.pack_bytes);
		put_u32(b, m->u.progress.checkout_done);
		put_u32(b, m->u.progress.checkout_total);
		break;
	case WIRE_LOG:
		put_str(b, m->u.log.text);
		break;
	case WIRE_DONE:
		put_u8(b, (uint8_t)m->u.done.outcome);
		put_u8(b, (uint8_t)m->u.done.err_class);
		put_u8(b, m->u.done.shallow);
		put_u8(b, m->u.done.fetched);
		put_u8(b, (uint8_t)m->u.done.state);
		put_i32(b, m->u.done.git_code);
		put_i32(b, m->u.done.git_klass);
		put_u32(b, m->u.done.ahead);
		put_u32(b, m->u.done.behind);
		put_u32(b, m->u.done.dirty);
		put_u32(b, m->u.done.retry_after_ms);
		put_str(b, m->u.done.message);
		put_str(b, m->u.done.head[0] ? m->u.done.head : NULL);
		put_str(b, m->u.done.where);
		put_u64(b, m->u.done.bytes);
		put_u64(b, m->u.done.objects);
		break;
	}
}

static void
decode_payload(struct wire_msg *m, struct cursor *c)
{
	switch (m->type) {
	case WIRE_HELLO:
		m->u.hello.version = get_u32(c);
		m->u.hello.pid = get_u32(c);
		break;
	case WIRE_JOB:
		m->u.job.url = get_str(c);
		m->u.job.dest = get_str(c);
		m->u.job.tmp = get_str(c);
		m->u.job.path = get_str(c);
		m->u.job.ref = get_str(c);
		m->u.job.op = get_u8(c);
		if (m->u.job.op >= OP_MAX)
			c->bad = true;
		m->u.job.ref_kind = get_u8(c);
		m->u.job.flags = get_u8(c);
		m->u.job.depth = get_i32(c);
		break;
	case WIRE_PHASE:
		m->u.phase = get_u8(c);
		if (m->u.phase >= PHASE_MAX)
			c->bad = true;
		break;
	case WIRE_PROGRESS:
		m->u.progress.received_objects = get_u32(c);
		m->u.progress.indexed_objects = get_u32(c);
		m->u.progress.total_objects = get_u32(c);
		m->u.progress.indexed_deltas = get_u32(c);
		m->u.progress.total_deltas = get_u32(c);
		m->u.progress.received_bytes = get_u64(c);
		m->u.progress.pack_bytes = get_u64(c);
		m->u.progress.checkout_done = get_u32(c);
		m->u.progress.checkout_total = get_u32(c);
		break;
	case WIRE_LOG:
		m->u.log.text = get_str(c);
		break;
	case WIRE_DONE:
		m->u.done.outcome = get_u8(c);
		m->u.done.err_class = get_u8(c);
		m->u.done.shallow = get_u8(c);
		m->u.done.fetched = get_u8(c);
		m->u.done.state = get_u8(c);
		m->u.done.git_code = get_i32(c);
		m->u.done.git_klass = get_i32(c);
		m->u.done.ahead = get_u32(c);
		m->u.done.behind = get_u32(c);
		m->u.done.dirty = get_u32(c);
		m->u.done.retry_after_ms = get_u32(c);
		m->u.done.message = get_str(c);
		get_fixed(c, m->u.done.head, sizeof(m->u.done.head));
		m->u.done.where = get_str(c);
		m->u.done.bytes = get_u64(c);
		m->u.done.objects = get_u64(c);
		if (m->u.done.outcome >= RESULT_MAX ||
		    m->u.done.state >= ES_MAX)
			c->bad = true;
		break;
	default:
		c->bad = true;
	}
}

void
wire_encode(struct buf *b, const struct wire_msg *m)
{
	size_t start = b->len;
	uint32_t len;

	put_u32(b, 0);		/* length, patched below */
	put(b, &m->type, sizeof(m->type));
	put(b, &m->flags, sizeof(m->flags));
	put_u32(b, m->job);
	encode_payload(b, m);
	len = (uint32_t)(b->len - start - WIRE_HEADER);
	memcpy(b->data + start, &len, sizeof(len));
}

void
wire_msg_release(struct wire_msg *m)
{
	if (m == NULL)
		return;
	switch (m->type) {
	case WIRE_JOB:
		free(m->u.job.url);
		free(m->u.job.dest);
		free(m->u.job.tmp);
		free(m->u.job.path);
		free(m->u.job.ref);
		break;
	case WIRE_LOG:
		free(m->u.log.text);
		break;
	case WIRE_DONE:
		result_release(&m->u.done);
		break;
	}
	memset(m, 0, sizeof(*m));
}

/* Decode one complete frame (header included). */
int
wire_decode(struct wire_msg *m, const void *frame, size_t len, char *err,
    size_t errlen)
{
	const unsigned char *p = frame;
	struct cursor c;
	uint32_t plen;

	memset(m, 0, sizeof(*m));
	if (len < WIRE_HEADER) {
		snprintf(err, errlen, "short frame (%zu bytes)", len);
		return -1;
	}
	memcpy(&plen, p, sizeof(plen));
	memcpy(&m->type, p + 4, sizeof(m->type));
	memcpy(&m->flags, p + 6, sizeof(m->flags));
	memcpy(&m->job, p + 8, sizeof(m->job));
	if (plen != len - WIRE_HEADER) {
		snprintf(err, errlen, "frame length %u does not match %zu",
		    plen, len - WIRE_HEADER);
		return -1;
	}
	if (m->type == 0 || m->type >= WIRE_TYPE_MAX) {
		snprintf(err, errlen, "unknown frame type %u", m->type);
		m->type = 0;
		return -1;
	}
	c.p = p + WIRE_HEADER;
	c.left = plen;
	c.bad = false;
	decode_payload(m, &c);
	if (c.bad || c.left != 0) {
		snprintf(err, errlen, "malformed payload in frame type %u",
		    m->type);
		wire_msg_release(m);
		return -1;
	}
	return 0;
}

/* --- reading a stream ------------------------------------------------------- */

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
wire_next(struct wire_reader *r, struct wire_msg *m, char *err, size_t errlen)
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

/* --- writing to a non-blocking descriptor ----------------------------------- */

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
wire_queue(struct wire_writer *w, const struct wire_msg *m)
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

/* --- blocking side (workers) ----------------------------------------------- */

int
wire_send(int fd, const struct wire_msg *m)
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
wire_recv(int fd, struct wire_reader *r, struct wire_msg *m, char *err,
    size_t errlen)
{
	ssize_t n;
	int rc;

	for (;;) {
		if ((rc = wire_next(r, m, err, errlen)) != 0)
			return rc;
		buf_grow(&r->in, 65536);
		n = read(fd, r->in.data + r->in.len, r->in.cap - r->in.len - 1);
		if (n == 0)
			return 0;
		if (n == -1) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		r->in.len += (size_t)n;
		r->in.data[r->in.len] = '\0';
	}
}
