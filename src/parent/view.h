/*
 * What a run shows while its jobs go, behind one interface (ninja's
 * Status and its printers).  The loop reports events (a job started,
 * finished or will be retried; a warning; a note), calls view_tick on
 * every turn and asks for frames; a view only ever formats into a buf,
 * and the loop writes that with one write().
 *
 * Event lines are the same in every view and are made here.  What differs
 * lives behind struct view_ops:
 *   view_tty.c    finished lines scroll up above a live area (one line
 *                 per running job and a total) redrawn in place;
 *   view_plain.c  one self-contained line per event, a heartbeat for
 *                 long jobs, never an escape byte unless colour is asked.
 * VIEW_NONE is the plain view showing warnings and notes only.
 */
#ifndef GITHERD_VIEW_H
#define GITHERD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "progress.h"
#include "queue.h"

enum view_mode {
	VIEW_TTY,
	VIEW_PLAIN,
	VIEW_NONE,		/* warnings and notes only */
};

struct view;

struct view_ops {
	void	(*tick)(struct view *, const struct progress *, int64_t now);
	void	(*frame)(struct view *, struct buf *out,
		    const struct progress *, int64_t now);
	void	(*clear)(struct view *, struct buf *out);
};

struct view {
	const struct view_ops	*ops;
	enum view_mode		 mode;
	int			 width;
	bool			 color;
	int			 verbosity;	/* -1 failures only, 1 starts too */
	struct buf		 above;		/* event lines not yet written */
	/* view_tty.c */
	int			 area;		/* lines of live area shown */
	bool			 cursor_hidden;
	/* view_plain.c */
	int64_t			*beat;		/* last line per slot */
	size_t			 nslots;
};

extern const struct view_ops view_tty_ops, view_plain_ops;

void	view_init(struct view *, enum view_mode, int width, bool color,
	    int verbosity, size_t nslots);
void	view_release(struct view *);

void	view_job_start(struct view *, const struct job *,
	    const struct progress *);
void	view_job_done(struct view *, const struct job *,
	    const struct progress *);
void	view_retry(struct view *, const struct job *, int64_t delay_ms,
	    unsigned max_tries, const struct progress *);
void	view_warning(struct view *, const char *path, const char *text);
void	view_note(struct view *, const char *text);

void	view_tick(struct view *, const struct progress *, int64_t now);
void	view_frame(struct view *, struct buf *out, const struct progress *,
	    int64_t now);
void	view_clear(struct view *, struct buf *out);	/* the last frame */
void	view_resize(struct view *, int width);
bool	view_pending(const struct view *);	/* event lines to write */

/* For the implementations: queue one line to go out with the next frame. */
void	view_emit(struct view *, const struct buf *line);
/* Whole lines, each ending in '\n', already made safe (githerd exec). */
void	view_emit_lines(struct view *, const char *text, size_t len);

#endif
