/*
 * west's project imports, for a sync: the projects whose manifests the
 * manifest imports are synced first, their files read by the workers at
 * each project's revision (msg.h's MSG_FILE), and the manifest parsed
 * again with them; round after round, as imported manifests may import
 * in turn, at most WEST_IMPORT_MAX_DEPTH + 1 rounds.  Then the command's
 * manifest is what the whole sync works on, and the files are kept in the
 * workspace for the commands that follow (importcache.h).
 */
#ifndef GITHERD_IMPORTRUN_H
#define GITHERD_IMPORTRUN_H

#include "command.h"
#include "run.h"

/* 0: the command's manifest is whole; -1 with *code after a message.
 * Nothing to do (no imports) returns 0 at once. */
int	importrun_resolve(struct command *, const struct run_opts *,
	    enum exit_code *code);

#endif
