#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "execshow.h"
#include "line.h"
#include "report.h"
#include "sanitize.h"
#include "term.h"

#define TAB_STOP	8

/* One piece between tabs and newlines; col counts a terminal's columns. */
static void
segment(struct buf *b, const char *s, size_t len, bool json, size_t *col)
{
	size_t before = b->len;

	if (json) {
		json_escape(b, s, len);
		return;
	}
	sanitize_add(b, s, len);
	*col += term_columns(b->data + before, b->len - before);
}

void
execshow_clean(struct buf *b, const char *text, size_t len, bool json)
{
	size_t i, start = 0, col = 0, n;

	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n' && text[i] != '\t')
			continue;
		n = i - start;
		/* "\r\n" ends a line as "\n" does: no stray blank at its end */
		if (i < len && text[i] == '\n' && n > 0 && text[i - 1] == '\r')
			n--;
		segment(b, text + start, n, json, &col);
		start = i + 1;
		if (i == len)
			break;
		if (text[i] == '\n') {
			buf_addstr(b, json ? "\\n" : "\n");
			col = 0;
		} else if (json) {
			buf_addstr(b, "\\t");
		} else {
			do
				buf_addch(b, ' ');
			while (++col % TAB_STOP != 0);
		}
	}
	if (!json && len > 0 && text[len - 1] != '\n')
		buf_addch(b, '\n');
}

static const char *
signal_name(int sig)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGSEGV, "SIGSEGV" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGTERM, "SIGTERM" }, { SIGBUS, "SIGBUS" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

void
execshow_outcome(struct buf *b, const struct exec_entry *e)
{
	const char *sig;

	if (e->why != NULL) {
		sanitize_str(b, e->why);
		return;
	}
	if (e->signal != 0) {
		if ((sig = signal_name(e->signal)) != NULL)
			buf_addf(b, "killed by %s", sig);
		else
			buf_addf(b, "killed by signal %d", e->signal);
		return;
	}
	buf_addf(b, "exit status %d", e->exit_code);
}

void
execshow_block(struct buf *b, const struct exec_entry *e, bool color)
{
	struct buf head = BUF_INIT;

	buf_init(&head);
	buf_addstr(&head, "=== ");
	sanitize_str(&head, e->job.spec->path);
	if (e->state != EXEC_OK) {
		buf_addstr(&head, " (");
		execshow_outcome(&head, e);
		buf_addch(&head, ')');
	}
	buf_addstr(&head, " ===");
	line_paint(b, color, e->state == EXEC_OK ? TERM_BOLD : TERM_RED,
	    head.data);
	buf_addch(b, '\n');
	execshow_clean(b, e->output.data, e->output.len, false);
	if (e->dropped > 0)
		buf_addf(b, "\xe2\x80\xa6 %llu bytes dropped (githerd keeps "
		    "the first %u MiB of an entry's output)\n",
		    (unsigned long long)e->dropped, EXEC_OUTPUT_MAX >> 20);
	if (e->cut)
		buf_addstr(b, "\xe2\x80\xa6 the command exited; what a process "
		    "it left running writes is not shown\n");
	buf_release(&head);
}

/* "3 ok, 1 failed, 1 not run": ok, then the counts that are not zero. */
static void
counts(struct buf *b, const struct exec_run *r)
{
	const struct {
		size_t		 n;
		const char	*what;
	} c[] = {
		{ r->count[EXEC_OK], "ok" },
		{ r->count[EXEC_FAILED], "failed" },
		{ r->count[EXEC_TIMEOUT], "timed out" },
		{ r->count[EXEC_NOT_RUN], "not run" },
		{ r->count[EXEC_CANCELLED], "cancelled" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(*c); i++)
		if (i == 0 || c[i].n > 0)
			buf_addf(b, "%s%zu %s", i ? ", " : "", c[i].n, c[i].what);
}

void
execshow_summary(struct buf *b, const struct exec_run *r, bool color)
{
	const struct exec_entry *e;
	size_t i;

	buf_addf(b, "githerd: exec in %zu entr%s (", r->n, r->n == 1 ? "y" :
	    "ies");
	line_duration(b, r->duration_ms);
	buf_addstr(b, "): ");
	counts(b, r);
	buf_addch(b, '\n');
	for (i = 0; i < r->n; i++) {
		e = &r->e[i];
		if (e->state == EXEC_OK || e->state == EXEC_PENDING)
			continue;
		buf_addstr(b, "  ");
		if (e->state == EXEC_FAILED || e->state == EXEC_TIMEOUT ||
		    e->state == EXEC_RUNNING)
			line_paint(b, color, TERM_RED, "FAIL   ");
		else if (e->state == EXEC_NOT_RUN)
			line_paint(b, color, TERM_YELLOW, "not run");
		else
			line_paint(b, color, TERM_YELLOW, "cancel ");
		buf_addch(b, ' ');
		sanitize_str(b, e->job.spec->path);
		buf_addstr(b, ": ");
		execshow_outcome(b, e);
		buf_addch(b, '\n');
	}
}
