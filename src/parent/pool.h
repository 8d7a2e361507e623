/*
 * The worker processes: forked once, each with one socketpair for framed
 * messages and one pipe for stray stderr output, taking job after job.
 * pool.c knows processes and descriptors, not YAML or the display.
 */
#ifndef GITHERD_POOL_H
#define GITHERD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "stall.h"
#include "queue.h"
#include "wire.h"

/* Descriptors the parent holds per worker: the socket and the stderr pipe. */
#define POOL_FDS_PER_WORKER	2

enum worker_state {
	W_FREE,		/* no process */
	W_STARTING,	/* forked, no HELLO yet */
	W_IDLE,		/* waiting for a job */
	W_BUSY,		/* running a job */
	W_CLOSING,	/* socket closed by us; waiting for it to exit */
};

struct worker {
	enum worker_state	 state;
	pid_t			 pid;
	int			 sock;		/* -1 once closed */
	int			 errfd;		/* -1 once closed */
	struct wire_reader	 rd;
	struct wire_writer	 wr;
	struct buf		 errbuf;	/* stderr of the current job */
	struct job		*job;
	unsigned		 served;	/* jobs done by this process */
	bool			 greeted;	/* said HELLO */
	bool			 reaped;
	int			 wstatus;
	int64_t			 kill_deadline;	/* SIGKILL after this, if set */
	struct stall		 stall;		/* its job's real progress */
	char			 kill_why[200];	/* set when the watchdog killed it */
};

typedef int (*worker_main_fn)(int fd, void *arg);

struct pool {
	struct worker	*w;
	size_t		 n;
};

void	 pool_init(struct pool *, size_t n);
void	 pool_release(struct pool *);
int	 pool_spawn(struct pool *, size_t slot, worker_main_fn, void *arg,
	    char *err, size_t errlen);
struct worker *pool_find_pid(struct pool *, pid_t);
void	 pool_close_socket(struct worker *);
void	 pool_close_stderr(struct worker *);
void	 pool_signal(struct worker *, int sig);
size_t	 pool_alive(const struct pool *);
size_t	 pool_fd_budget(size_t nofile, size_t want, size_t reserve);
void	 worker_reset(struct worker *);

#endif
