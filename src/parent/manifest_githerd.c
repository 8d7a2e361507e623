/*
 * githerd's own format: 'repos:' entries (url, path, a branch, tag or
 * commit, depth, submodules, bare, mirror, groups, size_hint), optional
 * 'defaults:' every entry starts from, and 'hosts:' with per-server job
 * limits.  See githerd.yaml(5).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest_read.h"
#include "path.h"
#include "units.h"
#include "url.h"
#include "xmalloc.h"

static const char *const top_keys[] = { "defaults", "hosts", "repos", NULL };
static const char *const host_keys[] = { "jobs", NULL };
static const char *const repo_keys[] = {
	"url", "path", "branch", "tag", "commit", "depth", "submodules",
	"bare", "mirror", "groups", "size_hint", NULL
};
static const char *const defaults_keys[] = {
	"branch", "tag", "commit", "depth", "submodules", "bare", "mirror",
	"groups", "cache", "follow_symlinks", NULL
};

static int
want_groups(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v)
{
	size_t i;
	const struct ynode *g;
	int rc = 0;

	if (v->type != YNODE_SEQ) {
		manifest_error(p, v, "'%s' must be a list of group names, not "
		    "%s", key->value, ynode_type_name(v));
		return -1;
	}
	for (i = 0; i < v->nitems; i++) {
		g = v->items[i];
		if (g->type != YNODE_SCALAR || ynode_is_null(g)) {
			manifest_error(p, g, "group names are strings, not %s",
			    ynode_type_name(g));
			rc = -1;
		} else if (g->len > MANIFEST_MAX_GROUP || g->value[0] == '-' ||
		    strspn(g->value, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != g->len) {
			manifest_error(p, g, "group name '%.64s' must be made "
			    "of letters, digits, '.', '_' and '-'", g->value);
			rc = -1;
		}
	}
	return rc;
}

/* A size hint: bytes, or with k, M, G (powers of 1024). */
static int
want_size(struct manifest_parse *p, const struct ynode *key,
    const struct ynode *v, uint64_t *out)
{
	if (v->type == YNODE_SCALAR && v->plain && units_parse_size(v->value,
	    out) == 0)
		return 0;
	manifest_error(p, v, "'%s' must be a size such as 800k, 150M or 2G, "
	    "not %s%s%s", key->value, v->type == YNODE_SCALAR ? "'" : "",
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
set_ref(struct manifest_parse *p, struct manifest_fields *f,
    const struct ynode *key, const struct ynode *v,
    const struct ynode **seen_ref_key)
{
	enum ref_kind kind = ref_key_kind(key->value);
	const char *why;

	if (*seen_ref_key != NULL) {
		manifest_error(p, key, "'%s' and '%s' (line %u) are mutually "
		    "exclusive: give one of branch, tag or commit", key->value,
		    (*seen_ref_key)->value, (*seen_ref_key)->line);
		return;
	}
	*seen_ref_key = key;
	if (manifest_want_string(p, key, v, MANIFEST_MAX_REF) == -1)
		return;
	if (kind == REF_COMMIT && !manifest_is_full_hex(v->value)) {
		manifest_error(p, v, "'commit' must be a full 40-hex-digit "
		    "commit id, not '%.80s'", v->value);
		return;
	}
	if (kind != REF_COMMIT &&
	    (why = manifest_ref_problem(v->value)) != NULL) {
		manifest_error(p, v, "%s name '%.80s' %s", key->value, v->value,
		    why);
		return;
	}
	f->ref = v;
	f->ref_key = key;
	f->kind = kind;
}

/* Read the keys of one repos: entry or of defaults: into f. */
static void
read_fields(struct manifest_parse *p, const struct ynode *map,
    struct manifest_fields *f, bool defaults)
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
				manifest_error(p, key, "'%s' cannot have a "
				    "default: it is different for every "
				    "repository", k);
				continue;
			}
			if (manifest_want_string(p, key, v, k[0] == 'u' ?
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
			if (manifest_want_depth(p, key, v, &f->depth) == 0)
				f->depth_node = v;
		} else if (strcmp(k, "submodules") == 0) {
			if (manifest_want_bool(p, key, v, &f->submodules) == 0)
				f->sub_node = v;
		} else if (strcmp(k, "bare") == 0) {
			if (manifest_want_bool(p, key, v, &f->bare) == 0)
				f->bare_node = v;
		} else if (strcmp(k, "mirror") == 0) {
			if (manifest_want_bool(p, key, v, &f->mirror) == 0)
				f->mirror_node = v;
		} else if (strcmp(k, "groups") == 0) {
			if (want_groups(p, key, v) == 0)
				f->groups = v;
		} else if (strcmp(k, "cache") == 0) {
			if (!defaults)
				manifest_error(p, key, "'cache' is one directory "
				    "for the whole manifest: it goes under "
				    "defaults");
			else if (manifest_want_string(p, key, v,
			    PATH_MAX_LEN) == 0) {
				free(p->m->cache);
				p->m->cache = xstrdup(v->value);
			}
		} else if (strcmp(k, "follow_symlinks") == 0) {
			if (!defaults)
				manifest_error(p, key, "'follow_symlinks' is "
				    "for the whole workspace: it goes under "
				    "defaults");
			else
				manifest_want_bool(p, key, v, &p->m->follow_symlinks);
		} else if (strcmp(k, "size_hint") == 0) {
			if (defaults)
				manifest_error(p, key, "'size_hint' cannot "
				    "have a default: it is different for every "
				    "repository");
			else
				want_size(p, key, v, &f->size_hint);
		} else
			manifest_unknown_key(p, key, defaults ? "defaults" :
			    "a repository entry", defaults ? defaults_keys :
			    repo_keys);
	}
}

/* Entry values win over defaults, key by key. */
static void
merge_fields(struct manifest_fields *f, const struct manifest_fields *defaults)
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
check_combination(struct manifest_parse *p, const struct manifest_fields *f)
{
	if (f->mirror && f->bare_node != NULL && !f->bare) {
		manifest_error(p, f->bare_node, "a mirror is always bare: "
		    "'bare: false' contradicts 'mirror: true'");
		return -1;
	}
	if (f->mirror && f->ref != NULL) {
		manifest_error(p, f->ref_key, "a mirror takes every ref: '%s' "
		    "cannot be combined with 'mirror: true'",
		    f->ref_key->value);
		return -1;
	}
	if (f->mirror && f->depth > 0) {
		manifest_error(p, f->depth_node, "a mirror cannot be shallow: "
		    "drop 'depth' or 'mirror'");
		return -1;
	}
	if ((f->mirror || f->bare) && f->submodules) {
		manifest_error(p, f->sub_node, "'submodules: true' needs a "
		    "work tree: it cannot be combined with 'bare' or 'mirror'");
		return -1;
	}
	return 0;
}

static char *
derive_path(struct manifest_parse *p, const struct manifest_fields *f,
    const struct ynode *entry)
{
	char *path;

	if (f->path != NULL)
		return xstrdup(f->path->value);
	path = url_default_path(f->url->value, f->bare || f->mirror);
	if (path == NULL)
		manifest_error(p, entry, "cannot derive a directory name from "
		    "url '%s': add 'path:'", f->url->value);
	return path;
}

static void
read_entry(struct manifest_parse *p, const struct ynode *entry,
    const struct manifest_fields *defaults)
{
	struct manifest_fields f;
	int before = p->errors;
	char *path;

	if (entry->type != YNODE_MAP) {
		manifest_error(p, entry, "a repository entry must be a mapping "
		    "with at least 'url:', not %s", ynode_type_name(entry));
		return;
	}
	memset(&f, 0, sizeof(f));
	read_fields(p, entry, &f, false);
	if (p->errors != before)
		return;
	merge_fields(&f, defaults);
	if (f.url == NULL) {
		manifest_error(p, entry, "repository entry has no 'url'");
		return;
	}
	if (check_combination(p, &f) == -1)
		return;
	if ((path = derive_path(p, &f, entry)) == NULL)
		return;
	manifest_add_spec(p, &f, entry, path, f.path);
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
read_host(struct manifest_parse *p, const struct ynode *name,
    const struct ynode *v)
{
	const struct ynode *key, *jobs = NULL;
	struct host_rule *h;
	char *end;
	unsigned long n = 0;
	size_t i;

	if (!host_key_ok(name->value, name->len)) {
		manifest_error(p, name, "'%.80s' is not a host name (give a "
		    "name or address, optionally with :port)", name->value);
		return;
	}
	for (i = 0; i < p->m->nhosts; i++)
		if (strcasecmp(p->m->hosts[i].host, name->value) == 0) {
			manifest_error(p, name, "host '%s' is given twice",
			    name->value);
			return;
		}
	if (v->type != YNODE_MAP) {
		manifest_error(p, v, "host '%s' must be a mapping such as "
		    "'{jobs: 4}', not %s", name->value, ynode_type_name(v));
		return;
	}
	for (i = 0; i + 1 < v->nitems; i += 2) {
		key = v->items[i];
		if (strcmp(key->value, "jobs") == 0)
			jobs = v->items[i + 1];
		else
			manifest_unknown_key(p, key, "a host", host_keys);
	}
	if (jobs == NULL) {
		manifest_error(p, v, "host '%s' has no 'jobs'", name->value);
		return;
	}
	if (jobs->type == YNODE_SCALAR && jobs->plain && jobs->len > 0 &&
	    jobs->len <= 5 && strspn(jobs->value, "0123456789") == jobs->len)
		n = strtoul(jobs->value, &end, 10);
	if (n < 1 || n > MANIFEST_MAX_HOST_JOBS) {
		manifest_error(p, jobs, "'jobs' must be a number from 1 to %d, "
		    "not %s%s%s", MANIFEST_MAX_HOST_JOBS,
		    jobs->type == YNODE_SCALAR ? "'" : "",
		    jobs->type == YNODE_SCALAR ? jobs->value :
		    ynode_type_name(jobs),
		    jobs->type == YNODE_SCALAR ? "'" : "");
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
read_hosts(struct manifest_parse *p, const struct ynode *hosts)
{
	size_t i;

	if (hosts == NULL || ynode_is_null(hosts))
		return;
	if (hosts->type != YNODE_MAP) {
		manifest_error(p, hosts, "'hosts' must map host names to "
		    "settings such as '{jobs: 4}', not %s",
		    ynode_type_name(hosts));
		return;
	}
	for (i = 0; i + 1 < hosts->nitems; i += 2)
		read_host(p, hosts->items[i], hosts->items[i + 1]);
}

void
manifest_githerd_read(struct manifest_parse *p, const struct ynode *root)
{
	const struct ynode *defaults, *repos, *key;
	struct manifest_fields dflt;
	size_t i;

	p->m->format = MANIFEST_GITHERD;
	memset(&dflt, 0, sizeof(dflt));
	for (i = 0; i + 1 < root->nitems; i += 2) {
		key = root->items[i];
		if (strcmp(key->value, "defaults") != 0 &&
		    strcmp(key->value, "hosts") != 0 &&
		    strcmp(key->value, "repos") != 0)
			manifest_unknown_key(p, key, "the manifest", top_keys);
	}
	read_hosts(p, manifest_map_get(root, "hosts", NULL));
	defaults = manifest_map_get(root, "defaults", NULL);
	if (defaults != NULL && !ynode_is_null(defaults)) {
		if (defaults->type != YNODE_MAP)
			manifest_error(p, defaults, "'defaults' must be a "
			    "mapping, not %s", ynode_type_name(defaults));
		else
			read_fields(p, defaults, &dflt, true);
	}
	repos = manifest_map_get(root, "repos", &key);
	if (repos == NULL) {
		manifest_error(p, root, "manifest has no 'repos:' list");
		return;
	}
	if (ynode_is_null(repos))
		return;		/* an empty list of repositories is fine */
	if (repos->type != YNODE_SEQ) {
		manifest_error(p, repos, "'repos' must be a list of repository "
		    "entries, not %s", ynode_type_name(repos));
		return;
	}
	for (i = 0; i < repos->nitems; i++)
		read_entry(p, repos->items[i], &dflt);
}
