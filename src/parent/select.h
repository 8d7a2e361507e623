/*
 * Which entries a command works on: paths (an entry, a directory holding
 * entries, or a path inside an entry), groups to take or leave out, and
 * a shard of what remains.  A path or group that matches nothing is an
 * error: it is almost always a typo, and a CI job should not go green on
 * an empty selection.
 */
#ifndef GITHERD_SELECT_H
#define GITHERD_SELECT_H

#include <stddef.h>

#include "manifest.h"

struct selection {
	const char	**paths;
	size_t		  npaths;
	const char	**groups, **excludes;
	size_t		  ngroups, nexcludes;
	unsigned	  shard, nshards;	/* 1-based; nshards 0: all */
	bool		  shard_by_hash;	/* --shard-by hash */
};

/* Drops the entries left out; -1 with why in err (exit 2). */
int	select_apply(struct manifest *, const struct selection *, char *err,
	    size_t errlen);

#endif
