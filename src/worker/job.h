/*
 * One job of a worker: sync (clone, or update what is on disk), status,
 * or retire (sync --prune) for one entry.  It reports through the events
 * and never prints.  Worker processes only.
 */
#ifndef GITHERD_JOB_H
#define GITHERD_JOB_H

#include "gitctx.h"
#include "msg.h"

void	job_sync(const struct msg_job *, const struct gitctx_events *,
	    struct job_result *);
void	job_status(const struct msg_job *, const struct gitctx_events *,
	    struct job_result *);
void	job_retire(const struct msg_job *, const struct gitctx_events *,
	    struct job_result *);

#endif
