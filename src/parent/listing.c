#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "listing.h"
#include "report.h"
#include "sanitize.h"
#include "term.h"
#include "url.h"
#include "xmalloc.h"

/* "branch main", "tag v1", "commit 1234...", "default" */
static void
ref_text(struct buf *b, const struct repo_spec *r)
{
	if (r->vcs_type != NULL) {
		buf_addstr(b, "unsupported (type ");
		sanitize_str(b, r->vcs_type);
		buf_addch(b, ')');
		return;
	}
	buf_addstr(b, ref_kind_name(r->ref_kind));
	if (r->ref != NULL) {
		buf_addch(b, ' ');
		sanitize_str(b, r->ref);
	}
	if (r->depth > 0)
		buf_addf(b, ", depth %d", r->depth);
	if (r->mirror)
		buf_addstr(b, ", mirror");
	else if (r->bare)
		buf_addstr(b, ", bare");
}

static size_t
path_width(const struct manifest *m)
{
	size_t i, n, w = 4;

	for (i = 0; i < m->nrepos; i++) {
		n = term_columns(m->repos[i].path, strlen(m->repos[i].path));
		if (n > w)
			w = n;
	}
	return w > 40 ? 40 : w;
}

void
listing_text(struct buf *b, const struct manifest *m)
{
	const struct repo_spec *r;
	size_t i, k, w = path_width(m), n;
	char *url;

	for (i = 0; i < m->nrepos; i++) {
		r = &m->repos[i];
		url = url_redact(r->url);
		n = term_columns(r->path, strlen(r->path));
		buf_addf(b, "%s%*s  ", r->path, (int)(n < w ? w - n : 0), "");
		sanitize_str(b, url);
		buf_addstr(b, "  ");
		ref_text(b, r);
		for (k = 0; k < r->ngroups; k++)
			buf_addf(b, "%s%s", k ? "," : "  [", r->groups[k]);
		if (r->ngroups > 0)
			buf_addch(b, ']');
		buf_addch(b, '\n');
		free(url);
	}
}

void
listing_json(struct buf *b, const struct manifest *m)
{
	const struct repo_spec *r;
	size_t i;

	buf_addstr(b, "[");
	for (i = 0; i < m->nrepos; i++) {
		r = &m->repos[i];
		buf_addstr(b, i ? ",\n  {" : "\n  {");
		report_spec(b, r);
		buf_addf(b, ", \"depth\": %d, \"line\": %u}", r->depth, r->line);
	}
	buf_addstr(b, m->nrepos ? "\n]\n" : "]\n");
}

enum action { ACT_CLONE, ACT_UPDATE, ACT_SKIP, ACT_CONFLICT, ACT_KEEP,
    ACT_UNSUPPORTED, ACT_MAX };

/*
 * Is the checkout no longer where the last sync put it, for the same
 * manifest ref?  Then a sync keeps it (see update.c), unless --switch.
 */
static bool
moved_by_user(const struct job *j, const struct ledger *l)
{
	const struct ledger_entry *e;
	char *spec;
	bool moved;

	if (l == NULL || j->result.placed == NULL ||
	    (e = ledger_find(l, j->spec->path)) == NULL || e->placed == NULL)
		return false;
	spec = ledger_spec(j->spec);
	moved = strcmp(spec, e->spec) == 0 &&
	    strcmp(e->placed, j->result.placed) != 0;
	free(spec);
	return moved;
}

/*
 * Offline, "up to date" only means "as of the last fetch": a sync asks
 * the remote, so every present entry is an update, and one with local
 * work would be skipped should the remote have moved.
 */
static enum action
action_of(const struct job *j, const struct ledger *l)
{
	if (j->state == JOB_UNSUPPORTED)
		return ACT_UNSUPPORTED;
	if (j->state != JOB_CHECKED)
		return ACT_CONFLICT;
	if ((j->result.state == ES_OTHER_REF ||
	    j->result.state == ES_BLOCKED) && moved_by_user(j, l))
		return ACT_KEEP;
	switch (j->result.state) {
	case ES_MISSING:
		return ACT_CLONE;
	case ES_OK:
	case ES_BEHIND:
	case ES_OTHER_REF:
		return ACT_UPDATE;
	case ES_DIRTY:
		/*
		 * Untracked files alone never make a sync skip: only those a
		 * checkout would overwrite do, and status says ES_BLOCKED for
		 * them.
		 */
		if (!j->result.busy && j->result.dirty == j->result.untracked)
			return ACT_UPDATE;
		return ACT_SKIP;
	case ES_AHEAD:
	case ES_DIVERGED:
	case ES_BLOCKED:
	case ES_PARTIAL_CLONE:
		return ACT_SKIP;
	default:
		return ACT_CONFLICT;
	}
}

size_t
listing_dry_run(struct buf *b, const struct queue *q, const unsigned *order,
    const struct ledger *l, bool color, bool ignore_unsupported)
{
	static const char *const word[ACT_MAX] = { "clone   ", "update  ",
	    "skip?   ", "conflict", "keep    ", "unsupported" };
	static const char *const paint[ACT_MAX] = { TERM_GREEN, "",
	    TERM_YELLOW, TERM_RED, "", TERM_YELLOW };
	size_t i, count[ACT_MAX] = { 0 };
	const struct job *j;
	enum action a;
	char *url;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[order != NULL ? order[i] : i];
		a = action_of(j, l);
		count[a]++;
		buf_addf(b, "%s%s%s %s", color ? paint[a] : "", word[a],
		    color ? TERM_RESET : "", j->spec->path);
		switch (a) {
		case ACT_CLONE:
			url = url_redact(j->spec->url);
			buf_addstr(b, " from ");
			sanitize_str(b, url);
			buf_addstr(b, " (");
			ref_text(b, j->spec);
			buf_addch(b, ')');
			free(url);
			break;
		case ACT_UNSUPPORTED:
			buf_addstr(b, " (type ");
			sanitize_str(b, j->spec->vcs_type);
			buf_addch(b, ')');
			break;
		case ACT_UPDATE:
			if (j->result.where != NULL) {
				buf_addstr(b, " (now ");
				sanitize_str(b, j->result.where);
				buf_addch(b, ')');
			}
			break;
		default:
			buf_addstr(b, ": ");
			sanitize_str(b, j->result.message);
			break;
		}
		buf_addch(b, '\n');
	}
	buf_addf(b, "dry run: %zu to clone, %zu to update, %zu with local "
	    "work (skipped if the remote moved), %zu in conflict", count[ACT_CLONE],
	    count[ACT_UPDATE], count[ACT_SKIP], count[ACT_CONFLICT]);
	if (count[ACT_KEEP] > 0)
		buf_addf(b, ", %zu kept where %s user put %s", count[ACT_KEEP],
		    count[ACT_KEEP] == 1 ? "its" : "their",
		    count[ACT_KEEP] == 1 ? "it" : "them");
	if (count[ACT_UNSUPPORTED] > 0)
		buf_addf(b, ", %zu unsupported", count[ACT_UNSUPPORTED]);
	buf_addstr(b, "; nothing was done\n");
	return count[ACT_CONFLICT] + (ignore_unsupported ? 0 :
	    count[ACT_UNSUPPORTED]);
}
