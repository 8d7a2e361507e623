#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "repoload.h"
#include "sanitize.h"
#include "xmalloc.h"

#define LOCAL_DIR	"local_manifests"
#define MAX_LOCAL	1000

/* manifest > project > copyfile is 3 deep; a little room for errors. */
static const struct xtree_limits limits = {
	.max_depth = 6,
	.max_nodes = 16 * MANIFEST_MAX_ENTRIES,
	.max_attr = 4096,
	.max_text = 64 * 1024,
	.text_in = "notice",
};

void
repoload_init(struct repoload *r, struct manifest_parse *p)
{
	const char *file = p->m->file ? p->m->file : "manifest.xml";
	const char *slash = strrchr(file, '/');

	memset(r, 0, sizeof(*r));
	r->p = p;
	r->dirfd = -1;
	r->dir = slash == NULL ? xstrdup(".") : slash == file ? xstrdup("/") :
	    xstrndup(file, (size_t)(slash - file));
}

void
repoload_release(struct repoload *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].name);
		free(r->files[i].local_group);
		xnode_free(r->files[i].root);
	}
	free(r->files);
	free(r->nodes);
	for (i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->dir);
	if (r->dirfd != -1)
		close(r->dirfd);
	memset(r, 0, sizeof(*r));
	r->dirfd = -1;
}

void
repoload_error(struct repoload *r, size_t f, const struct xnode *x,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	unsigned line = x ? x->line : 1, col = x ? x->col : 1;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (f < r->nfiles && r->files[f].name != NULL)
		diags_add_in(r->p->d, r->files[f].name, line, col, "%s",
		    b.data);
	else
		diags_add(r->p->d, line, col, "%s", b.data);
	buf_release(&b);
	r->p->errors++;
}

const char *
repoload_name_problem(const char *name)
{
	const char *c = name;
	size_t n;

	if (*name == '\0')
		return "is empty";
	if (*name == '/')
		return "is an absolute path";
	if (sanitize_problem(name, strlen(name)) != NULL)
		return "contains a control character or invalid UTF-8";
	for (; *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (n == 0)
			return "has an empty component";
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' &&
		    c[1] == '.'))
			return "has a '.' or '..' component";
	}
	return NULL;
}

static char *
keep_string(struct repoload *r, char *s)
{
	r->strings = xreallocarray(r->strings, r->nstrings + 1,
	    sizeof(*r->strings));
	return r->strings[r->nstrings++] = s;
}

static int	read_text(struct repoload *, char *name, const char *text,
		    size_t len, unsigned depth, const char *groups,
		    const char *revision, char *local_group);

/* The file name names below the manifest's directory, no link followed. */
static int
open_below(struct repoload *r, const char *name, char *why, size_t whylen)
{
	char bad[512], *dir = xstrdup(name), *slash = strrchr(dir, '/');
	const char *base = name;
	int dfd, fd = -1;

	if (r->dirfd == -1 && (r->dirfd = open(r->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "cannot open %s: %s", r->dir,
		    strerror(errno));
		goto out;
	}
	if (slash != NULL) {
		*slash = '\0';
		base = name + (slash - dir) + 1;
	} else
		dir[0] = '\0';
	if ((dfd = fs_walk(r->dirfd, dir, false, bad, sizeof(bad))) == -1) {
		fs_walk_why(errno, bad, why, whylen);
		goto out;
	}
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		snprintf(why, whylen, "%s", errno == ELOOP ? "it is a symbolic "
		    "link (includes stay inside the manifest's directory)" :
		    strerror(errno));
	close(dfd);
out:
	free(dir);
	return fd;
}

/* Read fd whole, within what is left of the budget of all files. */
static int
read_budget(struct repoload *r, int fd, struct buf *out, char *why,
    size_t whylen)
{
	if (fs_read_fd(fd, MANIFEST_MAX_BYTES - r->bytes, out) == -1) {
		snprintf(why, whylen, "%s", errno == EFBIG ? "the manifest and "
		    "the files it includes are larger than " "8 MiB together" :
		    strerror(errno));
		return -1;
	}
	r->bytes += out->len;
	return 0;
}

static void
include(struct repoload *r, size_t f, const struct xnode *x, unsigned depth,
    const char *groups, const char *revision, const char *local_group)
{
	const char *name = xnode_attr(x, "name"), *why, *g, *rev;
	char err[600];
	struct buf b = BUF_INIT;
	unsigned i;
	int fd;

	if (name == NULL) {
		repoload_error(r, f, x, "<include> needs a name");
		return;
	}
	if ((why = repoload_name_problem(name)) != NULL) {
		repoload_error(r, f, x, "include '%.200s' %s: includes stay "
		    "inside the manifest's directory", name, why);
		return;
	}
	for (i = 0; i < depth; i++)
		if (r->stack[i] != NULL && strcmp(r->stack[i], name) == 0) {
			repoload_error(r, f, x, "include '%.200s' includes "
			    "itself", name);
			return;
		}
	if (depth >= REPOLOAD_MAX_DEPTH) {
		repoload_error(r, f, x, "includes nested deeper than %d",
		    REPOLOAD_MAX_DEPTH);
		return;
	}
	buf_init(&b);
	if ((fd = open_below(r, name, err, sizeof(err))) == -1 ||
	    read_budget(r, fd, &b, err, sizeof(err)) == -1) {
		repoload_error(r, f, x, "cannot include '%.200s': %s", name,
		    err);
		goto out;
	}
	g = xnode_attr(x, "groups");
	if (g != NULL && groups != NULL)
		g = keep_string(r, xasprintf("%s,%s", groups, g));
	else if (g == NULL)
		g = groups;
	rev = xnode_attr(x, "revision");
	r->stack[depth] = name;
	read_text(r, strcmp(r->dir, ".") == 0 ? xstrdup(name) :
	    xasprintf("%s/%s", r->dir, name), b.data, b.len, depth + 1, g,
	    rev != NULL ? rev : revision, local_group ? xstrdup(local_group) :
	    NULL);
	r->stack[depth] = NULL;
out:
	if (fd != -1)
		close(fd);
	buf_release(&b);
}

/* One file's top level, its includes expanded in place. */
static int
read_text(struct repoload *r, char *name, const char *text, size_t len,
    unsigned depth, const char *groups, const char *revision,
    char *local_group)
{
	struct xtree_error e;
	struct xnode *root;
	struct reponode *n;
	size_t f = r->nfiles, i;

	r->files = xreallocarray(r->files, r->nfiles + 1, sizeof(*r->files));
	r->files[f].name = name;
	r->files[f].root = NULL;
	r->files[f].local_group = local_group;
	r->nfiles++;
	if (xtree_parse(&root, text, len, &limits, &e) == -1) {
		struct xnode at = { .line = e.line, .col = e.col };

		repoload_error(r, f, &at, "%s", e.msg);
		return -1;
	}
	r->files[f].root = root;
	if (strcmp(root->name, "manifest") != 0) {
		repoload_error(r, f, root, "the top element is <%.80s>, not "
		    "<manifest>", root->name);
		return -1;
	}
	if (root->nattrs > 0)
		repoload_error(r, f, root, "<manifest> takes no attributes "
		    "('%.80s')", root->attrs[0]);
	for (i = 0; i < root->nkids; i++) {
		if (strcmp(root->kids[i]->name, "include") == 0) {
			include(r, f, root->kids[i], depth, groups, revision,
			    local_group);
			continue;
		}
		r->nodes = xreallocarray(r->nodes, r->nnodes + 1,
		    sizeof(*r->nodes));
		n = &r->nodes[r->nnodes++];
		n->x = root->kids[i];
		n->file = f;
		n->groups = groups;
		n->revision = revision;
	}
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.xml files of local_manifests/, sorted; 0, -1 (none there), or -2
 * (more than MAX_LOCAL). */
static int
local_names(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 4 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 4, ".xml") != 0)
			continue;
		if (*n == MAX_LOCAL) {
			/* readdir's order: which ones would be dropped is chance */
			closedir(d);
			return -2;
		}
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), by_name);
	return 0;
}

/*
 * local_manifests/ beside the manifest; in repo's layout (the manifest
 * in .repo/manifests/) the one beside that directory, .repo/.
 */
static char *
local_dir(const struct repoload *r)
{
	const char *base = strrchr(r->dir, '/');
	char *d = xasprintf("%s/" LOCAL_DIR, r->dir);

	base = base ? base + 1 : r->dir;
	if (fs_kind(d) == FS_DIR || strcmp(base, "manifests") != 0)
		return d;
	free(d);
	return xasprintf("%s/../" LOCAL_DIR, r->dir);
}

/* Each local manifest: its projects are in group local::NAME too. */
static void
read_locals(struct repoload *r)
{
	char *dir = local_dir(r), **names = NULL, *file, why[600];
	struct buf b = BUF_INIT;
	enum fs_kind kind;
	size_t n = 0, i;
	int fd, rc = -1;

	kind = fs_kind(dir);
	if (kind == FS_DIR)
		rc = local_names(dir, &names, &n);
	if (kind == FS_SYMLINK || kind == FS_FILE || rc == -2) {
		/* not silently left out: the user meant these to be read */
		if (rc == -2)
			diags_add_in(r->p->d, dir, 0, 0, "more than %d local "
			    "manifests", MAX_LOCAL);
		else
			diags_add_in(r->p->d, dir, 0, 0, "%s", kind ==
			    FS_SYMLINK ? "a symbolic link: githerd reads local "
			    "manifests only from a directory (no link "
			    "followed)" : "not a directory");
		r->p->errors++;
	}
	if (rc != 0) {
		free(dir);
		return;
	}
	buf_init(&b);
	for (i = 0; i < n; i++) {
		file = xasprintf("%s/%s", dir, names[i]);
		buf_reset(&b);
		fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd == -1 || read_budget(r, fd, &b, why, sizeof(why)) ==
		    -1) {
			if (fd == -1)
				snprintf(why, sizeof(why), "%s",
				    strerror(errno));
			diags_add_in(r->p->d, file, 0, 0,
			    "cannot read this local manifest: %s", why);
			r->p->errors++;
			free(file);
		} else
			read_text(r, file, b.data, b.len, 0, NULL, NULL,
			    xasprintf("local::%.*s", (int)strlen(names[i]) - 4,
			    names[i]));
		if (fd != -1)
			close(fd);
		free(names[i]);
	}
	free(names);
	buf_release(&b);
	free(dir);
}

int
repoload_read(struct repoload *r, const char *text, size_t len)
{
	int before = r->p->errors;

	r->bytes = len;
	if (read_text(r, NULL, text, len, 0, NULL, NULL, NULL) == -1)
		return -1;
	read_locals(r);
	return r->p->errors == before ? 0 : -1;
}
