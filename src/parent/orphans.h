/*
 * Entries a workspace holds that its manifest no longer names: paths the
 * ledger knows (a sync put or found a repository there) that are still on
 * disk but in no entry of the whole manifest, whatever the run selected.
 * A renamed entry leaves its old path here.  sync and status list them;
 * sync --prune hands those a sync created to the workers, which move
 * each into .githerd/trash only if nothing in it would be lost.
 */
#ifndef GITHERD_ORPHANS_H
#define GITHERD_ORPHANS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ledger.h"

#define ORPHANS_TRASH	PATH_STATE_DIR "/trash"

struct orphan {
	char	*path;
	bool	 created;	/* by a sync: --prune may remove it */
	char	*holds;		/* an entry of the manifest inside it, or NULL:
				 * --prune keeps it */
};

struct orphans {
	struct orphan	*v;
	size_t		 n, cap;
};

/* known: every path of the manifest, sorted (strcmp). */
void	orphans_find(struct orphans *, const struct ledger *,
	    char *const *known, size_t nknown, const char *workspace);
void	orphans_release(struct orphans *);
/* "githerd: 2 entries on disk are no longer in the manifest: a, b ...". */
void	orphans_note(struct buf *, const struct orphans *, bool pruning);

#endif
