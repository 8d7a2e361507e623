#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicase.h>
#include <uninorm.h>

#include "path.h"
#include "sanitize.h"
#include "xmalloc.h"

/*
 * Code points HFS+ ignores when it compares names: ".g\u200cit" is ".git"
 * there.  Their length at c, or 0.
 */
static size_t
hfs_ignorable(const unsigned char *c, size_t len)
{
	if (len >= 3 && c[0] == 0xe2 && c[1] == 0x80 &&
	    ((c[2] >= 0x8c && c[2] <= 0x8f) || (c[2] >= 0xaa && c[2] <= 0xae)))
		return 3;		/* U+200C-U+200F, U+202A-U+202E */
	if (len >= 3 && c[0] == 0xe2 && c[1] == 0x81 && c[2] >= 0xaa &&
	    c[2] <= 0xaf)
		return 3;		/* U+206A-U+206F */
	if (len >= 3 && c[0] == 0xef && c[1] == 0xbb && c[2] == 0xbf)
		return 3;		/* U+FEFF */
	return 0;
}

/*
 * ".git" in any case, and every name NTFS or HFS+ resolves to it: with
 * trailing dots or spaces (".git. "), an alternate data stream
 * (".git::$INDEX_ALLOCATION"), a short name ("GIT~1", "git~2"), or HFS+
 * ignorable code points inside.  libgit2 refuses these in trees; a
 * manifest must not be able to name them either (git-repo checks
 * lower-cased paths too).
 */
static bool
is_dotgit(const char *c, size_t len)
{
	char name[PATH_MAX_COMPONENT + 1];
	size_t i, n = 0, skip;

	for (i = 0; i < len && n < sizeof(name) - 1;) {
		if ((skip = hfs_ignorable((const unsigned char *)c + i,
		    len - i)) > 0) {
			i += skip;
			continue;
		}
		if (c[i] == ':')
			break;		/* NTFS: the stream's name follows */
		name[n++] = c[i++];
	}
	while (n > 0 && (name[n - 1] == '.' || name[n - 1] == ' '))
		n--;
	name[n] = '\0';
	if (strcasecmp(name, ".git") == 0)
		return true;
	return n >= 5 && strncasecmp(name, "git~", 4) == 0 &&
	    name[4] >= '1' && name[4] <= '9' &&
	    strspn(name + 5, "0123456789") == n - 5;
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
	const char *p, *c, *bad;
	size_t len = strlen(path);

	if (len == 0) {
		snprintf(err, errlen, "path is empty");
		return -1;
	}
	if (len > PATH_MAX_LEN) {
		snprintf(err, errlen, "path is longer than %d bytes", PATH_MAX_LEN);
		return -1;
	}
	if ((bad = sanitize_problem(path, len)) != NULL) {
		snprintf(err, errlen, "path contains %s", bad);
		return -1;
	}
	for (p = path; *p; p++) {
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
char *
path_fold(const char *path, bool casefold)
{
	const uint8_t *s = (const uint8_t *)path;
	size_t n = strlen(path), len = 0;
	uint8_t *r;
	char *out;

	r = casefold ? u8_casefold(s, n, NULL, UNINORM_NFC, NULL, &len) :
	    u8_normalize(UNINORM_NFC, s, n, NULL, &len);
	if (r == NULL)
		return xstrdup(path);	/* not UTF-8: only itself */
	out = xmalloc(len + 1);
	memcpy(out, r, len);
	out[len] = '\0';
	free(r);
	return out;
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

bool
path_is_yml(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}
