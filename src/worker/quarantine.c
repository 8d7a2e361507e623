#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "fsutil.h"
#include "gitctx.h"
#include "quarantine.h"
#include "xmalloc.h"

static int
write_file(const char *path, const char *data, size_t len)
{
	int fd;
	ssize_t n;
	size_t off = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return -1;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return close(fd);
}

static int
copy_file(const char *from, const char *to)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	ssize_t n;
	int fd, rc;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	rc = n == -1 ? -1 : write_file(to, b.data, b.len);
	buf_release(&b);
	return rc;
}

static bool
has_line(const struct buf *set, const char *line, size_t len)
{
	const char *p = set->data, *nl;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if ((size_t)(nl - p) == len && memcmp(p, line, len) == 0)
			return true;
	}
	return false;
}

static int
add_ref(git_reference *ref, void *payload)
{
	struct buf *b = payload;
	char hex[GIT_OID_MAX_HEXSIZE + 1];

	if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
		git_oid_tostr(hex, sizeof(hex), git_reference_target(ref));
		buf_addf(b, "%s %s\n", hex, git_reference_name(ref));
	}
	git_reference_free(ref);
	return 0;
}

/*
 * The quarantine repository lives in the job's temporary directory (the
 * parent removes it if this worker dies); its objects come from the entry
 * through alternates, and its refs are a copy of the entry's.
 */
int
quarantine_open(struct gitctx *c, git_repository *real, struct quarantine *q)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	int err, rc = -1;

	memset(q, 0, sizeof(*q));
	buf_init(&b);
	buf_init(&path);
	q->dir = xstrdup(c->job->tmp);
	q->real_git = xstrdup(git_repository_path(real));
	if (mkdir(q->dir, 0777) == -1) {
		gitctx_error(c, gitctx_errno_class(errno), "cannot create %s: %s",
		    q->dir, strerror(errno));
		free(q->dir);
		q->dir = NULL;
		goto out;
	}
	if ((err = git_repository_init(&q->repo, q->dir, 1)) < 0) {
		gitctx_fail(c, err, "creating the quarantine");
		goto out;
	}
	buf_addf(&path, "%s/objects/info/alternates", q->dir);
	buf_addf(&b, "%sobjects\n", q->real_git);
	if (write_file(path.data, b.data, b.len) == -1)
		goto io;
	buf_reset(&b);
	if ((err = git_reference_foreach(real, add_ref, &b)) < 0) {
		gitctx_fail(c, err, "listing refs");
		goto out;
	}
	buf_reset(&path);
	buf_addf(&path, "%s/packed-refs", q->dir);
	if (write_file(path.data, b.data, b.len) == -1)
		goto io;
	/* A shallow entry negotiates as shallow. */
	buf_reset(&b);
	buf_addf(&b, "%sshallow", q->real_git);
	buf_reset(&path);
	buf_addf(&path, "%s/shallow", q->dir);
	if (copy_file(b.data, path.data) == -1)
		goto io;
	/* Reopen so that libgit2 reads the alternates and refs just written. */
	git_repository_free(q->repo);
	q->repo = NULL;
	if ((err = git_repository_open_bare(&q->repo, q->dir)) < 0) {
		gitctx_fail(c, err, "opening the quarantine");
		goto out;
	}
	rc = 0;
	goto out;
io:
	gitctx_error(c, gitctx_errno_class(errno), "quarantine %s: %s", q->dir,
	    strerror(errno));
out:
	buf_release(&b);
	buf_release(&path);
	return rc;
}

int
quarantine_fetch(struct gitctx *c, struct quarantine *q,
    const char *const *specs, size_t nspecs, int depth, bool prune)
{
	int err;

	if ((err = git_remote_create_anonymous(&q->remote, q->repo,
	    c->conn_url)) < 0)
		return gitctx_fail(c, err, "remote");
	if ((err = gitctx_fetch(c, q->remote, specs, nspecs, depth, prune,
	    "fetch")) < 0)
		return gitctx_fail(c, err, "fetch");
	return 0;
}

/*
 * The objects only, no ref of the quarantine set: for a caller that sets
 * the entry's refs from the advertisement (tracking.c).  libgit2's own
 * ref updates would also check every moved tag for a fast-forward, and
 * leak doing so.
 */
int
quarantine_try_download(struct gitctx *c, struct quarantine *q,
    const char *const *specs, size_t nspecs, int depth)
{
	int err;

	/* A second download (update.c's by id) takes a remote of its own. */
	git_remote_free(q->remote);
	q->remote = NULL;
	if ((err = git_remote_create_anonymous(&q->remote, q->repo,
	    c->conn_url)) < 0)
		return err;
	return gitctx_download(c, q->remote, specs, nspecs, depth);
}

int
quarantine_download(struct gitctx *c, struct quarantine *q,
    const char *const *specs, size_t nspecs, int depth)
{
	int err = quarantine_try_download(c, q, specs, nspecs, depth);

	return err < 0 ? gitctx_fail(c, err, "fetch") : 0;
}

/* Let real see the fetched objects, in memory only: nothing is written. */
int
quarantine_show(struct gitctx *c, struct quarantine *q, git_repository *real)
{
	git_odb *odb = NULL;
	struct buf path = BUF_INIT;
	int err;

	buf_init(&path);
	buf_addf(&path, "%s/objects", q->dir);
	if ((err = git_repository_odb(&odb, real)) == 0)
		err = git_odb_add_disk_alternate(odb, path.data);
	git_odb_free(odb);
	buf_release(&path);
	return err < 0 ? gitctx_fail(c, err, "reading the fetched objects") : 0;
}

int
quarantine_lookup(struct quarantine *q, const char *refname, git_oid *out)
{
	int err = git_reference_name_to_id(out, q->repo, refname);

	git_error_clear();
	return err;
}

/* Move one directory's files (packs, or loose objects) into the entry. */
static int
move_files(const char *from, const char *to, bool packs_first)
{
	DIR *d;
	struct dirent *de;
	struct buf a = BUF_INIT, b = BUF_INIT;
	int pass, rc = 0;

	if ((d = opendir(from)) == NULL)
		return errno == ENOENT ? 0 : -1;
	buf_init(&a);
	buf_init(&b);
	if (mkdir(to, 0777) == -1 && errno != EEXIST)
		rc = -1;
	/* Packs before their indexes: a reader finds a pack by its index. */
	for (pass = 0; rc == 0 && pass < 2; pass++) {
		rewinddir(d);
		while (rc == 0 && (de = readdir(d)) != NULL) {
			const char *dot = strrchr(de->d_name, '.');
			bool idx = dot != NULL && strcmp(dot, ".idx") == 0;

			if (de->d_name[0] == '.' ||
			    (packs_first && idx != (pass == 1)) ||
			    (!packs_first && pass == 1))
				continue;
			buf_reset(&a);
			buf_reset(&b);
			buf_addf(&a, "%s/%s", from, de->d_name);
			buf_addf(&b, "%s/%s", to, de->d_name);
			if (rename(a.data, b.data) == -1)
				rc = -1;
		}
	}
	closedir(d);
	buf_release(&a);
	buf_release(&b);
	return rc;
}

static void
add_lines(struct buf *set, const char *file)
{
	struct buf b = BUF_INIT;
	char chunk[4096], *line, *nl;
	ssize_t n;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	for (line = b.data; *line; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (nl > line && !has_line(set, line, (size_t)(nl - line))) {
			buf_add(set, line, (size_t)(nl - line));
			buf_addch(set, '\n');
		}
		if (*nl == '\0')
			break;
	}
	buf_release(&b);
}

/*
 * The entry's shallow list gains the fetch's new boundaries and keeps its
 * old ones: commits reflogs still name have their parents cut there too
 * (libgit2 writes only the new boundaries).
 */
static int
merge_shallow(const char *fetched, const char *entry)
{
	struct buf set = BUF_INIT, tmp = BUF_INIT;
	int rc;

	buf_init(&set);
	buf_init(&tmp);
	add_lines(&set, entry);
	add_lines(&set, fetched);
	buf_addf(&tmp, "%s.githerd.%ld", entry, (long)getpid());
	rc = write_file(tmp.data, set.data, set.len);
	if (rc == 0 && (rc = rename(tmp.data, entry)) == -1)
		unlink(tmp.data);
	buf_release(&set);
	buf_release(&tmp);
	return rc;
}

/*
 * Hand the fetched objects (and an updated shallow list) to the entry.
 * Nothing refers to them until refs are set, so readers never see a ref
 * to a missing object.
 */
int
quarantine_install(struct gitctx *c, struct quarantine *q)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = -1;

	buf_init(&a);
	buf_init(&b);
	buf_addf(&a, "%s/objects/pack", q->dir);
	buf_addf(&b, "%sobjects/pack", q->real_git);
	if (move_files(a.data, b.data, true) == -1)
		goto io;
	buf_reset(&a);
	buf_addf(&a, "%s/objects", q->dir);
	if ((d = opendir(a.data)) == NULL)
		goto io;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 2 ||
		    strspn(de->d_name, "0123456789abcdef") != 2)
			continue;
		buf_reset(&a);
		buf_reset(&b);
		buf_addf(&a, "%s/objects/%s", q->dir, de->d_name);
		buf_addf(&b, "%sobjects/%s", q->real_git, de->d_name);
		if (move_files(a.data, b.data, false) == -1) {
			closedir(d);
			goto io;
		}
	}
	closedir(d);
	buf_reset(&a);
	buf_reset(&b);
	buf_addf(&a, "%s/shallow", q->dir);
	buf_addf(&b, "%sshallow", q->real_git);
	if (q->deepen) {
		/* Every commit's parents are here now: no boundary is left. */
		if (stat(a.data, &st) == 0 && st.st_size > 0) {
			gitctx_error(c, ERR_SERVER, "the server did not send the "
			    "whole history of %s", c->job->path);
			goto out;
		}
		if (unlink(b.data) == -1 && errno != ENOENT)
			goto io;
	} else if (fs_kind(a.data) == FS_FILE &&
	    merge_shallow(a.data, b.data) == -1)
		goto io;
	rc = 0;
	goto out;
io:
	gitctx_error(c, gitctx_errno_class(errno), "moving fetched objects into "
	    "%s: %s", c->job->path, strerror(errno));
out:
	buf_release(&a);
	buf_release(&b);
	return rc;
}

struct named_oid {
	char	*name;
	git_oid	 oid;
};

static int
named_oid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named_oid *)a)->name,
	    ((const struct named_oid *)b)->name);
}

/*
 * A mirror's refs become the quarantine's in one rename(2): first every
 * ref of the mirror is packed (same values, so readers see no change),
 * then a complete new packed-refs replaces the old one.  Readers see all
 * the old refs or all the new ones, never a mix; deleted refs are simply
 * absent from the new file.
 */
int
quarantine_swap_refs(struct gitctx *c, struct quarantine *q,
    git_repository *real)
{
	git_refdb *db = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref;
	struct named_oid *v = NULL;
	struct buf b = BUF_INIT, tmp = BUF_INIT, file = BUF_INIT;
	char hex[GIT_OID_MAX_HEXSIZE + 1];
	size_t n = 0, cap = 0, i;
	int err, rc = -1;

	buf_init(&b);
	buf_init(&tmp);
	buf_init(&file);
	if ((err = git_repository_refdb(&db, real)) < 0 ||
	    (err = git_refdb_compress(db)) < 0 ||
	    (err = git_reference_iterator_glob_new(&it, q->repo, "refs/*")) < 0) {
		gitctx_fail(c, err, "packing refs");
		goto out;
	}
	while (git_reference_next(&ref, it) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			XGROW(v, n + 1, cap);
			v[n].name = xstrdup(git_reference_name(ref));
			git_oid_cpy(&v[n].oid, git_reference_target(ref));
			n++;
		}
		git_reference_free(ref);
	}
	git_error_clear();
	qsort(v, n, sizeof(*v), named_oid_cmp);
	buf_addstr(&b, "# pack-refs with: sorted \n");
	for (i = 0; i < n; i++) {
		git_oid_tostr(hex, sizeof(hex), &v[i].oid);
		buf_addf(&b, "%s %s\n", hex, v[i].name);
	}
	buf_addf(&file, "%spacked-refs", q->real_git);
	buf_addf(&tmp, "%s.githerd.%ld", file.data, (long)getpid());
	if (write_file(tmp.data, b.data, b.len) == -1 ||
	    rename(tmp.data, file.data) == -1) {
		gitctx_error(c, gitctx_errno_class(errno), "writing refs of %s: %s",
		    c->job->path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	git_reference_iterator_free(it);
	git_refdb_free(db);
	buf_release(&b);
	buf_release(&tmp);
	buf_release(&file);
	return rc;
}

void
quarantine_close(struct quarantine *q)
{
	git_remote_free(q->remote);
	git_repository_free(q->repo);
	if (q->dir != NULL)
		fs_rmtree(q->dir);
	free(q->dir);
	free(q->real_git);
	memset(q, 0, sizeof(*q));
}
