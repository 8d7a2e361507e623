/*
 * west's imports: what a project's import: (true, a path, a list of
 * them, or a map with file, allowlists, blocklists and path-prefix) asks
 * for, and the projects it brings in, by west's rules: the importing
 * manifest's own projects win over imported ones, earlier imports over
 * later ones; a cycle or an import deeper than WEST_IMPORT_MAX_DEPTH is
 * an error naming the chain.  The files come from the import cache
 * (importcache.h), filled by a sync that read them at the importing
 * project's revision.
 *
 * This file holds the parts that do not read manifests (an import: value
 * is parsed by manifest_westimport.c): the paths a worker must read for it
 * (west_import_request), the files a cached set answers for one of them
 * (west_import_files), the files a self: import names beside the manifest
 * (west_self_files, read by the parent, never through a symbolic link),
 * and the allowlist/blocklist test (west_filter_allows).  manifest_west.c
 * reads what they bring in, recursively.
 */
#ifndef GITHERD_WESTIMPORT_H
#define GITHERD_WESTIMPORT_H

#include <stdbool.h>
#include <stddef.h>

#define WEST_IMPORT_MAX_DEPTH	8

struct import_set;

enum west_list {
	WEST_NAME_ALLOW,
	WEST_PATH_ALLOW,
	WEST_NAME_BLOCK,
	WEST_PATH_BLOCK,
	WEST_NLISTS
};

/* One thing an import: names: a path, with a map's filters and prefix. */
struct west_imap {
	char		 *file;		/* inside the project (or beside self) */
	char		**list[WEST_NLISTS];
	size_t		  nlist[WEST_NLISTS];
	bool		  filters;	/* some list is non-empty, as west asks */
	char		 *prefix;	/* path-prefix: as written; "" for none */
	unsigned	  line, col;	/* where it is written */
};

struct west_import {
	struct west_imap *v;
	size_t		  n;
	/* import: was one map: its path-prefix moves the project too */
	bool		  map;
};

/*
 * The filters in force while a file is read: every import map on the way
 * from the top manifest, each of which must let a project through.
 */
struct west_filters {
	const struct west_imap		*imap;
	const struct west_filters	*up;
};

/* One file an import brings in, in the order west reads them. */
struct west_file {
	char		*path;		/* as the import names it, or dir/x.yml */
	char		*text;		/* NUL-terminated */
	size_t		 len;
};

void	west_import_free(struct west_import *);
/* The paths a worker must read for it, '\n'-separated (caller frees). */
char	*west_import_request(const struct west_import *);

/*
 * The files set holds for imap's path, sorted as west reads them: the
 * file itself, or the .yml/.yaml files directly in the directory of that
 * name (none for an empty directory).  0, or -1 when the set says the
 * file is missing.
 */
int	west_import_files(const struct import_set *set, const char *path,
	    struct west_file **out, size_t *nout);
/*
 * The same for self: import:, read from dir (the manifest's directory):
 * rel must stay inside it and no symbolic link is followed; each file at
 * most max bytes.  0, or -1 with why.
 */
int	west_self_files(const char *dir, const char *rel, size_t max,
	    struct west_file **out, size_t *nout, char *why, size_t whylen);
void	west_files_free(struct west_file *, size_t);

/* Whether every filter lets the project (name, workspace path) in. */
bool	west_filter_allows(const struct west_filters *, const char *name,
	    const char *path);

#endif
