/*
 * An entry already on disk brought to what the manifest asks, never
 * destroying local work.  Worker only.
 */
#ifndef GITHERD_UPDATE_H
#define GITHERD_UPDATE_H

#include "gitctx.h"

void	update_entry(struct gitctx *);

#endif
