/*
 * What `githerd list` and `githerd sync --dry-run` print: the selected
 * entries, and what a sync would do to each.  Neither touches the network.
 */
#ifndef GITHERD_LISTING_H
#define GITHERD_LISTING_H

#include <stdbool.h>

#include "buf.h"
#include "ledger.h"
#include "manifest.h"
#include "queue.h"

/* One line per entry: path, URL (credentials redacted), ref, groups. */
void	listing_text(struct buf *, const struct manifest *);
/* The same as a JSON array of objects. */
void	listing_json(struct buf *, const struct manifest *);

/*
 * From an offline status of the workspace: clone, update, skip, keep,
 * conflict or unsupported for each entry, in the order a sync would start
 * them; ledger (NULL: none, or --switch) tells the checkouts a sync would
 * keep.  Returns the number of entries that would make a sync exit 1:
 * conflicts, and unsupported ones unless ignore_unsupported.
 */
size_t	listing_dry_run(struct buf *, const struct queue *,
	    const unsigned *order, const struct ledger *, bool color,
	    bool ignore_unsupported);

#endif
