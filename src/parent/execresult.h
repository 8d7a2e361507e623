/*
 * What githerd exec came to, per entry and for the run: how each command
 * ended (exit status, signal, why it did not run), what it wrote, and the
 * counts.  execrun.c fills it; execshow.c and execreport.c print it.
 */
#ifndef GITHERD_EXECRESULT_H
#define GITHERD_EXECRESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "manifest.h"
#include "queue.h"

/* What githerd keeps of one entry's output; the rest is counted. */
#define EXEC_OUTPUT_MAX		(1u << 20)
/* After the command exits, how long its output pipe may stay open (a
 * process it left running holds it) before githerd stops reading. */
#define EXEC_LINGER_MS		1000

enum exec_state {
	EXEC_PENDING,
	EXEC_RUNNING,
	EXEC_OK,		/* exit status 0 */
	EXEC_FAILED,		/* another status, a signal, or no start */
	EXEC_TIMEOUT,		/* killed after --timeout */
	EXEC_NOT_RUN,		/* no checkout to run in: why says */
	EXEC_CANCELLED,		/* a signal stopped the run first */
	EXEC_STATE_MAX
};

struct exec_entry {
	struct job	 job;		/* for the view: spec, times, state */
	enum exec_state	 state;
	int		 exit_code;	/* -1: none */
	int		 signal;	/* the one that killed it; 0: none */
	int		 error;		/* errno of a failed start, or 0 */
	char		*why;		/* no start, not run, timed out or
					   cancelled: why, in words */
	struct buf	 output;	/* the first EXEC_OUTPUT_MAX bytes */
	uint64_t	 dropped;	/* bytes of output after those */
	bool		 cut;		/* output left unread after the exit */
};

struct exec_run {
	struct exec_entry *e;		/* one per selected entry */
	size_t		 n;
	size_t		 count[EXEC_STATE_MAX];
	int		 signal;	/* what stopped the run, or 0 */
	time_t		 started;
	int64_t		 duration_ms;
};

void	execresult_init(struct exec_run *, const struct manifest *);
void	execresult_release(struct exec_run *);
const char *execresult_state_name(enum exec_state);

#endif
