/*
 * The libgit2 side of a job, run in a worker process only: clone one
 * repository (any mode) into a temporary sibling and move it into place.
 * It reports through callbacks and never prints.
 */
#ifndef GITHERD_GITOPS_H
#define GITHERD_GITOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "errclass.h"
#include "wire.h"

struct gitops_events {
	void	(*phase)(void *ctx, enum phase);
	void	(*progress)(void *ctx, const struct wire_progress *, bool force);
	void	(*warn)(void *ctx, const char *text);
	bool	(*cancelled)(void *ctx);
	void	*ctx;
	const struct auth_config *auth;	/* the worker's, for every job */
};

struct gitops_result {
	enum job_result	 result;
	enum err_class	 err_class;
	int		 git_code;
	int		 git_klass;
	char		 message[1024];	/* error, reason to skip, or status */
	char		 head[41];
	char		 where[300];	/* "branch main", "tag v1", ... */
	uint64_t	 bytes;
	uint64_t	 objects;
	bool		 shallow;
	bool		 fetched;
	unsigned	 retry_after_ms;	/* a 429's Retry-After */
	/* status */
	enum entry_state state;
	unsigned	 ahead, behind, dirty;
};

int	gitops_global_init(int connect_timeout_ms, int read_timeout_ms,
	    unsigned long max_objects, const char *ca_file, char *err,
	    size_t errlen);
void	gitops_global_shutdown(void);
void	gitops_sync(const struct wire_job *, const struct gitops_events *,
	    struct gitops_result *);
void	gitops_status(const struct wire_job *, const struct gitops_events *,
	    struct gitops_result *);

#endif
