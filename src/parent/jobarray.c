#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobarray.h"

/* One engine: its index variable (and its base), its count variable. */
struct engine {
	const char	*name;
	const char	*index_var;
	int		 base;		/* the first index: 0 or 1 */
	const char	*count_var;	/* NULL: the engine gives none */
	const char	*min_var;	/* Slurm: the first index, if set */
};

static const struct engine engines[] = {
	{ "a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", 0, NULL, NULL },
	{ "GitLab", "CI_NODE_INDEX", 1, "CI_NODE_TOTAL", NULL },
	{ "Buildkite", "BUILDKITE_PARALLEL_JOB", 0,
	    "BUILDKITE_PARALLEL_JOB_COUNT", NULL },
	{ "CircleCI", "CIRCLE_NODE_INDEX", 0, "CIRCLE_NODE_TOTAL", NULL },
	{ "a Slurm job array", "SLURM_ARRAY_TASK_ID", 0,
	    "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN" },
	{ "an AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", 0, NULL,
	    NULL },
};

#define NENGINES	(sizeof(engines) / sizeof(*engines))

/* A whole decimal number, nothing around it. */
static int
number(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out < 1000000000UL ? 0 : -1;
}

static void
append_var(struct jobarray *out, const char *name, unsigned long value)
{
	size_t n = strlen(out->vars);

	snprintf(out->vars + n, sizeof(out->vars) - n, "%s%s=%lu",
	    n > 0 ? ", " : "", name, value);
}

static int
read_engine(jobarray_env env, const struct engine *e, unsigned count,
    unsigned max, struct jobarray *out, char *err, size_t errlen)
{
	const char *iv = env(e->index_var), *cv = NULL, *mv = NULL;
	unsigned long index, total = 0, first = (unsigned long)e->base;

	if (number(iv, &index) == -1) {
		snprintf(err, errlen, "--shard auto: %s=%.40s is not a number "
		    "(%s)", e->index_var, iv, e->name);
		return -1;
	}
	if (e->min_var != NULL && (mv = env(e->min_var)) != NULL &&
	    number(mv, &first) == -1) {
		snprintf(err, errlen, "--shard auto: %s=%.40s is not a number "
		    "(%s)", e->min_var, mv, e->name);
		return -1;
	}
	if (e->count_var != NULL && (cv = env(e->count_var)) != NULL &&
	    number(cv, &total) == -1) {
		snprintf(err, errlen, "--shard auto: %s=%.40s is not a number "
		    "(%s)", e->count_var, cv, e->name);
		return -1;
	}
	if (total == 0 && count == 0) {
		snprintf(err, errlen, "--shard auto: %s gives the index (%s) "
		    "but not the count: say it with --shard auto/N", e->name,
		    e->index_var);
		return -1;
	}
	if (total != 0 && count != 0 && total != count) {
		snprintf(err, errlen, "--shard auto/%u, but %s says %s=%lu",
		    count, e->name, e->count_var, total);
		return -1;
	}
	if (total == 0)
		total = count;
	if (index < first || index - first >= total || total > max) {
		snprintf(err, errlen, "--shard auto: %s=%lu is not one of %lu "
		    "shards counted from %lu (%s)", e->index_var, index, total,
		    first, e->name);
		return -1;
	}
	out->index = (unsigned)(index - first + 1);
	out->count = (unsigned)total;
	out->engine = e->name;
	/* what was read: the user checks it against the CI's settings */
	append_var(out, e->index_var, index);
	if (mv != NULL)
		append_var(out, e->min_var, first);
	if (cv != NULL)
		append_var(out, e->count_var, total);
	return 0;
}

int
jobarray_detect(jobarray_env env, unsigned count, unsigned max,
    struct jobarray *out, char *err, size_t errlen)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < NENGINES; i++)
		if (env(engines[i].index_var) != NULL)
			return read_engine(env, &engines[i], count, max, out,
			    err, errlen);
	snprintf(err, errlen, "--shard auto: no job array in the environment "
	    "(looked for JOB_COMPLETION_INDEX, CI_NODE_INDEX, "
	    "BUILDKITE_PARALLEL_JOB, CIRCLE_NODE_INDEX, SLURM_ARRAY_TASK_ID, "
	    "AWS_BATCH_JOB_ARRAY_INDEX)");
	return -1;
}
