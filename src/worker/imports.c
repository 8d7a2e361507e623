#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "imports.h"
#include "path.h"
#include "xmalloc.h"

struct sender {
	struct gitctx	*c;
	char		 commit[GIT_OID_HEXSZ + 1];
	unsigned	 sent;		/* files, for MSG_FILE_MAX_FILES */
};

static void
send_piece(struct sender *s, const char *path, const char *data,
    enum file_status status, bool more)
{
	struct msg_file f;

	memset(&f, 0, sizeof(f));
	f.commit = s->commit;
	f.path = (char *)path;
	f.data = (char *)data;
	f.status = (uint8_t)status;
	f.more = more ? 1 : 0;
	s->c->ev->file(s->c->ev->ctx, &f);
}

static void
send_status(struct sender *s, const char *path, enum file_status status)
{
	if (s->sent++ < MSG_FILE_MAX_FILES)
		send_piece(s, path, NULL, status, false);
}

/* A blob as text, in pieces; too big or holding a NUL: said instead. */
static void
send_blob(struct sender *s, git_repository *repo, const char *path,
    const git_oid *id)
{
	git_blob *blob = NULL;
	const char *data;
	char piece[MSG_FILE_CHUNK + 1];
	size_t len, at = 0, n;

	if (git_blob_lookup(&blob, repo, id) < 0) {
		send_status(s, path, FILE_NOT_TEXT);
		goto out;
	}
	len = (size_t)git_blob_rawsize(blob);
	data = git_blob_rawcontent(blob);
	if (len > MSG_FILE_MAX_BYTES) {
		send_status(s, path, FILE_TOO_BIG);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		send_status(s, path, FILE_NOT_TEXT);
		goto out;
	}
	if (s->sent++ >= MSG_FILE_MAX_FILES)
		goto out;
	do {
		n = len - at > MSG_FILE_CHUNK ? MSG_FILE_CHUNK : len - at;
		memcpy(piece, data + at, n);
		piece[n] = '\0';
		at += n;
		send_piece(s, path, n > 0 ? piece : NULL, FILE_OK, at < len);
	} while (at < len);
out:
	git_blob_free(blob);
	git_error_clear();
}

/* A directory: its .yml and .yaml blobs, in the tree's (name) order. */
static void
send_dir(struct sender *s, git_repository *repo, const char *path,
    const git_oid *id)
{
	git_tree *tree = NULL;
	const git_tree_entry *e;
	size_t i, n;
	char *file;

	if (git_tree_lookup(&tree, repo, id) < 0) {
		send_status(s, path, FILE_NOT_TEXT);
		return;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		e = git_tree_entry_byindex(tree, i);
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		    !path_is_yml(git_tree_entry_name(e)))
			continue;
		file = *path ? xasprintf("%s/%s", path, git_tree_entry_name(e)) :
		    xstrdup(git_tree_entry_name(e));
		send_blob(s, repo, file, git_tree_entry_id(e));
		free(file);
	}
	git_tree_free(tree);
}

static void
send_path(struct sender *s, git_repository *repo, git_tree *root,
    const char *path)
{
	git_tree_entry *e = NULL;

	if (*path == '\0') {
		send_dir(s, repo, path, git_tree_id(root));
		return;
	}
	if (git_tree_entry_bypath(&e, root, path) < 0) {
		send_status(s, path, FILE_MISSING);
		git_error_clear();
		return;
	}
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		send_blob(s, repo, path, git_tree_entry_id(e));
	else if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		send_dir(s, repo, path, git_tree_entry_id(e));
	else
		send_status(s, path, FILE_NOT_TEXT);
	git_tree_entry_free(e);
}

/* The revision's commit: what the remote advertised for it, else HEAD. */
static int
revision_commit(struct gitctx *c, git_repository *repo, git_commit **out)
{
	git_object *obj = NULL;
	int err;

	if (c->want_known)
		err = git_object_lookup(&obj, repo, &c->want, GIT_OBJECT_ANY);
	else
		err = git_revparse_single(&obj, repo, "HEAD");
	if (err == 0)
		err = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	return err;
}

void
imports_send(struct gitctx *c)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct sender s;
	char *paths, *p, *save = NULL;

	if (c->job->imports == NULL || c->ev->file == NULL)
		return;
	memset(&s, 0, sizeof(s));
	s.c = c;
	paths = xstrdup(c->job->imports);
	if (git_repository_open_ext(&repo, c->job->dest,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    revision_commit(c, repo, &commit) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		c->ev->warn(c->ev->ctx, "cannot read the files to import: the "
		    "revision's commit is not in the clone");
		goto out;
	}
	git_oid_tostr(s.commit, sizeof(s.commit), git_commit_id(commit));
	for (p = strtok_r(paths, "\n", &save); p != NULL;
	    p = strtok_r(NULL, "\n", &save))
		send_path(&s, repo, tree, strcmp(p, ".") == 0 ? "" : p);
	if (s.sent > MSG_FILE_MAX_FILES)
		c->ev->warn(c->ev->ctx, "more files to import than githerd "
		    "reads from one project; the first ones were read");
out:
	git_error_clear();
	git_tree_free(tree);
	git_commit_free(commit);
	git_repository_free(repo);
	free(paths);
}
