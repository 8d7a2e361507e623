/*
 * One command's state and the steps the commands share: parse its command
 * line, find the manifest (the operand or the last sync's), load it and
 * narrow it to what the options select, open and lock the workspace, and
 * run the jobs.  Each cmd_*.c strings these steps together; everything a
 * command holds is released by command_release, which may run twice.
 * Every step prints its own message and says which exit code it means.
 */
#ifndef GITHERD_COMMAND_H
#define GITHERD_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "exitcode.h"
#include "gitenv.h"
#include "importcache.h"
#include "lg2info.h"
#include "manifest.h"
#include "plan.h"
#include "run.h"
#include "worker.h"
#include "workspace.h"

struct command {
	struct cli		 cli;
	const struct worker_side *worker;
	struct manifest		 m;
	struct workspace	 ws;
	struct plan		 plan;
	char			*saved;		/* the last sync's manifest */
	char			*saved_dir;	/* where its original lies */
	char			*json_abs, *out_abs, *trace_abs, *cache_abs;
	char			**known;	/* every entry's path, sorted */
	size_t			 nknown;
	const char		**paths;	/* workspace-relative */
	char			**owned;	/* what paths[] allocated */
	size_t			 nowned;
	const char		**safe;		/* trusted workspaces, NULL-ended */
	char			*safe_env;	/* GITHERD_SAFE_DIRECTORY, split */
	struct gitenv		 gitenv;	/* git's, for the workers */
	/* west's imports: what the manifest is parsed with (NULL: the
	 * workspace's, as the last sync read them, in saved_imports) */
	const struct import_cache *imports;
	struct import_cache	 saved_imports;
	struct lg2info		 lg2;		/* run_opts.libgit2 points here */
};

/*
 * Parse argv (argv[0] is the command's name).  true: go on.  false: stop
 * with *code (EXIT_USAGE after a message, EXIT_OK after -h's help).
 */
bool	command_init(struct command *, int argc, char **argv,
	    const struct worker_side *, enum exit_code *code);
void	command_release(struct command *);

/* Load the manifest named on the command line; -1 after its diagnostics. */
int	command_load(struct command *);
/* Find, load and narrow the manifest; -1 with *code after a message. */
int	command_select(struct command *, enum exit_code *code);
/* The manifest as the command names it, whole, its west imports from
 * imports; -1 after its diagnostics. */
int	command_parse(const struct command *, struct manifest *,
	    const struct import_cache *imports);
/* Load and narrow it again, its west imports read from imports. */
int	command_reselect(struct command *, const struct import_cache *imports,
	    enum exit_code *code);
/*
 * command_select, then what the workers will read: the files (runopts.h)
 * and git's configuration environment (gitenv.h).
 */
int	command_select_for_run(struct command *, enum exit_code *code);
/* Open the workspace (sync creates it) and lock it unless a dry run. */
int	command_open_workspace(struct command *, enum exit_code *code);
/* o from the command line, with -o and --json made absolute. */
void	command_run_opts(struct command *, struct run_opts *, char *note,
	    size_t notelen);
/* What any run of jobs needs first: the worker's side, the signals. */
int	command_run_setup(struct command *, struct run_opts *);
/* The jobs, through the loop; a signal that stopped them is re-raised. */
enum exit_code command_run(struct command *, struct run_opts *);

/* Does any entry of the whole manifest (before selection) have path? */
bool	command_knows(const struct command *, const char *path);

/* path made absolute against the current directory ("-" kept). */
char	*command_absolute(const char *path);

#endif
