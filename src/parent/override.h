/*
 * What the command line asks of every selected entry, over the
 * manifest's own keys: --depth N (--shallow is depth 1) for 'depth', and
 * --recursive / --no-recursive for 'submodules', as vcs import's
 * --shallow and --recursive do.  The workers then treat the entries as if
 * the manifest said so: a full clone is never made shallow (a warning),
 * and over git:// or ssh a depth gives the full history (a warning), as
 * for a depth in the manifest.  Entries the key cannot apply to keep
 * theirs: a mirror is never shallow, and a bare clone has no work tree
 * for submodules; note says which.
 */
#ifndef GITHERD_OVERRIDE_H
#define GITHERD_OVERRIDE_H

#include "buf.h"
#include "cli.h"
#include "manifest.h"

/* Apply cli's overrides to m's entries; what they passed over, in note. */
void	override_apply(struct manifest *m, const struct cli *cli,
	    struct buf *note);

#endif
