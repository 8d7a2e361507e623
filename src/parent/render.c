#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "sanitize.h"
#include "term.h"
#include "xmalloc.h"

#define ESC		"\033"
#define CLEAR_EOL	ESC "[K"
#define CLEAR_EOS	ESC "[J"
#define HIDE_CURSOR	ESC "[?25l"
#define SHOW_CURSOR	ESC "[?25h"

void
render_init(struct render *r, enum render_mode mode, int width, bool color,
    int verbosity, size_t nslots)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->verbosity = verbosity;
	r->width = width > 20 ? width : 20;
	r->color = color;
	buf_init(&r->above);
	r->nslots = nslots;
	r->beat = xcalloc(nslots ? nslots : 1, sizeof(*r->beat));
}

void
render_release(struct render *r)
{
	if (r == NULL)
		return;
	buf_release(&r->above);
	free(r->beat);
	memset(r, 0, sizeof(*r));
}

void
render_bytes(struct buf *b, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		buf_addf(b, "%llu B", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	buf_addf(b, "%.1f %s", v, unit[u]);
}

void
render_duration(struct buf *b, int64_t ms)
{
	int64_t s = ms / 1000;

	if (ms < 0)
		ms = 0;
	if (ms < 60000)
		buf_addf(b, "%.1fs", (double)ms / 1000.0);
	else if (s < 3600)
		buf_addf(b, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else
		buf_addf(b, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
}

static void
paint(const struct render *r, struct buf *b, const char *color,
    const char *text)
{
	if (r->color)
		buf_addf(b, "%s%s%s", color, text, TERM_RESET);
	else
		buf_addstr(b, text);
}

/* "[done/total] " — the counter every plain line starts with. */
static void
counter(struct buf *b, const struct progress *p)
{
	buf_addf(b, "[%zu/%zu] ", progress_done(p), p->total);
}

/* Copy text so that it takes at most cols columns, eliding the middle. */
static void
elide_middle(struct buf *b, const char *s, size_t cols)
{
	size_t len = strlen(s), have = term_columns(s, len), keep, i, n;
	const char *tail;

	if (have <= cols) {
		buf_addstr(b, s);
		return;
	}
	if (cols <= 3) {
		buf_add(b, "...", cols);
		return;
	}
	keep = cols - 3;
	/* head: keep/2 columns, tail: the rest */
	for (i = 0, n = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (n == keep / 2)
			break;
		n++;
	}
	buf_add(b, s, i);
	buf_addstr(b, "...");
	n = keep - keep / 2;
	tail = s + len;
	while (tail > s + i && n > 0) {
		tail--;
		if (((unsigned char)*tail & 0xc0) != 0x80)
			n--;
	}
	buf_addstr(b, tail);
}

/* Cut a finished line (may hold colour escapes) to the terminal width. */
static void
fit_line(struct buf *out, const char *line, size_t len, int width)
{
	size_t i, cols = 0, max = (size_t)(width > 1 ? width - 1 : 1);
	bool cut = false;

	for (i = 0; i < len; i++) {
		if (line[i] == 0x1b) {
			while (i < len && line[i] != 'm')
				buf_addch(out, line[i++]);
			if (i < len)
				buf_addch(out, line[i]);
			continue;
		}
		if (((unsigned char)line[i] & 0xc0) != 0x80) {
			if (cols == max) {
				cut = true;
				continue;
			}
			cols++;
		} else if (cut)
			continue;
		buf_addch(out, line[i]);
	}
}

/*
 * Queue a line to scroll up above the area (TTY) or to print (plain).
 * Such lines may wrap: the cursor arithmetic only counts area lines.
 */
static void
emit(struct render *r, const struct buf *line)
{
	buf_add(&r->above, line->data, line->len);
	buf_addch(&r->above, '\n');
}

static void
sanitized(struct buf *b, const char *s)
{
	sanitize_str(b, s);
}

/* -v: "[3/30] start   path" as each job is handed to a worker. */
void
render_job_start(struct render *r, const struct job *j,
    const struct progress *p)
{
	struct buf line = BUF_INIT;

	if (r->verbosity < 1 || r->mode == RENDER_NONE)
		return;
	buf_init(&line);
	counter(&line, p);
	buf_addf(&line, "start   %s", j->spec->path);
	if (j->tries > 1)
		buf_addf(&line, " (try %u)", j->tries);
	emit(r, &line);
	buf_release(&line);
}

/* Which finished jobs get a line: -q and --progress none keep quiet. */
static bool
shown(const struct render *r, const struct job *j)
{
	if (j->state == JOB_CHECKED || r->mode == RENDER_NONE)
		return false;	/* status prints its table at the end */
	return r->verbosity >= 0 || j->state == JOB_FAILED ||
	    j->state == JOB_SKIPPED;
}

void
render_job_done(struct render *r, const struct job *j, const struct progress *p)
{
	struct buf line = BUF_INIT, tmp = BUF_INIT;
	const char *s, *nl;

	if (!shown(r, j))
		return;
	buf_init(&line);
	buf_init(&tmp);
	counter(&line, p);
	switch (j->state) {
	case JOB_CLONED:
	case JOB_UPDATED:
		paint(r, &line, TERM_GREEN, j->state == JOB_CLONED ? "cloned " :
		    "updated");
		buf_addf(&line, " %s (", j->spec->path);
		render_duration(&line, j->end_ms - j->start_ms);
		buf_addstr(&line, ", ");
		render_bytes(&line, j->result.bytes);
		buf_addstr(&line, ")");
		break;
	case JOB_UNCHANGED:
		paint(r, &line, TERM_DIM, "ok     ");
		buf_addf(&line, " %s (up to date", j->spec->path);
		if (j->result.where != NULL) {
			buf_addstr(&line, ", ");
			sanitized(&line, j->result.where);
		}
		buf_addstr(&line, ")");
		break;
	case JOB_SKIPPED:
		paint(r, &line, TERM_YELLOW, "SKIP   ");
		buf_addf(&line, " %s: ", j->spec->path);
		sanitized(&line, j->result.message);
		break;
	case JOB_CANCELLED:
		paint(r, &line, TERM_YELLOW, "cancel ");
		buf_addf(&line, " %s", j->spec->path);
		break;
	default:
		paint(r, &line, TERM_RED, "FAIL   ");
		buf_addf(&line, " %s (", j->spec->path);
		render_duration(&line, j->end_ms - j->start_ms);
		buf_addf(&line, "): %s: ", errclass_name(j->result.err_class));
		sanitized(&line, j->result.message);
		break;
	}
	emit(r, &line);
	/* Stray output of the worker, shown whole under its job (ninja). */
	for (s = j->stderr_text; s != NULL && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		buf_reset(&line);
		buf_addstr(&line, "    | ");
		sanitize_add(&line, s, (size_t)(nl - s));
		emit(r, &line);
		if (*nl == '\0')
			break;
	}
	buf_release(&line);
	buf_release(&tmp);
}

/* "[3/30] retry   path in 1.8s (try 2 of 4): network: message" */
void
render_retry(struct render *r, const struct job *j, int64_t delay_ms,
    unsigned max_tries, const struct progress *p)
{
	struct buf line = BUF_INIT;
	const struct attempt *a = &j->attempts[j->nattempts - 1];

	if (r->verbosity < 0 || r->mode == RENDER_NONE)
		return;
	buf_init(&line);
	counter(&line, p);
	paint(r, &line, TERM_YELLOW, "retry  ");
	buf_addf(&line, " %s in ", j->spec->path);
	render_duration(&line, delay_ms);
	buf_addf(&line, " (try %u of %u): %s: ", j->tries + 1, max_tries,
	    errclass_name(a->err_class));
	sanitized(&line, a->message);
	emit(r, &line);
	buf_release(&line);
}

void
render_warning(struct render *r, const char *path, const char *text)
{
	struct buf line = BUF_INIT;

	buf_init(&line);
	paint(r, &line, TERM_YELLOW, "warning:");
	if (path != NULL)
		buf_addf(&line, " %s:", path);
	buf_addch(&line, ' ');
	sanitized(&line, text);
	emit(r, &line);
	buf_release(&line);
}

void
render_note(struct render *r, const char *text)
{
	struct buf line = BUF_INIT;

	buf_init(&line);
	buf_addstr(&line, "githerd: ");
	sanitized(&line, text);
	emit(r, &line);
	buf_release(&line);
}

/* What a running job is doing, without its path: "receiving  45% ...". */
static void
activity(struct buf *b, const struct job_progress *s, bool rate)
{
	const struct msg_progress *c = &s->c;
	int pct = progress_percent(s);

	buf_addstr(b, phase_name(s->phase));
	if (pct >= 0)
		buf_addf(b, " %3d%%", pct);
	switch (s->phase) {
	case PHASE_RECEIVE:
		buf_addstr(b, "  ");
		render_bytes(b, c->received_bytes);
		if (rate && s->rate > 0) {
			buf_addstr(b, ", ");
			render_bytes(b, (uint64_t)s->rate);
			buf_addstr(b, "/s");
		}
		if (c->total_objects > 0)
			buf_addf(b, "  %u/%u objects", c->received_objects,
			    c->total_objects);
		break;
	case PHASE_RESOLVE:
		buf_addf(b, "  %u/%u deltas", c->indexed_deltas, c->total_deltas);
		break;
	case PHASE_CHECKOUT:
		if (c->checkout_total > 0)
			buf_addf(b, "  %u/%u files", c->checkout_done,
			    c->checkout_total);
		break;
	default:
		break;
	}
}

void
render_heartbeats(struct render *r, const struct progress *p, int64_t now)
{
	struct buf line = BUF_INIT;
	const struct job_progress *s;
	size_t i;

	if (r->mode != RENDER_PLAIN || r->verbosity < 0)
		return;
	buf_init(&line);
	for (i = 0; i < p->nslots && i < r->nslots; i++) {
		s = &p->slots[i];
		if (s->job == NULL) {
			r->beat[i] = 0;
			continue;
		}
		if (r->beat[i] < s->start_ms)
			r->beat[i] = s->start_ms;
		if (now - r->beat[i] < RENDER_HEARTBEAT_MS)
			continue;
		r->beat[i] = now;
		buf_reset(&line);
		counter(&line, p);
		buf_addf(&line, "...     %s: still running after ",
		    s->job->spec->path);
		render_duration(&line, now - s->start_ms);
		buf_addstr(&line, ": ");
		activity(&line, s, false);
		emit(r, &line);
	}
	buf_release(&line);
}

static size_t
path_column(const struct render *r, const struct progress *p)
{
	size_t i, w = 8, cap = (size_t)r->width / 3, c;

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
	elide_middle(&path, s->job->spec->path, pathw);
	cols = term_columns(path.data, path.len);
	buf_addf(b, "  %s%*s ", path.data, (int)(pathw - cols), "");
	/* Elapsed first: what gets cut at the right edge matters least. */
	buf_reset(&path);
	render_duration(&path, now - s->start_ms);
	buf_addf(b, "%6s  ", path.data);
	activity(b, s, true);
	buf_release(&path);
}

static void
area_total_line(const struct render *r, struct buf *b,
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
		paint(r, b, TERM_RED, tmp);
	}
	if (p->count[JOB_SKIPPED] > 0) {
		snprintf(tmp, sizeof(tmp), "%zu skipped", p->count[JOB_SKIPPED]);
		buf_addstr(b, ", ");
		paint(r, b, TERM_YELLOW, tmp);
	}
	if (rate > 0) {
		buf_addstr(b, ", ");
		render_bytes(b, (uint64_t)rate);
		buf_addstr(b, "/s");
	}
	buf_addstr(b, ", elapsed ");
	render_duration(b, now - p->start_ms);
	if (eta >= 0) {
		buf_addstr(b, ", ETA ");
		render_duration(b, eta);
	}
}

/*
 * One frame: back to the top of the live area, the lines that scroll up
 * for good, then the area itself, each line cleared to its end and cut to
 * the terminal width so that nothing wraps and the arithmetic holds.
 */
void
render_frame(struct render *r, struct buf *out, const struct progress *p,
    int64_t now)
{
	struct buf line = BUF_INIT;
	size_t i, pathw;
	int n = 0;

	if (r->mode != RENDER_TTY) {
		buf_add(out, r->above.data, r->above.len);
		buf_reset(&r->above);
		return;
	}
	buf_init(&line);
	if (r->area > 0) {
		buf_addch(out, '\r');
		if (r->area > 1)
			buf_addf(out, ESC "[%dA", r->area - 1);
	} else if (!r->cursor_hidden) {
		buf_addstr(out, HIDE_CURSOR);
		r->cursor_hidden = true;
	}
	/* Permanent lines each end in '\n'; clear what the area left there. */
	for (i = 0; i < r->above.len; i++) {
		if (r->above.data[i] == '\n')
			buf_addstr(out, CLEAR_EOL);
		buf_addch(out, r->above.data[i]);
	}
	buf_reset(&r->above);
	pathw = path_column(r, p);
	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].job == NULL)
			continue;
		buf_reset(&line);
		area_job_line(&line, &p->slots[i], pathw, now);
		fit_line(out, line.data, line.len, r->width);
		buf_addstr(out, CLEAR_EOL "\n");
		n++;
	}
	buf_reset(&line);
	area_total_line(r, &line, p, now);
	fit_line(out, line.data, line.len, r->width);
	buf_addstr(out, CLEAR_EOL CLEAR_EOS);
	r->area = n + 1;
	buf_release(&line);
}

/* Take the live area off the screen and give the cursor back. */
void
render_clear(struct render *r, struct buf *out)
{
	if (r->mode != RENDER_TTY) {
		buf_add(out, r->above.data, r->above.len);
		buf_reset(&r->above);
		return;
	}
	if (r->area > 0) {
		buf_addch(out, '\r');
		if (r->area > 1)
			buf_addf(out, ESC "[%dA", r->area - 1);
		buf_addstr(out, CLEAR_EOS);
		r->area = 0;
	}
	buf_add(out, r->above.data, r->above.len);
	buf_reset(&r->above);
	if (r->cursor_hidden) {
		buf_addstr(out, SHOW_CURSOR);
		r->cursor_hidden = false;
	}
}

void
render_summary(struct buf *out, const struct queue *q,
    const struct progress *p, int64_t now, bool color)
{
	const struct job *j;
	size_t i;

	buf_addf(out, "githerd: %zu %s in ", q->njobs,
	    q->njobs == 1 ? "repository" : "repositories");
	render_duration(out, now - p->start_ms);
	buf_addf(out, ": %zu cloned, %zu updated, %zu up to date",
	    q->count[JOB_CLONED], q->count[JOB_UPDATED],
	    q->count[JOB_UNCHANGED]);
	if (q->count[JOB_SKIPPED] > 0)
		buf_addf(out, ", %s%zu skipped to protect local work%s",
		    color ? TERM_YELLOW : "", q->count[JOB_SKIPPED],
		    color ? TERM_RESET : "");
	if (q->count[JOB_FAILED] > 0)
		buf_addf(out, ", %s%zu failed%s", color ? TERM_RED : "",
		    q->count[JOB_FAILED], color ? TERM_RESET : "");
	if (q->count[JOB_CANCELLED] > 0)
		buf_addf(out, ", %zu cancelled", q->count[JOB_CANCELLED]);
	buf_addstr(out, " (");
	render_bytes(out, p->bytes_done);
	buf_addstr(out, " received)\n");
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->state == JOB_SKIPPED)
			buf_addf(out, "  %sSKIP%s %s: ",
			    color ? TERM_YELLOW : "",
			    color ? TERM_RESET : "", j->spec->path);
		else if (j->state == JOB_FAILED)
			buf_addf(out, "  %sFAIL%s %s: %s: ",
			    color ? TERM_RED : "",
			    color ? TERM_RESET : "", j->spec->path,
			    errclass_name(j->result.err_class));
		else
			continue;
		sanitized(out, j->result.message);
		buf_addch(out, '\n');
	}
}

/* `githerd status`: one line per entry, in manifest order. */
void
render_status(struct buf *out, const struct queue *q, bool color)
{
	const struct job *j;
	size_t i, w = 0, n;
	const char *c;

	for (i = 0; i < q->njobs; i++) {
		n = term_columns(q->jobs[i].spec->path,
		    strlen(q->jobs[i].spec->path));
		if (n > w)
			w = n;
	}
	if (w > 40)
		w = 40;
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		n = term_columns(j->spec->path, strlen(j->spec->path));
		buf_addf(out, "%s%*s  ", j->spec->path, (int)(n < w ? w - n : 0),
		    "");
		if (j->state != JOB_CHECKED) {
			c = TERM_RED;
			if (color)
				buf_addstr(out, c);
			buf_addf(out, "%s: %s: ", job_state_name(j->state),
			    errclass_name(j->result.err_class));
			sanitized(out, j->result.message);
		} else {
			c = j->result.state == ES_OK ? TERM_GREEN :
			    j->result.state == ES_MISSING ? TERM_DIM :
			    TERM_YELLOW;
			if (color)
				buf_addstr(out, c);
			sanitized(out, j->result.message);
		}
		if (color)
			buf_addstr(out, TERM_RESET);
		buf_addch(out, '\n');
	}
}
