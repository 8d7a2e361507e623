/*
 * sync --prune: an entry the manifest no longer names leaves the
 * workspace for its trash, but only when nothing in it would be lost: no
 * changed, staged, untracked or ignored file, no operation in progress,
 * no stash, no commit that no remote-tracking ref holds, no linked work
 * tree, no submodule with changes.  Anything else is kept, with the
 * reason.  Worker only.
 */
#ifndef GITHERD_RETIRE_H
#define GITHERD_RETIRE_H

#include "gitctx.h"

/* Moves c->job->dest to c->job->trash (whose parent it creates). */
void	retire_entry(struct gitctx *);

#endif
