#include <stdio.h>
#include <string.h>

#include "line.h"
#include "sanitize.h"
#include "term.h"

void
line_bytes(struct buf *b, uint64_t n)
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
line_duration(struct buf *b, int64_t ms)
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

void
line_paint(struct buf *b, bool color, const char *sgr, const char *text)
{
	if (color)
		buf_addf(b, "%s%s%s", sgr, text, TERM_RESET);
	else
		buf_addstr(b, text);
}

/* "[done/total] " — the counter every plain line starts with. */
void
line_counter(struct buf *b, const struct progress *p)
{
	buf_addf(b, "[%zu/%zu] ", progress_done(p), p->total);
}

/* The byte length and columns of the code point at s (one byte if invalid). */
static size_t
cp_at(const char *s, size_t len, int *cols)
{
	uint32_t cp;
	size_t k = sanitize_utf8_next((const unsigned char *)s, len, &cp);

	if (k == 0) {
		*cols = 1;
		return 1;
	}
	*cols = term_cp_columns(cp);
	return k;
}

/*
 * Copy text so that it takes at most cols columns, eliding the middle:
 * widths by wcwidth (a CJK character takes two), never a character cut
 * in two, and a combining mark stays with what it combines with.
 */
void
line_elide_middle(struct buf *b, const char *s, size_t cols)
{
	size_t len = strlen(s), have = term_columns(s, len), keep, head = 0;
	size_t i, k, n, tail, rem;
	struct term_utf8 t;
	int w;

	if (have <= cols) {
		buf_addstr(b, s);
		return;
	}
	if (cols <= 3) {
		buf_add(b, "...", cols);
		return;
	}
	keep = cols - 3;
	term_utf8_enter(&t);
	/* head: up to keep/2 columns, whole characters and their marks */
	for (i = 0, n = 0; i < len; i += k) {
		k = cp_at(s + i, len - i, &w);
		if (w > 0 && n + (size_t)w > keep / 2)
			break;
		n += (size_t)w;
		head = i + k;
	}
	buf_add(b, s, head);
	buf_addstr(b, "...");
	/* tail: drop characters after head until the rest fits, and never
	 * start on a combining mark */
	rem = term_columns(s + head, len - head);
	for (tail = head; tail < len; tail += k) {
		k = cp_at(s + tail, len - tail, &w);
		if (rem <= keep - n && w > 0)
			break;
		rem -= (size_t)w;
	}
	term_utf8_leave(&t);
	buf_addstr(b, s + tail);
}

/* Cut a finished line (may hold colour escapes) to the terminal width. */
void
line_fit(struct buf *out, const char *line, size_t len, int width)
{
	size_t i, k, cols = 0, max = (size_t)(width > 1 ? width - 1 : 1);
	struct term_utf8 t;
	bool cut = false;
	int w;

	term_utf8_enter(&t);
	for (i = 0; i < len; i += k) {
		if (line[i] == 0x1b) {
			/* colours pass, also after the cut: they reset */
			for (k = 0; i + k < len && line[i + k] != 'm'; k++)
				;
			k += i + k < len;
			buf_add(out, line + i, k);
			continue;
		}
		k = cp_at(line + i, len - i, &w);
		/* a wide character that would straddle the edge goes whole */
		if (cut || cols + (size_t)w > max) {
			cut = true;
			continue;
		}
		cols += (size_t)w;
		buf_add(out, line + i, k);
	}
	term_utf8_leave(&t);
}

/* What a running job is doing, without its path: "receiving  45% ...". */
void
line_activity(struct buf *b, const struct job_progress *s, bool rate)
{
	const struct msg_progress *c = &s->c;
	int pct = progress_percent(s);

	buf_addstr(b, phase_name(s->phase));
	if (pct >= 0)
		buf_addf(b, " %3d%%", pct);
	switch (s->phase) {
	case PHASE_RECEIVE:
		buf_addstr(b, "  ");
		line_bytes(b, c->received_bytes);
		if (rate && s->rate > 0) {
			buf_addstr(b, ", ");
			line_bytes(b, (uint64_t)s->rate);
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

