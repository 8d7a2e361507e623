/*
 * githerd exec's runs: one command, started in every selected checkout,
 * jobs at a time, each in its own session (its own process group, no
 * controlling terminal: nothing prompts) with the checkout as its
 * directory, /dev/null as its input and one pipe for its output and
 * errors.  A single-threaded poll loop over those pipes and the signal
 * self-pipe, as run.c's is over the workers' channels; it is its own
 * loop because nothing of the worker protocol (HELLO, JOB, DONE, retries,
 * the stall watchdog, temporary clones) applies to a command.  It reuses
 * the progress model and the views for its live area, and prints each
 * entry's output whole, as the entry ends (execshow.h says how).
 */
#ifndef GITHERD_EXECRUN_H
#define GITHERD_EXECRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "execresult.h"
#include "manifest.h"
#include "view.h"

struct exec_opts {
	const char	*workspace;	/* absolute */
	char *const	*argv;		/* the command, NULL-terminated */
	size_t		 jobs;
	int64_t		 timeout_ms;	/* per entry; 0: none */
	int64_t		 grace_ms;	/* SIGTERM -> SIGKILL */
	enum view_mode	 mode;
	bool		 color;		/* on progress_fd */
	bool		 out_color;	/* on out_fd */
	int		 verbosity;	/* -1 -q: only what failed */
	int		 progress_fd;
	int		 out_fd;	/* each entry's output; -1: none */
	bool		 out_via_view;	/* out_fd is the live area's terminal */
	bool		 keep_output;	/* to the end (--json), not printed only */
	const char	*notes;		/* to show first, or NULL */
};

/*
 * Run o->argv in every entry of m, into r (execresult_init'ed here; the
 * caller releases it); 0, or -1 if the loop itself broke.
 */
int	execrun(struct exec_run *r, const struct manifest *m,
	    const struct exec_opts *o);

#endif
