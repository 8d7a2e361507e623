#include <stdlib.h>
#include <string.h>

#include "userlinks.h"
#include "xmalloc.h"

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
is_entry(const char **sorted, size_t n, const char *path)
{
	return bsearch(&path, sorted, n, sizeof(*sorted), path_cmp) != NULL;
}

/*
 * The leading components of path's parent that no entry holds: a
 * prefix lies inside an entry exactly when it, or one of its own leading
 * prefixes, is an entry's path.
 */
static unsigned
depth_of(const char **sorted, size_t n, const char *path)
{
	char *prefix = xstrdup(path);
	unsigned depth = 0;
	char *slash;

	for (slash = strchr(prefix, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (is_entry(sorted, n, prefix))
			break;
		*slash = '/';
		depth++;
	}
	free(prefix);
	return depth;
}

void
userlinks_apply(struct manifest *m, bool follow)
{
	const char **sorted;
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		m->repos[i].links = 0;
	if (!follow || m->nrepos == 0)
		return;
	sorted = xcalloc(m->nrepos, sizeof(*sorted));
	for (i = 0; i < m->nrepos; i++)
		sorted[i] = m->repos[i].path;
	qsort(sorted, m->nrepos, sizeof(*sorted), path_cmp);
	for (i = 0; i < m->nrepos; i++)
		m->repos[i].links = depth_of(sorted, m->nrepos,
		    m->repos[i].path);
	free(sorted);
}
