/*
 * --follow-symlinks: how far into an entry's path a symbolic link the
 * user placed may be followed (src -> /mnt/big/src).  Only the leading
 * components that lie inside no entry's work tree qualify: a link there
 * can only be the user's, since a checkout writes into its own work tree
 * alone; a link inside any entry's (one a checkout may have made) never
 * does.  The walkers (fs_walk_links) then follow such a link only to a
 * directory the user owns.  Computed over every entry of the manifest,
 * before a selection drops any.
 */
#ifndef GITHERD_USERLINKS_H
#define GITHERD_USERLINKS_H

#include "manifest.h"

/* Sets each entry's links: 0 for all without follow. */
void	userlinks_apply(struct manifest *, bool follow);

#endif
