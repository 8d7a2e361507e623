/*
 * One job of a worker, from its destination to its result: which of
 * clone, update or status it is, the destination checks, and for a new
 * clone the temporary sibling and the rename into place.  Above clone.c,
 * update.c and status.c; below worker.c only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "clone.h"
#include "compat.h"
#include "fsutil.h"
#include "gitctx.h"
#include "imports.h"
#include "job.h"
#include "nested.h"
#include "partial.h"
#include "retire.h"
#include "status.h"
#include "update.h"
#include "url.h"
#include "xmalloc.h"

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}


/*
 * What is at the destination decides: nothing (clone), an empty directory
 * (clone, then replace it), a repository (update), or anything else (a
 * conflict, untouched).  1: update; 0: clone; -1: failed.
 */
static int
check_destination(struct gitctx *c, bool *empty_dir)
{
	const char *d = c->job->dest, *p = c->job->path;
	struct stat st;

	*empty_dir = false;
	if (fstatat(c->parent_fd, base_name(d), &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : gitctx_fail_errno(c, d);
	if (S_ISLNK(st.st_mode)) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is a symbolic link: left "
		    "untouched", p);
		return -1;
	}
	switch (S_ISDIR(st.st_mode) ? FS_DIR : FS_FILE) {
	case FS_DIR:
		if (fs_dotgit_is_link(d)) {
			gitctx_error(c, ERR_REFUSED, "%s/.git is a symbolic link: "
			    "refusing to use it", p);
			return -1;
		}
		if (fs_is_git_repo(d))
			return 1;
		if (fs_dir_is_empty(d) == 1) {
			*empty_dir = true;
			return 0;
		}
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s exists and is not a git "
		    "repository: left untouched", p);
		return -1;
	default:
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s exists and is not a "
		    "directory: left untouched", p);
		return -1;
	}
}

/* Workspace root = dest without "/path". */
static char *
workspace_root(const struct msg_job *j)
{
	size_t dl = strlen(j->dest), pl = strlen(j->path);

	if (pl + 1 >= dl)
		return xstrdup("/");
	return xstrndup(j->dest, dl - pl - 1);
}

/*
 * The entry's parent directory, through the walker from the workspace
 * (made if missing): the destination, its temporary sibling and the
 * rename between them are then all relative to it, and no symbolic link
 * an earlier clone holds can send them elsewhere.  Sets c->parent_fd.
 */
static int
open_parent(struct gitctx *c, bool create)
{
	const struct msg_job *j = c->job;
	char *root = workspace_root(j), *parent, bad[1100], why[1300];
	int rootfd, e;

	parent = xstrndup(j->path, (size_t)(base_name(j->path) - j->path));
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd == -1)
		gitctx_fail_errno(c, root);
	else if ((c->parent_fd = fs_walk_links(rootfd, parent, j->links,
	    create, bad, sizeof(bad))) == -1) {
		e = errno;
		fs_walk_why(e, bad, why, sizeof(why));
		gitctx_error(c, fs_walk_refused(e) ? ERR_REFUSED :
		    gitctx_errno_class(e), "%s", why);
	}
	if (rootfd != -1)
		close(rootfd);
	free(root);
	free(parent);
	return c->parent_fd == -1 ? -1 : 0;
}

static int
install(struct gitctx *c, bool empty_dir)
{
	const struct msg_job *j = c->job;

	if (empty_dir && unlinkat(c->parent_fd, base_name(j->dest),
	    AT_REMOVEDIR) == -1) {
		gitctx_error(c, errno == ENOTEMPTY || errno == EEXIST ?
		    ERR_LOCAL_CONFLICT : gitctx_errno_class(errno), "%s: %s (it "
		    "changed while cloning): left untouched", j->path,
		    strerror(errno));
		return -1;
	}
	if (compat_renameat_noreplace(c->parent_fd, base_name(j->tmp),
	    base_name(j->dest)) == -1) {
		gitctx_error(c, errno == EEXIST || errno == ENOTEMPTY ?
		    ERR_LOCAL_CONFLICT : gitctx_errno_class(errno), "cannot move "
		    "the clone into %s: %s", j->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A new clone: in a temporary sibling, renamed into place when complete. */
static void
clone_entry(struct gitctx *c, bool empty_dir)
{
	const struct msg_job *job = c->job;
	bool made_tmp = false;

	if (mkdirat(c->parent_fd, base_name(job->tmp), 0777) == -1) {
		gitctx_error(c, gitctx_errno_class(errno), "cannot create %s: %s",
		    job->tmp, strerror(errno));
		return;
	}
	made_tmp = true;
	c->res->outcome = RESULT_CLONED;
	if (clone_into(c, job->tmp) == -1)
		goto out;
	git_remote_free(c->remote);
	c->remote = NULL;
	git_repository_free(c->repo);
	c->repo = NULL;
	if (gitctx_cancelled(c)) {
		gitctx_error(c, ERR_CANCELLED, "cancelled");
		goto out;
	}
	if (install(c, empty_dir) == -1)
		goto out;
	made_tmp = false;
out:
	if (made_tmp && fs_rmtree_at(c->parent_fd, base_name(job->tmp)) == -1 &&
	    c->res->outcome == RESULT_CLONED)
		gitctx_error(c, gitctx_errno_class(errno), "cannot remove %s: %s",
		    job->tmp, strerror(errno));
}

/* A partial clone is never fetched into nor checked out (partial.h). */
static bool
skip_partial(struct gitctx *c)
{
	char why[600];

	if (!partial_clone(c->job->dest, why, sizeof(why)))
		return false;
	c->res->outcome = RESULT_SKIPPED;
	c->res->err_class = ERR_UNSUPPORTED;
	result_message(c->res, PARTIAL_REASON, why, LIBGIT2_VERSION);
	return true;
}

void
job_sync(const struct msg_job *job, const struct gitctx_events *ev,
    struct job_result *res)
{
	struct gitctx c;
	char err[512], *root;
	bool empty_dir;
	int dest;

	gitctx_init(&c, job, ev, res);
	if (c.depth > 0 && !url_supports_shallow(job->url)) {
		snprintf(err, sizeof(err), "depth %d ignored: libgit2 %s fetches "
		    "shallow only over http(s), not %s; using full history",
		    c.depth, LIBGIT2_VERSION,
		    url_scheme(job->url) == URL_GIT ? "git://" : "ssh");
		ev->warn(ev->ctx, err);
		c.depth = 0;
	}
	/*
	 * Inside another entry, that one's checkout first (nested.h); then
	 * the parents: never look at a destination through a symlink.
	 */
	root = workspace_root(job);
	if (nested_check(&c, root) == 0 && open_parent(&c, true) == 0) {
		dest = check_destination(&c, &empty_dir);
		if (dest == 0)
			clone_entry(&c, empty_dir);
		else if (dest == 1 && !skip_partial(&c))
			update_entry(&c);
		if (dest >= 0 && dest <= 1 &&
		    res->outcome != RESULT_FAILED &&
		    res->outcome != RESULT_CANCELLED)
			imports_send(&c);
	}
	free(root);
	gitctx_release(&c);
}

void
job_retire(const struct msg_job *job, const struct gitctx_events *ev,
    struct job_result *res)
{
	struct gitctx c;

	gitctx_init(&c, job, ev, res);
	retire_entry(&c);
	gitctx_release(&c);
}

void
job_status(const struct msg_job *job, const struct gitctx_events *ev,
    struct job_result *res)
{
	struct gitctx c;

	gitctx_init(&c, job, ev, res);
	if (c.depth > 0 && !url_supports_shallow(job->url))
		c.depth = 0;
	if (open_parent(&c, false) == -1 && c.res->err_class != ERR_REFUSED) {
		/* No parent directory: nothing there yet. */
		result_release(res);
		res->outcome = RESULT_CHECKED;
		res->state = ES_MISSING;
		result_message(res, "missing");
	} else if (c.parent_fd != -1)
		status_entry(&c);
	gitctx_release(&c);
}
