#include <stdio.h>
#include <string.h>

#include "stall.h"

void
stall_start(struct stall *s, int64_t now)
{
	memset(s, 0, sizeof(*s));
	s->progress_ms = now;
	s->window_ms = now;
	s->phase = PHASE_CONNECT;
}

static void
moved(struct stall *s, const struct msg_progress *c, int64_t now)
{
	s->progress_ms = now;
	s->pack_mark = c->pack_bytes;
}

void
stall_phase(struct stall *s, enum phase p, int64_t now)
{
	if (p == s->phase)
		return;
	s->phase = p;
	s->progress_ms = now;
	/* Each phase gets its own low-speed window: receiving starts now. */
	s->window_ms = now;
	s->window_bytes = s->seen.pack_bytes;
}

void
stall_progress(struct stall *s, const struct msg_progress *c, int64_t now)
{
	const struct msg_progress *o = &s->seen;

	/* A later fetch (a submodule's) counts from zero again. */
	if (c->pack_bytes < s->pack_mark) {
		s->pack_mark = c->pack_bytes;
		s->window_bytes = c->pack_bytes;
	}
	if (c->received_objects != o->received_objects ||
	    c->indexed_objects != o->indexed_objects ||
	    c->indexed_deltas != o->indexed_deltas ||
	    c->checkout_done != o->checkout_done ||
	    c->pack_bytes >= s->pack_mark + STALL_MIN_BYTES)
		moved(s, c, now);
	s->seen = *c;
}

static void
rate_text(uint64_t bytes_per_s, char *out, size_t len)
{
	if (bytes_per_s >= 1024 * 1024)
		snprintf(out, len, "%.1f MiB/s", (double)bytes_per_s / 1048576);
	else if (bytes_per_s >= 1024)
		snprintf(out, len, "%.1f KiB/s", (double)bytes_per_s / 1024);
	else
		snprintf(out, len, "%llu B/s", (unsigned long long)bytes_per_s);
}

/*
 * The low-speed rule is git's http.lowSpeedLimit/lowSpeedTime for every
 * transport: the pack bytes of each window of low_speed_ms while
 * receiving must average low_speed a second; a window that does starts
 * the next.
 */
int
stall_check(struct stall *s, const struct stall_limits *l, int64_t now,
    char *why, size_t whylen)
{
	uint64_t got, want;
	char rate[32], limit[32];

	/*
	 * git lfs pull reports no counters to watch: the worker bounds it
	 * itself (lfspull.h), and --timeout still applies.
	 */
	if (l->stall_ms > 0 && s->phase != PHASE_LFS &&
	    now - s->progress_ms >= l->stall_ms) {
		snprintf(why, whylen, "no progress for %gs (--stall-timeout; "
		    "the server's progress messages do not count); worker "
		    "killed", (double)l->stall_ms / 1000);
		return 1;
	}
	if (l->low_speed == 0 || l->low_speed_ms <= 0 ||
	    s->phase != PHASE_RECEIVE || now - s->window_ms < l->low_speed_ms)
		return 0;
	got = s->seen.pack_bytes > s->window_bytes ?
	    s->seen.pack_bytes - s->window_bytes : 0;
	want = l->low_speed * (uint64_t)l->low_speed_ms / 1000;
	if (got >= want) {
		s->window_ms = now;
		s->window_bytes = s->seen.pack_bytes;
		return 0;
	}
	rate_text(got * 1000 / (uint64_t)(now - s->window_ms), rate,
	    sizeof(rate));
	rate_text(l->low_speed, limit, sizeof(limit));
	snprintf(why, whylen, "the pack arrived at %s for %gs, below "
	    "--low-speed-limit %s; worker killed", rate,
	    (double)(now - s->window_ms) / 1000, limit);
	return 1;
}
