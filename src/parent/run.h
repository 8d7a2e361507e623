/*
 * The parent's event loop: starts workers, hands out one job per manifest
 * entry (sync or status), folds worker messages into the progress model,
 * renders, and shuts everything down on completion or on a signal.
 * Single-threaded; never calls libgit2.
 */
#ifndef GITHERD_RUN_H
#define GITHERD_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "exitcode.h"
#include "manifest.h"
#include "pool.h"
#include "queue.h"
#include "view.h"
#include "schedule.h"
#include "worker.h"

struct buf;
struct ledger;
struct queue;

/*
 * Called once every job is done, instead of printing the sync summary:
 * writes what the command prints into out, and may change *code.
 */
typedef void (*run_finish_fn)(const struct queue *, void *arg,
    struct buf *out, enum exit_code *code);

#define RUN_STOP_GRACE_MS	3000	/* SIGTERM -> SIGKILL */

struct run_opts {
	enum job_op		 op;
	unsigned		 job_flags;	/* added to every job (JOBF_FETCH) */
	bool			 ignore_unsupported;	/* not git: exit 0 */
	const struct ledger	*ledger;	/* sync: where checkouts were put */
	const char		*trash_stamp;	/* OP_RETIRE: names in the trash */
	run_finish_fn		 finish;	/* NULL: the sync summary */
	void			*finish_arg;
	size_t			 jobs;		/* worker slots (already capped) */
	const char		*workspace;	/* absolute */
	const char		*manifest_file;
	const char		*json_file;	/* NULL: no report */
	const char		*trace_file;	/* NULL: no timeline */
	enum view_mode	 mode;
	bool			 color;		/* on progress_fd */
	bool			 summary_color;	/* on summary_fd */
	int			 verbosity;	/* -1 -q, 0, 1 -v */
	int			 progress_fd;	/* live display / log lines */
	int			 summary_fd;
	unsigned		 worker_quota;	/* jobs per worker process */
	int64_t			 stop_grace_ms;	/* SIGTERM -> SIGKILL; 0: default */
	struct retry_policy	 retry;
	int64_t			 stall_ms;	/* no progress for this: kill */
	uint64_t		 low_speed;	/* pack bytes/s, over ... */
	int64_t			 low_speed_ms;	/* ... this long; 0: off */
	int64_t			 timeout_ms;	/* per entry; 0: none */
	struct worker_config	 worker;
	worker_main_fn		 worker_main;	/* main.c's: the parent links none */
	const char		*notes;		/* lines to show first, or NULL */
	const char		*libgit2;	/* runtime version, for the report */
	const unsigned		*order;		/* start order; NULL: as listed */
	const struct host_plan	*hosts;		/* per-host limits, or NULL */
	/* per entry, from its history (progress.h); NULL: none */
	const int64_t		*expect_ms;
	const uint64_t		*expect_bytes;
	/* per entry: the files to read at its revision ('\n'-separated,
	 * msg_job.imports), or NULL; NULL: none for any */
	char *const		*imports;
	/* Called with the finished queue, before anything is released. */
	void			(*record)(const struct queue *, void *arg);
	void			*record_arg;
};

struct run_result {
	enum exit_code	 exit_code;
	int		 signal;	/* non-zero: re-raise this after cleanup */
};

int	run_jobs(const struct manifest *, const struct run_opts *,
	    struct run_result *);

#endif
