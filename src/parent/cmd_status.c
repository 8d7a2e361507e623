/*
 * githerd status: compare the workspace with the manifest, offline unless
 * --fetch; one line per entry, exit 1 if any entry is not as asked.
 */
#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "summary.h"

static void
finish_status(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct run_opts *o = arg;
	size_t i;

	summary_status(out, q, o->summary_color);
	if (*code != EXIT_OK && *code != EXIT_SKIPPED)
		return;
	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state != JOB_CHECKED ||
		    q->jobs[i].result.state != ES_OK)
			*code = EXIT_FAILED;
}

enum exit_code
cmd_status(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct run_opts o;
	enum exit_code code = EXIT_USAGE;
	char note[400];

	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select_for_run(&c, &code) == -1 ||
	    command_open_workspace(&c, &code) == -1)
		goto out;
	command_run_opts(&c, &o, note, sizeof(note));
	o.finish = finish_status;
	o.finish_arg = &o;
	code = command_run(&c, &o);
out:
	command_release(&c);
	return code;
}
