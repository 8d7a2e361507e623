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
 * In reference mode (--cache-mode reference) the clone borrows instead:
 * objects/info/alternates names the entry's objects, and the entry lists
 * the clone in githerd-borrowers so that cache prune keeps it; with
 * --dissociate the packs are linked after all.  An entry that could not be
 * brought up to date still lends its heads as haves for the fetch
 * (libgit2 1.8 never offers alternates' refs), then cache_unseed.
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

/* The same for a submodule's new repository: its URL and its commit. */
int	cache_prime_submodule(struct gitctx *, git_repository *sub,
	    const char *url, const git_oid *commit);

/*
 * An existing checkout that lacks advertised objects: bring its entry up
 * to date and let the checkout see it (alternates or linked packs).
 * 0, or -1 when cancelled.
 */
int	cache_prime_update(struct gitctx *, git_repository *repo);

/* After the fetch: drop the refs a priming made to offer haves. */
void	cache_unseed(struct gitctx *, git_repository *repo);

/*
 * A checkout that borrows objects (objects/info/alternates): 1 if what it
 * borrows is there and its HEAD and branches can be read, else 0 with why
 * saying what is gone.
 */
int	cache_check_borrowed(git_repository *repo, char *why, size_t len);

/*
 * Take the objects a broken borrower lost again, from the cache (when one
 * is configured) or else from the origin.  0 repaired (and said so as a
 * warning); -1 with the job's error set (cache-corrupt when even that
 * leaves a commit unreadable).
 */
int	cache_repair(struct gitctx *, git_repository *repo, const char *why);

#endif
