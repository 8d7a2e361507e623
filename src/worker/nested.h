/*
 * An entry inside another entry's work tree (vcstool's nesting: "src/a"
 * and "src/a/b"), checked before its own sync touches anything.  The
 * outer entry must be on disk, reached without a symbolic link, as a git
 * work tree whose index tracks nothing at the inner path, under it, or on
 * the way to it (a file, a symbolic link, a submodule): the inner path is
 * one the outer checkout ignores or leaves untracked.  Otherwise the
 * entry fails (local-conflict; refused for a symbolic link) and nothing
 * is touched, neither the outer checkout nor the inner path.  The walk
 * from the outer entry to the inner path is job.c's (fs_walk, which never
 * follows a link).  Worker only; below job.c.
 */
#ifndef GITHERD_NESTED_H
#define GITHERD_NESTED_H

#include "gitctx.h"

/* 0: go on (also for an entry that is not nested); -1: failed, said why. */
int	nested_check(struct gitctx *, const char *workspace);

#endif
