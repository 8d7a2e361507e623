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

#include <signal.h>
#include <stdbool.h>

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
void	sig_block(sigset_t *old);
void	sig_unblock(const sigset_t *old);
void	sig_child_reset(void);
void	sig_restore_default(void);
void	sig_raise(int signo);

#endif
