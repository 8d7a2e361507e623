#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "path.h"
#include "url.h"
#include "workspace.h"
#include "xmalloc.h"
#include "yamltree.h"

#define LOCK_FILE	PATH_STATE_DIR "/lock"
#define SAVED_MANIFEST	PATH_STATE_DIR "/manifest"
#define SAVED_ORIGIN	PATH_STATE_DIR "/manifest.origin"

void
workspace_init(struct workspace *w)
{
	w->path = NULL;
	w->lock_fd = -1;
	w->safe = NULL;
}

void
workspace_release(struct workspace *w)
{
	if (w == NULL)
		return;
	if (w->lock_fd != -1)
		close(w->lock_fd);	/* drops the lock */
	free(w->path);
	workspace_init(w);
}

/* Is dir (resolved) one the user trusts although someone else owns it? */
static bool
trusted(const char *dir, const char *const *safe)
{
	char real[PATH_MAX];

	for (; safe != NULL && *safe != NULL; safe++)
		if (strcmp(*safe, "*") == 0 || (realpath(*safe, real) != NULL &&
		    strcmp(real, dir) == 0))
			return true;
	return false;
}

static void
owner_name(uid_t uid, char *out, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(out, len, "uid %lu (%s)", (unsigned long)uid,
		    pw->pw_name);
	else
		snprintf(out, len, "uid %lu", (unsigned long)uid);
}

/*
 * git's safe.directory rule, for the workspace and its .githerd: whoever
 * owns them could plant symbolic links or state that make githerd write
 * where they want, so one owned by another user is refused unless the
 * user says it is trusted.
 */
static enum workspace_error
check_owner(const struct workspace *w, const char *what, const char *path,
    const struct stat *st, char *err, size_t errlen)
{
	char owner[300];

	if (st->st_uid == geteuid() || trusted(w->path, w->safe))
		return WS_OK;
	owner_name(st->st_uid, owner, sizeof(owner));
	snprintf(err, errlen, "%s %s is owned by %s, not by you (uid %lu): "
	    "another user could make githerd write or run what they want "
	    "there; if you trust it, pass --safe-directory %s (or set "
	    "GITHERD_SAFE_DIRECTORY)", what, path, owner,
	    (unsigned long)geteuid(), w->path);
	return WS_FOREIGN;
}

enum workspace_error
workspace_open(struct workspace *w, const char *dir, bool create, char *err,
    size_t errlen)
{
	char real[PATH_MAX];
	struct stat st;

	if (create && fs_mkdir_p(dir, err, errlen) == -1)
		return errno == EROFS || errno == EACCES ? WS_READONLY :
		    WS_SYSTEM;
	if (realpath(dir, real) == NULL || stat(real, &st) == -1) {
		snprintf(err, errlen, "workspace %s: %s", dir, strerror(errno));
		return errno == ENOENT ? WS_MISSING : WS_SYSTEM;
	}
	w->path = xstrdup(real);
	return check_owner(w, "workspace", w->path, &st, err, errlen);
}

/*
 * .githerd: a directory (not a link), ours, and for nobody else to read:
 * it holds the saved manifest and the history.  -1 with err set.
 */
static enum workspace_error
check_state_dir(const struct workspace *w, const char *dir, char *err,
    size_t errlen)
{
	struct stat st;
	enum workspace_error rc;

	if (lstat(dir, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return WS_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (a symbolic link?): "
		    "refusing to use it", dir);
		return WS_FOREIGN;
	}
	if ((rc = check_owner(w, "githerd's state directory", dir, &st, err,
	    errlen)) != WS_OK)
		return rc;
	if (st.st_uid == geteuid() && (st.st_mode & 077) != 0)
		chmod(dir, 0700);	/* made by an older githerd: tighten */
	return WS_OK;
}

static int
read_pid(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return 0;
	b[n] = '\0';
	return atoi(b);
}

/*
 * flock(2) on .githerd/lock: sync takes it exclusive, status and freeze
 * shared.  The lock file also says which process holds it.  Creating it
 * is the first write a run makes, so a read-only workspace is found out
 * here, before any network access.
 */
enum workspace_error
workspace_lock(struct workspace *w, bool exclusive, int wait_s, char *err,
    size_t errlen)
{
	struct buf p = BUF_INIT;
	enum workspace_error rc = WS_SYSTEM;
	time_t deadline = time(NULL) + (wait_s > 0 ? wait_s : 0);
	struct stat st;
	char pid[32];
	int fd = -1, n;

	buf_init(&p);
	buf_addf(&p, "%s/%s", w->path, PATH_STATE_DIR);
	if (!exclusive && lstat(p.data, &st) == -1) {
		rc = WS_OK;	/* never synced, or read-only: nothing to share */
		goto out;
	}
	if (mkdir(p.data, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot write to the workspace %s: %s",
		    w->path, strerror(errno));
		rc = errno == EROFS || errno == EACCES || errno == EPERM ?
		    WS_READONLY : WS_SYSTEM;
		goto out;
	}
	if ((rc = check_state_dir(w, p.data, err, errlen)) != WS_OK)
		goto out;
	rc = WS_SYSTEM;
	buf_reset(&p);
	buf_addf(&p, "%s/%s", w->path, LOCK_FILE);
	/* Never through a link, never truncated: the holder's pid is there. */
	fd = open(p.data, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd == -1 && !exclusive && errno == ENOENT) {
		rc = WS_OK;	/* no lock file: no sync has run here */
		goto out;
	}
	if (fd == -1) {
		snprintf(err, errlen, "cannot %s %s: %s", exclusive ? "write" :
		    "open", p.data, errno == ELOOP ? "it is a symbolic link" :
		    strerror(errno));
		rc = errno == EROFS || errno == EACCES || errno == EPERM ?
		    WS_READONLY : errno == ELOOP ? WS_FOREIGN : WS_SYSTEM;
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != geteuid() && !trusted(w->path, w->safe))) {
		snprintf(err, errlen, "%s is not a file of yours: refusing to use "
		    "it as the lock", p.data);
		rc = WS_FOREIGN;
		goto out;
	}
	while (compat_flock_nb(fd, exclusive) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "cannot lock %s: %s", p.data,
			    strerror(errno));
			goto out;
		}
		if (time(NULL) >= deadline) {
			n = read_pid(fd);
			if (n > 0 && !exclusive)
				snprintf(err, errlen, "a sync (pid %d) is running "
				    "in %s: run again once it is done, or wait "
				    "for it with --wait S", n, w->path);
			else if (n > 0)
				snprintf(err, errlen, "workspace %s locked by pid "
				    "%d", w->path, n);
			else
				snprintf(err, errlen, "workspace %s is locked by "
				    "another githerd", w->path);
			rc = WS_LOCKED;
			goto out;
		}
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	if (exclusive) {
		/* Fixed width: it covers what any earlier holder wrote. */
		n = snprintf(pid, sizeof(pid), "%-20ld\n", (long)getpid());
		if ((st.st_mode & 077) != 0)
			fchmod(fd, 0600);
		if (pwrite(fd, pid, (size_t)n, 0) != n) {
			snprintf(err, errlen, "cannot write %s: %s", p.data,
			    strerror(errno));
			rc = errno == EROFS || errno == ENOSPC ? WS_READONLY :
			    WS_SYSTEM;
			goto out;
		}
	}
	w->lock_fd = fd;
	fd = -1;
	rc = WS_OK;
out:
	if (fd != -1)
		close(fd);
	buf_release(&p);
	return rc;
}

/*
 * Is name what tmp_path() (run.c) calls a clone of base in progress:
 * PREFIX.<pid>.<job>.<base, cut at 60 bytes>?
 */
static bool
tmp_name_of(const char *name, const char *base)
{
	const char *p = name + strlen(PATH_TMP_PREFIX);
	int k;

	for (k = 0; k < 2; k++) {
		if (*p++ != '.' || *p < '0' || *p > '9')
			return false;
		p += strspn(p, "0123456789");
	}
	return *p == '.' && strncmp(p + 1, base, 60) == 0 &&
	    strlen(p + 1) == (strlen(base) < 60 ? strlen(base) : 60);
}

/*
 * dir (workspace-relative) is entered through the walker, never a link.
 * For a directory inside another entry's work tree, only is the base name
 * of the nested entry there: what else is in it belongs to that checkout,
 * so only that entry's temporary clones go, nothing else named like one.
 */
static size_t
sweep_dir(int wsfd, const char *dir, unsigned links, const char *only)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0;
	int fd;

	if ((fd = fs_walk_links(wsfd, dir, links, false, NULL, 0)) == -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, PATH_TMP_PREFIX ".",
		    strlen(PATH_TMP_PREFIX) + 1) != 0 ||
		    (only != NULL && !tmp_name_of(de->d_name, only)))
			continue;
		if (fs_rmtree_at(fd, de->d_name) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* An entries' parent directory, and how far a user's link may be in it. */
struct parent_dir {
	char		*dir;
	unsigned	 links;
};

static int
parent_dir_cmp(const void *a, const void *b)
{
	return strcmp(((const struct parent_dir *)a)->dir,
	    ((const struct parent_dir *)b)->dir);
}

/*
 * Remove the clones and quarantines a killed run left behind: they are
 * named .githerd-tmp.* and sit beside the entries, so only the entries'
 * parent directories are looked at; in another entry's work tree, only
 * the nested entry's own.  Call with the exclusive lock held.
 */
size_t
workspace_sweep(const struct workspace *w, const struct manifest *m)
{
	const struct repo_spec *r;
	struct parent_dir *dirs;
	char *dir;
	const char *slash;
	size_t i, n = 0, found = 0;
	int wsfd;

	if ((wsfd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	dirs = xreallocarray(NULL, m->nrepos + 1, sizeof(*dirs));
	dirs[n++] = (struct parent_dir){ xstrdup(""), 0 };
	for (i = 0; i < m->nrepos; i++) {
		r = &m->repos[i];
		if ((slash = strrchr(r->path, '/')) == NULL)
			continue;
		dir = xstrndup(r->path, (size_t)(slash - r->path));
		if (r->outer == NULL) {
			dirs[n++] = (struct parent_dir){ dir, r->links };
			continue;
		}
		found += sweep_dir(wsfd, dir, r->links, slash + 1);
		free(dir);
	}
	qsort(dirs, n, sizeof(*dirs), parent_dir_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(dirs[i].dir, dirs[i - 1].dir) != 0)
			found += sweep_dir(wsfd, dirs[i].dir, dirs[i].links,
			    NULL);
	close(wsfd);
	for (i = 0; i < n; i++)
		free(dirs[i].dir);
	free(dirs);
	return found;
}

/*
 * The manifest as saved: every URL that carries credentials is replaced,
 * where the parser found it, by the same URL without them (as in
 * .git/config), quoted; so no spelling of it (YAML escapes, quoting,
 * folding) keeps a secret, and unselected entries lose theirs too.  Any
 * other copy of a secret (in a comment, say) becomes "***".
 */
static int
by_start(const void *a, const void *b)
{
	const struct secret_url *x = *(const struct secret_url *const *)a;
	const struct secret_url *y = *(const struct secret_url *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void
without_secrets(struct buf *out, const struct manifest *m)
{
	const struct secret_url *s, **v;
	size_t i, at = 0;
	char *plain;

	v = xreallocarray(NULL, m->nsecrets ? m->nsecrets : 1, sizeof(*v));
	for (i = 0; i < m->nsecrets; i++)
		v[i] = &m->secrets[i];
	qsort(v, m->nsecrets, sizeof(*v), by_start);
	for (i = 0; i < m->nsecrets; i++) {
		s = v[i];
		if (s->start < at || s->end > m->textlen || s->end < s->start)
			continue;	/* not a span of this text */
		buf_add(out, m->text + at, s->start - at);
		plain = url_strip_secrets(s->url);
		yaml_quote(out, plain);
		free(plain);
		/* A block scalar's span takes its line break with it. */
		if (s->end > s->start && m->text[s->end - 1] == '\n')
			buf_addch(out, '\n');
		at = s->end;
	}
	buf_add(out, m->text + at, m->textlen - at);
	for (i = 0; i < m->nsecrets; i++)
		url_redact_text(out->data, m->secrets[i].url);
	out->len = strlen(out->data);
	free(v);
}

/*
 * Keep a copy of the manifest in the workspace, without credentials:
 * `status` and `freeze` then work without naming it.
 */
int
workspace_save_manifest(const struct workspace *w, const struct manifest *m,
    char *err, size_t errlen)
{
	char *file = xasprintf("%s/%s", w->path, SAVED_MANIFEST);
	struct buf text = BUF_INIT;
	int rc = 0;

	buf_init(&text);
	without_secrets(&text, m);
	if (fs_write_atomic(file, text.data, text.len, FS_PRIVATE) == -1) {
		snprintf(err, errlen, "cannot save the manifest in %s: %s", file,
		    strerror(errno));
		rc = -1;
	}
	/* Where it came from, for what freeze's header names (a copy of
	 * the copy keeps the first name). */
	if (rc == 0 && strcmp(m->file, file) != 0) {
		char real[PATH_MAX], *from = xasprintf("%s/%s", w->path,
		    SAVED_ORIGIN);

		buf_reset(&text);
		buf_addf(&text, "%s\n", realpath(m->file, real) != NULL ? real :
		    m->file);
		fs_write_atomic(from, text.data, text.len, FS_PRIVATE);
		free(from);
	}
	buf_release(&text);
	free(file);
	return rc;
}

char *
workspace_manifest_origin(const struct workspace *w)
{
	struct buf b = BUF_INIT;
	char *from = xasprintf("%s/%s", w->path, SAVED_ORIGIN), why[256], *nl;
	char *out = NULL;

	buf_init(&b);
	if (fs_read_state(from, PATH_MAX + 1, &b, why, sizeof(why)) == 1 &&
	    (nl = strchr(b.data, '\n')) != NULL && nl > b.data) {
		*nl = '\0';
		out = xstrdup(b.data);
	}
	buf_release(&b);
	free(from);
	return out;
}

char *
workspace_saved_manifest(const struct workspace *w)
{
	return xasprintf("%s/%s", w->path, SAVED_MANIFEST);
}
