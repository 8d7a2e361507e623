/*
 * The plain view (view.h): event lines as they come, and for each job
 * still running after HEARTBEAT_MS a "still running" line, so that a CI
 * log shows life without a live area.
 */
#include "line.h"
#include "view.h"

#define HEARTBEAT_MS	30000

static void
plain_tick(struct view *v, const struct progress *p, int64_t now)
{
	struct buf line = BUF_INIT;
	const struct job_progress *s;
	size_t i;

	if (v->mode != VIEW_PLAIN || v->verbosity < 0)
		return;
	buf_init(&line);
	for (i = 0; i < p->nslots && i < v->nslots; i++) {
		s = &p->slots[i];
		if (s->job == NULL) {
			v->beat[i] = 0;
			continue;
		}
		if (v->beat[i] < s->start_ms)
			v->beat[i] = s->start_ms;
		if (now - v->beat[i] < HEARTBEAT_MS)
			continue;
		v->beat[i] = now;
		buf_reset(&line);
		line_counter(&line, p);
		buf_addf(&line, "...     %s: still running after ",
		    s->job->spec->path);
		line_duration(&line, now - s->start_ms);
		buf_addstr(&line, ": ");
		line_activity(&line, s, false, 0);
		view_emit(v, &line);
	}
	buf_release(&line);
}

/* Plain frames are only the event lines queued since the last one. */
static void
plain_frame(struct view *v, struct buf *out, const struct progress *p,
    int64_t now)
{
	(void)p;
	(void)now;
	buf_add(out, v->above.data, v->above.len);
	buf_reset(&v->above);
}

static void
plain_clear(struct view *v, struct buf *out)
{
	plain_frame(v, out, NULL, 0);
}

const struct view_ops view_plain_ops = {
	.tick = plain_tick,
	.frame = plain_frame,
	.clear = plain_clear,
};
