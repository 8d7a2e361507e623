#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "report.h"
#include "trace.h"
#include "url.h"
#include "version.h"
#include "xmalloc.h"

#define TRACE_PID	1
#define WAIT_TID	1000	/* first retry-wait lane; slots are 1..n */
#define COUNTER_MS	100

void
trace_init(struct trace *t, bool on, size_t nslots, int64_t now)
{
	memset(t, 0, sizeof(*t));
	t->on = on;
	t->t0 = now;
	t->last_counter = -1;
	buf_init(&t->events);
	if (!on)
		return;
	t->slots = xcalloc(nslots ? nslots : 1, sizeof(*t->slots));
	t->nslots = nslots;
}

void
trace_release(struct trace *t)
{
	if (t == NULL)
		return;
	buf_release(&t->events);
	free(t->slots);
	free(t->wait_free);
	memset(t, 0, sizeof(*t));
}

static long long
us(const struct trace *t, int64_t ms)
{
	return (long long)(ms - t->t0) * 1000;
}

/* A new event: its separator and the fields every event has. */
static void
event(struct trace *t, const char *ph, const char *name, const char *cat,
    long long tid, int64_t at)
{
	if (t->events.len > 0)
		buf_addstr(&t->events, ",\n");
	buf_addf(&t->events, "{\"ph\":\"%s\",\"name\":", ph);
	json_string(&t->events, name);
	if (cat != NULL)
		buf_addf(&t->events, ",\"cat\":\"%s\"", cat);
	buf_addf(&t->events, ",\"pid\":%d,\"tid\":%lld,\"ts\":%lld", TRACE_PID,
	    tid, us(t, at));
}

static void
slice(struct trace *t, const char *name, const char *cat, long long tid,
    int64_t from, int64_t to)
{
	event(t, "X", name, cat, tid, from);
	buf_addf(&t->events, ",\"dur\":%lld", (long long)(to - from) * 1000);
}

static void
end_phase(struct trace *t, struct trace_slot *s, size_t slot, int64_t now)
{
	if (s->phase_start < 0)
		return;
	slice(t, phase_name(s->phase), "phase", (long long)slot + 1,
	    s->phase_start, now);
	buf_addstr(&t->events, "}");
	s->phase_start = -1;
}

void
trace_start(struct trace *t, size_t slot, const struct job *j, int64_t now)
{
	struct trace_slot *s;

	if (!t->on || slot >= t->nslots)
		return;
	s = &t->slots[slot];
	s->job = j;
	s->job_start = now;
	s->phase = PHASE_CONNECT;
	s->phase_start = now;
}

void
trace_phase(struct trace *t, size_t slot, enum phase ph, int64_t now)
{
	struct trace_slot *s;

	if (!t->on || slot >= t->nslots || t->slots[slot].job == NULL)
		return;
	s = &t->slots[slot];
	if (s->phase == ph)
		return;
	end_phase(t, s, slot, now);
	s->phase = ph;
	s->phase_start = now;
}

void
trace_end(struct trace *t, size_t slot, const char *outcome, int64_t now)
{
	struct trace_slot *s;
	char *url;

	if (!t->on || slot >= t->nslots || t->slots[slot].job == NULL)
		return;
	s = &t->slots[slot];
	end_phase(t, s, slot, now);
	slice(t, s->job->spec->path, "job", (long long)slot + 1, s->job_start,
	    now);
	buf_addf(&t->events, ",\"args\":{\"try\":%u,\"outcome\":",
	    s->job->tries);
	json_string(&t->events, outcome);
	buf_addstr(&t->events, ",\"url\":");
	url = url_redact(s->job->spec->url);	/* never a credential */
	json_string(&t->events, url);
	free(url);
	buf_addstr(&t->events, "}}");
	s->job = NULL;
}

/* The first wait lane free at from, a new one if none is. */
static size_t
wait_lane(struct trace *t, int64_t from)
{
	size_t i;

	for (i = 0; i < t->nwait; i++)
		if (t->wait_free[i] <= from)
			return i;
	t->wait_free = xreallocarray(t->wait_free, t->nwait + 1,
	    sizeof(*t->wait_free));
	return t->nwait++;
}

void
trace_wait(struct trace *t, const struct job *j, int64_t delay_ms,
    int64_t now)
{
	char name[600];
	size_t lane;

	if (!t->on || delay_ms < 0)
		return;
	lane = wait_lane(t, now);
	t->wait_free[lane] = now + delay_ms;
	snprintf(name, sizeof(name), "%s: backoff before try %u",
	    j->spec->path, j->tries + 1);
	slice(t, name, "retry", WAIT_TID + (long long)lane, now,
	    now + delay_ms);
	buf_addstr(&t->events, "}");
}

void
trace_counters(struct trace *t, size_t queued, double bytes_per_s,
    int64_t now, bool force)
{
	if (!t->on || (!force && t->last_counter >= 0 &&
	    now - t->last_counter < COUNTER_MS))
		return;
	t->last_counter = now;
	event(t, "C", "queue", NULL, 0, now);
	buf_addf(&t->events, ",\"args\":{\"jobs waiting\":%zu}}", queued);
	event(t, "C", "transfer", NULL, 0, now);
	buf_addf(&t->events, ",\"args\":{\"bytes/s\":%.0f}}", bytes_per_s);
}

/* Names for the lanes: "slot 1".., "retry waits 1"..; "githerd sync". */
static void
lane_names(struct trace *t, struct buf *b)
{
	size_t i;

	buf_addf(b, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,"
	    "\"tid\":0,\"args\":{\"name\":\"githerd " GITHERD_VERSION "\"}}",
	    TRACE_PID);
	for (i = 0; i < t->nslots; i++)
		buf_addf(b, ",\n{\"ph\":\"M\",\"name\":\"thread_name\","
		    "\"pid\":%d,\"tid\":%zu,\"args\":{\"name\":\"slot %zu\"}}",
		    TRACE_PID, i + 1, i + 1);
	for (i = 0; i < t->nwait; i++)
		buf_addf(b, ",\n{\"ph\":\"M\",\"name\":\"thread_name\","
		    "\"pid\":%d,\"tid\":%zu,\"args\":{\"name\":"
		    "\"retry waits %zu\"}}", TRACE_PID, WAIT_TID + i, i + 1);
}

void
trace_format(struct trace *t, struct buf *b, int64_t now)
{
	size_t i;

	for (i = 0; i < t->nslots; i++)
		trace_end(t, i, "still running at the end", now);
	buf_addstr(b, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	lane_names(t, b);
	if (t->events.len > 0)
		buf_addstr(b, ",\n");
	buf_add(b, t->events.data, t->events.len);
	buf_addstr(b, "\n]}\n");
}

int
trace_write(struct trace *t, const char *file, int64_t now, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_init(&b);
	trace_format(t, &b, now);
	if ((rc = fs_write_atomic(file, b.data, b.len, FS_PUBLIC)) == -1)
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
	buf_release(&b);
	return rc;
}
