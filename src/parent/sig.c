#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sig.h"

static int selfpipe[2] = { -1, -1 };
static const int handled[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGWINCH };

static void
on_signal(int signo)
{
	int saved = errno;
	unsigned char c = (unsigned char)signo;

	(void)!write(selfpipe[1], &c, 1);
	errno = saved;
}

int
sig_init(void)
{
	struct sigaction sa;
	size_t i;

	if (selfpipe[0] != -1)
		return 0;	/* one pipe for every run of the process */
	if (compat_pipe_cloexec(selfpipe) == -1)
		return -1;
	if (fcntl(selfpipe[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(selfpipe[1], F_SETFL, O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		sa.sa_flags = SA_RESTART |
		    (handled[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
		if (sigaction(handled[i], &sa, NULL) == -1)
			return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
sig_fd(void)
{
	return selfpipe[0];
}

/* Read every pending signal byte; returns the set that arrived. */
unsigned
sig_drain(void)
{
	unsigned char c[64];
	unsigned bits = 0;
	ssize_t n, i;

	while ((n = read(selfpipe[0], c, sizeof(c))) > 0) {
		for (i = 0; i < n; i++) {
			switch (c[i]) {
			case SIGCHLD:
				bits |= SIGB_CHLD;
				break;
			case SIGINT:
				bits |= SIGB_INT;
				break;
			case SIGTERM:
				bits |= SIGB_TERM;
				break;
			case SIGHUP:
				bits |= SIGB_HUP;
				break;
			case SIGWINCH:
				bits |= SIGB_WINCH;
				break;
			}
		}
	}
	return bits;
}

size_t
sig_stops(unsigned bits, int out[3])
{
	size_t n = 0;

	if (bits & SIGB_INT)
		out[n++] = SIGINT;
	if (bits & SIGB_TERM)
		out[n++] = SIGTERM;
	if (bits & SIGB_HUP)
		out[n++] = SIGHUP;
	return n;
}

pid_t
sig_reap(int *status)
{
	pid_t pid;

	do
		pid = waitpid(-1, status, WNOHANG);
	while (pid == -1 && errno == EINTR);
	return pid > 0 ? pid : 0;
}

/* Around fork(): no handler may run in the child before it resets them. */
void
sig_block(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, old);
}

void
sig_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/*
 * In a new worker: default dispositions, the self-pipe closed, and ^C
 * ignored — the terminal's SIGINT belongs to the parent, which cancels
 * workers itself.
 */
void
sig_child_reset(void)
{
	size_t i;

	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		signal(handled[i], SIG_DFL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	close(selfpipe[0]);
	close(selfpipe[1]);
	selfpipe[0] = selfpipe[1] = -1;
}

/*
 * In a child about to exec a command (githerd exec): as a worker's, but
 * ^C, SIGQUIT and SIGPIPE back at their defaults too, since an ignored
 * signal stays ignored across exec (`git log | head` needs SIGPIPE).
 */
void
sig_exec_reset(void)
{
	sig_child_reset();
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

void
sig_restore_default(void)
{
	size_t i;

	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		signal(handled[i], SIG_DFL);
}

/* Die by signo, so the caller's shell sees "killed by SIGINT" (git sigchain). */
void
sig_raise(int signo)
{
	sigset_t set;

	signal(signo, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, signo);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(signo);
}
