#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "cache.h"
#include "cachedir.h"
#include "fsutil.h"
#include "gitctx.h"
#include "url.h"
#include "xmalloc.h"

#define LOCK_POLL_MS	50
#define NAME_MAX_URL	80	/* characters of the URL kept in the name */

/* One cache repository: where it is and its lock. */
struct cache_repo {
	char	*git;		/* DIR/<name>.git */
	char	*lock;		/* DIR/<name>.lock */
	int	 lockfd;
	bool	 copied;	/* a pack had to be copied, not linked */
};

/*
 * "<host and path, [A-Za-z0-9._-] only>-<12 hex of the SHA-1 of the
 * normalised URL>": readable in `ls`, never a path component of its own,
 * and distinct for distinct URLs.
 */
static char *
cache_name(const char *url)
{
	char *norm = url_normalize(url), hex[41];
	const char *s = strstr(norm, "://");
	struct buf b = BUF_INIT;
	git_oid oid;
	size_t n = 0;

	git_odb_hash(&oid, norm, strlen(norm), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &oid);
	buf_init(&b);
	for (s = s ? s + 3 : norm; *s && n < NAME_MAX_URL; s++, n++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' ||
		    (*s == '.' && b.len > 0))
			buf_addch(&b, *s);
		else
			buf_addch(&b, '_');
	}
	buf_addf(&b, "-%.12s", hex);
	free(norm);
	return buf_detach(&b);
}

static void warn(struct gitctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct gitctx *c, const char *fmt, ...)
{
	char text[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	c->ev->warn(c->ev->ctx, text);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* 1 locked; 0 still locked by another run after the wait; -1 cancelled. */
static int
lock(struct gitctx *c, struct cache_repo *r, int wait_ms)
{
	int waited = 0;

	r->lockfd = open(r->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0666);
	if (r->lockfd == -1) {
		warn(c, "cache: cannot open %s (%s): fetching from the origin",
		    r->lock, strerror(errno));
		return 0;
	}
	while (flock(r->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			warn(c, "cache: cannot lock %s (%s): fetching from the "
			    "origin", r->lock, strerror(errno));
			return 0;
		}
		if (gitctx_cancelled(c))
			return -1;
		if (waited >= wait_ms) {
			warn(c, "cache: %s is still locked by another run "
			    "after %d s: fetching from the origin", r->lock,
			    wait_ms / 1000);
			return 0;
		}
		sleep_ms(LOCK_POLL_MS);
		waited += LOCK_POLL_MS;
	}
	return 1;
}

static void
unlock(struct cache_repo *r)
{
	if (r->lockfd != -1)
		close(r->lockfd);	/* releases the flock */
	r->lockfd = -1;
}

/* A new cache repository, made aside and renamed into place. */
static int
create(struct gitctx *c, struct cache_repo *r)
{
	git_repository_init_options io;
	git_repository *repo = NULL;
	char *tmp = xasprintf("%s" CACHEDIR_TMP_INFIX "%ld", r->git,
	    (long)getpid());
	char *id = NULL, *shown = url_redact(c->job->url);
	int rc = -1;

	fs_rmtree(tmp);
	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_NO_REINIT |
	    GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&repo, tmp, &io) < 0)
		goto out;
	id = xasprintf("%s/" CACHEDIR_URL_FILE, tmp);
	if (fs_write_atomic(id, shown, strlen(shown), 0666) == -1 ||
	    rename(tmp, r->git) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		warn(c, "cache: cannot create %s (%s): fetching from the origin",
		    r->git, git_error_last() ? git_error_last()->message :
		    strerror(errno));
		fs_rmtree(tmp);
	}
	git_repository_free(repo);
	git_error_clear();
	free(tmp);
	free(id);
	free(shown);
	return rc;
}

/* The mtime of githerd-used is the entry's last use (cache status, prune). */
static void
touch_used(struct cache_repo *r)
{
	char *used = xasprintf("%s/" CACHEDIR_USED_FILE, r->git);
	int fd = open(used, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);

	if (fd != -1) {
		futimens(fd, NULL);
		close(fd);
	}
	free(used);
}

/* Does the cache hold every head and tag the remote advertised? */
static bool
up_to_date(struct gitctx *c, git_repository *cache)
{
	const char *name;
	git_oid oid;
	size_t i, n;

	for (i = 0; i < c->nadv; i++) {
		name = c->adv[i].name;
		n = strlen(name);
		if ((strncmp(name, "refs/heads/", 11) != 0 &&
		    strncmp(name, "refs/tags/", 10) != 0) ||
		    (n > 3 && strcmp(name + n - 3, "^{}") == 0))
			continue;
		if (git_reference_name_to_id(&oid, cache, name) < 0 ||
		    !git_oid_equal(&oid, &c->adv[i].oid)) {
			git_error_clear();
			return false;
		}
	}
	return true;
}

/* Heads and tags only, not the pull requests and the like. */
static int
update(struct gitctx *c, struct cache_repo *r, git_repository *cache)
{
	static const char *const specs[] = {
		"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"
	};
	git_remote *remote = NULL;
	int err;

	if (up_to_date(c, cache))
		return 0;
	err = git_remote_create_anonymous(&remote, cache, c->conn_url);
	if (err == 0)
		err = gitctx_fetch(c, remote, specs, 2, 0, true,
		    "githerd cache");
	git_remote_free(remote);
	if (err < 0 && gitctx_cancelled(c))
		return -1;
	if (err < 0)
		warn(c, "cache: cannot update %s (%s): fetching from the origin",
		    r->git, git_error_last() ? git_error_last()->message : "?");
	git_error_clear();
	return 0;
}

/* A copy, streamed: a pack may be larger than the memory a worker has. */
static int
copy_file(const char *from, const char *to)
{
	char chunk[65536];
	ssize_t n;
	int in, fd = -1, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444)) == -1)
		goto out;
	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || fs_write_all(fd, chunk, (size_t)n) == -1)
			goto out;
	}
	rc = 0;
out:
	if (fd != -1 && close(fd) == -1)
		rc = -1;
	if (rc == -1 && fd != -1)
		unlink(to);
	close(in);
	return rc;
}

/* One file into the clone: a hard link, else (another filesystem) a copy. */
static int
place(struct cache_repo *r, const char *from, const char *to)
{
	if (link(from, to) == 0 || errno == EEXIST)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -1;
	r->copied = true;
	return copy_file(from, to);
}

/* Every pack of the cache (its .idx last, so a pack is whole or absent). */
static int
link_packs(struct gitctx *c, struct cache_repo *r, git_repository *cache,
    git_repository *repo)
{
	char *src = xasprintf("%sobjects/pack", git_repository_path(cache));
	char *dst = xasprintf("%sobjects/pack", git_repository_path(repo));
	char *from = NULL, *to = NULL;
	struct dirent *d;
	size_t n;
	DIR *dir;
	int rc = 0;
	const char *ext[] = { ".pack", ".idx" };
	int k;

	if ((dir = opendir(src)) == NULL)
		goto out;
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		n = strlen(d->d_name);
		if (n < 6 || strcmp(d->d_name + n - 5, ".pack") != 0)
			continue;
		for (k = 0; k < 2 && rc == 0; k++) {
			free(from);
			free(to);
			from = xasprintf("%s/%.*s%s", src, (int)(n - 5), d->d_name,
			    ext[k]);
			to = xasprintf("%s/%.*s%s", dst, (int)(n - 5), d->d_name,
			    ext[k]);
			if (place(r, from, to) == -1) {
				warn(c, "cache: cannot take %s (%s): fetching "
				    "what is missing from the origin", from,
				    strerror(errno));
				if (k == 1) {
					free(to);
					to = xasprintf("%s/%.*s.pack", dst,
					    (int)(n - 5), d->d_name);
					unlink(to);
				}
				rc = -1;
			}
		}
	}
	closedir(dir);
out:
	if (r->copied)
		warn(c, "cache: %s is on another filesystem: its packs were "
		    "copied, not linked", r->git);
	free(src);
	free(dst);
	free(from);
	free(to);
	return rc;
}

int
cache_prime(struct gitctx *c, git_repository *repo)
{
	struct cache_repo r = { NULL, NULL, -1, false };
	git_repository *cache = NULL;
	git_odb *odb = NULL;
	char *name, err[300];
	int rc = 0, got;

	if (c->ev->cache_dir == NULL || c->depth > 0 || c->remote_empty)
		return 0;
	if (fs_mkdir_p(c->ev->cache_dir, err, sizeof(err)) == -1) {
		warn(c, "cache: %s: fetching from the origin", err);
		return 0;
	}
	name = cache_name(c->job->url);
	r.git = xasprintf("%s/%s" CACHEDIR_REPO_SUFFIX, c->ev->cache_dir, name);
	r.lock = xasprintf("%s/%s" CACHEDIR_LOCK_SUFFIX, c->ev->cache_dir,
	    name);
	free(name);
	if ((got = lock(c, &r, c->ev->cache_wait_ms)) <= 0) {
		rc = got;
		goto out;
	}
	if (fs_kind(r.git) == FS_NONE && create(c, &r) == -1)
		goto out;
	if (git_repository_open_bare(&cache, r.git) < 0) {
		warn(c, "cache: %s is damaged (%s): fetching from the origin",
		    r.git, git_error_last() ? git_error_last()->message : "?");
		git_error_clear();
		goto out;
	}
	touch_used(&r);
	if ((rc = update(c, &r, cache)) == -1)
		goto out;
	link_packs(c, &r, cache, repo);
	if (git_repository_odb(&odb, repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	git_error_clear();
out:
	if (rc == -1)
		gitctx_error(c, ERR_CANCELLED, "cancelled while waiting for %s",
		    r.lock);
	unlock(&r);
	git_repository_free(cache);
	free(r.git);
	free(r.lock);
	return rc;
}
