/*
 * Local work in a repository that an update must not destroy: operations
 * in progress, a held index lock, changed or staged files, commits that
 * only local refs (or a detached HEAD) hold, untracked files in the way.
 * Each check names what it found, like `git status --short`.
 */
#ifndef GITHERD_LOCALWORK_H
#define GITHERD_LOCALWORK_H

#include <stdbool.h>

#include <git2.h>

#include "buf.h"

struct gitctx;

struct localwork {
	int		 state;		/* git_repository_state_t */
	bool		 locked;	/* index.lock is there */
	unsigned	 tracked;	/* files with staged or unstaged changes */
	unsigned	 untracked;	/* counted only when asked for */
	struct buf	 list;		/* "M src/a.c, ?? notes.txt" */
	unsigned	 listed;
	struct buf	 paths;		/* the tracked ones only: "src/a.c" */
	unsigned	 paths_listed;
};

void	localwork_init(struct localwork *);
void	localwork_release(struct localwork *);
int	localwork_scan(struct gitctx *, git_repository *, struct localwork *);
/*
 * inner: the paths of the manifest's entries inside this one's work
 * tree, '\n'-separated (NULL: none); their checkouts are not untracked
 * files of this one, for status (retire must count them: NULL).
 */
int	localwork_scan_all(struct gitctx *, git_repository *,
	    struct localwork *, const char *inner);
bool	localwork_blocks(const struct localwork *, struct buf *why,
	    const char *where);
int	localwork_unique(struct gitctx *, git_repository *, const git_oid *tip,
	    const git_oid *hide, size_t nhide, const char *hide_glob,
	    struct buf *list);
int	localwork_detached_orphans(struct gitctx *, git_repository *,
	    struct buf *why, const char *where);
int	localwork_in_the_way(struct gitctx *, git_repository *,
	    const git_oid *target, struct buf *why);

#endif
