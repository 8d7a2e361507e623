/*
 * Fetching into quarantine: a temporary bare repository beside the entry
 * that borrows the entry's objects (objects/info/alternates) and a copy of
 * its refs (so negotiation sends the right "have"s).  The fetch lands
 * there; the entry is touched only if the update goes ahead, and then
 * only by moving finished packs in and setting refs.  A failed, cancelled
 * or refused update leaves the entry byte for byte as it was.
 */
#ifndef GITHERD_QUARANTINE_H
#define GITHERD_QUARANTINE_H

#include <stdbool.h>

#include <git2.h>

struct gitctx;

struct quarantine {
	char		*dir;		/* the job's temporary directory */
	char		*real_git;	/* the entry's git directory */
	git_repository	*repo;
	git_remote	*remote;
	bool		 deepen;	/* the fetch took the whole history */
};

int	quarantine_open(struct gitctx *, git_repository *real,
	    struct quarantine *);
int	quarantine_fetch(struct gitctx *, struct quarantine *,
	    const char *const *specs, size_t nspecs, int depth, bool prune);
int	quarantine_download(struct gitctx *, struct quarantine *,
	    const char *const *specs, size_t nspecs, int depth);
/* As quarantine_download, but a failure is the caller's: libgit2's code. */
int	quarantine_try_download(struct gitctx *, struct quarantine *,
	    const char *const *specs, size_t nspecs, int depth);
int	quarantine_show(struct gitctx *, struct quarantine *,
	    git_repository *real);
int	quarantine_lookup(struct quarantine *, const char *refname,
	    git_oid *out);
int	quarantine_install(struct gitctx *, struct quarantine *);
int	quarantine_swap_refs(struct gitctx *, struct quarantine *,
	    git_repository *real);
void	quarantine_close(struct quarantine *);

#endif
