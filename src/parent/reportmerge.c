#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "report.h"
#include "reportmerge.h"
#include "version.h"
#include "xmalloc.h"
#include "yamltree.h"

/* A report is 4 deep (top, repos, entry, attempts, attempt). */
static const struct ytree_limits limits = {
	.max_depth = 8,
	.max_scalar = 1 << 20,
	.max_nodes = 64u << 20,
};

struct input {
	const char		*file;
	struct buf		 text;
	struct ytree		 tree;
	const struct ynode	*repos, *counts;
};

static const struct ynode *
get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != YNODE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nitems; i += 2)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}

static const char *
scalar(const struct ynode *map, const char *key)
{
	const struct ynode *v = get(map, key);

	return v != NULL && v->type == YNODE_SCALAR && !ynode_is_null(v) ?
	    v->value : NULL;
}

static long long
number_of(const struct ynode *map, const char *key)
{
	const char *v = scalar(map, key);

	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* A plain scalar JSON can take as it is: a number, true, false, null. */
static bool
json_literal(const char *s)
{
	char *end;

	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "null") == 0)
		return true;
	strtod(s, &end);
	return *s != '\0' && *end == '\0' && strchr(s, 'x') == NULL &&
	    strchr(s, 'X') == NULL && strchr(s, 'n') == NULL &&
	    strchr(s, 'N') == NULL;
}

/* A node back as JSON, on one line. */
static void
to_json(struct buf *b, const struct ynode *n)
{
	size_t i;

	if (n->type == YNODE_SCALAR) {
		if (n->plain && json_literal(n->value))
			buf_addstr(b, n->value);
		else
			json_string(b, n->value);
		return;
	}
	buf_addch(b, n->type == YNODE_MAP ? '{' : '[');
	for (i = 0; i < n->nitems; i++) {
		if (i > 0)
			buf_addstr(b, n->type == YNODE_MAP && i % 2 ? ": " : ", ");
		to_json(b, n->items[i]);
	}
	buf_addch(b, n->type == YNODE_MAP ? '}' : ']');
}

static int
load(struct input *in, char *err, size_t errlen)
{
	struct ytree_error ye;
	const struct ynode *root;
	int fd;

	buf_init(&in->text);
	if ((fd = open(in->file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fs_read_fd(fd, REPORTMERGE_MAX_BYTES, &in->text) == -1) {
		snprintf(err, errlen, "%s: %s", in->file, errno == EFBIG ?
		    "larger than a report can be" : strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	if (ytree_parse(&in->tree, in->text.data ? in->text.data : "",
	    in->text.len, &limits, &ye) == -1) {
		snprintf(err, errlen, "%s:%u:%u: %s", in->file, ye.line, ye.col,
		    ye.msg);
		return -1;
	}
	root = in->tree.root;
	in->repos = get(root, "repos");
	in->counts = get(root, "counts");
	if (scalar(root, "githerd") == NULL || in->repos == NULL ||
	    in->repos->type != YNODE_SEQ || in->counts == NULL ||
	    in->counts->type != YNODE_MAP) {
		snprintf(err, errlen, "%s:%u:%u: not a githerd --json report "
		    "(no githerd, counts and repos)", in->file,
		    root ? root->line : 1, root ? root->col : 1);
		ytree_release(&in->tree);
		return -1;
	}
	return 0;
}

struct counter {
	char		*name;
	long long	 n;
};

struct counters {
	struct counter	*v;
	size_t		 n, cap;
};

static void
count_add(struct counters *c, const char *name, long long n)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0) {
			c->v[i].n += n;
			return;
		}
	XGROW(c->v, c->n + 1, c->cap);
	c->v[c->n].name = xstrdup(name);
	c->v[c->n++].n = n;
}

static int
path_cmp(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* Every entry in one report only: shards never overlap. */
static int
check_unique(struct input *in, size_t n, char *err, size_t errlen)
{
	const char **paths = NULL, *p;
	size_t total = 0, cap = 0, i, k;
	int rc = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < in[i].repos->nitems; k++) {
			if ((p = scalar(in[i].repos->items[k], "path")) == NULL) {
				snprintf(err, errlen, "%s:%u:%u: an entry without "
				    "a path", in[i].file,
				    in[i].repos->items[k]->line,
				    in[i].repos->items[k]->col);
				free(paths);
				return -1;
			}
			XGROW(paths, total + 1, cap);
			paths[total++] = p;
		}
	if (total > 1)
		qsort(paths, total, sizeof(*paths), path_cmp);
	for (i = 1; i < total && rc == 0; i++)
		if (strcmp(paths[i - 1], paths[i]) == 0) {
			snprintf(err, errlen, "entry '%.300s' is in more than one "
			    "report: the shards overlap", paths[i]);
			rc = -1;
		}
	free(paths);
	return rc;
}

/* The same value in every report, else null. */
static const char *
common(struct input *in, size_t n, const char *key)
{
	const char *first = scalar(in[0].tree.root, key), *v;
	size_t i;

	for (i = 1; i < n && first != NULL; i++)
		if ((v = scalar(in[i].tree.root, key)) == NULL ||
		    strcmp(v, first) != 0)
			return NULL;
	return first;
}

static void
emit(struct input *in, size_t n, struct buf *b)
{
	struct counters c = { NULL, 0, 0 };
	const char *started = NULL, *v, *signal = NULL;
	long long duration = 0, workers = 0, code = 0, x;
	size_t i, k, written = 0, total = 0;

	count_add(&c, "total", 0);
	for (i = 0; i < n; i++) {
		const struct ynode *root = in[i].tree.root;

		if ((v = scalar(root, "started")) != NULL &&
		    (started == NULL || strcmp(v, started) < 0))
			started = v;
		if ((x = number_of(root, "duration_ms")) > duration)
			duration = x;
		workers += number_of(root, "workers");
		if ((x = number_of(root, "exit_code")) > code)
			code = x;
		if (signal == NULL)
			signal = scalar(root, "signal");
		for (k = 0; k + 1 < in[i].counts->nitems; k += 2)
			count_add(&c, in[i].counts->items[k]->value,
			    strtoll(in[i].counts->items[k + 1]->value, NULL, 10));
		total += in[i].repos->nitems;
	}
	buf_addf(b, "{\n  \"githerd\": \"%s\",\n  \"libgit2\": ",
	    GITHERD_VERSION);
	json_string(b, scalar(in[0].tree.root, "libgit2"));
	buf_addstr(b, ",\n  \"manifest\": ");
	json_string(b, common(in, n, "manifest"));
	buf_addstr(b, ",\n  \"workspace\": ");
	json_string(b, common(in, n, "workspace"));
	buf_addstr(b, ",\n  \"started\": ");
	json_string(b, started);
	buf_addf(b, ",\n  \"duration_ms\": %lld,\n  \"workers\": %lld,\n"
	    "  \"exit_code\": %lld,\n  \"signal\": ", duration, workers, code);
	json_string(b, signal);
	buf_addstr(b, ",\n  \"merged\": [");
	for (i = 0; i < n; i++) {
		buf_addstr(b, i ? ", " : "");
		json_string(b, in[i].file);
	}
	buf_addstr(b, "],\n  \"counts\": {");
	for (i = 0; i < c.n; i++) {
		buf_addstr(b, i ? ", " : "");
		json_string(b, c.v[i].name);
		buf_addf(b, ": %lld", c.v[i].n);
		free(c.v[i].name);
	}
	free(c.v);
	buf_addstr(b, "},\n  \"repos\": [\n");
	for (i = 0; i < n; i++)
		for (k = 0; k < in[i].repos->nitems; k++) {
			buf_addstr(b, "    ");
			to_json(b, in[i].repos->items[k]);
			buf_addstr(b, ++written < total ? ",\n" : "\n");
		}
	buf_addstr(b, "  ]\n}\n");
}

int
reportmerge(const char *const *files, size_t nfiles, struct buf *out,
    char *err, size_t errlen)
{
	struct input *in = xcalloc(nfiles ? nfiles : 1, sizeof(*in));
	size_t i, loaded = 0;
	int rc = -1;

	for (i = 0; i < nfiles; i++, loaded++) {
		in[i].file = files[i];
		if (load(&in[i], err, errlen) == -1) {
			buf_release(&in[i].text);
			goto out;
		}
	}
	if (nfiles == 0) {
		snprintf(err, errlen, "report merge: no report to merge");
		goto out;
	}
	if (check_unique(in, nfiles, err, errlen) == -1)
		goto out;
	emit(in, nfiles, out);
	rc = 0;
out:
	for (i = 0; i < loaded; i++) {
		ytree_release(&in[i].tree);
		buf_release(&in[i].text);
	}
	free(in);
	return rc;
}
