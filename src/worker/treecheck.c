/*
 * Trees a checkout must refuse, looked at before anything is written.
 * git fsck calls a tree with two entries of one name broken
 * (duplicateEntries), and `git hash-object --literally` writes one all
 * the same: a symbolic link "m -> .git" beside a directory "m" holding
 * a submodule at "m/hooks" makes a checkout put that submodule into
 * .git/hooks (CVE-2024-32002, without a case-insensitive disk).  A link,
 * file or submodule and a directory whose names differ only in letter
 * case are one name on a case-insensitive file system, with the same
 * effect.  Every tree the commit reaches is looked at, each once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "gitctx.h"
#include "seams.h"
#include "treecheck.h"
#include "xmalloc.h"

/* Tree ids looked at already: open addressing, grown at half full. */
struct seen {
	git_oid	*v;
	bool	*used;
	size_t	 cap, n;
};

static size_t
slot(const struct seen *s, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (s->cap - 1);
}

static bool
seen_add(struct seen *s, const git_oid *id)
{
	struct seen big;
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		big.cap = s->cap ? 2 * s->cap : 1024;
		big.n = 0;
		big.v = xcalloc(big.cap, sizeof(*big.v));
		big.used = xcalloc(big.cap, sizeof(*big.used));
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				seen_add(&big, &s->v[i]);
		free(s->v);
		free(s->used);
		*s = big;
	}
	for (i = slot(s, id); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->v[i], id))
			return false;
	s->used[i] = true;
	git_oid_cpy(&s->v[i], id);
	s->n++;
	return true;
}

/* A tree to look at, the one already checked out there, and its path. */
struct todo {
	git_oid	 tree;
	git_oid	 old;
	bool	 has_old;
	char	*path;		/* "" at the top */
};

struct queue {
	struct todo	*v;
	size_t		 n, cap;
};

static void
push(struct queue *q, const git_oid *tree, const git_oid *old, char *path)
{
	XGROW(q->v, q->n + 1, q->cap);
	git_oid_cpy(&q->v[q->n].tree, tree);
	q->v[q->n].has_old = old != NULL;
	if (old != NULL)
		git_oid_cpy(&q->v[q->n].old, old);
	q->v[q->n].path = path;
	q->n++;
}

static bool
is_tree(const git_tree_entry *e)
{
	return git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

static int
by_folded_name(const void *a, const void *b)
{
	const git_tree_entry *x = *(const git_tree_entry *const *)a;
	const git_tree_entry *y = *(const git_tree_entry *const *)b;
	int c = strcasecmp(git_tree_entry_name(x), git_tree_entry_name(y));

	return c != 0 ? c : strcmp(git_tree_entry_name(x),
	    git_tree_entry_name(y));
}

static const char *
kind(const git_tree_entry *e)
{
	switch (git_tree_entry_filemode(e)) {
	case GIT_FILEMODE_TREE:
		return "a directory";
	case GIT_FILEMODE_LINK:
		return "a symbolic link";
	case GIT_FILEMODE_COMMIT:
		return "a submodule";
	default:
		return "a file";
	}
}

/* Two entries of one tree that would land on one path. */
static int
check_names(struct gitctx *c, const git_tree *t, const char *path,
    const char *where)
{
	const git_tree_entry **v, *a, *b;
	size_t i, n = git_tree_entrycount(t);
	int rc = 0;

	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = git_tree_entry_byindex(t, i);
	qsort(v, n, sizeof(*v), by_folded_name);
	for (i = 1; i < n && rc == 0; i++) {
		a = v[i - 1];
		b = v[i];
		if (strcasecmp(git_tree_entry_name(a), git_tree_entry_name(b)))
			continue;
		if (strcmp(git_tree_entry_name(a), git_tree_entry_name(b)) == 0) {
			gitctx_error(c, ERR_REFUSED, "%sthe tree has two entries "
			    "named '%s%s%s' (%s and %s): refusing to check it "
			    "out", where, path, *path ? "/" : "",
			    git_tree_entry_name(a), kind(a), kind(b));
			rc = -1;
		} else if (is_tree(a) != is_tree(b)) {
			gitctx_error(c, ERR_REFUSED, "%sthe tree has '%s%s%s' "
			    "(%s) and '%s' (%s), which a case-insensitive file "
			    "system makes one: refusing to check it out", where,
			    path, *path ? "/" : "", git_tree_entry_name(a),
			    kind(a), git_tree_entry_name(b), kind(b));
			rc = -1;
		}
	}
	free(v);
	return rc;
}

static int
check_tree(struct gitctx *c, git_repository *repo, struct queue *q,
    const struct todo *t, const char *where)
{
	git_tree *tree = NULL, *old = NULL;
	const git_tree_entry *e, *was;
	size_t i, n;
	int err, rc = -1;

	if ((err = git_tree_lookup(&tree, repo, &t->tree)) < 0)
		return gitctx_fail(c, err, "reading the tree to check out");
	if (t->has_old && git_tree_lookup(&old, repo, &t->old) < 0)
		git_error_clear();	/* then all of it is looked at */
	if (check_names(c, tree, t->path, where) == -1)
		goto out;
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		e = git_tree_entry_byindex(tree, i);
		if (!is_tree(e))
			continue;
		was = old != NULL ? git_tree_entry_byname(old,
		    git_tree_entry_name(e)) : NULL;
		push(q, git_tree_entry_id(e), was != NULL && is_tree(was) ?
		    git_tree_entry_id(was) : NULL, xasprintf("%s%s%s", t->path,
		    *t->path ? "/" : "", git_tree_entry_name(e)));
	}
	rc = 0;
out:
	git_tree_free(old);
	git_tree_free(tree);
	return rc;
}

static int
tree_of(git_repository *repo, const git_oid *commit, git_oid *out)
{
	git_commit *co = NULL;

	if (git_commit_lookup(&co, repo, commit) < 0)
		return -1;
	git_oid_cpy(out, git_commit_tree_id(co));
	git_commit_free(co);
	return 0;
}

int
treecheck(struct gitctx *c, git_repository *repo, const git_oid *commit,
    const git_oid *old_commit, const char *where)
{
	struct queue q = { NULL, 0, 0 };
	struct seen s = { NULL, NULL, 0, 0 };
	struct todo t;
	git_oid root, old;
	bool has_old;
	int rc = 0;

	/* githerd's own tests reach the layers behind this one with it off. */
	if (seam("SKIP_TREE_CHECK") != NULL)
		return 0;
	if (tree_of(repo, commit, &root) < 0)
		return gitctx_fail(c, -1, "reading the commit to check out");
	has_old = old_commit != NULL && tree_of(repo, old_commit, &old) == 0;
	git_error_clear();
	push(&q, &root, has_old ? &old : NULL, xstrdup(""));
	/* Depth first, without recursion: a tree may nest very deep. */
	while (q.n > 0) {
		t = q.v[--q.n];
		if (rc == 0 && !(t.has_old && git_oid_equal(&t.tree, &t.old)) &&
		    seen_add(&s, &t.tree))
			rc = check_tree(c, repo, &q, &t, where);
		free(t.path);
	}
	free(q.v);
	free(s.v);
	free(s.used);
	return rc;
}
