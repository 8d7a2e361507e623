/*
 * githerd exec [options] [manifest] [path...] -- command [arg...]: the
 * command in every selected checkout, -j at a time (execrun.h), each
 * one's output printed whole as it ends (execshow.h), the summary on the
 * standard error, --json for all of it; exit 1 when any entry failed or
 * had no checkout to run in.  The workspace is locked as status locks it
 * (shared): a sync does not move checkouts under the commands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "execreport.h"
#include "execrun.h"
#include "execshow.h"
#include "fsutil.h"
#include "runopts.h"
#include "sig.h"

static void
exec_opts_from(struct exec_opts *eo, const struct run_opts *o,
    const struct command *c)
{
	bool json_out = c->cli.json != NULL && strcmp(c->cli.json, "-") == 0;

	memset(eo, 0, sizeof(*eo));
	eo->workspace = c->ws.path;
	eo->argv = c->cli.command;
	eo->jobs = o->jobs;
	eo->timeout_ms = o->timeout_ms;
	eo->grace_ms = o->stop_grace_ms;
	eo->mode = o->mode;
	eo->color = o->color;
	eo->verbosity = o->verbosity;
	eo->progress_fd = STDERR_FILENO;
	/* With the report on stdout, the outputs are in it only. */
	eo->out_fd = json_out ? -1 : STDOUT_FILENO;
	eo->out_color = runopts_color(&c->cli, STDOUT_FILENO);
	/* One terminal for both: the blocks scroll up above the live area. */
	eo->out_via_view = eo->mode == VIEW_TTY && isatty(STDOUT_FILENO) &&
	    isatty(STDERR_FILENO);
	eo->keep_output = c->cli.json != NULL;
	eo->notes = o->notes;
}

static enum exit_code
exit_of(const struct exec_run *r)
{
	return r->count[EXEC_OK] == r->n ? EXIT_OK : EXIT_FAILED;
}

static void
report(const struct command *c, const struct exec_run *r,
    const struct exec_opts *eo, enum exit_code *code)
{
	struct execreport_meta meta;
	struct buf b = BUF_INIT;
	char err[600];

	buf_init(&b);
	if (c->cli.verbosity >= 0 || *code != EXIT_OK)
		execshow_summary(&b, r, eo->color);
	if (c->json_abs != NULL) {
		memset(&meta, 0, sizeof(meta));
		meta.manifest = c->cli.manifest;
		meta.workspace = c->ws.path;
		meta.argv = eo->argv;
		meta.jobs = eo->jobs;
		/* What the shell will see: 128 + a signal's number. */
		meta.exit_code = r->signal ? 128 + r->signal : (int)*code;
		if (execreport_write(c->json_abs, r, &meta, err,
		    sizeof(err)) == -1) {
			buf_addf(&b, "githerd: cannot write the report: %s\n",
			    err);
			*code = EXIT_SYSTEM;
		}
	}
	fs_write_all(STDERR_FILENO, b.data, b.len);
	buf_release(&b);
}

enum exit_code
cmd_exec(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct run_opts o;
	struct exec_opts eo;
	struct exec_run r;
	enum exit_code code = EXIT_USAGE;
	char note[400];
	int signo;

	memset(&r, 0, sizeof(r));
	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select_for_run(&c, &code) == -1 ||
	    command_open_workspace(&c, &code) == -1)
		goto out;
	command_run_opts(&c, &o, note, sizeof(note));
	exec_opts_from(&eo, &o, &c);
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		code = EXIT_SYSTEM;
		goto out;
	}
	code = execrun(&r, &c.m, &eo) == -1 ? EXIT_SYSTEM : exit_of(&r);
	report(&c, &r, &eo, &code);
	if ((signo = r.signal) != 0) {
		/* Die of the signal, as the shell expects, once all is clean. */
		execresult_release(&r);
		command_release(&c);
		fflush(NULL);
		sig_raise(signo);
		return (enum exit_code)(128 + signo);
	}
out:
	execresult_release(&r);
	command_release(&c);
	return code;
}
