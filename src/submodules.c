/*
 * Submodules, recursively, with the same callbacks and limits as their
 * superproject.  Their paths and URLs come from the (untrusted) repository
 * and are checked like manifest entries before libgit2 acts on them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "gitctx.h"
#include "localwork.h"
#include "path.h"
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
			gitops_error(c, ERR_REFUSED, "submodules nest deeper "
			    "than %d levels at %s", SUBMODULE_MAX_DEPTH, where);
		return -1;
	}
	if ((err = git_submodule_foreach(repo, collect_name, names)) < 0)
		return c != NULL ? gitops_fail(c, err, "listing submodules") : -1;
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
		gitops_error(c, ERR_REFUSED, "submodule name in %s refused: %s",
		    in, err);
		return -1;
	}
	if (path_check(path, err, sizeof(err)) == -1) {
		gitops_error(c, ERR_REFUSED, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), in, err);
		return -1;
	}
	if (raw == NULL || git_submodule_resolve_url(&url, repo, raw) < 0) {
		gitops_error(c, ERR_REFUSED, "submodule '%s' in %s has no "
		    "usable url", git_submodule_name(sm), in);
		return -1;
	}
	/* Never local, whatever --allow-local says: a repository's own
	 * .gitmodules must not reach into this machine's files. */
	if (url_check(url.ptr, false, err, sizeof(err)) == -1) {
		gitops_error(c, ERR_REFUSED, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), in, err);
		goto out;
	}
	rc = 0;
out:
	git_buf_dispose(&url);
	return rc;
}

static int
update_one(struct gitctx *c, git_repository *repo, const char *name,
    const char *where, int level)
{
	git_submodule_update_options uo;
	git_submodule *sm = NULL;
	git_repository *sub = NULL;
	git_buf url = GIT_BUF_INIT;
	struct buf label = BUF_INIT;
	int err, rc = -1;

	buf_init(&label);
	if ((err = git_submodule_lookup(&sm, repo, name)) < 0) {
		buf_addf(&label, "submodule %s%s", where, name);
		gitops_fail(c, err, label.data);
		goto out;
	}
	buf_addf(&label, "submodule %s%s", where, git_submodule_path(sm));
	if (check_submodule(c, repo, sm, where) == -1)
		goto out;
	if (git_submodule_update_strategy(sm) == GIT_SUBMODULE_UPDATE_NONE) {
		rc = 0;		/* "update = none": git leaves it alone too */
		goto out;
	}
	git_submodule_update_options_init(&uo,
	    GIT_SUBMODULE_UPDATE_OPTIONS_VERSION);
	/* A submodule's server: its own proxy, and its own credentials. */
	if (git_submodule_resolve_url(&url, repo, git_submodule_url(sm)) == 0)
		gitops_owner(c, repo, url.ptr);
	gitops_fetch_options(c, &uo.fetch_opts);
	gitops_checkout_options(c, &uo.checkout_opts);
	c->counters.received_bytes = c->fetched_bytes;
	err = git_submodule_update(sm, 1, &uo);
	gitops_owner(c, c->repo, c->job->url);
	if (err < 0) {
		gitops_fail(c, err, label.data);
		goto out;
	}
	c->fetched_bytes = c->counters.received_bytes;
	if ((err = git_submodule_open(&sub, sm)) < 0) {
		gitops_fail(c, err, label.data);
		goto out;
	}
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
		gitops_error(k->c, ERR_REFUSED, "submodule name in %s refused: "
		    "%s", k->in, err);
		k->refused = true;
	} else if (strcmp(dot, ".path") == 0 &&
	    path_check(e->value, err, sizeof(err)) == -1) {
		gitops_error(k->c, ERR_REFUSED, "submodule '%s' in %s refused: "
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
		return gitops_fail(c, err, "reading .gitmodules");
	err = git_config_foreach_match(cfg, "^submodule\\..+\\.(path|url)$",
	    check_gitmodules_entry, &k);
	git_config_free(cfg);
	if (k.refused)
		return -1;
	return err < 0 ? gitops_fail(c, err, "reading .gitmodules") : 0;
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
