/*
 * Submodules, recursively, checked like manifest entries before libgit2
 * acts on them.  Worker only.
 */
#ifndef GITHERD_SUBMODULES_H
#define GITHERD_SUBMODULES_H

#include <stdbool.h>

#include <git2.h>

#include "buf.h"
#include "gitctx.h"

int	submodules_update(struct gitctx *, git_repository *, const char *where,
	    int level);
int	submodules_check_local(struct gitctx *, git_repository *,
	    const char *where, int level, struct buf *why);
bool	submodules_stale(struct gitctx *, git_repository *, int level);

#endif
