#include "fsutil.h"
#include "screen.h"

void
screen_init(struct screen *s, int fd)
{
	s->fd = fd;
	s->ok = true;
	s->dirty = false;
	s->last = 0;
	buf_init(&s->frame);
}

void
screen_release(struct screen *s)
{
	if (s != NULL)
		buf_release(&s->frame);
}

static void
send(struct screen *s)
{
	if (s->ok && fs_write_all(s->fd, s->frame.data, s->frame.len) == -1)
		s->ok = false;		/* e.g. EPIPE: stop drawing */
}

void
screen_draw(struct screen *s, struct view *v, const struct progress *p,
    int64_t now, bool force)
{
	if (!force && now - s->last < SCREEN_FRAME_MS)
		return;
	view_tick(v, p, now);
	if (!force && !s->dirty && !view_pending(v) &&
	    now - s->last < SCREEN_TICK_MS)
		return;
	buf_reset(&s->frame);
	view_frame(v, &s->frame, p, now);
	send(s);
	s->last = now;
	s->dirty = false;
}

void
screen_close(struct screen *s, struct view *v)
{
	buf_reset(&s->frame);
	view_clear(v, &s->frame);
	send(s);
}

int64_t
screen_wait_ms(const struct screen *s, int64_t now)
{
	int64_t t = s->dirty ? SCREEN_FRAME_MS - (now - s->last) :
	    SCREEN_TICK_MS;

	return t < 0 ? 0 : t;
}
