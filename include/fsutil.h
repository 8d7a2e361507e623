/*
 * Filesystem helpers that never follow symbolic links where following one
 * could make githerd write or delete outside the workspace.
 */
#ifndef GITHERD_FSUTIL_H
#define GITHERD_FSUTIL_H

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

#endif
