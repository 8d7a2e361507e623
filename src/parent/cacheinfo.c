#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cachedir.h"
#include "cacheinfo.h"
#include "fsutil.h"
#include "xmalloc.h"

#define HASH_HEX	12		/* the "-<12 hex>" that ends a name */
#define MAX_DEPTH	64		/* a bare repository is a few deep */
#define MAX_URL		4096
#define MAX_BORROWERS	(1 << 20)
#define MAX_ALTERNATES	65536

/* A file of several links, counted once it is known how many are ours. */
struct link_rec {
	dev_t		 dev;
	ino_t		 ino;
	nlink_t		 nlink;
	uint64_t	 bytes;
	size_t		 owner;		/* the entry it was met in */
	size_t		 order;		/* which meeting */
};

struct links {
	struct link_rec	*v;
	size_t		 n, cap;
};

void
cacheinfo_init(struct cacheinfo *c)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
}

void
cacheinfo_release(struct cacheinfo *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].url);
	}
	free(c->v);
	free(c->dir);
	if (c->dirfd != -1)
		close(c->dirfd);
	cacheinfo_init(c);
}

/* --- names -------------------------------------------------------------- */

static bool
name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* "<readable>-<12 hex>", as worker/cache.c names entries. */
static bool
stem_ok(const char *s, size_t len)
{
	size_t i;

	if (len < HASH_HEX + 2 || s[0] == '.' || s[len - HASH_HEX - 1] != '-')
		return false;
	for (i = 0; i < len - HASH_HEX; i++)
		if (!name_char(s[i]))
			return false;
	for (; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return false;
	return true;
}

/* The pid of "<name>.git.tmp-<pid>" after its stem, or 0. */
static long
tmp_pid(const char *rest)
{
	static const char infix[] = CACHEDIR_REPO_SUFFIX CACHEDIR_TMP_INFIX;
	const char *digits = rest + sizeof(infix) - 1;
	char *end;
	long pid;

	if (strncmp(rest, infix, sizeof(infix) - 1) != 0 ||
	    *digits < '1' || *digits > '9')
		return 0;
	errno = 0;
	pid = strtol(digits, &end, 10);
	if (errno != 0 || *end != '\0' || pid > INT_MAX)
		return 0;
	return pid;
}

size_t
cacheinfo_stem(const char *name)
{
	const char *dot;
	size_t len;

	for (dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
		len = (size_t)(dot - name);
		if ((strcmp(dot, CACHEDIR_REPO_SUFFIX) == 0 ||
		    tmp_pid(dot) > 0) && stem_ok(name, len))
			return len;
	}
	return 0;
}

/* --- probes ------------------------------------------------------------- */

int
cacheinfo_lock(int dirfd, const char *name, bool create)
{
	size_t stem = cacheinfo_stem(name);
	char *lock;
	int fd, e;

	if (stem == 0) {
		errno = EINVAL;
		return -1;
	}
	lock = xasprintf("%.*s" CACHEDIR_LOCK_SUFFIX, (int)stem, name);
	/* O_NONBLOCK: a FIFO in its place must not hang us. */
	fd = openat(dirfd, lock, (create ? O_RDWR | O_CREAT : O_RDONLY) |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	free(lock);
	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		e = errno == EAGAIN ? EWOULDBLOCK : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

bool
cacheinfo_in_use(int dirfd, const char *name)
{
	int fd = cacheinfo_lock(dirfd, name, false);

	if (fd == -1)
		return errno != ENOENT;
	close(fd);		/* lets the lock go */
	return false;
}

int
cacheinfo_open(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

time_t
cacheinfo_last_use(int entryfd)
{
	struct stat st;

	if (fstatat(entryfd, CACHEDIR_USED_FILE, &st, AT_SYMLINK_NOFOLLOW) ==
	    0 && S_ISREG(st.st_mode))
		return st.st_mtime;
	if (fstat(entryfd, &st) == 0)
		return st.st_mtime;
	return 0;
}

/*
 * A regular file (a FIFO would hang us), opened at dirfd with flags: 1
 * read, 0 there is none, -1 it cannot be read.
 */
static int
read_file(int dirfd, const char *file, int flags, size_t max,
    struct buf *out)
{
	struct stat st;
	int fd, rc = -1;

	if ((fd = openat(dirfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    flags)) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    fs_read_fd(fd, max, out) == 0)
		rc = 1;
	close(fd);
	return rc;
}

/* A file of the open entry, not through a link. */
static int
read_at(int entryfd, const char *file, size_t max, struct buf *out)
{
	return read_file(entryfd, file, O_NOFOLLOW, max, out);
}

/* Does one line of an alternates file (of objects dir objs) name want? */
static bool
names_dir(const char *objs, const char *line, const struct stat *want)
{
	char *path = line[0] == '/' ? xstrdup(line) :
	    xasprintf("%s/%s", objs, line);
	struct stat st;
	bool same;

	same = stat(path, &st) == 0 && st.st_dev == want->st_dev &&
	    st.st_ino == want->st_ino;
	free(path);
	return same;
}

/*
 * Does the checkout whose objects directory is objs still borrow from the
 * directory want?  Gone, or alternates that no longer name it: no.  What
 * cannot be read may still: yes.
 */
static bool
still_borrows(const char *objs, const struct stat *want)
{
	char *file = xasprintf("%s/info/alternates", objs), *line, *save;
	struct buf alt = BUF_INIT;
	bool yes;
	int got;

	buf_init(&alt);
	got = read_file(AT_FDCWD, file, 0, MAX_ALTERNATES, &alt);
	yes = got == -1;
	for (line = strtok_r(alt.data, "\n", &save); got == 1 && line != NULL &&
	    !yes; line = strtok_r(NULL, "\n", &save))
		yes = line[0] != '#' && names_dir(objs, line, want);
	buf_release(&alt);
	free(file);
	return yes;
}

size_t
cacheinfo_borrowers(int entryfd)
{
	struct buf b = BUF_INIT;
	struct stat objects;
	char *line, *save;
	size_t n = 0;
	int got;

	buf_init(&b);
	got = read_at(entryfd, CACHEDIR_BORROWERS_FILE, MAX_BORROWERS, &b);
	if (got == -1) {
		buf_release(&b);
		return CACHEINFO_BORROWERS_UNKNOWN;
	}
	/* Without an objects directory, nobody can borrow from it. */
	if (got == 1 && fstatat(entryfd, "objects", &objects,
	    AT_SYMLINK_NOFOLLOW) == 0)
		for (line = strtok_r(b.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (line[0] == '/' && still_borrows(line, &objects))
				n++;
	buf_release(&b);
	return n;
}

/* --- size --------------------------------------------------------------- */

static uint64_t
blocks(const struct stat *st)
{
	return (uint64_t)st->st_blocks * 512;
}

static void
link_add(struct links *l, const struct stat *st, size_t owner)
{
	XGROW(l->v, l->n + 1, l->cap);
	l->v[l->n] = (struct link_rec){ st->st_dev, st->st_ino, st->st_nlink,
	    blocks(st), owner, l->n };
	l->n++;
}

/*
 * What is below the directory fd (which this closes), never following a
 * link; files of several links go to l, to be counted once.
 */
static uint64_t
walk(int fd, struct links *l, size_t owner, int depth)
{
	struct dirent *de;
	struct stat st;
	uint64_t sum = 0;
	DIR *d;
	int sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1)
			continue;
		if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
			link_add(l, &st, owner);
			continue;
		}
		sum += blocks(&st);
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH &&
		    (sub = cacheinfo_open(dirfd(d), de->d_name)) != -1)
			sum += walk(sub, l, owner, depth + 1);
	}
	closedir(d);
	return sum;
}

static uint64_t
entry_size(int entryfd, struct links *l, size_t owner)
{
	struct stat st;
	int fd;

	if (fstat(entryfd, &st) == -1 ||
	    (fd = fcntl(entryfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return 0;
	return blocks(&st) + walk(fd, l, owner, 0);
}

static int
link_cmp(const void *a, const void *b)
{
	const struct link_rec *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Each file of several links to the first entry met; shared if not all ours. */
static void
links_count(struct cacheinfo *c, struct links *l)
{
	size_t i, j;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), link_cmp);
	for (i = 0; i < l->n; i = j) {
		for (j = i + 1; j < l->n && l->v[j].dev == l->v[i].dev &&
		    l->v[j].ino == l->v[i].ino; j++)
			;
		c->v[l->v[i].owner].size += l->v[i].bytes;
		if (l->v[i].nlink > j - i)
			c->v[l->v[i].owner].shared += l->v[i].bytes;
	}
}

/* --- the scan ----------------------------------------------------------- */

static struct cacheinfo_entry *
add(struct cacheinfo *c, enum cacheinfo_kind kind, const char *name)
{
	struct cacheinfo_entry *e;

	XGROW(c->v, c->n + 1, c->cap);
	e = &c->v[c->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->name = xstrdup(name);
	return e;
}

static void
left_alone(struct cacheinfo *c, const char *name, const char *why)
{
	add(c, CACHEINFO_LEFT_ALONE, name)->why = why;
}

/* What is wrong with DIR/name as an entry or a leftover, or NULL. */
static const char *
not_a_dir(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return "gone while looked at";
	if (S_ISLNK(st.st_mode))
		return "a symbolic link, not followed";
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	return NULL;
}

/* The first line of githerd-url, or NULL. */
static char *
read_url(int entryfd)
{
	struct buf b = BUF_INIT;
	char *url = NULL;

	buf_init(&b);
	if (read_at(entryfd, CACHEDIR_URL_FILE, MAX_URL, &b) == 1 && b.len > 0)
		url = xstrndup(b.data, strcspn(b.data, "\n"));
	buf_release(&b);
	return url;
}

/* The directory of a name of the layout, or -1 once it is left alone. */
static int
open_or_leave(struct cacheinfo *c, const char *name)
{
	const char *why;
	int fd;

	if ((why = not_a_dir(c->dirfd, name)) != NULL) {
		left_alone(c, name, why);
		return -1;
	}
	if ((fd = cacheinfo_open(c->dirfd, name)) == -1)
		left_alone(c, name, "cannot be opened");
	return fd;
}

static void
scan_entry(struct cacheinfo *c, const char *name, struct links *l)
{
	struct cacheinfo_entry *e;
	char *url;
	int fd;

	if ((fd = open_or_leave(c, name)) == -1)
		return;
	if ((url = read_url(fd)) == NULL) {
		left_alone(c, name, "no " CACHEDIR_URL_FILE ": not githerd's");
		close(fd);
		return;
	}
	e = add(c, CACHEINFO_ENTRY, name);
	e->url = url;
	e->last_use = cacheinfo_last_use(fd);
	e->in_use = cacheinfo_in_use(c->dirfd, name);
	e->borrowers = cacheinfo_borrowers(fd);
	e->size = entry_size(fd, l, c->n - 1);
	close(fd);
}

/* kill(pid, 0) finds it, or finds it is someone else's: alive. */
static bool
alive(long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static void
scan_leftover(struct cacheinfo *c, const char *name, long pid,
    struct links *l)
{
	struct cacheinfo_entry *e;
	int fd;

	if (alive(pid))
		return;		/* being made */
	if ((fd = open_or_leave(c, name)) == -1)
		return;
	e = add(c, CACHEINFO_LEFTOVER, name);
	e->pid = pid;
	e->last_use = cacheinfo_last_use(fd);
	e->size = entry_size(fd, l, c->n - 1);
	close(fd);
}

static void
scan_name(struct cacheinfo *c, const char *name, struct links *l)
{
	size_t stem = cacheinfo_stem(name);
	long pid;

	if (stem == 0)
		return;		/* not githerd's */
	if (strcmp(name + stem, CACHEDIR_REPO_SUFFIX) == 0)
		scan_entry(c, name, l);
	else if ((pid = tmp_pid(name + stem)) > 0)
		scan_leftover(c, name, pid, l);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct cacheinfo_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
cacheinfo_scan(struct cacheinfo *c, const char *dir, char *err,
    size_t errlen)
{
	struct links l = { NULL, 0, 0 };
	struct dirent *de;
	DIR *d = NULL;
	int fd = -1, e;

	c->dir = xstrdup(dir);
	if ((c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fd = fcntl(c->dirfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (d = fdopendir(fd)) == NULL) {
		e = errno;
		if (fd != -1)
			close(fd);
		snprintf(err, errlen, "%s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		scan_name(c, de->d_name, &l);
	closedir(d);
	links_count(c, &l);
	free(l.v);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), entry_cmp);
	return 0;
}
