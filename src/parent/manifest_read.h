/*
 * What manifest.c shares with the format readers (manifest_githerd.c,
 * manifest_vcstool.c) and manifest_paths.c: the state of one parse, an
 * entry's fields while they are read, and the checks every format makes.
 * Every error goes through manifest_error, which counts it: a manifest
 * with any error yields no entries.  Private to the manifest's files.
 */
#ifndef GITHERD_MANIFEST_READ_H
#define GITHERD_MANIFEST_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "yamltree.h"

/* One entry (or the defaults) while it is being read. */
struct manifest_fields {
	const struct ynode	*url;
	const struct ynode	*path;
	const struct ynode	*ref;		/* value node of branch/tag/commit */
	const struct ynode	*ref_key;
	enum ref_kind		 kind;
	const struct ynode	*groups;
	int			 depth;
	bool			 submodules, bare, mirror;
	const struct ynode	*bare_node, *mirror_node, *sub_node, *depth_node;
	uint64_t		 size_hint;
	const struct ynode	*vcs_type;	/* vcstool, not git: kept, unsynced */
};

struct manifest_parse {
	struct diags	*d;
	struct manifest	*m;
	unsigned	 flags;		/* enum manifest_flags */
	const struct import_cache *imports;	/* west: or NULL */
	/* the file being read when it is not the manifest (west's
	 * imports): errors name it; NULL for the manifest itself */
	const char	*file;
	const char	*manifest_url;	/* repo: the manifest's URL, or NULL */
	const char	*base_dir;	/* west's self imports; NULL: beside it */
	int		 errors;
};

/* What a manifest (or a file it imports) may be: bounds for libyaml. */
extern const struct ytree_limits manifest_limits;

void	manifest_error(struct manifest_parse *, const struct ynode *,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "unknown key 'x' in WHERE (did you mean 'y'?)" */
void	manifest_unknown_key(struct manifest_parse *, const struct ynode *key,
	    const char *where, const char *const *known);
/* v is a non-empty string of at most max bytes; else -1 after an error. */
int	manifest_want_string(struct manifest_parse *, const struct ynode *key,
	    const struct ynode *v, size_t max);
/* A plain true or false (YAML 1.2's spellings); else -1 after an error. */
int	manifest_want_bool(struct manifest_parse *, const struct ynode *key,
	    const struct ynode *v, bool *out);
/* A whole number of commits (0: full history); else -1 after an error. */
int	manifest_want_depth(struct manifest_parse *, const struct ynode *key,
	    const struct ynode *v, int *out);
/* Why s cannot be a branch or tag name, or NULL if it can. */
const char *manifest_ref_problem(const char *s);
bool	manifest_is_full_hex(const char *s);
/* Note a scalar of the manifest's text whose URL carries credentials. */
void	manifest_note_secret(struct manifest *, const struct ynode *url);
const struct ynode *manifest_map_get(const struct ynode *map, const char *key,
	    const struct ynode **keynode);
/* One entry from its fields, its URL and path checked; path is taken. */
void	manifest_add_spec(struct manifest_parse *,
	    const struct manifest_fields *, const struct ynode *entry,
	    char *path, const struct ynode *pathnode);

void	manifest_githerd_read(struct manifest_parse *,
	    const struct ynode *root);
void	manifest_vcstool_read(struct manifest_parse *,
	    const struct ynode *root);
/* west.yml (manifest_west.c), with its imports (westimport.c). */
void	manifest_west_read(struct manifest_parse *, const struct ynode *root);
/*
 * v, the value of an import: key (what names where it is, for errors):
 * NULL for false (or after an error, counted in p); self says whether it
 * is self: import:, where true is refused as west refuses it.
 */
struct west_import *manifest_west_import_parse(struct manifest_parse *p,
	    const struct ynode *v, const char *what, bool self);
/* repo's XML (manifest_repo.c): parsed with expat, not libyaml. */
void	manifest_repo_read(struct manifest_parse *, const char *text,
	    size_t len);
/* Whether text is XML (its first byte past a BOM and blanks is '<'). */
bool	manifest_is_xml(const char *text, size_t len);
/* Paths across entries: no two the same, none inside another's .git. */
void	manifest_paths_check(struct manifest_parse *);

#endif
