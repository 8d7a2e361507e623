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

#include "buf.h"
#include "clock.h"
#include "compat.h"
#include "gitctx.h"
#include "lfscount.h"
#include "lfspull.h"

#define KILL_GRACE_MS	2000
#define TICK_MS		200

/* What the command ran into: its wait status, or why it could not run. */
struct pull {
	pid_t		 pid;
	int		 fd;		/* its output; -1 at EOF */
	int		 wstatus;
	bool		 timed_out, cancelled;
	struct buf	 out;		/* the last LFSPULL_OUTPUT_MAX bytes */
};

/*
 * After fork: die with the worker (checking it did not die first), the
 * signals the worker ignores or catches back to their defaults, a session
 * of its own, the work tree as its directory, /dev/null and the pipe as
 * its standard descriptors and nothing else, then git lfs pull.
 */
_Noreturn static void
child(const char *workdir, pid_t worker, int outw)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGPIPE, SIGXFSZ, SIGHUP,
	    SIGQUIT, SIGALRM, SIGCHLD };
	char *const argv[] = { "git", "lfs", "pull", NULL };
	sigset_t none;
	size_t i;
	int devnull;

	if (compat_parent_death_signal(SIGKILL) == -1 || getppid() != worker)
		_exit(126);
	for (i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() == -1 || chdir(workdir) == -1)
		_exit(126);
	if ((outw = fcntl(outw, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (devnull = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(outw, STDOUT_FILENO) == -1 || dup2(outw, STDERR_FILENO) == -1)
		_exit(126);
	compat_close_from(3);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run git: %s\n", strerror(errno));
	_exit(127);
}

static int
spawn(struct gitctx *c, struct pull *p, const char *workdir)
{
	int out[2];
	pid_t worker = getpid();

	if (compat_pipe_cloexec(out) == -1)
		return gitctx_fail_errno(c, "git lfs pull: a pipe");
	/* Nothing may prompt: git-lfs asks for credentials through git. */
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	fflush(NULL);
	if ((p->pid = fork()) == 0) {
		close(out[0]);
		child(workdir, worker, out[1]);
	}
	close(out[1]);
	if (p->pid == -1) {
		close(out[0]);
		return gitctx_fail_errno(c, "git lfs pull: fork");
	}
	p->fd = out[0];
	return 0;
}

/* Keep the tail: git-lfs says what went wrong last. */
static void
keep(struct pull *p, const char *data, size_t len)
{
	size_t drop;

	buf_add(&p->out, data, len);
	if (p->out.len <= 2 * LFSPULL_OUTPUT_MAX)
		return;
	drop = p->out.len - LFSPULL_OUTPUT_MAX;
	memmove(p->out.data, p->out.data + drop, p->out.len - drop);
	p->out.len -= drop;
	p->out.data[p->out.len] = '\0';
}

static void
drain(struct pull *p)
{
	char chunk[4096];
	ssize_t got;

	got = read(p->fd, chunk, sizeof(chunk));
	if (got > 0)
		keep(p, chunk, (size_t)got);
	else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(p->fd);
		p->fd = -1;
	}
}

/* Until EOF, the deadline or a cancel; then the whole group is stopped. */
static void
wait_pull(struct gitctx *c, struct pull *p)
{
	int64_t start = clock_ms(), kill_at = 0, now;
	struct pollfd pfd;

	while (p->fd != -1) {
		pfd.fd = p->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, TICK_MS) > 0)
			drain(p);
		now = clock_ms();
		if (kill_at == 0 && (gitctx_cancelled(c) ||
		    now - start >= LFSPULL_TIMEOUT_MS)) {
			p->cancelled = gitctx_cancelled(c);
			p->timed_out = !p->cancelled;
			kill(-p->pid, SIGTERM);
			kill_at = now + KILL_GRACE_MS;
		} else if (kill_at != 0 && now >= kill_at) {
			kill(-p->pid, SIGKILL);
			break;
		}
	}
	if (p->fd != -1)
		close(p->fd);
	/* The session's other processes go with it: nothing left running. */
	kill(-p->pid, SIGKILL);
	while (waitpid(p->pid, &p->wstatus, 0) == -1 && errno == EINTR)
		;
}

/* The job fails with what the command said (the parent sanitises it). */
static void
failed(struct gitctx *c, const struct pull *p)
{
	const char *said = p->out.len > 0 ? p->out.data : "no output";

	if (p->cancelled)
		gitctx_error(c, ERR_CANCELLED, "cancelled during git lfs pull");
	else if (p->timed_out)
		gitctx_error(c, ERR_TIMEOUT, "git lfs pull in %s ran past %d s: "
		    "stopped; the work tree keeps git-lfs pointers: %s",
		    c->job->path, LFSPULL_TIMEOUT_MS / 1000, said);
	else
		gitctx_error(c, ERR_SERVER, "git lfs pull in %s %s %d: the work "
		    "tree may keep git-lfs pointers: %s", c->job->path,
		    WIFEXITED(p->wstatus) ? "exited with" : "killed by signal",
		    WIFEXITED(p->wstatus) ? WEXITSTATUS(p->wstatus) :
		    WTERMSIG(p->wstatus), said);
}

/* 0 when it ran and exited 0; -1 with the job failed. */
static int
run_pull(struct gitctx *c, struct pull *p, const char *workdir)
{
	if (spawn(c, p, workdir) == -1)
		return -1;
	wait_pull(c, p);
	if (!p->cancelled && !p->timed_out && WIFEXITED(p->wstatus) &&
	    WEXITSTATUS(p->wstatus) == 0)
		return 0;
	failed(c, p);
	return -1;
}

/*
 * git lfs pull exits 0 and checks nothing out where git-lfs is not
 * installed in git's configuration (no filter.lfs.*): what is left is
 * counted again, and any pointer left fails the entry with its output.
 */
int
lfspull_entry(struct gitctx *c, git_repository *repo)
{
	const char *workdir = git_repository_workdir(repo);
	struct pull p;
	uint32_t n, before;
	int rc = -1;

	if (workdir == NULL)
		return 0;
	if (lfscount(c, repo, &n) == -1)
		return -1;
	c->res->lfs_pointers = n;
	if (n == 0 || (c->job->flags & JOBF_LFS) == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	buf_init(&p.out);
	p.fd = -1;
	before = n;
	gitctx_phase(c, PHASE_LFS);
	if (run_pull(c, &p, workdir) == -1 || lfscount(c, repo, &n) == -1)
		goto out;
	c->res->lfs_pointers = n;
	if (n > 0) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "git lfs pull in %s left %u "
		    "of %u git-lfs pointer files as they were (is git-lfs "
		    "installed for git: git lfs install?): %s", c->job->path, n,
		    before, p.out.len > 0 ? p.out.data : "no output");
		goto out;
	}
	rc = 0;
out:
	buf_release(&p.out);
	return rc;
}
