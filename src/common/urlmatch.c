/*
 * git's http.<url>.* matching (urlmatch.h), written from git-config(1)
 * and RFC 3986 section 6 (normalisation); the unit tests hold the cases
 * that `git config --get-urlmatch` decides on the machine's git.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"
#include "urlmatch.h"
#include "xmalloc.h"

#define ALNUM		"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
/* Never literal in a normalised URL: escaped wherever they appear. */
#define UNSAFE		" <>\"%{}|\\^`"
/* Delimiters: an escaped one stays escaped, a literal one stays literal. */
#define RESERVED	":/?#[]@!$&'()*+,;="

/*
 * s[0..n) with its percent escapes made canonical: what needs no escape
 * is decoded, what must not be literal is escaped, upper-case hex.
 */
static int
add_escaped(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool was_escaped = false;

		if (c == '%') {
			if (i + 2 >= n)
				return -1;	/* a '%' needs two hex digits */
			if (url_hex_digit(s[i + 1]) < 0 ||
			    url_hex_digit(s[i + 2]) < 0)
				return -1;
			c = (unsigned char)(url_hex_digit(s[i + 1]) * 16 +
			    url_hex_digit(s[i + 2]));
			i += 2;
			was_escaped = true;
		}
		if (c <= 0x1f || c >= 0x7f || strchr(UNSAFE, c) != NULL ||
		    (was_escaped && strchr(RESERVED, c) != NULL))
			buf_addf(b, "%%%02X", c);
		else
			buf_addch(b, (char)c);
	}
	return 0;
}

static char *
lower(const char *s, size_t n)
{
	char *out = xstrndup(s, n);
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

static int
parse_userinfo(struct urlmatch_url *u, const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	const char *colon;

	buf_init(&b);
	if (add_escaped(&b, s, n) == -1) {
		buf_release(&b);
		return -1;
	}
	colon = strchr(b.data, ':');
	u->user = colon != NULL ? xstrndup(b.data, (size_t)(colon - b.data)) :
	    xstrdup(b.data);
	buf_release(&b);
	return 0;
}

/* "" for the scheme's default; digits without leading zeros otherwise. */
static int
parse_port(struct urlmatch_url *u, const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n == 0 || (strcmp(u->scheme, "http") == 0 && n == 2 &&
	    strncmp(s, "80", 2) == 0) || (strcmp(u->scheme, "https") == 0 &&
	    n == 3 && strncmp(s, "443", 3) == 0)) {
		u->port = xstrdup("");
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || n > 5)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	u->port = xstrndup(s, n);
	return 0;
}

static int
parse_host(struct urlmatch_url *u, const char *s, size_t n, bool pattern)
{
	const char *colon = NULL, *p;
	size_t hlen;

	/* The port's colon: the last one, unless it is inside [v6]. */
	for (p = s + n; p > s; p--) {
		if (p[-1] == ']')
			break;
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	}
	hlen = colon != NULL ? (size_t)(colon - s) : n;
	if (hlen == 0 && strcmp(u->scheme, "file") != 0)
		return -1;
	if (hlen > 0 && strspn(s, pattern ? ALNUM ".-_[:]*" : ALNUM ".-_[:]") <
	    hlen)
		return -1;
	if (strcmp(u->scheme, "file") == 0 && colon != NULL &&
	    colon + 1 < s + n)
		return -1;	/* no port for a file: URL */
	u->host = lower(s, hlen);
	if (colon == NULL) {
		u->port = xstrdup("");
		return 0;
	}
	return parse_port(u, colon + 1, (size_t)(s + n - colon - 1));
}

/* One segment of a path: "." and ".." (escaped or not) resolve. */
static int
add_segment(struct buf *path, const char *s, size_t n, bool *dir)
{
	struct buf seg = BUF_INIT;
	char *slash;
	int rc = 0;

	buf_init(&seg);
	if (add_escaped(&seg, s, n) == -1) {
		rc = -1;
	} else if (strcmp(seg.data, ".") == 0) {
		*dir = true;
	} else if (strcmp(seg.data, "..") == 0) {
		if (path->len <= 1)
			rc = -1;	/* above the root */
		else {
			buf_truncate(path, path->len - 1);
			slash = strrchr(path->data, '/');
			buf_truncate(path, (size_t)(slash - path->data) + 1);
			*dir = true;
		}
	} else {
		buf_add(path, seg.data, seg.len);
		buf_addch(path, '/');
		*dir = false;
	}
	buf_release(&seg);
	return rc;
}

/*
 * The path, from its leading '/' (added when missing) up to a query or
 * fragment.  Segments are kept with a '/' after each, which the last one
 * loses unless the path ended with '/', "." or "..".
 */
static int
parse_path(struct urlmatch_url *u, const char *s)
{
	struct buf path = BUF_INIT;
	size_t n = strcspn(s, "?#"), seg;
	bool dir = true, trailing;

	buf_init(&path);
	buf_addch(&path, '/');
	if (n > 0 && *s == '/') {
		s++;
		n--;
	}
	trailing = n == 0 || s[n - 1] == '/';
	while (n > 0) {
		seg = strcspn(s, "/");
		if (seg > n)
			seg = n;
		if (add_segment(&path, s, seg, &dir) == -1) {
			buf_release(&path);
			return -1;
		}
		s += seg;
		n -= seg;
		if (n > 0) {	/* the '/' */
			s++;
			n--;
			trailing = n == 0;
		}
	}
	if (!trailing && !dir && path.len > 1)
		buf_truncate(&path, path.len - 1);
	u->path = buf_detach(&path);
	return 0;
}

int
urlmatch_parse(struct urlmatch_url *u, const char *url, bool pattern)
{
	size_t n = strspn(url, ALNUM "+.-");
	const char *p, *end, *at;

	memset(u, 0, sizeof(*u));
	if (n == 0 || !isalpha((unsigned char)url[0]) ||
	    strncmp(url + n, "://", 3) != 0)
		return -1;
	u->scheme = lower(url, n);
	p = url + n + 3;
	end = p + strcspn(p, "/?#");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
		if (parse_userinfo(u, p, (size_t)(at - p)) == -1)
			goto fail;
		p = at + 1;
	}
	if (parse_host(u, p, (size_t)(end - p), pattern) == -1 ||
	    parse_path(u, end) == -1)
		goto fail;
	return 0;
fail:
	urlmatch_release(u);
	return -1;
}

void
urlmatch_release(struct urlmatch_url *u)
{
	if (u == NULL)
		return;
	free(u->scheme);
	free(u->user);
	free(u->host);
	free(u->port);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

/* Dot-separated parts, each the same or "*" in the pattern. */
static bool
host_matches(const char *host, const char *pat)
{
	size_t h, p;

	for (;;) {
		h = strcspn(host, ".");
		p = strcspn(pat, ".");
		if (!(p == 1 && pat[0] == '*') &&
		    (h != p || strncmp(host, pat, h) != 0))
			return false;
		host += h;
		pat += p;
		if (*host == '\0' || *pat == '\0')
			return *host == '\0' && *pat == '\0';
		host++;
		pat++;
	}
}

/* The length of the match, its final '/' counted even if implicit; 0 none. */
static size_t
path_match(const char *path, const char *pat)
{
	size_t n = strlen(pat);

	if (n <= 1)
		return 1;	/* "/" is every path's prefix */
	if (pat[n - 1] == '/')
		n--;
	if (strncmp(path, pat, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return 0;
	return n + 1;
}

bool
urlmatch_match(const struct urlmatch_url *url, const struct urlmatch_url *pat,
    struct urlmatch_fit *fit)
{
	size_t path;

	if (strcmp(url->scheme, pat->scheme) != 0)
		return false;
	if (pat->user != NULL && (url->user == NULL ||
	    strcmp(url->user, pat->user) != 0))
		return false;
	if (!host_matches(url->host, pat->host) ||
	    strcmp(url->port, pat->port) != 0)
		return false;
	if ((path = path_match(url->path, pat->path)) == 0)
		return false;
	fit->host = strlen(pat->host);
	fit->path = path;
	fit->user = pat->user != NULL;
	return true;
}

int
urlmatch_cmp(const struct urlmatch_fit *a, const struct urlmatch_fit *b)
{
	if (a->host != b->host)
		return a->host < b->host ? -1 : 1;
	if (a->path != b->path)
		return a->path < b->path ? -1 : 1;
	if (a->user != b->user)
		return a->user ? 1 : -1;
	return 0;
}
