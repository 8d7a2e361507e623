/*
 * A bare (not mirror) clone's memory of its remote: the branch tips the
 * remote had when githerd last fetched, kept in GITDIR/githerd-remote-tips
 * (git ignores files it does not know there).  A bare clone has no
 * remote-tracking refs, so this is what tells a force-push upstream (the
 * branch is still at the tip githerd wrote) from commits pushed into the
 * clone (it is not).  Worker only.
 */
#ifndef GITHERD_REMOTETIPS_H
#define GITHERD_REMOTETIPS_H

#include <git2.h>

#include "refs.h"

struct gitctx;

/* What was recorded (an empty list when nothing was): 0, or -1. */
int	remotetips_read(git_repository *, struct refs *);
/* Record the branches the remote advertised: 0, or -1 with the job's error. */
int	remotetips_write(struct gitctx *, git_repository *);

#endif
