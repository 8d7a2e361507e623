#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "sanitize.h"
#include "summary.h"
#include "term.h"
#include "xmalloc.h"

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
	if (q->count[JOB_UNSUPPORTED] > 0)
		buf_addf(out, ", %s%zu unsupported%s", color ? TERM_YELLOW : "",
		    q->count[JOB_UNSUPPORTED], color ? TERM_RESET : "");
	buf_addstr(out, " (");
	line_bytes(out, p->bytes_done);
	buf_addstr(out, " received)\n");
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->state == JOB_KEPT)
			buf_addf(out, "  kept %s ", j->spec->path);
		else if (j->state == JOB_SKIPPED)
			buf_addf(out, "  %sskipped%s %s: ",
			    color ? TERM_YELLOW : "",
			    color ? TERM_RESET : "", j->spec->path);
		else if (j->state == JOB_FAILED)
			buf_addf(out, "  %sFAIL%s %s: %s: ",
			    color ? TERM_RED : "",
			    color ? TERM_RESET : "", j->spec->path,
			    errclass_name(j->result.err_class));
		else if (j->state == JOB_UNSUPPORTED) {
			buf_addf(out, "  %sunsupported%s %s (type ",
			    color ? TERM_YELLOW : "", color ? TERM_RESET : "",
			    j->spec->path);
			sanitize_str(out, j->spec->vcs_type);
			buf_addstr(out, ")\n");
			continue;
		} else
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
		if (j->state == JOB_UNSUPPORTED) {
			c = TERM_YELLOW;
			if (color)
				buf_addstr(out, c);
			sanitize_str(out, j->result.message);
		} else if (j->state != JOB_CHECKED) {
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

struct edge {
	int64_t	at;
	int	delta;	/* +1 a job starts, -1 one ends */
};

static int
edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->delta - y->delta;	/* ends before starts at one instant */
}

/*
 * How well the run used its slots: the makespan, the share of it during
 * which every slot was busy, the longest job and when it started, and
 * the lower bound max(longest job, total work / slots).  Times are each
 * job's last try; earlier tries count in the total work.
 */
void
summary_utilisation(struct buf *out, const struct queue *q,
    const struct progress *p, int64_t now, size_t jobs)
{
	struct edge *e = xcalloc(2 * (q->njobs ? q->njobs : 1), sizeof(*e));
	const struct job *j, *longest = NULL;
	int64_t work = 0, busy = 0, span = now - p->start_ms, bound, last = 0;
	size_t i, k, n = 0, slots = jobs < q->njobs ? jobs : q->njobs;
	int running = 0;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->tries == 0 || j->end_ms < j->start_ms)
			continue;
		e[n++] = (struct edge){ j->start_ms, +1 };
		e[n++] = (struct edge){ j->end_ms, -1 };
		work += j->end_ms - j->start_ms;
		for (k = 0; k < j->nattempts; k++)
			work += j->attempts[k].duration_ms;
		if (longest == NULL || j->end_ms - j->start_ms >
		    longest->end_ms - longest->start_ms)
			longest = j;
	}
	if (longest == NULL || slots == 0 || span <= 0) {
		free(e);
		return;
	}
	qsort(e, n, sizeof(*e), edge_cmp);
	for (i = 0; i < n; i++) {
		if (running >= (int)slots)
			busy += e[i].at - last;
		running += e[i].delta;
		last = e[i].at;
	}
	bound = longest->end_ms - longest->start_ms;
	if (work / (int64_t)slots > bound)
		bound = work / (int64_t)slots;
	buf_addstr(out, "githerd: ");
	line_duration(out, span);
	buf_addf(out, " on %zu slot%s: all busy %d%% of the time; longest ",
	    slots, slots == 1 ? "" : "s", (int)(100 * busy / span));
	sanitize_str(out, longest->spec->path);
	buf_addstr(out, " ");
	line_duration(out, longest->end_ms - longest->start_ms);
	buf_addstr(out, ", started at ");
	line_duration(out, longest->start_ms - p->start_ms);
	buf_addstr(out, "; lower bound ");
	line_duration(out, bound);
	buf_addstr(out, " (max of the longest job and ");
	line_duration(out, work);
	buf_addf(out, " of work / %zu)\n", slots);
	free(e);
}
