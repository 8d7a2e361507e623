/*
 * The toolkit of the libgit2 side, the bottom layer every operation of a
 * job uses (clone, update, status, submodules, quarantine, localwork,
 * treecheck): the job's context and result, errors and their classes,
 * libgit2's callbacks and options, the connection to the remote and what
 * it advertised, fetches, and libgit2's set-up for the worker.  It
 * includes no header of a layer above it.  Worker processes only.
 */
#ifndef GITHERD_GITCTX_H
#define GITHERD_GITCTX_H

#include <stdbool.h>
#include <stdint.h>

#include <git2.h>

#include "auth.h"
#include "buf.h"
#include "errclass.h"
#include "gitenv.h"
#include "msg.h"
#include "result.h"
#include "sshroute.h"
#include "types.h"

/* What our callbacks return to make libgit2 unwind on cancellation. */
#define GITCTX_CANCEL	ERRCLASS_CANCEL

/*
 * Every checkout: SAFE never overwrites changed files; githerd also keeps
 * ignored ones, which git (and SAFE alone) treats as expendable.
 */
#define GITCTX_CHECKOUT	(GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DONT_OVERWRITE_IGNORED)

/*
 * The CA certificates libgit2 holds, one set for the whole worker: the
 * system's and --ca-file's, plus the http.sslCAInfo of the URL being
 * fetched (loaded is which, NULL for none), reloaded when a job's differs.
 */
struct gitctx_trust {
	const char	*ca_file;	/* --ca-file, or NULL */
	char		*loaded;	/* the http.sslCAInfo in force, or NULL */
};

struct gitctx_events {
	void	(*phase)(void *ctx, enum phase);
	void	(*progress)(void *ctx, const struct msg_progress *, bool force);
	void	(*warn)(void *ctx, const char *text);
	bool	(*cancelled)(void *ctx);
	void	*ctx;
	const struct auth_config *auth;	/* the worker's, for every job */
	const char	*cache_dir;	/* --cache, or NULL (cache.h) */
	int		 cache_wait_ms;	/* --cache-wait */
	int		 cache_mode;	/* enum cache_mode, --cache-mode */
	bool		 cache_dissociate;	/* --dissociate */
	const struct gitenv	*gitenv;	/* git's configuration files, -c */
	struct gitctx_trust	*trust;		/* the worker's CAs */
	void	(*file)(void *ctx, const struct msg_file *);	/* imports.h */
};

/* One ref of the remote's advertisement, copied when it connected. */
struct gitctx_ref {
	char		*name;
	git_oid		 oid;
};

struct gitctx {
	const struct msg_job		*job;
	const struct gitctx_events	*ev;
	struct job_result		*res;
	git_repository			*repo;		/* the entry's repository */
	git_remote			*remote;	/* connected, anonymous */
	struct gitctx_ref		*adv;		/* what it advertised */
	size_t				 nadv;
	enum phase			 phase;
	struct msg_progress		 counters;
	uint64_t			 fetched_bytes;	/* of finished fetches */
	uint64_t			 fetched_objects;
	/* what on_transfer needs to tell the pack from the chatter */
	uint64_t			 raw_bytes;	/* this fetch's, libgit2's count */
	uint64_t			 chatter;	/* this fetch's progress text */
	uint64_t			 pack_base;	/* pack bytes of earlier fetches */
	bool				 bare, mirror;
	int				 depth;		/* effective */
	bool				 deepen;	/* a shallow entry to full */
	/* what the remote advertised, and what the manifest asks of it */
	enum ref_kind			 kind;		/* resolved */
	char				*branch;	/* short name to check out */
	char				*default_ref;	/* "refs/heads/main" */
	/* a version that is neither branch nor tag but another ref the
	 * remote has (west's pull/104/head): its full name; kind is then
	 * REF_COMMIT, at the commit it advertised */
	char				*other_ref;
	git_oid				 remote_head;	/* remote HEAD, when detached */
	bool				 remote_head_detached;
	bool				 remote_empty;
	git_oid				 want;		/* the commit asked for */
	bool				 want_known;	/* advertised (or a commit id) */
	git_oid				 target;	/* commit to detach at */
	char				 cert_host[256]; /* whose certificate failed */
	char				 where[300];	/* the result's, being made */
	struct auth_state		 auth;		/* this connection's */
	char				*proxy;		/* this job's, or NULL */
	char				*owner_url;	/* whose connections */
	struct sshroute			 ssh;		/* the owner's, by ssh_config */
	bool				 ssh_refused;	/* a connection, for ssh.why */
	char				*conn_url;	/* what libgit2 connects to */
	char				**headers;	/* http.extraHeader's */
	size_t				 nheaders;
	int				 parent_fd;	/* the entry's directory's */
	bool				 cache_seeded;	/* cache.c's haves */
	void				*sub_cache;	/* submodules.c's */
};

void	gitctx_init(struct gitctx *, const struct msg_job *,
	    const struct gitctx_events *, struct job_result *);
void	gitctx_release(struct gitctx *);

/* errors, progress, the remote */
void	gitctx_error(struct gitctx *, enum err_class, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	gitctx_fail(struct gitctx *, int code, const char *what);
int	gitctx_fail_errno(struct gitctx *, const char *what);
enum err_class gitctx_errno_class(int);
void	gitctx_phase(struct gitctx *, enum phase);
void	gitctx_callbacks(struct gitctx *, git_remote_callbacks *);
/*
 * libgit2's remote_ready callback (payload: the gitctx): the URL an ssh
 * alias stands for (sshroute.h), or the ssh configuration's refusal.
 */
int	gitctx_remote_ready(git_remote *, int direction, void *payload);
void	gitctx_fetch_options(struct gitctx *, git_fetch_options *);
void	gitctx_proxy_options(struct gitctx *, git_proxy_options *);
/*
 * Connections from now on are for url (a submodule's, say), as git's
 * configuration (seen from repo's when not NULL) rewrites it and sets it
 * up; 0, or -1 with the job's error set.
 */
int	gitctx_owner(struct gitctx *, git_repository *, const char *url);
/*
 * libgit2's remote_ready callback (payload: the gitctx): every connection
 * goes to conn_url, the URL git's insteadOf made of the owner's.
 */
int	gitctx_remote_ready(git_remote *, int direction, void *payload);
void	gitctx_checkout_options(struct gitctx *, git_checkout_options *);
int	gitctx_connect(struct gitctx *);
const struct gitctx_ref *gitctx_advertised(struct gitctx *, const char *name);
int	gitctx_resolve(struct gitctx *);
/*
 * The extra refspec a full fetch needs for other_ref's commit, which no
 * branch may reach: source only, so that no ref is written for it (as
 * `git fetch origin pull/104/head` writes none).  false: none needed.
 */
bool	gitctx_pin_spec(const struct gitctx *, struct buf *);
void	gitctx_refspec(const struct gitctx *, struct buf *);
int	gitctx_fetch(struct gitctx *, git_remote *, const char *const *specs,
	    size_t nspecs, int depth, bool prune, const char *reflog_why);
int	gitctx_download(struct gitctx *, git_remote *, const char *const *specs,
	    size_t nspecs, int depth);
void	gitctx_head(struct gitctx *, git_repository *);
void	gitctx_placed(struct gitctx *, git_repository *);
int	gitctx_origin(struct gitctx *, git_repository *, char *have,
	    size_t len);
int	gitctx_find_commit(struct gitctx *, git_repository *, git_oid *);
int	gitctx_check_gitdir(struct gitctx *, git_repository *, const char *top,
	    const char *label);
int	gitctx_peel(struct gitctx *, git_repository *, const char *refname,
	    git_oid *);
bool	gitctx_cancelled(const struct gitctx *);

/* libgit2 in a worker, once: timeouts, limits, CAs (err says why not) */
int	gitctx_global_init(int connect_timeout_ms, int read_timeout_ms,
	    unsigned long max_objects, const char *ca_file, char *err,
	    size_t errlen);
void	gitctx_global_shutdown(void);
/*
 * Is every object hashed again as it is read (libgit2's strict hash
 * verification)?  On for every job; clone.c lets a new clone skip it.
 */
void	gitctx_hash_reads(bool);

#endif
