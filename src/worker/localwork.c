#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "fsutil.h"
#include "gitctx.h"
#include "localwork.h"
#include "xmalloc.h"

#define LIST_MAX	8	/* files or commits named in a reason */

void
localwork_init(struct localwork *lw)
{
	memset(lw, 0, sizeof(*lw));
	buf_init(&lw->list);
	buf_init(&lw->paths);
}

void
localwork_release(struct localwork *lw)
{
	if (lw == NULL)
		return;
	buf_release(&lw->list);
	buf_release(&lw->paths);
}

/* The two letters `git status --short` would show, roughly. */
static const char *
short_code(unsigned s)
{
	if (s & GIT_STATUS_CONFLICTED)
		return "UU";
	if (s & GIT_STATUS_WT_NEW)
		return "??";
	if (s & GIT_STATUS_INDEX_NEW)
		return "A";
	if (s & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED))
		return "D";
	if (s & (GIT_STATUS_INDEX_RENAMED | GIT_STATUS_WT_RENAMED))
		return "R";
	if (s & (GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_TYPECHANGE))
		return "T";
	return "M";
}

static void
list_add(struct buf *list, unsigned *listed, unsigned total, const char *item)
{
	if (*listed < LIST_MAX) {
		buf_addf(list, "%s%s", *listed ? ", " : "", item);
		(*listed)++;
	} else if (*listed == LIST_MAX && total > LIST_MAX) {
		buf_addstr(list, ", ...");
		(*listed)++;
	}
}

/* Is path ("b/", "x/b/f") an entry of inner ("b\nx/b") or below one? */
static bool
in_inner(const char *inner, const char *path)
{
	const char *p = inner, *nl;
	size_t n;

	for (; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && strncmp(path, p, n) == 0 && path[n] == '/')
			return true;
	}
	return false;
}

static int
scan(struct gitctx *c, git_repository *repo, struct localwork *lw,
    bool untracked, const char *inner)
{
	git_status_options so;
	git_status_list *st = NULL;
	const git_status_entry *e;
	const char *path;
	char item[600], lock[4096];
	size_t i, n;
	int err;

	lw->state = git_repository_state(repo);
	if (!git_repository_is_bare(repo)) {
		snprintf(lock, sizeof(lock), "%sindex.lock",
		    git_repository_path(repo));
		lw->locked = fs_kind(lock) != FS_NONE;
	}
	if (git_repository_is_bare(repo) || lw->locked)
		return 0;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (untracked)
		so.flags |= GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		    GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if ((err = git_status_list_new(&st, repo, &so)) < 0)
		return gitctx_fail(c, err, "reading the work tree status");
	n = git_status_list_entrycount(st);
	for (i = 0; i < n; i++) {
		e = git_status_byindex(st, i);
		if (e->status == GIT_STATUS_CURRENT ||
		    (e->status & GIT_STATUS_IGNORED))
			continue;
		path = e->index_to_workdir ? e->index_to_workdir->new_file.path :
		    e->head_to_index->new_file.path;
		if ((e->status & GIT_STATUS_WT_NEW) && inner != NULL &&
		    in_inner(inner, path))
			continue;	/* another entry's checkout */
		if (e->status & GIT_STATUS_WT_NEW)
			lw->untracked++;
		else {
			lw->tracked++;
			list_add(&lw->paths, &lw->paths_listed, (unsigned)n,
			    path);
		}
		snprintf(item, sizeof(item), "%s %s", short_code(e->status),
		    path);
		list_add(&lw->list, &lw->listed, (unsigned)n, item);
	}
	git_status_list_free(st);
	return 0;
}

/* Operation in progress, lock, and tracked changes (what blocks any update). */
int
localwork_scan(struct gitctx *c, git_repository *repo, struct localwork *lw)
{
	return scan(c, repo, lw, false, NULL);
}

/* The same, counting untracked files too (what `status` reports). */
int
localwork_scan_all(struct gitctx *c, git_repository *repo, struct localwork *lw,
    const char *inner)
{
	return scan(c, repo, lw, true, inner);
}

static const char *
state_name(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "a merge";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "a revert";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "a cherry-pick";
	case GIT_REPOSITORY_STATE_BISECT:
		return "a bisect";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return "an am";
	default:
		return "a rebase";
	}
}

/* True when any update must leave the repository alone; why says why. */
bool
localwork_blocks(const struct localwork *lw, struct buf *why,
    const char *where)
{
	const char *in = where && *where ? " in submodule " : "";

	if (lw->state != GIT_REPOSITORY_STATE_NONE) {
		buf_addf(why, "%s in progress%s%s", state_name(lw->state), in,
		    where ? where : "");
		return true;
	}
	if (lw->locked) {
		buf_addf(why, "index.lock present%s%s (another git command, or "
		    "one that crashed)", in, where ? where : "");
		return true;
	}
	if (lw->tracked > 0) {
		buf_addf(why, "%u modified file%s%s%s (%s)", lw->tracked,
		    lw->tracked == 1 ? "" : "s", in, where ? where : "",
		    lw->paths.data);
		return true;
	}
	return false;
}

/*
 * Commits reachable from tip that none of hide, nor any ref matching
 * hide_glob, reaches: the work an update of tip would lose.  Their count,
 * with the first few as "abc1234 subject" in list; -1 on error.
 */
int
localwork_unique(struct gitctx *c, git_repository *repo, const git_oid *tip,
    const git_oid *hide, size_t nhide, const char *hide_glob,
    struct buf *list)
{
	git_revwalk *w = NULL;
	git_commit *commit = NULL;
	git_oid oid;
	char item[160], hex[8];
	const char *subject;
	unsigned found = 0, listed = 0;
	size_t i;
	int err, rc = -1;

	if ((err = git_revwalk_new(&w, repo)) < 0 ||
	    (err = git_revwalk_push(w, tip)) < 0) {
		gitctx_fail(c, err, "walking history");
		goto out;
	}
	for (i = 0; i < nhide; i++)
		if (!git_oid_is_zero(&hide[i]))
			git_revwalk_hide(w, &hide[i]);	/* unknown: nothing hidden */
	if (hide_glob != NULL)
		git_revwalk_hide_glob(w, hide_glob);
	git_error_clear();
	while (git_revwalk_next(&oid, w) == 0) {
		found++;
		if (listed > LIST_MAX)
			continue;
		subject = "";
		if (git_commit_lookup(&commit, repo, &oid) == 0) {
			subject = git_commit_summary(commit);
			if (subject == NULL)
				subject = "";
		}
		git_oid_tostr(hex, sizeof(hex), &oid);
		snprintf(item, sizeof(item), "%s %.60s", hex, subject);
		list_add(list, &listed, found + 1, item);
		git_commit_free(commit);
		commit = NULL;
	}
	git_error_clear();
	rc = (int)found;
out:
	git_revwalk_free(w);
	return rc;
}

/* A detached HEAD whose commits no ref holds: moving HEAD loses them. */
int
localwork_detached_orphans(struct gitctx *c, git_repository *repo,
    struct buf *why, const char *where)
{
	struct buf list = BUF_INIT;
	git_oid head;
	int n;

	if (git_repository_head_detached(repo) != 1 ||
	    git_reference_name_to_id(&head, repo, "HEAD") < 0) {
		git_error_clear();
		return 0;
	}
	buf_init(&list);
	n = localwork_unique(c, repo, &head, NULL, 0, "refs/*", &list);
	if (n > 0)
		buf_addf(why, "detached HEAD%s%s has %d commit%s on no branch: %s",
		    where && *where ? " of submodule " : "", where ? where : "",
		    n, n == 1 ? "" : "s", list.data);
	buf_release(&list);
	return n > 0 ? 1 : n;
}

/* What a checkout would overwrite or delete that git does not track. */
struct way {
	git_repository	*repo;
	struct buf	 list;
	unsigned	 n, listed;
	bool		 untracked, ignored, overwritten, deleted;
	char		**dirs;		/* directories a non-directory replaces */
	size_t		 ndirs, cap;
};

static void
way_add(struct way *w, const char *path, bool ignored, bool deleted)
{
	char item[600];

	w->n++;
	if (ignored)
		w->ignored = true;
	else
		w->untracked = true;
	if (deleted)
		w->deleted = true;
	else
		w->overwritten = true;
	/* git status --ignored's marks: "!!" ignored, "??" untracked. */
	snprintf(item, sizeof(item), "%s %s", ignored ? "!!" : "??", path);
	list_add(&w->list, &w->listed, w->n + 1, item);
}

static bool
is_ignored(git_repository *repo, const char *path)
{
	int ignored = 0;

	if (git_ignore_path_is_ignored(&ignored, repo, path) < 0)
		git_error_clear();
	return ignored == 1;
}

static bool
is_directory(git_repository *repo, const char *path)
{
	struct buf p = BUF_INIT;
	bool dir;

	buf_init(&p);
	buf_addf(&p, "%s%s", git_repository_workdir(repo), path);
	dir = fs_kind(p.data) == FS_DIR;
	buf_release(&p);
	return dir;
}

/*
 * A SAFE checkout with GIT_CHECKOUT_DONT_OVERWRITE_IGNORED reports an
 * untracked or ignored file in the way as a conflict.  It does not see
 * what a tracked directory holds besides its tracked files when a file,
 * link or submodule replaces that directory (libgit2 1.8 deletes the
 * tracked files and then fails): those directories are noted here and
 * looked into afterwards.
 */
static int
on_way(git_checkout_notify_t why, const char *path,
    const git_diff_file *baseline, const git_diff_file *target,
    const git_diff_file *workdir, void *payload)
{
	struct way *w = payload;

	(void)baseline;
	(void)workdir;
	if (why == GIT_CHECKOUT_NOTIFY_CONFLICT) {
		way_add(w, path, is_ignored(w->repo, path), false);
		return 0;
	}
	/* A file or a link where a directory is (a submodule's stays). */
	if (target != NULL && ((target->mode & 0170000) == 0100000 ||
	    (target->mode & 0170000) == 0120000) &&
	    is_directory(w->repo, path)) {
		XGROW(w->dirs, w->ndirs + 1, w->cap);
		w->dirs[w->ndirs++] = xstrdup(path);
	}
	return 0;
}

/* Everything below rel (a directory) that the index does not have. */
static void
untracked_below(struct way *w, git_index *index, int dirfd, const char *rel,
    int depth)
{
	struct buf p = BUF_INIT;
	struct dirent *de;
	DIR *d;
	int fd;

	if (depth > 64 || (d = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return;
	}
	buf_init(&p);
	while ((de = readdir(d)) != NULL && w->n <= LIST_MAX) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", rel, de->d_name);
		fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1) {
			untracked_below(w, index, fd, p.data, depth + 1);
			continue;
		}
		if (git_index_get_bypath(index, p.data, 0) == NULL)
			way_add(w, p.data, is_ignored(w->repo, p.data), true);
	}
	closedir(d);
	buf_release(&p);
}

static void
look_into_dirs(struct way *w)
{
	git_index *index = NULL;
	struct buf p = BUF_INIT;
	size_t i;
	int fd;

	if (git_repository_index(&index, w->repo) < 0) {
		git_error_clear();
		return;
	}
	buf_init(&p);
	for (i = 0; i < w->ndirs; i++) {
		buf_reset(&p);
		buf_addf(&p, "%s%s", git_repository_workdir(w->repo), w->dirs[i]);
		fd = open(p.data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1)
			untracked_below(w, index, fd, w->dirs[i], 0);
	}
	buf_release(&p);
	git_index_free(index);
}

static void
way_release(struct way *w)
{
	size_t i;

	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i]);
	free(w->dirs);
	buf_release(&w->list);
}

/*
 * Files a checkout of target would overwrite or delete that git does not
 * track, untracked and ignored ones alike (git treats ignored files as
 * expendable; githerd does not), from a dry run of the very checkout an
 * update makes.  1 with why filled in, 0 if none, -1 on error.
 */
int
localwork_in_the_way(struct gitctx *c, git_repository *repo,
    const git_oid *target, struct buf *why)
{
	git_checkout_options co;
	git_commit *commit = NULL;
	struct way w;
	int err;

	if ((err = git_commit_lookup(&commit, repo, target)) < 0)
		return gitctx_fail(c, err, "looking up the target commit");
	memset(&w, 0, sizeof(w));
	w.repo = repo;
	buf_init(&w.list);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GITCTX_CHECKOUT | GIT_CHECKOUT_DRY_RUN;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT |
	    GIT_CHECKOUT_NOTIFY_UPDATED;
	co.notify_cb = on_way;
	co.notify_payload = &w;
	git_checkout_tree(repo, (git_object *)commit, &co);
	git_error_clear();
	git_commit_free(commit);
	look_into_dirs(&w);
	if (w.n > 0)
		buf_addf(why, "%s files would be %s: %s", w.untracked &&
		    w.ignored ? "untracked and ignored" : w.ignored ? "ignored" :
		    "untracked", w.overwritten && w.deleted ?
		    "overwritten or deleted" : w.deleted ? "deleted" :
		    "overwritten", w.list.data);
	way_release(&w);
	return w.n > 0 ? 1 : 0;
}
