#include <sys/stat.h>

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
#include "fsutil.h"
#include "nested.h"
#include "path.h"
#include "xmalloc.h"

#define TRACKED_LISTED	3

/* The outer entry's directory, walked from the workspace; -1 after why. */
static int
open_outer(struct gitctx *c, const char *workspace)
{
	const struct msg_job *j = c->job;
	char bad[1100], why[1300];
	int rootfd, fd = -1, e;

	if ((rootfd = open(workspace, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return gitctx_fail_errno(c, workspace);
	if ((fd = fs_walk_links(rootfd, j->outer, j->links, false, bad,
	    sizeof(bad))) == -1) {
		e = errno;
		if (e == ENOENT)
			gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is inside the "
			    "entry %s, which is not on disk (its sync failed, "
			    "or it was not cloned yet): nothing was done",
			    j->path, j->outer);
		else {
			fs_walk_why(e, bad, why, sizeof(why));
			gitctx_error(c, fs_walk_refused(e) ? ERR_REFUSED :
			    gitctx_errno_class(e), "%s (on the way to %s, inside "
			    "the entry %s): nothing was done", why, j->path,
			    j->outer);
		}
	}
	close(rootfd);
	return fd;
}

/* Is the outer directory a git work tree, by its own .git directory? */
static int
outer_is_checkout(struct gitctx *c, int fd)
{
	struct stat st;
	bool found = fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW) == 0;

	if (found && S_ISDIR(st.st_mode))
		return 0;
	if (found && S_ISLNK(st.st_mode))
		gitctx_error(c, ERR_REFUSED, "%s/.git is a symbolic link: "
		    "refusing to look inside %s for %s", c->job->outer,
		    c->job->outer, c->job->path);
	else
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is inside the entry "
		    "%s, which is not a git checkout (no .git directory): "
		    "nothing was done", c->job->path, c->job->outer);
	return -1;
}

static const char *
mode_name(unsigned mode)
{
	return mode == GIT_FILEMODE_COMMIT ? "a submodule" :
	    mode == GIT_FILEMODE_LINK ? "a symbolic link" : "a file";
}

/*
 * What the outer index tracks at rel, under it, or at a directory on the
 * way to it: 1 after saying so, 0 for nothing.
 */
static int
tracked(struct gitctx *c, git_index *index, const char *rel)
{
	const git_index_entry *e;
	struct buf list = BUF_INIT, under = BUF_INIT;
	const char *slash;
	size_t pos, n = 0;
	char *prefix;

	for (slash = strchr(rel, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		prefix = xstrndup(rel, (size_t)(slash - rel));
		e = git_index_find_prefix(&pos, index, prefix) == 0 ?
		    git_index_get_byindex(index, pos) : NULL;
		if (e != NULL && strcmp(e->path, prefix) == 0) {
			gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is inside %s/%s, "
			    "which the entry %s tracks as %s: nothing was done",
			    c->job->path, c->job->outer, prefix, c->job->outer,
			    mode_name(e->mode));
			free(prefix);
			return 1;
		}
		free(prefix);
	}
	buf_init(&list);
	buf_init(&under);
	buf_addf(&under, "%s/", rel);
	if ((e = git_index_get_bypath(index, rel, 0)) != NULL)
		buf_addf(&list, "%s, %s", rel, mode_name(e->mode));
	else if (git_index_find_prefix(&pos, index, under.data) == 0)
		for (; (e = git_index_get_byindex(index, pos)) != NULL &&
		    strncmp(e->path, under.data, under.len) == 0; pos++)
			if (n++ < TRACKED_LISTED)
				buf_addf(&list, "%s%s", n > 1 ? ", " : "",
				    e->path);
	if (n > TRACKED_LISTED)
		buf_addf(&list, ", ... %zu files", n);
	if (list.len > 0)
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is tracked by the entry "
		    "%s (%s): an entry inside another needs a path that one "
		    "ignores or leaves untracked; nothing was touched",
		    c->job->path, c->job->outer, list.data);
	n = list.len > 0;
	buf_release(&list);
	buf_release(&under);
	git_error_clear();
	return (int)n;
}

int
nested_check(struct gitctx *c, const char *workspace)
{
	const struct msg_job *j = c->job;
	git_repository *repo = NULL;
	git_index *index = NULL;
	char *dir = NULL;
	int fd, err, rc = -1;

	if (j->outer == NULL)
		return 0;
	if (!path_is_inside(j->outer, j->path, false)) {
		gitctx_error(c, ERR_INTERNAL, "%s is not inside %s", j->path,
		    j->outer);
		return -1;
	}
	if ((fd = open_outer(c, workspace)) == -1)
		return -1;
	if (outer_is_checkout(c, fd) == -1)
		goto out;
	dir = xasprintf("%s/%s", workspace, j->outer);
	if ((err = git_repository_open_ext(&repo, dir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0 ||
	    (err = git_repository_index(&index, repo)) < 0) {
		gitctx_fail(c, err, j->outer);
		goto out;
	}
	if (tracked(c, index, j->path + strlen(j->outer) + 1) == 0)
		rc = 0;
out:
	git_index_free(index);
	git_repository_free(repo);
	free(dir);
	close(fd);
	return rc;
}
