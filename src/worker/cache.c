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

/* What one use of the cache is for. */
struct cache_need {
	const char	*url;		/* the remote (names the entry) */
	const char	*conn_url;	/* what to fetch from */
	bool		 adv;		/* c->adv is this remote's */
	const git_oid	*commit;	/* a pinned commit, or NULL */
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
	struct stat st;

	/* O_NONBLOCK: a FIFO planted as the lock must not hang the worker */
	r->lockfd = open(r->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0666);
	if (r->lockfd != -1 && (fstat(r->lockfd, &st) == -1 ||
	    !S_ISREG(st.st_mode))) {
		close(r->lockfd);
		r->lockfd = -1;
		errno = EINVAL;
	}
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
			    "after %d s: taking what it holds, the rest from "
			    "the origin", r->lock, wait_ms / 1000);
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
create(struct gitctx *c, struct cache_repo *r, const char *url)
{
	git_repository_init_options io;
	git_repository *repo = NULL;
	char *tmp = xasprintf("%s" CACHEDIR_TMP_INFIX "%ld", r->git,
	    (long)getpid());
	char *id = NULL, *shown = url_redact(url);
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

static bool
has_object(git_repository *repo, const git_oid *oid)
{
	git_odb *odb = NULL;
	bool has;

	has = git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, oid);
	git_odb_free(odb);
	git_error_clear();
	return has;
}

/*
 * Does the cache hold what this use needs: the pinned commit, and every
 * head and tag the remote advertised (a submodule's remote was not asked:
 * its commit decides alone).
 */
static bool
up_to_date(struct gitctx *c, const struct cache_need *need,
    git_repository *cache)
{
	const char *name;
	git_oid oid;
	size_t i, n;

	if (need->commit != NULL && !has_object(cache, need->commit))
		return false;
	if (!need->adv)
		return need->commit != NULL;
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

/*
 * Heads, tags and the pinned commit only, not the pull requests and the
 * like.  A pinned commit gets a ref of its own (refs/pinned/<id>): heads
 * move on and the next fetch's negotiation should still offer it.
 */
static int
update(struct gitctx *c, struct cache_repo *r, const struct cache_need *need,
    git_repository *cache)
{
	char hex[GIT_OID_MAX_HEXSIZE + 1], *pin = NULL;
	const char *specs[3] = {
		"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*", NULL
	};
	git_remote *remote = NULL;
	int err;

	if (up_to_date(c, need, cache))
		return 0;
	err = git_remote_create_anonymous(&remote, cache, need->conn_url);
	if (err == 0)
		err = gitctx_fetch(c, remote, specs, 2, 0, true,
		    "githerd cache");
	if (err == 0 && need->commit != NULL &&
	    !has_object(cache, need->commit)) {
		git_oid_tostr(hex, sizeof(hex), need->commit);
		specs[2] = pin = xasprintf("+%s:refs/pinned/%s", hex, hex);
		err = gitctx_fetch(c, remote, specs + 2, 1, 0, false,
		    "githerd cache");
	}
	free(pin);
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


/* --- one use of an entry ------------------------------------------------ */

static void
entry_release(struct cache_repo *r, git_repository *cache)
{
	unlock(r);
	git_repository_free(cache);
	free(r->git);
	free(r->lock);
	r->git = r->lock = NULL;
}

/*
 * The entry for need->url, made if it is new and brought up to date under
 * its lock.  Locked past the wait, an existing entry is still used for
 * what it holds (packs are never changed once they have an index).  1 and
 * *out set: use it; 0: go to the origin alone; -1: cancelled.
 */
static void
entry_paths(struct gitctx *c, const char *url, struct cache_repo *r)
{
	char *name = cache_name(url);

	r->git = xasprintf("%s/%s" CACHEDIR_REPO_SUFFIX, c->ev->cache_dir, name);
	r->lock = xasprintf("%s/%s" CACHEDIR_LOCK_SUFFIX, c->ev->cache_dir,
	    name);
	free(name);
}

static int
entry_get(struct gitctx *c, const struct cache_need *need,
    struct cache_repo *r, git_repository **out)
{
	char err[300];
	int got;

	*out = NULL;
	if (r->git == NULL)
		entry_paths(c, need->url, r);
	if (fs_mkdir_p(c->ev->cache_dir, err, sizeof(err)) == -1) {
		warn(c, "cache: %s: fetching from the origin", err);
		return 0;
	}
	if ((got = lock(c, r, c->ev->cache_wait_ms)) == -1)
		return -1;
	if (got == 1 && fs_kind(r->git) == FS_NONE &&
	    create(c, r, need->url) == -1)
		return 0;
	if (fs_kind(r->git) == FS_NONE)
		return 0;
	if (git_repository_open_bare(out, r->git) < 0) {
		warn(c, "cache: %s is damaged (%s): fetching from the origin",
		    r->git, git_error_last() ? git_error_last()->message : "?");
		git_error_clear();
		return 0;
	}
	touch_used(r);
	if (got == 1 && update(c, r, need, *out) == -1)
		return -1;
	return 1;
}

/* --- borrowing (reference mode) ----------------------------------------- */

static char *
objects_of(git_repository *repo)
{
	return xasprintf("%sobjects", git_repository_path(repo));
}

/* The lines of objects/info/alternates, relative ones made absolute. */
static size_t
read_alternates(git_repository *repo, char ***out)
{
	char *objects = objects_of(repo), *file, *line, *save = NULL;
	struct buf text = BUF_INIT;
	char **v = NULL;
	size_t n = 0, cap = 0;

	buf_init(&text);
	file = xasprintf("%s/info/alternates", objects);
	if (fs_read_state(file, 1 << 20, &text, NULL, 0) == 1) {
		for (line = strtok_r(text.data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if (*line == '\0' || *line == '#')
				continue;
			XGROW(v, n + 1, cap);
			v[n++] = *line == '/' ? xstrdup(line) :
			    xasprintf("%s/%s", objects, line);
		}
	}
	buf_release(&text);
	free(file);
	free(objects);
	*out = v;
	return n;
}

static void
free_lines(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* Rewrite the alternates: keep[i] false drops line i; add (or NULL) joins. */
static int
write_alternates(git_repository *repo, char **v, const bool *keep, size_t n,
    const char *add)
{
	char *objects = objects_of(repo), *file, *dir;
	struct buf text = BUF_INIT;
	size_t i;
	int rc;

	buf_init(&text);
	for (i = 0; i < n; i++)
		if (keep[i] && (add == NULL || strcmp(v[i], add) != 0))
			buf_addf(&text, "%s\n", v[i]);
	if (add != NULL)
		buf_addf(&text, "%s\n", add);
	dir = xasprintf("%s/info", objects);
	file = xasprintf("%s/alternates", dir);
	mkdir(dir, 0777);
	rc = text.len == 0 ? (unlink(file) == 0 || errno == ENOENT ? 0 : -1) :
	    fs_write_atomic(file, text.data, text.len, 0666);
	buf_release(&text);
	free(dir);
	free(file);
	free(objects);
	return rc;
}

/*
 * The objects directory repo will have once in place: a new clone is
 * made in a temporary sibling and renamed to the entry's path.
 */
static char *
final_objects(struct gitctx *c, git_repository *repo)
{
	char *objects = objects_of(repo), *moved;
	size_t n = strlen(c->job->tmp);

	if (strncmp(objects, c->job->tmp, n) != 0 || objects[n] != '/')
		return objects;
	moved = xasprintf("%s%s", c->job->dest, objects + n);
	free(objects);
	return moved;
}

/* githerd-borrowers gains this checkout's objects directory (once). */
static void
add_borrower(struct gitctx *c, struct cache_repo *r, git_repository *repo)
{
	char *file = xasprintf("%s/" CACHEDIR_BORROWERS_FILE, r->git);
	char *objects = final_objects(c, repo);
	char *line = xasprintf("%s\n", objects);
	struct buf text = BUF_INIT;
	int fd;

	buf_init(&text);
	fs_read_state(file, 1 << 24, &text, NULL, 0);
	if (text.data == NULL || strstr(text.data, line) == NULL) {
		fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW, 0666);
		if (fd != -1) {
			fs_write_all(fd, line, strlen(line));
			close(fd);
		}
	}
	buf_release(&text);
	free(objects);
	free(line);
	free(file);
}

/* The clone borrows the entry's objects: alternates, now and on disk. */
static int
borrow(struct gitctx *c, struct cache_repo *r, git_repository *cache,
    git_repository *repo)
{
	char *from = objects_of(cache), **v;
	size_t n = read_alternates(repo, &v), i;
	bool *keep = xcalloc(n ? n : 1, sizeof(*keep));
	git_odb *odb = NULL;
	int rc = -1;

	for (i = 0; i < n; i++)
		keep[i] = true;
	if (write_alternates(repo, v, keep, n, from) == -1) {
		warn(c, "cache: cannot write %sobjects/info/alternates (%s): "
		    "fetching from the origin", git_repository_path(repo),
		    strerror(errno));
		goto out;
	}
	add_borrower(c, r, repo);
	if (git_repository_odb(&odb, repo) == 0 &&
	    git_odb_add_disk_alternate(odb, from) == 0)
		rc = 0;
	git_odb_free(odb);
	git_error_clear();
out:
	free_lines(v, n);
	free(keep);
	free(from);
	return rc;
}

/* --- haves -------------------------------------------------------------- */

#define SEED_PREFIX	"refs/githerd/seed/"

/*
 * An entry that is behind still knows most of history, but libgit2 1.8
 * offers only the clone's own refs as haves, never those of alternates or
 * of packs it was given: the entry's heads become refs of the clone for
 * the length of the fetch, so that the server sends only what is new.
 */
static void
seed(struct gitctx *c, git_repository *cache, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref, *made;
	char name[64];
	int n = 0;

	if (git_reference_iterator_glob_new(&it, cache, "refs/heads/*") < 0)
		goto out;
	while (git_reference_next(&ref, it) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    has_object(repo, git_reference_target(ref))) {
			snprintf(name, sizeof(name), SEED_PREFIX "%d", n);
			if (git_reference_create(&made, repo, name,
			    git_reference_target(ref), 1, NULL) == 0) {
				n++;
				git_reference_free(made);
			}
		}
		git_reference_free(ref);
	}
out:
	git_reference_iterator_free(it);
	git_error_clear();
	c->cache_seeded = n > 0;
}

void
cache_unseed(struct gitctx *c, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char *dir;

	if (!c->cache_seeded)
		return;
	c->cache_seeded = false;
	if (git_reference_iterator_glob_new(&it, repo, SEED_PREFIX "*") < 0)
		goto out;
	while (git_reference_next(&ref, it) == 0) {
		git_reference_delete(ref);
		git_reference_free(ref);
	}
out:
	git_reference_iterator_free(it);
	git_error_clear();
	/* libgit2 leaves the directories: a clone as git makes it has none */
	dir = xasprintf("%srefs/githerd/seed", git_repository_path(repo));
	rmdir(dir);
	dir[strlen(dir) - 5] = '\0';
	rmdir(dir);
	free(dir);
}

/* --- the uses ----------------------------------------------------------- */

/* Link or borrow what the entry has into repo; seed it if it is behind. */
static void
populate(struct gitctx *c, const struct cache_need *need, struct cache_repo *r,
    git_repository *cache, git_repository *repo)
{
	git_odb *odb = NULL;

	if (c->ev->cache_mode == CACHE_REFERENCE && !c->ev->cache_dissociate) {
		if (borrow(c, r, cache, repo) == -1)
			return;
	} else {
		link_packs(c, r, cache, repo);
		if (git_repository_odb(&odb, repo) == 0)
			git_odb_refresh(odb);
		git_odb_free(odb);
		git_error_clear();
	}
	if (!up_to_date(c, need, cache))
		seed(c, cache, repo);
}

static int
use(struct gitctx *c, const struct cache_need *need, git_repository *repo)
{
	struct cache_repo r = { NULL, NULL, -1, false };
	git_repository *cache = NULL;
	int got;

	if ((got = entry_get(c, need, &r, &cache)) == 1)
		populate(c, need, &r, cache, repo);
	if (got == -1)
		gitctx_error(c, ERR_CANCELLED, "cancelled while waiting for %s",
		    r.lock);
	entry_release(&r, cache);
	return got == -1 ? -1 : 0;
}

int
cache_prime(struct gitctx *c, git_repository *repo)
{
	struct cache_need need = { c->job->url, c->conn_url, true, NULL };

	if (c->ev->cache_dir == NULL || c->depth > 0 || c->remote_empty)
		return 0;
	if (c->kind == REF_COMMIT && c->want_known)
		need.commit = &c->want;
	return use(c, &need, repo);
}

int
cache_prime_submodule(struct gitctx *c, git_repository *sub, const char *url,
    const git_oid *commit)
{
	struct cache_need need = { url, url, false, commit };

	if (c->ev->cache_dir == NULL)
		return 0;
	return use(c, &need, sub);
}

/* Does repo lack an object of an advertised head or tag? */
static bool
lacks_advertised(struct gitctx *c, git_repository *repo)
{
	const char *name;
	size_t i;

	for (i = 0; i < c->nadv; i++) {
		name = c->adv[i].name;
		if ((strncmp(name, "refs/heads/", 11) == 0 ||
		    strncmp(name, "refs/tags/", 10) == 0) &&
		    !has_object(repo, &c->adv[i].oid))
			return true;
	}
	return false;
}

/* Index of the alternates line naming objects, or n. */
static size_t
find_line(char **v, size_t n, const char *objects)
{
	size_t i;

	for (i = 0; i < n && strcmp(v[i], objects) != 0; i++)
		;
	return i;
}

/*
 * An existing checkout that has work to fetch: the entry is brought up to
 * date first (one fetch from the origin for every workspace of the
 * machine), then the checkout sees its objects: through its alternates if
 * it borrows from the entry, else by linked packs.  --dissociate turns a
 * borrower into a checkout that owns every object.
 */
int
cache_prime_update(struct gitctx *c, git_repository *repo)
{
	struct cache_need need = { c->job->url, c->conn_url, true, NULL };
	struct cache_repo r = { NULL, NULL, -1, false };
	git_repository *cache = NULL;
	git_odb *odb = NULL;
	char **v = NULL, *from = NULL;
	size_t n = 0, at;
	bool *keep = NULL, linked;
	int got = 0;

	if (c->ev->cache_dir == NULL || c->depth > 0 || c->remote_empty ||
	    git_repository_is_shallow(repo) == 1)
		return 0;
	entry_paths(c, c->job->url, &r);
	from = xasprintf("%s/objects", r.git);
	n = read_alternates(repo, &v);
	at = find_line(v, n, from);
	if (!lacks_advertised(c, repo) && (at == n || !c->ev->cache_dissociate))
		goto out;
	if ((got = entry_get(c, &need, &r, &cache)) != 1)
		goto out;
	linked = (at == n || c->ev->cache_dissociate) &&
	    link_packs(c, &r, cache, repo) == 0;
	/* Borrowing stops only once every pack is the checkout's own. */
	if (at < n && c->ev->cache_dissociate && linked) {
		keep = xcalloc(n, sizeof(*keep));
		for (size_t i = 0; i < n; i++)
			keep[i] = i != at;
		if (write_alternates(repo, v, keep, n, NULL) == -1)
			warn(c, "cache: cannot rewrite %sobjects/info/alternates "
			    "(%s): it still borrows from %s",
			    git_repository_path(repo), strerror(errno), r.git);
	}
	if (git_repository_odb(&odb, repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	git_error_clear();
out:
	if (got == -1)
		gitctx_error(c, ERR_CANCELLED, "cancelled while waiting for %s",
		    r.lock);
	entry_release(&r, cache);
	free_lines(v, n);
	free(keep);
	free(from);
	return got == -1 ? -1 : 0;
}

/* --- a checkout whose borrowed objects are gone ------------------------- */

/* Can HEAD's commit and tree and every branch's commit be read? */
static bool
readable(git_repository *repo, char *why, size_t len)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char hex[GIT_OID_MAX_HEXSIZE + 1];
	git_oid head;
	bool ok = true;

	if (git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
	    (git_commit_lookup(&commit, repo, &head) < 0 ||
	    git_commit_tree(&tree, commit) < 0)) {
		git_oid_tostr(hex, sizeof(hex), &head);
		snprintf(why, len, "HEAD's commit %.12s or its tree", hex);
		ok = false;
	}
	git_tree_free(tree);
	git_commit_free(commit);
	if (ok && git_reference_iterator_glob_new(&it, repo, "refs/heads/*") == 0) {
		while (ok && git_reference_next(&ref, it) == 0) {
			if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
			    !has_object(repo, git_reference_target(ref))) {
				snprintf(why, len, "the commit of %s",
				    git_reference_name(ref));
				ok = false;
			}
			git_reference_free(ref);
		}
	}
	git_reference_iterator_free(it);
	git_error_clear();
	return ok;
}

int
cache_check_borrowed(git_repository *repo, char *why, size_t len)
{
	char **v, what[300];
	size_t n = read_alternates(repo, &v), i;
	int rc = 1;

	for (i = 0; i < n && rc == 1; i++)
		if (fs_kind(v[i]) != FS_DIR) {
			snprintf(why, len, "the objects it borrows from %.900s "
			    "are gone", v[i]);
			rc = 0;
		}
	if (rc == 1 && n > 0 && !readable(repo, what, sizeof(what))) {
		snprintf(why, len, "%s can no longer be read from the objects "
		    "it borrows", what);
		rc = 0;
	}
	free_lines(v, n);
	return rc;
}

/* No cache to take them from: every head and tag again, from the origin. */
static int
from_origin(struct gitctx *c, git_repository *repo)
{
	static const char *const specs[] = {
		"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"
	};
	struct cache_repo r = { NULL, NULL, -1, false };
	git_repository *tmp = NULL;
	git_remote *remote = NULL;
	git_odb *odb = NULL;
	int err;

	r.git = xasprintf("%sgitherd-repair.git", git_repository_path(repo));
	fs_rmtree(r.git);
	if ((err = git_repository_init(&tmp, r.git, 1)) < 0 ||
	    (err = git_remote_create_anonymous(&remote, tmp, c->conn_url)) < 0 ||
	    (err = gitctx_fetch(c, remote, specs, 2, 0, false,
	    "githerd repair")) < 0) {
		gitctx_fail(c, err, "repairing from the origin");
		goto out;
	}
	link_packs(c, &r, tmp, repo);
	if (git_repository_odb(&odb, repo) == 0)
		git_odb_refresh(odb);
out:
	git_odb_free(odb);
	git_remote_free(remote);
	git_repository_free(tmp);
	fs_rmtree(r.git);
	free(r.git);
	git_error_clear();
	return err < 0 ? -1 : 0;
}

int
cache_repair(struct gitctx *c, git_repository *repo, const char *why)
{
	struct cache_need need = { c->job->url, c->conn_url, true, NULL };
	struct cache_repo r = { NULL, NULL, -1, false };
	git_repository *cache = NULL;
	char **v, what[300];
	size_t n = read_alternates(repo, &v), i;
	bool *keep = xcalloc(n ? n : 1, sizeof(*keep));
	char *source = NULL;
	int got = 0, rc = -1;

	for (i = 0; i < n; i++)
		keep[i] = fs_kind(v[i]) == FS_DIR;
	write_alternates(repo, v, keep, n, NULL);
	if (c->ev->cache_dir != NULL &&
	    (got = entry_get(c, &need, &r, &cache)) == 1) {
		populate(c, &need, &r, cache, repo);
		cache_unseed(c, repo);
		source = xstrdup(r.git);
	}
	if (got == -1) {
		gitctx_error(c, ERR_CANCELLED, "cancelled while waiting for %s",
		    r.lock);
		goto out;
	}
	if (source == NULL) {
		if (from_origin(c, repo) == -1)
			goto out;
		source = xstrdup("the origin");
	}
	if (!readable(repo, what, sizeof(what))) {
		gitctx_error(c, ERR_CACHE_CORRUPT, "%s; %s cannot be read "
		    "after taking the objects again from %s: it was on no "
		    "branch or tag of the remote", why, what, source);
		goto out;
	}
	warn(c, "repaired: %s; taken again from %s", why, source);
	rc = 0;
out:
	entry_release(&r, cache);
	free_lines(v, n);
	free(keep);
	free(source);
	return rc;
}
