/*
 * `githerd freeze` of a west.yml: what `west manifest --freeze` writes,
 * a flat manifest: projects: with every project's url (no remotes or
 * defaults), its revision the commit checked out, imports flattened (the
 * projects they brought in are listed, their import: keys dropped), and a
 * group-filter that leaves the same projects inactive.
 */
#ifndef GITHERD_FREEZE_WEST_H
#define GITHERD_FREEZE_WEST_H

#include <stdbool.h>

#include "buf.h"
#include "manifest.h"
#include "queue.h"

/* The group-filter: every group of an inactive entry, disabled. */
void	freeze_west_filter(struct buf *, const struct manifest *);
/* One project; revision is the pin, or NULL to keep the one written. */
void	freeze_west_entry(struct buf *, const struct job *,
	    const char *revision);

#endif
