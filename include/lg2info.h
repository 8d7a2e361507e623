/*
 * The libgit2 the workers will load: its version and what it was built
 * with.  Both only read constants, so the parent may ask before any fork
 * without initialising libgit2: git_libgit2_init() sets up TLS, random
 * state and locks that fork() would copy into every worker, so only
 * workers call it, each after its fork.
 */
#ifndef GITHERD_LG2INFO_H
#define GITHERD_LG2INFO_H

#include <stdbool.h>
#include <stddef.h>

struct lg2info {
	char	version[32];	/* "1.8.4" */
	bool	https, ssh, threads;
};

void	lg2info_get(struct lg2info *);

#endif
