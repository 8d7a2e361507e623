#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cachedir.h"
#include "cacheprune.h"
#include "fsutil.h"
#include "xmalloc.h"

enum cacheprune_verdict
cacheprune_verdict(const struct cacheinfo_entry *e, time_t cutoff)
{
	if (e->kind == CACHEINFO_LEFT_ALONE)
		return CACHEPRUNE_LEFT_ALONE;
	if (e->kind == CACHEINFO_ENTRY && e->last_use > cutoff)
		return CACHEPRUNE_RECENT;
	if (e->in_use)
		return CACHEPRUNE_IN_USE;
	if (e->kind == CACHEINFO_ENTRY && e->borrowers > 0)
		return CACHEPRUNE_BORROWED;
	return CACHEPRUNE_REMOVE;
}

/* The verdict on e again, from what its directory says now, into e. */
static enum cacheprune_verdict
verdict_now(const struct cacheinfo *c, struct cacheinfo_entry *e,
    time_t cutoff)
{
	int fd;

	if ((fd = cacheinfo_open(c->dirfd, e->name)) == -1) {
		if (errno == ENOENT)
			return CACHEPRUNE_GONE;
		e->why = "no longer a directory";	/* a link or a file now */
		return CACHEPRUNE_LEFT_ALONE;
	}
	e->in_use = false;			/* the caller holds the lock */
	if (e->kind == CACHEINFO_ENTRY) {
		e->last_use = cacheinfo_last_use(fd);
		e->borrowers = cacheinfo_borrowers(fd);
	}
	close(fd);
	return cacheprune_verdict(e, cutoff);
}

int
cacheprune_remove(const struct cacheinfo *c, struct cacheinfo_entry *e,
    time_t cutoff, enum cacheprune_verdict *found, char *err, size_t errlen)
{
	size_t stem = cacheinfo_stem(e->name);
	const char *doomed = e->name;
	char *aside = NULL;
	int lock, rc = -1;

	/* A leftover's lock may be gone with its entry: no need to make one. */
	lock = cacheinfo_lock(c->dirfd, e->name, e->kind == CACHEINFO_ENTRY);
	if (lock == -1 && errno == EWOULDBLOCK) {
		e->in_use = true;
		*found = CACHEPRUNE_IN_USE;
		return 0;
	}
	if (lock == -1 && (errno != ENOENT || e->kind == CACHEINFO_ENTRY)) {
		snprintf(err, errlen, "cannot lock %s/%.*s" CACHEDIR_LOCK_SUFFIX
		    ": %s", c->dir, (int)stem, e->name, strerror(errno));
		return -1;
	}
	if ((*found = verdict_now(c, e, cutoff)) != CACHEPRUNE_REMOVE) {
		rc = 0;
		goto out;
	}
	/* Aside first: a run never finds half an entry under its name. */
	if (e->kind == CACHEINFO_ENTRY) {
		aside = xasprintf("%s" CACHEDIR_TMP_INFIX "%ld", e->name,
		    (long)getpid());
		fs_rmtree_at(c->dirfd, aside);
		if (renameat(c->dirfd, e->name, c->dirfd, aside) == -1) {
			snprintf(err, errlen, "cannot rename %s/%s to %s: %s",
			    c->dir, e->name, aside, strerror(errno));
			goto out;
		}
		doomed = aside;
	}
	if (fs_rmtree_at(c->dirfd, doomed) == -1) {
		snprintf(err, errlen, "cannot remove %s/%s: %s", c->dir, doomed,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(aside);
	if (lock != -1)
		close(lock);	/* lets it go; the lock file stays */
	return rc;
}
