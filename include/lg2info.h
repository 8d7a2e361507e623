/*
 * The libgit2 the workers will load: its version and what it was built
 * with.  Both only read constants, so main.c may ask before any fork
 * without libgit2 being initialised in the parent (LIBGIT2.md §1).
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
