/*
 * Signals as poll events (skalibs' self-pipe): each handled signal writes
 * its number as one byte to a non-blocking pipe that the parent's loop
 * polls.  The pipe and the handlers are the parent's only global state.
 * (A worker has three more, each because a libgit2 hook or a signal
 * handler takes no payload: worker.c's cancel flag, netstream.c's job
 * context and memlimit.c's counters.)
 */
#ifndef GITHERD_SIG_H
#define GITHERD_SIG_H

#include <sys/types.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

enum sig_bits {
	SIGB_CHLD = 1 << 0,
	SIGB_INT = 1 << 1,
	SIGB_TERM = 1 << 2,
	SIGB_HUP = 1 << 3,
	SIGB_WINCH = 1 << 4,
};

int	sig_init(void);
int	sig_fd(void);
unsigned sig_drain(void);
/*
 * The stop signals (SIGINT, SIGTERM, SIGHUP) among what sig_drain
 * returned, in the order a loop acts on them, into out; how many.
 */
size_t	sig_stops(unsigned bits, int out[3]);
/* SIGCHLD's work: the next child that ended and its status, or 0. */
pid_t	sig_reap(int *status);
void	sig_block(sigset_t *old);
void	sig_unblock(const sigset_t *old);
void	sig_child_reset(void);
void	sig_exec_reset(void);
void	sig_restore_default(void);
void	sig_raise(int signo);

#endif
