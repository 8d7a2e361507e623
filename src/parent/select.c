#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "select.h"
#include "xmalloc.h"

static bool
in_group(const struct repo_spec *r, const char *g)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i], g) == 0)
			return true;
	return false;
}

static bool
in_any(const struct repo_spec *r, const char **groups, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in_group(r, groups[i]))
			return true;
	return false;
}

/* "./a/b/" -> "a/b"; "." and "" -> "" (everything). */
static char *
tidy(const char *p)
{
	size_t len;

	while (p[0] == '.' && p[1] == '/')
		for (p += 2; *p == '/'; p++)
			;
	if (strcmp(p, ".") == 0)
		p = "";
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		len--;
	return xstrndup(p, len);
}

/* Is dir equal to path or one of its parents ("a" and "a/b")? */
static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n == 0 || (strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/'));
}

/* The entry path names, holds or sits inside. */
static bool
path_matches(const struct repo_spec *r, const char *path)
{
	return under(r->path, path) || under(path, r->path);
}

static int
group_exists(const struct manifest *m, const char *opt, const char *g,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		if (in_group(&m->repos[i], g))
			return 0;
	snprintf(err, errlen, "%s %s: no entry of %s is in group '%s'", opt, g,
	    m->file, g);
	return -1;
}

int
select_apply(struct manifest *m, const struct selection *s, char *err,
    size_t errlen)
{
	bool *keep = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*keep));
	bool *used = xcalloc(s->npaths ? s->npaths : 1, sizeof(*used));
	char **paths = xcalloc(s->npaths ? s->npaths : 1, sizeof(*paths));
	unsigned *shard_of = NULL;
	size_t i, k;
	int rc = -1;

	for (k = 0; k < s->ngroups; k++)
		if (group_exists(m, "--group", s->groups[k], err, errlen) == -1)
			goto out;
	for (k = 0; k < s->nexcludes; k++)
		if (group_exists(m, "--exclude", s->excludes[k], err,
		    errlen) == -1)
			goto out;
	for (k = 0; k < s->npaths; k++)
		paths[k] = tidy(s->paths[k]);
	for (i = 0; i < m->nrepos; i++) {
		/* An inactive entry (west's group-filter, repo's
		 * notdefault) is only taken when a --group names it. */
		keep[i] = (s->ngroups == 0 ? !m->repos[i].inactive :
		    in_any(&m->repos[i], s->groups, s->ngroups)) &&
		    !in_any(&m->repos[i], s->excludes, s->nexcludes);
		if (!keep[i] || s->npaths == 0)
			continue;
		keep[i] = false;
		for (k = 0; k < s->npaths; k++)
			if (path_matches(&m->repos[i], paths[k]))
				keep[i] = used[k] = true;
	}
	for (k = 0; k < s->npaths; k++)
		if (!used[k]) {
			snprintf(err, errlen, "'%s' is not an entry of %s, nor "
			    "in or around one%s", s->paths[k], m->file,
			    s->ngroups || s->nexcludes ? " the groups select" :
			    "");
			goto out;
		}
	manifest_keep(m, keep);
	if (s->nshards > 0) {
		shard_of = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*shard_of));
		if (s->shard_by_hash)
			schedule_shards_by_hash(m, s->nshards, shard_of);
		else
			schedule_shards(m, s->nshards, shard_of);
		for (i = 0; i < m->nrepos; i++)
			keep[i] = shard_of[i] == s->shard - 1;
		manifest_keep(m, keep);
	}
	rc = 0;
out:
	for (k = 0; k < s->npaths; k++)
		free(paths[k]);
	free(paths);
	free(used);
	free(keep);
	free(shard_of);
	return rc;
}
