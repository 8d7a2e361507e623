/*
 * githerd report merge: the --json reports of the shards of one job
 * array folded into the report one run over the whole selection would
 * have written: every entry once (an entry in two reports is an error,
 * as overlapping shards are), counts summed, the earliest start, the
 * longest duration, the worst exit code.  The reports are read with
 * libyaml (JSON is a subset of the YAML they are written in) and checked
 * for the shape githerd writes; anything else is an error naming the
 * file, line and column.
 */
#ifndef GITHERD_REPORTMERGE_H
#define GITHERD_REPORTMERGE_H

#include <stddef.h>

#include "buf.h"

#define REPORTMERGE_MAX_BYTES	(512u << 20)

/* 0 with the merged report in out, or -1 with err. */
int	reportmerge(const char *const *files, size_t nfiles, struct buf *out,
	    char *err, size_t errlen);

#endif
