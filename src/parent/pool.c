#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "pool.h"
#include "sig.h"
#include "xmalloc.h"

/* Where a worker finds its socket: stdin/out are /dev/null, 2 the pipe. */
#define WORKER_SOCK_FD	3

void
pool_init(struct pool *p, size_t n)
{
	size_t i;

	p->n = n;
	p->w = xcalloc(n ? n : 1, sizeof(*p->w));
	for (i = 0; i < n; i++) {
		p->w[i].sock = -1;
		p->w[i].errfd = -1;
		wire_reader_init(&p->w[i].rd);
		wire_writer_init(&p->w[i].wr);
		buf_init(&p->w[i].errbuf);
	}
}

void
worker_reset(struct worker *w)
{
	pool_close_socket(w);
	pool_close_stderr(w);
	wire_reader_release(&w->rd);
	wire_writer_release(&w->wr);
	buf_release(&w->errbuf);
	memset(w, 0, sizeof(*w));
	w->sock = -1;
	w->errfd = -1;
	w->state = W_FREE;
}

void
pool_release(struct pool *p)
{
	size_t i;

	if (p == NULL || p->w == NULL)
		return;
	for (i = 0; i < p->n; i++)
		worker_reset(&p->w[i]);
	free(p->w);
	p->w = NULL;
	p->n = 0;
}

/*
 * The child side, in this order: first die with the parent (and check it
 * did not die before we asked, or we would be an orphan nobody reaps),
 * then put signals back to their defaults (the parent's handlers write to
 * its self-pipe), keep only our own descriptors (CLOEXEC does nothing
 * without exec, and a sibling's socket kept open here would hide its EOF),
 * then run.
 */
static void
child_setup(pid_t parent, int sock, int errw)
{
	int devnull, s, e;

	if (compat_parent_death_signal(SIGTERM) == -1 || getppid() != parent)
		_exit(3);
	sig_child_reset();
	/* Move ours out of the way before 0-3 are reassigned. */
	s = fcntl(sock, F_DUPFD, 10);
	e = fcntl(errw, F_DUPFD, 10);
	devnull = open("/dev/null", O_RDWR);
	if (s == -1 || e == -1 || devnull == -1)
		_exit(3);
	if (dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(devnull, STDOUT_FILENO) == -1 ||
	    dup2(e, STDERR_FILENO) == -1 || dup2(s, WORKER_SOCK_FD) == -1)
		_exit(3);
	/* CLOEXEC does nothing without exec: close the siblings' ends. */
	compat_close_from(WORKER_SOCK_FD + 1);
}

int
pool_spawn(struct pool *p, size_t slot, worker_main_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct worker *w = &p->w[slot];
	int sv[2] = { -1, -1 }, ep[2] = { -1, -1 };
	pid_t pid, parent = getpid();
	sigset_t old;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    compat_pipe_cloexec(ep) == -1) {
		snprintf(err, errlen, "cannot create worker channel: %s",
		    strerror(errno));
		goto fail;
	}
	fflush(NULL);		/* or the child would flush our buffers too */
	sig_block(&old);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		child_setup(parent, sv[1], ep[1]);
		sig_unblock(&old);
		_exit(fn(WORKER_SOCK_FD, arg));
	}
	sig_unblock(&old);
	if (pid == -1) {
		snprintf(err, errlen, "cannot start a worker: %s",
		    strerror(errno));
		goto fail;
	}
	close(sv[1]);
	close(ep[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(ep[0], F_SETFL, O_NONBLOCK) == -1) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		close(sv[0]);
		close(ep[0]);
		kill(pid, SIGKILL);
		return -1;
	}
	worker_reset(w);
	w->pid = pid;
	w->sock = sv[0];
	w->errfd = ep[0];
	w->state = W_STARTING;
	return 0;
fail:
	if (sv[0] != -1) {
		close(sv[0]);
		close(sv[1]);
	}
	if (ep[0] != -1) {
		close(ep[0]);
		close(ep[1]);
	}
	return -1;
}

struct worker *
pool_find_pid(struct pool *p, pid_t pid)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->w[i].state != W_FREE && p->w[i].pid == pid)
			return &p->w[i];
	return NULL;
}

/* The worker sees EOF and exits once it has nothing more to do. */
void
pool_close_socket(struct worker *w)
{
	if (w->sock != -1) {
		close(w->sock);
		w->sock = -1;
	}
}

void
pool_close_stderr(struct worker *w)
{
	if (w->errfd != -1) {
		close(w->errfd);
		w->errfd = -1;
	}
}

void
pool_signal(struct worker *w, int sig)
{
	if (w->state != W_FREE && !w->reaped && w->pid > 0)
		kill(w->pid, sig);
}

size_t
pool_alive(const struct pool *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (p->w[i].state != W_FREE)
			n++;
	return n;
}

/*
 * How many workers the descriptor limit allows: each costs the parent
 * POOL_FDS_PER_WORKER, and reserve covers stdio, the self-pipe, the
 * report file and what libc may open.
 */
size_t
pool_fd_budget(size_t nofile, size_t want, size_t reserve)
{
	size_t room;

	if (nofile <= reserve + POOL_FDS_PER_WORKER)
		return 1;
	room = (nofile - reserve) / POOL_FDS_PER_WORKER;
	return want < room ? want : room;
}
