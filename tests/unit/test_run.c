/*
 * The parent's loop (run.c) driven for real, with fork()ed workers that
 * are not githerd's: fake_worker speaks the protocol as each entry's path
 * tells it to, ok, slow, crash mid-job, garbage or an oversize frame,
 * hang, warn, interrupt the parent once or twice.  Real processes,
 * sockets and signals; no network, no libgit2 (git's t0061 drives
 * run_processes_parallel the same way).  What each job ended as is read
 * from the queue the finish callback is given.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "manifest.h"
#include "queue.h"
#include "run.h"
#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

/* --- the fake worker --------------------------------------------------- */

/* How every fake worker of the run behaves when it starts (fork copies). */
static enum { START_HELLO, START_EXIT, START_SILENT } fake_start;

static void
send_msg(int fd, struct msg *m)
{
	if (wire_send(fd, m) == -1)
		_exit(9);
}

static void
send_phase(int fd, unsigned job, enum phase ph)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PHASE;
	m.job = job;
	m.u.phase = (uint8_t)ph;
	send_msg(fd, &m);
}

static void
send_done(int fd, unsigned job, enum outcome outcome)
{
	struct msg m;
	char where[64];

	memset(&m, 0, sizeof(m));
	m.type = MSG_DONE;
	m.job = job;
	m.u.done.outcome = outcome;
	m.u.done.bytes = 100;
	/* Which process served the job: the quota test counts them. */
	snprintf(where, sizeof(where), "pid %ld", (long)getpid());
	m.u.done.where = where;
	send_msg(fd, &m);
}

static void
send_raw(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		_exit(9);
}

static bool
named(const struct msg_job *j, const char *prefix)
{
	return strncmp(j->path, prefix, strlen(prefix)) == 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One job, as its path says. */
static void
fake_job(int fd, const struct msg_job *j, unsigned id)
{
	struct msg m;
	uint32_t hdr[3];
	int i;

	send_phase(fd, id, PHASE_RECEIVE);
	if (named(j, "ok"))
		send_done(fd, id, RESULT_CLONED);
	else if (named(j, "slow")) {
		memset(&m, 0, sizeof(m));
		m.type = MSG_PROGRESS;
		m.job = id;
		for (i = 1; i <= 5; i++) {
			m.u.progress.received_bytes = (uint64_t)i << 20;
			m.u.progress.pack_bytes = (uint64_t)i << 20;
			m.u.progress.received_objects = (uint32_t)i;
			send_msg(fd, &m);
			sleep_ms(60);
		}
		send_done(fd, id, RESULT_UPDATED);
	} else if (named(j, "warn")) {
		memset(&m, 0, sizeof(m));
		m.type = MSG_LOG;
		m.job = id;
		m.u.log.text = (char *)"depth ignored";
		send_msg(fd, &m);
		send_done(fd, id, RESULT_UNCHANGED);
	} else if (named(j, "crash")) {
		fputs("about to crash\n", stderr);
		raise(SIGKILL);
	} else if (named(j, "garbage")) {
		/* A header of a type that does not exist, then noise. */
		hdr[0] = 4;
		hdr[1] = 0xbeef;
		hdr[2] = id;
		send_raw(fd, hdr, sizeof(hdr));
		send_raw(fd, "\xff\xfe\xfd\xfc", 4);
		pause();
	} else if (named(j, "oversize")) {
		hdr[0] = WIRE_MAX + 1;
		hdr[1] = MSG_LOG;
		hdr[2] = id;
		send_raw(fd, hdr, sizeof(hdr));
		pause();
	} else if (named(j, "hang"))
		pause();	/* no progress ever: the watchdog's */
	else if (named(j, "sigint2")) {
		signal(SIGTERM, SIG_IGN);	/* only SIGKILL ends it */
		kill(getppid(), SIGINT);
		sleep_ms(200);
		kill(getppid(), SIGINT);
		pause();
	} else if (named(j, "sigint-stubborn")) {
		signal(SIGTERM, SIG_IGN);
		kill(getppid(), SIGINT);
		pause();
	} else if (named(j, "sigint")) {
		kill(getppid(), SIGINT);
		pause();	/* the parent's SIGTERM ends it */
	} else
		_exit(8);
}

static int
fake_worker(int fd, void *arg)
{
	struct wire_reader rd;
	struct msg m;
	char err[128];

	(void)arg;
	if (fake_start == START_EXIT)
		_exit(1);
	if (fake_start == START_SILENT) {
		fputs("cannot start\n", stderr);
		_exit(0);
	}
	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = MSG_VERSION;
	m.u.hello.pid = (uint32_t)getpid();
	send_msg(fd, &m);
	wire_reader_init(&rd);
	while (wire_recv(fd, &rd, &m, err, sizeof(err)) == 1) {
		if (m.type == MSG_JOB)
			fake_job(fd, &m.u.job, m.job);
		msg_release(&m);
	}
	_exit(0);	/* EOF: the parent let us go */
}

/* --- the harness ------------------------------------------------------- */

struct outcome_of {
	size_t			 njobs;
	enum job_state		 state[16];
	enum err_class		 cls[16];
	unsigned		 tries[16];
	char			 message[16][200];
	char			 where[16][40];
};

struct fixture {
	struct manifest		 m;
	struct run_opts		 o;
	struct run_result	 res;
	struct outcome_of	 got;
	char			 ws[64];
	int64_t			 elapsed_ms;
};

static void
record(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	struct outcome_of *g = arg;
	size_t i;

	(void)out;
	(void)code;
	g->njobs = q->njobs;
	for (i = 0; i < q->njobs && i < 16; i++) {
		g->state[i] = q->jobs[i].state;
		g->cls[i] = q->jobs[i].result.err_class;
		g->tries[i] = q->jobs[i].tries;
		snprintf(g->message[i], sizeof(g->message[i]), "%s",
		    q->jobs[i].result.message ? q->jobs[i].result.message : "");
		snprintf(g->where[i], sizeof(g->where[i]), "%s",
		    q->jobs[i].result.where ? q->jobs[i].result.where : "");
	}
}

/* Run the loop over entries named by paths, with -j jobs. */
static void
run(struct fixture *f, const char *const *paths, size_t n, size_t jobs)
{
	struct buf text = BUF_INIT;
	struct diags d;
	int devnull;
	int64_t t0;
	size_t i;

	buf_init(&text);
	buf_addstr(&text, "repos:\n");
	for (i = 0; i < n; i++)
		buf_addf(&text, "  - url: https://example.org/%s.git\n"
		    "    path: %s\n", paths[i], paths[i]);
	manifest_init(&f->m);
	diags_init(&d);
	cr_assert_eq(manifest_parse(&f->m, "t.yaml", text.data, text.len, &d),
	    0);
	diags_release(&d);
	buf_release(&text);

	snprintf(f->ws, sizeof(f->ws), "/tmp/githerd-run.XXXXXX");
	cr_assert_not_null(mkdtemp(f->ws));
	devnull = open("/dev/null", O_WRONLY);
	f->o.op = OP_SYNC;
	f->o.jobs = jobs;
	f->o.workspace = f->ws;
	f->o.manifest_file = "t.yaml";
	f->o.mode = VIEW_NONE;
	f->o.verbosity = -1;
	f->o.progress_fd = devnull;
	f->o.summary_fd = devnull;
	if (f->o.worker_quota == 0)
		f->o.worker_quota = 200;
	if (f->o.retry.base_ms == 0) {
		f->o.retry.base_ms = 10;
		f->o.retry.cap_ms = 20;
	}
	if (f->o.stall_ms == 0)
		f->o.stall_ms = 60000;
	f->o.worker_main = fake_worker;
	f->o.finish = record;
	f->o.finish_arg = &f->got;
	cr_assert_eq(sig_init(), 0);
	t0 = clock_ms();
	cr_assert_eq(run_jobs(&f->m, &f->o, &f->res), 0);
	f->elapsed_ms = clock_ms() - t0;
	close(devnull);
	manifest_release(&f->m);
	cr_expect_eq(rmdir(f->ws), 0, "the workspace is left empty: %s",
	    strerror(errno));
}

#define RUN(f, jobs, ...) do {						\
	static const char *const p_[] = { __VA_ARGS__ };		\
	run((f), p_, sizeof(p_) / sizeof(*p_), (jobs));			\
} while (0)

/* --- the cases --------------------------------------------------------- */

Test(run, every_job_ok_keeps_every_slot_busy)
{
	static struct fixture f;

	RUN(&f, 3, "ok1", "slow1", "ok2", "slow2", "ok3", "warn1", "ok4");
	cr_expect_eq(f.res.exit_code, EXIT_OK);
	cr_expect_eq(f.res.signal, 0);
	cr_expect_eq(f.got.njobs, 7);
	for (size_t i = 0; i < f.got.njobs; i++)
		cr_expect(f.got.state[i] == JOB_CLONED ||
		    f.got.state[i] == JOB_UPDATED ||
		    f.got.state[i] == JOB_UNCHANGED, "job %zu: %s", i,
		    job_state_name(f.got.state[i]));
	cr_expect_eq(f.got.state[1], JOB_UPDATED);
	cr_expect_eq(f.got.state[5], JOB_UNCHANGED);
}

/* A crash mid-job fails that job (after its retries), not the run. */
Test(run, crash_mid_job_is_retried_then_fails_alone)
{
	static struct fixture f;

	f.o.retry.retries = 2;
	RUN(&f, 2, "ok1", "crash1", "ok2", "ok3");
	cr_expect_eq(f.res.exit_code, EXIT_FAILED);
	cr_expect_eq(f.got.state[1], JOB_FAILED);
	cr_expect_eq(f.got.cls[1], ERR_CRASHED);
	cr_expect_eq(f.got.tries[1], 3, "tried %u times", f.got.tries[1]);
	cr_expect(strstr(f.got.message[1], "signal 9") != NULL, "%s",
	    f.got.message[1]);
	cr_expect_eq(f.got.state[0], JOB_CLONED);
	cr_expect_eq(f.got.state[2], JOB_CLONED);
	cr_expect_eq(f.got.state[3], JOB_CLONED);
}

/* Frames that break the protocol kill that worker; others go on. */
Test(run, garbage_and_oversize_frames_fail_their_job_only)
{
	static struct fixture f;

	f.o.retry.retries = 3;
	RUN(&f, 2, "garbage1", "ok1", "oversize1", "ok2");
	cr_expect_eq(f.res.exit_code, EXIT_FAILED);
	cr_expect_eq(f.got.state[0], JOB_FAILED);
	cr_expect_eq(f.got.cls[0], ERR_PROTOCOL);
	cr_expect_eq(f.got.tries[0], 1, "a protocol error is not retried");
	cr_expect(strstr(f.got.message[0], "unknown frame type") != NULL,
	    "%s", f.got.message[0]);
	cr_expect_eq(f.got.state[2], JOB_FAILED);
	cr_expect_eq(f.got.cls[2], ERR_PROTOCOL);
	cr_expect(strstr(f.got.message[2], "exceeds the limit") != NULL,
	    "%s", f.got.message[2]);
	cr_expect_eq(f.got.state[1], JOB_CLONED);
	cr_expect_eq(f.got.state[3], JOB_CLONED);
}

/* Workers dying before HELLO: three in a row and the run gives up. */
Test(run, workers_that_never_say_hello_stop_the_run)
{
	static struct fixture f;

	fake_start = START_EXIT;
	RUN(&f, 1, "ok1", "ok2");
	cr_expect_eq(f.res.exit_code, EXIT_SYSTEM);
	cr_expect_eq(f.got.state[0], JOB_CANCELLED);
	cr_expect_eq(f.got.state[1], JOB_CANCELLED);
}

/* Exiting 0 without a word is no better than exiting 1. */
Test(run, silent_workers_count_as_failed_starts_too)
{
	static struct fixture f;

	fake_start = START_SILENT;
	RUN(&f, 2, "ok1");
	cr_expect_eq(f.res.exit_code, EXIT_SYSTEM);
	cr_expect_eq(f.got.state[0], JOB_CANCELLED);
}

/* No progress for stall_ms: killed as a timeout, the others finish. */
Test(run, a_hanging_job_is_killed_by_the_watchdog)
{
	static struct fixture f;

	f.o.stall_ms = 300;
	RUN(&f, 2, "hang1", "ok1", "ok2");
	cr_expect_eq(f.res.exit_code, EXIT_FAILED);
	cr_expect_eq(f.got.state[0], JOB_FAILED);
	cr_expect_eq(f.got.cls[0], ERR_TIMEOUT);
	cr_expect(strstr(f.got.message[0], "no progress") != NULL, "%s",
	    f.got.message[0]);
	cr_expect_eq(f.got.state[1], JOB_CLONED);
	cr_expect_eq(f.got.state[2], JOB_CLONED);
}

/* A worker serves worker_quota jobs, then a fresh one takes over. */
Test(run, a_worker_is_replaced_after_its_quota)
{
	static struct fixture f;
	size_t i, k, distinct = 0;
	bool seen;

	f.o.worker_quota = 2;
	RUN(&f, 1, "ok1", "ok2", "ok3", "ok4", "ok5");
	cr_expect_eq(f.res.exit_code, EXIT_OK);
	for (i = 0; i < f.got.njobs; i++) {
		cr_expect(strncmp(f.got.where[i], "pid ", 4) == 0, "%s",
		    f.got.where[i]);
		seen = false;
		for (k = 0; k < i; k++)
			seen |= strcmp(f.got.where[k], f.got.where[i]) == 0;
		distinct += !seen;
	}
	cr_expect_eq(distinct, 3, "5 jobs at 2 a worker: %zu workers",
	    distinct);
	cr_expect_str_eq(f.got.where[0], f.got.where[1]);
	cr_expect_str_neq(f.got.where[1], f.got.where[2]);
}

/* SIGINT: running jobs stop, pending ones are cancelled, no new start. */
Test(run, sigint_cancels_and_is_reported)
{
	static struct fixture f;

	RUN(&f, 1, "sigint1", "ok1", "ok2");
	cr_expect_eq(f.res.signal, SIGINT);
	cr_expect_eq(f.got.state[0], JOB_CANCELLED);
	cr_expect_eq(f.got.state[1], JOB_CANCELLED);
	cr_expect_eq(f.got.state[2], JOB_CANCELLED);
	cr_expect_eq(f.got.tries[1], 0, "nothing starts after ^C");
}

/*
 * A worker deaf to SIGTERM: one ^C waits out the grace (3 s) before
 * SIGKILL; a second ^C kills at once.  Bounds are loose on purpose.
 */
Test(run, one_sigint_waits_for_the_grace_period, .timeout = 30)
{
	static struct fixture f;

	RUN(&f, 1, "sigint-stubborn");
	cr_expect_eq(f.res.signal, SIGINT);
	cr_expect_eq(f.got.state[0], JOB_CANCELLED);
	cr_expect_geq(f.elapsed_ms, 2900, "%lld ms", (long long)f.elapsed_ms);
}

Test(run, a_second_sigint_kills_at_once, .timeout = 30)
{
	static struct fixture f;

	RUN(&f, 1, "sigint2");
	cr_expect_eq(f.res.signal, SIGINT);
	cr_expect_eq(f.got.state[0], JOB_CANCELLED);
	cr_expect_lt(f.elapsed_ms, 2500, "%lld ms", (long long)f.elapsed_ms);
	/* Killed, but by the user's wish: named as a cancel, not a crash. */
	cr_expect_str_eq(f.got.message[0], "cancelled by ^C");
}
