#include <criterion/criterion.h>

#include <stdio.h>

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

static struct msg
sample(enum msg_type t)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint16_t)t;
	m.job = 4242;
	switch (t) {
	case MSG_HELLO:
		m.u.hello.version = MSG_VERSION;
		m.u.hello.pid = 31337;
		break;
	case MSG_JOB:
		m.u.job.url = "https://example.com/a.git";
		m.u.job.dest = "/ws/a";
		m.u.job.tmp = "/ws/.githerd-tmp.1.2.a";
		m.u.job.path = "a";
		m.u.job.ref = NULL;
		m.u.job.outer = "src";
		m.u.job.inner = "b\nx/c";
		m.u.job.op = OP_STATUS;
		m.u.job.ref_kind = 2;
		m.u.job.flags = JOBF_BARE | JOBF_MIRROR;
		m.u.job.depth = -5;
		m.u.job.imports = "west.yml\nsubmanifests";
		m.u.job.submodules = "lib/a\nlib/b";
		break;
	case MSG_PHASE:
		m.u.phase = PHASE_CHECKOUT;
		break;
	case MSG_PROGRESS:
		m.u.progress.received_objects = 1;
		m.u.progress.indexed_objects = 2;
		m.u.progress.total_objects = 3;
		m.u.progress.indexed_deltas = 4;
		m.u.progress.total_deltas = 5;
		m.u.progress.received_bytes = 1ULL << 40;
		m.u.progress.pack_bytes = (1ULL << 40) - 99;
		m.u.progress.checkout_done = 6;
		m.u.progress.checkout_total = 7;
		break;
	case MSG_LOG:
		m.u.log.text = "depth ignored over git://";
		break;
	case MSG_DONE:
		m.u.done.outcome = RESULT_FAILED;
		m.u.done.err_class = 7;
		m.u.done.shallow = 1;
		m.u.done.fetched = 1;
		m.u.done.branch_on_remote = 1;
		m.u.done.state = ES_DIVERGED;
		m.u.done.ahead = 7;
		m.u.done.behind = 9;
		m.u.done.dirty = 11;
		m.u.done.retry_after_ms = 2000;
		m.u.done.where = (char *)"branch main";
		m.u.done.git_code = -3;
		m.u.done.git_klass = 12;
		m.u.done.message = (char *)"remote error: not found";
		snprintf(m.u.done.head, sizeof(m.u.done.head), "%s",
		    "0123456789abcdef0123456789abcdef01234567");
		m.u.done.bytes = 123456789;
		m.u.done.objects = 42;
		m.u.done.lfs_pointers = 12;
		break;
	case MSG_FILE:
		m.u.file.commit = "0123456789abcdef0123456789abcdef01234567";
		m.u.file.path = "submanifests/a.yml";
		m.u.file.data = "manifest:\n  projects: []\n";
		m.u.file.status = FILE_OK;
		m.u.file.more = 1;
		break;
	default:
		break;
	}
	return m;
}

static void
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		cr_expect(a == b, "NULL vs '%s'", a ? a : b);
	else
		cr_expect_str_eq(a, b);
}

static void
expect_same(const struct msg *a, const struct msg *b)
{
	cr_expect_eq(a->type, b->type);
	cr_expect_eq(a->job, b->job);
	switch (a->type) {
	case MSG_HELLO:
		cr_expect_eq(a->u.hello.version, b->u.hello.version);
		cr_expect_eq(a->u.hello.pid, b->u.hello.pid);
		break;
	case MSG_JOB:
		str_eq(a->u.job.url, b->u.job.url);
		str_eq(a->u.job.dest, b->u.job.dest);
		str_eq(a->u.job.tmp, b->u.job.tmp);
		str_eq(a->u.job.path, b->u.job.path);
		str_eq(a->u.job.ref, b->u.job.ref);
		str_eq(a->u.job.outer, b->u.job.outer);
		str_eq(a->u.job.inner, b->u.job.inner);
		cr_expect_eq(a->u.job.op, b->u.job.op);
		cr_expect_eq(a->u.job.ref_kind, b->u.job.ref_kind);
		cr_expect_eq(a->u.job.flags, b->u.job.flags);
		cr_expect_eq(a->u.job.depth, b->u.job.depth);
		str_eq(a->u.job.imports, b->u.job.imports);
		str_eq(a->u.job.submodules, b->u.job.submodules);
		break;
	case MSG_FILE:
		str_eq(a->u.file.commit, b->u.file.commit);
		str_eq(a->u.file.path, b->u.file.path);
		str_eq(a->u.file.data, b->u.file.data);
		cr_expect_eq(a->u.file.status, b->u.file.status);
		cr_expect_eq(a->u.file.more, b->u.file.more);
		break;
	case MSG_PHASE:
		cr_expect_eq(a->u.phase, b->u.phase);
		break;
	case MSG_PROGRESS:
		cr_expect_eq(memcmp(&a->u.progress, &b->u.progress,
		    sizeof(a->u.progress)), 0);
		break;
	case MSG_LOG:
		str_eq(a->u.log.text, b->u.log.text);
		break;
	case MSG_DONE:
		cr_expect_eq(a->u.done.outcome, b->u.done.outcome);
		cr_expect_eq(a->u.done.err_class, b->u.done.err_class);
		cr_expect_eq(a->u.done.shallow, b->u.done.shallow);
		cr_expect_eq(a->u.done.fetched, b->u.done.fetched);
		cr_expect_eq(a->u.done.branch_on_remote,
		    b->u.done.branch_on_remote);
		cr_expect_eq(a->u.done.state, b->u.done.state);
		cr_expect_eq(a->u.done.ahead, b->u.done.ahead);
		cr_expect_eq(a->u.done.behind, b->u.done.behind);
		cr_expect_eq(a->u.done.dirty, b->u.done.dirty);
		cr_expect_eq(a->u.done.retry_after_ms, b->u.done.retry_after_ms);
		str_eq(a->u.done.where, b->u.done.where);
		cr_expect_eq(a->u.done.git_code, b->u.done.git_code);
		cr_expect_eq(a->u.done.git_klass, b->u.done.git_klass);
		str_eq(a->u.done.message, b->u.done.message);
		str_eq(a->u.done.head, b->u.done.head);
		cr_expect_eq(a->u.done.bytes, b->u.done.bytes);
		cr_expect_eq(a->u.done.objects, b->u.done.objects);
		cr_expect_eq(a->u.done.lfs_pointers, b->u.done.lfs_pointers);
		break;
	}
}

Test(wire, round_trip_every_type)
{
	int t;

	for (t = MSG_HELLO; t < MSG_TYPE_MAX; t++) {
		struct msg in = sample((enum msg_type)t), out;
		struct buf b = BUF_INIT;
		char err[128];

		buf_init(&b);
		wire_encode(&b, &in);
		cr_assert_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)),
		    0, "type %d: %s", t, err);
		expect_same(&in, &out);
		msg_release(&out);
		buf_release(&b);
	}
}

/* All types back to back, fed in chunks of the given sizes. */
static void
stream_in_chunks(size_t (*chunk)(size_t, unsigned *), unsigned seed)
{
	struct buf all = BUF_INIT;
	struct wire_reader rd;
	struct msg out;
	char err[128];
	size_t off = 0, n;
	int t, got = 0, rc, rounds;

	buf_init(&all);
	for (rounds = 0; rounds < 3; rounds++)
		for (t = MSG_HELLO; t < MSG_TYPE_MAX; t++) {
			struct msg in = sample((enum msg_type)t);

			wire_encode(&all, &in);
		}
	wire_reader_init(&rd);
	t = MSG_HELLO;
	while (off < all.len) {
		n = chunk(all.len - off, &seed);
		buf_add(&rd.in, all.data + off, n);
		off += n;
		while ((rc = wire_next(&rd, &out, err, sizeof(err))) == 1) {
			struct msg want = sample((enum msg_type)t);

			expect_same(&want, &out);
			msg_release(&out);
			got++;
			t = t + 1 == MSG_TYPE_MAX ? MSG_HELLO : t + 1;
		}
		cr_assert_eq(rc, 0, "%s", err);
	}
	cr_expect_eq(got, 3 * (MSG_TYPE_MAX - 1));
	cr_expect_eq(rd.in.len, 0);
	wire_reader_release(&rd);
	buf_release(&all);
}

static size_t
one_byte(size_t left, unsigned *seed)
{
	(void)left;
	(void)seed;
	return 1;
}

static size_t
random_chunk(size_t left, unsigned *seed)
{
	size_t n = (size_t)rand_r(seed) % 97 + 1;

	return n < left ? n : left;
}

static size_t
everything(size_t left, unsigned *seed)
{
	(void)seed;
	return left;
}

Test(wire, one_byte_at_a_time)
{
	stream_in_chunks(one_byte, 1);
}

Test(wire, random_chunks)
{
	unsigned seed;

	for (seed = 1; seed < 50; seed++)
		stream_in_chunks(random_chunk, seed);
}

Test(wire, many_frames_in_one_read)
{
	stream_in_chunks(everything, 0);
}

Test(wire, oversized_frame_is_an_error)
{
	struct wire_reader rd;
	struct msg out;
	char err[128];
	uint32_t len = WIRE_MAX + 1;
	uint16_t type = MSG_LOG, flags = 0;
	uint32_t job = 0;

	wire_reader_init(&rd);
	buf_add(&rd.in, &len, 4);
	buf_add(&rd.in, &type, 2);
	buf_add(&rd.in, &flags, 2);
	buf_add(&rd.in, &job, 4);
	cr_expect_eq(wire_next(&rd, &out, err, sizeof(err)), -1);
	cr_expect(strstr(err, "exceeds") != NULL, "%s", err);
	wire_reader_release(&rd);
}

Test(wire, unknown_type_and_bad_payload)
{
	struct msg in = sample(MSG_LOG), out;
	struct buf b = BUF_INIT;
	char err[128];
	uint16_t bogus = 99;
	uint32_t huge = 1000;

	buf_init(&b);
	wire_encode(&b, &in);
	memcpy(b.data + 4, &bogus, 2);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	cr_expect(strstr(err, "unknown frame type") != NULL, "%s", err);

	/* A string length pointing past the payload. */
	buf_reset(&b);
	wire_encode(&b, &in);
	memcpy(b.data + WIRE_HEADER, &huge, 4);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	cr_expect(strstr(err, "malformed") != NULL, "%s", err);

	/* A phase out of range. */
	in = sample(MSG_PHASE);
	in.u.phase = PHASE_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);

	/* Trailing garbage inside the frame. */
	in = sample(MSG_PHASE);
	buf_reset(&b);
	wire_encode(&b, &in);
	buf_addch(&b, 'x');
	{
		uint32_t plen = (uint32_t)(b.len - WIRE_HEADER);

		memcpy(b.data, &plen, 4);
	}
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	buf_release(&b);
}

Test(wire, null_and_embedded_nul_strings)
{
	struct msg in = sample(MSG_LOG), out;
	struct buf b = BUF_INIT;
	char err[128];

	in.u.log.text = NULL;
	buf_init(&b);
	wire_encode(&b, &in);
	cr_assert_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), 0);
	cr_expect_null(out.u.log.text);
	msg_release(&out);
	/* A NUL inside a string would truncate it silently: refused. */
	buf_reset(&b);
	in.u.log.text = "abc";
	wire_encode(&b, &in);
	b.data[WIRE_HEADER + 4 + 1] = '\0';
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	buf_release(&b);
}

/*
 * A real non-blocking socketpair: queue far more than the socket buffer
 * holds, flush until EAGAIN, drain the other end, and check that writing
 * resumed exactly where it stopped (every frame arrives intact, in order).
 */
Test(wire, nonblocking_socket_write_queue, .timeout = 20)
{
	int sv[2], rc, got = 0, n = 20000, i;
	struct wire_writer w;
	struct wire_reader rd;
	struct msg out;
	char err[128];
	int saw_eagain = 0;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	wire_writer_init(&w);
	wire_reader_init(&rd);
	for (i = 0; i < n; i++) {
		struct msg m = sample(MSG_PROGRESS);

		m.job = (uint32_t)i;
		wire_queue(&w, &m);
	}
	while (got < n) {
		rc = wire_flush(&w, sv[0]);
		cr_assert_neq(rc, -1, "flush: %s", strerror(errno));
		if (rc == 0)
			saw_eagain = 1;
		while (wire_fill(&rd, sv[1]) > 0)
			;
		while ((rc = wire_next(&rd, &out, err, sizeof(err))) == 1) {
			cr_assert_eq(out.job, (uint32_t)got, "frame out of order");
			msg_release(&out);
			got++;
		}
		cr_assert_eq(rc, 0, "%s", err);
	}
	cr_expect(saw_eagain, "the socket never filled up");
	cr_expect(!wire_pending(&w));
	wire_writer_release(&w);
	wire_reader_release(&rd);
	close(sv[0]);
	close(sv[1]);
}

Test(wire, blocking_send_recv_and_eof)
{
	int sv[2];
	struct msg in = sample(MSG_DONE), out;
	struct wire_reader rd;
	char err[128];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(wire_send(sv[0], &in), 0);
	close(sv[0]);
	wire_reader_init(&rd);
	cr_assert_eq(wire_recv(sv[1], &rd, &out, err, sizeof(err)), 1);
	expect_same(&in, &out);
	msg_release(&out);
	cr_expect_eq(wire_recv(sv[1], &rd, &out, err, sizeof(err)), 0, "EOF");
	wire_reader_release(&rd);
	close(sv[1]);
}

/*
 * A worker says HELLO and the parent, with nothing left to hand out,
 * closes the socket before reading it: the kernel then resets the
 * connection instead of ending it, and the worker must take that as the
 * EOF it is, not as an error (it used to exit 3, and the parent warned
 * "worker exited with status 3 before finishing").
 */
Test(wire, a_peer_that_closes_without_reading_is_eof)
{
	int sv[2];
	struct msg in = sample(MSG_HELLO), out;
	struct wire_reader rd;
	char err[128];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(wire_send(sv[0], &in), 0);
	close(sv[1]);		/* the HELLO unread */
	wire_reader_init(&rd);
	cr_expect_eq(wire_recv(sv[0], &rd, &out, err, sizeof(err)), 0, "%s",
	    err);
	wire_reader_release(&rd);
	close(sv[0]);
}

/*
 * Every message cut short at every byte is refused, and nothing it had
 * decoded so far leaks (ASan's leak check runs on this binary).
 */
Test(wire, every_truncation_is_refused)
{
	int t;

	for (t = MSG_HELLO; t < MSG_TYPE_MAX; t++) {
		struct msg in = sample((enum msg_type)t), out;
		struct buf b = BUF_INIT;
		char err[128];
		size_t full, cut;
		uint32_t plen;

		buf_init(&b);
		wire_encode(&b, &in);
		full = b.len;
		for (cut = WIRE_HEADER; cut < full; cut++) {
			plen = (uint32_t)(cut - WIRE_HEADER);
			memcpy(b.data, &plen, 4);
			cr_expect_eq(wire_decode(&out, b.data, cut, err,
			    sizeof(err)), -1, "type %d cut at %zu", t, cut);
			cr_expect(strstr(err, "malformed") != NULL, "%s", err);
		}
		buf_release(&b);
	}
}

Test(wire, fields_out_of_range_are_refused)
{
	struct msg in, out;
	struct buf b = BUF_INIT;
	char err[128];

	buf_init(&b);
	in = sample(MSG_HELLO);
	in.u.hello.version = MSG_VERSION + 1;
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);

	in = sample(MSG_JOB);
	in.u.job.op = OP_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);

	in = sample(MSG_DONE);
	in.u.done.outcome = RESULT_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);

	in = sample(MSG_DONE);
	in.u.done.err_class = ERR_CLASS_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);

	in = sample(MSG_DONE);
	in.u.done.state = ES_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	cr_expect(strstr(err, "(done)") != NULL, "%s", err);

	/* A file's status out of range, or data with a status that has none. */
	in = sample(MSG_FILE);
	in.u.file.status = FILE_STATUS_MAX;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	in = sample(MSG_FILE);
	in.u.file.status = FILE_MISSING;
	buf_reset(&b);
	wire_encode(&b, &in);
	cr_expect_eq(wire_decode(&out, b.data, b.len, err, sizeof(err)), -1);
	buf_release(&b);
}
