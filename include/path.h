/*
 * Workspace-relative paths from a manifest: the lexical rules that keep
 * every entry inside the workspace and out of any .git directory.
 */
#ifndef GITHERD_PATH_H
#define GITHERD_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_MAX_LEN		1024
#define PATH_MAX_COMPONENT	255
#define PATH_STATE_DIR		".githerd"
#define PATH_TMP_PREFIX		".githerd-tmp"	/* clones in progress */

int	path_check(const char *path, char *err, size_t errlen);
/*
 * The name a filesystem may take path for: NFC (macOS normalises names,
 * so "é" as one code point and as e + U+0301 are one file there) and,
 * with casefold, Unicode case folding too (case-insensitive filesystems:
 * "Straße" and "STRASSE").  Allocated; by libunistring, not by hand.
 */
char	*path_fold(const char *path, bool casefold);
bool	path_is_inside(const char *outer, const char *inner, bool fold);
/* west's rule for what a directory import takes: a .yml or .yaml name. */
bool	path_is_yml(const char *name);

#endif
