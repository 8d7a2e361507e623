/*
 * repo's manifest files, read into one list of top-level elements in
 * the order repo sees them: the manifest's own, each <include> replaced
 * by the elements of the file it names (recursively), then the local
 * manifests (the .xml files of local_manifests/ beside the manifest, or beside its
 * directory when that is named "manifests" as in repo's .repo/ layout),
 * in name order.  An include is named relative to the manifest's
 * directory and never leaves it: no absolute name, no "." or ".."
 * component, no symbolic link on the way (fs_walk); at most
 * REPOLOAD_MAX_DEPTH includes deep, no file including itself, and
 * MANIFEST_MAX_BYTES in all the files together.  Each element remembers
 * its file and the groups and revision of the includes it came through.
 * The meaning of the elements is manifest_repo.c's.
 */
#ifndef GITHERD_REPOLOAD_H
#define GITHERD_REPOLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest_read.h"
#include "xtree.h"

#define REPOLOAD_MAX_DEPTH	8

struct repofile {
	char		*name;		/* for messages; NULL: the manifest */
	struct xnode	*root;
	char		*local_group;	/* local manifests: "local::NAME" */
};

struct reponode {
	const struct xnode *x;
	size_t		 file;		/* index in files */
	const char	*groups;	/* the includes' groups, or NULL */
	const char	*revision;	/* the nearest include's, or NULL */
};

struct repoload {
	struct manifest_parse *p;
	char		*dir;		/* the manifest's directory */
	int		 dirfd;		/* -1 until an include is read */
	size_t		 bytes;		/* read so far, all files */
	struct repofile	*files;
	size_t		 nfiles;
	struct reponode	*nodes;
	size_t		 nnodes;
	const char	*stack[REPOLOAD_MAX_DEPTH + 1];	/* include names */
	char		**strings;	/* what groups point into */
	size_t		 nstrings;
};

void	repoload_init(struct repoload *, struct manifest_parse *);
void	repoload_release(struct repoload *);
/* The manifest's text, its includes and local manifests: 0, or -1. */
int	repoload_read(struct repoload *, const char *text, size_t len);
/* An error at x in file f, counted in the parse (manifest_error's way). */
void	repoload_error(struct repoload *, size_t f, const struct xnode *x,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Why name cannot name a file below a directory ("." and ".." refused). */
const char *repoload_name_problem(const char *name);

#endif
