/*
 * The journal of a checkout in progress: before an update writes a work
 * tree's files it records, in GITDIR/githerd-checkout, the commit the
 * files are at, the commit they are going to, and where HEAD will point;
 * once HEAD points there the record goes.  A worker killed in between
 * (kill -9, a power cut) leaves files of both commits and HEAD at the old
 * one.  The next update finds the record and completes the checkout when
 * every file it touches holds the old or the new content, without
 * writing anything else; a file changed since by the user keeps the
 * entry as it is, with the reason.  Worker only.
 */
#ifndef GITHERD_JOURNAL_H
#define GITHERD_JOURNAL_H

#include <stdbool.h>

#include <git2.h>

struct gitctx;

/*
 * Record the checkout about to start: from (NULL: nothing checked out
 * yet), to, and head ("refs/heads/main", or NULL for a detached HEAD).
 * 0, or -1 with the job's error (then nothing may be written).
 */
int	journal_begin(struct gitctx *, git_repository *, const git_oid *from,
	    const git_oid *to, const char *head);
/* HEAD points where the record said: forget it. */
void	journal_end(git_repository *);
/* Is there a record (a checkout that never finished)? */
bool	journal_pending(git_repository *);
/*
 * Finish what a record says was interrupted.  0: nothing was pending, or
 * the checkout is complete now (HEAD moved, the record gone); 1: kept as
 * it is, the job skipped with why; -1: the job's error.
 */
int	journal_recover(struct gitctx *, git_repository *);

#endif
