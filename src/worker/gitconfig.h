/*
 * git's configuration, read as git reads it (gitenv.h says which files),
 * for the decisions githerd takes itself about a remote URL
 * (urlconfig.h).  libgit2 1.8 reads only ~/.gitconfig, the XDG file and
 * /etc/gitconfig, and none of git's configuration environment; githerd
 * reads the files through libgit2's parser, in git's order, and adds the
 * environment's entries last.  Worker only.
 */
#ifndef GITHERD_GITCONFIG_H
#define GITHERD_GITCONFIG_H

#include <stddef.h>

#include <git2.h>

#include "gitenv.h"

/*
 * Every entry, in git's order: the system file, the XDG file, the global
 * one, repo's own (and its config.worktree when extensions.worktreeConfig
 * says so) when repo is not NULL, then GIT_CONFIG_COUNT's and
 * GIT_CONFIG_PARAMETERS'.  0, or -1 with err (a file libgit2 cannot
 * parse).
 */
int	gitconfig_entries(struct cfg_list *out, const struct gitenv *env,
	    git_repository *repo, char *err, size_t errlen);

#endif
