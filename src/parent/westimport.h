/*
 * west's imports: what a project's import: (true, a path, a list of
 * them, or a map with file, allowlists, blocklists and path-prefix) asks
 * for, and the projects it brings in, by west's rules: the importing
 * manifest's own projects win over imported ones, earlier imports over
 * later ones; a cycle or an import deeper than WEST_IMPORT_MAX_DEPTH is
 * an error naming the chain.  The files come from the import cache
 * (importcache.h), filled by a sync that read them at the importing
 * project's revision.
 */
#ifndef GITHERD_WESTIMPORT_H
#define GITHERD_WESTIMPORT_H

#define WEST_IMPORT_MAX_DEPTH	8

struct west_import;

void	west_import_free(struct west_import *);
/* The paths a worker must read at the project's revision, '\n'-separated
 * (msg_job.imports); the caller frees it. */
char	*west_import_request(const struct west_import *);


#endif
