/*
 * Which shard of a CI job array this run is (--shard auto), read from the
 * environment of the engine that started it: Kubernetes Indexed Jobs,
 * GitLab parallel jobs, Buildkite, CircleCI, Slurm job arrays and AWS
 * Batch array jobs.  Engines that give an index but no count (Kubernetes,
 * AWS Batch) need it from --shard auto/N; where the engine gives both, a
 * count given too must agree.  Pure: the environment is a function, so
 * that every engine is tested without being one.
 */
#ifndef GITHERD_JOBARRAY_H
#define GITHERD_JOBARRAY_H

#include <stddef.h>

typedef const char *(*jobarray_env)(const char *name);

struct jobarray {
	unsigned	 index;		/* 1-based, as --shard I/N */
	unsigned	 count;
	const char	*engine;	/* "GitLab", ... */
	char		 vars[200];	/* "CI_NODE_INDEX=2, CI_NODE_TOTAL=4" */
};

/*
 * count 0: not given.  0, or -1 with err saying what was looked for or
 * what is wrong with what was found.
 */
int	jobarray_detect(jobarray_env env, unsigned count, unsigned max,
	    struct jobarray *out, char *err, size_t errlen);

#endif
