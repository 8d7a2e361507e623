/*
 * The plan of one run: the order jobs start in (longest expected first,
 * from the workspace's history, else from the user's timings by URL) and
 * the per-host limits.  After the run, what it measured goes back into
 * both for the next one.
 *
 * The timings by URL live in the cache (DIR/githerd-timings) when there
 * is one, shared by every workspace that uses it, else in
 * $XDG_STATE_HOME/githerd/timings (~/.local/state/githerd/timings); a run
 * merges its measurements into the file under a lock, so that concurrent
 * runs lose none.
 */
#ifndef GITHERD_PLAN_H
#define GITHERD_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "history.h"
#include "manifest.h"
#include "queue.h"
#include "schedule.h"

struct plan {
	unsigned		*order;		/* job ids, first to start first */
	struct host_plan	 hosts;
	bool			 limited;	/* any host has a limit */
	struct history		 history;
	char			*history_file;
	struct history		 urls;		/* the timings by URL */
	char			*urls_file;	/* NULL: nowhere to keep them */
	char			**keys;		/* per entry, its URL's key */
	size_t			 nkeys;
	size_t			 known;		/* entries with an estimate */
	/* per entry, what its own history says (for the ETA, not the
	 * order): ms expected (-1: never measured), clone bytes (0) */
	int64_t			*expect_ms;
	uint64_t		*expect_bytes;
};

/*
 * A damaged history is not fatal: the plan falls back to manifest order
 * and warn says why (warn[0] is '\0' otherwise).
 */
void	plan_make(struct plan *, const struct manifest *, const char *workspace,
	    const char *cache_dir, unsigned per_host, char *warn,
	    size_t warnlen);
/* Note what the finished jobs measured and save the history. */
int	plan_record(struct plan *, const struct queue *, char *err,
	    size_t errlen);
void	plan_release(struct plan *);

#endif
