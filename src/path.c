#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "path.h"

/*
 * ".git" in any case, and the aliases NTFS/HFS resolve to it (git~1,
 * ".git." and ".git "): libgit2 refuses them in trees, and a manifest must
 * not be able to name them either (git-repo checks lower-cased paths too).
 */
static bool
is_dotgit(const char *c, size_t len)
{
	size_t n = len;

	while (n > 4 && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	if (n == 4 && strncasecmp(c, ".git", 4) == 0)
		return true;
	return len == 5 && strncasecmp(c, "git~1", 5) == 0;
}

static int
check_component(const char *path, const char *c, size_t len, char *err,
    size_t errlen)
{
	if (len == 0) {
		snprintf(err, errlen, "path '%s' has an empty component "
		    "(leading, trailing or doubled '/')", path);
		return -1;
	}
	if (len > PATH_MAX_COMPONENT) {
		snprintf(err, errlen, "path has a component longer than %d bytes",
		    PATH_MAX_COMPONENT);
		return -1;
	}
	if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.')) {
		snprintf(err, errlen, "path '%s' has a '%.*s' component: paths "
		    "must stay inside the workspace", path, (int)len, c);
		return -1;
	}
	if (is_dotgit(c, len)) {
		snprintf(err, errlen, "path '%s' has a '%.*s' component: githerd "
		    "never writes into a .git directory", path, (int)len, c);
		return -1;
	}
	if (c[0] == '-') {
		snprintf(err, errlen, "path '%s' has a component starting with "
		    "'-'", path);
		return -1;
	}
	if (len >= strlen(PATH_TMP_PREFIX) &&
	    strncasecmp(c, PATH_TMP_PREFIX, strlen(PATH_TMP_PREFIX)) == 0) {
		snprintf(err, errlen, "path '%s' has a component starting with "
		    "'%s', which githerd uses for clones in progress", path,
		    PATH_TMP_PREFIX);
		return -1;
	}
	return 0;
}

int
path_check(const char *path, char *err, size_t errlen)
{
	const char *p, *c;
	size_t len = strlen(path);

	if (len == 0) {
		snprintf(err, errlen, "path is empty");
		return -1;
	}
	if (len > PATH_MAX_LEN) {
		snprintf(err, errlen, "path is longer than %d bytes", PATH_MAX_LEN);
		return -1;
	}
	for (p = path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "path contains a control character");
			return -1;
		}
		if (*p == '\\') {
			snprintf(err, errlen, "path '%s' contains a backslash", path);
			return -1;
		}
	}
	if (path[0] == '/') {
		snprintf(err, errlen, "path '%s' is absolute: paths are relative "
		    "to the workspace", path);
		return -1;
	}
	for (c = path;; c = p + 1) {
		p = c + strcspn(c, "/");
		if (check_component(path, c, (size_t)(p - c), err, errlen) == -1)
			return -1;
		if (c == path && (size_t)(p - c) == strlen(PATH_STATE_DIR) &&
		    strncasecmp(c, PATH_STATE_DIR, (size_t)(p - c)) == 0) {
			snprintf(err, errlen, "path '%s' is inside githerd's own "
			    "'%s' directory", path, PATH_STATE_DIR);
			return -1;
		}
		if (*p == '\0')
			break;
	}
	return 0;
}

/* ASCII case folding: what a case-insensitive filesystem folds at least. */
int
path_casecmp(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

/* Is inner strictly below outer ("a" contains "a/b", not "ab")? */
bool
path_is_inside(const char *outer, const char *inner, bool fold)
{
	size_t n = strlen(outer);
	int differ;

	differ = fold ? strncasecmp(outer, inner, n) : strncmp(outer, inner, n);
	return !differ && inner[n] == '/';
}
