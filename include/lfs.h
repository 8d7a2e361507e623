/*
 * What git-lfs leaves in a repository, read without git-lfs: its pointer
 * files (what a checkout without git-lfs's smudge filter writes in place
 * of the content) and the .gitattributes lines that hand paths to it.
 * Pure functions over bytes, so that both sides can use them and the unit
 * tests check them without libgit2.
 *
 * A pointer file, after git-lfs's docs/spec.md: under 1024 bytes; lines
 * "key value\n"; the first key is version with the value
 * https://git-lfs.github.com/spec/v1 (or the pre-release hawser URL
 * git-lfs still accepts); then keys in ascending order, each once, among
 * them "oid sha256:<64 lowercase hex>" and "size <decimal>".
 */
#ifndef GITHERD_LFS_H
#define GITHERD_LFS_H

#include <stdbool.h>
#include <stddef.h>

/* The spec's limit: a larger file is content, never a pointer. */
#define LFS_POINTER_MAX	1024

bool	lfs_is_pointer(const char *data, size_t len);
/*
 * Does a .gitattributes text give some pattern filter=lfs?  Comment lines
 * and macro definitions are passed over; "-filter" and "!filter" do not
 * count.  A cheap first look: a tree whose attribute files never say it
 * has no LFS files, and none of its files need reading.
 */
bool	lfs_attributes_use_lfs(const char *text, size_t len);

#endif
