#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "fsutil.h"
#include "ledger.h"
#include "orphans.h"
#include "path.h"
#include "pool.h"
#include "progress.h"
#include "queue.h"
#include "report.h"
#include "run.h"
#include "screen.h"
#include "sig.h"
#include "summary.h"
#include "term.h"
#include "trace.h"
#include "view.h"
#include "wire.h"
#include "worker.h"
#include "xmalloc.h"

#define CLOSE_GRACE_MS		5000	/* EOF -> SIGKILL for an idle worker */
#define ERRBUF_MAX		16384	/* stray stderr kept per job */

struct run {
	const struct run_opts	*o;
	struct queue		 q;
	struct pool		 pool;
	struct progress		 pm;
	struct view		 view;
	struct trace		 trace;		/* --trace */
	struct buf		 out;
	bool			 stopping;	/* no more jobs: winding down */
	int			 stop_signal;	/* the signal that asked, if any */
	bool			 killed;	/* SIGKILL already sent */
	int64_t			 stop_deadline;
	struct screen		 screen;	/* when frames go out */
	int			 system_error;
	unsigned		 failed_starts;	/* workers in a row dead before HELLO */
	struct pollfd		*pfd;
};

/* Workers that die before saying HELLO, in a row, before we give up. */
#define MAX_FAILED_STARTS	3

/* --- output ------------------------------------------------------------- */

static void
draw(struct run *r, int64_t now, bool force)
{
	trace_counters(&r->trace, r->q.count[JOB_PENDING] + r->q.count[JOB_RUNNING],
	    progress_rate(&r->pm), now, force);
	screen_draw(&r->screen, &r->view, &r->pm, now, force);
}

/* --- jobs and workers --------------------------------------------------- */

static void
finish_job(struct run *r, size_t slot, struct job *j, int64_t now)
{
	struct worker *w = &r->pool.w[slot];

	if (w->errbuf.len > 0) {
		free(j->stderr_text);
		j->stderr_text = xstrndup(w->errbuf.data, w->errbuf.len);
		buf_reset(&w->errbuf);
	}
	trace_end(&r->trace, slot, j->state == JOB_FAILED ?
	    errclass_name(j->result.err_class) : job_state_name(j->state), now);
	progress_finish(&r->pm, slot, j);
	view_job_done(&r->view, j, &r->pm);
	free(j->tmp);		/* gone from disk; 10,000 of them add up */
	j->tmp = NULL;
	w->job = NULL;
	r->screen.dirty = true;
}

/*
 * A try of the job failed, with its class and message in j->result: tried
 * again later if the class and the policy allow (the slot takes other
 * work meanwhile), else the job fails.
 */
static void
try_failed(struct run *r, size_t slot, struct job *j, int64_t retry_after_ms,
    int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	int64_t delay = -1;
	enum err_class why;

	if (j->result.message == NULL)
		result_message(&j->result, "failed");
	if (r->stopping)
		j->result.err_class = ERR_CANCELLED;
	why = j->result.err_class;	/* queue_retry files it away */
	if (!r->stopping)
		delay = queue_retry(&r->q, j, &r->o->retry, retry_after_ms, now);
	if (delay < 0) {
		queue_finish(&r->q, j, j->result.err_class == ERR_CANCELLED ?
		    JOB_CANCELLED : JOB_FAILED, now);
		finish_job(r, slot, j, now);
		return;
	}
	buf_reset(&w->errbuf);
	trace_end(&r->trace, slot, errclass_name(why), now);
	trace_wait(&r->trace, j, delay, now);
	progress_drop(&r->pm, slot);
	view_retry(&r->view, j, delay, r->o->retry.retries + 1, &r->pm);
	free(j->tmp);
	j->tmp = NULL;
	w->job = NULL;
	r->screen.dirty = true;
}

/* A try ended without a result of the worker's (it died, or broke). */
static void
job_failed(struct run *r, size_t slot, struct job *j, enum err_class cls,
    const char *msg, int64_t now)
{
	j->result.err_class = cls;
	result_message(&j->result, "%s", msg);
	try_failed(r, slot, j, 0, now);
}

/*
 * A dead worker's temporary directory, reached from the workspace
 * through the walker: a link an entry's tree holds on the way to it
 * cannot send the removal elsewhere.
 */
static void
remove_tmp(const struct run *r, const struct job *j)
{
	size_t n = strlen(r->o->workspace);

	if (j->tmp != NULL && strncmp(j->tmp, r->o->workspace, n) == 0 &&
	    j->tmp[n] == '/')
		fs_rmtree_below(r->o->workspace, j->tmp + n + 1,
		    j->spec->links);
}

static char *
tmp_path(const struct run *r, const struct job *j)
{
	const char *path = j->spec->path, *base = strrchr(path, '/');
	int dirlen = base ? (int)(base - path) : 0;

	base = base ? base + 1 : path;
	/* A hidden sibling, so rename(2) stays on one filesystem. */
	return xasprintf("%s/%.*s%s" PATH_TMP_PREFIX ".%ld.%u.%.60s",
	    r->o->workspace, dirlen, path, dirlen ? "/" : "", (long)getpid(),
	    j->id, base);
}

/*
 * Where githerd last put the entry's checkout, from the workspace's
 * ledger, and whether the manifest asks for another ref since.
 */
static char *
placed_of(const struct run *r, const struct repo_spec *s, unsigned *flags)
{
	const struct ledger_entry *e;
	char *spec;

	*flags = 0;
	if (r->o->ledger == NULL ||
	    (e = ledger_find(r->o->ledger, s->path)) == NULL ||
	    e->placed == NULL)
		return NULL;
	spec = ledger_spec(s);
	if (strcmp(spec, e->spec) != 0)
		*flags = JOBF_REF_CHANGED;
	free(spec);
	return e->placed;
}

/*
 * The entries inside this one's work tree, whole lines up to a budget
 * that keeps the JOB frame small: past it, the rest show as untracked in
 * the outer entry's status, as git shows them.
 */
#define INNER_BUDGET	8192

static char *
inner_of(const struct repo_spec *s)
{
	size_t n;

	if (s->inner == NULL)
		return NULL;
	n = strlen(s->inner);
	if (n > INNER_BUDGET) {
		n = INNER_BUDGET;
		while (n > 0 && s->inner[n] != '\n')
			n--;
	}
	return n > 0 ? xstrndup(s->inner, n) : NULL;
}

static bool
send_job(struct run *r, size_t slot, int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	struct job *j = queue_next(&r->q, now);
	const struct repo_spec *s;
	struct msg m;
	unsigned flags;
	char *dest, *trash, *inner;

	if (j == NULL)
		return false;
	s = j->spec;
	free(j->tmp);
	j->tmp = tmp_path(r, j);
	dest = xasprintf("%s/%s", r->o->workspace, s->path);
	memset(&m, 0, sizeof(m));
	m.type = MSG_JOB;
	m.job = j->id;
	m.u.job.url = s->url;
	m.u.job.dest = dest;
	m.u.job.tmp = j->tmp;
	m.u.job.path = s->path;
	m.u.job.ref = s->ref;
	m.u.job.placed = placed_of(r, s, &flags);
	/* A retry's files replace an earlier try's. */
	import_set_release(&j->imports);
	m.u.job.imports = r->o->imports != NULL ? r->o->imports[j->id] : NULL;
	m.u.job.submodules = s->submodule_paths;
	trash = r->o->op == OP_RETIRE ? xasprintf("%s/%s/%s.%s", r->o->workspace,
	    ORPHANS_TRASH, s->path, r->o->trash_stamp) : NULL;
	m.u.job.trash = trash;
	m.u.job.outer = s->outer;
	m.u.job.inner = inner = inner_of(s);
	m.u.job.op = (uint8_t)r->o->op;
	m.u.job.ref_kind = (uint8_t)s->ref_kind;
	m.u.job.depth = s->depth;
	m.u.job.links = (uint8_t)(s->links > UINT8_MAX ? UINT8_MAX : s->links);
	m.u.job.flags = (uint8_t)((s->submodules ? JOBF_SUBMODULES : 0) |
	    (s->bare ? JOBF_BARE : 0) | (s->mirror ? JOBF_MIRROR : 0) |
	    r->o->job_flags | flags);
	wire_queue(&w->wr, &m);
	free(dest);
	free(trash);
	free(inner);
	w->job = j;
	w->state = W_BUSY;
	stall_start(&w->stall, now);
	w->kill_why[0] = '\0';
	buf_reset(&w->errbuf);
	progress_start(&r->pm, slot, j, now);
	trace_start(&r->trace, slot, j, now);
	view_job_start(&r->view, j, &r->pm);
	r->screen.dirty = true;
	return true;
}

/*
 * Closing the socket tells a worker to exit once it is idle; one that has
 * not exited by the deadline is killed, so shutdown cannot hang on it.
 */
static void
close_worker(struct worker *w, int64_t now)
{
	pool_close_socket(w);
	if (w->state == W_FREE)
		return;
	if (w->state != W_CLOSING)
		w->kill_deadline = now + CLOSE_GRACE_MS;
	w->state = W_CLOSING;
}

static void
kill_stragglers(struct run *r, int64_t now)
{
	struct worker *w;
	size_t i;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->state == W_CLOSING && !w->reaped &&
		    w->kill_deadline != 0 && now >= w->kill_deadline) {
			pool_signal(w, SIGKILL);
			w->kill_deadline = 0;
		}
	}
}

/*
 * The stall watchdog: a worker whose job made no real progress for
 * stall_ms (no callback fires while a socket hangs, and a server's
 * endless progress messages are not progress), whose pack arrives below
 * the low-speed limit, or whose job ran past the per-entry timeout, is
 * killed; its job fails as a timeout and may be tried again.
 */
static void
watchdog(struct run *r, int64_t now)
{
	struct stall_limits lim = { r->o->stall_ms, r->o->low_speed,
	    r->o->low_speed_ms };
	struct worker *w;
	size_t i;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->state != W_BUSY || w->job == NULL || w->kill_why[0])
			continue;
		if (stall_check(&w->stall, &lim, now, w->kill_why,
		    sizeof(w->kill_why)))
			;
		else if (r->o->timeout_ms > 0 &&
		    now - w->job->first_start_ms >= r->o->timeout_ms)
			snprintf(w->kill_why, sizeof(w->kill_why), "took longer "
			    "than %gs (--timeout, retries included); worker "
			    "killed", (double)r->o->timeout_ms / 1000);
		else
			continue;
		pool_signal(w, SIGKILL);
		close_worker(w, now);
	}
}

static size_t
count_state(const struct run *r, enum worker_state s)
{
	size_t i, n = 0;

	for (i = 0; i < r->pool.n; i++)
		if (r->pool.w[i].state == s)
			n++;
	return n;
}

/*
 * Keep every slot busy: idle workers get the next job at once; new
 * workers are forked only while there is queued work nobody waits for.
 */
static void
dispatch(struct run *r, int64_t now)
{
	size_t i, waiting;
	char err[256];
	struct worker *w;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->state == W_IDLE && queue_startable(&r->q) > 0 &&
		    !send_job(r, i, now))
			break;		/* nothing due yet */
	}
	/* Workers only for jobs that could start: a host at its limit or a
	 * retry waiting for its time needs none yet. */
	waiting = count_state(r, W_IDLE) + count_state(r, W_STARTING);
	for (i = 0; i < r->pool.n && waiting < queue_startable(&r->q); i++) {
		if (r->pool.w[i].state != W_FREE)
			continue;
		if (pool_spawn(&r->pool, i, r->o->worker_main, (void *)&r->o->worker,
		    err, sizeof(err)) == -1) {
			view_note(&r->view, err);
			r->screen.dirty = true;
			if (pool_alive(&r->pool) == 0)
				r->system_error = 1;
			break;
		}
		waiting++;
	}
	/* Nothing left to hand out: let idle workers go. */
	if (r->q.count[JOB_PENDING] == 0)
		for (i = 0; i < r->pool.n; i++)
			if (r->pool.w[i].state == W_IDLE ||
			    r->pool.w[i].state == W_STARTING)
				close_worker(&r->pool.w[i], now);
}

static void
on_done(struct run *r, size_t slot, struct msg *m, int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	struct job *j = w->job;
	static const enum job_state states[RESULT_MAX] = {
		[RESULT_CLONED] = JOB_CLONED,
		[RESULT_UPDATED] = JOB_UPDATED,
		[RESULT_UNCHANGED] = JOB_UNCHANGED,
		[RESULT_SKIPPED] = JOB_SKIPPED,
		[RESULT_KEPT] = JOB_KEPT,
		[RESULT_FAILED] = JOB_FAILED,
		[RESULT_CANCELLED] = JOB_CANCELLED,
		[RESULT_CHECKED] = JOB_CHECKED,
	};

	if (j == NULL || m->job != j->id)
		return;
	/* The worker's result becomes the job's, strings and all. */
	result_move(&j->result, &m->u.done);
	if (j->result.outcome == RESULT_FAILED ||
	    j->result.outcome == RESULT_CANCELLED)
		try_failed(r, slot, j, j->result.retry_after_ms, now);
	else {
		queue_finish(&r->q, j, states[j->result.outcome], now);
		finish_job(r, slot, j, now);
	}
	w->served++;
	if (r->stopping || w->served >= r->o->worker_quota)
		close_worker(w, now);	/* it exits on EOF; a fresh one follows */
	else
		w->state = W_IDLE;
}

static void	protocol_error(struct run *, size_t, const char *, int64_t);

static void
on_message(struct run *r, size_t slot, struct msg *m, int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	bool mine = w->job != NULL && m->job == w->job->id;
	char why[300];

	switch (m->type) {
	case MSG_HELLO:
		if (w->state == W_STARTING)
			w->state = W_IDLE;
		w->greeted = true;
		r->failed_starts = 0;
		break;
	case MSG_PHASE:
		if (mine) {
			progress_phase(&r->pm, slot, (enum phase)m->u.phase, now);
			trace_phase(&r->trace, slot, (enum phase)m->u.phase, now);
			stall_phase(&w->stall, (enum phase)m->u.phase, now);
		}
		r->screen.dirty = true;
		break;
	case MSG_PROGRESS:
		if (mine) {
			progress_update(&r->pm, slot, &m->u.progress, now);
			stall_progress(&w->stall, &m->u.progress, now);
		}
		r->screen.dirty = true;
		break;
	case MSG_LOG:
		if (mine && m->u.log.text != NULL)
			view_warning(&r->view, w->job->spec->path,
			    m->u.log.text);
		r->screen.dirty = true;
		break;
	case MSG_DONE:
		on_done(r, slot, m, now);
		break;
	case MSG_FILE:
		if (mine && import_set_take(&w->job->imports, &m->u.file, why,
		    sizeof(why)) == -1)
			protocol_error(r, slot, why, now);
		break;
	default:
		break;
	}
}

/* A worker that breaks the protocol is killed; its job fails, the run goes on. */
static void
protocol_error(struct run *r, size_t slot, const char *why, int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	char msg[320];

	pool_signal(w, SIGKILL);
	close_worker(w, now);
	if (w->job != NULL) {
		snprintf(msg, sizeof(msg), "worker protocol error: %s", why);
		remove_tmp(r, w->job);
		job_failed(r, slot, w->job, ERR_PROTOCOL, msg, now);
	}
}

static void
read_socket(struct run *r, size_t slot, int64_t now)
{
	struct worker *w = &r->pool.w[slot];
	struct msg m;
	char err[256];
	ssize_t n;
	int got;

	n = wire_fill(&w->rd, w->sock);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	while ((got = wire_next(&w->rd, &m, err, sizeof(err))) == 1) {
		on_message(r, slot, &m, now);
		msg_release(&m);
		if (w->sock == -1)
			return;
	}
	if (got == -1) {
		protocol_error(r, slot, err, now);
		return;
	}
	if (n <= 0)			/* EOF or a dead socket */
		close_worker(w, now);
}

static void
read_stderr(struct run *r, size_t slot)
{
	struct worker *w = &r->pool.w[slot];
	char chunk[4096];
	ssize_t n;

	for (;;) {
		n = read(w->errfd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			pool_close_stderr(w);
			return;
		}
		if (w->errbuf.len < ERRBUF_MAX)
			buf_add(&w->errbuf, chunk, (size_t)n);
	}
}

static void
describe_status(int st, char *out, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(out, len, "worker killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(out, len, "worker exited with status %d before "
		    "finishing", WEXITSTATUS(st));
	else
		snprintf(out, len, "worker ended unexpectedly");
}

/*
 * A slot is free once its process is reaped and both channels are at EOF
 * (git's WAIT_CLEANUP): only then is everything it said accounted for.
 */
static void
retire(struct run *r, int64_t now)
{
	struct worker *w;
	char why[240];
	size_t i;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->state == W_FREE || !w->reaped || w->sock != -1 ||
		    w->errfd != -1)
			continue;
		if (w->job != NULL) {
			/* A worker killed by the watchdog said why already. */
			if (w->kill_why[0] != '\0')
				snprintf(why, sizeof(why), "%s", w->kill_why);
			else if (r->stopping && r->stop_signal != 0)
				/* ours, not a crash: name the cancel */
				snprintf(why, sizeof(why), "cancelled by %s",
				    r->stop_signal == SIGINT ? "^C" :
				    r->stop_signal == SIGTERM ? "SIGTERM" :
				    "SIGHUP");
			else
				describe_status(w->wstatus, why, sizeof(why));
			remove_tmp(r, w->job);
			job_failed(r, i, w->job, w->kill_why[0] ? ERR_TIMEOUT :
			    ERR_CRASHED, why, now);
		} else if (w->errbuf.len > 0 || (WIFEXITED(w->wstatus) &&
		    WEXITSTATUS(w->wstatus) != 0) || (WIFSIGNALED(w->wstatus) &&
		    !r->killed)) {
			describe_status(w->wstatus, why, sizeof(why));
			if (!WIFEXITED(w->wstatus) || WEXITSTATUS(w->wstatus))
				view_warning(&r->view, NULL, why);
			if (w->errbuf.len > 0)
				view_warning(&r->view, NULL, w->errbuf.data);
			r->screen.dirty = true;
			/* One that cannot even start will not do better forked
			 * again: stop instead of spinning. */
			if (!w->greeted && !r->stopping &&
			    ++r->failed_starts >= MAX_FAILED_STARTS) {
				view_note(&r->view, "workers fail to start; "
				    "giving up");
				r->system_error = 1;
			}
		}
		worker_reset(w);
	}
}

static void
reap(struct run *r)
{
	struct worker *w;
	pid_t pid;
	int st;

	while ((pid = sig_reap(&st)) != 0)
		if ((w = pool_find_pid(&r->pool, pid)) != NULL) {
			w->reaped = true;
			w->wstatus = st;
		}
}

/* --- shutdown ----------------------------------------------------------- */

static bool	in_checkout(const struct run *, size_t);

static int64_t
grace_ms(const struct run *r)
{
	return r->o->stop_grace_ms > 0 ? r->o->stop_grace_ms :
	    RUN_STOP_GRACE_MS;
}

static void
begin_stop(struct run *r, int signo, int64_t now)
{
	size_t i;
	struct worker *w;

	if (r->stopping) {
		/* A second ^C: no more grace. */
		for (i = 0; i < r->pool.n; i++)
			pool_signal(&r->pool.w[i], SIGKILL);
		r->killed = true;
		return;
	}
	r->stopping = true;
	r->stop_signal = signo;
	r->stop_deadline = now + grace_ms(r);
	/* Jobs that never started count as cancelled without a line each. */
	progress_count_cancelled(&r->pm, queue_cancel_pending(&r->q, now));
	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->state == W_BUSY)
			pool_signal(w, SIGTERM);
		else
			close_worker(w, now);
	}
	if (signo != 0)
		view_note(&r->view, signo == SIGINT ? "interrupted: "
		    "stopping workers and removing partial clones" :
		    "terminated: stopping workers and removing partial clones");
	for (i = 0; i < r->pool.n; i++)
		if (in_checkout(r, i)) {
			char *note = xasprintf("finishing checkout of %s... "
			    "(^C again to stop at once)",
			    r->pool.w[i].job->spec->path);

			view_note(&r->view, note);
			free(note);
		}
	r->screen.dirty = true;
}

/*
 * A worker writing a checkout's files finishes them before it stops (a
 * half-written work tree is what ^C must never leave), so the grace
 * period does not end it; the second ^C does.
 */
static bool
in_checkout(const struct run *r, size_t slot)
{
	const struct worker *w = &r->pool.w[slot];

	return w->state == W_BUSY && w->job != NULL &&
	    r->pm.slots[slot].job == w->job &&
	    r->pm.slots[slot].phase == PHASE_CHECKOUT;
}

/* The grace period is over: kill what is not finishing a checkout. */
static void
end_grace(struct run *r, int64_t now)
{
	size_t i;
	bool finishing = false;

	for (i = 0; i < r->pool.n; i++) {
		if (in_checkout(r, i))
			finishing = true;
		else
			pool_signal(&r->pool.w[i], SIGKILL);
	}
	if (finishing)
		r->stop_deadline = now + grace_ms(r);
	else
		r->killed = true;
}

static void
handle_signals(struct run *r, int64_t now)
{
	unsigned bits = sig_drain();
	int stops[3];
	size_t i, n;

	if (bits & SIGB_CHLD)
		reap(r);
	for (i = 0, n = sig_stops(bits, stops); i < n; i++)
		begin_stop(r, stops[i], now);
	if ((bits & SIGB_WINCH) && r->view.mode == VIEW_TTY) {
		view_resize(&r->view, term_width(r->o->progress_fd));
		r->screen.dirty = true;
	}
}

/* --- the loop ----------------------------------------------------------- */

static int
poll_timeout(const struct run *r, int64_t now)
{
	int64_t t = screen_wait_ms(&r->screen, now), due = queue_next_retry(&r->q);

	if (due != -1 && due - now < t)
		t = due - now;	/* a retry falls due */
	if (r->stopping && !r->killed && r->stop_deadline - now < t)
		t = r->stop_deadline - now;
	return t < 0 ? 0 : (int)t;
}

static size_t
arm(struct run *r)
{
	struct worker *w;
	size_t i, n = 0;

	r->pfd[n].fd = sig_fd();
	r->pfd[n++].events = POLLIN;
	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		r->pfd[n].fd = w->sock;		/* -1 is ignored by poll */
		r->pfd[n].events = POLLIN |
		    (w->sock != -1 && wire_pending(&w->wr) ? POLLOUT : 0);
		n++;
		r->pfd[n].fd = w->errfd;
		r->pfd[n++].events = POLLIN;
	}
	return n;
}

static void
service(struct run *r, int64_t now)
{
	struct worker *w;
	size_t i;
	short sre, ere;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		sre = r->pfd[1 + 2 * i].revents;
		ere = r->pfd[2 + 2 * i].revents;
		if (w->sock != -1 && (sre & POLLOUT) &&
		    wire_flush(&w->wr, w->sock) == -1)
			close_worker(w, now);
		if (w->sock != -1 && (sre & (POLLIN | POLLHUP | POLLERR)))
			read_socket(r, i, now);
		if (w->errfd != -1 && (ere & (POLLIN | POLLHUP | POLLERR)))
			read_stderr(r, i);
	}
}

static void
flush_queues(struct run *r, int64_t now)
{
	struct worker *w;
	size_t i;

	for (i = 0; i < r->pool.n; i++) {
		w = &r->pool.w[i];
		if (w->sock != -1 && wire_pending(&w->wr) &&
		    wire_flush(&w->wr, w->sock) == -1)
			close_worker(w, now);
	}
}

static int
loop(struct run *r)
{
	int64_t now;
	size_t n;
	int rc;

	for (;;) {
		now = clock_ms();
		if (!r->stopping)
			dispatch(r, now);
		if (r->system_error && !r->stopping)
			begin_stop(r, 0, now);	/* cannot go on: wind down */
		if (r->stopping && !r->killed && now >= r->stop_deadline)
			end_grace(r, now);
		flush_queues(r, now);
		watchdog(r, now);
		kill_stragglers(r, now);
		retire(r, now);
		if (pool_alive(&r->pool) == 0 &&
		    (queue_idle(&r->q) || r->stopping))
			return 0;
		draw(r, now, false);
		n = arm(r);
		rc = poll(r->pfd, n, poll_timeout(r, now));
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return -1;
		now = clock_ms();
		if (r->pfd[0].revents & POLLIN)
			handle_signals(r, now);
		service(r, now);
	}
}

static enum exit_code
exit_code(const struct run *r)
{
	if (r->system_error)
		return EXIT_SYSTEM;
	if (r->q.count[JOB_FAILED] > 0 || (r->q.count[JOB_UNSUPPORTED] > 0 &&
	    !r->o->ignore_unsupported))
		return EXIT_FAILED;
	if (r->q.count[JOB_SKIPPED] > 0)
		return EXIT_SKIPPED;
	return EXIT_OK;
}

static void
write_report(struct run *r, time_t started, int64_t elapsed, int code)
{
	struct report_meta meta;
	char err[512];

	if (r->o->json_file == NULL)
		return;
	memset(&meta, 0, sizeof(meta));
	meta.libgit2 = r->o->libgit2;
	meta.manifest = r->o->manifest_file;
	meta.workspace = r->o->workspace;
	meta.started = started;
	meta.duration_ms = elapsed;
	meta.exit_code = code;
	meta.signal = r->stop_signal == SIGINT ? "SIGINT" :
	    r->stop_signal == SIGTERM ? "SIGTERM" :
	    r->stop_signal == SIGHUP ? "SIGHUP" : NULL;
	meta.workers = r->o->jobs;
	if (report_write(r->o->json_file, &r->q, &meta, err, sizeof(err)) == -1) {
		buf_reset(&r->out);
		buf_addf(&r->out, "githerd: cannot write the report: %s\n", err);
		fs_write_all(r->o->progress_fd, r->out.data, r->out.len);
	}
}

static void
write_trace(struct run *r, int64_t now)
{
	char err[600];

	if (r->o->trace_file == NULL)
		return;
	if (trace_write(&r->trace, r->o->trace_file, now, err,
	    sizeof(err)) == -1) {
		buf_reset(&r->out);
		buf_addf(&r->out, "githerd: cannot write the trace: %s\n", err);
		fs_write_all(r->o->progress_fd, r->out.data, r->out.len);
	}
}

/* The entries no worker takes, each a line before the others start. */
static void
tell_unsupported(struct run *r)
{
	size_t i;

	for (i = 0; i < r->q.njobs && r->q.count[JOB_UNSUPPORTED] > 0; i++)
		if (r->q.jobs[i].state == JOB_UNSUPPORTED) {
			progress_count(&r->pm, &r->q.jobs[i]);
			view_job_done(&r->view, &r->q.jobs[i], &r->pm);
		}
}

int
run_jobs(const struct manifest *m, const struct run_opts *o,
    struct run_result *res)
{
	struct run r;
	int64_t start = clock_ms(), now;
	time_t started = time(NULL);
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	screen_init(&r.screen, o->progress_fd);
	buf_init(&r.out);
	queue_init(&r.q, m);
	if (o->order != NULL)
		queue_set_order(&r.q, o->order);
	if (o->hosts != NULL)
		queue_set_hosts(&r.q, o->hosts->host_of, o->hosts->limit,
		    o->hosts->nhosts);
	pool_init(&r.pool, o->jobs);
	progress_init(&r.pm, o->jobs, r.q.njobs, start);
	progress_expect(&r.pm, &r.q, o->expect_ms, o->expect_bytes);
	trace_init(&r.trace, o->trace_file != NULL, o->jobs, start);
	view_init(&r.view, o->mode, term_width(o->progress_fd), o->color,
	    o->verbosity, o->jobs);
	r.pfd = xcalloc(1 + POOL_FDS_PER_WORKER * o->jobs, sizeof(*r.pfd));
	if (o->notes != NULL)
		view_note(&r.view, o->notes);
	if (o->op == OP_SYNC)
		tell_unsupported(&r);

	rc = loop(&r);
	if (rc == -1)
		r.system_error = 1;
	now = clock_ms();
	/* Whatever is left running was cut short: nothing partial stays. */
	draw(&r, now, true);
	screen_close(&r.screen, &r.view);
	buf_reset(&r.out);
	res->exit_code = exit_code(&r);
	if (o->finish != NULL)
		o->finish(&r.q, o->finish_arg, &r.out, &res->exit_code);
	else if (o->verbosity >= 0 || res->exit_code != EXIT_OK) {
		summary_sync(&r.out, &r.q, &r.pm, now, o->summary_color);
		if (o->verbosity >= 0)
			summary_utilisation(&r.out, &r.q, &r.pm, now, o->jobs);
	}
	fs_write_all(o->summary_fd, r.out.data, r.out.len);
	res->signal = r.stop_signal;
	/* The report says what the shell will see: 128 + a signal's number. */
	write_report(&r, started, now - start, r.stop_signal ? 128 +
	    r.stop_signal : (int)res->exit_code);
	if (o->record != NULL)
		o->record(&r.q, o->record_arg);
	write_trace(&r, now);

	free(r.pfd);
	view_release(&r.view);
	trace_release(&r.trace);
	progress_release(&r.pm);
	pool_release(&r.pool);
	queue_release(&r.q);
	buf_release(&r.out);
	screen_release(&r.screen);
	return 0;
}
