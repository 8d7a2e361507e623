#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "importcache.h"
#include "path.h"
#include "westimport.h"
#include "xmalloc.h"

void
west_import_free(struct west_import *wi)
{
	size_t i, k, j;

	if (wi == NULL)
		return;
	for (i = 0; i < wi->n; i++) {
		free(wi->v[i].file);
		free(wi->v[i].prefix);
		for (k = 0; k < WEST_NLISTS; k++) {
			for (j = 0; j < wi->v[i].nlist[k]; j++)
				free(wi->v[i].list[k][j]);
			free(wi->v[i].list[k]);
		}
	}
	free(wi->v);
	free(wi);
}

char *
west_import_request(const struct west_import *wi)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_init(&b);
	for (i = 0; wi != NULL && i < wi->n; i++)
		buf_addf(&b, "%s%s", i ? "\n" : "", wi->v[i].file);
	return buf_detach(&b);
}

/* --- the files ------------------------------------------------------ */

void
west_files_free(struct west_file *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].text);
	}
	free(v);
}

static void
add_file(struct west_file **v, size_t *n, const char *path, char *text,
    size_t len)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].path = xstrdup(path);
	(*v)[*n].text = text;
	(*v)[*n].len = len;
	(*n)++;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct west_file *)a)->path,
	    ((const struct west_file *)b)->path);
}

int
west_import_files(const struct import_set *set, const char *path,
    struct west_file **out, size_t *nout)
{
	const struct import_file *f;
	size_t i, plen = strlen(path);
	char *text;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < set->nfiles; i++) {
		f = &set->files[i];
		if (strcmp(f->path, path) != 0)
			continue;
		if (f->text == NULL)
			return -1;
		text = xreallocarray(NULL, f->len + 1, 1);
		memcpy(text, f->text, f->len);
		text[f->len] = '\0';
		add_file(out, nout, f->path, text, f->len);
		return 0;
	}
	for (i = 0; i < set->nfiles; i++) {
		f = &set->files[i];
		if (f->text == NULL || strncmp(f->path, path, plen) != 0 ||
		    f->path[plen] != '/' || strchr(f->path + plen + 1, '/') ||
		    !path_is_yml(f->path + plen + 1))
			continue;
		text = xreallocarray(NULL, f->len + 1, 1);
		memcpy(text, f->text, f->len);
		text[f->len] = '\0';
		add_file(out, nout, f->path, text, f->len);
	}
	qsort(*out, *nout, sizeof(**out), file_cmp);
	return 0;
}

/* A regular file below dirfd, not through a link, at most the cap. */
static int
read_at(int dirfd, const char *name, const char *shown, size_t max,
    struct west_file **v, size_t *n, char *why, size_t whylen)
{
	struct buf b = BUF_INIT;
	size_t len;
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		snprintf(why, whylen, "%s: %s", shown, errno == ELOOP ?
		    "is a symbolic link (not followed)" : strerror(errno));
		return -1;
	}
	buf_init(&b);
	rc = fs_read_fd(fd, max, &b);
	if (rc == -1)
		snprintf(why, whylen, "%s: %s", shown, errno == EFBIG ?
		    "larger than the size limit" : strerror(errno));
	close(fd);
	if (rc == -1) {
		buf_release(&b);
		return -1;
	}
	len = b.len;
	add_file(v, n, shown, buf_detach(&b), len);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yml files of the directory fd, sorted as west reads them. */
static int
read_dir(int fd, const char *rel, size_t max, struct west_file **v, size_t *n,
    char *why, size_t whylen)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	char **names = NULL, *shown;
	size_t nnames = 0, i;
	int rc = 0;

	if (dir == NULL) {
		snprintf(why, whylen, "%s: %s", rel, strerror(errno));
		close(fd);
		return -1;
	}
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.' && path_is_yml(e->d_name)) {
			names = xreallocarray(names, nnames + 1,
			    sizeof(*names));
			names[nnames++] = xstrdup(e->d_name);
		}
	qsort(names, nnames, sizeof(*names), name_cmp);
	for (i = 0; i < nnames && rc == 0; i++) {
		shown = xasprintf("%s/%s", rel, names[i]);
		rc = read_at(dirfd(dir), names[i], shown, max, v, n, why,
		    whylen);
		free(shown);
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

int
west_self_files(const char *dir, const char *rel, size_t max,
    struct west_file **out, size_t *nout, char *why, size_t whylen)
{
	char bad[PATH_MAX_LEN + 1], walk[512];
	char *copy = xstrdup(rel), *slash;
	const char *parent = "", *base = copy;
	struct stat st;
	int top = -1, pfd = -1, fd, rc = -1;

	*out = NULL;
	*nout = 0;
	if ((slash = strrchr(copy, '/')) != NULL) {
		*slash = '\0';
		parent = copy;
		base = slash + 1;
	}
	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top == -1) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if ((pfd = fs_walk(top, parent, false, bad, sizeof(bad))) == -1) {
		fs_walk_why(errno, bad, walk, sizeof(walk));
		snprintf(why, whylen, "%s", walk);
		goto out;
	}
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		snprintf(why, whylen, "%s: %s", rel, errno == ENOENT ?
		    "file not found" : strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode))
		rc = read_at(pfd, base, rel, max, out, nout, why, whylen);
	else if (S_ISDIR(st.st_mode)) {
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		rc = fd == -1 ? -1 : read_dir(fd, rel, max, out, nout, why,
		    whylen);
		if (fd == -1)
			snprintf(why, whylen, "%s: %s", rel, strerror(errno));
	} else
		snprintf(why, whylen, "%s: %s", rel, S_ISLNK(st.st_mode) ?
		    "is a symbolic link (not followed)" :
		    "neither a file nor a directory");
out:
	if (rc == -1) {
		west_files_free(*out, *nout);
		*out = NULL;
		*nout = 0;
	}
	if (pfd != -1)
		close(pfd);
	if (top != -1)
		close(top);
	free(copy);
	return rc;
}

/* --- filters -------------------------------------------------------- */

/*
 * pathlib's PurePath.match, which west uses: a relative pattern matches
 * the path's last components, one glob per component.
 */
static bool
path_matches(const char *path, const char *pattern)
{
	const char *pe, *pp, *ps, *cs;
	char pc[PATH_MAX_LEN + 1], sc[PATH_MAX_LEN + 1];

	if (pattern[0] == '\0' || pattern[0] == '/')
		return false;	/* an empty pattern is west's error */
	pe = pattern + strlen(pattern);
	pp = path + strlen(path);
	while (pe > pattern) {
		ps = pe;
		while (ps > pattern && ps[-1] != '/')
			ps--;
		if (pp == path)
			return false;	/* more pattern than path */
		cs = pp;
		while (cs > path && cs[-1] != '/')
			cs--;
		snprintf(pc, sizeof(pc), "%.*s", (int)(pe - ps), ps);
		snprintf(sc, sizeof(sc), "%.*s", (int)(pp - cs), cs);
		if (fnmatch(pc, sc, 0) != 0)
			return false;
		pe = ps > pattern ? ps - 1 : ps;
		pp = cs > path ? cs - 1 : cs;
	}
	return true;
}

static bool
any_of(const struct west_imap *im, enum west_list k, const char *s,
    bool glob)
{
	size_t i;

	for (i = 0; i < im->nlist[k]; i++)
		if (glob ? path_matches(s, im->list[k][i]) :
		    strcmp(s, im->list[k][i]) == 0)
			return true;
	return false;
}

/*
 * west's rule: an allowlisted project is in whatever the blocklists say;
 * a blocked one only if allowlisted; any other one only when there are no
 * allowlists.
 */
static bool
imap_allows(const struct west_imap *im, const char *name, const char *path)
{
	bool blocked, allowed;

	if (!im->filters)
		return true;
	blocked = any_of(im, WEST_NAME_BLOCK, name, false) ||
	    any_of(im, WEST_PATH_BLOCK, path, true);
	allowed = any_of(im, WEST_NAME_ALLOW, name, false) ||
	    any_of(im, WEST_PATH_ALLOW, path, true);
	if (blocked || allowed)
		return allowed;
	return im->nlist[WEST_NAME_ALLOW] == 0 &&
	    im->nlist[WEST_PATH_ALLOW] == 0;
}

bool
west_filter_allows(const struct west_filters *f, const char *name,
    const char *path)
{
	for (; f != NULL; f = f->up)
		if (!imap_allows(f->imap, name, path))
			return false;
	return true;
}
