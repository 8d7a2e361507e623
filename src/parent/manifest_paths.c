/*
 * The paths of all entries together, once each entry is valid alone: no
 * two entries at one path, or at paths a filesystem may take for one
 * (case, Unicode normalisation), none inside another.
 */
#include <stdlib.h>
#include <string.h>

#include "manifest_read.h"
#include "path.h"
#include "xmalloc.h"

/* An entry and the names a filesystem may take its path for. */
struct keyed {
	struct repo_spec	*spec;
	char			*nfc;	/* normalised */
	char			*key;	/* normalised and case-folded */
};

/*
 * Order that puts every path right before the paths inside it: '/' sorts
 * first, so "a", "a/b", "a/c", "a-b".  By the folded key, so that paths
 * which collide on a case-insensitive or normalising filesystem sit next
 * to each other.
 */
static int
path_order(const char *a, const char *b)
{
	int ca, cb;

	for (;; a++, b++) {
		ca = *a == '/' ? 1 : (unsigned char)*a;
		cb = *b == '/' ? 1 : (unsigned char)*b;
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = path_order(x->key, y->key);

	if (c != 0)
		return c;
	return x->spec->line != y->spec->line ?
	    (x->spec->line < y->spec->line ? -1 : 1) :
	    (x->spec->col < y->spec->col ? -1 : x->spec->col > y->spec->col);
}

static const char *
nfc_or_not(const struct keyed *k)
{
	return strcmp(k->spec->path, k->nfc) == 0 ? "NFC" : "not NFC";
}

/* Two entries a filesystem may take for one: say which kind of one. */
static void
collision(struct manifest_parse *p, struct ynode *at, const struct keyed *q,
    const struct keyed *r)
{
	if (strcmp(q->spec->path, r->spec->path) == 0)
		manifest_error(p, at, "path '%s' is already used by the entry "
		    "at line %u", r->spec->path, q->spec->line);
	else if (strcmp(q->nfc, r->nfc) == 0)
		manifest_error(p, at, "path '%s' is '%s' at line %u in another "
		    "Unicode normalisation (%s here, %s there): one name on "
		    "macOS", r->spec->path, q->spec->path, q->spec->line,
		    nfc_or_not(r), nfc_or_not(q));
	else
		manifest_error(p, at, "path '%s' differs only in case from "
		    "'%s' at line %u (they collide on case-insensitive "
		    "filesystems)", r->spec->path, q->spec->path,
		    q->spec->line);
}

void
manifest_paths_check(struct manifest_parse *p)
{
	struct keyed *v, **stack, *r;
	struct ynode at;
	size_t i, n = p->m->nrepos, depth = 0;

	if (n < 2)
		return;
	v = xreallocarray(NULL, n, sizeof(*v));
	stack = xreallocarray(NULL, n, sizeof(*stack));
	for (i = 0; i < n; i++) {
		v[i].spec = &p->m->repos[i];
		v[i].nfc = path_fold(v[i].spec->path, false);
		v[i].key = path_fold(v[i].spec->path, true);
	}
	qsort(v, n, sizeof(*v), keyed_cmp);
	memset(&at, 0, sizeof(at));
	for (i = 0; i < n; i++) {
		r = &v[i];
		at.line = r->spec->line;
		at.col = r->spec->col;
		if (i > 0 && strcmp(v[i - 1].key, r->key) == 0) {
			collision(p, &at, &v[i - 1], r);
			continue;
		}
		while (depth > 0 && !path_is_inside(stack[depth - 1]->key,
		    r->key, false))
			depth--;
		if (depth > 0)
			manifest_error(p, &at, "path '%s' is inside '%s', the "
			    "entry at line %u: entries must not nest",
			    r->spec->path, stack[depth - 1]->spec->path,
			    stack[depth - 1]->spec->line);
		stack[depth++] = r;
	}
	for (i = 0; i < n; i++) {
		free(v[i].nfc);
		free(v[i].key);
	}
	free(stack);
	free(v);
}
