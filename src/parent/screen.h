/*
 * The loops' side of a view (view.h): when a frame is due and the one
 * write() that sends it.  A frame goes out at most every SCREEN_FRAME_MS
 * while the model changes, and every SCREEN_TICK_MS without news (the
 * clocks of the live area, the plain view's heartbeats); once the fd
 * cannot be written (EPIPE), nothing more is drawn.  Used by run.c's loop
 * (the workers) and execrun.c's (githerd exec's commands).
 */
#ifndef GITHERD_SCREEN_H
#define GITHERD_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "progress.h"
#include "view.h"

#define SCREEN_FRAME_MS	100	/* at most 10 redraws a second */
#define SCREEN_TICK_MS	1000	/* clocks and heartbeats */

struct screen {
	int		 fd;
	bool		 ok;		/* fd still writable */
	bool		 dirty;		/* the model changed since the last frame */
	int64_t		 last;		/* when the last frame went out */
	struct buf	 frame;
};

void	screen_init(struct screen *, int fd);
void	screen_release(struct screen *);
/* A frame if one is due (force: now). */
void	screen_draw(struct screen *, struct view *, const struct progress *,
	    int64_t now, bool force);
/* After the last frame: the live area taken off, the cursor given back. */
void	screen_close(struct screen *, struct view *);
/* How long the loop may sleep before a frame is due. */
int64_t	screen_wait_ms(const struct screen *, int64_t now);

#endif
