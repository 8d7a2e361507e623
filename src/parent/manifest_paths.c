/*
 * The paths of all entries together, once each entry is valid alone: no
 * two entries at one path, or at paths a filesystem may take for one
 * (case, Unicode normalisation).  An entry may sit inside another's work
 * tree, as vcstool allows ("src/a" and "src/a/b"): spelt with the outer
 * path as its first components (a nesting only a case-insensitive or
 * normalising filesystem makes is refused) and never inside a bare clone.
 * Each nested entry learns its nearest outer entry (repo_spec.outer) and
 * each outer one the entries directly inside it (repo_spec.inner).
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

/* "b" (inside "src/a") to the outer entry's list of inner paths. */
static void
add_inner(struct repo_spec *outer, const char *rel)
{
	size_t had = outer->inner ? strlen(outer->inner) : 0;

	outer->inner = xreallocarray(outer->inner, had + strlen(rel) + 2, 1);
	if (had > 0)
		outer->inner[had++] = '\n';
	strcpy(outer->inner + had, rel);
}

/* inner sits in outer's directory on some filesystem: can it nest? */
static void
nest(struct manifest_parse *p, struct ynode *at, struct repo_spec *outer,
    struct repo_spec *inner)
{
	if (!path_is_inside(outer->path, inner->path, false)) {
		manifest_error(p, at, "path '%s' is inside '%s', the entry at "
		    "line %u, only where case or Unicode normalisation is "
		    "ignored: spell its first components as that path is",
		    inner->path, outer->path, outer->line);
		return;
	}
	if (outer->bare) {
		manifest_error(p, at, "path '%s' is inside '%s', the %s at "
		    "line %u: an entry can only nest in a work tree",
		    inner->path, outer->path, outer->mirror ? "mirror" :
		    "bare clone", outer->line);
		return;
	}
	inner->outer = xstrdup(outer->path);
	add_inner(outer, inner->path + strlen(outer->path) + 1);
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
			nest(p, &at, stack[depth - 1]->spec, r->spec);
		stack[depth++] = r;
	}
	for (i = 0; i < n; i++) {
		free(v[i].nfc);
		free(v[i].key);
	}
	free(stack);
	free(v);
}
