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
	int64_t s;

	if (ms < 0)
		ms = 0;
	s = ms / 1000;
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

/*
 * A size in exactly five columns, whatever its value (curl's max5data):
 * "  512B", " 1.5K", "  15K", " 153M", " 1.2G".  A live display whose
 * numbers change width makes everything after them jump.
 */
void
line_size5(struct buf *b, uint64_t n)
{
	static const char unit[] = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 1000) {
		buf_addf(b, "%4lluB", (unsigned long long)n);
		return;
	}
	do {
		v /= 1024;
		u++;
	} while (v >= 999.5 && u < 5);
	if (v < 9.95)
		buf_addf(b, "%4.1f%c", v, unit[u]);
	else
		buf_addf(b, "%4.0f%c", v, unit[u]);
}

/*
 * A duration in five columns, right-aligned, as exact as five allow:
 * " 0.4s", "59.9s", "9m59s", "12.5m", "9h59m", "12.5h", " 123h".
 */
void
line_duration5(struct buf *b, int64_t ms)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (ms < 60000)
		buf_addf(b, "%4.1fs", (double)(ms < 0 ? 0 : ms) / 1000.0);
	else if (s < 600)
		buf_addf(b, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 3600)
		buf_addf(b, "%4.1fm", (double)(s / 6) / 10.0);
	else if (s < 36000)
		buf_addf(b, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
	else if (s < 360000)
		buf_addf(b, "%4.1fh", (double)(s / 360) / 10.0);
	else
		buf_addf(b, "%4lldh", (long long)(s / 3600));
}

int
line_digits(uint64_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* "done/total what", done padded to the width of total so it never moves. */
static void
count_of(struct buf *b, uint32_t done, uint32_t total, const char *what)
{
	buf_addf(b, "%*u/%u %s", line_digits(total), done, total, what);
}

/* "[#####     ]": cols columns in all, brackets included. */
static void
bar(struct buf *b, int pct, size_t cols)
{
	size_t inner = cols - 2, full = inner * (size_t)pct / 100, i;

	buf_addch(b, '[');
	for (i = 0; i < inner; i++)
		buf_addch(b, i < full ? '#' : ' ');
	buf_addch(b, ']');
}

/*
 * What a running job is doing, without its path: "receiving  45% ...".
 * A live line (the TTY view) also gets the rate and its fields padded
 * where a percent or rate is missing, so that lines one above the other
 * keep their columns, and a bar of barcols columns when the phase has a
 * known total.
 */
void
line_activity(struct buf *b, const struct job_progress *s, bool live,
    size_t barcols)
{
	const struct msg_progress *c = &s->c;
	int pct = progress_percent(s);

	if (!live)
		barcols = 0;
	buf_addf(b, live ? "%-10s" : "%s", phase_name(s->phase));
	if (pct >= 0) {
		if (barcols > 2) {
			buf_addch(b, ' ');
			bar(b, pct, barcols);
		}
		buf_addf(b, " %3d%%", pct);
	} else if (live) {
		buf_addf(b, "%*s", (int)(barcols > 2 ? barcols + 6 : 5), "");
	}
	switch (s->phase) {
	case PHASE_RECEIVE:
		buf_addstr(b, "  ");
		if (live)
			line_size5(b, c->received_bytes);
		else
			line_bytes(b, c->received_bytes);	/* a log line */
		if (live && s->rate > 0) {
			buf_addch(b, ' ');
			line_size5(b, (uint64_t)s->rate);
			buf_addstr(b, "/s");
		} else if (live) {
			buf_addstr(b, "        ");
		}
		if (c->total_objects > 0) {
			buf_addstr(b, "  ");
			count_of(b, c->received_objects, c->total_objects,
			    "objects");
		}
		break;
	case PHASE_RESOLVE:
		buf_addstr(b, "  ");
		count_of(b, c->indexed_deltas, c->total_deltas, "deltas");
		break;
	case PHASE_CHECKOUT:
		if (c->checkout_total > 0) {
			buf_addstr(b, "  ");
			count_of(b, c->checkout_done, c->checkout_total, "files");
		}
		break;
	default:
		break;
	}
}
