/*
 * Before a checkout: refuse a tree with two entries of one name, or a
 * directory and another entry whose names differ only in letter case, at
 * any level.  Worker only.
 */
#ifndef GITHERD_TREECHECK_H
#define GITHERD_TREECHECK_H

#include <git2.h>

struct gitctx;

/*
 * The trees commit reaches in repo; subtrees old_commit (what is checked
 * out now, or NULL) has at the same path are taken as checked.  where
 * starts the message ("submodule lib/x: ").  0, or -1 with the job's
 * error set (refused).
 */
int	treecheck(struct gitctx *, git_repository *, const git_oid *commit,
	    const git_oid *old_commit, const char *where);

#endif
