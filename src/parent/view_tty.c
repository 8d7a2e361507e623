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

/* A bar where there is room for it and the numbers after it. */
static size_t
bar_columns(const struct view *v)
{
	return v->width >= 160 ? 32 : v->width >= 110 ? 17 : 0;
}

/*
 * "  path  elapsed  phase [bar] pct  numbers": every field after the
 * path in a fixed width, so that nothing jumps from one frame to the
 * next; what gets cut at the right edge matters least.
 */
static void
area_job_line(const struct view *v, struct buf *b,
    const struct job_progress *s, size_t pathw, int64_t now)
{
	struct buf path = BUF_INIT;
	size_t cols;

	buf_init(&path);
	line_elide_middle(&path, s->job->spec->path, pathw);
	cols = term_columns(path.data, path.len);
	buf_addf(b, "  %s%*s ", path.data, (int)(pathw - cols), "");
	line_duration5(b, now - s->start_ms);
	buf_addstr(b, "  ");
	line_activity(b, s, true, bar_columns(v));
	buf_release(&path);
}

/*
 * "[ 12/345] elapsed  1.0s  ETA  2.3s   3.0M/s  8 running, 1 failed":
 * the fixed-width fields first, each in its place even when it has
 * nothing to say (no ETA without a record of every job left).
 */
static void
area_total_line(const struct view *v, struct buf *b,
    const struct progress *p, int64_t now)
{
	int64_t eta = progress_eta_ms(p, now);
	double rate = progress_rate(p);
	char tmp[64];

	buf_addf(b, "[%*zu/%zu] elapsed ", line_digits(p->total),
	    progress_done(p), p->total);
	line_duration5(b, now - p->start_ms);
	buf_addstr(b, "  ");
	if (eta >= 0) {
		buf_addstr(b, "ETA ");
		line_duration5(b, eta);
	} else {
		buf_addstr(b, "         ");
	}
	buf_addstr(b, "  ");
	if (rate > 0) {
		line_size5(b, (uint64_t)rate);
		buf_addstr(b, "/s");
	} else {
		buf_addstr(b, "       ");
	}
	buf_addf(b, "  %zu running", progress_running(p));
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
}

/*
 * Fit an area line to the width by whole fields: where it is too wide,
 * cut it at the last field separator ("  " or ", ") that fits, so that
 * a number is shown whole or not at all; trailing padding goes too.
 */
static void
fit_fields(struct buf *out, struct buf *line, int width)
{
	size_t max = (size_t)(width > 1 ? width - 1 : 1), end = line->len, i;

	if (term_columns(line->data, line->len) > max) {
		for (i = line->len; i > 1; i--) {
			if (!((line->data[i - 2] == ' ' || line->data[i - 2] == ',') &&
			    line->data[i - 1] == ' '))
				continue;
			if (term_columns(line->data, i - 2) <= max) {
				end = i - 2;
				break;
			}
		}
	}
	while (end > 0 && line->data[end - 1] == ' ')
		end--;
	line_fit(out, line->data, end, width);
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
		area_job_line(v, &line, &p->slots[i], pathw, now);
		fit_fields(out, &line, v->width);
		buf_addstr(out, CLEAR_EOL "\n");
		n++;
	}
	buf_reset(&line);
	area_total_line(v, &line, p, now);
	fit_fields(out, &line, v->width);
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
