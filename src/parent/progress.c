#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "xmalloc.h"

#define RATE_MS	500	/* shortest interval a rate sample covers */

void
progress_init(struct progress *p, size_t nslots, size_t total, int64_t now)
{
	memset(p, 0, sizeof(*p));
	p->slots = xcalloc(nslots ? nslots : 1, sizeof(*p->slots));
	p->nslots = nslots;
	p->total = total;
	p->start_ms = now;
}

void
progress_expect(struct progress *p, const struct queue *q, const int64_t *ms,
    const uint64_t *bytes)
{
	p->queue = q;
	p->expect_ms = ms;
	p->expect_bytes = bytes;
}

void
progress_release(struct progress *p)
{
	if (p == NULL)
		return;
	free(p->slots);
	memset(p, 0, sizeof(*p));
}

void
progress_start(struct progress *p, size_t slot, const struct job *j,
    int64_t now)
{
	struct job_progress *s = &p->slots[slot];

	memset(s, 0, sizeof(*s));
	s->job = j;
	s->phase = PHASE_CONNECT;
	s->start_ms = now;
	s->last_ms = now;
	s->rate_ms = now;
	if (p->expect_bytes != NULL)
		s->expect_bytes = p->expect_bytes[j->id];
}

void
progress_phase(struct progress *p, size_t slot, enum phase ph, int64_t now)
{
	struct job_progress *s = &p->slots[slot];

	if (s->job == NULL)
		return;
	s->phase = ph;
	s->last_ms = now;
}

void
progress_update(struct progress *p, size_t slot, const struct msg_progress *c,
    int64_t now)
{
	struct job_progress *s = &p->slots[slot];
	double inst;

	if (s->job == NULL)
		return;
	/* A submodule's fetch starts its counters again from zero. */
	if (c->received_bytes < s->rate_bytes)
		s->rate_bytes = c->received_bytes;
	s->c = *c;
	s->last_ms = now;
	if (now - s->rate_ms >= RATE_MS) {
		inst = (double)(c->received_bytes - s->rate_bytes) * 1000.0 /
		    (double)(now - s->rate_ms);
		s->rate = s->rate == 0 ? inst : 0.5 * s->rate + 0.5 * inst;
		s->rate_ms = now;
		s->rate_bytes = c->received_bytes;
	}
}

/* The job left the slot to be tried again later: not counted yet. */
void
progress_drop(struct progress *p, size_t slot)
{
	memset(&p->slots[slot], 0, sizeof(p->slots[slot]));
}

/* The job left the slot; count it. */
void
progress_finish(struct progress *p, size_t slot, const struct job *j)
{
	memset(&p->slots[slot], 0, sizeof(p->slots[slot]));
	progress_count(p, j);
}

/* Count a finished job. */
void
progress_count(struct progress *p, const struct job *j)
{
	if (!job_state_final(j->state))
		return;
	p->count[j->state]++;
	p->done++;
	p->bytes_done += j->result.bytes;
}

/* Jobs that never started because the run was stopped. */
void
progress_count_cancelled(struct progress *p, size_t n)
{
	p->count[JOB_CANCELLED] += n;
	p->done += n;
}

size_t
progress_done(const struct progress *p)
{
	return p->done;
}

size_t
progress_running(const struct progress *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nslots; i++)
		if (p->slots[i].job != NULL)
			n++;
	return n;
}

/* Percent of the current phase, or -1 when there is nothing to measure. */
int
progress_percent(const struct job_progress *s)
{
	const struct msg_progress *c = &s->c;

	switch (s->phase) {
	case PHASE_RECEIVE:
		if (s->expect_bytes == 0)
			return -1;
		/* the last clone's size is a guess at this one's: never 100 */
		if (c->received_bytes >= s->expect_bytes)
			return 99;
		return (int)(c->received_bytes * 100 / s->expect_bytes);
	case PHASE_RESOLVE:
		if (c->total_deltas == 0)
			return -1;
		return (int)((uint64_t)c->indexed_deltas * 100 / c->total_deltas);
	case PHASE_CHECKOUT:
		if (c->checkout_total == 0)
			return -1;
		return (int)((uint64_t)c->checkout_done * 100 /
		    c->checkout_total);
	default:
		return -1;
	}
}

double
progress_rate(const struct progress *p)
{
	size_t i;
	double r = 0;

	for (i = 0; i < p->nslots; i++)
		if (p->slots[i].job != NULL && p->slots[i].phase == PHASE_RECEIVE)
			r += p->slots[i].rate;
	return r;
}

static int64_t
expected(const struct progress *p, const struct job *j)
{
	return p->expect_ms != NULL ? p->expect_ms[j->id] : -1;
}

/* The slot that frees first. */
static size_t
earliest(const int64_t *free_at, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (free_at[i] < free_at[best])
			best = i;
	return best;
}

int64_t
progress_eta_ms(const struct progress *p, int64_t now)
{
	const struct queue *q = p->queue;
	int64_t *free_at, e, end = 0, start;
	const struct job *j;
	size_t i, k;

	if (p->expect_ms == NULL || q == NULL || p->nslots == 0 ||
	    p->done >= p->total)
		return -1;
	free_at = xcalloc(p->nslots, sizeof(*free_at));
	for (i = 0; i < p->nslots; i++) {
		if ((j = p->slots[i].job) == NULL)
			continue;
		e = expected(p, j);
		if (e < 0 || now - p->slots[i].start_ms >= e)
			goto unknown;
		free_at[i] = e - (now - p->slots[i].start_ms);
	}
	for (k = 0; k < q->njobs; k++) {
		j = &q->jobs[q->order[k]];
		if (j->state != JOB_PENDING)
			continue;
		if ((e = expected(p, j)) < 0)
			goto unknown;
		i = earliest(free_at, p->nslots);
		start = free_at[i];
		if (j->tries > 0 && j->not_before - now > start)
			start = j->not_before - now;
		free_at[i] = start + e;
	}
	for (i = 0; i < p->nslots; i++)
		if (free_at[i] > end)
			end = free_at[i];
	free(free_at);
	return end;
unknown:
	free(free_at);
	return -1;
}
