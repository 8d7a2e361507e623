#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "execreport.h"
#include "execshow.h"
#include "fsutil.h"
#include "report.h"
#include "version.h"

static void
entry(struct buf *b, const struct exec_entry *e, struct buf *scratch)
{
	const struct job *j = &e->job;

	buf_addstr(b, "    {");
	report_spec(b, j->spec);
	buf_addf(b, ",\n     \"status\": \"%s\", \"exit_code\": ",
	    execresult_state_name(e->state));
	if (e->exit_code >= 0)
		buf_addf(b, "%d", e->exit_code);
	else
		buf_addstr(b, "null");
	buf_addstr(b, ", \"signal\": ");
	if (e->signal != 0)
		buf_addf(b, "%d", e->signal);
	else
		buf_addstr(b, "null");
	buf_addstr(b, ", \"outcome\": ");
	buf_reset(scratch);
	execshow_outcome(scratch, e);
	json_string(b, scratch->data);
	buf_addf(b, ", \"duration_ms\": %lld,\n     \"output\": \"",
	    (long long)(j->end_ms > j->start_ms ? j->end_ms - j->start_ms : 0));
	execshow_clean(b, e->output.data, e->output.len, true);
	buf_addf(b, "\", \"output_bytes\": %zu, \"output_dropped\": %llu, "
	    "\"output_cut\": %s}", e->output.len,
	    (unsigned long long)e->dropped, e->cut ? "true" : "false");
}

void
execreport_json(struct buf *b, const struct exec_run *r,
    const struct execreport_meta *m)
{
	struct buf scratch = BUF_INIT;
	char when[32];
	struct tm tm;
	size_t i;
	enum exec_state s;

	gmtime_r(&r->started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_addf(b, "{\n  \"githerd\": \"%s\",\n  \"manifest\": ",
	    GITHERD_VERSION);
	json_string(b, m->manifest);
	buf_addstr(b, ",\n  \"workspace\": ");
	json_string(b, m->workspace);
	buf_addstr(b, ",\n  \"command\": [");
	for (i = 0; m->argv[i] != NULL; i++) {
		buf_addstr(b, i ? ", " : "");
		json_string(b, m->argv[i]);
	}
	buf_addf(b, "],\n  \"started\": \"%s\",\n  \"duration_ms\": %lld,\n"
	    "  \"jobs\": %zu,\n  \"exit_code\": %d,\n  \"signal\": ", when,
	    (long long)r->duration_ms, m->jobs, m->exit_code);
	if (r->signal != 0)
		buf_addf(b, "%d", r->signal);
	else
		buf_addstr(b, "null");
	buf_addf(b, ",\n  \"counts\": {\"total\": %zu", r->n);
	for (s = EXEC_OK; s < EXEC_STATE_MAX; s++)
		buf_addf(b, ", \"%s\": %zu", execresult_state_name(s), r->count[s]);
	buf_addstr(b, "},\n  \"entries\": [\n");
	buf_init(&scratch);
	for (i = 0; i < r->n; i++) {
		entry(b, &r->e[i], &scratch);
		buf_addstr(b, i + 1 < r->n ? ",\n" : "\n");
	}
	buf_release(&scratch);
	buf_addstr(b, "  ]\n}\n");
}

int
execreport_write(const char *file, const struct exec_run *r,
    const struct execreport_meta *m, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	buf_init(&b);
	execreport_json(&b, r, m);
	if (fs_write_atomic(file, b.data, b.len, FS_PUBLIC) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		rc = -1;
	}
	buf_release(&b);
	return rc;
}
