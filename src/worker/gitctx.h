/*
 * What the libgit2 side of one job shares between its files (gitops.c,
 * clone.c, update.c, quarantine.c, localwork.c, submodules.c, status.c):
 * the job, its result, the connection to the remote and what the remote
 * advertised.  Worker processes only.
 */
#ifndef GITHERD_GITCTX_H
#define GITHERD_GITCTX_H

#include <stdbool.h>
#include <stdint.h>

#include <git2.h>

#include "auth.h"
#include "buf.h"
#include "gitops.h"
#include "types.h"
#include "wire.h"

/* What our callbacks return to make libgit2 unwind on cancellation. */
#define GITCTX_CANCEL	(-7777)

/*
 * Every checkout: SAFE never overwrites changed files; githerd also keeps
 * ignored ones, which git (and SAFE alone) treats as expendable.
 */
#define GITCTX_CHECKOUT	(GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED)

struct gitctx {
	const struct wire_job		*job;
	const struct gitops_events	*ev;
	struct gitops_result		*res;
	git_repository			*repo;		/* the entry's repository */
	git_remote			*remote;	/* connected, anonymous */
	enum phase			 phase;
	struct wire_progress		 counters;
	uint64_t			 fetched_bytes;	/* of finished fetches */
	uint64_t			 fetched_objects;
	/* what on_transfer needs to tell the pack from the chatter */
	uint64_t			 raw_bytes;	/* this fetch's, libgit2's count */
	uint64_t			 chatter;	/* this fetch's progress text */
	uint64_t			 pack_base;	/* pack bytes of earlier fetches */
	bool				 bare, mirror;
	int				 depth;		/* effective */
	/* what the remote advertised, and what the manifest asks of it */
	enum ref_kind			 kind;		/* resolved */
	char				*branch;	/* short name to check out */
	char				*default_ref;	/* "refs/heads/main" */
	git_oid				 remote_head;	/* remote HEAD, when detached */
	bool				 remote_head_detached;
	bool				 remote_empty;
	git_oid				 want;		/* the commit asked for */
	bool				 want_known;	/* advertised (or a commit id) */
	git_oid				 target;	/* commit to detach at */
	char				 cert_host[256]; /* whose certificate failed */
	struct auth_state		 auth;		/* this connection's */
	char				*proxy;		/* this job's, or NULL */
	char				*owner_url;	/* whose connections */
	char				*conn_url;	/* job's, credentials off */
	int				 parent_fd;	/* the entry's directory's */
};

/* gitops.c: errors, progress, the remote */
void	gitops_error(struct gitctx *, enum err_class, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	gitops_fail(struct gitctx *, int code, const char *what);
enum err_class gitops_errno_class(int);
void	gitops_phase(struct gitctx *, enum phase);
void	gitops_callbacks(struct gitctx *, git_remote_callbacks *);
void	gitops_fetch_options(struct gitctx *, git_fetch_options *);
void	gitops_proxy_options(struct gitctx *, git_proxy_options *);
/* Connections from now on are for url (a submodule's, say). */
void	gitops_owner(struct gitctx *, git_repository *, const char *url);
void	gitops_checkout_options(struct gitctx *, git_checkout_options *);
int	gitops_connect(struct gitctx *);
const git_remote_head *gitops_advertised(struct gitctx *, const char *name);
int	gitops_resolve(struct gitctx *);
void	gitops_refspec(const struct gitctx *, struct buf *);
int	gitops_fetch(struct gitctx *, git_remote *, const char *const *specs,
	    size_t nspecs, int depth, bool prune, const char *reflog_why);
void	gitops_head(struct gitctx *, git_repository *);
int	gitops_origin(struct gitctx *, git_repository *, char *have,
	    size_t len);
int	gitops_find_commit(struct gitctx *, git_repository *, git_oid *);
int	gitops_check_gitdir(struct gitctx *, git_repository *, const char *top,
	    const char *label);
int	gitops_peel(struct gitctx *, git_repository *, const char *refname,
	    git_oid *);
bool	gitops_cancelled(const struct gitctx *);

/* clone.c */
int	clone_into(struct gitctx *, const char *dir);

/* update.c */
void	update_entry(struct gitctx *);

/* status.c */
void	status_entry(struct gitctx *);

/* submodules.c */
int	submodules_update(struct gitctx *, git_repository *, const char *where,
	    int level);
int	submodules_check_local(struct gitctx *, git_repository *,
	    const char *where, int level, struct buf *why);
bool	submodules_stale(struct gitctx *, git_repository *, int level);

#endif
