#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "gitctx.h"
#include "lfs.h"
#include "lfscount.h"

/* An attributes file larger than this is not looked into. */
#define ATTR_FILE_MAX	(1 << 20)

static bool
regular(const git_index_entry *e)
{
	return git_index_entry_stage(e) == 0 &&
	    (e->mode == GIT_FILEMODE_BLOB ||
	    e->mode == GIT_FILEMODE_BLOB_EXECUTABLE);
}

static bool
is_attributes(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash != NULL ? slash + 1 : path, ".gitattributes") == 0;
}

/* Does any .gitattributes the index holds give a pattern filter=lfs? */
static bool
attributes_use_lfs(git_repository *repo, git_index *idx)
{
	const git_index_entry *e;
	git_blob *blob;
	size_t i, n = git_index_entrycount(idx);
	bool uses = false;

	for (i = 0; i < n && !uses; i++) {
		e = git_index_get_byindex(idx, i);
		if (e == NULL || !regular(e) || !is_attributes(e->path))
			continue;
		if (git_blob_lookup(&blob, repo, &e->id) < 0) {
			git_error_clear();
			continue;
		}
		if (git_blob_rawsize(blob) <= ATTR_FILE_MAX)
			uses = lfs_attributes_use_lfs(git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
	}
	return uses;
}

static bool
filtered_by_lfs(git_repository *repo, const char *path)
{
	const char *v = NULL;

	if (git_attr_get(&v, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path,
	    "filter") < 0) {
		git_error_clear();
		return false;
	}
	return git_attr_value(v) == GIT_ATTR_VALUE_STRING &&
	    strcmp(v, "lfs") == 0;
}

/*
 * Is the work tree's file at path a pointer?  Read only, a final link
 * not followed, at most LFS_POINTER_MAX bytes; the path is one libgit2
 * just checked out (it writes through no symbolic link).
 */
static bool
file_is_pointer(int wfd, const char *path)
{
	char data[LFS_POINTER_MAX];
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd;
	bool yes = false;

	fd = openat(wfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < LFS_POINTER_MAX) {
		while (len < sizeof(data) && ((got = read(fd, data + len,
		    sizeof(data) - len)) > 0 || (got == -1 && errno == EINTR)))
			if (got > 0)
				len += (size_t)got;
		yes = lfs_is_pointer(data, len);
	}
	close(fd);
	return yes;
}

int
lfscount(struct gitctx *c, git_repository *repo, uint32_t *out)
{
	const git_index_entry *e;
	git_index *idx = NULL;
	const char *workdir = git_repository_workdir(repo);
	size_t i, n;
	int err, wfd = -1, rc = -1;

	*out = 0;
	if (workdir == NULL)
		return 0;
	/* Forced: git lfs pull may have rewritten it behind libgit2. */
	if ((err = git_repository_index(&idx, repo)) < 0 ||
	    (err = git_index_read(idx, 1)) < 0) {
		gitctx_fail(c, err, "reading the index for git-lfs files");
		goto out;
	}
	if (!attributes_use_lfs(repo, idx)) {
		rc = 0;
		goto out;
	}
	if ((wfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		gitctx_fail_errno(c, workdir);
		goto out;
	}
	n = git_index_entrycount(idx);
	for (i = 0; i < n; i++) {
		e = git_index_get_byindex(idx, i);
		if (e == NULL || !regular(e) || e->file_size >= LFS_POINTER_MAX ||
		    !filtered_by_lfs(repo, e->path))
			continue;
		if (file_is_pointer(wfd, e->path))
			(*out)++;
	}
	rc = 0;
out:
	if (wfd != -1)
		close(wfd);
	git_index_free(idx);
	return rc;
}
