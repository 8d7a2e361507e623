#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "manifest.h"
#include "path.h"
#include "sanitize.h"
#include "units.h"
#include "url.h"
#include "xmalloc.h"
#include "yamltree.h"

/* The deepest a valid manifest goes is 4 (top, repos, entry, groups). */
static const struct ytree_limits limits = {
	.max_depth = 6,
	.max_scalar = 4096,
	.max_nodes = 16 * MANIFEST_MAX_ENTRIES,
};

static const char *const top_keys[] = { "defaults", "hosts", "repos", NULL };
static const char *const host_keys[] = { "jobs", NULL };
static const char *const repo_keys[] = {
	"url", "path", "branch", "tag", "commit", "depth", "submodules",
	"bare", "mirror", "groups", "size_hint", NULL
};
static const char *const vcs_keys[] = { "type", "url", "version", NULL };

/* One entry (or the defaults) while it is being read. */
struct fields {
	const struct ynode	*url;
	const struct ynode	*path;
	const struct ynode	*ref;		/* value node of branch/tag/commit */
	const struct ynode	*ref_key;
	enum ref_kind		 kind;
	const struct ynode	*groups;
	int			 depth;
	bool			 submodules, bare, mirror;
	const struct ynode	*bare_node, *mirror_node, *sub_node, *depth_node;
	uint64_t		 size_hint;
};

struct parse {
	struct diags	*d;
	struct manifest	*m;
	unsigned	 flags;		/* enum manifest_flags */
	int		 errors;
};

static void
error_at(struct parse *p, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_at(struct parse *p, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	diags_add(p->d, n ? n->line : 1, n ? n->col : 1, "%s", b.data);
	buf_release(&b);
	p->errors++;
}

/* --- diagnostics -------------------------------------------------------- */

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
diags_release(struct diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	free(d->file);
	diags_init(d);
}

void
diags_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	XGROW(d->v, d->n + 1, d->cap);
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].msg = buf_detach(&b);
	d->n++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x < y ? -1 : x > y;
}

char *
diags_format(const struct diags *d)
{
	struct buf b = BUF_INIT;
	struct diag *sorted;
	size_t i;

	buf_init(&b);
	if (d->n == 0)
		return buf_detach(&b);
	sorted = xreallocarray(NULL, d->n, sizeof(*sorted));
	memcpy(sorted, d->v, d->n * sizeof(*sorted));
	qsort(sorted, d->n, sizeof(*sorted), diag_cmp);
	/* Messages quote the manifest, which may come from anyone. */
	for (i = 0; i < d->n; i++) {
		sanitize_str(&b, d->file ? d->file : "<manifest>");
		if (sorted[i].line != 0)	/* else about the file as a whole */
			buf_addf(&b, ":%u:%u", sorted[i].line, sorted[i].col);
		buf_addstr(&b, ": ");
		sanitize_str(&b, sorted[i].msg);
		buf_addch(&b, '\n');
	}
	free(sorted);
	return buf_detach(&b);
}

/* --- did you mean ------------------------------------------------------- */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]) || la >= 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev :
			    row[j - 1]) : (row[j] < row[j - 1] ? row[j] :
			    row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

static const char *
did_you_mean(const char *word, const char *const *known)
{
	const char *best = NULL;
	size_t d, bestd = SIZE_MAX;

	for (; *known; known++) {
		d = edit_distance(word, *known);
		if (d < bestd) {
			bestd = d;
			best = *known;
		}
	}
	if (best == NULL || bestd > 2 || bestd >= strlen(best))
		return NULL;
	return best;
}

static void
unknown_key(struct parse *p, const struct ynode *key, const char *where,
    const char *const *known)
{
	const char *hint = did_you_mean(key->value, known);
	struct buf list = BUF_INIT;
	const char *const *k;

	if (hint != NULL) {
		error_at(p, key, "unknown key '%s' in %s (did you mean '%s'?)",
		    key->value, where, hint);
		return;
	}
	buf_init(&list);
	for (k = known; *k; k++)
		buf_addf(&list, "%s%s", k == known ? "" : ", ", *k);
	error_at(p, key, "unknown key '%s' in %s (known keys: %s)", key->value,
	    where, list.data);
	buf_release(&list);
}

/* --- typed values ------------------------------------------------------- */

static int
want_string(struct parse *p, const struct ynode *key, const struct ynode *v,
    size_t max)
{
	if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
		error_at(p, v, "'%s' must be a string, not %s", key->value,
		    ynode_type_name(v));
		return -1;
	}
	if (v->len > max) {
		error_at(p, v, "'%s' is longer than %zu bytes", key->value, max);
		return -1;
	}
	return 0;
}

static int
want_bool(struct parse *p, const struct ynode *key, const struct ynode *v,
    bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	size_t i;

	if (v->type == YNODE_SCALAR && v->plain) {
		for (i = 0; yes[i]; i++)
			if (strcmp(v->value, yes[i]) == 0) {
				*out = true;
				return 0;
			}
		for (i = 0; no[i]; i++)
			if (strcmp(v->value, no[i]) == 0) {
				*out = false;
				return 0;
			}
	}
	if (v->type == YNODE_SCALAR && !v->plain)
		error_at(p, v, "'%s' must be true or false without quotes, not "
		    "the string '%s'", key->value, v->value);
	else if (v->type == YNODE_SCALAR)
		error_at(p, v, "'%s' must be true or false, not '%s'",
		    key->value, v->value);
	else
		error_at(p, v, "'%s' must be true or false, not %s", key->value,
		    ynode_type_name(v));
	return -1;
}

static int
want_depth(struct parse *p, const struct ynode *key, const struct ynode *v,
    int *out)
{
	long n;
	char *end;

	if (v->type == YNODE_SCALAR && v->plain && v->len > 0 &&
	    v->len <= 10 && strspn(v->value, "0123456789") == v->len) {
		errno = 0;
		n = strtol(v->value, &end, 10);
		if (errno == 0 && *end == '\0' && n <= INT_MAX) {
			*out = (int)n;
			return 0;
		}
	}
	error_at(p, v, "'%s' must be a whole number of commits (0 for full "
	    "history), not %s%s%s", key->value,
	    v->type == YNODE_SCALAR ? "'" : "",
	    v->type == YNODE_SCALAR ? v->value : ynode_type_name(v),
	    v->type == YNODE_SCALAR ? "'" : "");
	return -1;
}

/*
 * The subset of git-check-ref-format(1) that matters for a name we put
 * behind refs/heads/ or refs/tags/: no revision syntax ("@{", "^", "~",
 * ":", ".."), no globbing, nothing that looks like an option.
 */
static const char *
refname_problem(const char *s)
{
	const char *c;
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (s[0] == '-')
		return "starts with '-'";
	if (s[0] == '/' || s[len - 1] == '/' || strstr(s, "//") != NULL)
		return "has an empty path component";
	if (s[len - 1] == '.' || (len >= 5 && strcmp(s + len - 5, ".lock") == 0))
		return "ends with '.' or '.lock'";
	if (strstr(s, "..") != NULL || strstr(s, "@{") != NULL ||
	    strcmp(s, "@") == 0)
		return "contains '..' or '@{' (revision syntax)";
	if (strstr(s, "/.") != NULL || s[0] == '.')
		return "has a component starting with '.'";
	if (sanitize_problem(s, len) != NULL)
		return "contains a control character or invalid UTF-8";
	for (c = s; *c; c++) {
		if (strchr(" ~^:?*[\\", *c) != NULL)
			return "contains one of ' ~^:?*[\\'";
	}
	return NULL;
}

static bool
is_full_hex(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdefABCDEF") == 40;
}

static int
want_groups(struct parse *p, const struct ynode *key, const struct ynode *v)
{
	size_t i;
	const struct ynode *g;
	int rc = 0;

	if (v->type != YNODE_SEQ) {
		error_at(p, v, "'%s' must be a list of group names, not %s",
		    key->value, ynode_type_name(v));
		return -1;
	}
	for (i = 0; i < v->nitems; i++) {
		g = v->items[i];
		if (g->type != YNODE_SCALAR || ynode_is_null(g)) {
			error_at(p, g, "group names are strings, not %s",
			    ynode_type_name(g));
			rc = -1;
		} else if (g->len > MANIFEST_MAX_GROUP || g->value[0] == '-' ||
		    strspn(g->value, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != g->len) {
			error_at(p, g, "group name '%.64s' must be made of "
			    "letters, digits, '.', '_' and '-'", g->value);
			rc = -1;
		}
	}
	return rc;
}

/* A size hint: bytes, or with k, M, G (powers of 1024). */
static int
want_size(struct parse *p, const struct ynode *key, const struct ynode *v,
    uint64_t *out)
{
	if (v->type == YNODE_SCALAR && v->plain && units_parse_size(v->value,
	    out) == 0)
		return 0;
	error_at(p, v, "'%s' must be a size such as 800k, 150M or 2G, not "
	    "%s%s%s", key->value, v->type == YNODE_SCALAR ? "'" : "",
	    v->type == YNODE_SCALAR ? v->value : ynode_type_name(v),
	    v->type == YNODE_SCALAR ? "'" : "");
	return -1;
}

static enum ref_kind
ref_key_kind(const char *k)
{
	if (strcmp(k, "branch") == 0)
		return REF_BRANCH;
	if (strcmp(k, "tag") == 0)
		return REF_TAG;
	return REF_COMMIT;
}

static void
set_ref(struct parse *p, struct fields *f, const struct ynode *key,
    const struct ynode *v, const struct ynode **seen_ref_key)
{
	enum ref_kind kind = ref_key_kind(key->value);
	const char *why;

	if (*seen_ref_key != NULL) {
		error_at(p, key, "'%s' and '%s' (line %u) are mutually "
		    "exclusive: give one of branch, tag or commit", key->value,
		    (*seen_ref_key)->value, (*seen_ref_key)->line);
		return;
	}
	*seen_ref_key = key;
	if (want_string(p, key, v, MANIFEST_MAX_REF) == -1)
		return;
	if (kind == REF_COMMIT && !is_full_hex(v->value)) {
		error_at(p, v, "'commit' must be a full 40-hex-digit commit id, "
		    "not '%.80s'", v->value);
		return;
	}
	if (kind != REF_COMMIT && (why = refname_problem(v->value)) != NULL) {
		error_at(p, v, "%s name '%.80s' %s", key->value, v->value, why);
		return;
	}
	f->ref = v;
	f->ref_key = key;
	f->kind = kind;
}

/* Read the keys of one repos: entry or of defaults: into f. */
static void
read_fields(struct parse *p, const struct ynode *map, struct fields *f,
    bool defaults)
{
	const struct ynode *key, *v, *seen_ref_key = NULL;
	const char *k;
	size_t i;

	for (i = 0; i + 1 < map->nitems; i += 2) {
		key = map->items[i];
		v = map->items[i + 1];
		k = key->value;
		if (strcmp(k, "url") == 0 || strcmp(k, "path") == 0) {
			if (defaults) {
				error_at(p, key, "'%s' cannot have a default: "
				    "it is different for every repository", k);
				continue;
			}
			if (want_string(p, key, v, k[0] == 'u' ?
			    MANIFEST_MAX_URL : PATH_MAX_LEN) == -1)
				continue;
			if (k[0] == 'u')
				f->url = v;
			else
				f->path = v;
		} else if (strcmp(k, "branch") == 0 || strcmp(k, "tag") == 0 ||
		    strcmp(k, "commit") == 0) {
			set_ref(p, f, key, v, &seen_ref_key);
		} else if (strcmp(k, "depth") == 0) {
			if (want_depth(p, key, v, &f->depth) == 0)
				f->depth_node = v;
		} else if (strcmp(k, "submodules") == 0) {
			if (want_bool(p, key, v, &f->submodules) == 0)
				f->sub_node = v;
		} else if (strcmp(k, "bare") == 0) {
			if (want_bool(p, key, v, &f->bare) == 0)
				f->bare_node = v;
		} else if (strcmp(k, "mirror") == 0) {
			if (want_bool(p, key, v, &f->mirror) == 0)
				f->mirror_node = v;
		} else if (strcmp(k, "groups") == 0) {
			if (want_groups(p, key, v) == 0)
				f->groups = v;
		} else if (strcmp(k, "size_hint") == 0) {
			if (defaults)
				error_at(p, key, "'size_hint' cannot have a "
				    "default: it is different for every "
				    "repository");
			else
				want_size(p, key, v, &f->size_hint);
		} else
			unknown_key(p, key, defaults ? "defaults" :
			    "a repository entry", repo_keys);
	}
}

/* Entry values win over defaults, key by key. */
static void
merge_fields(struct fields *f, const struct fields *defaults)
{
	if (f->ref == NULL) {
		f->ref = defaults->ref;
		f->ref_key = defaults->ref_key;
		f->kind = defaults->kind;
	}
	if (f->depth_node == NULL) {
		f->depth = defaults->depth;
		f->depth_node = defaults->depth_node;
	}
	if (f->sub_node == NULL) {
		f->submodules = defaults->submodules;
		f->sub_node = defaults->sub_node;
	}
	if (f->bare_node == NULL) {
		f->bare = defaults->bare;
		f->bare_node = defaults->bare_node;
	}
	if (f->mirror_node == NULL) {
		f->mirror = defaults->mirror;
		f->mirror_node = defaults->mirror_node;
	}
	if (f->groups == NULL)
		f->groups = defaults->groups;
}

static int
check_combination(struct parse *p, const struct fields *f)
{
	if (f->mirror && f->bare_node != NULL && !f->bare) {
		error_at(p, f->bare_node, "a mirror is always bare: "
		    "'bare: false' contradicts 'mirror: true'");
		return -1;
	}
	if (f->mirror && f->ref != NULL) {
		error_at(p, f->ref_key, "a mirror takes every ref: '%s' cannot be "
		    "combined with 'mirror: true'", f->ref_key->value);
		return -1;
	}
	if (f->mirror && f->depth > 0) {
		error_at(p, f->depth_node, "a mirror cannot be shallow: drop "
		    "'depth' or 'mirror'");
		return -1;
	}
	if ((f->mirror || f->bare) && f->submodules) {
		error_at(p, f->sub_node, "'submodules: true' needs a work tree: "
		    "it cannot be combined with 'bare' or 'mirror'");
		return -1;
	}
	return 0;
}

static char *
derive_path(struct parse *p, const struct fields *f, const struct ynode *entry)
{
	char *path;

	if (f->path != NULL)
		return xstrdup(f->path->value);
	path = url_default_path(f->url->value, f->bare || f->mirror);
	if (path == NULL)
		error_at(p, entry, "cannot derive a directory name from url "
		    "'%s': add 'path:'", f->url->value);
	return path;
}

/* A URL whose credentials the saved copy of the manifest must lose. */
static void
note_secret(struct manifest *m, const struct ynode *url)
{
	char *plain = url_strip_secrets(url->value);

	if (strcmp(plain, url->value) != 0) {
		m->secrets = xreallocarray(m->secrets, m->nsecrets + 1,
		    sizeof(*m->secrets));
		m->secrets[m->nsecrets].start = url->start;
		m->secrets[m->nsecrets].end = url->end;
		m->secrets[m->nsecrets].url = xstrdup(url->value);
		m->nsecrets++;
	}
	free(plain);
}

static void
add_spec(struct parse *p, const struct fields *f, const struct ynode *entry,
    char *path, const struct ynode *path_node)
{
	struct repo_spec *r;
	char err[512];
	size_t i;

	if (url_check(f->url->value, (p->flags & MANIFEST_ALLOW_LOCAL) != 0,
	    err, sizeof(err)) == -1) {
		error_at(p, f->url, "%s", err);
		free(path);
		return;
	}
	if (path_check(path, err, sizeof(err)) == -1) {
		error_at(p, path_node ? path_node : f->url, "%s", err);
		free(path);
		return;
	}
	if (p->m->nrepos >= MANIFEST_MAX_ENTRIES) {
		error_at(p, entry, "more than %d repositories",
		    MANIFEST_MAX_ENTRIES);
		free(path);
		return;
	}
	note_secret(p->m, f->url);
	p->m->repos = xreallocarray(p->m->repos, p->m->nrepos + 1,
	    sizeof(*p->m->repos));
	r = &p->m->repos[p->m->nrepos++];
	memset(r, 0, sizeof(*r));
	r->url = xstrdup(f->url->value);
	r->path = path;
	r->ref_kind = f->ref ? f->kind : REF_DEFAULT;
	r->ref = f->ref ? xstrdup(f->ref->value) : NULL;
	if (r->ref_kind == REF_COMMIT)
		for (i = 0; r->ref[i]; i++)
			r->ref[i] = (char)tolower((unsigned char)r->ref[i]);
	r->depth = f->depth;
	r->submodules = f->submodules;
	r->mirror = f->mirror;
	r->bare = f->bare || f->mirror;
	r->size_hint = f->size_hint;
	r->line = entry->line;
	r->col = entry->col;
	if (f->groups != NULL && f->groups->nitems > 0) {
		r->groups = xreallocarray(NULL, f->groups->nitems,
		    sizeof(*r->groups));
		for (i = 0; i < f->groups->nitems; i++)
			r->groups[i] = xstrdup(f->groups->items[i]->value);
		r->ngroups = f->groups->nitems;
	}
}

static void
read_entry(struct parse *p, const struct ynode *entry,
    const struct fields *defaults)
{
	struct fields f;
	int before = p->errors;
	char *path;

	if (entry->type != YNODE_MAP) {
		error_at(p, entry, "a repository entry must be a mapping with "
		    "at least 'url:', not %s", ynode_type_name(entry));
		return;
	}
	memset(&f, 0, sizeof(f));
	read_fields(p, entry, &f, false);
	if (p->errors != before)
		return;
	merge_fields(&f, defaults);
	if (f.url == NULL) {
		error_at(p, entry, "repository entry has no 'url'");
		return;
	}
	if (check_combination(p, &f) == -1)
		return;
	if ((path = derive_path(p, &f, entry)) == NULL)
		return;
	add_spec(p, &f, entry, path, f.path);
}

static const struct ynode *
map_get(const struct ynode *map, const char *key, const struct ynode **keynode)
{
	size_t i;

	for (i = 0; i + 1 < map->nitems; i += 2)
		if (strcmp(map->items[i]->value, key) == 0) {
			if (keynode)
				*keynode = map->items[i];
			return map->items[i + 1];
		}
	return NULL;
}

/* A hosts: key: a host name or address, with an optional :port. */
static bool
host_key_ok(const char *h, size_t len)
{
	return len > 0 && len <= 255 && h[0] != '-' && h[0] != '.' &&
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:[]") == len;
}

static void
read_host(struct parse *p, const struct ynode *name, const struct ynode *v)
{
	const struct ynode *key, *jobs = NULL;
	struct host_rule *h;
	char *end;
	unsigned long n = 0;
	size_t i;

	if (!host_key_ok(name->value, name->len)) {
		error_at(p, name, "'%.80s' is not a host name (give a name or "
		    "address, optionally with :port)", name->value);
		return;
	}
	for (i = 0; i < p->m->nhosts; i++)
		if (strcasecmp(p->m->hosts[i].host, name->value) == 0) {
			error_at(p, name, "host '%s' is given twice",
			    name->value);
			return;
		}
	if (v->type != YNODE_MAP) {
		error_at(p, v, "host '%s' must be a mapping such as "
		    "'{jobs: 4}', not %s", name->value, ynode_type_name(v));
		return;
	}
	for (i = 0; i + 1 < v->nitems; i += 2) {
		key = v->items[i];
		if (strcmp(key->value, "jobs") == 0)
			jobs = v->items[i + 1];
		else
			unknown_key(p, key, "a host", host_keys);
	}
	if (jobs == NULL) {
		error_at(p, v, "host '%s' has no 'jobs'", name->value);
		return;
	}
	if (jobs->type == YNODE_SCALAR && jobs->plain && jobs->len > 0 &&
	    jobs->len <= 5 && strspn(jobs->value, "0123456789") == jobs->len)
		n = strtoul(jobs->value, &end, 10);
	if (n < 1 || n > MANIFEST_MAX_HOST_JOBS) {
		error_at(p, jobs, "'jobs' must be a number from 1 to %d, not "
		    "%s%s%s", MANIFEST_MAX_HOST_JOBS,
		    jobs->type == YNODE_SCALAR ? "'" : "",
		    jobs->type == YNODE_SCALAR ? jobs->value :
		    ynode_type_name(jobs), jobs->type == YNODE_SCALAR ? "'" : "");
		return;
	}
	p->m->hosts = xreallocarray(p->m->hosts, p->m->nhosts + 1,
	    sizeof(*p->m->hosts));
	h = &p->m->hosts[p->m->nhosts++];
	h->host = xstrdup(name->value);
	for (i = 0; h->host[i]; i++)
		h->host[i] = (char)tolower((unsigned char)h->host[i]);
	h->jobs = (unsigned)n;
}

/* hosts: {HOST: {jobs: N}, ...}: at most N jobs at once on HOST. */
static void
read_hosts(struct parse *p, const struct ynode *hosts)
{
	size_t i;

	if (hosts == NULL || ynode_is_null(hosts))
		return;
	if (hosts->type != YNODE_MAP) {
		error_at(p, hosts, "'hosts' must map host names to settings "
		    "such as '{jobs: 4}', not %s", ynode_type_name(hosts));
		return;
	}
	for (i = 0; i + 1 < hosts->nitems; i += 2)
		read_host(p, hosts->items[i], hosts->items[i + 1]);
}

static void
read_githerd(struct parse *p, const struct ynode *root)
{
	const struct ynode *defaults, *repos, *key;
	struct fields dflt;
	size_t i;

	p->m->format = MANIFEST_GITHERD;
	memset(&dflt, 0, sizeof(dflt));
	for (i = 0; i + 1 < root->nitems; i += 2) {
		key = root->items[i];
		if (strcmp(key->value, "defaults") != 0 &&
		    strcmp(key->value, "hosts") != 0 &&
		    strcmp(key->value, "repos") != 0)
			unknown_key(p, key, "the manifest", top_keys);
	}
	read_hosts(p, map_get(root, "hosts", NULL));
	defaults = map_get(root, "defaults", NULL);
	if (defaults != NULL && !ynode_is_null(defaults)) {
		if (defaults->type != YNODE_MAP)
			error_at(p, defaults, "'defaults' must be a mapping, "
			    "not %s", ynode_type_name(defaults));
		else
			read_fields(p, defaults, &dflt, true);
	}
	repos = map_get(root, "repos", &key);
	if (repos == NULL) {
		error_at(p, root, "manifest has no 'repos:' list");
		return;
	}
	if (ynode_is_null(repos))
		return;		/* an empty list of repositories is fine */
	if (repos->type != YNODE_SEQ) {
		error_at(p, repos, "'repos' must be a list of repository "
		    "entries, not %s", ynode_type_name(repos));
		return;
	}
	for (i = 0; i < repos->nitems; i++)
		read_entry(p, repos->items[i], &dflt);
}

static void
read_vcstool_entry(struct parse *p, const struct ynode *pathkey,
    const struct ynode *entry)
{
	const struct ynode *key, *v, *type = NULL, *version = NULL;
	struct fields f;
	size_t i;
	int before = p->errors;

	if (entry->type != YNODE_MAP) {
		error_at(p, entry, "repository '%s' must be a mapping with "
		    "'type', 'url' and 'version', not %s", pathkey->value,
		    ynode_type_name(entry));
		return;
	}
	memset(&f, 0, sizeof(f));
	for (i = 0; i + 1 < entry->nitems; i += 2) {
		key = entry->items[i];
		v = entry->items[i + 1];
		if (strcmp(key->value, "type") == 0) {
			if (want_string(p, key, v, 32) == 0)
				type = v;
		} else if (strcmp(key->value, "url") == 0) {
			if (want_string(p, key, v, MANIFEST_MAX_URL) == 0)
				f.url = v;
		} else if (strcmp(key->value, "version") == 0) {
			if (!ynode_is_null(v) &&
			    want_string(p, key, v, MANIFEST_MAX_REF) == 0)
				version = v;
		} else
			unknown_key(p, key, "a vcstool repository entry",
			    vcs_keys);
	}
	if (p->errors != before)
		return;
	if (type == NULL) {
		error_at(p, entry, "repository '%s' has no 'type'",
		    pathkey->value);
		return;
	}
	if (strcmp(type->value, "git") != 0) {
		error_at(p, type, "repository '%s' has type '%s': githerd "
		    "clones git repositories only", pathkey->value, type->value);
		return;
	}
	if (f.url == NULL) {
		error_at(p, entry, "repository '%s' has no 'url'",
		    pathkey->value);
		return;
	}
	if (version != NULL) {
		const char *why = is_full_hex(version->value) ? NULL :
		    refname_problem(version->value);

		if (why != NULL) {
			error_at(p, version, "version '%.80s' %s",
			    version->value, why);
			return;
		}
		f.ref = version;
		f.ref_key = version;
		f.kind = is_full_hex(version->value) ? REF_COMMIT : REF_VERSION;
	}
	add_spec(p, &f, pathkey, xstrdup(pathkey->value), pathkey);
}

static void
read_vcstool(struct parse *p, const struct ynode *root)
{
	const struct ynode *repos, *key;
	size_t i;

	p->m->format = MANIFEST_VCSTOOL;
	for (i = 0; i + 1 < root->nitems; i += 2) {
		key = root->items[i];
		if (strcmp(key->value, "repositories") != 0)
			error_at(p, key, "unknown key '%s' in a vcstool manifest "
			    "(only 'repositories' is allowed)", key->value);
	}
	repos = map_get(root, "repositories", NULL);
	if (ynode_is_null(repos))
		return;
	if (repos->type != YNODE_MAP) {
		error_at(p, repos, "'repositories' must map paths to "
		    "repositories, not %s", ynode_type_name(repos));
		return;
	}
	for (i = 0; i + 1 < repos->nitems; i += 2)
		read_vcstool_entry(p, repos->items[i], repos->items[i + 1]);
}

/* --- paths across entries ----------------------------------------------- */

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

static void
check_paths(struct parse *p)
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
				error_at(p, &at, "path '%s' is already used by "
				    "the entry at line %u", r->path, q->line);
			else
				error_at(p, &at, "path '%s' differs only in case "
				    "from '%s' at line %u (they collide on "
				    "case-insensitive filesystems)", r->path,
				    q->path, q->line);
			continue;
		}
		while (depth > 0 && !path_is_inside(stack[depth - 1]->path,
		    r->path, true))
			depth--;
		if (depth > 0)
			error_at(p, &at, "path '%s' is inside '%s', the entry "
			    "at line %u: entries must not nest", r->path,
			    stack[depth - 1]->path, stack[depth - 1]->line);
		stack[depth++] = r;
	}
	free(stack);
	free(v);
}

/* --- entry points ------------------------------------------------------- */

void
manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

static void
spec_release(struct repo_spec *r)
{
	size_t j;

	free(r->url);
	free(r->path);
	free(r->ref);
	for (j = 0; j < r->ngroups; j++)
		free(r->groups[j]);
	free(r->groups);
}

void
manifest_keep(struct manifest *m, const bool *keep)
{
	size_t i, n = 0;

	for (i = 0; i < m->nrepos; i++) {
		if (keep[i])
			m->repos[n++] = m->repos[i];
		else
			spec_release(&m->repos[i]);
	}
	m->nrepos = n;
}

void
manifest_release(struct manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrepos; i++)
		spec_release(&m->repos[i]);
	free(m->repos);
	for (i = 0; i < m->nhosts; i++)
		free(m->hosts[i].host);
	free(m->hosts);
	for (i = 0; i < m->nsecrets; i++) {
		compat_wipe(m->secrets[i].url, strlen(m->secrets[i].url));
		free(m->secrets[i].url);
	}
	free(m->secrets);
	free(m->file);
	free(m->text);
	manifest_init(m);
}

static int	parse_owned(struct manifest *, const char *, char *, size_t,
		    unsigned, struct diags *);

int
manifest_parse(struct manifest *m, const char *name, const char *buf,
    size_t len, struct diags *d)
{
	return manifest_parse_flags(m, name, buf, len, 0, d);
}

int
manifest_parse_flags(struct manifest *m, const char *name, const char *buf,
    size_t len, unsigned flags, struct diags *d)
{
	return parse_owned(m, name, xstrndup(buf, len), len, flags, d);
}

/* Parse text, which the manifest keeps (as m->text) whatever happens. */
static int
parse_owned(struct manifest *m, const char *name, char *text, size_t len,
    unsigned flags, struct diags *d)
{
	struct ytree tree;
	const struct ynode *root;
	struct ytree_error yerr;
	struct parse p;
	char *file;

	manifest_init(m);
	m->file = xstrdup(name);
	m->text = text;
	m->textlen = len;
	if (d->file == NULL)
		d->file = xstrdup(name);
	memset(&p, 0, sizeof(p));
	p.d = d;
	p.m = m;
	p.flags = flags;
	if (ytree_parse(&tree, text, len, &limits, &yerr) == -1) {
		diags_add(d, yerr.line, yerr.col, "%s", yerr.msg);
		return -1;
	}
	root = tree.root;
	if (root == NULL || ynode_is_null(root)) {
		diags_add(d, 1, 1, "manifest is empty: expected 'repos:' "
		    "(or vcstool's 'repositories:')");
		ytree_release(&tree);
		return -1;
	}
	if (root->type != YNODE_MAP) {
		error_at(&p, root, "the manifest must be a mapping with "
		    "'repos:' (or vcstool's 'repositories:'), not %s",
		    ynode_type_name(root));
	} else if (map_get(root, "repositories", NULL) != NULL &&
	    map_get(root, "repos", NULL) == NULL)
		read_vcstool(&p, root);
	else
		read_githerd(&p, root);
	if (p.errors == 0)
		check_paths(&p);
	ytree_release(&tree);
	if (p.errors == 0)
		return 0;
	/* All or nothing: a manifest with errors yields no entries. */
	file = m->file;
	m->file = NULL;
	manifest_release(m);
	m->file = file;
	return -1;
}

/*
 * Read the whole file with bounded reads: a manifest larger than the cap
 * is refused before libyaml sees a byte of it.
 */
int
manifest_load(struct manifest *m, const char *file, struct diags *d)
{
	return manifest_load_flags(m, file, 0, d);
}

int
manifest_load_flags(struct manifest *m, const char *file, unsigned flags,
    struct diags *d)
{
	struct buf b = BUF_INIT;
	char *text;
	size_t len;
	int fd, rc = -1;

	manifest_init(m);
	if (d->file == NULL)
		d->file = xstrdup(file);
	buf_init(&b);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		diags_add(d, 0, 0, "cannot open manifest: %s", strerror(errno));
		return -1;
	}
	if (fs_read_fd(fd, MANIFEST_MAX_BYTES, &b) == -1) {
		if (errno == EFBIG)
			diags_add(d, 0, 0, "manifest is larger than %u MiB",
			    MANIFEST_MAX_BYTES >> 20);
		else
			diags_add(d, 0, 0, "cannot read manifest: %s",
			    strerror(errno));
		goto out;
	}
	close(fd);
	/* The text is kept (to save a copy in the workspace): at its size. */
	len = b.len;
	text = buf_detach(&b);
	return parse_owned(m, file, xreallocarray(text, len + 1, 1), len, flags,
	    d);
out:
	close(fd);
	buf_release(&b);
	return rc;
}
