/*
 * repo's <copyfile> and <linkfile>, done by the parent after a sync for
 * each entry that ended at its revision (cloned, updated, unchanged):
 * copies first, then links, in manifest order, as repo does.  src is read
 * inside the entry and dest written inside the workspace, both reached
 * with fs_walk (no symbolic link followed on the way; dest's missing
 * directories are made); a copy is written to a temporary name and
 * renamed over dest, a link is relative ("../build/make/tools").  A dest
 * is replaced only when githerd made it (listed in .githerd/linkcopy) or
 * it is already what githerd would write; anything else there is the
 * user's: left alone and reported.  Paths were checked by the manifest.
 */
#ifndef GITHERD_LINKCOPY_H
#define GITHERD_LINKCOPY_H

#include <stddef.h>

#include "queue.h"

/*
 * Do them for q's finished entries in the workspace at ws; the problems
 * go to stderr, one line each.  How many there were (0: all done).
 */
size_t	linkcopy_apply(const char *ws, const struct queue *q);

#endif
