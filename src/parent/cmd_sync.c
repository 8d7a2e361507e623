/*
 * githerd sync: clone what is missing, update what is there, skip what
 * holds local work; with --dry-run, say so from an offline status (or
 * --fetch) and change nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "ledger.h"
#include "listing.h"
#include "runopts.h"
#include "xmalloc.h"

struct sync_records {
	struct plan	*plan;
	struct ledger	 ledger;
	char		*ledger_file;
};

/* Where each job left its entry, for whose checkout it is next time. */
static void
note_placements(struct ledger *l, const struct queue *q)
{
	const struct job *j;
	const char *placed;
	char *spec;
	size_t i;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		placed = j->result.placed;
		if (placed != NULL && !ledger_placed_valid(placed))
			placed = NULL;
		spec = ledger_spec(j->spec);
		switch (j->state) {
		case JOB_CLONED:
		case JOB_UPDATED:
		case JOB_UNCHANGED:
			ledger_note(l, j->spec->path, spec, placed,
			    j->state == JOB_CLONED);
			break;
		case JOB_KEPT:
		case JOB_SKIPPED:
			ledger_note(l, j->spec->path, spec, NULL, false);
			break;
		default:
			break;
		}
		free(spec);
	}
}

/*
 * After a sync: what each job took, for the order of the next run, and
 * where it left each checkout.
 */
static void
record(const struct queue *q, void *arg)
{
	struct sync_records *r = arg;
	char err[600];

	if (plan_record(r->plan, q, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
	note_placements(&r->ledger, q);
	if (ledger_save(&r->ledger, r->ledger_file, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

static void
load_records(struct sync_records *r, struct command *c)
{
	char warn[600];

	memset(r, 0, sizeof(*r));
	r->plan = &c->plan;
	r->ledger_file = xasprintf("%s/%s", c->ws.path, LEDGER_FILE);
	if (ledger_load(&r->ledger, r->ledger_file, warn, sizeof(warn)) == -1)
		fprintf(stderr, "githerd: warning: ignoring %s: %s\n",
		    r->ledger_file, warn);
}

/* sync --dry-run: what a sync would do, from an offline status. */
static void
finish_dry_run(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct run_opts *o = arg;

	if (*code == EXIT_SYSTEM)
		return;
	*code = listing_dry_run(out, q, o->order, o->summary_color) > 0 ?
	    EXIT_FAILED : EXIT_OK;
}

/* A dry run of a sync into a workspace that is not there yet. */
static enum exit_code
dry_run_empty(struct command *c)
{
	struct buf out = BUF_INIT;
	struct queue q;

	buf_init(&out);
	queue_init(&q, &c->m);
	for (size_t i = 0; i < q.njobs; i++) {
		q.jobs[i].state = JOB_CHECKED;
		q.jobs[i].result.state = ES_MISSING;
	}
	listing_dry_run(&out, &q, NULL, runopts_color(&c->cli, STDOUT_FILENO));
	fwrite(out.data, 1, out.len, stdout);
	queue_release(&q);
	buf_release(&out);
	return EXIT_OK;
}

/* sync's housekeeping once the lock is held. */
static void
prepare_sync(struct command *c)
{
	char err[600];
	size_t swept;

	if ((swept = workspace_sweep(&c->ws, &c->m)) > 0)
		fprintf(stderr, "githerd: removed %zu temporary director%s left "
		    "by an interrupted run\n", swept, swept == 1 ? "y" : "ies");
	if (workspace_save_manifest(&c->ws, &c->m, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

enum exit_code
cmd_sync(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct sync_records rec;
	struct run_opts o;
	enum exit_code code = EXIT_USAGE;
	char note[400];
	bool dry;

	memset(&rec, 0, sizeof(rec));
	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select_for_run(&c, &code) == -1)
		goto out;
	dry = c.cli.dry_run;
	if (dry && access(c.cli.workspace, F_OK) == -1 && errno == ENOENT) {
		code = dry_run_empty(&c);
		goto out;
	}
	if (command_open_workspace(&c, &code) == -1)
		goto out;
	if (!dry)
		prepare_sync(&c);
	command_run_opts(&c, &o, note, sizeof(note));
	if (dry) {
		o.finish = finish_dry_run;
		o.finish_arg = &o;
		o.mode = VIEW_NONE;
	} else {
		load_records(&rec, &c);
		o.ledger = &rec.ledger;
		o.record = record;
		o.record_arg = &rec;
	}
	code = command_run(&c, &o);
out:
	ledger_release(&rec.ledger);
	free(rec.ledger_file);
	command_release(&c);
	return code;
}
