/*
 * A timeline of one run (--trace FILE), in Chrome's Trace Event format:
 * the JSON that Perfetto and chrome://tracing open, as ninja's and
 * cargo's users know it.
 *
 *   one lane (tid) per worker slot, each try of a job a slice on it
 *   ("X", named by the entry's path) with its phases nested inside;
 *   a wait before a retry a slice on a "retry waits" lane, as many
 *   lanes as waits overlap, so that no lane ever holds two at once;
 *   counters ("C"): jobs not yet finished in the queue, bytes per second.
 *
 * Times are microseconds from the start of the run.  The loop calls the
 * recorders as things happen; a trace that is not on ignores them.
 * Names come from the manifest and the servers: sanitised like the report.
 */
#ifndef GITHERD_TRACE_H
#define GITHERD_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "queue.h"
#include "types.h"

struct trace_slot {
	const struct job	*job;		/* NULL: idle */
	int64_t			 job_start;
	enum phase		 phase;
	int64_t			 phase_start;
};

struct trace {
	bool			 on;
	int64_t			 t0;		/* ms: the run's start */
	struct buf		 events;	/* ",\n"-joined JSON objects */
	struct trace_slot	*slots;
	size_t			 nslots;
	int64_t			*wait_free;	/* per wait lane: free from (ms) */
	size_t			 nwait;
	int64_t			 last_counter;	/* ms; -1: none yet */
};

void	trace_init(struct trace *, bool on, size_t nslots, int64_t now);
void	trace_release(struct trace *);

void	trace_start(struct trace *, size_t slot, const struct job *,
	    int64_t now);
void	trace_phase(struct trace *, size_t slot, enum phase, int64_t now);
/* The try in slot ended: how (a job state's name, or the error class). */
void	trace_end(struct trace *, size_t slot, const char *outcome,
	    int64_t now);
/* The job waits from now for delay_ms before it is tried again. */
void	trace_wait(struct trace *, const struct job *, int64_t delay_ms,
	    int64_t now);
/* Sampled at most every 100 ms unless force. */
void	trace_counters(struct trace *, size_t queued, double bytes_per_s,
	    int64_t now, bool force);

/* The whole trace, open slices closed at now. */
void	trace_format(struct trace *, struct buf *, int64_t now);
/* Written to a temporary file and renamed; -1 with err set. */
int	trace_write(struct trace *, const char *file, int64_t now, char *err,
	    size_t errlen);

#endif
