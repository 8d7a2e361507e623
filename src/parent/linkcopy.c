#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "linkcopy.h"
#include "sanitize.h"
#include "xmalloc.h"

#define RECORD		".githerd/linkcopy"
#define MAX_COPY	(64u << 20)
#define MAX_RECORD	(4u << 20)

struct made {
	struct buf	 old;		/* the record read, '\n'-separated */
	struct buf	 now;		/* what this run made or kept */
};

/* Is dest a line of list? */
static bool
listed(const char *list, const char *dest)
{
	size_t n = strlen(dest);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, dest, n) == 0 && p[n] == '\n')
			return true;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

/*
 * What stands at a dest, as the record keeps it: "dest\tL:target" for a
 * link, "dest\tC:hash" for a file (FNV-1a of its bytes), so that a dest
 * the user replaced or edited since is no longer githerd's.
 */
static char *
token(const char *dest, bool symlink, const char *target,
    const struct buf *data)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	if (symlink)
		return xasprintf("%s\tL:%s", dest, target);
	for (i = 0; i < data->len; i++)
		h = (h ^ (unsigned char)data->data[i]) * 1099511628211ull;
	return xasprintf("%s\tC:%016llx", dest, (unsigned long long)h);
}

/* The token of what is at base now, or NULL (neither link nor file). */
static char *
token_now(int dfd, const char *base, const char *dest, const struct stat *st)
{
	struct buf b = BUF_INIT;
	char link[4096], *t = NULL;
	ssize_t n;
	int fd;

	if (S_ISLNK(st->st_mode)) {
		if ((n = readlinkat(dfd, base, link, sizeof(link) - 1)) < 0)
			return NULL;
		link[n] = '\0';
		return token(dest, true, link, NULL);
	}
	if (!S_ISREG(st->st_mode) || (fd = openat(dfd, base, O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) == -1)
		return NULL;
	buf_init(&b);
	if (fs_read_fd(fd, MAX_COPY, &b) == 0)
		t = token(dest, false, NULL, &b);
	close(fd);
	buf_release(&b);
	return t;
}

static bool
was_made(const struct made *m, int dfd, const char *base, const char *dest,
    const struct stat *st)
{
	char *t = token_now(dfd, base, dest, st);
	bool yes = t != NULL && listed(m->old.data, t);

	free(t);
	return yes;
}

/* Is the dest of record line `line` (up to its tab) in list? */
static bool
dest_listed(const char *list, const char *line)
{
	size_t n = strcspn(line, "\t");
	const char *p;

	for (p = list; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p ? p + 1 : NULL)
		if (strncmp(p, line, n + 1) == 0)
			return true;
	return false;
}

static void
problem(const struct file_copy *c, const char *path, const char *why)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_addstr(&b, "githerd: ");
	sanitize_str(&b, path);
	buf_addstr(&b, c->symlink ? ": linkfile " : ": copyfile ");
	sanitize_str(&b, c->dest);
	buf_addf(&b, " (%s:%u): %s\n", c->file ? c->file : "manifest",
	    c->line, why);
	fputs(b.data, stderr);
	buf_release(&b);
}

/* The directory of rel's parent below dirfd, and rel's last component. */
static int
walk_parent(int dirfd, const char *rel, bool create, const char **base,
    char *why, size_t whylen)
{
	char *dir = xstrdup(rel), *slash = strrchr(dir, '/'), bad[512];
	int fd;

	*base = slash ? rel + (slash - dir) + 1 : rel;
	if (slash != NULL)
		*slash = '\0';
	else
		dir[0] = '\0';
	if ((fd = fs_walk(dirfd, dir, create, bad, sizeof(bad))) == -1)
		fs_walk_why(errno, bad, why, whylen);
	free(dir);
	return fd;
}

/* What a link at dest points to: up to the workspace, down to src. */
static char *
link_target(const char *entry, const struct file_copy *c)
{
	struct buf b = BUF_INIT;
	const char *s;

	buf_init(&b);
	for (s = strchr(c->dest, '/'); s != NULL; s = strchr(s + 1, '/'))
		buf_addstr(&b, "../");
	buf_addstr(&b, entry);
	if (strcmp(c->src, ".") != 0)
		buf_addf(&b, "/%s", c->src);
	return buf_detach(&b);
}

static int
read_src(int ws, const char *entry, const char *src, struct buf *out,
    char *why, size_t whylen)
{
	char *rel = xasprintf("%s/%s", entry, src);
	const char *base;
	struct stat st;
	int dfd, fd = -1, rc = -1;

	if ((dfd = walk_parent(ws, rel, false, &base, why, whylen)) == -1)
		goto out;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	close(dfd);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "src %s is %s", src, fd == -1 ?
		    strerror(errno) : "not a file");
		goto out;
	}
	if (fs_read_fd(fd, MAX_COPY, out) == -1) {
		snprintf(why, whylen, "cannot read src %s: %s", src,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(rel);
	return rc;
}

/* Is what is at dest already what githerd would put there? */
static bool
same(int dfd, const char *base, const struct file_copy *c, const char *target,
    const struct buf *data)
{
	struct buf b = BUF_INIT;
	char link[4096];
	ssize_t n;
	bool eq = false;
	int fd;

	if (c->symlink) {
		n = readlinkat(dfd, base, link, sizeof(link) - 1);
		return n >= 0 && (size_t)n == strlen(target) &&
		    memcmp(link, target, (size_t)n) == 0;
	}
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return false;
	buf_init(&b);
	if (fs_read_fd(fd, MAX_COPY, &b) == 0)
		eq = b.len == data->len && memcmp(b.data, data->data,
		    b.len) == 0;
	close(fd);
	buf_release(&b);
	return eq;
}

/* Write the new dest beside it, then rename it over. */
static int
put(int dfd, const char *base, const struct file_copy *c, const char *target,
    const struct buf *data, char *why, size_t whylen)
{
	char *tmp = xasprintf(".%s.githerd-tmp", base);
	int fd, rc = -1;

	unlinkat(dfd, tmp, 0);
	if (c->symlink) {
		if (symlinkat(target, dfd, tmp) == -1)
			goto fail;
	} else {
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
		if (fd == -1)
			goto fail;
		if (fs_write_all(fd, data->data, data->len) == -1) {
			close(fd);
			goto fail;
		}
		if (close(fd) == -1)
			goto fail;
	}
	if (renameat(dfd, tmp, dfd, base) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(why, whylen, "cannot write it: %s", strerror(errno));
	unlinkat(dfd, tmp, 0);
out:
	free(tmp);
	return rc;
}

static int
one(int ws, const char *entry, const struct file_copy *c, struct made *m,
    char *why, size_t whylen)
{
	struct buf data = BUF_INIT;
	char *target = c->symlink ? link_target(entry, c) : NULL;
	const char *base;
	struct stat st;
	int dfd = -1, rc = -1;

	buf_init(&data);
	if (!c->symlink && read_src(ws, entry, c->src, &data, why,
	    whylen) == -1)
		goto out;
	if ((dfd = walk_parent(ws, c->dest, true, &base, why, whylen)) == -1)
		goto out;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (same(dfd, base, c, target, &data)) {
			rc = 0;
			goto out;
		}
		if (!was_made(m, dfd, base, c->dest, &st)) {
			snprintf(why, whylen, "%s is in the way and githerd did "
			    "not make it: left alone", c->dest);
			goto out;
		}
	}
	rc = put(dfd, base, c, target, &data, why, whylen);
out:
	if (rc == 0) {
		char *t = token(c->dest, c->symlink, target, &data);

		buf_addf(&m->now, "%s\n", t);
		free(t);
	}
	if (dfd != -1)
		close(dfd);
	free(target);
	buf_release(&data);
	return rc;
}

static bool
finished(const struct job *j)
{
	return j->state == JOB_CLONED || j->state == JOB_UPDATED ||
	    j->state == JOB_UNCHANGED;
}

/* One pass over the finished entries: the copies, or the links. */
static size_t
pass(int ws, const struct queue *q, bool links, struct made *m)
{
	const struct file_copy *c;
	size_t i, k, bad = 0;
	char why[800];

	for (i = 0; i < q->njobs; i++) {
		if (!finished(&q->jobs[i]))
			continue;
		for (k = 0; k < q->jobs[i].spec->ncopies; k++) {
			c = &q->jobs[i].spec->copies[k];
			if (c->symlink != links)
				continue;
			if (one(ws, q->jobs[i].spec->path, c, m, why,
			    sizeof(why)) == -1) {
				problem(c, q->jobs[i].spec->path, why);
				bad++;
			}
		}
	}
	return bad;
}

size_t
linkcopy_apply(const char *ws, const struct queue *q)
{
	struct made m;
	char *file = xasprintf("%s/" RECORD, ws), why[256];
	size_t i, k, bad = 0;
	bool any = false;
	int fd;

	for (i = 0; i < q->njobs; i++)
		any = any || q->jobs[i].spec->ncopies > 0;
	buf_init(&m.old);
	buf_init(&m.now);
	if (!any && fs_kind(file) == FS_NONE)
		goto out;
	fs_read_state(file, MAX_RECORD, &m.old, why, sizeof(why));
	if ((fd = open(ws, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "githerd: cannot open %s: %s\n", ws,
		    strerror(errno));
		bad = 1;
		goto out;
	}
	bad = pass(fd, q, false, &m) + pass(fd, q, true, &m);
	close(fd);
	/* What githerd made before and did not touch now stays its own. */
	for (i = 0; m.old.data[i] != '\0'; i += k + 1) {
		k = strcspn(m.old.data + i, "\n");
		if (m.old.data[i + k] == '\0')
			break;
		m.old.data[i + k] = '\0';
		if (!dest_listed(m.now.data, m.old.data + i))
			buf_addf(&m.now, "%s\n", m.old.data + i);
		m.old.data[i + k] = '\n';
	}
	if (fs_save_state(file, &m.now, why, sizeof(why)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", why);
out:
	buf_release(&m.old);
	buf_release(&m.now);
	free(file);
	return bad;
}
