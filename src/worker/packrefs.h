/*
 * A new clone's refs written the way `git clone` writes them: everything
 * the fetch brought goes into one packed-refs file (sorted, and each
 * annotated tag followed by the commit it peels to), rather than one file
 * per ref, which costs a repository with 10,000 tags 10,000 files and most
 * of its clone time.  Only for a repository that has no refs yet; HEAD's
 * branch and origin/HEAD are made loose afterwards, as git does.  Worker
 * only.
 */
#ifndef GITHERD_PACKREFS_H
#define GITHERD_PACKREFS_H

#include <stddef.h>

#include <git2.h>

struct gitctx;

/*
 * Every advertised ref that one of specs maps, and (the tag rule of
 * libgit2 and git) every advertised tag whose object arrived.  A mapped
 * ref whose object is missing fails the job: the server did not send what
 * it advertised.  0, or -1 with the job's error.
 */
int	packrefs_clone(struct gitctx *, git_repository *,
	    const char *const *specs, size_t nspecs);

#endif
