/*
 * The paths of all entries together, once each entry is valid alone: no
 * two entries at one path (or at paths only case differs), none inside
 * another.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_read.h"
#include "path.h"
#include "xmalloc.h"

/*
 * Order that puts every path right before the paths inside it: '/' sorts
 * first, so "a", "a/b", "a/c", "a-b".  Case is folded so that paths which
 * collide on a case-insensitive filesystem sit next to each other.
 */
static int
path_order(const char *a, const char *b)
{
	int ca, cb;

	for (;; a++, b++) {
		ca = *a == '/' ? 1 : tolower((unsigned char)*a);
		cb = *b == '/' ? 1 : tolower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

static int
spec_cmp(const void *a, const void *b)
{
	const struct repo_spec *x = *(struct repo_spec *const *)a;
	const struct repo_spec *y = *(struct repo_spec *const *)b;
	int c = path_order(x->path, y->path);

	if (c != 0)
		return c;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) :
	    (x->col < y->col ? -1 : x->col > y->col);
}

void
manifest_paths_check(struct manifest_parse *p)
{
	struct repo_spec **v, **stack, *r, *q;
	struct ynode at;
	size_t i, n = p->m->nrepos, depth = 0;

	if (n < 2)
		return;
	v = xreallocarray(NULL, n, sizeof(*v));
	stack = xreallocarray(NULL, n, sizeof(*stack));
	for (i = 0; i < n; i++)
		v[i] = &p->m->repos[i];
	qsort(v, n, sizeof(*v), spec_cmp);
	memset(&at, 0, sizeof(at));
	for (i = 0; i < n; i++) {
		r = v[i];
		at.line = r->line;
		at.col = r->col;
		if (i > 0 && path_casecmp(v[i - 1]->path, r->path) == 0) {
			q = v[i - 1];
			if (strcmp(q->path, r->path) == 0)
				manifest_error(p, &at, "path '%s' is already "
				    "used by the entry at line %u", r->path,
				    q->line);
			else
				manifest_error(p, &at, "path '%s' differs only "
				    "in case from '%s' at line %u (they "
				    "collide on case-insensitive filesystems)",
				    r->path, q->path, q->line);
			continue;
		}
		while (depth > 0 && !path_is_inside(stack[depth - 1]->path,
		    r->path, true))
			depth--;
		if (depth > 0)
			manifest_error(p, &at, "path '%s' is inside '%s', the "
			    "entry at line %u: entries must not nest", r->path,
			    stack[depth - 1]->path, stack[depth - 1]->line);
		stack[depth++] = r;
	}
	free(stack);
	free(v);
}
