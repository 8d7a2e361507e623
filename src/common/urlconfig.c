/*
 * One URL's view of git's configuration (urlconfig.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "compat.h"
#include "sanitize.h"
#include "urlconfig.h"
#include "urlmatch.h"
#include "xmalloc.h"

/* libgit2 1.8 writes these (and refuses a custom header named so). */
const char *const urlconfig_own_headers[] = {
	"User-Agent", "Host", "Accept", "Content-Type", "Transfer-Encoding",
	"Content-Length", NULL
};

/* HTTP's token characters (RFC 9110), which a header name is made of. */
#define TOKEN_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789!#$%&'*+-.^_`|~"

static int
say(char *err, size_t errlen, const char *key, const char *why)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	sanitize_str(&b, key);
	snprintf(err, errlen, "%s: %s", b.data, why);
	buf_release(&b);
	return -1;
}

/* "url.<base>.insteadof": the base, or NULL. */
static const char *
insteadof_base(const char *name, size_t *len)
{
	size_t n = strlen(name);

	if (n < 14 || strncmp(name, "url.", 4) != 0 ||
	    strcmp(name + n - 10, ".insteadof") != 0)
		return NULL;
	*len = n - 14;
	return name + 4;
}

static bool
same_base(const char *name, const char *base, size_t len)
{
	size_t n;
	const char *b = insteadof_base(name, &n);

	return b != NULL && n == len && strncmp(b, base, len) == 0;
}

/*
 * git groups the rules by base, in the order each base first appears,
 * and takes the first longest prefix: a later base wins only with a
 * strictly longer one.  An empty insteadOf is a prefix of every URL.
 */
static int
rewrite(struct urlconfig *uc, const char *url, const struct cfg_list *l,
    char *err, size_t errlen)
{
	const char *base, *best_base = NULL, *v;
	size_t i, j, k, blen, best_blen = 0, best_len = 0;
	bool seen;

	for (i = 0; i < l->n; i++)
		if (insteadof_base(l->v[i].name, &blen) != NULL &&
		    l->v[i].value == NULL)
			return say(err, errlen, l->v[i].name, "missing value");
	for (i = 0; i < l->n; i++) {
		if ((base = insteadof_base(l->v[i].name, &blen)) == NULL)
			continue;
		for (seen = false, j = 0; j < i && !seen; j++)
			seen = same_base(l->v[j].name, base, blen);
		if (seen)
			continue;	/* done with the base's first entry */
		for (k = i; k < l->n; k++) {
			if (!same_base(l->v[k].name, base, blen))
				continue;
			v = l->v[k].value;
			if (strncmp(url, v, strlen(v)) == 0 &&
			    (best_base == NULL || strlen(v) > best_len)) {
				best_base = base;
				best_blen = blen;
				best_len = strlen(v);
			}
		}
	}
	uc->url = best_base == NULL ? xstrdup(url) : xasprintf("%.*s%s",
	    (int)best_blen, best_base, url + best_len);
	return 0;
}

enum { KEY_PROXY, KEY_HEADER, KEY_CAINFO, NKEYS };
static const char *const keys[NKEYS] = { "proxy", "extraheader",
	"sslcainfo" };

struct collect {
	struct urlconfig	*uc;
	struct urlmatch_fit	 best[NKEYS];
	bool			 seen[NKEYS];
	const char		**header_keys;	/* whose header, for messages */
};

static char *
pathname(const char *v)
{
	const char *home = getenv("HOME");

	if (strncmp(v, "~/", 2) == 0 && home != NULL)
		return xasprintf("%s/%s", home, v + 2);
	return xstrdup(v);
}

/* A header can hold a token: gone from memory, not just freed. */
static void
drop_headers(struct urlconfig *uc)
{
	char *h;

	while (uc->nheaders > 0) {
		h = uc->headers[--uc->nheaders];
		compat_wipe(h, strlen(h));
		free(h);
	}
}

static int
apply(struct collect *c, int key, const struct cfg_entry *e, char *err,
    size_t errlen)
{
	struct urlconfig *uc = c->uc;

	if (e->value == NULL)
		return say(err, errlen, e->name, "missing value");
	switch (key) {
	case KEY_PROXY:
		free(uc->proxy);
		uc->proxy = xstrdup(e->value);
		break;
	case KEY_CAINFO:
		free(uc->cainfo);
		uc->cainfo = *e->value != '\0' ? pathname(e->value) : NULL;
		break;
	default:
		/* an empty one resets the list */
		if (*e->value == '\0') {
			drop_headers(uc);
			break;
		}
		uc->headers = xreallocarray(uc->headers, uc->nheaders + 1,
		    sizeof(*uc->headers));
		c->header_keys = xreallocarray(c->header_keys, uc->nheaders + 1,
		    sizeof(*c->header_keys));
		c->header_keys[uc->nheaders] = e->name;
		uc->headers[uc->nheaders++] = xstrdup(e->value);
		break;
	}
	return 0;
}

/* One http.* entry: does it fit the URL at least as well as the best? */
static int
consider(struct collect *c, const struct urlmatch_url *url,
    const struct cfg_entry *e, char *err, size_t errlen)
{
	struct urlmatch_fit fit = { 0, 0, false };
	struct urlmatch_url pat;
	const char *rest = e->name + 5, *dot = strrchr(rest, '.'), *var;
	char *section;
	int key, ok;

	var = dot != NULL ? dot + 1 : rest;
	for (key = 0; key < NKEYS && strcmp(var, keys[key]) != 0; key++)
		;
	if (key == NKEYS)
		return 0;
	if (dot != NULL) {
		section = xstrndup(rest, (size_t)(dot - rest));
		ok = url != NULL && urlmatch_parse(&pat, section, true) == 0;
		free(section);
		if (!ok)
			return 0;	/* not a URL git can match: skipped */
		ok = urlmatch_match(url, &pat, &fit);
		urlmatch_release(&pat);
		if (!ok)
			return 0;
	}
	if (c->seen[key] && urlmatch_cmp(&fit, &c->best[key]) < 0)
		return 0;
	c->seen[key] = true;
	c->best[key] = fit;
	return apply(c, key, e, err, errlen);
}

static bool
own_header(const char *name, size_t n)
{
	size_t i;

	/* libgit2 compares only the name's length: "Ho:" is "Host" to it. */
	for (i = 0; urlconfig_own_headers[i] != NULL; i++)
		if (n <= strlen(urlconfig_own_headers[i]) &&
		    strncasecmp(urlconfig_own_headers[i], name, n) == 0)
			return true;
	return false;
}

static int
check_headers(const struct collect *c, char *err, size_t errlen)
{
	const struct urlconfig *uc = c->uc;
	const char *h, *colon;
	char why[200];
	size_t i, n;

	for (i = 0; i < uc->nheaders; i++) {
		h = uc->headers[i];
		colon = strchr(h, ':');
		n = colon != NULL ? (size_t)(colon - h) : 0;
		if (strpbrk(h, "\r\n") != NULL || n == 0 ||
		    strspn(h, TOKEN_CHARS) != n)
			return say(err, errlen, c->header_keys[i], "not a "
			    "header libgit2 can send (it must be 'Name: value' "
			    "on one line)");
		if (own_header(h, n)) {
			snprintf(why, sizeof(why), "'%.*s' is a header libgit2 "
			    "writes itself, so it is not sent from "
			    "http.extraHeader", (int)n, h);
			return say(err, errlen, c->header_keys[i], why);
		}
	}
	return 0;
}

static bool
is_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

int
urlconfig_resolve(struct urlconfig *uc, const char *url,
    const struct cfg_list *l, char *err, size_t errlen)
{
	struct collect c;
	struct urlmatch_url u;
	bool parsed = false;
	size_t i;
	int rc = -1;

	memset(uc, 0, sizeof(*uc));
	memset(&c, 0, sizeof(c));
	c.uc = uc;
	if (rewrite(uc, url, l, err, errlen) == -1)
		goto out;
	if (!is_http(uc->url)) {
		rc = 0;		/* http.* is for git's http transport only */
		goto out;
	}
	parsed = urlmatch_parse(&u, uc->url, false) == 0;
	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i].name, "http.", 5) == 0 &&
		    consider(&c, parsed ? &u : NULL, &l->v[i], err,
		    errlen) == -1)
			goto out;
	rc = check_headers(&c, err, errlen);
out:
	if (parsed)
		urlmatch_release(&u);
	free(c.header_keys);
	if (rc == -1)
		urlconfig_release(uc);
	return rc;
}

void
urlconfig_release(struct urlconfig *uc)
{
	if (uc == NULL)
		return;
	free(uc->url);
	free(uc->proxy);
	free(uc->cainfo);
	drop_headers(uc);
	free(uc->headers);
	memset(uc, 0, sizeof(*uc));
}
