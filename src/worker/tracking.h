/*
 * An entry's remote-tracking refs and tags, kept the way `git fetch
 * --prune` keeps them.  What is fetched is what git fetch would fetch:
 * the entry's remote.origin.fetch refspecs, plus what the manifest needs;
 * every tag of a full clone (an existing tag is never moved, except the
 * one the manifest pins), under its own name.  Remote-tracking refs the
 * remote no longer has are deleted, and origin/HEAD follows the remote's
 * default branch.  Every decision is made from the advertisement of the
 * connected remote, so a no-op costs one ref listing.  Only refs under
 * refs/remotes/ and refs/tags/ are ever written: never a branch, HEAD,
 * the index or a file.  Worker only.
 */
#ifndef GITHERD_TRACKING_H
#define GITHERD_TRACKING_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

struct gitctx;

struct tracking {
	git_refspec	**specs;
	char		**spec_text;	/* the same, for the fetch */
	size_t		  n, cap, cap_text;
	char		 *pinned_tag;	/* "refs/tags/v1", or NULL */
	bool		  all_tags;	/* a full clone takes every tag */
	bool		  prune;
};

/* The refspecs of repo's origin and of the manifest: 0, or -1 (job's error). */
int	tracking_init(struct gitctx *, git_repository *, struct tracking *,
	    bool prune);
void	tracking_release(struct tracking *);

/* Does repo already hold every ref and tag a fetch would bring? */
bool	tracking_current(struct gitctx *, git_repository *,
	    const struct tracking *);

/*
 * After a fetch whose objects repo can see: point every remote-tracking
 * ref at what the remote advertised, add the tags it lacks and move the
 * pinned one.  A ref whose object did not arrive is left as it was.
 * *changed says whether any ref moved.  0, or -1 with the job's error.
 */
int	tracking_apply(struct gitctx *, git_repository *,
	    const struct tracking *, bool *changed);

/*
 * Without fetching: delete remote-tracking refs the remote no longer has
 * (unless pruning is off), and point origin/HEAD at the remote's default
 * branch.  *changed as above.  0, or -1 with the job's error.
 */
int	tracking_tidy(struct gitctx *, git_repository *,
	    const struct tracking *, bool *changed);

#endif
