/*
 * The parent's event loop for `githerd sync`: starts workers, hands out
 * jobs, folds worker messages into the progress model, renders, and shuts
 * everything down on completion or on a signal.  Single-threaded; never
 * calls libgit2.
 */
#ifndef GITHERD_RUN_H
#define GITHERD_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"
#include "render.h"

struct run_opts {
	size_t			 jobs;		/* worker slots (already capped) */
	const char		*workspace;	/* absolute */
	const char		*manifest_file;
	const char		*json_file;	/* NULL: no report */
	enum render_mode	 mode;
	bool			 color;
	int			 progress_fd;	/* live display / log lines */
	int			 summary_fd;
	unsigned		 worker_quota;	/* jobs per worker process */
	const char		*notes;		/* lines to show first, or NULL */
	const char		*libgit2;	/* runtime version, for the report */
};

struct run_result {
	int	exit_code;	/* 0 ok, 1 some failed, 3 system error */
	int	signal;		/* non-zero: re-raise this after cleanup */
};

int	run_sync(const struct manifest *, const struct run_opts *,
	    struct run_result *);

#endif
