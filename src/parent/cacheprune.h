/*
 * What `githerd cache prune` removes from a cache directory, and how.
 *
 * Whole entries only, never objects inside one: an entry whose last use
 * is at or before the cutoff, that nobody holds the lock of, and that no
 * checkout still borrows from (cacheinfo.h says which borrowers count);
 * and every leftover of a process that is gone.  What is not in the
 * layout (a symbolic link, a file) is left alone.
 *
 * An entry is removed under its lock, taken without waiting and held
 * throughout: the verdict is asked again under it (a run may have used
 * the entry or borrowed from it since the scan), then DIR/<name>.git is
 * renamed aside to DIR/<name>.git.tmp-<pid>, so that no run ever sees
 * half an entry, and that tree is removed; the lock file stays.  A
 * removal cut short leaves a leftover, which the next prune removes.
 * Nothing here prints.
 */
#ifndef GITHERD_CACHEPRUNE_H
#define GITHERD_CACHEPRUNE_H

#include <stddef.h>
#include <time.h>

#include "cacheinfo.h"

enum cacheprune_verdict {
	CACHEPRUNE_RECENT,	/* used after the cutoff: stays */
	CACHEPRUNE_REMOVE,	/* goes */
	CACHEPRUNE_IN_USE,	/* unused since, but its lock is held */
	CACHEPRUNE_BORROWED,	/* unused since, but a checkout borrows */
	CACHEPRUNE_LEFT_ALONE,	/* not in the layout: never touched */
	CACHEPRUNE_GONE,	/* removed meanwhile, by another prune */
};

enum cacheprune_verdict cacheprune_verdict(const struct cacheinfo_entry *,
	    time_t cutoff);
/*
 * Remove e (of c's scan; its verdict was CACHEPRUNE_REMOVE) as above: 0
 * and in *found the verdict under the lock (CACHEPRUNE_REMOVE: it is
 * gone), e updated with what was found there; or -1 with err naming the
 * path that could not be removed.
 */
int	cacheprune_remove(const struct cacheinfo *c,
	    struct cacheinfo_entry *e, time_t cutoff,
	    enum cacheprune_verdict *found, char *err, size_t errlen);

#endif
