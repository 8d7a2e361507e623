/*
 * Filesystem helpers that never follow symbolic links where following one
 * could make githerd write or delete outside the workspace.
 */
#ifndef GITHERD_FSUTIL_H
#define GITHERD_FSUTIL_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

enum fs_kind {
	FS_NONE,		/* does not exist */
	FS_DIR,
	FS_FILE,
	FS_SYMLINK,
	FS_OTHER,
};

enum fs_kind	fs_kind(const char *path);
int		fs_dir_is_empty(const char *path);	/* 1, 0, or -1 */
int		fs_is_git_repo(const char *path);	/* work tree or bare */
int		fs_dotgit_is_link(const char *path);	/* path/.git */
int		fs_rmtree(const char *path);
int		fs_rmtree_at(int dirfd, const char *name);
/* root/relpath, reached through fs_walk_links (links: see there). */
int		fs_rmtree_below(const char *root, const char *relpath,
		    unsigned links);
/*
 * The one way githerd goes into a directory below another: the
 * directory relpath names below dirfd, reached one component at a time
 * with openat(O_NOFOLLOW | O_DIRECTORY), so that no symbolic link on the
 * way is followed.  Its descriptor (close-on-exec), or -1 with errno
 * ELOOP (a component is a symbolic link), ENOTDIR (a component is not a
 * directory), EXDEV (a ".." component), ENOENT (a component is missing;
 * with create, missing ones are made) or another; bad, when given, gets
 * relpath up to the component that failed.  "" names dirfd itself.
 */
int		fs_walk(int dirfd, const char *relpath, bool create, char *bad,
		    size_t badlen);
/*
 * fs_walk, except that each of the first `links` components may be a
 * symbolic link the user placed (--follow-symlinks), followed when it
 * leads to a directory the user owns; one to another's is EPERM.
 */
int		fs_walk_links(int dirfd, const char *relpath, unsigned links,
		    bool create, char *bad, size_t badlen);
/* Why fs_walk failed, in words: "a/b is a symbolic link: ...". */
void		fs_walk_why(int err, const char *bad, char *out, size_t len);
/* Did it fail on what is in the way (a link, a file, ".."), not a fault? */
bool		fs_walk_refused(int err);
int		fs_mkdir_p(const char *path, char *err, size_t errlen);

/*
 * A file written whole or not at all: the data goes to a temporary file
 * beside it, renamed over it on commit, so readers never see half.  The
 * name "-" means standard output, written as it comes.  Errors return -1
 * with errno set; tmp names the file that failed.  mode is FS_PUBLIC for
 * what the user asked for (umask applies), FS_PRIVATE for githerd's own
 * state.
 */
#define FS_PUBLIC	0666
#define FS_PRIVATE	0600

struct fs_atomic {
	int	 fd;
	char	*file;
	char	*tmp;		/* NULL for standard output */
};

int		fs_atomic_open(struct fs_atomic *, const char *file,
		    mode_t mode);
int		fs_atomic_write(struct fs_atomic *, const void *, size_t);
int		fs_atomic_commit(struct fs_atomic *);
void		fs_atomic_abort(struct fs_atomic *);
int		fs_write_atomic(const char *file, const void *, size_t,
		    mode_t mode);
int		fs_write_all(int fd, const void *, size_t);
struct buf;
/*
 * Append what is left to read from fd to out, at most max bytes: 0, or
 * -1 with errno (EFBIG when there is more).  The caller closes fd.
 */
int		fs_read_fd(int fd, size_t max, struct buf *out);
/*
 * githerd's own state files (.githerd/history, .githerd/entries): read
 * one of at most max bytes, not through a symbolic link: 1 read, 0 there
 * is none, -1 with why; save one atomically, private to the user: 0, or
 * -1 with err naming the file.
 */
int		fs_read_state(const char *file, size_t max, struct buf *out,
		    char *why, size_t whylen);
int		fs_save_state(const char *file, const struct buf *, char *err,
		    size_t errlen);

#endif
