#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "report.h"
#include "sanitize.h"
#include "url.h"
#include "version.h"

/*
 * Through the sanitiser first: whatever a server or a manifest put in a
 * message, the report is valid UTF-8 JSON with no control characters for
 * a consumer to print.  Only '"' and '\' are left to escape.
 */
void
json_escape(struct buf *b, const char *s, size_t len)
{
	struct buf clean = BUF_INIT;
	size_t i;

	buf_init(&clean);
	sanitize_add(&clean, s, len);
	for (i = 0; i < clean.len; i++) {
		if (clean.data[i] == '"' || clean.data[i] == '\\')
			buf_addch(b, '\\');
		buf_addch(b, clean.data[i]);
	}
	buf_release(&clean);
}

void
json_string(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_addstr(b, "null");
		return;
	}
	buf_addch(b, '"');
	json_escape(b, s, strlen(s));
	buf_addch(b, '"');
}

void
report_spec(struct buf *b, const struct repo_spec *r)
{
	char *url = url_redact(r->url);
	size_t i;

	buf_addstr(b, "\"path\": ");
	json_string(b, r->path);
	buf_addstr(b, ", \"url\": ");
	json_string(b, url);
	buf_addf(b, ", \"ref\": {\"kind\": \"%s\", \"name\": ",
	    ref_kind_name(r->ref_kind));
	json_string(b, r->ref);
	buf_addstr(b, "}, \"type\": ");
	json_string(b, r->vcs_type != NULL ? r->vcs_type : "git");
	buf_addf(b, ", \"bare\": %s, \"mirror\": %s, \"submodules\": %s",
	    r->bare ? "true" : "false", r->mirror ? "true" : "false",
	    r->submodules ? "true" : "false");
	buf_addstr(b, ", \"groups\": [");
	for (i = 0; i < r->ngroups; i++) {
		if (i > 0)
			buf_addstr(b, ", ");
		json_string(b, r->groups[i]);
	}
	buf_addch(b, ']');
	free(url);
}

static void
json_repo(struct buf *b, const struct job *j)
{
	size_t i;

	buf_addstr(b, "    {");
	report_spec(b, j->spec);
	buf_addf(b, ",\n     \"status\": \"%s\", \"error\": ",
	    job_state_name(j->state));
	if (j->state == JOB_FAILED || j->state == JOB_CANCELLED) {
		buf_addf(b, "{\"class\": \"%s\", \"message\": ",
		    errclass_name(j->result.err_class));
		json_string(b, j->result.message);
		buf_addch(b, '}');
	} else
		buf_addstr(b, "null");
	if (j->state == JOB_SKIPPED || j->state == JOB_KEPT ||
	    j->state == JOB_UNSUPPORTED) {
		buf_addstr(b, ", \"reason\": ");
		json_string(b, j->result.message);
	}
	/* A skip for what libgit2 cannot do (a partial clone) has a class. */
	if (j->state == JOB_SKIPPED && j->result.err_class != ERR_NONE)
		buf_addf(b, ", \"reason_class\": \"%s\"",
		    errclass_name(j->result.err_class));
	if (j->state == JOB_CHECKED) {
		buf_addf(b, ",\n     \"state\": \"%s\", \"where\": ",
		    entry_state_name((enum entry_state)j->result.state));
		json_string(b, j->result.where);
		buf_addf(b, ", \"ahead\": %u, \"behind\": %u, \"dirty\": %u, "
		    "\"summary\": ", j->result.ahead, j->result.behind, j->result.dirty);
		json_string(b, j->result.message);
	}
	buf_addf(b, ",\n     \"tries\": %u, \"attempts\": [", j->tries);
	for (i = 0; i < j->nattempts; i++) {
		buf_addf(b, "%s{\"class\": \"%s\", \"message\": ",
		    i ? ", " : "", errclass_name(j->attempts[i].err_class));
		json_string(b, j->attempts[i].message);
		buf_addf(b, ", \"duration_ms\": %lld}",
		    (long long)j->attempts[i].duration_ms);
	}
	buf_addf(b, "],\n     \"duration_ms\": %lld, \"fetched\": %s, "
	    "\"bytes\": %llu, \"objects\": %llu",
	    (long long)(j->end_ms > j->first_start_ms && j->tries > 0 ?
	    j->end_ms - j->first_start_ms : 0),
	    j->result.fetched ? "true" : "false",
	    (unsigned long long)j->result.bytes, (unsigned long long)j->result.objects);
	buf_addstr(b, ", \"head\": ");
	json_string(b, j->result.head[0] ? j->result.head : NULL);
	/* What an update changed: where HEAD was, and what it gained. */
	buf_addstr(b, ", \"before\": ");
	json_string(b, j->result.before[0] ? j->result.before : NULL);
	buf_addstr(b, ", \"after\": ");
	json_string(b, j->result.head[0] ? j->result.head : NULL);
	buf_addstr(b, ", \"branch\": ");
	json_string(b, j->result.branch);
	buf_addf(b, ", \"commits\": %u", j->result.commits);
	buf_addf(b, ", \"depth\": %d, \"shallow\": %s, \"lfs_pointers\": %u}",
	    j->spec->depth, j->result.shallow ? "true" : "false",
	    j->result.lfs_pointers);
}

/*
 * The report, in order; every REPORT_CHUNK bytes flush (when given) takes
 * what has been built, so a report of 10,000 repositories never sits in
 * memory whole.
 */
#define REPORT_CHUNK	65536

static int
emit(struct buf *b, const struct queue *q, const struct report_meta *m,
    int (*flush)(struct buf *, void *), void *arg)
{
	char when[32];
	struct tm tm;
	size_t i;
	enum job_state s;

	gmtime_r(&m->started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_addf(b, "{\n  \"githerd\": \"%s\",\n  \"libgit2\": \"%s\",\n",
	    GITHERD_VERSION, m->libgit2 ? m->libgit2 : "unknown");
	buf_addstr(b, "  \"manifest\": ");
	json_string(b, m->manifest);
	buf_addstr(b, ",\n  \"workspace\": ");
	json_string(b, m->workspace);
	buf_addf(b, ",\n  \"started\": \"%s\",\n  \"duration_ms\": %lld,\n"
	    "  \"workers\": %zu,\n  \"exit_code\": %d,\n  \"signal\": ", when,
	    (long long)m->duration_ms, m->workers, m->exit_code);
	json_string(b, m->signal);
	buf_addf(b, ",\n  \"counts\": {\"total\": %zu", q->njobs);
	for (s = JOB_CLONED; s < JOB_STATE_MAX; s++)
		if ((s != JOB_CHECKED && s != JOB_UNSUPPORTED) ||
		    q->count[s] > 0)
			buf_addf(b, ", \"%s\": %zu", job_state_name(s),
			    q->count[s]);
	buf_addstr(b, "},\n");
	buf_addstr(b, "  \"repos\": [\n");
	for (i = 0; i < q->njobs; i++) {
		json_repo(b, &q->jobs[i]);
		buf_addstr(b, i + 1 < q->njobs ? ",\n" : "\n");
		if (flush != NULL && b->len >= REPORT_CHUNK && flush(b, arg) == -1)
			return -1;
	}
	buf_addstr(b, "  ]\n}\n");
	return flush != NULL ? flush(b, arg) : 0;
}

void
report_json(struct buf *b, const struct queue *q, const struct report_meta *m)
{
	emit(b, q, m, NULL, NULL);
}

static int
flush_to(struct buf *b, void *arg)
{
	int rc = fs_atomic_write(arg, b->data, b->len);

	buf_reset(b);
	return rc;
}

/* Written to a temporary file and renamed: readers never see half. */
int
report_write(const char *file, const struct queue *q,
    const struct report_meta *m, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	struct fs_atomic a;
	int rc = -1;

	buf_init(&b);
	if (fs_atomic_open(&a, file, FS_PUBLIC) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (emit(&b, q, m, flush_to, &a) == -1) {
		snprintf(err, errlen, "%s: %s", a.tmp ? a.tmp : "stdout",
		    strerror(errno));
		fs_atomic_abort(&a);
		goto out;
	}
	if (fs_atomic_commit(&a) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_release(&b);
	return rc;
}
