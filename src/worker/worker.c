#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "job.h"
#include "memlimit.h"
#include "netstream.h"
#include "seams.h"
#include "wire.h"
#include "worker.h"

#ifdef __has_feature
#if __has_feature(address_sanitizer)
#define GITHERD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define GITHERD_ASAN 1
#endif
#ifdef GITHERD_ASAN
#include <sanitizer/lsan_interface.h>
#endif

/* Seconds a cancelled worker gets to unwind before SIGALRM ends it. */
#define CANCEL_GRACE_S	2

/* What a signal handler may touch; libgit2's callbacks poll cancelled. */
static volatile sig_atomic_t cancelled;
/*
 * Files are being written: a checkout that stopped half-way would leave
 * the work tree between two commits, and libgit2 cannot roll one back,
 * so a cancelled checkout is finished first.
 */
static volatile sig_atomic_t in_checkout;
/* Set once before any signal can come (the tests shorten it). */
static unsigned cancel_grace_s = CANCEL_GRACE_S;

/*
 * SIGTERM (from the parent, or PR_SET_PDEATHSIG when the parent died):
 * libgit2's callbacks see the flag and unwind, the partial clone is
 * removed; the alarm ends a worker stuck where no callback runs, but
 * not in the middle of a checkout (the alarm is armed once it is over).
 */
static void
on_term(int signo)
{
	(void)signo;
	cancelled = 1;
	if (!in_checkout)
		alarm(cancel_grace_s);
}

static void
checkout_over(void)
{
	in_checkout = 0;
	if (cancelled)
		alarm(cancel_grace_s);
}

struct job_ctx {
	int		fd;
	uint32_t	job;
	int64_t		last_progress;
	bool		lost;		/* the parent is gone */
};

static void
send_or_die(struct job_ctx *jc, const struct msg *m)
{
	/* A failed write means the parent is gone (redis childinfo). */
	if (!jc->lost && wire_send(jc->fd, m) == -1) {
		jc->lost = true;
		cancelled = 1;
	}
}

static void
ev_phase(void *ctx, enum phase p)
{
	struct job_ctx *jc = ctx;
	struct msg m;

	if (p == PHASE_CHECKOUT)
		in_checkout = 1;
	else if (in_checkout)
		checkout_over();
	memset(&m, 0, sizeof(m));
	m.type = MSG_PHASE;
	m.job = jc->job;
	m.u.phase = (uint8_t)p;
	send_or_die(jc, &m);
}

/* Throttled here, at the source: libgit2 calls back once per object. */
static void
ev_progress(void *ctx, const struct msg_progress *c, bool force)
{
	struct job_ctx *jc = ctx;
	struct msg m;
	int64_t now = clock_ms();

	if (!force && now - jc->last_progress < 100)
		return;
	jc->last_progress = now;
	memset(&m, 0, sizeof(m));
	m.type = MSG_PROGRESS;
	m.job = jc->job;
	m.u.progress = *c;
	send_or_die(jc, &m);
}

static void
ev_warn(void *ctx, const char *text)
{
	struct job_ctx *jc = ctx;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_LOG;
	m.job = jc->job;
	m.u.log.text = (char *)text;
	send_or_die(jc, &m);
}

static void
ev_file(void *ctx, const struct msg_file *f)
{
	struct job_ctx *jc = ctx;
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_FILE;
	m.job = jc->job;
	m.u.file = *f;
	send_or_die(jc, &m);
}

static bool
ev_cancelled(void *ctx)
{
	(void)ctx;
	return cancelled != 0;
}

static void
run_job(int fd, const struct msg *job, const struct worker_config *cfg,
    struct gitctx_trust *trust)
{
	struct job_ctx jc = { fd, job->job, 0, false };
	struct gitctx_events ev = {
		ev_phase, ev_progress, ev_warn, ev_cancelled, &jc, &cfg->auth,
		cfg->cache_dir, cfg->cache_wait_ms, cfg->cache_mode,
		cfg->cache_dissociate, cfg->gitenv, trust, ev_file
	};
	struct job_result res;
	struct msg m;

	result_init(&res);
	netstream_take_retry_after();	/* nothing from an earlier job */
	memlimit_reset();
	if (job->u.job.op == OP_STATUS)
		job_status(&job->u.job, &ev, &res);
	else if (job->u.job.op == OP_RETIRE)
		job_retire(&job->u.job, &ev, &res);
	else
		job_sync(&job->u.job, &ev, &res);
	if (in_checkout)
		checkout_over();
	if (res.outcome == RESULT_FAILED)
		res.retry_after_ms = (unsigned)netstream_take_retry_after();
	/* The result is the DONE message's; it is only released here. */
	memset(&m, 0, sizeof(m));
	m.type = MSG_DONE;
	m.job = job->job;
	m.u.done = res;
	send_or_die(&jc, &m);
	result_release(&res);
}

static int
say_hello(int fd)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = MSG_VERSION;
	m.u.hello.pid = (uint32_t)getpid();
	return wire_send(fd, &m);
}

/*
 * Limits that contain a hostile repository or a libgit2 bug to this one
 * process: a file-size cap makes writes fail with EFBIG (not SIGXFSZ).
 */
static void
set_limits(const struct worker_config *cfg)
{
	struct rlimit rl;

	if (cfg->max_file_size == 0)
		return;
	signal(SIGXFSZ, SIG_IGN);
	rl.rlim_cur = rl.rlim_max = (rlim_t)cfg->max_file_size;
	setrlimit(RLIMIT_FSIZE, &rl);
}

int
worker_main(int fd, void *arg)
{
	const struct worker_config *cfg = arg;
	struct gitctx_trust trust = { cfg->ca_file, NULL };
	struct sigaction sa;
	struct wire_reader rd;
	struct msg m;
	const char *grace;
	char err[256];
	int rc = 0, n;

	if ((grace = seam("STOP_GRACE_MS")) != NULL && atol(grace) > 0)
		cancel_grace_s = (unsigned)((atol(grace) + 999) / 1000);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read must return */
	sigaction(SIGTERM, &sa, NULL);
	/* Before libgit2 allocates anything: every byte of it is counted. */
	if (memlimit_install((size_t)cfg->max_memory) < 0)
		return 3;
	if (gitctx_global_init(cfg->connect_timeout_ms, cfg->read_timeout_ms,
	    cfg->max_objects, cfg->ca_file, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: worker: %s\n", err);
		return 3;
	}
	if (netstream_register(&cancelled, cfg->connect_timeout_ms,
	    cfg->read_timeout_ms) < 0)
		return 3;
	/* After the set-up, which writes a CA bundle of its own. */
	set_limits(cfg);
	wire_reader_init(&rd);
	if (say_hello(fd) == -1)
		cancelled = 1;
	while (!cancelled) {
		n = wire_recv(fd, &rd, &m, err, sizeof(err));
		if (n <= 0) {
			rc = n == 0 || cancelled ? 0 : 3;
			break;
		}
		if (m.type != MSG_JOB) {
			msg_release(&m);
			rc = 3;
			break;
		}
		run_job(fd, &m, cfg, &trust);
		msg_release(&m);
	}
	wire_reader_release(&rd);
	free(trust.loaded);
	gitctx_global_shutdown();
#ifdef GITHERD_ASAN
	/* Workers end with _exit(), which skips LeakSanitizer's own check. */
	if (__lsan_do_recoverable_leak_check() != 0)
		rc = 23;
#endif
	return rc;
}
