#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "orphans.h"
#include "sanitize.h"
#include "xmalloc.h"

static int
path_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

/* The first known path inside dir ("dir/..."), or NULL. */
static const char *
known_inside(char *const *known, size_t nknown, const char *dir)
{
	size_t lo = 0, hi = nknown, mid, n = strlen(dir);

	while (lo < hi) {	/* the first path >= "dir/" */
		mid = lo + (hi - lo) / 2;
		if (strncmp(known[mid], dir, n) < 0 ||
		    (strncmp(known[mid], dir, n) == 0 &&
		    (unsigned char)known[mid][n] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nknown && strncmp(known[lo], dir, n) == 0 &&
	    known[lo][n] == '/' ? known[lo] : NULL;
}

void
orphans_find(struct orphans *o, const struct ledger *l, char *const *known,
    size_t nknown, const char *workspace)
{
	const char *inside;
	char *dest;
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < l->n; i++) {
		if (nknown > 0 && bsearch(l->v[i].path, known, nknown,
		    sizeof(*known), path_cmp) != NULL)
			continue;
		dest = xasprintf("%s/%s", workspace, l->v[i].path);
		if (fs_kind(dest) == FS_DIR) {
			XGROW(o->v, o->n + 1, o->cap);
			o->v[o->n].path = xstrdup(l->v[i].path);
			o->v[o->n].created = l->v[i].created;
			inside = known_inside(known, nknown, l->v[i].path);
			o->v[o->n].holds = inside ? xstrdup(inside) : NULL;
			o->n++;
		}
		free(dest);
	}
}

void
orphans_release(struct orphans *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].path);
		free(o->v[i].holds);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

void
orphans_note(struct buf *b, const struct orphans *o, bool pruning)
{
	size_t i, created = 0;

	if (o->n == 0)
		return;
	buf_addf(b, "githerd: %zu %s on disk %s no longer in the manifest:",
	    o->n, o->n == 1 ? "entry" : "entries", o->n == 1 ? "is" : "are");
	for (i = 0; i < o->n; i++) {
		buf_addstr(b, i ? ", " : " ");
		sanitize_str(b, o->v[i].path);
		created += o->v[i].created;
	}
	buf_addch(b, '\n');
	if (pruning)
		return;
	if (created > 0)
		buf_addf(b, "githerd: 'sync --prune' moves %s a sync created "
		    "into %s when nothing in %s would be lost\n",
		    created == 1 ? "the one" : "those", ORPHANS_TRASH,
		    created == 1 ? "it" : "them");
	else
		buf_addstr(b, "githerd: they were not created by a sync: remove "
		    "them by hand if they are not needed\n");
}
