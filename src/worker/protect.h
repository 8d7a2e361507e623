/*
 * Path protections for every checkout: core.protectNTFS and
 * core.protectHFS forced on in memory, for one repository.  Worker only.
 */
#ifndef GITHERD_PROTECT_H
#define GITHERD_PROTECT_H

#include <git2.h>

/* 0, or a libgit2 error code (git_error_last() says why). */
int	protect_repo(git_repository *);

#endif
