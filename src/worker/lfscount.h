/*
 * How many of an entry's checked-out files are git-lfs pointers: libgit2
 * runs no smudge filter, so a checkout leaves in each file that
 * .gitattributes gives filter=lfs the pointer git-lfs stored instead of
 * its content.  Worker only.
 *
 * Cheap where there is nothing to find: the index is scanned for
 * .gitattributes files (the top one and nested ones alike), and only if
 * one of them says filter=lfs are files read at all: those the index
 * records under LFS_POINTER_MAX bytes whose filter attribute, as libgit2
 * resolves it, is lfs; at most that many bytes of each.  Attributes from
 * .git/info/attributes or core.attributesFile alone are not looked for.
 */
#ifndef GITHERD_LFSCOUNT_H
#define GITHERD_LFSCOUNT_H

#include <stdint.h>

#include <git2.h>

struct gitctx;

/* Into *out; 0, or -1 with the job's error set. */
int	lfscount(struct gitctx *, git_repository *, uint32_t *out);

#endif
