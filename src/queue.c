#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "xmalloc.h"

void
queue_init(struct queue *q, const struct manifest *m)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->njobs = m->nrepos;
	q->jobs = xcalloc(q->njobs ? q->njobs : 1, sizeof(*q->jobs));
	for (i = 0; i < q->njobs; i++) {
		q->jobs[i].id = (unsigned)i;
		q->jobs[i].spec = &m->repos[i];
		q->jobs[i].state = JOB_PENDING;
	}
	q->count[JOB_PENDING] = q->njobs;
}

void
queue_release(struct queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->njobs; i++) {
		free(q->jobs[i].tmp);
		free(q->jobs[i].message);
		free(q->jobs[i].stderr_text);
		free(q->jobs[i].where);
	}
	free(q->jobs);
	memset(q, 0, sizeof(*q));
}

static void
set_state(struct queue *q, struct job *j, enum job_state s)
{
	q->count[j->state]--;
	q->count[s]++;
	j->state = s;
}

/* The next job to start, in queue order, now RUNNING; NULL if none. */
struct job *
queue_next(struct queue *q, int64_t now)
{
	struct job *j;

	while (q->next < q->njobs && q->jobs[q->next].state != JOB_PENDING)
		q->next++;
	if (q->next == q->njobs)
		return NULL;
	j = &q->jobs[q->next++];
	set_state(q, j, JOB_RUNNING);
	j->start_ms = now;
	return j;
}

void
queue_finish(struct queue *q, struct job *j, enum job_state s, int64_t now)
{
	set_state(q, j, s);
	j->end_ms = now;
}

void
queue_fail(struct queue *q, struct job *j, enum err_class c, const char *msg,
    int64_t now)
{
	free(j->message);
	j->message = xstrdup(msg);
	j->err_class = c;
	queue_finish(q, j, c == ERR_CANCELLED ? JOB_CANCELLED : JOB_FAILED, now);
}

/* Stop dispatching: every job not started yet is cancelled. */
size_t
queue_cancel_pending(struct queue *q, int64_t now)
{
	size_t i, n = 0;

	for (i = q->next; i < q->njobs; i++) {
		if (q->jobs[i].state != JOB_PENDING)
			continue;
		q->jobs[i].err_class = ERR_CANCELLED;
		q->jobs[i].start_ms = now;	/* it never ran */
		queue_finish(q, &q->jobs[i], JOB_CANCELLED, now);
		n++;
	}
	q->next = q->njobs;
	return n;
}

bool
queue_idle(const struct queue *q)
{
	return q->count[JOB_PENDING] == 0 && q->count[JOB_RUNNING] == 0;
}

size_t
queue_finished(const struct queue *q)
{
	return q->njobs - q->count[JOB_PENDING] - q->count[JOB_RUNNING];
}

const char *
job_state_name(enum job_state s)
{
	static const char *const names[JOB_STATE_MAX] = {
		[JOB_PENDING] = "pending",
		[JOB_RUNNING] = "running",
		[JOB_CLONED] = "cloned",
		[JOB_UPDATED] = "updated",
		[JOB_UNCHANGED] = "unchanged",
		[JOB_SKIPPED] = "skipped",
		[JOB_FAILED] = "failed",
		[JOB_CANCELLED] = "cancelled",
		[JOB_CHECKED] = "checked",
	};

	return (unsigned)s < JOB_STATE_MAX ? names[s] : "?";
}

bool
job_state_final(enum job_state s)
{
	return s != JOB_PENDING && s != JOB_RUNNING;
}
