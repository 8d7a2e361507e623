/*
 * githerd freeze: the manifest pinned to the commits checked out (with
 * --branches: to the branches), on stdout or, whole or not at all, in
 * the -o file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "freeze.h"
#include "fsutil.h"

struct freeze_ctx {
	const struct manifest	*m;
	const char		*output;	/* NULL: stdout */
	bool			 allow_unpushed;
	bool			 branches;	/* --branches */
	bool			 ignore_unsupported;
	const char		*named;		/* for the header */
};

static void
finish_freeze(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	struct freeze_ctx *fc = arg;
	struct buf warnings = BUF_INIT;

	buf_init(&warnings);
	if (*code == EXIT_SYSTEM)
		goto out;
	switch (freeze_write(out, fc->m, fc->named, q, fc->branches,
	    fc->ignore_unsupported, &warnings)) {
	case -1:
		*code = EXIT_FAILED;
		break;
	case 1:
		/* A lock file others cannot reproduce is a failure, unless asked. */
		*code = fc->allow_unpushed ? EXIT_OK : EXIT_FAILED;
		if (!fc->allow_unpushed)
			buf_addf(&warnings, "githerd: freeze: %s of the lock "
			    "file exist only here: push them, or give "
			    "--allow-unpushed\n", fc->branches ?
			    "branches or commits" : "commits");
		break;
	default:
		*code = EXIT_OK;
		break;
	}
	if (fc->output != NULL) {
		if (fs_write_atomic(fc->output, out->data, out->len,
		    FS_PUBLIC) == -1) {
			buf_addf(&warnings, "githerd: freeze: cannot write %s: "
			    "%s\n", fc->output, strerror(errno));
			*code = EXIT_SYSTEM;
		}
		buf_reset(out);
	}
out:
	fputs(warnings.data, stderr);
	buf_release(&warnings);
}

enum exit_code
cmd_freeze(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct run_opts o;
	struct freeze_ctx fc;
	enum exit_code code = EXIT_USAGE;
	char note[400], *origin = NULL;

	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select_for_run(&c, &code) == -1 ||
	    command_open_workspace(&c, &code) == -1)
		goto out;
	command_run_opts(&c, &o, note, sizeof(note));
	fc.m = &c.m;
	fc.output = c.out_abs;
	fc.allow_unpushed = c.cli.allow_unpushed;
	fc.branches = c.cli.branches;
	fc.ignore_unsupported = c.cli.ignore_unsupported;
	/* The saved copy stands for the manifest a sync was given. */
	origin = c.saved != NULL ? workspace_manifest_origin(&c.ws) : NULL;
	fc.named = origin;
	o.finish = finish_freeze;
	o.finish_arg = &fc;
	code = command_run(&c, &o);
out:
	free(origin);
	command_release(&c);
	return code;
}
