/*
 * The watchdog's view of one running job: when it last made real
 * progress, and how fast its pack arrives.  Real progress is what a
 * server cannot fake with chatter: the pack growing (by STALL_MIN_BYTES,
 * more than libgit2's counting of progress messages can be off by), an
 * object received or indexed, a delta resolved, a file checked out, a
 * new phase.  Progress messages from the server ("Counting objects")
 * and keep-alives are not.  Parent only; no clock or I/O of its own.
 */
#ifndef GITHERD_STALL_H
#define GITHERD_STALL_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define STALL_MIN_BYTES	(128 * 1024)

struct stall_limits {
	int64_t		stall_ms;	/* no progress this long: kill; 0 off */
	uint64_t	low_speed;	/* bytes a second ... */
	int64_t		low_speed_ms;	/* ... averaged over this; 0 off */
};

struct stall {
	int64_t			 progress_ms;	/* last real progress */
	uint64_t		 pack_mark;	/* pack bytes then */
	struct msg_progress	 seen;		/* the counters then */
	enum phase		 phase;
	int64_t			 window_ms;	/* low-speed window start */
	uint64_t		 window_bytes;
};

void	stall_start(struct stall *, int64_t now);
void	stall_phase(struct stall *, enum phase, int64_t now);
void	stall_progress(struct stall *, const struct msg_progress *,
	    int64_t now);
/* Why the job must be killed now, in why; 0 if it may go on. */
int	stall_check(struct stall *, const struct stall_limits *,
	    int64_t now, char *why, size_t whylen);

#endif
