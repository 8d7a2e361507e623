/*
 * The machine-readable record of a run (--json FILE): one object per
 * repository with its status, error class, timings, sizes and HEAD.
 * URLs are written with their credentials redacted.
 */
#ifndef GITHERD_REPORT_H
#define GITHERD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "manifest.h"
#include "queue.h"

struct report_meta {
	const char	*libgit2;	/* version the workers run with */
	const char	*manifest;
	const char	*workspace;
	time_t		 started;
	int64_t		 duration_ms;
	int		 exit_code;
	const char	*signal;	/* "SIGINT" when interrupted, else NULL */
	size_t		 workers;
};

void	report_json(struct buf *, const struct queue *,
	    const struct report_meta *);
int	report_write(const char *file, const struct queue *,
	    const struct report_meta *, char *err, size_t errlen);
void	json_string(struct buf *, const char *);
/* The inside of a JSON string: text sanitised, '"' and '\\' escaped. */
void	json_escape(struct buf *, const char *text, size_t len);
/* An entry as the manifest asks for it: path, url (redacted), ref, flags,
 * groups; the members only, for report and `list --json` alike. */
void	report_spec(struct buf *, const struct repo_spec *);

#endif
