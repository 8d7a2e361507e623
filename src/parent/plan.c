#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachedir.h"
#include "fsutil.h"
#include "path.h"
#include "plan.h"
#include "xmalloc.h"

#define HISTORY_FILE	PATH_STATE_DIR "/history"

#define TIMINGS_LOCK_WAIT_MS	2000

/* Where the timings by URL are kept, or NULL when there is no home. */
static char *
timings_file(const char *cache_dir)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (cache_dir != NULL)
		return xasprintf("%s/" CACHEDIR_TIMINGS_FILE, cache_dir);
	if (state != NULL && state[0] == '/')
		return xasprintf("%s/githerd/timings", state);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/githerd/timings", home);
	return NULL;
}

/*
 * What the workspace does not know of an entry, its URL's timings may:
 * a fresh workspace's clones, or an entry moved to another path.
 */
static void
merged(const struct history_entry *ws, const struct history_entry *url,
    struct history_entry *out)
{
	out->path = NULL;
	out->clone_ms = ws && ws->clone_ms >= 0 ? ws->clone_ms :
	    url ? url->clone_ms : -1;
	out->clone_bytes = ws && ws->clone_ms >= 0 ? ws->clone_bytes :
	    url ? url->clone_bytes : 0;
	out->update_ms = ws && ws->update_ms >= 0 ? ws->update_ms :
	    url ? url->update_ms : -1;
}

static void
load_timings(struct plan *p, const struct manifest *m, const char *cache_dir,
    char *warn, size_t warnlen)
{
	char why[300];
	size_t i;

	history_init_urls(&p->urls);
	p->urls_file = timings_file(cache_dir);
	if (p->urls_file != NULL && history_load_urls(&p->urls, p->urls_file,
	    why, sizeof(why)) == -1 && warn[0] == '\0')
		snprintf(warn, warnlen, "ignoring %s: %s", p->urls_file, why);
	p->keys = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*p->keys));
	p->nkeys = m->nrepos;
	for (i = 0; i < m->nrepos; i++)
		p->keys[i] = history_url_key(m->repos[i].url);
}

void
plan_make(struct plan *p, const struct manifest *m, const char *workspace,
    const char *cache_dir, unsigned per_host, char *warn, size_t warnlen)
{
	int64_t *cost = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*cost));
	struct history_entry e;
	char why[300], *dest;
	double speed;
	size_t i;
	bool present;

	memset(p, 0, sizeof(*p));
	warn[0] = '\0';
	p->history_file = xasprintf("%s/%s", workspace, HISTORY_FILE);
	if (history_load(&p->history, p->history_file, why, sizeof(why)) == -1)
		snprintf(warn, warnlen, "ignoring %s: %s", p->history_file, why);
	load_timings(p, m, cache_dir, warn, warnlen);
	speed = schedule_clone_speed(&p->history);
	if (speed == schedule_clone_speed(NULL))
		speed = schedule_clone_speed(&p->urls);
	p->expect_ms = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*p->expect_ms));
	p->expect_bytes = xcalloc(m->nrepos ? m->nrepos : 1,
	    sizeof(*p->expect_bytes));
	for (i = 0; i < m->nrepos; i++) {
		dest = xasprintf("%s/%s", workspace, m->repos[i].path);
		present = fs_kind(dest) != FS_NONE;
		free(dest);
		merged(history_find(&p->history, m->repos[i].path),
		    history_find(&p->urls, p->keys[i]), &e);
		cost[i] = schedule_cost(&e, present, m->repos[i].size_hint,
		    speed);
		p->expect_ms[i] = schedule_cost(&e, present, 0, 0);
		if (!present && e.clone_ms >= 0)
			p->expect_bytes[i] = e.clone_bytes;
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

/* What the finished jobs measured, into h under each job's key. */
static void
note_jobs(struct history *h, const struct queue *q, char *const *keys)
{
	const struct job *j;
	const char *key;
	size_t i;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->tries == 0 || j->end_ms < j->start_ms)
			continue;
		key = keys != NULL ? keys[j->id] : j->spec->path;
		if (j->state == JOB_CLONED)
			history_note(h, key, true, j->end_ms - j->start_ms,
			    j->result.bytes);
		else if (j->state == JOB_UPDATED || j->state == JOB_UNCHANGED ||
		    j->state == JOB_KEPT)
			history_note(h, key, false, j->end_ms - j->start_ms,
			    j->result.bytes);
	}
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Other runs share the file: under its lock, read what they saved, add
 * this run's, write it back.  A lock held past the wait costs this run's
 * measurements, never the run.
 */
static int
save_timings(struct plan *p, const struct queue *q, char *err, size_t errlen)
{
	struct history fresh;
	char *lock, *slash, why[300];
	int fd, waited = 0, rc = -1;

	if (p->urls_file == NULL)
		return 0;
	lock = xasprintf("%s.lock", p->urls_file);
	if ((slash = strrchr(lock, '/')) != NULL) {
		*slash = '\0';
		fs_mkdir_p(lock, why, sizeof(why));
		*slash = '/';
	}
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0666)) == -1) {
		snprintf(err, errlen, "cannot open %s: %s", lock, strerror(errno));
		free(lock);
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1 && waited < TIMINGS_LOCK_WAIT_MS) {
		sleep_ms(20);
		waited += 20;
	}
	if (waited >= TIMINGS_LOCK_WAIT_MS) {
		snprintf(err, errlen, "%s stayed locked: this run's timings "
		    "are not kept", lock);
		goto out;
	}
	if (history_load_urls(&fresh, p->urls_file, why, sizeof(why)) == -1)
		history_init_urls(&fresh);	/* damaged: rewritten */
	note_jobs(&fresh, q, p->keys);
	rc = history_save(&fresh, p->urls_file, err, errlen);
	history_release(&fresh);
out:
	close(fd);
	free(lock);
	return rc;
}

int
plan_record(struct plan *p, const struct queue *q, char *err, size_t errlen)
{
	note_jobs(&p->history, q, NULL);
	if (history_save(&p->history, p->history_file, err, errlen) == -1)
		return -1;
	return save_timings(p, q, err, errlen);
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
	history_release(&p->urls);
	free(p->urls_file);
	while (p->nkeys > 0)
		free(p->keys[--p->nkeys]);
	free(p->keys);
	memset(p, 0, sizeof(*p));
}
