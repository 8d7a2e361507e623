#include <stdio.h>
#include <string.h>

#include "line.h"
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

/* Copy text so that it takes at most cols columns, eliding the middle. */
void
line_elide_middle(struct buf *b, const char *s, size_t cols)
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
void
line_fit(struct buf *out, const char *line, size_t len, int width)
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

