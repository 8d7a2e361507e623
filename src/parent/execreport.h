/*
 * githerd exec --json FILE: one document for the whole run, with each
 * entry as the manifest asks for it (report_spec), how its command ended
 * (status, exit code or signal, why), how long it took, and its output,
 * sanitised like every other string of a report, newlines and tabs kept
 * as JSON escapes.  Written whole or not at all ('-': standard output).
 */
#ifndef GITHERD_EXECREPORT_H
#define GITHERD_EXECREPORT_H

#include <stddef.h>

#include "buf.h"
#include "execresult.h"

struct execreport_meta {
	const char	*manifest;
	const char	*workspace;
	char *const	*argv;		/* the command, NULL-terminated */
	size_t		 jobs;
	int		 exit_code;	/* what the shell will see */
};

void	execreport_json(struct buf *, const struct exec_run *,
	    const struct execreport_meta *);
int	execreport_write(const char *file, const struct exec_run *,
	    const struct execreport_meta *, char *err, size_t errlen);

#endif
