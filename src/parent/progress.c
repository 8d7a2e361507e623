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
		if (c->total_objects == 0)
			return -1;
		return (int)((uint64_t)c->received_objects * 100 /
		    c->total_objects);
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

/*
 * A rough ETA from the pace so far: finished jobs count fully, running
 * ones by how far along they are.  Unknown (-1) until something finished.
 */
int64_t
progress_eta_ms(const struct progress *p, int64_t now)
{
	double done = (double)progress_done(p), frac;
	int64_t elapsed = now - p->start_ms;
	size_t i;
	int pct;

	if (progress_done(p) == 0 || elapsed <= 0)
		return -1;
	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].job == NULL)
			continue;
		pct = progress_percent(&p->slots[i]);
		frac = pct < 0 ? 0 : pct / 100.0;
		/* receiving is most of a clone; later phases are the rest */
		if (p->slots[i].phase == PHASE_RECEIVE)
			frac *= 0.7;
		else if (p->slots[i].phase > PHASE_RECEIVE)
			frac = 0.7 + 0.3 * frac;
		done += frac;
	}
	if (done >= (double)p->total)
		return 0;
	return (int64_t)((double)elapsed * ((double)p->total - done) / done);
}
