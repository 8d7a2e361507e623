/*
 * --shard auto: every engine's variables, as each engine sets them, and
 * what is refused.  The environment is a table here.
 */
#include <criterion/criterion.h>

#include <stddef.h>
#include <string.h>

#include "jobarray.h"

static const char *const *table;

static const char *
lookup(const char *name)
{
	size_t i;

	for (i = 0; table[i] != NULL; i += 2)
		if (strcmp(table[i], name) == 0)
			return table[i + 1];
	return NULL;
}

static int
detect(const char *const *env, unsigned count, struct jobarray *ja,
    char *err)
{
	table = env;
	return jobarray_detect(lookup, count, 1000, ja, err, 400);
}

Test(jobarray, each_engine)
{
	static const char *const k8s[] = { "JOB_COMPLETION_INDEX", "0", NULL };
	static const char *const gitlab[] = { "CI_NODE_INDEX", "3",
	    "CI_NODE_TOTAL", "4", NULL };
	static const char *const buildkite[] = { "BUILDKITE_PARALLEL_JOB", "1",
	    "BUILDKITE_PARALLEL_JOB_COUNT", "2", NULL };
	static const char *const circle[] = { "CIRCLE_NODE_INDEX", "0",
	    "CIRCLE_NODE_TOTAL", "5", NULL };
	static const char *const slurm[] = { "SLURM_ARRAY_TASK_ID", "12",
	    "SLURM_ARRAY_TASK_MIN", "10", "SLURM_ARRAY_TASK_COUNT", "3", NULL };
	static const char *const aws[] = { "AWS_BATCH_JOB_ARRAY_INDEX", "7",
	    NULL };
	struct jobarray ja;
	char err[400];

	cr_assert_eq(detect(k8s, 3, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 1 && ja.count == 3);
	cr_expect_str_eq(ja.vars, "JOB_COMPLETION_INDEX=0");
	cr_assert_eq(detect(gitlab, 0, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 3 && ja.count == 4, "GitLab counts from 1");
	cr_expect_str_eq(ja.engine, "GitLab");
	cr_expect_str_eq(ja.vars, "CI_NODE_INDEX=3, CI_NODE_TOTAL=4");
	cr_assert_eq(detect(buildkite, 2, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 2 && ja.count == 2);
	cr_assert_eq(detect(circle, 0, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 1 && ja.count == 5);
	cr_assert_eq(detect(slurm, 0, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 3 && ja.count == 3, "Slurm from its first id");
	cr_expect_str_eq(ja.vars, "SLURM_ARRAY_TASK_ID=12, "
	    "SLURM_ARRAY_TASK_MIN=10, SLURM_ARRAY_TASK_COUNT=3");
	cr_assert_eq(detect(aws, 8, &ja, err), 0, "%s", err);
	cr_expect(ja.index == 8 && ja.count == 8);
}

Test(jobarray, refusals)
{
	static const char *const none[] = { "PATH", "/bin", NULL };
	static const char *const k8s[] = { "JOB_COMPLETION_INDEX", "4", NULL };
	static const char *const gitlab[] = { "CI_NODE_INDEX", "0",
	    "CI_NODE_TOTAL", "4", NULL };
	static const char *const garbage[] = { "CIRCLE_NODE_INDEX", "1x",
	    "CIRCLE_NODE_TOTAL", "4", NULL };
	struct jobarray ja;
	char err[400];

	cr_expect_eq(detect(none, 0, &ja, err), -1);
	cr_expect_not_null(strstr(err, "no job array in the environment"), "%s",
	    err);
	cr_expect_eq(detect(k8s, 0, &ja, err), -1);
	cr_expect_not_null(strstr(err, "--shard auto/N"), "%s", err);
	cr_expect_eq(detect(k8s, 4, &ja, err), -1, "index 4 of 4 (from 0)");
	cr_expect_eq(detect(gitlab, 0, &ja, err), -1, "GitLab's 0");
	cr_expect_eq(detect(gitlab, 3, &ja, err), -1, "a count that disagrees");
	cr_expect_eq(detect(garbage, 0, &ja, err), -1);
	cr_expect_not_null(strstr(err, "CIRCLE_NODE_INDEX=1x is not a number"),
	    "%s", err);
}
