/*
 * `githerd freeze`: the manifest again, every entry pinned to the commit
 * its checkout is at, in the input's format (githerd's or vcstool's).
 */
#ifndef GITHERD_FREEZE_H
#define GITHERD_FREEZE_H

#include "buf.h"
#include "manifest.h"
#include "queue.h"

/*
 * named: the manifest the header names (NULL: the one read).  0 all
 * pinned; -1 some kept unpinned; 1 some pins exist only here.
 */
int	freeze_write(struct buf *out, const struct manifest *,
	    const char *named, const struct queue *, struct buf *warnings);

#endif
