/*
 * The import cache: the files west's project imports read, per importing
 * project (its URL and revision as written) and path inside it, as a
 * worker read them at the revision a sync fetched.  Kept in the
 * workspace's state, so that status, list, freeze and exec resolve the
 * imports as the last sync did.
 */
#ifndef GITHERD_IMPORTCACHE_H
#define GITHERD_IMPORTCACHE_H

#include <stdbool.h>
#include <stddef.h>

/* One file an import asked for, or a .yml file of a directory it named. */
struct import_file {
	char		*path;		/* inside the project */
	char		*text;		/* NUL-terminated; NULL if missing */
	size_t		 len;
};

/* What one importing project's files were. */
struct import_set {
	char			*url;
	char			*rev;		/* as written; "" for none */
	char			*commit;	/* hex, where they were read */
	struct import_file	*files;
	size_t			 nfiles;
};

struct import_cache {
	struct import_set	*sets;
	size_t			 nsets;
};

/* The set for (url, rev), or NULL if no sync read it. */
const struct import_set *import_cache_find(const struct import_cache *,
	    const char *url, const char *rev);

#endif
