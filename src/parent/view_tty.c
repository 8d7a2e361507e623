/*
 * The TTY view (view.h): finished lines scroll up for good above a live
 * area, one line per running job and a total line, redrawn in place by
 * moving the cursor back to its top.  Each area line is cut to the width
 * so that nothing wraps and the cursor arithmetic holds.
 */
#include <stdio.h>
#include <string.h>

#include "line.h"
#include "term.h"
#include "view.h"

#define ESC		"\033"
#define CLEAR_EOL	ESC "[K"
#define CLEAR_EOS	ESC "[J"
#define HIDE_CURSOR	ESC "[?25l"
#define SHOW_CURSOR	ESC "[?25h"

static size_t
path_column(const struct view *v, const struct progress *p)
{
	size_t i, w = 8, cap = (size_t)v->width / 3, c;

	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].job == NULL)
			continue;
		c = term_columns(p->slots[i].job->spec->path,
		    strlen(p->slots[i].job->spec->path));
		if (c > w)
			w = c;
	}
	return w < cap ? w : (cap > 8 ? cap : 8);
}

static void
area_job_line(struct buf *b, const struct job_progress *s, size_t pathw,
    int64_t now)
{
	struct buf path = BUF_INIT;
	size_t cols;

	buf_init(&path);
	line_elide_middle(&path, s->job->spec->path, pathw);
	cols = term_columns(path.data, path.len);
	buf_addf(b, "  %s%*s ", path.data, (int)(pathw - cols), "");
	/* Elapsed first: what gets cut at the right edge matters least. */
	buf_reset(&path);
	line_duration(&path, now - s->start_ms);
	buf_addf(b, "%6s  ", path.data);
	line_activity(b, s, true);
	buf_release(&path);
}

static void
area_total_line(const struct view *v, struct buf *b,
    const struct progress *p, int64_t now)
{
	int64_t eta = progress_eta_ms(p, now);
	double rate = progress_rate(p);
	char tmp[64];

	buf_addf(b, "[%zu/%zu] %zu running", progress_done(p), p->total,
	    progress_running(p));
	if (p->count[JOB_FAILED] > 0) {
		snprintf(tmp, sizeof(tmp), "%zu failed", p->count[JOB_FAILED]);
		buf_addstr(b, ", ");
		line_paint(b, v->color, TERM_RED, tmp);
	}
	if (p->count[JOB_SKIPPED] > 0) {
		snprintf(tmp, sizeof(tmp), "%zu skipped", p->count[JOB_SKIPPED]);
		buf_addstr(b, ", ");
		line_paint(b, v->color, TERM_YELLOW, tmp);
	}
	if (rate > 0) {
		buf_addstr(b, ", ");
		line_bytes(b, (uint64_t)rate);
		buf_addstr(b, "/s");
	}
	buf_addstr(b, ", elapsed ");
	line_duration(b, now - p->start_ms);
	if (eta >= 0) {
		buf_addstr(b, ", ETA ");
		line_duration(b, eta);
	}
}

/*
 * One frame: back to the top of the live area, the lines that scroll up
 * for good, then the area itself, each line cleared to its end and cut to
 * the terminal width so that nothing wraps and the arithmetic holds.
 */
static void
tty_frame(struct view *v, struct buf *out, const struct progress *p,
    int64_t now)
{
	struct buf line = BUF_INIT;
	size_t i, pathw;
	int n = 0;

	buf_init(&line);
	if (v->area > 0) {
		buf_addch(out, '\r');
		if (v->area > 1)
			buf_addf(out, ESC "[%dA", v->area - 1);
	} else if (!v->cursor_hidden) {
		buf_addstr(out, HIDE_CURSOR);
		v->cursor_hidden = true;
	}
	/* Permanent lines each end in '\n'; clear what the area left there. */
	for (i = 0; i < v->above.len; i++) {
		if (v->above.data[i] == '\n')
			buf_addstr(out, CLEAR_EOL);
		buf_addch(out, v->above.data[i]);
	}
	buf_reset(&v->above);
	pathw = path_column(v, p);
	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].job == NULL)
			continue;
		buf_reset(&line);
		area_job_line(&line, &p->slots[i], pathw, now);
		line_fit(out, line.data, line.len, v->width);
		buf_addstr(out, CLEAR_EOL "\n");
		n++;
	}
	buf_reset(&line);
	area_total_line(v, &line, p, now);
	line_fit(out, line.data, line.len, v->width);
	buf_addstr(out, CLEAR_EOL CLEAR_EOS);
	v->area = n + 1;
	buf_release(&line);
}

/* Take the live area off the screen and give the cursor back. */
static void
tty_clear(struct view *v, struct buf *out)
{
	if (v->area > 0) {
		buf_addch(out, '\r');
		if (v->area > 1)
			buf_addf(out, ESC "[%dA", v->area - 1);
		buf_addstr(out, CLEAR_EOS);
		v->area = 0;
	}
	buf_add(out, v->above.data, v->above.len);
	buf_reset(&v->above);
	if (v->cursor_hidden) {
		buf_addstr(out, SHOW_CURSOR);
		v->cursor_hidden = false;
	}
}


const struct view_ops view_tty_ops = {
	.tick = NULL,
	.frame = tty_frame,
	.clear = tty_clear,
};
