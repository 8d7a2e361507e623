#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "gitorigin.h"
#include "xmalloc.h"

#define CONFIG_MAX	(1u << 20)

static int
slurp(const char *file, struct buf *out)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;

	if (fd == -1)
		return -1;
	rc = fs_read_fd(fd, CONFIG_MAX, out);
	close(fd);
	return rc;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r", e[-1]) != NULL)
		*--e = '\0';
	return s;
}

/* A value as git writes it: maybe quoted, with \" and \\ escapes. */
static char *
value_of(char *v)
{
	struct buf b = BUF_INIT;
	bool q = false;

	buf_init(&b);
	for (v = trim(v); *v != '\0'; v++) {
		if (*v == '"')
			q = !q;
		else if (*v == '\\' && v[1] != '\0')
			buf_addch(&b, *++v);
		else if (!q && (*v == '#' || *v == ';'))
			break;
		else
			buf_addch(&b, *v);
	}
	return buf_detach(&b);
}

/* remote.origin.url of one config text, or NULL. */
static char *
origin_of(char *text)
{
	char *line, *save = NULL, *eq, *key, *url = NULL;
	bool in = false;

	for (line = strtok_r(text, "\n", &save); line != NULL && url == NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line = trim(line);
		if (line[0] == '[') {
			in = strncasecmp(line, "[remote", 7) == 0 &&
			    strcmp(trim(line + 7), "\"origin\"]") == 0;
			continue;
		}
		if (!in || (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		key = trim(line);
		if (strcasecmp(key, "url") == 0)
			url = value_of(eq + 1);
	}
	return url;
}

/* The git directory of the checkout at dir ("dir/.git" or its gitdir:). */
static char *
git_dir(const char *dir)
{
	char *dotgit = xasprintf("%s/.git", dir), *g;
	struct buf b = BUF_INIT;
	struct stat st;

	if (stat(dotgit, &st) == -1)
		goto none;
	if (S_ISDIR(st.st_mode))
		return dotgit;
	buf_init(&b);
	if (!S_ISREG(st.st_mode) || slurp(dotgit, &b) == -1 || b.len < 8 ||
	    strncmp(b.data, "gitdir: ", 8) != 0) {
		buf_release(&b);
		goto none;
	}
	g = trim(b.data + 8);
	g[strcspn(g, "\n")] = '\0';
	g = g[0] == '/' ? xstrdup(g) : xasprintf("%s/%s", dir, g);
	buf_release(&b);
	free(dotgit);
	return g;
none:
	free(dotgit);
	return NULL;
}

static char *
config_url(const char *gitdir)
{
	char *file = xasprintf("%s/config", gitdir), *url = NULL, *common;
	struct buf b = BUF_INIT;

	buf_init(&b);
	if (slurp(file, &b) == 0 && b.data != NULL)
		url = origin_of(b.data);
	buf_reset(&b);
	free(file);
	/* a worktree's config is its common directory's */
	common = xasprintf("%s/commondir", gitdir);
	if (url == NULL && slurp(common, &b) == 0 && b.data != NULL) {
		char *c = trim(b.data), *dir;

		c[strcspn(c, "\n")] = '\0';
		dir = c[0] == '/' ? xstrdup(c) : xasprintf("%s/%s", gitdir, c);
		file = xasprintf("%s/config", dir);
		buf_reset(&b);
		if (slurp(file, &b) == 0 && b.data != NULL)
			url = origin_of(b.data);
		free(file);
		free(dir);
	}
	free(common);
	buf_release(&b);
	return url;
}

char *
gitorigin_url(const char *file, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash, *gd, *url;

	if (realpath(file, real) == NULL) {
		snprintf(err, errlen, "cannot find %s: %s", file,
		    strerror(errno));
		return NULL;
	}
	while ((slash = strrchr(real, '/')) != NULL) {
		*(slash == real ? slash + 1 : slash) = '\0';
		if ((gd = git_dir(real)) != NULL) {
			url = config_url(gd);
			free(gd);
			if (url == NULL || *url == '\0') {
				free(url);
				snprintf(err, errlen, "the git checkout %s has "
				    "no remote.origin.url", real);
				return NULL;
			}
			return url;
		}
		if (slash == real)
			break;
	}
	snprintf(err, errlen, "%s is in no git checkout", file);
	return NULL;
}
