#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "compat.h"
#include "execrun.h"
#include "execshow.h"
#include "fsutil.h"
#include "progress.h"
#include "screen.h"
#include "sig.h"
#include "term.h"
#include "url.h"
#include "xmalloc.h"

/* One command running, from fork to the end of its output. */
struct slot {
	pid_t			 pid;		/* 0: free */
	int			 fd;		/* its output; -1 once at EOF */
	struct exec_entry	*e;
	bool			 reaped;
	int			 wstatus;
	int64_t			 ended_ms;	/* when it was reaped */
	int64_t			 kill_at;	/* SIGKILL then, if set */
	bool			 termed;	/* SIGTERM sent */
	bool			 timed_out;
};

struct loop {
	const struct exec_opts	*o;
	struct exec_run		*run;
	struct slot		*s;
	struct pollfd		*pfd;
	struct progress		 pm;
	struct view		 view;
	struct screen		 screen;
	struct buf		 out;
	int			 wsfd;
	size_t			 next;		/* first entry not started */
	bool			 stopping;
	bool			 out_ok;	/* out_fd still writable */
};

/* What the child tells the parent when it cannot get to exec. */
struct start_note {
	int	step;		/* STEP_* */
	int	error;		/* errno */
};

enum { STEP_CD = 1, STEP_SETUP, STEP_RUN };

/* --- the child ---------------------------------------------------------- */

_Noreturn static void
child_fail(int note, int step)
{
	struct start_note n = { step, errno };

	(void)!write(note, &n, sizeof(n));
	_exit(step == STEP_RUN && n.error == ENOENT ? 127 : 126);
}

/* What the command may want to know of its entry (repo forall's REPO_*). */
static void
child_env(const struct exec_opts *o, const struct repo_spec *r)
{
	char *url = url_strip_secrets(r->url);

	setenv("GITHERD_WORKSPACE", o->workspace, 1);
	setenv("GITHERD_PATH", r->path, 1);
	setenv("GITHERD_URL", url, 1);
	free(url);
}

/*
 * After fork: die with githerd (checking it did not die first), default
 * signals, a session of its own (^C on the terminal reaches githerd,
 * which stops the commands itself; no controlling terminal, so nothing
 * can prompt), the checkout as its directory, /dev/null and the pipe as
 * its standard descriptors, nothing else of githerd's, then exec.
 */
_Noreturn static void
child(const struct exec_opts *o, const struct exec_entry *e, pid_t parent,
    const sigset_t *mask, int dirfd, int outw, int note)
{
	int devnull;

	if (compat_parent_death_signal(SIGTERM) == -1 || getppid() != parent)
		_exit(126);
	sig_exec_reset();
	if (setsid() == -1)
		child_fail(note, STEP_SETUP);
	if (fchdir(dirfd) == -1)
		child_fail(note, STEP_CD);
	/* Ours out of the way (10 up) first: the dup2s below take 0-3. */
	if ((outw = fcntl(outw, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (note = fcntl(note, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (devnull = open("/dev/null", O_RDONLY)) == -1)
		child_fail(note, STEP_SETUP);
	if (dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(outw, STDOUT_FILENO) == -1 ||
	    dup2(outw, STDERR_FILENO) == -1 || dup2(note, 3) == -1 ||
	    fcntl(3, F_SETFD, FD_CLOEXEC) == -1)
		child_fail(note, STEP_SETUP);
	note = 3;
	compat_close_from(4);
	child_env(o, e->job.spec);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(o->argv[0], o->argv);
	child_fail(note, STEP_RUN);
}

/* --- starting ----------------------------------------------------------- */

/*
 * The entry's checkout, reached from the workspace without following a
 * link; -1 with why when there is none to run in.
 */
static int
open_checkout(const struct loop *l, const struct repo_spec *r, char *why,
    size_t len)
{
	char bad[1024], *path;
	int fd, ok;

	if ((fd = fs_walk_links(l->wsfd, r->path, r->links, false, bad,
	    sizeof(bad))) == -1) {
		if (errno == ENOENT)
			snprintf(why, len, "not checked out");
		else
			fs_walk_why(errno, bad, why, len);
		return -1;
	}
	path = xasprintf("%s/%s", l->o->workspace, r->path);
	ok = fs_is_git_repo(path);
	if (fs_dotgit_is_link(path))
		snprintf(why, len, "%s/.git is a symbolic link: not run there",
		    r->path);
	else if (!ok)
		snprintf(why, len, "not a git repository");
	free(path);
	if (!ok || why[0] != '\0') {
		close(fd);
		return -1;
	}
	return fd;
}

static void
start_failed(struct exec_entry *e, const char *what, int error)
{
	e->error = error;
	free(e->why);
	e->why = xasprintf("cannot %s: %s", what, strerror(error));
}

/* Blocks until the child has exec'd (EOF) or says why it could not. */
static void
read_note(const struct loop *l, struct exec_entry *e, int fd)
{
	struct start_note n;
	char *what;
	ssize_t got;

	do
		got = read(fd, &n, sizeof(n));
	while (got == -1 && errno == EINTR);
	if (got != (ssize_t)sizeof(n) || n.step < STEP_CD || n.step > STEP_RUN)
		return;
	what = n.step == STEP_RUN ? xasprintf("run %s", l->o->argv[0]) :
	    xstrdup(n.step == STEP_CD ? "enter the checkout" :
	    "set up the command");
	start_failed(e, what, n.error);
	free(what);
}

/*
 * Fork the command for e into slot s.  0, or -1 with the reason in e
 * when no process was made.
 */
static int
spawn(struct loop *l, struct slot *s, struct exec_entry *e, int dirfd)
{
	int out[2] = { -1, -1 }, note[2] = { -1, -1 }, saved;
	pid_t pid, parent = getpid();
	sigset_t old;

	if (compat_pipe_cloexec(out) == -1 || compat_pipe_cloexec(note) == -1) {
		start_failed(e, "create a pipe", errno);
		goto fail;
	}
	fflush(NULL);		/* or the child would flush our buffers too */
	sig_block(&old);
	if ((pid = fork()) == 0) {
		close(out[0]);
		close(note[0]);
		child(l->o, e, parent, &old, dirfd, out[1], note[1]);
	}
	saved = errno;
	sig_unblock(&old);
	if (pid == -1) {
		start_failed(e, "fork", saved);
		goto fail;
	}
	close(out[1]);
	close(note[1]);
	/* The session exists once this returns: kill(-pid) reaches it. */
	read_note(l, e, note[0]);
	close(note[0]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->fd = out[0];
	s->e = e;
	return 0;
fail:
	if (out[0] != -1) {
		close(out[0]);
		close(out[1]);
	}
	if (note[0] != -1) {
		close(note[0]);
		close(note[1]);
	}
	return -1;
}

static enum job_state
job_state_of(enum exec_state s)
{
	switch (s) {
	case EXEC_OK:
		return JOB_CHECKED;
	case EXEC_NOT_RUN:
		return JOB_SKIPPED;
	case EXEC_CANCELLED:
		return JOB_CANCELLED;
	default:
		return JOB_FAILED;
	}
}

/* Its block goes out whole: above the live area, or to out_fd. */
static void
show(struct loop *l, struct exec_entry *e)
{
	bool quiet = l->o->verbosity < 0 && e->state == EXEC_OK;

	if (l->o->out_fd != -1 && !quiet && l->out_ok) {
		buf_reset(&l->out);
		execshow_block(&l->out, e, l->o->out_color);
		if (l->o->out_via_view)
			view_emit_lines(&l->view, l->out.data, l->out.len);
		else if (l->out_ok && fs_write_all(l->o->out_fd, l->out.data,
		    l->out.len) == -1)
			l->out_ok = false;	/* | head: the commands go on */
	}
	if (!l->o->keep_output) {
		buf_release(&e->output);
		buf_init(&e->output);
	}
	l->screen.dirty = true;
}

static void
finish(struct loop *l, struct exec_entry *e, enum exec_state st, int64_t now)
{
	e->state = st;
	e->job.state = job_state_of(st);
	e->job.end_ms = now;
	l->run->count[st]++;
	show(l, e);
}

static void
not_run(struct loop *l, struct exec_entry *e, const char *why, int64_t now)
{
	e->why = xstrdup(why);
	e->job.start_ms = now;
	finish(l, e, EXEC_NOT_RUN, now);
	progress_count(&l->pm, &e->job);
}

/*
 * The next entry into free slot i: true when its command runs there;
 * false when the entry ended at once (no checkout, or no process).
 */
static bool
start_one(struct loop *l, size_t i, int64_t now)
{
	struct exec_entry *e = &l->run->e[l->next++];
	char why[1200];
	int dirfd, rc;

	why[0] = '\0';
	if ((dirfd = open_checkout(l, e->job.spec, why, sizeof(why))) == -1) {
		not_run(l, e, why, now);
		return false;
	}
	e->job.start_ms = e->job.first_start_ms = now;
	e->job.tries = 1;
	e->state = EXEC_RUNNING;
	rc = spawn(l, &l->s[i], e, dirfd);
	close(dirfd);
	if (rc == -1) {
		finish(l, e, EXEC_FAILED, now);
		progress_count(&l->pm, &e->job);
		return false;
	}
	progress_start(&l->pm, i, &e->job, now);
	progress_phase(&l->pm, i, PHASE_RUN, now);
	view_job_start(&l->view, &e->job, &l->pm);
	l->screen.dirty = true;
	return true;
}

/* Every free slot takes the next entry that can run. */
static void
start_entries(struct loop *l, int64_t now)
{
	size_t i;

	for (i = 0; i < l->o->jobs; i++)
		while (l->s[i].pid == 0 && l->next < l->run->n &&
		    !start_one(l, i, now))
			;
}

/* --- running ------------------------------------------------------------ */

/* The command and whatever it started: its session is its group. */
static void
kill_group(struct slot *s, int sig)
{
	if (s->pid > 0)
		kill(-s->pid, sig);
}

/* SIGTERM now, SIGKILL after the grace period. */
static void
terminate(struct loop *l, struct slot *s, int64_t now)
{
	if (s->pid == 0 || s->termed)
		return;
	s->termed = true;
	kill_group(s, SIGTERM);
	s->kill_at = now + l->o->grace_ms;
}

static void
read_output(struct slot *s)
{
	struct exec_entry *e = s->e;
	char chunk[65536];
	size_t room;
	ssize_t n;

	for (;;) {
		n = read(s->fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(s->fd);
			s->fd = -1;
			return;
		}
		room = EXEC_OUTPUT_MAX - e->output.len;
		if ((size_t)n > room) {
			e->dropped += (uint64_t)n - room;
			n = (ssize_t)room;
		}
		buf_add(&e->output, chunk, (size_t)n);
	}
}

static void
reap(struct loop *l, int64_t now)
{
	pid_t pid;
	size_t i;
	int st;

	while ((pid = sig_reap(&st)) != 0)
		for (i = 0; i < l->o->jobs; i++)
			if (l->s[i].pid == pid && !l->s[i].reaped) {
				l->s[i].reaped = true;
				l->s[i].wstatus = st;
				l->s[i].ended_ms = now;
			}
}

static enum exec_state
outcome(const struct loop *l, const struct slot *s)
{
	struct exec_entry *e = s->e;

	if (WIFEXITED(s->wstatus))
		e->exit_code = WEXITSTATUS(s->wstatus);
	else if (WIFSIGNALED(s->wstatus))
		e->signal = WTERMSIG(s->wstatus);
	if (s->timed_out)
		return EXEC_TIMEOUT;
	if (e->error != 0)
		return EXEC_FAILED;
	if (WIFEXITED(s->wstatus) && e->exit_code == 0)
		return EXEC_OK;		/* done before the signal took */
	if (l->stopping && l->run->signal != 0 && s->termed) {
		e->why = xstrdup(l->run->signal == SIGINT ? "cancelled by ^C" :
		    l->run->signal == SIGTERM ? "cancelled by SIGTERM" :
		    "cancelled by SIGHUP");
		return EXEC_CANCELLED;
	}
	return EXEC_FAILED;
}

/*
 * A slot is done once its command is reaped and its output at EOF, or
 * EXEC_LINGER_MS after the exit when something it started keeps the
 * pipe open (then what that writes is not githerd's to wait for).
 */
static void
retire(struct loop *l, int64_t now)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < l->o->jobs; i++) {
		s = &l->s[i];
		if (s->pid == 0 || !s->reaped)
			continue;
		if (s->fd != -1 && now - s->ended_ms < EXEC_LINGER_MS)
			continue;
		if (s->fd != -1) {
			read_output(s);
			if (s->fd != -1) {
				close(s->fd);
				s->e->cut = true;
			}
		}
		finish(l, s->e, outcome(l, s), now);
		progress_finish(&l->pm, i, &s->e->job);
		memset(s, 0, sizeof(*s));
		s->fd = -1;
	}
}

/* --timeout and the grace periods. */
static void
watch(struct loop *l, int64_t now)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < l->o->jobs; i++) {
		s = &l->s[i];
		if (s->pid == 0 || s->reaped)
			continue;
		if (l->o->timeout_ms > 0 && !s->termed &&
		    now - s->e->job.start_ms >= l->o->timeout_ms) {
			s->timed_out = true;
			s->e->why = xasprintf("killed after --timeout %gs",
			    (double)l->o->timeout_ms / 1000);
			terminate(l, s, now);
		}
		if (s->kill_at != 0 && now >= s->kill_at) {
			kill_group(s, SIGKILL);
			s->kill_at = 0;
		}
	}
}

/* --- stopping ----------------------------------------------------------- */

static void
begin_stop(struct loop *l, int signo, int64_t now)
{
	struct exec_entry *e;
	size_t i;

	if (l->stopping) {
		/* A second ^C: no more grace. */
		for (i = 0; i < l->o->jobs; i++)
			if (l->s[i].pid != 0 && !l->s[i].reaped)
				kill_group(&l->s[i], SIGKILL);
		return;
	}
	l->stopping = true;
	l->run->signal = signo;
	for (; l->next < l->run->n; l->next++) {
		e = &l->run->e[l->next];
		e->state = EXEC_CANCELLED;
		e->job.state = JOB_CANCELLED;
		e->why = xstrdup("not started");
		l->run->count[EXEC_CANCELLED]++;
		progress_count(&l->pm, &e->job);
	}
	for (i = 0; i < l->o->jobs; i++)
		terminate(l, &l->s[i], now);
	view_note(&l->view, signo == SIGINT ? "interrupted: stopping the "
	    "commands" : "terminated: stopping the commands");
	l->screen.dirty = true;
}

static void
handle_signals(struct loop *l, int64_t now)
{
	unsigned bits = sig_drain();
	int stops[3];
	size_t i, n;

	if (bits & SIGB_CHLD)
		reap(l, now);
	for (i = 0, n = sig_stops(bits, stops); i < n; i++)
		begin_stop(l, stops[i], now);
	if ((bits & SIGB_WINCH) && l->view.mode == VIEW_TTY) {
		view_resize(&l->view, term_width(l->o->progress_fd));
		l->screen.dirty = true;
	}
}

/* --- the loop ----------------------------------------------------------- */

static int
poll_timeout(const struct loop *l, int64_t now)
{
	int64_t t = screen_wait_ms(&l->screen, now), d;
	const struct slot *s;
	size_t i;

	for (i = 0; i < l->o->jobs; i++) {
		s = &l->s[i];
		if (s->pid == 0)
			continue;
		d = s->reaped ? s->ended_ms + EXEC_LINGER_MS :
		    s->kill_at != 0 ? s->kill_at :
		    l->o->timeout_ms > 0 && !s->termed ?
		    s->e->job.start_ms + l->o->timeout_ms : -1;
		if (d != -1 && d - now < t)
			t = d - now;
	}
	return t < 0 ? 0 : (int)t;
}

static bool
busy(const struct loop *l)
{
	size_t i;

	for (i = 0; i < l->o->jobs; i++)
		if (l->s[i].pid != 0)
			return true;
	return false;
}

static int
loop(struct loop *l)
{
	size_t i, n;
	int64_t now;
	int rc;

	for (;;) {
		now = clock_ms();
		if (!l->stopping)
			start_entries(l, now);
		watch(l, now);
		retire(l, now);
		if (!busy(l) && (l->next >= l->run->n || l->stopping))
			return 0;
		screen_draw(&l->screen, &l->view, &l->pm, now, false);
		l->pfd[0].fd = sig_fd();
		l->pfd[0].events = POLLIN;
		for (i = 0, n = 1; i < l->o->jobs; i++, n++) {
			l->pfd[n].fd = l->s[i].fd;	/* -1 is ignored */
			l->pfd[n].events = POLLIN;
		}
		rc = poll(l->pfd, n, poll_timeout(l, now));
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return -1;
		now = clock_ms();
		if (l->pfd[0].revents & POLLIN)
			handle_signals(l, now);
		for (i = 0; i < l->o->jobs; i++)
			if (l->s[i].fd != -1 &&
			    (l->pfd[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_output(&l->s[i]);
	}
}

/* Only when the loop broke: nothing of ours may outlive the run. */
static void
stop_all(struct loop *l)
{
	size_t i;

	for (i = 0; i < l->o->jobs; i++) {
		if (l->s[i].pid == 0)
			continue;
		if (!l->s[i].reaped) {
			kill_group(&l->s[i], SIGKILL);
			while (waitpid(l->s[i].pid, NULL, 0) == -1 && errno == EINTR)
				;
		}
		if (l->s[i].fd != -1)
			close(l->s[i].fd);
		l->s[i].e->state = EXEC_FAILED;
		l->run->count[EXEC_FAILED]++;
	}
}

int
execrun(struct exec_run *r, const struct manifest *m,
    const struct exec_opts *o)
{
	struct loop l;
	int64_t start = clock_ms(), now;
	size_t i;
	int rc = -1;

	execresult_init(r, m);
	r->started = time(NULL);
	memset(&l, 0, sizeof(l));
	l.o = o;
	l.run = r;
	l.out_ok = true;
	screen_init(&l.screen, o->progress_fd);
	buf_init(&l.out);
	l.s = xcalloc(o->jobs, sizeof(*l.s));
	for (i = 0; i < o->jobs; i++)
		l.s[i].fd = -1;
	l.pfd = xcalloc(1 + o->jobs, sizeof(*l.pfd));
	progress_init(&l.pm, o->jobs, r->n, start);
	view_init(&l.view, o->mode, term_width(o->progress_fd), o->color,
	    o->verbosity, o->jobs);
	if (o->notes != NULL)
		view_note(&l.view, o->notes);
	if ((l.wsfd = open(o->workspace, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1)
		rc = loop(&l);
	else
		fprintf(stderr, "githerd: %s: %s\n", o->workspace,
		    strerror(errno));
	stop_all(&l);
	now = clock_ms();
	screen_draw(&l.screen, &l.view, &l.pm, now, true);
	screen_close(&l.screen, &l.view);
	r->duration_ms = now - start;
	if (l.wsfd != -1)
		close(l.wsfd);
	screen_release(&l.screen);
	view_release(&l.view);
	progress_release(&l.pm);
	buf_release(&l.out);
	free(l.pfd);
	free(l.s);
	return rc;
}
