/*
 * `githerd freeze`: the manifest again, every entry pinned to the commit
 * its checkout is at, in the input's format (githerd's or vcstool's).
 * With --branches, what `vcs export` writes instead: the branch each
 * checkout is on, and the commit only where HEAD is detached.
 */
#ifndef GITHERD_FREEZE_H
#define GITHERD_FREEZE_H

#include <stdbool.h>

#include "buf.h"
#include "manifest.h"
#include "queue.h"

/*
 * named: the manifest the header names (NULL: the one read); branches:
 * name branches rather than commits.  0 all pinned; -1 some kept
 * unpinned; 1 some pins (commits, or branches) exist only here.  An entry
 * of a type githerd does not sync is written back as it was, unpinned:
 * -1 too, unless ignore_unsupported.
 */
int	freeze_write(struct buf *out, const struct manifest *,
	    const char *named, const struct queue *, bool branches,
	    bool ignore_unsupported, struct buf *warnings);

#endif
