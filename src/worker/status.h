/*
 * How an entry on disk compares with the manifest, read only.  Worker
 * only.
 */
#ifndef GITHERD_STATUS_H
#define GITHERD_STATUS_H

#include "gitctx.h"

void	status_entry(struct gitctx *);

#endif
