/*
 * The progress model: what every running job is doing and how the run as
 * a whole is going.  Worker messages update it; renderers only read it.
 */
#ifndef GITHERD_PROGRESS_H
#define GITHERD_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "queue.h"

struct job_progress {
	const struct job	*job;		/* NULL: slot idle */
	enum phase		 phase;
	struct msg_progress	 c;
	int64_t			 start_ms;
	int64_t			 last_ms;	/* last message from the worker */
	/* transfer rate, smoothed over samples at least RATE_MS apart */
	int64_t			 rate_ms;
	uint64_t		 rate_bytes;
	double			 rate;		/* bytes per second */
	/* what the entry's last clone received (history); 0: unknown */
	uint64_t		 expect_bytes;
};

struct progress {
	struct job_progress	*slots;
	size_t			 nslots;
	size_t			 total;		/* jobs in the run */
	size_t			 done;		/* jobs in a final state */
	size_t			 count[JOB_STATE_MAX];
	uint64_t		 bytes_done;	/* bytes of finished jobs */
	int64_t			 start_ms;
	/*
	 * Per job id, from the history of each entry: how long it is
	 * expected to take (-1: unknown) and, for a clone, how many bytes
	 * it will receive (0: unknown).  NULL: nothing recorded.
	 */
	const int64_t		*expect_ms;
	const uint64_t		*expect_bytes;
	const struct queue	*queue;		/* the jobs still to start */
};

void	progress_init(struct progress *, size_t nslots, size_t total,
	    int64_t now);
void	progress_expect(struct progress *, const struct queue *,
	    const int64_t *ms, const uint64_t *bytes);
void	progress_release(struct progress *);
void	progress_start(struct progress *, size_t slot, const struct job *,
	    int64_t now);
void	progress_phase(struct progress *, size_t slot, enum phase, int64_t now);
void	progress_update(struct progress *, size_t slot,
	    const struct msg_progress *, int64_t now);
void	progress_finish(struct progress *, size_t slot, const struct job *);
void	progress_drop(struct progress *, size_t slot);
void	progress_count(struct progress *, const struct job *);
void	progress_count_cancelled(struct progress *, size_t);

size_t	progress_done(const struct progress *);
size_t	progress_running(const struct progress *);
/*
 * Percent of the current phase against a real total, or -1: files of a
 * checkout, deltas being resolved, bytes received against what the last
 * clone of the entry received (never objects: a pack sends its small
 * objects first, so 20 % of the objects can be 72 % of the bytes).
 */
int	progress_percent(const struct job_progress *);
double	progress_rate(const struct progress *);
/*
 * When the run will end, from the recorded durations of every job not
 * yet finished, laid out on the slots in queue order; -1 when any of
 * them has no record, or a running one has outlasted it.
 */
int64_t	progress_eta_ms(const struct progress *, int64_t now);

#endif
