/*
 * The worker process: says HELLO, then takes JOB after JOB from its
 * socket until EOF, reporting PHASE / PROGRESS / LOG and one DONE per job.
 * It initialises libgit2 itself, after fork (the parent never does).
 */
#ifndef GITHERD_WORKER_H
#define GITHERD_WORKER_H

#include <stdbool.h>

#include "auth.h"
#include "gitenv.h"
#include "lg2info.h"

/* What every worker is started with (copied by fork). */
struct worker_config {
	int			connect_timeout_ms;
	int			read_timeout_ms;
	unsigned long		max_objects;	/* per received pack; 0: no cap */
	unsigned long long	max_file_size;	/* RLIMIT_FSIZE; 0: none */
	unsigned long long	max_memory;	/* libgit2's heap; 0: none */
	struct auth_config	auth;
	const char		*ca_file;	/* --ca-file, or NULL */
	const char		*cache_dir;	/* --cache (absolute), or NULL */
	int			 cache_wait_ms;	/* --cache-wait */
	int			 cache_mode;	/* enum cache_mode */
	bool			 cache_dissociate;	/* --dissociate */
	const struct gitenv	*gitenv;	/* read by the parent, once */
};

int	worker_main(int fd, void *arg);	/* arg: struct worker_config */

/*
 * The worker side as main.c hands it to the parent's commands: the parent
 * links no libgit2 (make check-layers), so it reaches the worker only
 * through these pointers.
 */
struct worker_side {
	int	(*main)(int fd, void *arg);	/* worker_main */
	void	(*lg2info)(struct lg2info *);	/* lg2info_get */
};

#endif
