/*
 * The views of the progress model.  TTY: finished repositories scroll up
 * as permanent lines above a live area (one line per running job plus a
 * total line) redrawn in place.  Plain: one self-contained line per
 * event, heartbeats for long clones, never an escape byte.  Everything is
 * formatted into a buf; the caller writes it with one write().
 */
#ifndef GITHERD_RENDER_H
#define GITHERD_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "progress.h"
#include "queue.h"

#define RENDER_HEARTBEAT_MS	30000

enum render_mode {
	RENDER_TTY,
	RENDER_PLAIN,
	RENDER_NONE,		/* warnings and notes only */
};

struct render {
	enum render_mode	 mode;
	int			 width;
	bool			 color;
	int			 verbosity;	/* -1 failures only, 1 starts too */
	int			 area;		/* TTY: lines of live area shown */
	bool			 cursor_hidden;
	struct buf		 above;		/* lines not yet written */
	int64_t			*beat;		/* PLAIN: last line per slot */
	size_t			 nslots;
};

void	render_init(struct render *, enum render_mode, int width, bool color,
	    int verbosity, size_t nslots);
void	render_release(struct render *);
void	render_job_start(struct render *, const struct job *,
	    const struct progress *);
void	render_job_done(struct render *, const struct job *,
	    const struct progress *);
void	render_warning(struct render *, const char *path, const char *text);
void	render_retry(struct render *, const struct job *, int64_t delay_ms,
	    unsigned max_tries, const struct progress *);
void	render_note(struct render *, const char *text);
void	render_heartbeats(struct render *, const struct progress *,
	    int64_t now);
void	render_frame(struct render *, struct buf *out,
	    const struct progress *, int64_t now);
void	render_clear(struct render *, struct buf *out);
void	render_summary(struct buf *out, const struct queue *,
	    const struct progress *, int64_t now, bool color);
void	render_status(struct buf *out, const struct queue *, bool color);

void	render_bytes(struct buf *, uint64_t);
void	render_duration(struct buf *, int64_t ms);

#endif
