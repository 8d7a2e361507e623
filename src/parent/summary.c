#include <string.h>

#include "line.h"
#include "sanitize.h"
#include "summary.h"
#include "term.h"

void
summary_sync(struct buf *out, const struct queue *q,
    const struct progress *p, int64_t now, bool color)
{
	const struct job *j;
	size_t i;

	buf_addf(out, "githerd: %zu %s in ", q->njobs,
	    q->njobs == 1 ? "repository" : "repositories");
	line_duration(out, now - p->start_ms);
	buf_addf(out, ": %zu cloned, %zu updated, %zu up to date",
	    q->count[JOB_CLONED], q->count[JOB_UPDATED],
	    q->count[JOB_UNCHANGED]);
	if (q->count[JOB_KEPT] > 0)
		buf_addf(out, ", %zu kept where %s user put %s",
		    q->count[JOB_KEPT], q->count[JOB_KEPT] == 1 ? "its" : "their",
		    q->count[JOB_KEPT] == 1 ? "it" : "them");
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
	line_bytes(out, p->bytes_done);
	buf_addstr(out, " received)\n");
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->state == JOB_KEPT)
			buf_addf(out, "  kept %s ", j->spec->path);
		else if (j->state == JOB_SKIPPED)
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
		sanitize_str(out, j->result.message);
		buf_addch(out, '\n');
	}
}

/* `githerd status`: one line per entry, in manifest order. */
void
summary_status(struct buf *out, const struct queue *q, bool color)
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
			sanitize_str(out, j->result.message);
		} else {
			c = j->result.state == ES_OK ? TERM_GREEN :
			    j->result.state == ES_MISSING ? TERM_DIM :
			    TERM_YELLOW;
			if (color)
				buf_addstr(out, c);
			sanitize_str(out, j->result.message);
		}
		if (color)
			buf_addstr(out, TERM_RESET);
		buf_addch(out, '\n');
	}
}
