/*
 * Submodules, recursively, with the same callbacks and limits as their
 * superproject.  Their paths and URLs come from the (untrusted) repository
 * and are checked like manifest entries before libgit2 acts on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "cache.h"
#include "fsutil.h"
#include "gitctx.h"
#include "localwork.h"
#include "path.h"
#include "protect.h"
#include "submodules.h"
#include "treecheck.h"
#include "url.h"
#include "xmalloc.h"

#define SUBMODULE_MAX_DEPTH	8

struct names {
	char	**v;
	size_t	  n, cap;
};

static int
collect_name(git_submodule *sm, const char *name, void *payload)
{
	struct names *names = payload;

	(void)sm;
	XGROW(names->v, names->n + 1, names->cap);
	names->v[names->n++] = xstrdup(name);
	return 0;
}

static void
names_release(struct names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
}

static bool
listed(const char *list, const char *path)
{
	size_t n = strlen(path);
	const char *p;

	for (p = list; (p = strstr(p, path)) != NULL; p++)
		if ((p == list || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * west's submodules: as a list: of the entry's own submodules, only those
 * whose path it lists (theirs, recursively, all).
 */
static void
keep_listed(struct gitctx *c, git_repository *repo, int level,
    struct names *names)
{
	git_submodule *sm;
	size_t i, n = 0;

	if (c == NULL || level != 1 || c->job->submodules == NULL)
		return;
	for (i = 0; i < names->n; i++) {
		sm = NULL;
		if (git_submodule_lookup(&sm, repo, names->v[i]) == 0 &&
		    listed(c->job->submodules, git_submodule_path(sm)))
			names->v[n++] = names->v[i];
		else
			free(names->v[i]);
		git_submodule_free(sm);
	}
	git_error_clear();
	names->n = n;
}

/*
 * foreach only collects: changing submodules inside it is unsafe.  With
 * c NULL, a failure is not recorded as the job's error.
 */
static int
list_names(struct gitctx *c, git_repository *repo, const char *where,
    int level, struct names *names)
{
	int err;

	memset(names, 0, sizeof(*names));
	if (level > SUBMODULE_MAX_DEPTH) {
		if (c != NULL)
			gitctx_error(c, ERR_REFUSED, "submodules nest deeper "
			    "than %d levels at %s", SUBMODULE_MAX_DEPTH, where);
		return -1;
	}
	if ((err = git_submodule_foreach(repo, collect_name, names)) < 0)
		return c != NULL ? gitctx_fail(c, err, "listing submodules") : -1;
	keep_listed(c, repo, level, names);
	return 0;
}

/*
 * A repository's .gitmodules is untrusted input.  Debian's libgit2 1.8.4
 * predates the 1.8.6 fix for submodule paths with "../" creating
 * directories outside the work tree.
 */
static int
check_submodule(struct gitctx *c, git_repository *repo, git_submodule *sm,
    const char *where)
{
	git_buf url = GIT_BUF_INIT;
	char err[512];
	const char *path = git_submodule_path(sm), *raw = git_submodule_url(sm);
	const char *in = *where ? where : "the repository";
	int rc = -1;

	/* The name becomes .git/modules/<name>: it must stay in there. */
	if (path_check(git_submodule_name(sm), err, sizeof(err)) == -1) {
		gitctx_error(c, ERR_REFUSED, "submodule name in %s refused: %s",
		    in, err);
		return -1;
	}
	if (path_check(path, err, sizeof(err)) == -1) {
		gitctx_error(c, ERR_REFUSED, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), in, err);
		return -1;
	}
	if (raw == NULL || git_submodule_resolve_url(&url, repo, raw) < 0) {
		gitctx_error(c, ERR_REFUSED, "submodule '%s' in %s has no "
		    "usable url", git_submodule_name(sm), in);
		return -1;
	}
	/* Never local, whatever --allow-local says: a repository's own
	 * .gitmodules must not reach into this machine's files. */
	if (url_check(url.ptr, false, err, sizeof(err)) == -1) {
		gitctx_error(c, ERR_REFUSED, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), in, err);
		goto out;
	}
	rc = 0;
out:
	git_buf_dispose(&url);
	return rc;
}

/*
 * Every component of the submodule's path, from the superproject's work
 * tree, must be a directory or not there yet: a symbolic link on the way
 * (a tree's "m -> .git", or one swapped in later) would send the clone
 * elsewhere, and libgit2 only looks at the path string.
 */
static int
walk_path(struct gitctx *c, git_repository *repo, git_submodule *sm,
    const char *label)
{
	char bad[1100], why[1300];
	int top, fd, e;

	if ((top = open(git_repository_workdir(repo), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		gitctx_error(c, ERR_INTERNAL, "%s: %s", label, strerror(errno));
		return -1;
	}
	fd = fs_walk(top, git_submodule_path(sm), false, bad, sizeof(bad));
	e = errno;
	close(top);
	if (fd != -1 || e == ENOENT) {
		if (fd != -1)
			close(fd);
		return 0;	/* missing parts are made by libgit2, plainly */
	}
	fs_walk_why(e, bad, why, sizeof(why));
	gitctx_error(c, fs_walk_refused(e) ? ERR_REFUSED : ERR_INTERNAL,
	    "%s (submodule '%s'): %s", label,
	    git_submodule_name(sm), why);
	return -1;
}

/* What the clone of a submodule takes from the cache, and for which URL. */
struct sub_cache {
	struct gitctx	*c;	/* whose callbacks libgit2 calls */
	const char	*url;
	const git_oid	*want;
	git_repository	*primed;
};

/*
 * libgit2 makes the submodule's repository itself and gives no hook
 * between making it and fetching into it but this one, called before
 * the clone connects: the cache's objects go in there.
 */
static int
on_sub_ready(git_remote *remote, int direction, void *payload)
{
	struct gitctx *c = payload;
	struct sub_cache *sc = c->sub_cache;
	git_repository *owner = git_remote_owner(remote);
	int err;

	/* The URL after insteadOf, and an ssh alias's route, as for every
	 * connection. */
	if ((err = gitctx_remote_ready(remote, direction, payload)) < 0)
		return err;
	if (sc == NULL || direction != GIT_DIRECTION_FETCH || owner == NULL ||
	    sc->primed != NULL)
		return 0;
	sc->primed = owner;
	if (cache_prime_submodule(sc->c, owner, sc->url, sc->want) == -1)
		return GITCTX_CANCEL;
	return 0;
}

/*
 * A submodule not checked out yet: libgit2 clones it (with our fetch
 * options, through the cache when there is one) and points its HEAD at
 * the commit the superproject records, but checks nothing out: githerd
 * does, after looking at the tree.
 */
static int
clone_one(struct gitctx *c, git_submodule *sm, const char *url,
    const git_oid *want, git_repository **sub, const char *label)
{
	struct sub_cache sc = { c, url, want, NULL };
	git_submodule_update_options uo;
	int err;

	git_submodule_update_options_init(&uo,
	    GIT_SUBMODULE_UPDATE_OPTIONS_VERSION);
	gitctx_fetch_options(c, &uo.fetch_opts);
	if (c->ev->cache_dir != NULL && url != NULL) {
		/* the payload is the gitctx's for every other callback */
		uo.fetch_opts.callbacks.remote_ready = on_sub_ready;
		c->sub_cache = &sc;
	}
	gitctx_checkout_options(c, &uo.checkout_opts);
	/* Nothing at all: a written index would make the real checkout take
	 * every file as deleted by the user. */
	uo.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE |
	    GIT_CHECKOUT_DONT_WRITE_INDEX;
	c->counters.received_bytes = c->fetched_bytes;
	err = git_submodule_update(sm, 1, &uo);
	c->sub_cache = NULL;
	if (err < 0 || (err = git_submodule_open(sub, sm)) < 0)
		return gitctx_fail(c, err, label);
	cache_unseed(c, *sub);
	c->fetched_bytes = c->counters.received_bytes;
	return 0;
}

/* A submodule checked out already: fetch its new commit if it lacks it. */
static int
open_one(struct gitctx *c, git_submodule *sm, const git_oid *want,
    git_repository **sub, const char *label)
{
	git_remote *remote = NULL;
	git_odb *odb = NULL;
	bool have;
	int err;

	if ((err = git_submodule_open(sub, sm)) < 0 ||
	    (err = git_repository_odb(&odb, *sub)) < 0)
		return gitctx_fail(c, err, label);
	have = git_odb_exists(odb, want) == 1;
	git_odb_free(odb);
	if (have)
		return 0;
	if ((err = git_remote_lookup(&remote, *sub, "origin")) < 0 ||
	    (err = gitctx_fetch(c, remote, NULL, 0, 0, false,
	    "submodule fetch")) < 0) {
		git_remote_free(remote);
		return gitctx_fail(c, err, label);
	}
	git_remote_free(remote);
	return 0;
}

/*
 * Where the submodule's git directory is, its path protections, its
 * tree, then the checkout and HEAD: git_submodule_update's last steps,
 * with every check before the first file is written.
 */
static int
settle(struct gitctx *c, git_repository *sub, const git_oid *want, bool fresh,
    const char *label)
{
	git_checkout_options co;
	git_commit *commit = NULL;
	git_oid old;
	char where[1100];
	bool has_old;
	int err, rc = -1;

	if (gitctx_check_gitdir(c, sub, git_repository_workdir(c->repo),
	    label) == -1)
		return -1;
	if ((err = protect_repo(sub)) < 0)
		return gitctx_fail(c, err, label);
	has_old = !fresh && git_reference_name_to_id(&old, sub, "HEAD") == 0;
	git_error_clear();
	snprintf(where, sizeof(where), "%s: ", label);
	if ((err = git_commit_lookup(&commit, sub, want)) < 0) {
		gitctx_fail(c, err, label);
		goto out;
	}
	if (treecheck(c, sub, want, has_old ? &old : NULL, where) == -1)
		goto out;
	gitctx_checkout_options(c, &co);
	err = fresh ? git_checkout_head(sub, &co) :
	    git_checkout_tree(sub, (git_object *)commit, &co);
	if (err < 0 || (!fresh && (err = git_repository_set_head_detached(sub,
	    want)) < 0)) {
		gitctx_fail(c, err, label);
		goto out;
	}
	rc = 0;
out:
	git_commit_free(commit);
	return rc;
}

static int
update_one(struct gitctx *c, git_repository *repo, const char *name,
    const char *where, int level)
{
	git_submodule *sm = NULL;
	git_repository *sub = NULL;
	git_buf url = GIT_BUF_INIT;
	struct buf label = BUF_INIT;
	const git_oid *want;
	unsigned status = 0;
	bool fresh;
	int err, rc = -1;

	buf_init(&label);
	if ((err = git_submodule_lookup(&sm, repo, name)) < 0) {
		buf_addf(&label, "submodule %s%s", where, name);
		gitctx_fail(c, err, label.data);
		goto out;
	}
	buf_addf(&label, "submodule %s%s", where, git_submodule_path(sm));
	if (check_submodule(c, repo, sm, where) == -1)
		goto out;
	if (git_submodule_update_strategy(sm) == GIT_SUBMODULE_UPDATE_NONE) {
		rc = 0;		/* "update = none": git leaves it alone too */
		goto out;
	}
	if ((err = git_submodule_status(&status, repo, name,
	    GIT_SUBMODULE_IGNORE_UNSPECIFIED)) < 0) {
		gitctx_fail(c, err, label.data);
		goto out;
	}
	want = git_submodule_index_id(sm);
	if (status == GIT_SUBMODULE_STATUS_IN_CONFIG || want == NULL) {
		rc = 0;		/* in .gitmodules only: nothing to check out */
		goto out;
	}
	if (walk_path(c, repo, sm, label.data) == -1)
		goto out;
	/*
	 * A submodule's server: its own URL as git's configuration rewrites
	 * it, its own proxy and headers, its own credentials.
	 */
	if (git_submodule_resolve_url(&url, repo, git_submodule_url(sm)) == 0 &&
	    gitctx_owner(c, repo, url.ptr) == -1)
		goto out;
	fresh = (status & GIT_SUBMODULE_STATUS_WD_UNINITIALIZED) != 0;
	err = fresh ? clone_one(c, sm, url.ptr, want, &sub, label.data) :
	    open_one(c, sm, want, &sub, label.data);
	if (gitctx_owner(c, c->repo, c->job->url) == -1 || err == -1 ||
	    settle(c, sub, want, fresh, label.data) == -1)
		goto out;
	buf_reset(&label);
	buf_addf(&label, "%s%s/", where, git_submodule_path(sm));
	rc = submodules_update(c, sub, label.data, level + 1);
out:
	git_buf_dispose(&url);
	git_repository_free(sub);
	git_submodule_free(sm);
	buf_release(&label);
	return rc;
}

struct gitmodules_check {
	struct gitctx	*c;
	const char	*in;
	bool		 refused;
};

static int
check_gitmodules_entry(const git_config_entry *e, void *payload)
{
	struct gitmodules_check *k = payload;
	const char *name = e->name + strlen("submodule.");
	const char *dot = strrchr(name, '.');
	char err[512], *sub = xstrndup(name, (size_t)(dot - name));

	if (path_check(sub, err, sizeof(err)) == -1) {
		gitctx_error(k->c, ERR_REFUSED, "submodule name in %s refused: "
		    "%s", k->in, err);
		k->refused = true;
	} else if (strcmp(dot, ".path") == 0 &&
	    path_check(e->value, err, sizeof(err)) == -1) {
		gitctx_error(k->c, ERR_REFUSED, "submodule '%s' in %s refused: "
		    "%s", sub, k->in, err);
		k->refused = true;
	}
	free(sub);
	return k->refused ? -1 : 0;
}

/*
 * Every name and path in .gitmodules, before libgit2 reads it: libgit2
 * quietly drops entries whose names it dislikes and would then go on with
 * what is left, so a hostile file would not even be reported.
 */
static int
check_gitmodules(struct gitctx *c, git_repository *repo, const char *where)
{
	struct gitmodules_check k = { c, *where ? where : "the repository",
	    false };
	const char *workdir = git_repository_workdir(repo);
	git_config *cfg = NULL;
	char *file;
	int err;

	if (workdir == NULL)
		return 0;
	file = xasprintf("%s.gitmodules", workdir);
	err = git_config_open_ondisk(&cfg, file);
	free(file);
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return gitctx_fail(c, err, "reading .gitmodules");
	err = git_config_foreach_match(cfg, "^submodule\\..+\\.(path|url)$",
	    check_gitmodules_entry, &k);
	git_config_free(cfg);
	if (k.refused)
		return -1;
	return err < 0 ? gitctx_fail(c, err, "reading .gitmodules") : 0;
}

/* Initialise, fetch if needed and check out every submodule, recursively. */
int
submodules_update(struct gitctx *c, git_repository *repo, const char *where,
    int level)
{
	struct names names;
	size_t i;
	int rc;

	if (check_gitmodules(c, repo, where) == -1)
		return -1;
	rc = list_names(c, repo, where, level, &names);
	for (i = 0; rc == 0 && i < names.n; i++)
		rc = update_one(c, repo, names.v[i], where, level);
	names_release(&names);
	return rc;
}

static int
check_one(struct gitctx *c, git_repository *repo, const char *name,
    const char *where, int level, struct buf *why)
{
	git_submodule *sm = NULL;
	git_repository *sub = NULL;
	struct localwork lw;
	struct buf label = BUF_INIT;
	int rc = 0;

	buf_init(&label);
	localwork_init(&lw);
	if (git_submodule_lookup(&sm, repo, name) < 0 ||
	    git_submodule_open(&sub, sm) < 0)
		goto out;	/* not checked out: nothing of the user's in it */
	buf_addf(&label, "%s%s", where, git_submodule_path(sm));
	if (localwork_scan(c, sub, &lw) == -1) {
		rc = -1;
		goto out;
	}
	if (localwork_blocks(&lw, why, label.data)) {
		rc = 1;
		goto out;
	}
	if ((rc = localwork_detached_orphans(c, sub, why, label.data)) != 0)
		goto out;
	buf_addch(&label, '/');
	rc = submodules_check_local(c, sub, label.data, level + 1, why);
out:
	localwork_release(&lw);
	git_repository_free(sub);
	git_submodule_free(sm);
	buf_release(&label);
	git_error_clear();
	return rc;
}

/*
 * Would updating the submodules lose anything?  1 with the reason in why
 * (local changes, or commits only a submodule's detached HEAD holds); 0
 * if not; -1 on error.
 */
int
submodules_check_local(struct gitctx *c, git_repository *repo,
    const char *where, int level, struct buf *why)
{
	struct names names;
	size_t i;
	int rc;

	rc = list_names(c, repo, where, level, &names);
	for (i = 0; rc == 0 && i < names.n; i++)
		rc = check_one(c, repo, names.v[i], where, level, why);
	names_release(&names);
	return rc;
}

/*
 * Is any submodule missing or checked out at another commit than the one
 * its superproject records?  Local only: a no-op re-sync stays cheap.
 */
bool
submodules_stale(struct gitctx *c, git_repository *repo, int level)
{
	struct names names;
	git_submodule *sm;
	git_repository *sub;
	unsigned flags;
	bool stale = false;
	size_t i;

	/* Unreadable submodules: the update will say what is wrong. */
	if (list_names(NULL, repo, "", level, &names) == -1) {
		git_error_clear();
		return true;
	}
	keep_listed(c, repo, level, &names);
	for (i = 0; !stale && i < names.n; i++) {
		sm = NULL;
		sub = NULL;
		if (git_submodule_lookup(&sm, repo, names.v[i]) < 0) {
			stale = true;
			break;
		}
		if (git_submodule_update_strategy(sm) ==
		    GIT_SUBMODULE_UPDATE_NONE) {
			git_submodule_free(sm);
			continue;	/* never checked out: nothing to update */
		}
		if (git_submodule_status(&flags, repo, names.v[i],
		    GIT_SUBMODULE_IGNORE_DIRTY) < 0 ||
		    (flags & (GIT_SUBMODULE_STATUS_WD_UNINITIALIZED |
		    GIT_SUBMODULE_STATUS_WD_MODIFIED |
		    GIT_SUBMODULE_STATUS_INDEX_MODIFIED)))
			stale = true;
		else if (git_submodule_open(&sub, sm) == 0)
			stale = submodules_stale(c, sub, level + 1);
		git_repository_free(sub);
		git_submodule_free(sm);
	}
	names_release(&names);
	git_error_clear();
	return stale;
}
