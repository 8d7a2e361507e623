/*
 * The tables printed once a run is over: the sync summary (counts, bytes,
 * then every skipped and failed entry with its reason), how well the run
 * used its slots, and status's one line per entry.  Text from outside goes through sanitize.h.
 */
#ifndef GITHERD_SUMMARY_H
#define GITHERD_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "progress.h"
#include "queue.h"

void	summary_sync(struct buf *out, const struct queue *,
	    const struct progress *, int64_t now, bool color);
void	summary_status(struct buf *out, const struct queue *, bool color);
/* One line: makespan, busy share, longest job, lower bound (-j slots). */
void	summary_utilisation(struct buf *out, const struct queue *,
	    const struct progress *, int64_t now, size_t jobs);

#endif
