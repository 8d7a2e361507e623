/*
 * The import cache: the files west's project imports read, per importing
 * project (its URL and revision as written) and path inside it, as a
 * worker read them at the revision a sync fetched (msg.h's MSG_FILE).
 * Kept in the workspace's state (IMPORT_CACHE_FILE), so that status,
 * list, freeze and exec resolve the imports as the last sync did.  Plain
 * data and files only: no process, no terminal.
 */
#ifndef GITHERD_IMPORTCACHE_H
#define GITHERD_IMPORTCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

#define IMPORT_CACHE_FILE	".githerd/imports"
#define IMPORT_CACHE_MAX_BYTES	(64u << 20)

/* One file an import asked for, or a .yml file of a directory it named. */
struct import_file {
	char		*path;		/* inside the project */
	char		*text;		/* NUL-terminated; NULL if missing */
	size_t		 len;
	enum file_status status;
};

/* What one importing project's files were. */
struct import_set {
	char			*url;
	char			*rev;		/* as written; "" for none */
	char			*commit;	/* hex, where they were read */
	struct import_file	*files;
	size_t			 nfiles;
	bool			 open;		/* the last file has more */
};

struct import_cache {
	struct import_set	*sets;
	size_t			 nsets;
};

/* The set for (url, rev), or NULL if no sync read it. */
const struct import_set *import_cache_find(const struct import_cache *,
	    const char *url, const char *rev);
/* The file path of set, or NULL. */
const struct import_file *import_set_file(const struct import_set *,
	    const char *path);

/* A piece of a file from a worker; -1 with why in err if it breaks
 * the protocol or the caps (MSG_FILE_MAX_FILES, MSG_FILE_MAX_BYTES). */
int	import_set_take(struct import_set *, const struct msg_file *,
	    char *err, size_t errlen);
void	import_set_release(struct import_set *);

/* A copy of set into the cache as (url, rev), replacing what was there. */
void	import_cache_put(struct import_cache *, const char *url,
	    const char *rev, const struct import_set *);
void	import_cache_release(struct import_cache *);

/* The cache to or from file (atomic write, private); a missing file is
 * an empty cache.  -1 with why in err. */
int	import_cache_save(const struct import_cache *, const char *file,
	    char *err, size_t errlen);
int	import_cache_load(struct import_cache *, const char *file, char *err,
	    size_t errlen);

#endif
