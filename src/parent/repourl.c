#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "repourl.h"
#include "xmalloc.h"

/* repo's normalize_url: no trailing '/', scp-like as ssh://. */
static char *
normalize(const char *url)
{
	size_t len = strlen(url), at, colon;

	while (len > 0 && url[len - 1] == '/')
		len--;
	at = strcspn(url, "/:@");
	if (url[at] == '@' && at > 0) {
		colon = at + 1 + strcspn(url + at + 1, "/:");
		if (url[colon] == ':' && colon > at + 1 && colon + 1 < len &&
		    url[colon + 1] != '/')
			return xasprintf("ssh://%.*s/%.*s", (int)colon, url,
			    (int)(len - colon - 1), url + colon + 1);
	}
	return xstrndup(url, len);
}

bool
repourl_is_relative(const char *fetch)
{
	char *n = normalize(fetch);
	size_t s = strcspn(n, ":/");
	bool rel = n[s] != ':';

	free(n);
	return rel;
}

/* RFC 3986's remove_dot_segments on path, appended to out. */
static void
remove_dots(struct buf *out, const char *path)
{
	size_t base = out->len, n, i;
	const char *seg;
	bool abs = path[0] == '/', last_dir = false;

	if (abs)
		buf_addch(out, '/');
	while (*path != '\0') {
		while (*path == '/')
			path++;
		seg = path;
		n = strcspn(seg, "/");
		path += n;
		last_dir = true;
		if (n == 1 && seg[0] == '.')
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			/* drop the last segment written, never the root */
			i = out->len;
			if (i > base + abs && out->data[i - 1] == '/')
				i--;
			while (i > base + abs && out->data[i - 1] != '/')
				i--;
			buf_truncate(out, i);
			continue;
		}
		if (n == 0)
			break;
		buf_add(out, seg, n);
		last_dir = *path == '/';
		if (last_dir)
			buf_addch(out, '/');
	}
	if (last_dir && out->len > base && out->data[out->len - 1] != '/')
		buf_addch(out, '/');
}

char *
repourl_join(const char *base, const char *fetch)
{
	char *b = normalize(base), *f = normalize(fetch), *path;
	const char *p, *slash;
	struct buf out = BUF_INIT;

	buf_init(&out);
	if (!repourl_is_relative(f)) {
		buf_addstr(&out, f);
		goto out;
	}
	/* scheme://authority stays; the rest is the base's path */
	p = strstr(b, "://");
	p = p != NULL ? p + 3 + strcspn(p + 3, "/") : b;
	buf_add(&out, b, (size_t)(p - b));
	if (f[0] == '/')
		path = xstrdup(f);
	else {
		slash = strrchr(p, '/');
		path = xasprintf("%.*s%s", slash ? (int)(slash - p + 1) : 0, p,
		    f);
	}
	remove_dots(&out, path);
	free(path);
out:
	free(b);
	free(f);
	return buf_detach(&out);
}

char *
repourl_project(const char *fetch, const char *name)
{
	size_t len = strlen(fetch);

	while (len > 0 && fetch[len - 1] == '/')
		len--;
	return xasprintf("%.*s/%s", (int)len, fetch, name);
}
