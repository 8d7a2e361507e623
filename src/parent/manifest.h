/*
 * The manifest: githerd's own YAML format, vcstool's .repos format,
 * Zephyr's west.yml or Google repo's XML, parsed and validated into a
 * list of repository specs.  Nothing here touches the network; the only
 * files read are the manifest and what it brings in by name (repo's
 * includes and local manifests, west's self imports), and west's project
 * imports come from an import cache the caller fills (importcache.h).
 * manifest.c reads the file, parses it and picks the format; each
 * format's reader is manifest_<format>.c; manifest_paths.c checks the
 * paths of all entries together; what they share is manifest_read.h.
 */
#ifndef GITHERD_MANIFEST_H
#define GITHERD_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diags.h"
#include "types.h"

#define MANIFEST_MAX_BYTES	(8u << 20)
#define MANIFEST_MAX_ENTRIES	100000
#define MANIFEST_MAX_URL	2048
#define MANIFEST_MAX_REF	255
#define MANIFEST_MAX_GROUP	64
#define MANIFEST_MAX_HOST_JOBS	1024

enum manifest_format {
	MANIFEST_GITHERD,
	MANIFEST_VCSTOOL,
	MANIFEST_WEST,		/* west.yml: manifest: projects: */
	MANIFEST_REPO,		/* repo's XML: <manifest><project .../> */
};

/* repo's <linkfile> and <copyfile>, done after the entry's sync. */
struct file_copy {
	bool		 symlink;	/* linkfile: dest is a link to src */
	char		*src;		/* relative to the entry's work tree */
	char		*dest;		/* workspace-relative */
	unsigned	 line, col;
	char		*file;		/* where it was written (an include) */
};

struct west_import;		/* westimport.h: what a project imports */

struct repo_spec {
	char		 *url;
	char		 *path;		/* workspace-relative, validated */
	enum ref_kind	  ref_kind;
	char		 *ref;		/* NULL for REF_DEFAULT */
	int		  depth;	/* 0: full history */
	bool		  submodules;
	bool		  bare;
	bool		  mirror;	/* implies bare */
	char		**groups;
	size_t		  ngroups;
	uint64_t	  size_hint;	/* bytes, 0 if not given */
	unsigned	  line, col;	/* where the entry starts */
	/*
	 * A vcstool entry of another type (hg, svn, bzr, tar, ...): kept
	 * as written (url, version in ref) and never synced; NULL for git.
	 */
	char		 *vcs_type;
	/*
	 * Nesting (manifest_paths.c), over the whole manifest, whatever a
	 * run selects: the path of the nearest entry this one is inside,
	 * and the paths of the entries directly inside this one, relative
	 * to it and '\n'-separated; NULL for none.
	 */
	char		 *outer;
	char		 *inner;
	/* --follow-symlinks: how many leading components of path may be
	 * a symbolic link the user placed (userlinks.c); 0 without it. */
	unsigned	  links;
	/* west and repo: the project's name and its remote's (NULL when
	 * given by url:), repo's upstream=, as written */
	char		 *name;
	char		 *remote;
	char		 *upstream;
	/* west's group-filter or repo's notdefault: left out unless a
	 * --group names one of its groups */
	bool		  inactive;
	struct file_copy *copies;
	size_t		  ncopies;
	struct west_import *import;	/* west: its import:, or NULL */
	/* west's submodules: as a list: the paths to take, '\n'-separated
	 * (submodules is true); NULL: all of them */
	char		 *submodule_paths;
};

/* hosts: in the manifest: at most jobs at a time on one server. */
struct host_rule {
	char		*host;		/* lower case; "host" or "host:port" */
	unsigned	 jobs;
};

/*
 * A URL in the text that carries credentials: where it is (its scalar,
 * quotes included) and what it is as parsed.  Kept for every entry,
 * selected or not, so that no copy of the manifest keeps a secret.
 */
struct secret_url {
	unsigned	 start, end;
	char		*url;
};

struct manifest {
	char			*file;
	char			*text;		/* the file as read */
	size_t			 textlen;
	struct secret_url	*secrets;	/* in text order */
	size_t			 nsecrets;
	enum manifest_format	 format;
	struct repo_spec	*repos;
	size_t			 nrepos;
	struct host_rule	*hosts;
	size_t			 nhosts;
	char			*cache;		/* defaults: cache:, as written */
	bool			 follow_symlinks; /* defaults: follow_symlinks: */
	unsigned		 sync_jobs;	/* repo's <default sync-j>; 0 */
	/*
	 * west: the entries whose import: the cache could not answer yet
	 * (their indexes in repos), so the entries they bring in are not
	 * here; a sync fetches them and parses again.
	 */
	size_t			*needs;
	size_t			 nneeds;
};

struct import_cache;		/* importcache.h */

void	manifest_init(struct manifest *);
void	manifest_release(struct manifest *);
enum manifest_flags {
	MANIFEST_ALLOW_LOCAL = 1 << 0,	/* file:// and paths (--allow-local) */
};

int	manifest_load(struct manifest *, const char *file, struct diags *);
int	manifest_load_flags(struct manifest *, const char *file, unsigned flags,
	    struct diags *);
int	manifest_parse(struct manifest *, const char *name, const char *buf,
	    size_t len, struct diags *);
int	manifest_parse_flags(struct manifest *, const char *name,
	    const char *buf, size_t len, unsigned flags, struct diags *);
/* As manifest_load_flags, with west's project imports read from cache. */
int	manifest_load_imports(struct manifest *, const char *file,
	    unsigned flags, const struct import_cache *, struct diags *);
/*
 * As manifest_load_flags and manifest_parse_flags, with the URL repo's
 * relative <remote fetch> URLs are resolved against (--manifest-url);
 * NULL: the origin of the git checkout the manifest lies in.
 */
int	manifest_load_url(struct manifest *, const char *file, unsigned flags,
	    const char *url, struct diags *);
int	manifest_parse_url(struct manifest *, const char *name,
	    const char *buf, size_t len, unsigned flags, const char *url,
	    struct diags *);
/* Where the files and URLs a manifest names come from; all optional. */
struct manifest_from {
	const struct import_cache *imports;	/* west's project imports */
	const char	*url;	/* repo: relative fetch URLs' base */
	const char	*dir;	/* west's self imports; NULL: the file's own */
};
int	manifest_load_from(struct manifest *, const char *file, unsigned flags,
	    const struct manifest_from *, struct diags *);
/* Drop the entries whose keep[] is false, keeping the others' order. */
void	manifest_keep(struct manifest *, const bool *keep);

#endif
