#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "manifest_read.h"
#include "path.h"
#include "sanitize.h"
#include "url.h"
#include "westimport.h"
#include "xmalloc.h"

/*
 * The deepest a valid manifest goes is 7: west's top, manifest:,
 * projects:, a project, its import:, an allowlist and its items.
 */
const struct ytree_limits manifest_limits = {
	.max_depth = 8,
	.max_scalar = 4096,
	.max_nodes = 16 * MANIFEST_MAX_ENTRIES,
};

void
manifest_error(struct manifest_parse *p, const struct ynode *n,
    const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* An imported file (west) names itself; the manifest is d's file. */
	if (p->file != NULL)
		diags_add_in(p->d, p->file, n ? n->line : 1, n ? n->col : 1,
		    "%s", b.data);
	else
		diags_add(p->d, n ? n->line : 1, n ? n->col : 1, "%s", b.data);
	buf_release(&b);
	p->errors++;
}

void
manifest_unknown_key(struct manifest_parse *p, const struct ynode *key,
    const char *where, const char *const *known)
{
	const char *hint = diags_suggest(key->value, known);
	struct buf list = BUF_INIT;
	const char *const *k;

	if (hint != NULL) {
		manifest_error(p, key, "unknown key '%s' in %s (did you mean "
		    "'%s'?)", key->value, where, hint);
		return;
	}
	buf_init(&list);
	for (k = known; *k; k++)
		buf_addf(&list, "%s%s", k == known ? "" : ", ", *k);
	manifest_error(p, key, "unknown key '%s' in %s (known keys: %s)",
	    key->value, where, list.data);
	buf_release(&list);
}

/* --- what every format checks ------------------------------------- */

int
manifest_want_string(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v, size_t max)
{
	if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
		manifest_error(p, v, "'%s' must be a string, not %s",
		    key->value, ynode_type_name(v));
		return -1;
	}
	if (v->len > max) {
		manifest_error(p, v, "'%s' is longer than %zu bytes",
		    key->value, max);
		return -1;
	}
	return 0;
}

int
manifest_want_bool(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v, bool *out)
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
		manifest_error(p, v, "'%s' must be true or false without "
		    "quotes, not the string '%s'", key->value, v->value);
	else if (v->type == YNODE_SCALAR)
		manifest_error(p, v, "'%s' must be true or false, not '%s'",
		    key->value, v->value);
	else
		manifest_error(p, v, "'%s' must be true or false, not %s",
		    key->value, ynode_type_name(v));
	return -1;
}

int
manifest_want_depth(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v, int *out)
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
	manifest_error(p, v, "'%s' must be a whole number of commits (0 for "
	    "full history), not %s%s%s", key->value,
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
const char *
manifest_ref_problem(const char *s)
{
	const char *c;
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (s[0] == '-')
		return "starts with '-'";
	if (s[0] == '/' || s[len - 1] == '/' || strstr(s, "//") != NULL)
		return "has an empty path component";
	if (s[len - 1] == '.' || (len >= 5 && strcmp(s + len - 5,
	    ".lock") == 0))
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

bool
manifest_is_full_hex(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdefABCDEF") == 40;
}

/* A URL whose credentials the saved copy of the manifest must lose. */
void
manifest_note_secret(struct manifest *m, const struct ynode *url)
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

/*
 * A west or repo revision spelled as a full ref (refs/heads/main) is the
 * branch or tag it names; any other ref is the worker's to find.
 */
static void
full_ref_kind(struct repo_spec *r)
{
	static const struct {
		const char	*prefix;
		enum ref_kind	 kind;
	} full[] = {
		{ "refs/heads/", REF_BRANCH },
		{ "refs/tags/", REF_TAG },
	};
	size_t i, n;

	if (r->ref_kind != REF_VERSION)
		return;
	for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		n = strlen(full[i].prefix);
		if (strncmp(r->ref, full[i].prefix, n) == 0 &&
		    r->ref[n] != '\0') {
			r->ref_kind = full[i].kind;
			memmove(r->ref, r->ref + n, strlen(r->ref + n) + 1);
			return;
		}
	}
}

void
manifest_add_spec(struct manifest_parse *p, const struct manifest_fields *f,
    const struct ynode *entry, char *path, const struct ynode *path_node)
{
	struct repo_spec *r;
	char err[512];
	size_t i;

	/* Another type's URL is never used, only shown (sanitised). */
	if (f->vcs_type == NULL && url_check(f->url->value,
	    (p->flags & MANIFEST_ALLOW_LOCAL) != 0, err, sizeof(err)) == -1) {
		manifest_error(p, f->url, "%s", err);
		free(path);
		return;
	}
	if (path_check(path, err, sizeof(err)) == -1) {
		manifest_error(p, path_node ? path_node : f->url, "%s", err);
		free(path);
		return;
	}
	if (p->m->nrepos >= MANIFEST_MAX_ENTRIES) {
		manifest_error(p, entry, "more than %d repositories",
		    MANIFEST_MAX_ENTRIES);
		free(path);
		return;
	}
	/*
	 * Only a scalar of the manifest's own text has a span to redact; a
	 * URL made of parts (west's url-base + name) has none, and its
	 * parts were noted where they are written.  An imported file is
	 * not in the saved copy at all.
	 */
	if (p->file == NULL && f->url->end > f->url->start)
		manifest_note_secret(p->m, f->url);
	p->m->repos = xreallocarray(p->m->repos, p->m->nrepos + 1,
	    sizeof(*p->m->repos));
	r = &p->m->repos[p->m->nrepos++];
	memset(r, 0, sizeof(*r));
	r->url = xstrdup(f->url->value);
	r->path = path;
	r->ref_kind = f->ref ? f->kind : REF_DEFAULT;
	r->ref = f->ref ? xstrdup(f->ref->value) : NULL;
	if (p->m->format == MANIFEST_WEST || p->m->format == MANIFEST_REPO)
		full_ref_kind(r);
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
	r->vcs_type = f->vcs_type ? xstrdup(f->vcs_type->value) : NULL;
	if (f->groups != NULL && f->groups->nitems > 0) {
		r->groups = xreallocarray(NULL, f->groups->nitems,
		    sizeof(*r->groups));
		for (i = 0; i < f->groups->nitems; i++)
			r->groups[i] = xstrdup(f->groups->items[i]->value);
		r->ngroups = f->groups->nitems;
	}
}

const struct ynode *
manifest_map_get(const struct ynode *map, const char *key,
    const struct ynode **keynode)
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

/* --- entry points -------------------------------------------------- */

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
	free(r->vcs_type);
	free(r->outer);
	free(r->inner);
	free(r->name);
	free(r->remote);
	free(r->upstream);
	free(r->submodule_paths);
	for (j = 0; j < r->ncopies; j++) {
		free(r->copies[j].src);
		free(r->copies[j].dest);
		free(r->copies[j].file);
	}
	free(r->copies);
	west_import_free(r->import);
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
	free(m->cache);
	free(m->needs);
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
		    unsigned, const struct manifest_from *, struct diags *);

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
	return parse_owned(m, name, xstrndup(buf, len), len, flags, NULL, d);
}

int
manifest_parse_url(struct manifest *m, const char *name, const char *buf,
    size_t len, unsigned flags, const char *url, struct diags *d)
{
	struct manifest_from from = { NULL, url, NULL };

	return parse_owned(m, name, xstrndup(buf, len), len, flags, &from, d);
}

bool
manifest_is_xml(const char *text, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && text[i] != '\0' && strchr(" \t\r\n", text[i]))
		i++;
	return i < len && text[i] == '<';
}

/* All or nothing: a manifest with errors yields no entries. */
static int
parse_failed(struct manifest *m)
{
	char *file = m->file;

	m->file = NULL;
	manifest_release(m);
	m->file = file;
	return -1;
}

/* Parse text, which the manifest keeps (as m->text) whatever happens. */
static int
parse_owned(struct manifest *m, const char *name, char *text, size_t len,
    unsigned flags, const struct manifest_from *from, struct diags *d)
{
	struct ytree tree;
	const struct ynode *root;
	struct ytree_error yerr;
	struct manifest_parse p;

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
	if (from != NULL) {
		p.imports = from->imports;
		p.manifest_url = from->url;
		p.base_dir = from->dir;
	}
	if (manifest_is_xml(text, len)) {
		manifest_repo_read(&p, text, len);
		if (p.errors == 0)
			manifest_paths_check(&p);
		return p.errors == 0 ? 0 : parse_failed(m);
	}
	if (ytree_parse(&tree, text, len, &manifest_limits, &yerr) == -1) {
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
		manifest_error(&p, root, "the manifest must be a mapping with "
		    "'repos:' (or vcstool's 'repositories:'), not %s",
		    ynode_type_name(root));
	} else if (manifest_map_get(root, "manifest", NULL) != NULL &&
	    manifest_map_get(root, "repos", NULL) == NULL)
		manifest_west_read(&p, root);
	else if (manifest_map_get(root, "repositories", NULL) != NULL &&
	    manifest_map_get(root, "repos", NULL) == NULL)
		manifest_vcstool_read(&p, root);
	else
		manifest_githerd_read(&p, root);
	if (p.errors == 0)
		manifest_paths_check(&p);
	ytree_release(&tree);
	return p.errors == 0 ? 0 : parse_failed(m);
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
	return manifest_load_imports(m, file, flags, NULL, d);
}

int
manifest_load_imports(struct manifest *m, const char *file, unsigned flags,
    const struct import_cache *imports, struct diags *d)
{
	struct manifest_from from = { imports, NULL, NULL };

	return manifest_load_from(m, file, flags, &from, d);
}

int
manifest_load_url(struct manifest *m, const char *file, unsigned flags,
    const char *url, struct diags *d)
{
	struct manifest_from from = { NULL, url, NULL };

	return manifest_load_from(m, file, flags, &from, d);
}

int
manifest_load_from(struct manifest *m, const char *file, unsigned flags,
    const struct manifest_from *from, struct diags *d)
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
	    from, d);
out:
	close(fd);
	buf_release(&b);
	return rc;
}

