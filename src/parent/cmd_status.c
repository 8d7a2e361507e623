/*
 * githerd status: compare the workspace with the manifest, offline unless
 * --fetch; one line per entry, exit 1 if any entry is not as asked.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "ledger.h"
#include "orphans.h"
#include "summary.h"
#include "xmalloc.h"

struct status_args {
	const struct run_opts	*o;
	struct command		*c;
	const struct ledger	*ledger;
};

/* What the workspace holds that the manifest no longer names. */
static void
tell_orphans(struct command *c, const struct ledger *l, struct buf *out)
{
	struct orphans o;

	orphans_find(&o, l, c->known, c->nknown, c->ws.path);
	orphans_note(out, &o, false);
	orphans_release(&o);
}

static void
finish_status(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct status_args *a = arg;
	const struct run_opts *o = a->o;
	size_t i;

	summary_status(out, q, o->summary_color);
	tell_orphans(a->c, a->ledger, out);
	if (*code != EXIT_OK && *code != EXIT_SKIPPED)
		return;
	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state == JOB_UNSUPPORTED ?
		    !o->ignore_unsupported : q->jobs[i].state != JOB_CHECKED ||
		    q->jobs[i].result.state != ES_OK)
			*code = EXIT_FAILED;
}

enum exit_code
cmd_status(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct run_opts o;
	enum exit_code code = EXIT_USAGE;
	struct ledger l;
	struct status_args a = { &o, &c, &l };
	char note[400], warn[600], *file = NULL;

	ledger_init(&l);
	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select_for_run(&c, &code) == -1 ||
	    command_open_workspace(&c, &code) == -1)
		goto out;
	command_run_opts(&c, &o, note, sizeof(note));
	/* Where the last sync put each checkout: what the manifest left
	 * behind, and an entry on another ref of its remote (pull/104/head),
	 * judged offline by where it was put. */
	file = xasprintf("%s/%s", c.ws.path, LEDGER_FILE);
	if (ledger_load(&l, file, warn, sizeof(warn)) == -1)
		fprintf(stderr, "githerd: warning: ignoring %s: %s\n", file,
		    warn);
	o.ledger = &l;
	o.finish = finish_status;
	o.finish_arg = &a;
	code = command_run(&c, &o);
out:
	ledger_release(&l);
	free(file);
	command_release(&c);
	return code;
}
