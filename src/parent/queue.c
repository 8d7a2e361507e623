#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "xmalloc.h"

struct named {
	const char	*path;
	unsigned	 id;
};

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->path,
	    ((const struct named *)b)->path);
}

/* Each nested job waits for its outer one, if this run has it. */
static void
link_nested(struct queue *q)
{
	struct named *v, key, *hit;
	struct job *j, *o;
	size_t i;

	v = xreallocarray(NULL, q->njobs ? q->njobs : 1, sizeof(*v));
	for (i = 0; i < q->njobs; i++) {
		v[i].path = q->jobs[i].spec->path;
		v[i].id = (unsigned)i;
	}
	qsort(v, q->njobs, sizeof(*v), by_path);
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if ((key.path = j->spec->outer) == NULL ||
		    (hit = bsearch(&key, v, q->njobs, sizeof(*v),
		    by_path)) == NULL)
			continue;
		o = &q->jobs[hit->id];
		j->outer = o->id;
		j->next_inner = o->first_inner;
		o->first_inner = j->id;
		if (j->state == JOB_PENDING && !job_state_final(o->state)) {
			j->blocked = true;
			q->nblocked++;
		}
	}
	free(v);
}

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
		q->jobs[i].state = m->repos[i].vcs_type != NULL ?
		    JOB_UNSUPPORTED : JOB_PENDING;
		q->jobs[i].outer = QUEUE_NONE;
		q->jobs[i].first_inner = QUEUE_NONE;
		q->jobs[i].next_inner = QUEUE_NONE;
		q->count[q->jobs[i].state]++;
		if (m->repos[i].vcs_type != NULL)
			result_message(&q->jobs[i].result, "unsupported (type "
			    "%s)", m->repos[i].vcs_type);
	}
	q->order = xreallocarray(NULL, q->njobs ? q->njobs : 1,
	    sizeof(*q->order));
	for (i = 0; i < q->njobs; i++)
		q->order[i] = (unsigned)i;
	link_nested(q);
}

void
queue_set_order(struct queue *q, const unsigned *order)
{
	memcpy(q->order, order, q->njobs * sizeof(*q->order));
	q->next = 0;
}

void
queue_set_hosts(struct queue *q, const unsigned *host_of,
    const unsigned *limit, size_t nhosts)
{
	size_t i;

	free(q->host_of);
	free(q->host_limit);
	free(q->host_running);
	free(q->host_pending);
	q->host_of = xreallocarray(NULL, q->njobs ? q->njobs : 1,
	    sizeof(*q->host_of));
	memcpy(q->host_of, host_of, q->njobs * sizeof(*q->host_of));
	q->host_limit = xreallocarray(NULL, nhosts ? nhosts : 1,
	    sizeof(*q->host_limit));
	memcpy(q->host_limit, limit, nhosts * sizeof(*q->host_limit));
	q->host_running = xcalloc(nhosts ? nhosts : 1,
	    sizeof(*q->host_running));
	q->host_pending = xcalloc(nhosts ? nhosts : 1,
	    sizeof(*q->host_pending));
	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state == JOB_PENDING && !q->jobs[i].blocked)
			q->host_pending[host_of[i]]++;
	q->nhosts = nhosts;
}

void
queue_release(struct queue *q)
{
	size_t i, k;

	if (q == NULL)
		return;
	for (i = 0; i < q->njobs; i++) {
		free(q->jobs[i].tmp);
		result_release(&q->jobs[i].result);
		free(q->jobs[i].stderr_text);
		for (k = 0; k < q->jobs[i].nattempts; k++)
			free(q->jobs[i].attempts[k].message);
		free(q->jobs[i].attempts);
		import_set_release(&q->jobs[i].imports);
	}
	free(q->jobs);
	free(q->retry);
	free(q->order);
	free(q->host_of);
	free(q->host_limit);
	free(q->host_running);
	free(q->host_pending);
	memset(q, 0, sizeof(*q));
}

static void	set_state(struct queue *, struct job *, enum job_state);

/*
 * A job that became final frees the jobs inside it.  A blocked job is in
 * no host's pending count until then: a host's room goes to jobs that can
 * start.
 */
static void
unblock_inner(struct queue *q, const struct job *outer)
{
	struct job *j;
	unsigned k;

	for (k = outer->first_inner; k != QUEUE_NONE; k = j->next_inner) {
		j = &q->jobs[k];
		if (!j->blocked)
			continue;
		j->blocked = false;
		q->nblocked--;
		if (q->host_of != NULL && j->state == JOB_PENDING)
			q->host_pending[q->host_of[j->id]]++;
	}
}

static void
set_state(struct queue *q, struct job *j, enum job_state s)
{
	unsigned h;
	bool was_final = job_state_final(j->state);

	if (j->blocked && s != JOB_PENDING) {
		/* cancelled while it waited */
		j->blocked = false;
		q->nblocked--;
	} else if (q->host_of != NULL && j->state != s) {
		h = q->host_of[j->id];
		if (j->state == JOB_RUNNING)
			q->host_running[h]--;
		else if (j->state == JOB_PENDING)
			q->host_pending[h]--;
		if (s == JOB_RUNNING)
			q->host_running[h]++;
		else if (s == JOB_PENDING)
			q->host_pending[h]++;
	}
	q->count[j->state]--;
	q->count[s]++;
	j->state = s;
	if (!was_final && job_state_final(s))
		unblock_inner(q, j);
}

static void
start(struct queue *q, struct job *j, int64_t now)
{
	set_state(q, j, JOB_RUNNING);
	j->start_ms = now;
	if (j->tries++ == 0)
		j->first_start_ms = now;
}

/* Whether the job's host can take one more. */
static bool
host_has_room(const struct queue *q, const struct job *j)
{
	unsigned h;

	if (q->host_of == NULL)
		return true;
	h = q->host_of[j->id];
	return q->host_limit[h] == 0 || q->host_running[h] < q->host_limit[h];
}

/*
 * The next job to start, now RUNNING; NULL if none is due.  A retry whose
 * time has come goes first, then jobs in queue order; a job whose host is
 * busy to its limit is passed over, so that a slot never waits for one
 * host while another has work.
 */
struct job *
queue_next(struct queue *q, int64_t now)
{
	struct job *j;
	size_t i, k, best = SIZE_MAX;

	for (i = 0; i < q->nretry; i++) {
		j = &q->jobs[q->retry[i]];
		if (j->not_before <= now && host_has_room(q, j) &&
		    (best == SIZE_MAX ||
		    j->not_before < q->jobs[q->retry[best]].not_before))
			best = i;
	}
	if (best != SIZE_MAX) {
		j = &q->jobs[q->retry[best]];
		q->retry[best] = q->retry[--q->nretry];
		start(q, j, now);
		return j;
	}
	/* Jobs tried before wait in the retry list, not here. */
	while (q->next < q->njobs && (q->jobs[q->order[q->next]].state !=
	    JOB_PENDING || q->jobs[q->order[q->next]].tries > 0))
		q->next++;
	for (k = q->next; k < q->njobs; k++) {
		j = &q->jobs[q->order[k]];
		if (j->state != JOB_PENDING || j->tries > 0 || j->blocked ||
		    !host_has_room(q, j))
			continue;
		start(q, j, now);
		return j;
	}
	return NULL;
}

/* Failures worth another try: the network, the server, time. */
bool
queue_retryable(enum err_class c)
{
	switch (c) {
	case ERR_NETWORK:
	case ERR_TIMEOUT:
	case ERR_SERVER:
	case ERR_RATE_LIMITED:
	case ERR_CRASHED:
		return true;
	default:
		return false;
	}
}

void
queue_seed(struct queue *q, uint64_t seed)
{
	q->rand = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static double
jitter(struct queue *q)
{
	/* xorshift64: enough to keep retries of many jobs apart */
	q->rand ^= q->rand << 13;
	q->rand ^= q->rand >> 7;
	q->rand ^= q->rand << 17;
	return 0.75 + 0.5 * (double)(q->rand >> 11) / (double)(1ULL << 53);
}

/*
 * Put a job that just failed back in the queue, due after an exponential
 * backoff with jitter (or the server's Retry-After, within the cap).
 * Returns the delay, or -1 if the policy allows no more tries.
 */
int64_t
queue_retry(struct queue *q, struct job *j, const struct retry_policy *p,
    int64_t retry_after_ms, int64_t now)
{
	struct attempt *a;
	int64_t delay;
	unsigned k;

	if (j->tries > p->retries || !queue_retryable(j->result.err_class))
		return -1;
	delay = p->base_ms;
	for (k = 1; k < j->tries && delay < p->cap_ms; k++)
		delay *= 2;
	delay = (int64_t)((double)delay * jitter(q));
	if (retry_after_ms > delay)
		delay = retry_after_ms;
	if (delay > p->cap_ms)
		delay = p->cap_ms;
	/* --timeout is the entry's budget: no try starts after it is spent. */
	if (p->budget_ms > 0 && now + delay - j->first_start_ms >= p->budget_ms)
		return -1;
	j->attempts = xreallocarray(j->attempts, j->nattempts + 1,
	    sizeof(*j->attempts));
	a = &j->attempts[j->nattempts++];
	a->err_class = j->result.err_class;
	a->message = j->result.message;
	a->duration_ms = now - j->start_ms;
	j->result.message = NULL;
	j->not_before = now + delay;
	j->result.err_class = ERR_NONE;
	set_state(q, j, JOB_PENDING);
	XGROW(q->retry, q->nretry + 1, q->capretry);
	q->retry[q->nretry++] = j->id;
	return delay;
}

/* When the earliest waiting retry is due; -1 when none waits. */
int64_t
queue_next_retry(const struct queue *q)
{
	int64_t t = -1;
	size_t i;

	for (i = 0; i < q->nretry; i++)
		if (t == -1 || q->jobs[q->retry[i]].not_before < t)
			t = q->jobs[q->retry[i]].not_before;
	return t;
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
	free(j->result.message);
	j->result.message = xstrdup(msg);
	j->result.err_class = c;
	queue_finish(q, j, c == ERR_CANCELLED ? JOB_CANCELLED : JOB_FAILED, now);
}

/* Stop dispatching: every job not started yet is cancelled. */
size_t
queue_cancel_pending(struct queue *q, int64_t now)
{
	size_t i, n = 0;

	q->nretry = 0;
	for (i = 0; i < q->njobs; i++) {
		if (q->jobs[i].state != JOB_PENDING)
			continue;
		q->jobs[i].result.err_class = ERR_CANCELLED;
		q->jobs[i].start_ms = now;	/* it never ran */
		queue_finish(q, &q->jobs[i], JOB_CANCELLED, now);
		n++;
	}
	q->next = q->njobs;
	return n;
}

size_t
queue_startable(const struct queue *q)
{
	size_t h, n = 0;
	unsigned room;

	if (q->host_of == NULL)
		return q->count[JOB_PENDING] - q->nblocked;
	for (h = 0; h < q->nhosts; h++) {
		room = q->host_limit[h] == 0 ? q->host_pending[h] :
		    q->host_limit[h] - q->host_running[h];
		n += room < q->host_pending[h] ? room : q->host_pending[h];
	}
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
		[JOB_KEPT] = "kept",
		[JOB_FAILED] = "failed",
		[JOB_CANCELLED] = "cancelled",
		[JOB_CHECKED] = "checked",
		[JOB_UNSUPPORTED] = "unsupported",
	};

	return (unsigned)s < JOB_STATE_MAX ? names[s] : "?";
}

bool
job_state_final(enum job_state s)
{
	return s != JOB_PENDING && s != JOB_RUNNING;
}
