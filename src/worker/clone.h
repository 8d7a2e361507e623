/*
 * A new clone into dir, made as `git clone` with the same options would
 * make it.  Worker only.
 */
#ifndef GITHERD_CLONE_H
#define GITHERD_CLONE_H

#include "gitctx.h"

int	clone_into(struct gitctx *, const char *dir);

#endif
