/*
 * The URL the git checkout a file lies in was cloned from (its
 * remote.origin.url), read by the parent from that checkout's config
 * file without git or libgit2: repo's manifest checkout tells githerd the
 * base of relative <remote fetch> URLs that way.  Only what git itself
 * writes for a clone is understood: [remote "origin"] and its url, in
 * .git/config, in a .git file's gitdir, or in the common directory of a
 * worktree.  Includes and insteadOf are not followed.
 */
#ifndef GITHERD_GITORIGIN_H
#define GITHERD_GITORIGIN_H

#include <stddef.h>

/*
 * The origin URL of the checkout holding file (searched upwards from its
 * directory), or NULL with err saying why; the caller frees it.
 */
char	*gitorigin_url(const char *file, char *err, size_t errlen);

#endif
