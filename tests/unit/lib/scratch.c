#include <criterion/criterion.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "scratch.h"
#include "xmalloc.h"

#define TEMPLATE "/tmp/githerd-unit-XXXXXX"

char scratch_root[sizeof(TEMPLATE)];

void
scratch_init(void)
{
	memcpy(scratch_root, TEMPLATE, sizeof(TEMPLATE));
	cr_assert_not_null(mkdtemp(scratch_root), "mkdtemp: %s", strerror(errno));
}

void
scratch_fini(void)
{
	fs_rmtree(scratch_root);
}

char *
scratch_at(const char *rel)
{
	return xasprintf("%s/%s", scratch_root, rel);
}

void
scratch_put(const char *rel, const char *text)
{
	char *p = scratch_at(rel);
	FILE *f = fopen(p, "w");

	cr_assert_not_null(f, "%s: %s", p, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "%s", p);
	free(p);
}

void
scratch_dir(const char *rel)
{
	char *p = scratch_at(rel);

	cr_assert_eq(mkdir(p, 0777), 0, "%s: %s", p, strerror(errno));
	free(p);
}

bool
scratch_exists(const char *rel)
{
	char *p = scratch_at(rel);
	struct stat st;
	bool yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

char *
scratch_unrooted(char *text)
{
	size_t n = strlen(scratch_root);
	char *at;

	while ((at = strstr(text, scratch_root)) != NULL)
		memmove(at, at + n + 1, strlen(at + n + 1) + 1);
	return text;
}
