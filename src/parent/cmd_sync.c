/*
 * githerd sync: clone what is missing, update what is there, skip what
 * holds local work; with --dry-run, say so from an offline status (or
 * --fetch) and change nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "importrun.h"
#include "ledger.h"
#include "linkcopy.h"
#include "listing.h"
#include "orphans.h"
#include "runopts.h"
#include "sanitize.h"
#include "sig.h"
#include "xmalloc.h"

struct sync_records {
	struct plan		*plan;
	struct ledger		 ledger;
	char			*ledger_file;
	struct command		*cmd;
	const struct run_opts	*o;
	size_t			 linkcopy_bad;	/* repo's copy/linkfile */
};

/* Entries gone from both the manifest and the disk are forgotten. */
static void
forget_gone(struct sync_records *r)
{
	struct orphans o;
	size_t i, k;

	orphans_find(&o, &r->ledger, r->cmd->known, r->cmd->nknown,
	    r->cmd->ws.path);
	for (i = r->ledger.n; i-- > 0;) {
		const char *path = r->ledger.v[i].path;
		bool known = false;

		known = command_knows(r->cmd, path);
		for (k = 0; k < o.n && !known; k++)
			known = strcmp(o.v[k].path, path) == 0;
		if (!known)
			ledger_forget(&r->ledger, path);
	}
	orphans_release(&o);
}

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
	r->linkcopy_bad = linkcopy_apply(r->cmd->ws.path, q);
	forget_gone(r);
	if (ledger_save(&r->ledger, r->ledger_file, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

static void
load_records(struct sync_records *r, struct command *c)
{
	char warn[600];

	memset(r, 0, sizeof(*r));
	r->plan = &c->plan;
	r->cmd = c;
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
	const struct sync_records *r = arg;
	const struct run_opts *o = r->o;

	if (*code == EXIT_SYSTEM)
		return;
	*code = listing_dry_run(out, q, o->order, r->cmd->cli.switch_back ?
	    NULL : &r->ledger, o->summary_color, o->ignore_unsupported) > 0 ?
	    EXIT_FAILED : EXIT_OK;
}

/* A dry run of a sync into a workspace that is not there yet. */
static enum exit_code
dry_run_empty(struct command *c)
{
	struct buf out = BUF_INIT;
	struct queue q;
	size_t failing;

	buf_init(&out);
	queue_init(&q, &c->m);
	for (size_t i = 0; i < q.njobs; i++) {
		if (q.jobs[i].state != JOB_PENDING)
			continue;	/* unsupported: said as such */
		q.jobs[i].state = JOB_CHECKED;
		q.jobs[i].result.state = ES_MISSING;
	}
	failing = listing_dry_run(&out, &q, NULL, NULL, runopts_color(&c->cli,
	    STDOUT_FILENO), c->cli.ignore_unsupported);
	fwrite(out.data, 1, out.len, stdout);
	queue_release(&q);
	buf_release(&out);
	return failing > 0 ? EXIT_FAILED : EXIT_OK;
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

/* sync --prune, after the run: what became of each orphan. */
static void
finish_prune(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct job *j;
	size_t i;

	(void)arg;
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (j->state == JOB_UPDATED)
			buf_addstr(out, "githerd: pruned ");
		else if (j->state == JOB_SKIPPED)
			buf_addstr(out, "githerd: kept ");
		else {
			buf_addstr(out, "githerd: cannot prune ");
			*code = EXIT_FAILED;
		}
		sanitize_str(out, j->spec->path);
		if (j->state == JOB_SKIPPED)
			buf_addstr(out, " (not in the manifest)");
		else if (j->state != JOB_UPDATED)
			buf_addf(out, ": %s", errclass_name(j->result.err_class));
		buf_addstr(out, ": ");
		sanitize_str(out, j->result.message);
		buf_addch(out, '\n');
	}
	if (*code != EXIT_FAILED)
		*code = EXIT_OK;
}

/* The entries that went to the trash leave the ledger. */
static void
record_prune(const struct queue *q, void *arg)
{
	struct sync_records *r = arg;
	char err[600];
	size_t i;

	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state == JOB_UPDATED)
			ledger_forget(&r->ledger, q->jobs[i].spec->path);
	if (ledger_save(&r->ledger, r->ledger_file, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

/* An orphan that holds an entry: moving it would take that one along. */
static void
kept_holding(const struct orphan *o)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_addstr(&b, "githerd: kept ");
	sanitize_str(&b, o->path);
	buf_addstr(&b, " (not in the manifest): the entry ");
	sanitize_str(&b, o->holds);
	buf_addstr(&b, " is inside it\n");
	fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	buf_release(&b);
}

/*
 * The orphans a sync created, each to a worker that moves it into the
 * trash if nothing in it would be lost.  A failure to prune makes the
 * exit status 1; an orphan kept for its local work does not.
 */
static enum exit_code
prune(struct command *c, struct sync_records *rec, const struct run_opts *o,
    const struct orphans *orphans, enum exit_code code)
{
	struct manifest om;
	struct run_opts po;
	struct run_result res;
	struct repo_spec *s;
	char stamp[64];
	time_t now = time(NULL);
	size_t i;

	manifest_init(&om);
	om.repos = xcalloc(orphans->n ? orphans->n : 1, sizeof(*om.repos));
	for (i = 0; i < orphans->n; i++) {
		if (orphans->v[i].holds != NULL) {
			kept_holding(&orphans->v[i]);
			continue;
		}
		if (!orphans->v[i].created)
			continue;
		s = &om.repos[om.nrepos++];
		s->path = xstrdup(orphans->v[i].path);
		s->url = xasprintf("%s/%s", c->ws.path, s->path);
		s->ref_kind = REF_DEFAULT;
	}
	if (om.nrepos == 0)
		goto out;
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%ld",
	    (long)getpid());
	po = *o;
	po.op = OP_RETIRE;
	po.mode = VIEW_NONE;
	po.json_file = NULL;
	po.notes = NULL;
	po.order = NULL;
	po.hosts = NULL;
	po.expect_ms = NULL;
	po.expect_bytes = NULL;
	po.ledger = NULL;
	po.job_flags = 0;
	po.trash_stamp = stamp;
	po.finish = finish_prune;
	po.finish_arg = NULL;
	po.record = record_prune;
	po.record_arg = rec;
	run_jobs(&om, &po, &res);
	if (res.signal != 0) {
		manifest_release(&om);
		command_release(c);
		fflush(NULL);
		sig_raise(res.signal);
		return (enum exit_code)(128 + res.signal);
	}
	if (res.exit_code == EXIT_FAILED && (code == EXIT_OK ||
	    code == EXIT_SKIPPED))
		code = EXIT_FAILED;
out:
	manifest_release(&om);
	return code;
}

/* After the run: what is on disk that the manifest left behind. */
static enum exit_code
tell_orphans(struct command *c, struct sync_records *r,
    const struct run_opts *o, enum exit_code code)
{
	struct orphans orphans;
	struct buf b = BUF_INIT;

	orphans_find(&orphans, &r->ledger, c->known, c->nknown, c->ws.path);
	buf_init(&b);
	if (c->cli.verbosity >= 0 || c->cli.prune_orphans)
		orphans_note(&b, &orphans, c->cli.prune_orphans);
	fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	buf_release(&b);
	if (c->cli.prune_orphans && orphans.n > 0)
		code = prune(c, r, o, &orphans, code);
	orphans_release(&orphans);
	return code;
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
	load_records(&rec, &c);
	rec.o = &o;
	if (dry) {
		/* Read only: the ledger only says what a sync would keep. */
		o.finish = finish_dry_run;
		o.finish_arg = &rec;
		o.mode = VIEW_NONE;
	} else {
		o.ledger = &rec.ledger;
		o.record = record;
		o.record_arg = &rec;
		/* west: the importing projects first, then the whole. */
		if (importrun_resolve(&c, &o, &code) == -1)
			goto out;
	}
	code = command_run(&c, &o);
	if (rec.linkcopy_bad > 0 && code == EXIT_OK)
		code = EXIT_FAILED;
	if (!dry)
		code = tell_orphans(&c, &rec, &o, code);
out:
	ledger_release(&rec.ledger);
	free(rec.ledger_file);
	command_release(&c);
	return code;
}
