/*
 * A west import: value read into a struct west_import (westimport.h),
 * checked as strictly as the rest of the manifest: the paths it names
 * stay inside the project, a map has only west's keys.
 */
#include <stdlib.h>
#include <string.h>

#include "manifest_read.h"
#include "path.h"
#include "westimport.h"
#include "xmalloc.h"

/* west's keys, with the old names it still takes for them. */
static const char *const map_keys[] = {
	"file", "name-allowlist", "path-allowlist", "name-blocklist",
	"path-blocklist", "path-prefix", NULL
};
static const char *const old_keys[WEST_NLISTS] = {
	"name-whitelist", "path-whitelist", "name-blacklist", "path-blacklist"
};

static struct west_imap *
add_imap(struct west_import *wi, const char *file, const struct ynode *at)
{
	struct west_imap *im;

	wi->v = xreallocarray(wi->v, wi->n + 1, sizeof(*wi->v));
	im = &wi->v[wi->n++];
	memset(im, 0, sizeof(*im));
	im->file = xstrdup(file);
	im->prefix = xstrdup("");
	im->line = at->line;
	im->col = at->col;
	return im;
}

/* A path inside the project: what a worker may look up in its tree. */
static int
want_import_path(struct manifest_parse *p, const struct ynode *v,
    const char *what)
{
	char err[512];

	if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
		manifest_error(p, v, "%s: an import names a path, not %s", what,
		    ynode_type_name(v));
		return -1;
	}
	if (path_check(v->value, err, sizeof(err)) == -1) {
		manifest_error(p, v, "%s: import %s", what, err);
		return -1;
	}
	return 0;
}

/* An allowlist or blocklist: one string or a list of them. */
static int
read_list(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v, struct west_imap *im, enum west_list k)
{
	size_t i;

	if (v->type == YNODE_SCALAR && !ynode_is_null(v)) {
		im->list[k] = xreallocarray(NULL, 1, sizeof(char *));
		im->list[k][im->nlist[k]++] = xstrdup(v->value);
		im->filters |= v->len > 0;	/* "" filters nothing */
		return 0;
	}
	if (v->type != YNODE_SEQ) {
		manifest_error(p, v, "'%s' must be a string or a list of "
		    "strings, not %s", key->value, ynode_type_name(v));
		return -1;
	}
	for (i = 0; i < v->nitems; i++)
		if (v->items[i]->type != YNODE_SCALAR ||
		    ynode_is_null(v->items[i])) {
			manifest_error(p, v->items[i], "'%s' lists strings, "
			    "not %s", key->value, ynode_type_name(v->items[i]));
			return -1;
		}
	im->list[k] = xreallocarray(NULL, v->nitems ? v->nitems : 1,
	    sizeof(char *));
	for (i = 0; i < v->nitems; i++)
		im->list[k][im->nlist[k]++] = xstrdup(v->items[i]->value);
	im->filters |= v->nitems > 0;
	return 0;
}

static int
list_index(const char *key)
{
	int k;

	for (k = 0; k < WEST_NLISTS; k++)
		if (strcmp(key, map_keys[k + 1]) == 0 ||
		    strcmp(key, old_keys[k]) == 0)
			return k;
	return -1;
}

static void
read_map(struct manifest_parse *p, struct west_import *wi,
    const struct ynode *map, const char *what)
{
	const struct ynode *key, *v, *file, *prefix;
	struct west_imap *im;
	size_t i;
	int k;

	file = manifest_map_get(map, "file", NULL);
	if (file != NULL && want_import_path(p, file, what) == -1)
		return;
	im = add_imap(wi, file ? file->value : "west.yml", map);
	for (i = 0; i + 1 < map->nitems; i += 2) {
		key = map->items[i];
		v = map->items[i + 1];
		if ((k = list_index(key->value)) >= 0) {
			if (im->nlist[k] > 0 || im->list[k] != NULL)
				manifest_error(p, key, "%s: '%s' given twice "
				    "(once by its old name)", what, key->value);
			else
				read_list(p, key, v, im, (enum west_list)k);
		} else if (strcmp(key->value, "path-prefix") == 0) {
			prefix = v;
			if (ynode_is_null(prefix) || manifest_want_string(p,
			    key, prefix, PATH_MAX_LEN) == -1)
				continue;
			free(im->prefix);
			im->prefix = xstrdup(prefix->value);
		} else if (strcmp(key->value, "file") != 0)
			manifest_unknown_key(p, key, "an import map",
			    map_keys);
	}
}

static bool
is_word(const struct ynode *v, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(v->value, *words) == 0)
			return true;
	return false;
}

/* One import: value, or an item of a list of them, into wi. */
static void
read_value(struct manifest_parse *p, struct west_import *wi,
    const struct ynode *v, const char *what, bool self, unsigned depth)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	size_t i;

	if (ynode_is_null(v))
		return;
	if (v->type == YNODE_MAP) {
		read_map(p, wi, v, what);
		return;
	}
	if (v->type == YNODE_SEQ) {
		/* the tree's depth limit bounds this recursion too */
		for (i = 0; i < v->nitems; i++)
			read_value(p, wi, v->items[i], what, self, depth + 1);
		return;
	}
	if (v->plain && (is_word(v, yes) || is_word(v, no))) {
		if (self)
			manifest_error(p, v, "%s: 'import: %s' of a boolean: "
			    "self imports name files", what, v->value);
		else if (is_word(v, yes))
			add_imap(wi, "west.yml", v);
		return;
	}
	if (v->len == 0)
		return;		/* west skips an empty import */
	if (want_import_path(p, v, what) == 0)
		add_imap(wi, v->value, v);
}

struct west_import *
manifest_west_import_parse(struct manifest_parse *p, const struct ynode *v,
    const char *what, bool self)
{
	struct west_import *wi = xcalloc(1, sizeof(*wi));
	int before = p->errors;

	wi->map = v->type == YNODE_MAP;
	read_value(p, wi, v, what, self, 0);
	if (p->errors != before || wi->n == 0) {
		west_import_free(wi);
		return NULL;
	}
	return wi;
}

