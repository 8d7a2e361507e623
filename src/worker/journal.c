#include <sys/stat.h>

#include <errno.h>
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
#include "journal.h"
#include "refs.h"
#include "xmalloc.h"

#define JOURNAL_FILE	"githerd-checkout"
#define JOURNAL_HEADER	"githerd checkout 1\n"
#define JOURNAL_LOG	"githerd: finish an interrupted checkout"

struct record {
	git_oid	 from, to;
	bool	 has_from;
	char	*head;		/* NULL: detached at to */
};

static char *
journal_path(git_repository *repo)
{
	return xasprintf("%s%s", git_repository_path(repo), JOURNAL_FILE);
}

int
journal_begin(struct gitctx *c, git_repository *repo, const git_oid *from,
    const git_oid *to, const char *head)
{
	char a[GIT_OID_MAX_HEXSIZE + 1] = "-", b[GIT_OID_MAX_HEXSIZE + 1];
	struct buf text = BUF_INIT;
	char *file = journal_path(repo);
	int rc = 0;

	buf_init(&text);
	if (from != NULL)
		git_oid_tostr(a, sizeof(a), from);
	git_oid_tostr(b, sizeof(b), to);
	buf_addf(&text, JOURNAL_HEADER "from %s\nto %s\nhead %s\n", a, b,
	    head != NULL ? head : "-");
	/* On disk before the first file is written: fsync, then rename. */
	if (fs_write_atomic(file, text.data, text.len, FS_PUBLIC) == -1)
		rc = gitctx_fail_errno(c, file);
	buf_release(&text);
	free(file);
	return rc;
}

void
journal_end(git_repository *repo)
{
	char *file = journal_path(repo);

	unlink(file);
	free(file);
}

bool
journal_pending(git_repository *repo)
{
	char *file = journal_path(repo);
	bool there = fs_kind(file) == FS_FILE;

	free(file);
	return there;
}

static void
record_release(struct record *r)
{
	free(r->head);
}

/* "from <hex|->", "to <hex>", "head <ref|->": 0, or -1 if damaged. */
static int
record_read(git_repository *repo, struct record *r)
{
	struct buf b = BUF_INIT;
	char *file = journal_path(repo), from[64], to[64], head[1024], why[256];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	buf_init(&b);
	if (fs_read_state(file, 4096, &b, why, sizeof(why)) != 1 ||
	    strncmp(b.data, JOURNAL_HEADER, strlen(JOURNAL_HEADER)) != 0 ||
	    sscanf(b.data + strlen(JOURNAL_HEADER),
	    "from %63s\nto %63s\nhead %1023s\n", from, to, head) != 3 ||
	    git_oid_fromstr(&r->to, to) < 0)
		goto out;
	r->has_from = strcmp(from, "-") != 0;
	if (r->has_from && git_oid_fromstr(&r->from, from) < 0)
		goto out;
	if (strcmp(head, "-") != 0) {
		if (strncmp(head, "refs/heads/", 11) != 0)
			goto out;
		r->head = xstrdup(head);
	}
	rc = 0;
out:
	git_error_clear();
	buf_release(&b);
	free(file);
	return rc;
}

/* The blob id of what the work tree holds at path, or absent. */
static int
workdir_blob(git_repository *repo, const char *path, git_oid *out,
    bool *present)
{
	struct stat st;
	char *full = xasprintf("%s%s", git_repository_workdir(repo), path);
	char target[4096];
	ssize_t n;
	int rc = 0;

	*present = false;
	if (lstat(full, &st) == -1) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
		goto out;
	}
	*present = true;
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(full, target, sizeof(target))) < 0)
			rc = -1;
		else
			rc = git_odb_hash(out, target, (size_t)n,
			    GIT_OBJECT_BLOB) < 0 ? -1 : 0;
	} else if (S_ISREG(st.st_mode))
		rc = git_repository_hashfile(out, repo, full, GIT_OBJECT_BLOB,
		    NULL) < 0 ? -1 : 0;
	else
		rc = 1;	/* a directory, say: neither side's file */
out:
	free(full);
	return rc;
}

/* Does the work tree hold side (a delta's old or new file) at path? */
static bool
holds(const git_diff_file *side, bool present, const git_oid *have)
{
	if (!(side->flags & GIT_DIFF_FLAG_EXISTS) || git_oid_is_zero(&side->id))
		return !present;
	return present && git_oid_equal(&side->id, have);
}

/*
 * The one file a killed checkout was writing when it died: a start of
 * its new content (libgit2 writes a file in place, from its first byte).
 */
static bool
torn(git_repository *repo, const char *path, const git_diff_file *side)
{
	git_blob *blob = NULL;
	struct buf b = BUF_INIT;
	char *full = xasprintf("%s%s", git_repository_workdir(repo), path);
	int fd;
	bool is = false;

	buf_init(&b);
	if (!(side->flags & GIT_DIFF_FLAG_EXISTS) ||
	    git_blob_lookup(&blob, repo, &side->id) < 0 ||
	    (fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		goto out;
	if (fs_read_fd(fd, (size_t)git_blob_rawsize(blob), &b) == 0)
		is = b.len < (size_t)git_blob_rawsize(blob) &&
		    memcmp(b.data, git_blob_rawcontent(blob), b.len) == 0;
	close(fd);
out:
	git_error_clear();
	git_blob_free(blob);
	buf_release(&b);
	free(full);
	return is;
}

/*
 * Every path the interrupted checkout touches, checked: the old content
 * or the new, nothing else, but for at most one file cut short while it
 * was written.  1 with why (the first path that is neither), 0 all
 * clean, -1 error.  Fills paths with what to write.
 */
static int
check_paths(struct gitctx *c, git_repository *repo, git_diff *diff,
    git_strarray *paths, struct buf *why)
{
	const git_diff_delta *d;
	git_oid have;
	bool present, cut_short = false;
	size_t i, n = git_diff_num_deltas(diff);
	int rc;

	paths->strings = xcalloc(n ? n : 1, sizeof(*paths->strings));
	paths->count = 0;
	for (i = 0; i < n; i++) {
		d = git_diff_get_delta(diff, i);
		if ((rc = workdir_blob(repo, d->new_file.path, &have,
		    &present)) == -1)
			return gitctx_fail_errno(c, d->new_file.path);
		if (rc == 1 || (!holds(&d->old_file, present, &have) &&
		    !holds(&d->new_file, present, &have))) {
			if (rc == 0 && present && !cut_short &&
			    torn(repo, d->new_file.path, &d->new_file))
				cut_short = true;
			else {
				buf_addf(why, "%s has changed since",
				    d->new_file.path);
				return 1;
			}
		}
		paths->strings[paths->count++] = xstrdup(d->new_file.path);
	}
	return 0;
}

static void
paths_release(git_strarray *paths)
{
	size_t i;

	for (i = 0; i < paths->count; i++)
		free(paths->strings[i]);
	free(paths->strings);
	paths->strings = NULL;
	paths->count = 0;
}

/* Write the new content of exactly those paths, then move HEAD. */
static int
complete(struct gitctx *c, git_repository *repo, const struct record *r,
    git_commit *to, git_strarray *paths)
{
	git_checkout_options co;
	int err;

	gitctx_phase(c, PHASE_CHECKOUT);
	gitctx_checkout_options(c, &co);
	/* Forced only over files just found to be the old or the new ones. */
	co.checkout_strategy = GIT_CHECKOUT_FORCE |
	    GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH |
	    GIT_CHECKOUT_DONT_OVERWRITE_IGNORED;
	co.paths = *paths;
	if (paths->count > 0 && (err = git_checkout_tree(repo,
	    (git_object *)to, &co)) < 0)
		return gitctx_fail(c, err, "finishing the interrupted checkout");
	if (r->head != NULL) {
		if (refs_set(c, repo, r->head, &r->to, JOURNAL_LOG) == -1)
			return -1;
		err = git_repository_set_head(repo, r->head);
	} else
		err = git_repository_set_head_detached(repo, &r->to);
	if (err < 0)
		return gitctx_fail(c, err, "setting HEAD");
	return 0;
}

int
journal_recover(struct gitctx *c, git_repository *repo)
{
	struct record r;
	git_commit *from = NULL, *to = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	git_strarray paths = { NULL, 0 };
	struct buf why = BUF_INIT;
	char note[512], id[8];
	int err, rc = -1;

	if (!journal_pending(repo))
		return 0;
	buf_init(&why);
	if (record_read(repo, &r) == -1) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s: %s%s is damaged: an "
		    "interrupted checkout cannot be told apart; see git status",
		    c->job->path, git_repository_path(repo), JOURNAL_FILE);
		goto out;
	}
	/* The target's objects never arrived: no file was written yet. */
	if (git_commit_lookup(&to, repo, &r.to) < 0) {
		git_error_clear();
		journal_end(repo);
		rc = 0;
		goto out;
	}
	if ((err = git_commit_tree(&new_tree, to)) < 0 ||
	    (r.has_from && ((err = git_commit_lookup(&from, repo,
	    &r.from)) < 0 || (err = git_commit_tree(&old_tree, from)) < 0)) ||
	    (err = git_diff_tree_to_tree(&diff, repo, old_tree, new_tree,
	    NULL)) < 0) {
		gitctx_fail(c, err, "reading the interrupted checkout");
		goto out;
	}
	if ((rc = check_paths(c, repo, diff, &paths, &why)) == 1) {
		git_oid_tostr(id, sizeof(id), &r.to);
		c->res->outcome = RESULT_SKIPPED;
		result_message(c->res, "an interrupted sync left the checkout "
		    "of %s half done, and %s: kept as it is (git status shows "
		    "where each file stands)", id, why.data);
		goto out;
	}
	if (rc == -1 || complete(c, repo, &r, to, &paths) == -1) {
		rc = -1;
		goto out;
	}
	journal_end(repo);
	git_oid_tostr(id, sizeof(id), &r.to);
	snprintf(note, sizeof(note), "finished the checkout of %s that an "
	    "interrupted sync left half done (%zu file%s)", id, paths.count,
	    paths.count == 1 ? "" : "s");
	c->ev->warn(c->ev->ctx, note);
	rc = 0;
out:
	paths_release(&paths);
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_commit_free(from);
	git_commit_free(to);
	record_release(&r);
	buf_release(&why);
	return rc;
}
