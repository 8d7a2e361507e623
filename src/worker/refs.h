/*
 * A repository's refs as a sorted list, for comparing what is on disk
 * with what a remote advertises or a fetch brought: the direct refs under
 * a glob, looked up by name in O(log n) (a repository may hold 10,000
 * tags), and the one way githerd sets a ref.  Worker only.
 */
#ifndef GITHERD_REFS_H
#define GITHERD_REFS_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

struct gitctx;

struct ref_pair {
	char	*name;
	git_oid	 oid;
};

struct refs {
	struct ref_pair	*v;		/* sorted by name */
	size_t		 n, cap;
};

/* Every direct ref of repo a glob matches: 0, or libgit2's error. */
int	refs_list(git_repository *, const char *glob, struct refs *);
/* Build a list by hand: add in any order, then sort once before finding. */
void	refs_add(struct refs *, const char *name, const git_oid *oid);
void	refs_sort(struct refs *);
const git_oid *refs_find(const struct refs *, const char *name);
void	refs_release(struct refs *);

/* An advertisement's "refs/tags/v1^{}": the object a tag peels to. */
bool	refs_is_peeled(const char *name);
/* Does name exist and point at oid? */
bool	refs_is(git_repository *, const char *name, const git_oid *oid);
/* Point name at oid (forced), logging why; 0, or -1 with the job's error. */
int	refs_set(struct gitctx *, git_repository *, const char *name,
	    const git_oid *oid, const char *why);
/* Delete name if it is there; 0, or -1 with the job's error. */
int	refs_delete(struct gitctx *, git_repository *, const char *name);

#endif
