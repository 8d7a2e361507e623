#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#define LOCK_FILE	PATH_STATE_DIR "/lock"
#define SAVED_MANIFEST	PATH_STATE_DIR "/manifest"

void
workspace_init(struct workspace *w)
{
	w->path = NULL;
	w->lock_fd = -1;
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

enum workspace_error
workspace_open(struct workspace *w, const char *dir, bool create, char *err,
    size_t errlen)
{
	char real[PATH_MAX];

	if (create && fs_mkdir_p(dir, err, errlen) == -1)
		return errno == EROFS || errno == EACCES ? WS_READONLY :
		    WS_SYSTEM;
	if (realpath(dir, real) == NULL) {
		snprintf(err, errlen, "workspace %s: %s", dir, strerror(errno));
		return errno == ENOENT ? WS_MISSING : WS_SYSTEM;
	}
	w->path = xstrdup(real);
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
	char pid[32];
	int fd = -1, n;

	buf_init(&p);
	buf_addf(&p, "%s/%s", w->path, PATH_STATE_DIR);
	if (!exclusive && access(p.data, F_OK) == -1) {
		rc = WS_OK;	/* never synced, or read-only: nothing to share */
		goto out;
	}
	if (mkdir(p.data, 0777) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot write to the workspace %s: %s",
		    w->path, strerror(errno));
		rc = errno == EROFS || errno == EACCES || errno == EPERM ?
		    WS_READONLY : WS_SYSTEM;
		goto out;
	}
	buf_reset(&p);
	buf_addf(&p, "%s/%s", w->path, LOCK_FILE);
	fd = open(p.data, (exclusive ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC,
	    0644);
	if (fd == -1 && !exclusive) {
		rc = WS_OK;	/* no lock file: no sync has run here */
		goto out;
	}
	if (fd == -1) {
		snprintf(err, errlen, "cannot write to the workspace %s: %s",
		    w->path, strerror(errno));
		rc = errno == EROFS || errno == EACCES || errno == EPERM ?
		    WS_READONLY : WS_SYSTEM;
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
			if (n > 0)
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
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n) {
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

static size_t
sweep_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct buf p = BUF_INIT;
	size_t n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	buf_init(&p);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, PATH_TMP_PREFIX ".",
		    strlen(PATH_TMP_PREFIX) + 1) != 0)
			continue;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, de->d_name);
		if (fs_rmtree(p.data) == 0)
			n++;
	}
	closedir(d);
	buf_release(&p);
	return n;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Remove the clones and quarantines a killed run left behind: they are
 * named .githerd-tmp.* and sit beside the entries, so only the entries'
 * parent directories are looked at.  Call with the exclusive lock held.
 */
size_t
workspace_sweep(const struct workspace *w, const struct manifest *m)
{
	char **dirs;
	const char *slash;
	size_t i, n = 0, found = 0;

	dirs = xreallocarray(NULL, m->nrepos + 1, sizeof(*dirs));
	dirs[n++] = xstrdup(w->path);
	for (i = 0; i < m->nrepos; i++)
		if ((slash = strrchr(m->repos[i].path, '/')) != NULL)
			dirs[n++] = xasprintf("%s/%.*s", w->path,
			    (int)(slash - m->repos[i].path), m->repos[i].path);
	qsort(dirs, n, sizeof(*dirs), str_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(dirs[i], dirs[i - 1]) != 0)
			found += sweep_dir(dirs[i]);
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	return found;
}

/* Every copy of from in b, replaced by to. */
static void
replace_all(struct buf *b, const char *from, const char *to)
{
	struct buf out = BUF_INIT;
	const char *p = b->data, *hit;
	size_t flen = strlen(from);

	buf_init(&out);
	while ((hit = strstr(p, from)) != NULL) {
		buf_add(&out, p, (size_t)(hit - p));
		buf_addstr(&out, to);
		p = hit + flen;
	}
	buf_addstr(&out, p);
	buf_release(b);
	*b = out;
}

/*
 * The manifest as saved: URLs lose their credentials (as in .git/config),
 * and any copy of a secret left in another spelling becomes "***".
 */
static void
without_secrets(struct buf *text, const struct manifest *m)
{
	char *plain;
	size_t i;

	for (i = 0; i < m->nrepos; i++) {
		plain = url_strip_secrets(m->repos[i].url);
		if (strcmp(plain, m->repos[i].url) != 0) {
			replace_all(text, m->repos[i].url, plain);
			url_redact_text(text->data, m->repos[i].url);
			text->len = strlen(text->data);
		}
		free(plain);
	}
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
	buf_add(&text, m->text, m->textlen);
	without_secrets(&text, m);
	if (fs_write_atomic(file, text.data, text.len) == -1) {
		snprintf(err, errlen, "cannot save the manifest in %s: %s", file,
		    strerror(errno));
		rc = -1;
	}
	buf_release(&text);
	free(file);
	return rc;
}

char *
workspace_saved_manifest(const struct workspace *w)
{
	return xasprintf("%s/%s", w->path, SAVED_MANIFEST);
}
