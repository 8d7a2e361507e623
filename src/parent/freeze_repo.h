/*
 * repo's XML written back from a parsed manifest, includes and local
 * manifests flattened into one file: a <remote> per remote the projects
 * use (its fetch URL resolved, without credentials), a <default> with
 * sync-j, and each project with its name, path, remote, revision,
 * upstream, clone-depth, sync-s, the groups it was given (not the ones
 * every project has) and its copyfile/linkfile.  freeze pins a project as
 * `repo manifest -r` does: revision= the commit, upstream= the branch or
 * tag it was at; manifest_repo.c keeps the unpinned form as the text a
 * sync saves.  Values are escaped for XML; nothing is sanitised away,
 * since each was checked when the manifest was read.
 */
#ifndef GITHERD_FREEZE_REPO_H
#define GITHERD_FREEZE_REPO_H

#include "buf.h"
#include "manifest.h"

/* <?xml?>, the comment (or none), <manifest>, remotes and <default>. */
void	freeze_repo_begin(struct buf *, const struct manifest *,
	    const char *comment);
/*
 * One project: as read when commit is NULL; else at commit, or at
 * branch (freeze --branches) when that is not NULL.
 */
void	freeze_repo_project(struct buf *, const struct repo_spec *,
	    const char *commit, const char *branch);
void	freeze_repo_end(struct buf *);
/* begin, every entry as read, end. */
void	freeze_repo_write(struct buf *, const struct manifest *,
	    const char *comment);

#endif
