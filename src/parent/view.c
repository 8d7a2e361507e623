#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "sanitize.h"
#include "term.h"
#include "view.h"
#include "xmalloc.h"

void
view_init(struct view *v, enum view_mode mode, int width, bool color,
    int verbosity, size_t nslots)
{
	memset(v, 0, sizeof(*v));
	v->ops = mode == VIEW_TTY ? &view_tty_ops : &view_plain_ops;
	v->mode = mode;
	v->verbosity = verbosity;
	v->width = width > 20 ? width : 20;
	v->color = color;
	buf_init(&v->above);
	v->nslots = nslots;
	v->beat = xcalloc(nslots ? nslots : 1, sizeof(*v->beat));
}

void
view_release(struct view *v)
{
	if (v == NULL)
		return;
	buf_release(&v->above);
	free(v->beat);
	memset(v, 0, sizeof(*v));
}

/*
 * Queue a line to scroll up above the area (TTY) or to print (plain).
 * Such lines may wrap: the cursor arithmetic only counts area lines.
 */
void
view_emit(struct view *v, const struct buf *line)
{
	buf_add(&v->above, line->data, line->len);
	buf_addch(&v->above, '\n');
}

void
view_emit_lines(struct view *v, const char *text, size_t len)
{
	buf_add(&v->above, text, len);
}

void
view_tick(struct view *v, const struct progress *p, int64_t now)
{
	if (v->ops->tick != NULL)
		v->ops->tick(v, p, now);
}

void
view_frame(struct view *v, struct buf *out, const struct progress *p,
    int64_t now)
{
	v->ops->frame(v, out, p, now);
}

void
view_clear(struct view *v, struct buf *out)
{
	v->ops->clear(v, out);
}

/* SIGWINCH: only the live area depends on the width. */
void
view_resize(struct view *v, int width)
{
	if (v->mode == VIEW_TTY)
		v->width = width > 20 ? width : 20;
}

bool
view_pending(const struct view *v)
{
	return v->above.len > 0;
}

/* --- event lines, the same in every view -------------------------------- */

/* -v: "[3/30] start   path" as each job is handed to a worker. */
void
view_job_start(struct view *v, const struct job *j,
    const struct progress *p)
{
	struct buf line = BUF_INIT;

	if (v->verbosity < 1 || v->mode == VIEW_NONE)
		return;
	buf_init(&line);
	line_counter(&line, p);
	buf_addf(&line, "start   %s", j->spec->path);
	if (j->tries > 1)
		buf_addf(&line, " (try %u)", j->tries);
	view_emit(v, &line);
	buf_release(&line);
}

/*
 * Where the entry is now and how it got there: " main 5d6e7f8",
 * " main 1a2b3c4..5d6e7f8 (+3)", " dev → main 5d6e7f8", " tag v1 5d6e7f8".
 * Names come from the remote: sanitised.
 */
static void
what_changed(struct buf *b, const struct job_result *r)
{
	if (r->head[0] == '\0')
		return;
	buf_addch(b, ' ');
	if (r->from_branch != NULL) {
		sanitize_str(b, r->from_branch);
		buf_addstr(b, " \xe2\x86\x92 ");
	}
	if (r->branch != NULL) {
		sanitize_str(b, r->branch);
		buf_addch(b, ' ');
	} else if (r->where != NULL && strncmp(r->where, "tag ", 4) == 0) {
		sanitize_str(b, r->where);
		buf_addch(b, ' ');
	}
	if (r->before[0] != '\0' && r->from_branch == NULL &&
	    strcmp(r->before, r->head) != 0)
		buf_addf(b, "%.7s..", r->before);
	buf_addf(b, "%.7s", r->head);
	if (r->commits > 0 && r->from_branch == NULL)
		buf_addf(b, " (+%u)", r->commits);
}

/*
 * What an up-to-date entry is, where its branch or tag does not say:
 * " (mirror)", " (bare)", " (detached)".
 */
static void
unchanged_kind(struct buf *b, const struct job_result *r)
{
	const char *w = r->where;

	if (w == NULL || strncmp(w, "branch ", 7) == 0 ||
	    strncmp(w, "tag ", 4) == 0)
		return;
	buf_addstr(b, " (");
	if (strncmp(w, "detached ", 9) == 0 && r->head[0] != '\0')
		buf_addstr(b, "detached");
	else
		sanitize_str(b, w);
	buf_addch(b, ')');
}

/*
 * "; lfs: 2 pointer files checked out; run githerd exec -- git lfs pull":
 * libgit2 runs no smudge filter, so what git-lfs tracks is left as its
 * pointers (worker/lfscount.h), and the line says how to get the content.
 */
static void
lfs_note(struct buf *b, const struct job_result *r)
{
	if (r->lfs_pointers == 0)
		return;
	buf_addf(b, "; lfs: %u pointer file%s checked out; run githerd exec "
	    "-- git lfs pull", r->lfs_pointers, r->lfs_pointers == 1 ? "" :
	    "s");
}

/* Which finished jobs get a line: -q and --progress none keep quiet. */
static bool
shown(const struct view *v, const struct job *j)
{
	if (j->state == JOB_CHECKED || v->mode == VIEW_NONE)
		return false;	/* status prints its table at the end */
	return v->verbosity >= 0 || j->state == JOB_FAILED ||
	    j->state == JOB_SKIPPED || j->state == JOB_UNSUPPORTED;
}

void
view_job_done(struct view *v, const struct job *j,
    const struct progress *p)
{
	struct buf line = BUF_INIT;
	const char *s, *nl;

	if (!shown(v, j))
		return;
	buf_init(&line);
	line_counter(&line, p);
	switch (j->state) {
	case JOB_CLONED:
	case JOB_UPDATED:
		line_paint(&line, v->color, TERM_GREEN,
		    j->state == JOB_CLONED ? "cloned " :
		    j->result.from_branch != NULL ? "switched" : "updated");
		buf_addf(&line, " %s", j->spec->path);
		what_changed(&line, &j->result);
		buf_addstr(&line, " (");
		line_duration(&line, j->end_ms - j->start_ms);
		buf_addstr(&line, ", ");
		line_bytes(&line, j->result.bytes);
		buf_addstr(&line, ")");
		lfs_note(&line, &j->result);
		break;
	case JOB_UNCHANGED:
		line_paint(&line, v->color, TERM_DIM, "ok     ");
		buf_addf(&line, " %s", j->spec->path);
		what_changed(&line, &j->result);
		buf_addstr(&line, " up to date");
		unchanged_kind(&line, &j->result);
		lfs_note(&line, &j->result);
		break;
	case JOB_KEPT:
		line_paint(&line, v->color, TERM_GREEN, "kept   ");
		buf_addf(&line, " %s ", j->spec->path);
		sanitize_str(&line, j->result.message);
		lfs_note(&line, &j->result);
		break;
	case JOB_SKIPPED:
		line_paint(&line, v->color, TERM_YELLOW, "skipped");
		buf_addf(&line, " %s: ", j->spec->path);
		sanitize_str(&line, j->result.message);
		break;
	case JOB_CANCELLED:
		line_paint(&line, v->color, TERM_YELLOW, "cancel ");
		buf_addf(&line, " %s", j->spec->path);
		break;
	case JOB_UNSUPPORTED:
		line_paint(&line, v->color, TERM_YELLOW, "unsupported");
		buf_addf(&line, " %s (type ", j->spec->path);
		sanitize_str(&line, j->spec->vcs_type);
		buf_addch(&line, ')');
		break;
	default:
		line_paint(&line, v->color, TERM_RED, "FAIL   ");
		buf_addf(&line, " %s (", j->spec->path);
		line_duration(&line, j->end_ms - j->start_ms);
		buf_addf(&line, "): %s: ", errclass_name(j->result.err_class));
		sanitize_str(&line, j->result.message);
		break;
	}
	view_emit(v, &line);
	/* Stray output of the worker, shown whole under its job (ninja). */
	for (s = j->stderr_text; s != NULL && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		buf_reset(&line);
		buf_addstr(&line, "    | ");
		sanitize_add(&line, s, (size_t)(nl - s));
		view_emit(v, &line);
		if (*nl == '\0')
			break;
	}
	buf_release(&line);
}

/* "[3/30] retry   path in 1.8s (try 2 of 4): network: message" */
void
view_retry(struct view *v, const struct job *j, int64_t delay_ms,
    unsigned max_tries, const struct progress *p)
{
	struct buf line = BUF_INIT;
	const struct attempt *a = &j->attempts[j->nattempts - 1];

	if (v->verbosity < 0 || v->mode == VIEW_NONE)
		return;
	buf_init(&line);
	line_counter(&line, p);
	line_paint(&line, v->color, TERM_YELLOW, "retry  ");
	buf_addf(&line, " %s in ", j->spec->path);
	line_duration(&line, delay_ms);
	buf_addf(&line, " (try %u of %u): %s: ", j->tries + 1, max_tries,
	    errclass_name(a->err_class));
	sanitize_str(&line, a->message);
	view_emit(v, &line);
	buf_release(&line);
}

void
view_warning(struct view *v, const char *path, const char *text)
{
	struct buf line = BUF_INIT;

	buf_init(&line);
	line_paint(&line, v->color, TERM_YELLOW, "warning:");
	if (path != NULL)
		buf_addf(&line, " %s:", path);
	buf_addch(&line, ' ');
	sanitize_str(&line, text);
	view_emit(v, &line);
	buf_release(&line);
}

void
view_note(struct view *v, const char *text)
{
	struct buf line = BUF_INIT;

	buf_init(&line);
	buf_addstr(&line, "githerd: ");
	sanitize_str(&line, text);
	view_emit(v, &line);
	buf_release(&line);
}

