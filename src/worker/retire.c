#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "fsutil.h"
#include "gitctx.h"
#include "localwork.h"
#include "refs.h"
#include "retire.h"
#include "submodules.h"
#include "xmalloc.h"

static void
keep(struct gitctx *c, const char *why)
{
	c->res->outcome = RESULT_SKIPPED;
	result_message(c->res, "%s", why);
}

/* Ignored files (a .env, build output): git calls them expendable. */
static int
ignored(struct gitctx *c, struct buf *why)
{
	git_status_options so;
	git_status_list *st = NULL;
	const git_status_entry *e;
	size_t i, n, listed = 0;
	int err;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	so.flags = GIT_STATUS_OPT_INCLUDE_IGNORED |
	    GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if ((err = git_status_list_new(&st, c->repo, &so)) < 0)
		return gitctx_fail(c, err, "reading the work tree status");
	n = git_status_list_entrycount(st);
	for (i = 0; i < n; i++) {
		e = git_status_byindex(st, i);
		if (!(e->status & GIT_STATUS_IGNORED) || e->index_to_workdir == NULL)
			continue;
		if (listed == 0)
			buf_addstr(why, "ignored files: ");
		if (listed < 8)
			buf_addf(why, "%s!! %s", listed ? ", " : "",
			    e->index_to_workdir->new_file.path);
		listed++;
	}
	if (listed > 8)
		buf_addstr(why, ", ...");
	git_status_list_free(st);
	return listed > 0;
}

/* Commits of a branch, or of a detached HEAD, that no remote has. */
static int
unpushed(struct gitctx *c, struct buf *why)
{
	struct refs heads;
	struct buf list = BUF_INIT;
	git_oid head;
	size_t i;
	int n = 0;

	if (refs_list(c->repo, "refs/heads/*", &heads) < 0)
		return gitctx_fail(c, -1, "listing branches");
	buf_init(&list);
	for (i = 0; i < heads.n && n == 0; i++) {
		n = localwork_unique(c, c->repo, &heads.v[i].oid, NULL, 0,
		    "refs/remotes", &list);
		if (n > 0)
			buf_addf(why, "branch %s has %d unpushed commit%s: %s",
			    heads.v[i].name + 11, n, n == 1 ? "" : "s",
			    list.data);
	}
	if (n == 0 && git_repository_head_detached(c->repo) == 1 &&
	    git_reference_name_to_id(&head, c->repo, "HEAD") == 0) {
		n = localwork_unique(c, c->repo, &head, NULL, 0, "refs/*",
		    &list);
		if (n > 0)
			buf_addf(why, "detached HEAD has %d commit%s on no "
			    "branch: %s", n, n == 1 ? "" : "s", list.data);
	}
	git_error_clear();
	refs_release(&heads);
	buf_release(&list);
	return n < 0 ? -1 : n > 0;
}

static bool
has_entries(const char *dir)
{
	return fs_kind(dir) == FS_DIR && fs_dir_is_empty(dir) == 0;
}

/* The first reason the entry must stay: 1 with why, 0 none, -1 error. */
static int
must_stay(struct gitctx *c, struct buf *why)
{
	struct localwork lw;
	char path[4096];
	git_oid stash;
	int rc;

	localwork_init(&lw);
	rc = localwork_scan_all(c, c->repo, &lw, NULL);
	if (rc == 0 && localwork_blocks(&lw, why, NULL))
		rc = 1;
	else if (rc == 0 && lw.untracked > 0) {
		buf_addf(why, "untracked files: %s", lw.list.data);
		rc = 1;
	}
	localwork_release(&lw);
	if (rc != 0)
		return rc;
	if ((rc = ignored(c, why)) != 0)
		return rc;
	if (git_reference_name_to_id(&stash, c->repo, "refs/stash") == 0) {
		buf_addstr(why, "a stash");
		return 1;
	}
	git_error_clear();
	snprintf(path, sizeof(path), "%sworktrees", git_repository_path(c->repo));
	if (has_entries(path)) {
		buf_addstr(why, "linked work trees (git worktree)");
		return 1;
	}
	if ((rc = unpushed(c, why)) != 0)
		return rc;
	if (submodules_check_local(c, c->repo, "", 1, why) < 0)
		return -1;
	return why->len > 0;
}

static int
make_parent(const char *file, char *err, size_t errlen)
{
	char *dir = xstrdup(file), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rc = fs_mkdir_p(dir, err, errlen);
	}
	free(dir);
	return rc;
}

/* The trash path as the workspace sees it: ".githerd/trash/a.<stamp>". */
static const char *
in_workspace(const struct gitctx *c)
{
	size_t d = strlen(c->job->dest), p = strlen(c->job->path);

	if (d > p && strncmp(c->job->trash, c->job->dest, d - p) == 0)
		return c->job->trash + d - p;
	return c->job->trash;
}

void
retire_entry(struct gitctx *c)
{
	struct buf why = BUF_INIT;
	char err[512];
	int rc;

	buf_init(&why);
	c->res->outcome = RESULT_SKIPPED;
	if (fs_kind(c->job->dest) != FS_DIR) {
		keep(c, "not a directory");
		goto out;
	}
	if (git_repository_open_ext(&c->repo, c->job->dest,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_error_clear();
		keep(c, "not a git repository");
		goto out;
	}
	if (gitctx_check_gitdir(c, c->repo, c->job->dest, c->job->path) == -1)
		goto out;
	if (git_repository_is_bare(c->repo)) {
		keep(c, "a bare repository: what was pushed into it cannot be "
		    "told from what came from its remote");
		goto out;
	}
	if ((rc = must_stay(c, &why)) == -1)
		goto out;
	if (rc == 1) {
		keep(c, why.data);
		goto out;
	}
	git_repository_free(c->repo);
	c->repo = NULL;
	if (make_parent(c->job->trash, err, sizeof(err)) == -1) {
		gitctx_error(c, ERR_DISK, "%s", err);
		goto out;
	}
	if (rename(c->job->dest, c->job->trash) == -1) {
		gitctx_error(c, gitctx_errno_class(errno), "moving %s to %s: %s",
		    c->job->path, c->job->trash, strerror(errno));
		goto out;
	}
	c->res->outcome = RESULT_UPDATED;
	result_message(c->res, "moved to %s", in_workspace(c));
out:
	buf_release(&why);
}
