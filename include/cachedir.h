/*
 * The layout of a cache directory (--cache DIR), the contract between the
 * worker that fills it (worker/cache.c) and the commands that look at it
 * or prune it (parent/cmd_cache.c).  Nothing here links libgit2.
 *
 *   DIR/<name>.git/                  one bare repository per normalised URL:
 *                                    the heads and tags, no URL in
 *                                    its config
 *                                    (and refs/pinned/<id> for a pinned
 *                                    commit on no head or tag)
 *   DIR/<name>.git/githerd-url       the URL, credentials redacted
 *   DIR/<name>.git/githerd-used      its mtime is the entry's last use
 *                                    (touched by every run that used it)
 *   DIR/<name>.git/githerd-borrowers reference mode: one absolute path per
 *                                    line, the objects/ directory of a
 *                                    checkout whose objects/info/alternates
 *                                    names this repository; while any of
 *                                    them still does, the entry is never
 *                                    pruned
 *   DIR/<name>.lock                  flock(2)ed, exclusively, by whoever is
 *                                    using or changing <name>.git; a lock
 *                                    that cannot be taken at once means "in
 *                                    use"
 *   DIR/<name>.git.tmp-<pid>         an entry being made; renamed into place
 *   DIR/githerd-timings[.lock]       how long each URL's jobs took, for
 *                                    the order of every workspace's runs
 *
 * <name> is "<host and path, [A-Za-z0-9._-] only>-<12 hex>": readable in
 * `ls` and distinct for distinct URLs.  Everything else in DIR is not
 * githerd's and is left alone.
 */
#ifndef GITHERD_CACHEDIR_H
#define GITHERD_CACHEDIR_H

/* How a new clone takes the entry's objects. */
enum cache_mode {
	CACHE_LINK,		/* hard-linked packs: owes the cache nothing */
	CACHE_REFERENCE,	/* objects/info/alternates into the entry */
};

#define CACHEDIR_URL_FILE	"githerd-url"
#define CACHEDIR_USED_FILE	"githerd-used"
#define CACHEDIR_BORROWERS_FILE	"githerd-borrowers"
#define CACHEDIR_REPO_SUFFIX	".git"
#define CACHEDIR_LOCK_SUFFIX	".lock"
#define CACHEDIR_TMP_INFIX	".tmp-"
#define CACHEDIR_TIMINGS_FILE	"githerd-timings"	/* parent/plan.c */

#endif
