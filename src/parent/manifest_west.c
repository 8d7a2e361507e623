/*
 * Zephyr's west.yml (manifest: with version, remotes, defaults, projects,
 * self and group-filter), as `west update` reads it (west's
 * src/west/manifest.py): a project's URL is its url:, or its remote's
 * url-base + "/" + (repo-path or name); its path is its name unless given,
 * under every path-prefix on the way; its revision is the defaults' or
 * "master" (west's default, not the remote's HEAD): 40 hex digits are a
 * commit, anything else a branch, tag or other ref the worker resolves.
 * Imports (westimport.h) are read in west's order: self: import: first,
 * then the file's own projects, then its projects' imports, each bringing
 * in only names not yet defined.  A project with groups is inactive when
 * every one of them is disabled by the group-filters, the manifest's own
 * winning over those of the files it imports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "importcache.h"
#include "manifest_read.h"
#include "path.h"
#include "westimport.h"
#include "xmalloc.h"

/* The newest schema this reader takes: west 1.2's, and those before it. */
#define WEST_SCHEMA	"1.2"
static const char *const schema_versions[] = {
	"0.6.99", "0.7", "0.8", "0.9", "0.10", "0.12", "0.13", "1.0", "1.2",
	NULL
};

static const char *const top_keys[] = { "manifest", NULL };
static const char *const manifest_keys[] = {
	"version", "remotes", "defaults", "projects", "self", "group-filter",
	NULL
};
static const char *const remote_keys[] = { "name", "url-base", NULL };
static const char *const defaults_keys[] = { "remote", "revision", NULL };
static const char *const self_keys[] = {
	"path", "import", "west-commands", "userdata", NULL
};
static const char *const project_keys[] = {
	"name", "description", "remote", "repo-path", "url", "revision", "path",
	"submodules", "clone-depth", "west-commands", "import", "groups",
	"userdata", NULL
};
static const char *const submodule_keys[] = { "path", "name", NULL };

/* The files on the way to the one being read, for cycles and errors. */
struct chain {
	const char		*key;
	const struct chain	*up;
};

struct west {
	struct manifest_parse	*p;
	char			*dir;		/* the manifest's, for self: */
	char			*shown_dir;	/* "" for ".", else dir + "/" */
	char			**origin;	/* per entry: its file, or NULL */
	char			***filters;	/* group-filters, in read order */
	size_t			*nfilter;
	size_t			 nfilters;
	bool			 legacy;	/* version 0.9's group-filter */
	ssize_t			 top_filter;	/* the manifest's own, or -1 */
	char			*self_path;
};

/* One file being read: where, and what the imports on the way ask. */
struct doc {
	const char		 *file;		/* NULL: the manifest */
	const char		 *prefix;	/* path-prefix in force */
	const struct west_filters *filters;
	const struct chain	 *chain;
	unsigned		  depth;
	bool			  from_project;
};

struct remote {
	const char	*name;
	const char	*base;
	const struct ynode *node;
};

struct defaults {
	const struct ynode *remote;
	const struct ynode *revision;
};

static void	read_text(struct west *, const struct doc *, const char *shown,
		    const char *key, const struct west_file *, unsigned line,
		    unsigned col);

/* --- small checks ------------------------------------------------------ */

static bool
is_word(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

/* A YAML float as Python prints it ("0.10" is 0.1), as west compares it. */
static char *
version_text(const struct ynode *v)
{
	char *s = xstrdup(v->value), *dot = strchr(s, '.');
	size_t n = strlen(s);

	if (v->plain && dot != NULL && strspn(s, "0123456789.") == n &&
	    strchr(dot + 1, '.') == NULL)
		while (n > (size_t)(dot - s) + 2 && s[n - 1] == '0')
			s[--n] = '\0';
	return s;
}

/* Numerically, as packaging's versions compare: 1.10 > 1.2. */
static int
version_cmp(const char *a, const char *b)
{
	unsigned long x, y;
	char *ea, *eb;

	for (;;) {
		x = strtoul(a, &ea, 10);
		y = strtoul(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' && *eb != '.')
			return 0;
		a = *ea == '.' ? ea + 1 : "0";
		b = *eb == '.' ? eb + 1 : "0";
		if (*ea != '.' && *eb == '.' && strspn(b, "0.") == strlen(b))
			return 0;
		if (*eb != '.' && *ea == '.' && strspn(a, "0.") == strlen(a))
			return 0;
	}
}

static void
check_version(struct west *w, const struct doc *d, const struct ynode *v)
{
	char *s;
	size_t i;

	if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
		manifest_error(w->p, v, "'version' must be a version such as "
		    "\"%s\", not %s", WEST_SCHEMA, ynode_type_name(v));
		return;
	}
	s = version_text(v);
	if (strspn(s, "0123456789.") != strlen(s) || s[0] == '.')
		manifest_error(w->p, v, "invalid version '%.40s'", s);
	else if (version_cmp(s, WEST_SCHEMA) > 0)
		manifest_error(w->p, v, "this manifest needs west schema %.40s; "
		    "githerd reads schemas up to %s", s, WEST_SCHEMA);
	else {
		for (i = 0; schema_versions[i]; i++)
			if (strcmp(s, schema_versions[i]) == 0)
				break;
		if (schema_versions[i] == NULL)
			manifest_error(w->p, v, "invalid version '%.40s'; must "
			    "be one of 0.6.99, 0.7, 0.8, 0.9, 0.10, 0.12, 0.13, "
			    "1.0, 1.2%s", s, v->plain ? " (quote it: "
			    "\"0.10\", not 0.10)" : "");
		else if (d->file == NULL && strcmp(s, "0.9") == 0)
			w->legacy = true;
	}
	free(s);
}

/* west's group names: no blank, ',' or ':', not starting with + or -. */
static bool
is_group(const char *g)
{
	return g[0] != '\0' && g[0] != '+' && g[0] != '-' &&
	    strpbrk(g, " \t\r\n\v\f,:") == NULL && strlen(g) <=
	    MANIFEST_MAX_GROUP;
}

static int
want_groups(struct west *w, const struct ynode *v, const char *name)
{
	size_t i;
	const struct ynode *g;

	if (ynode_is_null(v))
		return 0;
	if (v->type != YNODE_SEQ) {
		manifest_error(w->p, v, "project '%s': 'groups' must be a list, "
		    "not %s", name, ynode_type_name(v));
		return -1;
	}
	for (i = 0; i < v->nitems; i++) {
		g = v->items[i];
		if (g->type != YNODE_SCALAR || !is_group(g->value)) {
			manifest_error(w->p, g, "project '%s': invalid group "
			    "'%.64s' (no blank, ',' or ':', not starting with "
			    "'+' or '-')", name, g->type == YNODE_SCALAR ?
			    g->value : ynode_type_name(g));
			return -1;
		}
	}
	return 0;
}

static void
read_group_filter(struct west *w, const struct doc *d, const struct ynode *v)
{
	const struct ynode *g;
	char **items;
	size_t i;

	if (v->type != YNODE_SEQ || v->nitems == 0) {
		manifest_error(w->p, v, "'group-filter' must be a non-empty "
		    "list of +group and -group");
		return;
	}
	for (i = 0; i < v->nitems; i++) {
		g = v->items[i];
		if (g->type != YNODE_SCALAR || (g->value[0] != '+' &&
		    g->value[0] != '-') || !is_group(g->value + 1)) {
			manifest_error(w->p, g, "group filter item '%.64s' must "
			    "be +group or -group", g->type == YNODE_SCALAR ?
			    g->value : ynode_type_name(g));
			return;
		}
	}
	items = xreallocarray(NULL, v->nitems, sizeof(*items));
	for (i = 0; i < v->nitems; i++)
		items[i] = xstrdup(v->items[i]->value);
	w->filters = xreallocarray(w->filters, w->nfilters + 1,
	    sizeof(*w->filters));
	w->nfilter = xreallocarray(w->nfilter, w->nfilters + 1,
	    sizeof(*w->nfilter));
	if (d->file == NULL)
		w->top_filter = (ssize_t)w->nfilters;
	w->filters[w->nfilters] = items;
	w->nfilter[w->nfilters++] = v->nitems;
}

/* a / b / c as pathlib joins them ("" and "." vanish; "/x" restarts). */
static char *
path_join3(const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c }, *s, *e;
	struct buf out = BUF_INIT;
	size_t k;

	buf_init(&out);
	for (k = 0; k < 3; k++) {
		if (parts[k][0] == '/') {
			buf_reset(&out);
			buf_addch(&out, '/');
		}
		for (s = parts[k]; *s; s = *e ? e + 1 : e) {
			e = s + strcspn(s, "/");
			if (e == s || (e - s == 1 && s[0] == '.'))
				continue;
			if (out.len > 0 && out.data[out.len - 1] != '/')
				buf_addch(&out, '/');
			buf_add(&out, s, (size_t)(e - s));
		}
	}
	return buf_detach(&out);
}

/* --- remotes, defaults, self ------------------------------------------- */

static size_t
read_remotes(struct west *w, const struct ynode *v, struct remote **out)
{
	const struct ynode *r, *key, *val, *name, *base;
	size_t i, j, n = 0;

	*out = NULL;
	if (v == NULL || ynode_is_null(v))
		return 0;
	if (v->type != YNODE_SEQ) {
		manifest_error(w->p, v, "'remotes' must be a list, not %s",
		    ynode_type_name(v));
		return 0;
	}
	*out = xreallocarray(NULL, v->nitems ? v->nitems : 1, sizeof(**out));
	for (i = 0; i < v->nitems; i++) {
		r = v->items[i];
		if (r->type != YNODE_MAP) {
			manifest_error(w->p, r, "a remote is a mapping with "
			    "'name' and 'url-base', not %s", ynode_type_name(r));
			continue;
		}
		for (j = 0; j + 1 < r->nitems; j += 2) {
			key = r->items[j];
			val = r->items[j + 1];
			if (strcmp(key->value, "name") != 0 &&
			    strcmp(key->value, "url-base") != 0)
				manifest_unknown_key(w->p, key, "a remote",
				    remote_keys);
			else
				manifest_want_string(w->p, key, val,
				    MANIFEST_MAX_URL);
		}
		name = manifest_map_get(r, "name", NULL);
		base = manifest_map_get(r, "url-base", NULL);
		if (name == NULL || base == NULL) {
			manifest_error(w->p, r, "a remote needs 'name' and "
			    "'url-base'");
			continue;
		}
		if (name->type != YNODE_SCALAR || base->type != YNODE_SCALAR)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp((*out)[j].name, name->value) == 0)
				manifest_error(w->p, name, "remote '%s' is "
				    "defined twice", name->value);
		if (w->p->file == NULL)
			manifest_note_secret(w->p->m, base);
		(*out)[n].name = name->value;
		(*out)[n].base = base->value;
		(*out)[n++].node = base;
	}
	return n;
}

static const struct remote *
find_remote(const struct remote *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void
read_defaults(struct west *w, const struct ynode *v, const struct remote *rv,
    size_t nr, struct defaults *out)
{
	const struct ynode *key, *val;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (v == NULL || ynode_is_null(v))
		return;
	if (v->type != YNODE_MAP) {
		manifest_error(w->p, v, "'defaults' must be a mapping, not %s",
		    ynode_type_name(v));
		return;
	}
	for (i = 0; i + 1 < v->nitems; i += 2) {
		key = v->items[i];
		val = v->items[i + 1];
		if (strcmp(key->value, "remote") == 0) {
			if (manifest_want_string(w->p, key, val, 256) == -1)
				continue;
			if (find_remote(rv, nr, val->value) == NULL)
				manifest_error(w->p, val, "default remote '%s' "
				    "is not defined", val->value);
			else
				out->remote = val;
		} else if (strcmp(key->value, "revision") == 0) {
			if (manifest_want_string(w->p, key, val,
			    MANIFEST_MAX_REF) == 0)
				out->revision = val;
		} else
			manifest_unknown_key(w->p, key, "'defaults'",
			    defaults_keys);
	}
}

/* An error at where an entry was written (the manifest or an import). */
static void
error_in(struct west *w, const char *file, unsigned line, unsigned col,
    const char *msg)
{
	if (file != NULL)
		diags_add_in(w->p->d, file, line, col, "%s", msg);
	else
		diags_add(w->p->d, line, col, "%s", msg);
	w->p->errors++;
}

static void	import_files(struct west *, const struct doc *,
		    const struct west_imap *, const char *shown_base,
		    const char *key_base, struct west_file *, size_t);

/* self: import:, files beside the manifest, read before its projects. */
static void
read_self_import(struct west *w, const struct doc *d, const struct ynode *v)
{
	struct west_import *wi;
	struct west_file *files;
	size_t i, n;
	char why[1024], *msg;

	if (d->from_project) {
		manifest_error(w->p, v, "'self: import:' in a file imported "
		    "from a project is not supported (it names files in that "
		    "project's work tree)");
		return;
	}
	if ((wi = manifest_west_import_parse(w->p, v, "self", true)) == NULL)
		return;
	for (i = 0; i < wi->n; i++) {
		if (west_self_files(w->dir, wi->v[i].file, MANIFEST_MAX_BYTES,
		    &files, &n, why, sizeof(why)) == -1) {
			msg = xasprintf("self: import: %s", why);
			error_in(w, w->p->file, wi->v[i].line, wi->v[i].col,
			    msg);
			free(msg);
			continue;
		}
		import_files(w, d, &wi->v[i], w->shown_dir, w->shown_dir,
		    files, n);
	}
	west_import_free(wi);
}

static void
read_self(struct west *w, const struct doc *d, const struct ynode *v)
{
	const struct ynode *key, *val;
	char err[512];
	size_t i;

	if (ynode_is_null(v))
		return;
	if (v->type != YNODE_MAP) {
		manifest_error(w->p, v, "'self' must be a mapping, not %s",
		    ynode_type_name(v));
		return;
	}
	for (i = 0; i + 1 < v->nitems; i += 2) {
		key = v->items[i];
		val = v->items[i + 1];
		if (strcmp(key->value, "path") == 0) {
			if (manifest_want_string(w->p, key, val,
			    PATH_MAX_LEN) == -1)
				continue;
			if (path_check(val->value, err, sizeof(err)) == -1)
				manifest_error(w->p, val, "self: %s", err);
			else if (d->file == NULL)
				w->self_path = xstrdup(val->value);
		} else if (strcmp(key->value, "import") == 0)
			read_self_import(w, d, val);
		else if (strcmp(key->value, "west-commands") == 0 ||
		    strcmp(key->value, "userdata") == 0)
			continue;	/* west's own business */
		else
			manifest_unknown_key(w->p, key, "'self'", self_keys);
	}
}

/* --- projects ------------------------------------------------------------ */

/* What a project says beyond the fields every format has. */
struct project {
	const struct ynode	*name, *remote, *url, *repo_path, *path;
	const struct ynode	*revision, *groups, *import, *submodules;
	const struct ynode	*depth;
};

static char *
submodule_list(struct west *w, const struct ynode *v, const char *name)
{
	struct buf b = BUF_INIT;
	const struct ynode *s, *key, *path;
	size_t i, j;
	char err[512];
	int before = w->p->errors;

	buf_init(&b);
	for (i = 0; i < v->nitems; i++) {
		s = v->items[i];
		path = s->type == YNODE_MAP ? manifest_map_get(s, "path", NULL) :
		    NULL;
		if (path == NULL) {
			manifest_error(w->p, s, "project '%s': a submodule is a "
			    "mapping with 'path' (and 'name')", name);
			continue;
		}
		for (j = 0; j + 1 < s->nitems; j += 2) {
			key = s->items[j];
			if (strcmp(key->value, "path") != 0 &&
			    strcmp(key->value, "name") != 0)
				manifest_unknown_key(w->p, key, "a submodule",
				    submodule_keys);
			else
				manifest_want_string(w->p, key, s->items[j + 1],
				    PATH_MAX_LEN);
		}
		if (path->type == YNODE_SCALAR && !ynode_is_null(path) &&
		    path_check(path->value, err, sizeof(err)) == -1)
			manifest_error(w->p, path, "project '%s': submodule %s",
			    name, err);
		else if (path->type == YNODE_SCALAR)
			buf_addf(&b, "%s%s", b.len ? "\n" : "", path->value);
	}
	if (w->p->errors != before) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int
read_keys(struct west *w, const struct ynode *entry, struct project *pr)
{
	const struct ynode *key, *v;
	const struct ynode **slot;
	size_t i;
	int before = w->p->errors;

	memset(pr, 0, sizeof(*pr));
	for (i = 0; i + 1 < entry->nitems; i += 2) {
		key = entry->items[i];
		v = entry->items[i + 1];
		slot = NULL;
		if (strcmp(key->value, "name") == 0)
			slot = &pr->name;
		else if (strcmp(key->value, "remote") == 0)
			slot = &pr->remote;
		else if (strcmp(key->value, "url") == 0)
			slot = &pr->url;
		else if (strcmp(key->value, "repo-path") == 0)
			slot = &pr->repo_path;
		else if (strcmp(key->value, "path") == 0)
			slot = &pr->path;
		else if (strcmp(key->value, "revision") == 0)
			slot = &pr->revision;
		else if (strcmp(key->value, "groups") == 0)
			pr->groups = v;
		else if (strcmp(key->value, "import") == 0)
			pr->import = v;
		else if (strcmp(key->value, "submodules") == 0)
			pr->submodules = v;
		else if (strcmp(key->value, "clone-depth") == 0)
			pr->depth = v;
		else if (strcmp(key->value, "description") == 0 ||
		    strcmp(key->value, "west-commands") == 0)
			manifest_want_string(w->p, key, v, 65536);
		else if (strcmp(key->value, "userdata") != 0)
			manifest_unknown_key(w->p, key, "a west project",
			    project_keys);
		if (slot != NULL && manifest_want_string(w->p, key, v,
		    slot == &pr->url ? MANIFEST_MAX_URL : PATH_MAX_LEN) == 0)
			*slot = v;
	}
	if (w->p->errors == before && pr->name == NULL)
		manifest_error(w->p, entry, "a west project needs a 'name'");
	return w->p->errors == before ? 0 : -1;
}

/* The URL: url:, or the remote's url-base + "/" + (repo-path or name). */
static char *
project_url(struct west *w, const struct project *pr, const struct remote *rv,
    size_t nr, const struct defaults *def, const char **remote)
{
	const char *name = pr->name->value;
	const struct remote *r;

	*remote = NULL;
	if (pr->url != NULL && pr->remote != NULL) {
		manifest_error(w->p, pr->url, "project '%s' has both 'remote' "
		    "and 'url'", name);
		return NULL;
	}
	if (pr->url != NULL && pr->repo_path != NULL) {
		manifest_error(w->p, pr->repo_path, "project '%s' has both "
		    "'repo-path' and 'url'", name);
		return NULL;
	}
	if (pr->url != NULL)
		return xstrdup(pr->url->value);
	*remote = pr->remote ? pr->remote->value : def->remote ?
	    def->remote->value : NULL;
	if (*remote == NULL) {
		manifest_error(w->p, pr->name, "project '%s' has no 'remote' "
		    "or 'url' and there is no default remote", name);
		return NULL;
	}
	if ((r = find_remote(rv, nr, *remote)) == NULL) {
		manifest_error(w->p, pr->remote, "project '%s': remote '%s' is "
		    "not defined", name, *remote);
		return NULL;
	}
	return xasprintf("%s/%s", r->base, pr->repo_path ?
	    pr->repo_path->value : name);
}

static ssize_t
find_name(const struct manifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		if (m->repos[i].name != NULL && strcmp(m->repos[i].name,
		    name) == 0)
			return (ssize_t)i;
	return -1;
}

/* west's default revision (not the remote's HEAD). */
static char master_text[] = "master";
static const struct ynode master = {
	.type = YNODE_SCALAR, .plain = true, .len = 6, .value = master_text,
};

/* The fields every format shares, from a project's own keys. */
static int
project_fields(struct west *w, const struct project *pr,
    const struct defaults *def, struct manifest_fields *f, bool *sub_list)
{
	const char *name = pr->name->value, *why;

	memset(f, 0, sizeof(*f));
	*sub_list = false;
	f->ref = pr->revision ? pr->revision : def->revision ? def->revision :
	    &master;
	{
		f->kind = manifest_is_full_hex(f->ref->value) ? REF_COMMIT :
		    REF_VERSION;
		why = f->kind == REF_COMMIT ? NULL :
		    manifest_ref_problem(f->ref->value);
		if (why != NULL) {
			manifest_error(w->p, f->ref, "project '%s': revision "
			    "'%.80s' %s", name, f->ref->value, why);
			return -1;
		}
	}
	if (pr->depth != NULL && manifest_want_depth(w->p, pr->depth,
	    pr->depth, &f->depth) == -1)
		return -1;
	if (pr->groups != NULL && want_groups(w, pr->groups, name) == -1)
		return -1;
	if (pr->groups != NULL && pr->groups->nitems > 0 && pr->import &&
	    !ynode_is_null(pr->import)) {
		manifest_error(w->p, pr->groups, "project '%s': 'groups' "
		    "cannot be combined with 'import'", name);
		return -1;
	}
	f->groups = pr->groups == NULL || ynode_is_null(pr->groups) ? NULL :
	    pr->groups;
	if (pr->submodules != NULL && pr->submodules->type == YNODE_SEQ)
		f->submodules = *sub_list = true;
	else if (pr->submodules != NULL && !ynode_is_null(pr->submodules) &&
	    manifest_want_bool(w->p, pr->submodules, pr->submodules,
	    &f->submodules) == -1)
		return -1;
	return 0;
}

/*
 * Read one project: the index of its new entry, or -1 when it brings
 * none (an error, filtered out by an import, or its name already taken).
 */
static ssize_t
read_project(struct west *w, const struct doc *d, const struct ynode *entry,
    const struct remote *rv, size_t nr, const struct defaults *def,
    char ***names, size_t *nnames)
{
	struct project pr;
	struct manifest_fields f;
	struct west_import *wi = NULL;
	struct ynode urlnode;
	const char *name, *remote, *pfx = "";
	char *url = NULL, *path = NULL, *subs = NULL, what[300];
	struct repo_spec *r;
	size_t i, before;
	bool sub_list;
	ssize_t idx = -1;

	if (entry->type != YNODE_MAP) {
		manifest_error(w->p, entry, "a west project is a mapping with "
		    "'name', not %s", ynode_type_name(entry));
		return -1;
	}
	if (read_keys(w, entry, &pr) == -1)
		return -1;
	name = pr.name->value;
	if (strcmp(name, "manifest") == 0) {
		manifest_error(w->p, pr.name, "no project can be named "
		    "'manifest' (west's name for the manifest repository)");
		return -1;
	}
	if (strpbrk(name, "/\\") != NULL) {
		manifest_error(w->p, pr.name, "invalid project name '%s' "
		    "(contains '/' or '\\')", name);
		return -1;
	}
	if ((url = project_url(w, &pr, rv, nr, def, &remote)) == NULL)
		goto out;
	if (project_fields(w, &pr, def, &f, &sub_list) == -1)
		goto out;
	if (sub_list && (subs = submodule_list(w, pr.submodules, name)) == NULL)
		goto out;
	snprintf(what, sizeof(what), "project '%.200s'", name);
	if (pr.import != NULL && !ynode_is_null(pr.import)) {
		before = (size_t)w->p->errors;
		wi = manifest_west_import_parse(w->p, pr.import, what, false);
		if ((size_t)w->p->errors != before)
			goto out;
		if (wi != NULL && wi->map)
			pfx = wi->v[0].prefix;
	}
	path = path_join3(d->prefix, pfx, pr.path ? pr.path->value : name);
	if (path[0] != '\0' && (strcmp(path, ".west") == 0 ||
	    strncmp(path, ".west/", 6) == 0)) {
		manifest_error(w->p, pr.path ? pr.path : pr.name, "project "
		    "'%s' path '%s' is in west's .west directory", name, path);
		goto out;
	}
	if (!west_filter_allows(d->filters, name, path))
		goto out;	/* an importing manifest left it out */
	for (i = 0; i < *nnames; i++)
		if (strcmp((*names)[i], name) == 0) {
			manifest_error(w->p, pr.name, "project name '%s' is "
			    "used twice in this file", name);
			goto out;
		}
	*names = xreallocarray(*names, *nnames + 1, sizeof(**names));
	(*names)[(*nnames)++] = xstrdup(name);
	if (find_name(w->p->m, name) >= 0)
		goto out;	/* defined earlier: the earlier one wins */
	memset(&urlnode, 0, sizeof(urlnode));
	urlnode.type = YNODE_SCALAR;
	urlnode.value = url;
	urlnode.len = (unsigned)strlen(url);
	urlnode.line = pr.url ? pr.url->line : entry->line;
	urlnode.col = pr.url ? pr.url->col : entry->col;
	f.url = pr.url ? pr.url : &urlnode;
	before = w->p->m->nrepos;
	manifest_add_spec(w->p, &f, entry, path, pr.path ? pr.path : pr.name);
	path = NULL;
	if (w->p->m->nrepos == before)
		goto out;
	idx = (ssize_t)before;
	r = &w->p->m->repos[idx];
	r->name = xstrdup(name);
	r->remote = remote ? xstrdup(remote) : NULL;
	r->submodule_paths = subs;
	subs = NULL;
	r->import = wi;
	wi = NULL;
	w->origin = xreallocarray(w->origin, w->p->m->nrepos,
	    sizeof(*w->origin));
	w->origin[idx] = d->file ? xstrdup(d->file) : NULL;
out:
	west_import_free(wi);
	free(url);
	free(path);
	free(subs);
	return idx;
}

/* --- imports ---------------------------------------------------------- */

static void
import_files(struct west *w, const struct doc *d, const struct west_imap *im,
    const char *shown_base, const char *key_base, struct west_file *files,
    size_t n)
{
	struct west_filters filters = { im, d->filters };
	char *prefix = path_join3(d->prefix, im->prefix, "");
	struct doc sub = *d;
	char *shown, *key;
	size_t i;

	sub.prefix = prefix;
	sub.filters = &filters;
	for (i = 0; i < n; i++) {
		shown = xasprintf("%s%s", shown_base, files[i].path);
		key = xasprintf("%s%s", key_base, files[i].path);
		read_text(w, &sub, shown, key, &files[i], im->line, im->col);
		free(shown);
		free(key);
	}
	west_files_free(files, n);
	free(prefix);
}

static void
import_project(struct west *w, const struct doc *d, size_t idx)
{
	const struct repo_spec *r = &w->p->m->repos[idx];
	const struct import_set *set;
	const struct west_import *wi = r->import;
	struct west_file *files;
	char *base, *rev = r->ref ? r->ref : "", *msg;
	size_t i, n;
	struct doc sub = *d;

	set = import_cache_find(w->p->imports, r->url, rev);
	if (set == NULL) {
		/* a sync reads its files and parses again */
		w->p->m->needs = xreallocarray(w->p->m->needs,
		    w->p->m->nneeds + 1, sizeof(*w->p->m->needs));
		w->p->m->needs[w->p->m->nneeds++] = idx;
		return;
	}
	sub.from_project = true;
	for (i = 0; i < wi->n; i++) {
		if (west_import_files(set, wi->v[i].file, &files, &n) == -1) {
			msg = xasprintf("project '%s': import '%s' is not in "
			    "the project at revision %s", r->name,
			    wi->v[i].file, rev[0] ? rev : "(none)");
			error_in(w, w->origin[idx], wi->v[i].line,
			    wi->v[i].col, msg);
			free(msg);
			continue;
		}
		/* shown as name@rev:path, known by url@rev:path */
		base = xasprintf("%s@%s:", r->name, rev);
		msg = xasprintf("%s@%s:", r->url, rev);
		import_files(w, &sub, &wi->v[i], base, msg, files, n);
		free(base);
		free(msg);
		r = &w->p->m->repos[idx];	/* the array may have moved */
		wi = r->import;
	}
}

/* --- a file ------------------------------------------------------------- */

static char *
chain_text(const struct chain *c, const char *last)
{
	struct buf b = BUF_INIT;
	const struct chain *v[WEST_IMPORT_MAX_DEPTH + 2];
	size_t n = 0;

	buf_init(&b);
	for (; c != NULL && n < WEST_IMPORT_MAX_DEPTH + 1; c = c->up)
		v[n++] = c;
	while (n > 0)
		buf_addf(&b, "%s -> ", v[--n]->key);
	buf_addstr(&b, last);
	return buf_detach(&b);
}

static void
read_doc(struct west *w, const struct doc *d, const struct ynode *root)
{
	const struct ynode *man, *key, *v, *projects;
	struct remote *rv = NULL;
	struct defaults def;
	char **names = NULL;
	ssize_t *added = NULL, idx;
	size_t i, nr, nnames = 0, nadded = 0;

	if (root == NULL)
		return;
	if (root->type != YNODE_MAP) {
		manifest_error(w->p, root, "a west manifest is a mapping with "
		    "'manifest:', not %s", ynode_type_name(root));
		return;
	}
	for (i = 0; i + 1 < root->nitems; i += 2)
		if (strcmp(root->items[i]->value, "manifest") != 0)
			manifest_unknown_key(w->p, root->items[i], "a west "
			    "manifest", top_keys);
	man = manifest_map_get(root, "manifest", NULL);
	if (man == NULL) {
		manifest_error(w->p, root, "no 'manifest:' key");
		return;
	}
	if (ynode_is_null(man))
		return;
	if (man->type != YNODE_MAP) {
		manifest_error(w->p, man, "'manifest' must be a mapping, not "
		    "%s", ynode_type_name(man));
		return;
	}
	if ((v = manifest_map_get(man, "version", NULL)) != NULL)
		check_version(w, d, v);
	for (i = 0; i + 1 < man->nitems; i += 2) {
		key = man->items[i];
		if (strcmp(key->value, "self") == 0)
			read_self(w, d, man->items[i + 1]);
		else if (strcmp(key->value, "group-filter") == 0)
			continue;	/* after self:, as west reads it */
		else if (!is_word(key->value, manifest_keys))
			manifest_unknown_key(w->p, key, "'manifest'",
			    manifest_keys);
	}
	if ((v = manifest_map_get(man, "group-filter", NULL)) != NULL)
		read_group_filter(w, d, v);
	nr = read_remotes(w, manifest_map_get(man, "remotes", NULL), &rv);
	read_defaults(w, manifest_map_get(man, "defaults", NULL), rv, nr,
	    &def);
	projects = manifest_map_get(man, "projects", NULL);
	if (projects != NULL && !ynode_is_null(projects) &&
	    projects->type != YNODE_SEQ)
		manifest_error(w->p, projects, "'projects' must be a list, not "
		    "%s", ynode_type_name(projects));
	else if (projects != NULL && !ynode_is_null(projects))
		for (i = 0; i < projects->nitems; i++) {
			idx = read_project(w, d, projects->items[i], rv, nr,
			    &def, &names, &nnames);
			if (idx < 0 || w->p->m->repos[idx].import == NULL)
				continue;
			added = xreallocarray(added, nadded + 1,
			    sizeof(*added));
			added[nadded++] = idx;
		}
	/* A file with errors brings in no more: its imports may be wrong. */
	for (i = 0; i < nadded && w->p->errors == 0; i++)
		import_project(w, d, (size_t)added[i]);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(added);
	free(rv);
}

static void
read_text(struct west *w, const struct doc *d, const char *shown,
    const char *key, const struct west_file *file, unsigned line,
    unsigned col)
{
	const struct chain *c;
	struct chain link = { key, d->chain };
	struct doc sub = *d;
	struct ytree tree;
	struct ytree_error yerr;
	const char *was = w->p->file;
	char *msg, *chain;

	for (c = d->chain; c != NULL; c = c->up)
		if (strcmp(c->key, key) == 0)
			break;
	if (c != NULL || d->depth + 1 > WEST_IMPORT_MAX_DEPTH) {
		chain = chain_text(d->chain, key);
		msg = c != NULL ? xasprintf("import cycle: %s", chain) :
		    xasprintf("imports nested deeper than %d: %s",
		    WEST_IMPORT_MAX_DEPTH, chain);
		error_in(w, w->p->file, line, col, msg);
		free(msg);
		free(chain);
		return;
	}
	if (ytree_parse(&tree, file->text, file->len, &manifest_limits,
	    &yerr) == -1) {
		diags_add_in(w->p->d, shown, yerr.line, yerr.col, "%s",
		    yerr.msg);
		w->p->errors++;
		return;
	}
	sub.file = shown;
	sub.chain = &link;
	sub.depth = d->depth + 1;
	w->p->file = shown;
	read_doc(w, &sub, tree.root);
	w->p->file = was;
	ytree_release(&tree);
}

/* --- the whole manifest ------------------------------------------------ */

/*
 * west's group-filter: the earlier a file was read, the more its filter
 * counts (the manifest's self imports are read before it, the files its
 * projects import after it); schema 0.9 takes the manifest's own only.
 */
static bool
group_disabled(const struct west *w, const char *g)
{
	size_t i, j;
	bool off = false;

	for (i = w->nfilters; i-- > 0;) {
		if (w->legacy && (ssize_t)i != w->top_filter)
			continue;
		for (j = 0; j < w->nfilter[i]; j++)
			if (strcmp(w->filters[i][j] + 1, g) == 0)
				off = w->filters[i][j][0] == '-';
	}
	return off;
}

static void
mark_inactive(struct west *w)
{
	struct repo_spec *r;
	size_t i, j;

	for (i = 0; i < w->p->m->nrepos; i++) {
		r = &w->p->m->repos[i];
		for (j = 0; j < r->ngroups; j++)
			if (!group_disabled(w, r->groups[j]))
				break;
		r->inactive = r->ngroups > 0 && j == r->ngroups;
	}
}

static const struct west *sort_west;

static int
by_path(const void *a, const void *b)
{
	const struct repo_spec *v = sort_west->p->m->repos;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(v[x].path, v[y].path);

	return c != 0 ? c : (x < y ? -1 : x > y);
}

/* west's check, saying in which file each was written. */
static void
check_paths(struct west *w)
{
	const struct repo_spec *v = w->p->m->repos, *r;
	size_t n = w->p->m->nrepos, i, *ix;
	char *msg;

	for (i = 0; i < n && w->self_path != NULL; i++)
		if (strcmp(v[i].path, w->self_path) == 0) {
			msg = xasprintf("project '%s' path '%s' is taken by "
			    "the manifest repository (self: path:)",
			    v[i].name, v[i].path);
			error_in(w, w->origin[i], v[i].line, v[i].col, msg);
			free(msg);
		}
	if (n < 2)
		return;
	ix = xreallocarray(NULL, n, sizeof(*ix));
	for (i = 0; i < n; i++)
		ix[i] = i;
	sort_west = w;
	qsort(ix, n, sizeof(*ix), by_path);
	for (i = 1; i < n; i++) {
		if (strcmp(v[ix[i]].path, v[ix[i - 1]].path) != 0)
			continue;
		r = &v[ix[i - 1]];
		msg = xasprintf("project '%s' path '%s' is taken by project "
		    "'%s' (%s:%u)", v[ix[i]].name, r->path, r->name,
		    w->origin[ix[i - 1]] ? w->origin[ix[i - 1]] :
		    w->p->m->file, r->line);
		error_in(w, w->origin[ix[i]], v[ix[i]].line, v[ix[i]].col,
		    msg);
		free(msg);
	}
	free(ix);
}

static void
west_release(struct west *w)
{
	size_t i, j;

	for (i = 0; i < w->p->m->nrepos && w->origin != NULL; i++)
		free(w->origin[i]);
	free(w->origin);
	for (i = 0; i < w->nfilters; i++) {
		for (j = 0; j < w->nfilter[i]; j++)
			free(w->filters[i][j]);
		free(w->filters[i]);
	}
	free(w->filters);
	free(w->nfilter);
	free(w->dir);
	free(w->shown_dir);
	free(w->self_path);
}

void
manifest_west_read(struct manifest_parse *p, const struct ynode *root)
{
	struct west w;
	struct doc d;
	struct chain top;
	const char *file = p->m->file, *slash = strrchr(file, '/');
	char *key;

	p->m->format = MANIFEST_WEST;
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.top_filter = -1;
	w.dir = slash ? xstrndup(file, (size_t)(slash - file) + (slash ==
	    file)) : xstrdup(".");
	w.shown_dir = slash ? xstrndup(file, (size_t)(slash - file) + 1) :
	    xstrdup("");
	if (p->base_dir != NULL) {
		/* The workspace's saved copy: beside the user's file. */
		free(w.dir);
		free(w.shown_dir);
		w.dir = xstrdup(p->base_dir);
		w.shown_dir = xasprintf("%s/", p->base_dir);
	}
	key = xasprintf("%s%s", w.shown_dir, slash ? slash + 1 : file);
	top.key = key;
	top.up = NULL;
	memset(&d, 0, sizeof(d));
	d.prefix = "";
	d.chain = &top;
	read_doc(&w, &d, root);
	if (p->errors == 0)
		check_paths(&w);
	if (p->errors == 0)
		mark_inactive(&w);
	/* The origin array covers the entries added; any after were not. */
	west_release(&w);
	free(key);
}
