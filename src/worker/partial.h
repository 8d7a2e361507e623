/*
 * Partial clones (git clone --filter): their objects are fetched from a
 * promisor remote when git needs them, which libgit2 1.8 cannot do, so
 * a fetch or checkout there would fail half way or work on a repository
 * it cannot read whole.  githerd only recognises one and leaves it alone.
 * Worker only.
 */
#ifndef GITHERD_PARTIAL_H
#define GITHERD_PARTIAL_H

#include <stddef.h>

/*
 * Is the repository at dir (a work tree, or bare) a partial clone: its
 * own configuration file has extensions.partialClone, or a remote.*.
 * promisor that is true?  Read before libgit2 opens it (which a
 * repository format 1 with that extension would refuse).  1 with why
 * filled in ("remote.origin.promisor = true"), else 0.
 */
int	partial_clone(const char *dir, char *why, size_t len);

/* "partial clone (why): libgit2 1.8 cannot ...": the skip's reason. */
#define PARTIAL_REASON	"partial clone (%s): libgit2 %s cannot fetch the " \
	"objects it leaves out; left untouched (update it with git)"

#endif
