/*
 * Google repo's XML manifest (default.xml), as repo's
 * docs/manifest-format.md and manifest_xml.py read it: the files come
 * from repoload.c (includes, local manifests); here, as repo does, every
 * <remote> is read first, then the <default>, then <project>,
 * <extend-project> and <remove-project> in order.  A project's URL is its
 * remote's fetch URL (a relative one resolved against the manifest's URL,
 * repourl.h) and "/" and its name; its path is its name unless given;
 * its revision is its own, its include's, its remote's or the default's:
 * 40 hex digits a commit, refs/heads/X a branch, refs/tags/X a tag,
 * anything else a branch or tag the worker looks up (REF_VERSION), none
 * the remote's default branch.  Every project is in groups "all",
 * "name:NAME", "path:PATH" and "default" unless it is in "notdefault"
 * (then inactive).  What githerd cannot do is refused at its line and
 * column; what changes nothing githerd does (review servers, hooks,
 * annotations) is accepted and ignored: the man page lists both.  On
 * success the manifest's text becomes the whole manifest in one file
 * (freeze_repo.c), so the copy a sync saves needs no includes and no URL.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "freeze_repo.h"
#include "gitorigin.h"
#include "path.h"
#include "repoload.h"
#include "repourl.h"
#include "sanitize.h"
#include "url.h"
#include "xmalloc.h"

#define MAX_SYNC_J	1024

/* An element's attributes: the ones githerd uses, the ones it ignores. */
struct rule {
	const char		*elem;
	const char *const	*used;
	const char *const	*ignored;
};

#define L(...)	((const char *const[]){ __VA_ARGS__, NULL })
static const struct rule rules[] = {
	{ "notice", L(NULL), L(NULL) },
	{ "remote", L("name", "fetch", "revision"),
	    L("alias", "pushurl", "review") },
	{ "default", L("remote", "revision", "upstream", "sync-j", "sync-s"),
	    L("dest-branch", "sync-c", "sync-tags", "sync-j-max") },
	{ "project", L("name", "path", "remote", "revision", "groups",
	    "upstream", "clone-depth", "sync-s"),
	    L("dest-branch", "sync-c", "sync-tags", "force-path",
	    "sync-strategy") },
	{ "extend-project", L("name", "path", "dest-path", "groups",
	    "revision", "remote", "upstream", "base-rev"),
	    L("dest-branch") },
	{ "remove-project", L("name", "path", "optional", "base-rev"),
	    L(NULL) },
	{ "copyfile", L("src", "dest"), L(NULL) },
	{ "linkfile", L("src", "dest"), L(NULL) },
	{ "annotation", L(NULL), L("name", "value", "keep") },
	{ "manifest-server", L(NULL), L("url", "helper") },
	{ "repo-hooks", L(NULL), L("in-project", "enabled-list") },
	{ "superproject", L(NULL), L("name", "remote", "revision") },
	{ "contactinfo", L(NULL), L("bugurl") },
};

static const char *const top_elems[] = { "notice", "remote", "default",
    "manifest-server", "remove-project", "project", "extend-project",
    "repo-hooks", "superproject", "contactinfo", "include", NULL };

struct remote {
	const char	*name, *revision;
	char		*fetch;		/* resolved; NULL when it failed */
	const struct xnode *x;
	size_t		 file;
};

struct project {
	char		*name, *path, *remote, *revision, *upstream;
	char		**groups;
	size_t		 ngroups;
	int		 depth;
	bool		 submodules;
	struct file_copy *copies;
	size_t		 ncopies;
	const struct xnode *x;
	size_t		 file;
	bool		 gone;		/* removed */
};

struct reader {
	struct repoload	 l;
	struct remote	*remotes;
	size_t		 nremotes;
	const struct reponode *def;
	struct project	*projects;
	size_t		 nprojects;
	char		*base;		/* the manifest's URL */
	bool		 base_tried;
	char		 base_why[600];
};

#define ERR(r, f, x, ...)	repoload_error(&(r)->l, (f), (x), __VA_ARGS__)

static bool
in_list(const char *const *l, const char *s)
{
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static const struct rule *
rule_of(const char *elem)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].elem, elem) == 0)
			return &rules[i];
	return NULL;
}

/* Every attribute is one githerd uses or knows to be harmless. */
static void
check_attrs(struct reader *r, size_t f, const struct xnode *x)
{
	const struct rule *ru = rule_of(x->name);
	size_t i;

	for (i = 0; ru != NULL && i < x->nattrs; i++) {
		const char *a = x->attrs[2 * i];

		if (in_list(ru->used, a) || in_list(ru->ignored, a))
			continue;
		ERR(r, f, x, "<%s> has attribute '%.80s' githerd does not "
		    "support", x->name, a);
	}
}

static bool
xml_bool(struct reader *r, size_t f, const struct xnode *x, const char *a,
    bool dflt)
{
	const char *v = xnode_attr(x, a);

	if (v == NULL)
		return dflt;
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0)
		return true;
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0)
		return false;
	ERR(r, f, x, "%s='%.40s' is not true or false", a, v);
	return dflt;
}

/* A required attribute that may not be empty. */
static const char *
need(struct reader *r, size_t f, const struct xnode *x, const char *a)
{
	const char *v = xnode_attr(x, a);

	if (v == NULL || *v == '\0') {
		ERR(r, f, x, "<%s> needs %s=", x->name, a);
		return NULL;
	}
	return v;
}

/* --- remotes ------------------------------------------------------ */

static const char *
base_url(struct reader *r)
{
	char why[500];

	if (r->l.p->manifest_url != NULL)
		return r->l.p->manifest_url;
	if (!r->base_tried) {
		r->base_tried = true;
		r->base = gitorigin_url(r->l.p->m->file ? r->l.p->m->file :
		    ".", why, sizeof(why));
		if (r->base == NULL)
			snprintf(r->base_why, sizeof(r->base_why), "%s", why);
	}
	return r->base;
}

static void
add_remote(struct reader *r, const struct reponode *n)
{
	const char *name = need(r, n->file, n->x, "name");
	const char *fetch = need(r, n->file, n->x, "fetch");
	const char *rev = xnode_attr(n->x, "revision"), *base;
	struct remote *o;
	size_t i;

	if (name == NULL || fetch == NULL)
		return;
	for (i = 0; i < r->nremotes; i++) {
		o = &r->remotes[i];
		if (strcmp(o->name, name) != 0)
			continue;
		if (strcmp(xnode_attr(o->x, "fetch"), fetch) != 0 ||
		    (o->revision == NULL) != (rev == NULL) ||
		    (rev != NULL && strcmp(o->revision, rev) != 0))
			ERR(r, n->file, n->x, "remote '%.80s' is defined again "
			    "with other attributes", name);
		return;
	}
	r->remotes = xreallocarray(r->remotes, r->nremotes + 1,
	    sizeof(*r->remotes));
	o = &r->remotes[r->nremotes++];
	o->name = name;
	o->revision = rev;
	o->x = n->x;
	o->file = n->file;
	o->fetch = NULL;
	if (!repourl_is_relative(fetch)) {
		o->fetch = repourl_join("", fetch);
		return;
	}
	if ((base = base_url(r)) == NULL) {
		ERR(r, n->file, n->x, "remote '%.80s': fetch='%.200s' is "
		    "relative to the manifest's URL, which githerd does not "
		    "know (%s): give it with --manifest-url", name, fetch,
		    r->base_why);
		return;
	}
	o->fetch = repourl_join(base, fetch);
}

static struct remote *
find_remote(struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nremotes; i++)
		if (strcmp(r->remotes[i].name, name) == 0)
			return &r->remotes[i];
	return NULL;
}

/* --- projects ----------------------------------------------------- */

static void
project_release(struct project *p)
{
	size_t i;

	free(p->name);
	free(p->path);
	free(p->remote);
	free(p->revision);
	free(p->upstream);
	for (i = 0; i < p->ngroups; i++)
		free(p->groups[i]);
	free(p->groups);
	for (i = 0; i < p->ncopies; i++) {
		free(p->copies[i].src);
		free(p->copies[i].dest);
		free(p->copies[i].file);
	}
	free(p->copies);
}

static void
set(char **field, const char *v)
{
	free(*field);
	*field = v ? xstrdup(v) : NULL;
}

static bool
has_group(const struct project *p, const char *g)
{
	size_t i;

	for (i = 0; i < p->ngroups; i++)
		if (strcmp(p->groups[i], g) == 0)
			return true;
	return false;
}

/* Groups are separated by blanks or commas, as repo's _ParseSet. */
static void
add_groups(struct reader *r, size_t f, const struct xnode *x,
    struct project *p, const char *list)
{
	const char *s = list;
	char *g;
	size_t n;

	while (s != NULL && *s != '\0') {
		s += strspn(s, " \t\r\n,");
		if ((n = strcspn(s, " \t\r\n,")) == 0)
			break;
		g = xstrndup(s, n);
		s += n;
		if (n > MANIFEST_MAX_GROUP || g[0] == '-' || strspn(g,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-:/+") != n) {
			ERR(r, f, x, "group name '%.64s' must be made of "
			    "letters, digits and '._-:/+'", g);
			free(g);
			continue;
		}
		if (has_group(p, g)) {
			free(g);
			continue;
		}
		p->groups = xreallocarray(p->groups, p->ngroups + 1,
		    sizeof(*p->groups));
		p->groups[p->ngroups++] = g;
	}
}

/*
 * A copyfile's or linkfile's paths: src inside the project (a linkfile
 * may name the project itself as "."), dest inside the workspace; no
 * globs (repo's linkfile takes one; githerd refuses it).
 */
static void
add_copy(struct reader *r, size_t f, const struct xnode *k,
    struct project *p)
{
	bool link = strcmp(k->name, "linkfile") == 0;
	const char *src = need(r, f, k, "src"), *dest = need(r, f, k, "dest");
	const char *why;
	struct file_copy *c;
	char err[512];
	size_t i;

	if (src == NULL || dest == NULL)
		return;
	if (!(link && strcmp(src, ".") == 0) &&
	    (why = repoload_name_problem(src)) != NULL) {
		ERR(r, f, k, "<%s> src='%.200s' %s: it must be inside the "
		    "project", k->name, src, why);
		return;
	}
	if (strpbrk(src, "*?[") != NULL) {
		ERR(r, f, k, "<%s> src='%.200s' is a glob, which githerd does "
		    "not expand: name each file", k->name, src);
		return;
	}
	if ((why = repoload_name_problem(dest)) != NULL) {
		ERR(r, f, k, "<%s> dest='%.200s' %s: it must be inside the "
		    "workspace", k->name, dest, why);
		return;
	}
	/*
	 * What a project's path may not name, a dest may not either: a link
	 * at "p/.git/hooks/pre-commit" to a file the server made executable
	 * runs at the user's next commit.  A src inside .git would show the
	 * project's git config at the top of the workspace.
	 */
	if ((!(link && strcmp(src, ".") == 0) &&
	    path_check(src, err, sizeof(err)) == -1) ||
	    path_check(dest, err, sizeof(err)) == -1) {
		ERR(r, f, k, "<%s> %s", k->name, err);
		return;
	}
	/* the same dest again replaces it, as extend-project's does */
	for (i = 0; i < p->ncopies; i++)
		if (strcmp(p->copies[i].dest, dest) == 0)
			break;
	if (i == p->ncopies) {
		p->copies = xreallocarray(p->copies, p->ncopies + 1,
		    sizeof(*p->copies));
		p->ncopies++;
	} else {
		free(p->copies[i].src);
		free(p->copies[i].dest);
		free(p->copies[i].file);
	}
	c = &p->copies[i];
	c->symlink = link;
	c->src = xstrdup(src);
	c->dest = xstrdup(dest);
	c->line = k->line;
	c->col = k->col;
	c->file = r->l.files[f].name ? xstrdup(r->l.files[f].name) : NULL;
}

/* A project's or extend-project's children. */
static void
read_kids(struct reader *r, size_t f, const struct xnode *x,
    struct project *p)
{
	const struct xnode *k;
	size_t i;

	for (i = 0; i < x->nkids; i++) {
		k = x->kids[i];
		if (strcmp(k->name, "copyfile") == 0 ||
		    strcmp(k->name, "linkfile") == 0) {
			check_attrs(r, f, k);
			add_copy(r, f, k, p);
		} else if (strcmp(k->name, "annotation") == 0)
			check_attrs(r, f, k);
		else if (strcmp(k->name, "project") == 0)
			ERR(r, f, k, "a <project> inside <%s> (a sub-project) "
			    "is not supported: write it as a project of its "
			    "own", x->name);
		else
			ERR(r, f, k, "<%.80s> inside <%s> is not supported",
			    k->name, x->name);
	}
}

static int
clone_depth(struct reader *r, size_t f, const struct xnode *x)
{
	const char *v = xnode_attr(x, "clone-depth");
	char *end;
	long d;

	if (v == NULL)
		return 0;
	d = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || d < 1 || d > 1000000) {
		ERR(r, f, x, "clone-depth='%.40s' is not a positive number",
		    v);
		return 0;
	}
	return (int)d;
}

static const char *
def_attr(const struct reader *r, const char *a)
{
	return r->def ? xnode_attr(r->def->x, a) : NULL;
}

static void
add_project(struct reader *r, const struct reponode *n)
{
	const struct xnode *x = n->x;
	const char *name = need(r, n->file, x, "name"), *rname, *why;
	const char *path = xnode_attr(x, "path"), *rev;
	const char *local = r->l.files[n->file].local_group;
	struct remote *rem;
	struct project p;

	if (name == NULL)
		return;
	if ((why = repoload_name_problem(name)) != NULL) {
		ERR(r, n->file, x, "project name '%.200s' %s", name, why);
		return;
	}
	rname = xnode_attr(x, "remote");
	if (rname == NULL && (rname = def_attr(r, "remote")) == NULL) {
		ERR(r, n->file, x, "project '%.200s' has no remote= and there "
		    "is no <default remote>", name);
		return;
	}
	if ((rem = find_remote(r, rname)) == NULL) {
		ERR(r, n->file, x, "project '%.200s': no <remote> named "
		    "'%.80s'", name, rname);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.name = xstrdup(name);
	p.path = xstrdup(path != NULL ? path : name);
	p.remote = xstrdup(rname);
	if ((rev = xnode_attr(x, "revision")) == NULL &&
	    (rev = n->revision) == NULL && (rev = rem->revision) == NULL)
		rev = def_attr(r, "revision");
	set(&p.revision, rev);
	set(&p.upstream, xnode_attr(x, "upstream") ? xnode_attr(x,
	    "upstream") : def_attr(r, "upstream"));
	p.depth = clone_depth(r, n->file, x);
	p.submodules = xml_bool(r, n->file, x, "sync-s", r->def ?
	    xml_bool(r, r->def->file, r->def->x, "sync-s", false) : false);
	add_groups(r, n->file, x, &p, xnode_attr(x, "groups"));
	add_groups(r, n->file, x, &p, n->groups);
	add_groups(r, n->file, x, &p, local);
	read_kids(r, n->file, x, &p);
	p.x = x;
	p.file = n->file;
	r->projects = xreallocarray(r->projects, r->nprojects + 1,
	    sizeof(*r->projects));
	r->projects[r->nprojects++] = p;
}

/* base-rev: the patch was written against that revision. */
static bool
base_ok(struct reader *r, const struct reponode *n, const struct project *p)
{
	const char *b = xnode_attr(n->x, "base-rev");

	if (b == NULL || (p->revision != NULL && strcmp(b, p->revision) == 0))
		return true;
	ERR(r, n->file, n->x, "<%s> base-rev='%.80s' but project '%.200s' "
	    "is at revision '%.80s'", n->x->name, b, p->name,
	    p->revision ? p->revision : "(none)");
	return false;
}

static void
extend_project(struct reader *r, const struct reponode *n)
{
	const struct xnode *x = n->x;
	const char *name = need(r, n->file, x, "name"), *why, *v;
	const char *path = xnode_attr(x, "path"), *dest = xnode_attr(x,
	    "dest-path");
	struct project *p;
	size_t i, hits = 0;

	if (name == NULL)
		return;
	for (i = 0; i < r->nprojects; i++) {
		p = &r->projects[i];
		if (!p->gone && strcmp(p->name, name) == 0 && (path == NULL ||
		    strcmp(p->path, path) == 0))
			hits++;
	}
	if (hits == 0) {
		ERR(r, n->file, x, "extend-project: no project named "
		    "'%.200s'%s%.200s", name, path ? " at " : "", path ? path :
		    "");
		return;
	}
	if (dest != NULL && hits > 1) {
		ERR(r, n->file, x, "extend-project: dest-path with %zu "
		    "projects named '%.200s': say which with path=", hits, name);
		return;
	}
	if (xnode_attr(x, "remote") != NULL &&
	    find_remote(r, xnode_attr(x, "remote")) == NULL) {
		ERR(r, n->file, x, "extend-project: no <remote> named "
		    "'%.80s'", xnode_attr(x, "remote"));
		return;
	}
	if (dest != NULL && (why = repoload_name_problem(dest)) != NULL) {
		ERR(r, n->file, x, "dest-path '%.200s' %s", dest, why);
		return;
	}
	for (i = 0; i < r->nprojects; i++) {
		p = &r->projects[i];
		if (p->gone || strcmp(p->name, name) != 0 || (path != NULL &&
		    strcmp(p->path, path) != 0) || !base_ok(r, n, p))
			continue;
		if (dest != NULL)
			set(&p->path, dest);
		if ((v = xnode_attr(x, "revision")) != NULL)
			set(&p->revision, v);
		if ((v = xnode_attr(x, "remote")) != NULL)
			set(&p->remote, v);
		if ((v = xnode_attr(x, "upstream")) != NULL)
			set(&p->upstream, v);
		add_groups(r, n->file, x, p, xnode_attr(x, "groups"));
		add_groups(r, n->file, x, p, n->groups);
		read_kids(r, n->file, x, p);
	}
}

/* repo's rule: name alone removes all of that name; path picks one. */
static void
remove_project(struct reader *r, const struct reponode *n)
{
	const char *name = xnode_attr(n->x, "name");
	const char *path = xnode_attr(n->x, "path");
	struct project *p;
	size_t i, hits = 0;

	if (name == NULL && path == NULL) {
		ERR(r, n->file, n->x, "<remove-project> needs name= or path=");
		return;
	}
	for (i = 0; i < r->nprojects; i++) {
		p = &r->projects[i];
		if (p->gone || (name != NULL && strcmp(p->name, name) != 0) ||
		    (path != NULL && strcmp(p->path, path) != 0))
			continue;
		if (base_ok(r, n, p))
			p->gone = true;
		hits++;
	}
	if (hits == 0 && !xml_bool(r, n->file, n->x, "optional", false))
		ERR(r, n->file, n->x, "remove-project: no project %s "
		    "'%.200s'", name ? "named" : "at", name ? name : path);
}

/* --- the spec ----------------------------------------------------- */

/* revision as githerd's ref kinds; -1 after an error. */
static int
revision_kind(struct reader *r, const struct project *p, enum ref_kind *kind,
    const char **ref)
{
	const char *v = p->revision, *why;

	*kind = REF_DEFAULT;
	*ref = NULL;
	if (v == NULL)
		return 0;
	if (manifest_is_full_hex(v)) {
		*kind = REF_COMMIT;
		*ref = v;
		return 0;
	}
	if (strncmp(v, "refs/heads/", 11) == 0) {
		*kind = REF_BRANCH;
		*ref = v + 11;
	} else if (strncmp(v, "refs/tags/", 10) == 0) {
		*kind = REF_TAG;
		*ref = v + 10;
	} else if (strncmp(v, "refs/", 5) == 0) {
		ERR(r, p->file, p->x, "project '%.200s': revision '%.200s' is "
		    "neither refs/heads/ nor refs/tags/", p->name, v);
		return -1;
	} else {
		*kind = REF_VERSION;
		*ref = v;
	}
	if ((why = manifest_ref_problem(*ref)) != NULL) {
		ERR(r, p->file, p->x, "project '%.200s': revision '%.200s' %s",
		    p->name, v, why);
		return -1;
	}
	return 0;
}

static void
add_group(struct repo_spec *s, char *g)
{
	s->groups = xreallocarray(s->groups, s->ngroups + 1,
	    sizeof(*s->groups));
	s->groups[s->ngroups++] = g;
}

static void
add_spec(struct reader *r, struct project *p)
{
	struct manifest *m = r->l.p->m;
	struct remote *rem = find_remote(r, p->remote);
	struct repo_spec *s;
	enum ref_kind kind;
	const char *ref;
	char err[512], *url;
	size_t i;

	if (rem == NULL || rem->fetch == NULL ||
	    revision_kind(r, p, &kind, &ref) == -1)
		return;
	url = repourl_project(rem->fetch, p->name);
	if (strlen(url) > MANIFEST_MAX_URL || url_check(url,
	    (r->l.p->flags & MANIFEST_ALLOW_LOCAL) != 0, err,
	    sizeof(err)) == -1) {
		ERR(r, p->file, p->x, "project '%.200s': %s", p->name,
		    strlen(url) > MANIFEST_MAX_URL ? "its URL is too long" :
		    err);
		free(url);
		return;
	}
	if (path_check(p->path, err, sizeof(err)) == -1) {
		ERR(r, p->file, p->x, "project '%.200s': %s", p->name, err);
		free(url);
		return;
	}
	if (m->nrepos >= MANIFEST_MAX_ENTRIES) {
		ERR(r, p->file, p->x, "more than %d projects",
		    MANIFEST_MAX_ENTRIES);
		free(url);
		return;
	}
	m->repos = xreallocarray(m->repos, m->nrepos + 1, sizeof(*m->repos));
	s = &m->repos[m->nrepos++];
	memset(s, 0, sizeof(*s));
	s->url = url;
	s->path = p->path;
	s->ref_kind = kind;
	s->ref = ref ? xstrdup(ref) : NULL;
	for (i = 0; kind == REF_COMMIT && s->ref[i]; i++)
		s->ref[i] = (char)tolower((unsigned char)s->ref[i]);
	s->depth = p->depth;
	s->submodules = p->submodules;
	s->line = p->x->line;
	s->col = p->x->col;
	s->name = p->name;
	s->remote = p->remote;
	s->upstream = p->upstream;
	s->inactive = has_group(p, "notdefault");
	s->groups = p->groups;
	s->ngroups = p->ngroups;
	s->copies = p->copies;
	s->ncopies = p->ncopies;
	free(p->revision);	/* ref was copied out of it */
	memset(p, 0, sizeof(*p));
	add_group(s, xstrdup("all"));
	add_group(s, xasprintf("name:%s", s->name));
	add_group(s, xasprintf("path:%s", s->path));
	if (!s->inactive)
		add_group(s, xstrdup("default"));
}

/* --- the whole manifest ------------------------------------------- */

static void
read_default(struct reader *r, const struct reponode *n)
{
	const char *j = xnode_attr(n->x, "sync-j");
	char *end;
	long v;

	if (r->def != NULL && n->x->nattrs > 0 && r->def->x->nattrs > 0) {
		ERR(r, n->file, n->x, "a second <default> (the first is at "
		    "line %u)", r->def->x->line);
		return;
	}
	if (r->def != NULL && n->x->nattrs == 0)
		return;
	r->def = n;
	if (j == NULL)
		return;
	v = strtol(j, &end, 10);
	if (*j == '\0' || *end != '\0' || v < 1 || v > MAX_SYNC_J) {
		ERR(r, n->file, n->x, "sync-j='%.40s' is not a number from 1 "
		    "to %d", j, MAX_SYNC_J);
		return;
	}
	r->l.p->m->sync_jobs = (unsigned)v;
}

/* Elements githerd accepts and ignores, and x-* that repo leaves to users. */
static void
check_node(struct reader *r, const struct reponode *n)
{
	const char *e = n->x->name, *hint;

	if (strncmp(e, "x-", 2) == 0)
		return;
	if (!in_list(top_elems, e)) {
		hint = diags_suggest(e, top_elems);
		ERR(r, n->file, n->x, "<%.80s> is not supported in a repo "
		    "manifest%s%s%s", e, hint ? " (did you mean <" : "",
		    hint ? hint : "", hint ? ">?)" : "");
		return;
	}
	check_attrs(r, n->file, n->x);
	if (strcmp(e, "remote") == 0 || strcmp(e, "project") == 0 ||
	    strcmp(e, "extend-project") == 0 || strcmp(e, "notice") == 0)
		return;
	if (n->x->nkids > 0)
		ERR(r, n->file, n->x->kids[0], "<%.80s> inside <%s> is not "
		    "supported", n->x->kids[0]->name, e);
}

static void
remote_kids(struct reader *r, const struct reponode *n)
{
	size_t i;

	for (i = 0; i < n->x->nkids; i++) {
		if (strcmp(n->x->kids[i]->name, "annotation") == 0)
			check_attrs(r, n->file, n->x->kids[i]);
		else
			ERR(r, n->file, n->x->kids[i], "<%.80s> inside <remote> "
			    "is not supported", n->x->kids[i]->name);
	}
}

static void
reader_release(struct reader *r)
{
	size_t i;

	for (i = 0; i < r->nremotes; i++)
		free(r->remotes[i].fetch);
	free(r->remotes);
	for (i = 0; i < r->nprojects; i++)
		project_release(&r->projects[i]);
	free(r->projects);
	free(r->base);
	repoload_release(&r->l);
}

/* The whole manifest as one file, from now on the manifest's text. */
static void
flatten(struct manifest *m)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	freeze_repo_write(&b, m, NULL);
	free(m->text);
	m->textlen = b.len;
	m->text = buf_detach(&b);
}

void
manifest_repo_read(struct manifest_parse *p, const char *text, size_t len)
{
	struct reader r;
	const struct reponode *n;
	size_t i;

	p->m->format = MANIFEST_REPO;
	memset(&r, 0, sizeof(r));
	repoload_init(&r.l, p);
	if (repoload_read(&r.l, text, len) == -1)
		goto out;
	for (i = 0; i < r.l.nnodes; i++) {
		n = &r.l.nodes[i];
		check_node(&r, n);
		if (strcmp(n->x->name, "remote") == 0) {
			remote_kids(&r, n);
			add_remote(&r, n);
		}
	}
	for (i = 0; i < r.l.nnodes; i++)
		if (strcmp(r.l.nodes[i].x->name, "default") == 0)
			read_default(&r, &r.l.nodes[i]);
	if (r.def != NULL && def_attr(&r, "remote") != NULL &&
	    find_remote(&r, def_attr(&r, "remote")) == NULL)
		ERR(&r, r.def->file, r.def->x, "<default> names remote "
		    "'%.80s', which no <remote> defines", def_attr(&r,
		    "remote"));
	for (i = 0; i < r.l.nnodes; i++) {
		n = &r.l.nodes[i];
		if (strcmp(n->x->name, "project") == 0)
			add_project(&r, n);
		else if (strcmp(n->x->name, "extend-project") == 0)
			extend_project(&r, n);
		else if (strcmp(n->x->name, "remove-project") == 0)
			remove_project(&r, n);
	}
	if (p->errors > 0)
		goto out;
	for (i = 0; i < r.nprojects; i++)
		if (!r.projects[i].gone)
			add_spec(&r, &r.projects[i]);
	if (p->errors == 0 && p->m->text != NULL)
		flatten(p->m);
out:
	reader_release(&r);
}
