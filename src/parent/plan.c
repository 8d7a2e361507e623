#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "path.h"
#include "plan.h"
#include "xmalloc.h"

#define HISTORY_FILE	PATH_STATE_DIR "/history"

void
plan_make(struct plan *p, const struct manifest *m, const char *workspace,
    unsigned per_host, char *warn, size_t warnlen)
{
	int64_t *cost = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*cost));
	const struct history_entry *e;
	char why[300], *dest;
	double speed;
	size_t i;
	bool present;

	memset(p, 0, sizeof(*p));
	warn[0] = '\0';
	p->history_file = xasprintf("%s/%s", workspace, HISTORY_FILE);
	if (history_load(&p->history, p->history_file, why, sizeof(why)) == -1)
		snprintf(warn, warnlen, "ignoring %s: %s", p->history_file, why);
	speed = schedule_clone_speed(&p->history);
	p->expect_ms = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*p->expect_ms));
	p->expect_bytes = xcalloc(m->nrepos ? m->nrepos : 1,
	    sizeof(*p->expect_bytes));
	for (i = 0; i < m->nrepos; i++) {
		dest = xasprintf("%s/%s", workspace, m->repos[i].path);
		present = fs_kind(dest) != FS_NONE;
		free(dest);
		e = history_find(&p->history, m->repos[i].path);
		cost[i] = schedule_cost(e, present, m->repos[i].size_hint, speed);
		p->expect_ms[i] = schedule_cost(e, present, 0, 0);
		if (!present && e != NULL && e->clone_ms >= 0)
			p->expect_bytes[i] = e->clone_bytes;
		if (cost[i] >= 0)
			p->known++;
	}
	p->order = xreallocarray(NULL, m->nrepos ? m->nrepos : 1,
	    sizeof(*p->order));
	schedule_order(cost, m->nrepos, p->order);
	free(cost);
	schedule_hosts(m, per_host, &p->hosts);
	for (i = 0; i < p->hosts.nhosts; i++)
		if (p->hosts.limit[i] > 0)
			p->limited = true;
}

int
plan_record(struct plan *p, const struct queue *q, char *err, size_t errlen)
{
	const struct job *j;
	size_t i;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->tries == 0 || j->end_ms < j->start_ms)
			continue;
		if (j->state == JOB_CLONED)
			history_note(&p->history, j->spec->path, true,
			    j->end_ms - j->start_ms, j->result.bytes);
		else if (j->state == JOB_UPDATED || j->state == JOB_UNCHANGED ||
		    j->state == JOB_KEPT)
			history_note(&p->history, j->spec->path, false,
			    j->end_ms - j->start_ms, j->result.bytes);
	}
	return history_save(&p->history, p->history_file, err, errlen);
}

void
plan_release(struct plan *p)
{
	free(p->order);
	free(p->expect_ms);
	free(p->expect_bytes);
	host_plan_release(&p->hosts);
	history_release(&p->history);
	free(p->history_file);
	memset(p, 0, sizeof(*p));
}
