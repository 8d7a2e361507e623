#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "xmalloc.h"

enum fs_kind
fs_kind(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return FS_NONE;
	if (S_ISDIR(st.st_mode))
		return FS_DIR;
	if (S_ISREG(st.st_mode))
		return FS_FILE;
	if (S_ISLNK(st.st_mode))
		return FS_SYMLINK;
	return FS_OTHER;
}

int
fs_dir_is_empty(const char *path)
{
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		empty = 0;
		break;
	}
	closedir(d);
	return empty;
}

static int
has_entry(const char *dir, const char *name, enum fs_kind want)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return 0;
	return fs_kind(p) == want;
}

int
fs_dotgit_is_link(const char *path)
{
	return has_entry(path, ".git", FS_SYMLINK);
}

int
fs_is_git_repo(const char *path)
{
	if (has_entry(path, ".git", FS_DIR) || has_entry(path, ".git", FS_FILE))
		return 1;
	/* A bare repository or mirror. */
	return has_entry(path, "HEAD", FS_FILE) &&
	    has_entry(path, "objects", FS_DIR) && has_entry(path, "refs", FS_DIR);
}

/* Remove everything below dirfd, never following symbolic links. */
static int
rmtree_at(int dirfd)
{
	DIR *d;
	struct dirent *de;
	int fd, rc = 0, saved = 0;

	if ((d = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, de->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			saved = errno;
			rc = -1;
			continue;
		}
		fd = openat(dirfd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || rmtree_at(fd) == -1 ||
		    unlinkat(dirfd, de->d_name, AT_REMOVEDIR) == -1) {
			saved = errno;
			rc = -1;
		}
	}
	closedir(d);
	if (rc == -1)
		errno = saved;
	return rc;
}

int
fs_rmtree_at(int dirfd, const char *name)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (rmtree_at(fd) == -1)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
fs_rmtree_below(const char *root, const char *relpath, unsigned links)
{
	const char *slash = strrchr(relpath, '/');
	char *dir = xstrndup(relpath, slash != NULL ?
	    (size_t)(slash - relpath) : 0);
	int rootfd, fd, rc = 0;

	if ((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		free(dir);
		return errno == ENOENT ? 0 : -1;
	}
	fd = fs_walk_links(rootfd, dir, links, false, NULL, 0);
	close(rootfd);
	free(dir);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	rc = fs_rmtree_at(fd, slash != NULL ? slash + 1 : relpath);
	close(fd);
	return rc;
}

int
fs_rmtree(const char *path)
{
	int fd;

	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (rmtree_at(fd) == -1)
		return -1;
	if (rmdir(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* What a component that cannot be entered is: ELOOP, ENOTDIR or errno. */
static int
why_not(int dirfd, const char *name, int err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return err;
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	return err;
}

/*
 * Through a symbolic link the user placed: only to a directory the user
 * owns (a link to /etc or to another user's tree is refused, EPERM).
 */
static int
open_user_link(int dirfd, const char *name)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int
fs_walk(int dirfd, const char *relpath, bool create, char *bad,
    size_t badlen)
{
	return fs_walk_links(dirfd, relpath, 0, create, bad, badlen);
}

/*
 * openat(2) one component at a time with O_NOFOLLOW | O_DIRECTORY: the
 * safe way into a directory below dirfd, which a symbolic link planted
 * anywhere on the way (by a repository's tree, or a race) cannot divert.
 * Only the first `links` components may be links, and only to the user's
 * own directories.
 */
int
fs_walk_links(int dirfd, const char *relpath, unsigned links, bool create,
    char *bad, size_t badlen)
{
	const char *c = relpath, *end;
	char name[256];
	size_t len;
	unsigned depth = 0;
	bool followed;
	int fd, next, e;

	if (bad != NULL && badlen > 0)
		bad[0] = '\0';
	if ((fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	for (; *c != '\0'; c = *end ? end + 1 : end) {
		end = c + strcspn(c, "/");
		len = (size_t)(end - c);
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (bad != NULL)
			snprintf(bad, badlen, "%.*s", (int)(end - relpath), relpath);
		if (len >= sizeof(name) || (len == 2 && c[0] == '.' &&
		    c[1] == '.')) {
			e = len >= sizeof(name) ? ENAMETOOLONG : EXDEV;
			goto fail;
		}
		memcpy(name, c, len);
		name[len] = '\0';
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next == -1 && errno == ENOENT && create &&
		    (mkdirat(fd, name, 0777) == 0 || errno == EEXIST))
			next = openat(fd, name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		followed = next == -1 && depth < links &&
		    why_not(fd, name, errno) == ELOOP;
		if (followed)
			next = open_user_link(fd, name);
		if (next == -1) {
			e = followed && errno == EPERM ? EPERM :
			    why_not(fd, name, errno);
			goto fail;
		}
		close(fd);
		fd = next;
		depth++;
	}
	if (bad != NULL && badlen > 0)
		bad[0] = '\0';
	return fd;
fail:
	close(fd);
	errno = e;
	return -1;
}

bool
fs_walk_refused(int err)
{
	return err == ELOOP || err == ENOTDIR || err == EXDEV || err == EPERM;
}

void
fs_walk_why(int err, const char *bad, char *out, size_t len)
{
	switch (err) {
	case ELOOP:
		snprintf(out, len, "%s is a symbolic link: refusing to go "
		    "through it", bad);
		break;
	case EPERM:
		snprintf(out, len, "%s is a symbolic link to a directory "
		    "another user owns: refusing to go through it", bad);
		break;
	case ENOTDIR:
		snprintf(out, len, "%s is not a directory", bad);
		break;
	case EXDEV:
		snprintf(out, len, "%s leaves the directory", bad);
		break;
	default:
		snprintf(out, len, "cannot enter or create %s: %s", bad,
		    strerror(err));
		break;
	}
}

int
fs_mkdir_p(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	size_t i, len = strlen(path);
	struct stat st;

	if (len == 0 || len >= sizeof(tmp)) {
		snprintf(err, errlen, "invalid directory name");
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", tmp,
			    strerror(errno));
			return -1;
		}
		if (i < len)
			tmp[i] = '/';
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return -1;
	}
	return 0;
}

/* --- whole-file writes -------------------------------------------------- */

int
fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The temporary file is a new hidden sibling with a name nobody can
 * guess, created with O_EXCL | O_NOFOLLOW: another user who can write
 * in the directory can neither make us write through a symlink nor into
 * a file of theirs.
 */
int
fs_atomic_open(struct fs_atomic *a, const char *file, mode_t mode)
{
	static const char hex[] = "0123456789abcdef";
	const char *base = strrchr(file, '/');
	unsigned char rnd[8];
	char name[2 * sizeof(rnd) + 1];
	int tries, e;
	size_t i;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->file = xstrdup(file);
	if (strcmp(file, "-") == 0) {
		a->fd = STDOUT_FILENO;
		return 0;
	}
	base = base != NULL ? base + 1 : file;
	for (tries = 0; tries < 16; tries++) {
		compat_random(rnd, sizeof(rnd));
		for (i = 0; i < sizeof(rnd); i++) {
			name[2 * i] = hex[rnd[i] >> 4];
			name[2 * i + 1] = hex[rnd[i] & 0xf];
		}
		name[sizeof(name) - 1] = '\0';
		free(a->tmp);
		a->tmp = xasprintf("%.*s.%s.tmp.%s", (int)(base - file), file,
		    base, name);
		a->fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
		if (a->fd != -1)
			return 0;
		if (errno != EEXIST)
			break;
	}
	e = errno;
	free(a->tmp);
	a->tmp = NULL;
	fs_atomic_abort(a);
	errno = e;
	return -1;
}

int
fs_atomic_write(struct fs_atomic *a, const void *data, size_t len)
{
	return fs_write_all(a->fd, data, len);
}

int
fs_atomic_commit(struct fs_atomic *a)
{
	int rc = 0, e;

	if (a->tmp != NULL) {
		rc = close(a->fd);
		a->fd = -1;
		if (rc == 0)
			rc = rename(a->tmp, a->file);
	}
	if (rc == -1) {
		e = errno;
		fs_atomic_abort(a);
		errno = e;
		return -1;
	}
	free(a->file);
	free(a->tmp);
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	return 0;
}

void
fs_atomic_abort(struct fs_atomic *a)
{
	int e = errno;

	if (a->tmp != NULL) {
		if (a->fd != -1)
			close(a->fd);
		unlink(a->tmp);
	}
	free(a->file);
	free(a->tmp);
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	errno = e;
}

int
fs_write_atomic(const char *file, const void *data, size_t len, mode_t mode)
{
	struct fs_atomic a;

	if (fs_atomic_open(&a, file, mode) == -1)
		return -1;
	if (fs_atomic_write(&a, data, len) == -1) {
		fs_atomic_abort(&a);
		return -1;
	}
	return fs_atomic_commit(&a);
}

int
fs_read_fd(int fd, size_t max, struct buf *out)
{
	char chunk[65536];
	size_t start = out->len;
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (out->len - start + (size_t)n > max) {
			errno = EFBIG;
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
	}
}

int
fs_read_state(const char *file, size_t max, struct buf *out, char *why,
    size_t whylen)
{
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	rc = fs_read_fd(fd, max, out);
	if (rc == -1 && errno == EFBIG)
		snprintf(why, whylen, "larger than %zu MiB", max >> 20);
	else if (rc == -1)
		snprintf(why, whylen, "%s", strerror(errno));
	close(fd);
	return rc == -1 ? -1 : 1;
}

int
fs_save_state(const char *file, const struct buf *b, char *err,
    size_t errlen)
{
	if (fs_write_atomic(file, b->data, b->len, FS_PRIVATE) == 0)
		return 0;
	snprintf(err, errlen, "cannot save %s: %s", file, strerror(errno));
	return -1;
}
