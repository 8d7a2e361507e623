/*
 * The shared object cache (--cache DIR): one bare repository per
 * normalised URL, DIR/<host_path>-<hash>.git, holding the remote's heads
 * and tags, shared by every workspace and every githerd run of the user.
 *
 * A new clone first brings the cache repository up to date under its
 * lock (DIR/<name>.lock, flock(2), waited on for at most the configured
 * time), fetching nothing when the cache already holds every head and
 * tag the remote advertised; then hard-links the cache's packs into the
 * clone (a copy across filesystems).  The clone's own fetch from the
 * origin then finds every object it wants already there and writes its
 * refs as a cold clone would: the result is the same clone, and owes
 * nothing to the cache afterwards (link mode).
 *
 * The cache is an accelerator, never a point of failure: locked past the
 * wait, damaged, full or unreachable, the clone goes to the origin alone
 * and the job says so once, as a warning.  The cache's config never holds
 * a URL or a credential; DIR/<name>.git/githerd-url names the remote,
 * credentials redacted.  Worker only.
 */
#ifndef GITHERD_CACHE_H
#define GITHERD_CACHE_H

#include <git2.h>

struct gitctx;

/*
 * Give repo (a clone being made, connected, nothing fetched yet) what the
 * cache has for the job's URL.  0 whether or not the cache could help;
 * -1 only when the job was cancelled meanwhile.
 */
int	cache_prime(struct gitctx *, git_repository *repo);

#endif
