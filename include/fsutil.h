/*
 * Filesystem helpers that never follow symbolic links where following one
 * could make githerd write or delete outside the workspace.
 */
#ifndef GITHERD_FSUTIL_H
#define GITHERD_FSUTIL_H

#include <sys/types.h>

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
int		fs_rmtree(const char *path);
/* -1 with errno ELOOP (symlink), ENOTDIR (a file in the way) or mkdir's. */
int		fs_mkparents(const char *root, const char *relpath,
		    char *err, size_t errlen);
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

#endif
