/*
 * The queue: one job per manifest entry and the state it is in.
 * PENDING -> RUNNING -> CLONED / UPDATED / UNCHANGED / SKIPPED / FAILED /
 * CANCELLED (sync) or CHECKED (status).  An entry of a type githerd does
 * not sync (vcstool's svn, hg, ...) is UNSUPPORTED from the start and
 * never runs.  An entry inside another's work tree (repo_spec.outer)
 * waits, as vcs import's do, until the job of that entry is final: it is
 * passed over meanwhile, so other jobs keep the slots busy, and it counts
 * as startable only then.  No fds, no processes, no output: the loop in
 * run.c drives it.
 */
#ifndef GITHERD_QUEUE_H
#define GITHERD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errclass.h"
#include "importcache.h"
#include "manifest.h"
#include "result.h"

enum job_state {
	JOB_PENDING,
	JOB_RUNNING,
	JOB_CLONED,
	JOB_UPDATED,
	JOB_UNCHANGED,
	JOB_SKIPPED,		/* left alone to protect local work */
	JOB_KEPT,		/* on the branch its user chose */
	JOB_FAILED,
	JOB_CANCELLED,
	JOB_CHECKED,		/* status looked at it: see entry_state */
	JOB_UNSUPPORTED,	/* not git: never started (spec->vcs_type) */
	JOB_STATE_MAX
};

/* One failed try of a job that was tried again. */
struct attempt {
	enum err_class	 err_class;
	char		*message;
	int64_t		 duration_ms;
};

struct job {
	unsigned		 id;		/* index in the queue */
	const struct repo_spec	*spec;
	enum job_state		 state;
	int64_t			 start_ms, end_ms;
	int64_t			 first_start_ms;
	unsigned		 tries;		/* started so far */
	int64_t			 not_before;	/* a retry waits for this time */
	struct attempt		*attempts;	/* the tries that failed */
	size_t			 nattempts;
	char			*tmp;		/* temporary clone dir while running */
	/* what the worker said; for a failed try, why */
	struct job_result	 result;
	char			*stderr_text;	/* stray worker output, if any */
	/* nesting: the job this one waits for, and the jobs waiting for
	 * this one (first, then each its next); QUEUE_NONE for none */
	unsigned		 outer, first_inner, next_inner;
	bool			 blocked;	/* outer not final yet */
	struct import_set	 imports;	/* the files it was asked to read */
};

#define QUEUE_NONE	((unsigned)-1)

struct queue {
	struct job	*jobs;
	size_t		 njobs;
	size_t		 next;		/* order[next]: first never started */
	unsigned	*retry;		/* jobs waiting to be tried again */
	size_t		 nretry, capretry;
	size_t		 count[JOB_STATE_MAX];
	size_t		 nblocked;	/* PENDING jobs waiting for an outer */
	uint64_t	 rand;		/* xorshift state for jitter */
	unsigned	*order;		/* job ids in the order to start them */
	/* per-host limits, if any: at most host_limit[h] (0: any) running */
	unsigned	*host_of;	/* per job */
	unsigned	*host_limit, *host_running, *host_pending;
	size_t		 nhosts;
};

/* When and how often to try again (retries after the first try). */
struct retry_policy {
	unsigned	 retries;
	int64_t		 base_ms;	/* first delay */
	int64_t		 cap_ms;	/* no delay longer */
	int64_t		 budget_ms;	/* --timeout: all tries of a job; 0: none */
};

void		 queue_init(struct queue *, const struct manifest *);
void		 queue_release(struct queue *);
/* The order jobs start in (a permutation of their ids); default: as given. */
void		 queue_set_order(struct queue *, const unsigned *order);
/* Which host each job talks to, and how many may run on each at once. */
void		 queue_set_hosts(struct queue *, const unsigned *host_of,
		    const unsigned *limit, size_t nhosts);
struct job	*queue_next(struct queue *, int64_t now);
void		 queue_finish(struct queue *, struct job *, enum job_state,
		    int64_t now);
void		 queue_fail(struct queue *, struct job *, enum err_class,
		    const char *message, int64_t now);
size_t		 queue_cancel_pending(struct queue *, int64_t now);
bool		 queue_retryable(enum err_class);
int64_t		 queue_retry(struct queue *, struct job *,
		    const struct retry_policy *, int64_t retry_after_ms,
		    int64_t now);
int64_t		 queue_next_retry(const struct queue *);
void		 queue_seed(struct queue *, uint64_t);
bool		 queue_idle(const struct queue *);
/* Pending jobs whose hosts have room: how many workers could start now. */
size_t		 queue_startable(const struct queue *);	/* nothing pending or running */
bool		 job_state_final(enum job_state);
size_t		 queue_finished(const struct queue *);
const char	*job_state_name(enum job_state);

#endif
