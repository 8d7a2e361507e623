#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sanitize.h"
#include "url.h"
#include "xmalloc.h"

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum url_scheme
url_scheme(const char *url)
{
	const char *colon, *slash, *sep;

	if (has_prefix(url, "https://"))
		return URL_HTTPS;
	if (has_prefix(url, "http://"))
		return URL_HTTP;
	if (has_prefix(url, "git://"))
		return URL_GIT;
	if (has_prefix(url, "ssh://") || has_prefix(url, "git+ssh://") ||
	    has_prefix(url, "ssh+git://"))
		return URL_SSH;
	if (has_prefix(url, "file://"))
		return URL_FILE;
	if ((sep = strstr(url, "://")) != NULL) {
		/* Only a scheme made of letters counts as a scheme. */
		const char *p;

		for (p = url; p < sep; p++)
			if (!isalnum((unsigned char)*p) && *p != '+' &&
			    *p != '-' && *p != '.')
				break;
		if (p == sep && sep > url)
			return URL_UNKNOWN;
	}
	/* git's rule: a colon before any slash makes it scp-like. */
	colon = strchr(url, ':');
	slash = strchr(url, '/');
	if (colon != NULL && colon > url && (slash == NULL || colon < slash))
		return URL_SCP;
	return URL_LOCAL;
}

const char *
url_scheme_name(enum url_scheme s)
{
	switch (s) {
	case URL_HTTPS:
		return "https";
	case URL_HTTP:
		return "http";
	case URL_GIT:
		return "git";
	case URL_SSH:
	case URL_SCP:
		return "ssh";
	case URL_FILE:
		return "file";
	case URL_LOCAL:
		return "local path";
	default:
		return "unknown";
	}
}

/* Span of the authority ("user:pw@host:port") of a scheme:// URL. */
static void
authority(const char *url, const char **start, size_t *len)
{
	const char *a = strstr(url, "://"), *end;

	if (a == NULL) {
		*start = url;
		*len = 0;
		return;
	}
	a += 3;
	end = a + strcspn(a, "/?#");
	*start = a;
	*len = (size_t)(end - a);
}

/* Span of the userinfo, without the '@'; *len is 0 when there is none. */
static void
userinfo(const char *url, const char **start, size_t *len)
{
	const char *a, *at = NULL, *p;
	size_t alen;

	*start = url;
	*len = 0;
	if (url_scheme(url) == URL_SCP)
		return;		/* user@host: no password possible */
	authority(url, &a, &alen);
	for (p = a; p < a + alen; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return;
	*start = a;
	*len = (size_t)(at - a);
}

/*
 * The parts of a scp-like URL: "[user@]host:path", with a port (which
 * plain host:path cannot say) "[[user@]host:port]:path" as libgit2
 * reads it (or "user@[host:port]:path"), or "[user@][v6addr]:path".
 * Spans point into url; port is 0 when none is written.  -1 when a
 * bracket is not closed by "]:".
 */
struct scp {
	const char	*user, *host, *path;
	size_t		 userlen, hostlen;
	int		 port;
};

static int
scp_parts(const char *url, struct scp *p)
{
	const char *colon = strchr(url, ':'), *h, *at, *close, *c;
	bool inner = url[0] == '[';	/* "[user@host:port]:path" */

	memset(p, 0, sizeof(*p));
	h = url + inner;
	if ((at = memchr(h, '@', (size_t)(colon - h))) != NULL) {
		p->user = h;
		p->userlen = (size_t)(at - h);
		h = at + 1;
	}
	if (!inner && *h != '[') {
		p->host = h;
		p->hostlen = strcspn(h, ":");
		p->path = h + p->hostlen + 1;
		return 0;
	}
	if (!inner)
		h++;		/* "user@[host:port]:path" */
	if ((close = strchr(h, ']')) == NULL || close[1] != ':')
		return -1;
	p->host = h;
	p->hostlen = (size_t)(close - h);
	p->path = close + 2;
	/* One colon: host and port; more: an IPv6 address. */
	if ((c = memchr(h, ':', p->hostlen)) != NULL &&
	    memchr(c + 1, ':', (size_t)(close - c - 1)) == NULL) {
		p->hostlen = (size_t)(c - h);
		p->port = (int)strtol(c + 1, NULL, 10);
		if (c + 1 == close || strspn(c + 1, "0123456789") !=
		    (size_t)(close - c - 1) || p->port < 1 || p->port > 65535)
			return -1;
	}
	return 0;
}

/*
 * Take ":port" off the host span ("[::1]:8080" included) after checking it
 * is a port number: "ssh://h:-oX/" must not reach a command line.
 */
static int
split_port(const char *host, size_t *len, char *err, size_t errlen)
{
	const char *end = host + *len, *colon, *p;
	unsigned long port = 0;

	if (*len > 0 && *host == '[') {
		p = memchr(host, ']', *len);
		colon = p != NULL && p + 1 < end && p[1] == ':' ? p + 1 : NULL;
	} else
		colon = memchr(host, ':', *len);
	if (colon == NULL)
		return 0;
	for (p = colon + 1; p < end; p++) {
		if (*p < '0' || *p > '9' || port > 65535) {
			port = 65536;
			break;
		}
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (colon + 1 == end || port == 0 || port > 65535) {
		snprintf(err, errlen, "port in url must be a number from 1 to "
		    "65535, not '%.*s'", (int)(end - colon - 1), colon + 1);
		return -1;
	}
	*len = (size_t)(colon - host);
	return 0;
}

int
url_check(const char *url, bool allow_local, char *err, size_t errlen)
{
	const char *p, *host;
	size_t hostlen;
	enum url_scheme s;
	struct scp scp;

	if (*url == '\0') {
		snprintf(err, errlen, "empty url");
		return -1;
	}
	if (sanitize_problem(url, strlen(url)) != NULL ||
	    strchr(url, ' ') != NULL) {
		snprintf(err, errlen, "url contains a control character, a "
		    "space or invalid UTF-8");
		return -1;
	}
	if (*url == '-') {
		snprintf(err, errlen, "url must not start with '-'");
		return -1;
	}
	p = strstr(url, "::");
	if (p != NULL && p < url + strcspn(url, "/")) {
		snprintf(err, errlen, "'%.*s::' transports are not supported "
		    "(use https://, http://, git:// or ssh)", (int)(p - url),
		    url);
		return -1;
	}
	s = url_scheme(url);
	switch (s) {
	case URL_FILE:
	case URL_LOCAL:
		if (allow_local)
			return 0;
		snprintf(err, errlen, "'%s' is a local repository: githerd "
		    "clones from git://, http(s):// and ssh URLs only (see "
		    "--allow-local)", url);
		return -1;
	case URL_UNKNOWN:
		snprintf(err, errlen, "unsupported url scheme in '%s' (use "
		    "https://, http://, git://, ssh:// or host:path)", url);
		return -1;
	case URL_SCP:
		if (scp_parts(url, &scp) == -1) {
			snprintf(err, errlen, "'%s': a '[' must close with ']:' "
			    "after a host and port from 1 to 65535 (or an IPv6 "
			    "address)", url);
			return -1;
		}
		if (scp.user != NULL && *scp.user == '-') {
			snprintf(err, errlen, "user in url must not start with '-'");
			return -1;
		}
		host = scp.host;
		hostlen = scp.hostlen;
		break;
	default:
		authority(url, &host, &hostlen);
		if (memchr(host, '@', hostlen) != NULL && *host == '-') {
			snprintf(err, errlen, "user in url must not start with '-'");
			return -1;
		}
		for (p = host; p < host + hostlen; p++)
			if (*p == '@') {
				hostlen -= (size_t)(p + 1 - host);
				host = p + 1;
			}
		if (split_port(host, &hostlen, err, errlen) == -1)
			return -1;
		break;
	}
	if (hostlen == 0) {
		snprintf(err, errlen, "url '%s' has no host", url);
		return -1;
	}
	if (*host == '-') {
		snprintf(err, errlen, "host in url must not start with '-'");
		return -1;
	}
	if (s == URL_SCP && *scp.path == '-') {
		snprintf(err, errlen, "path in url must not start with '-'");
		return -1;
	}
	return 0;
}

bool
url_supports_shallow(const char *url)
{
	/* libgit2 1.8 aborts shallow fetches over git:// and ssh. */
	enum url_scheme s = url_scheme(url);

	return s == URL_HTTPS || s == URL_HTTP;
}

/*
 * Over http(s) the user name is as likely to be a token as a name, so the
 * whole userinfo goes; for other schemes only the password does.
 */
char *
url_redact(const char *url)
{
	const char *ui, *colon;
	size_t len;
	struct buf b = BUF_INIT;

	userinfo(url, &ui, &len);
	if (len == 0)
		return xstrdup(url);
	buf_init(&b);
	buf_add(&b, url, (size_t)(ui - url));
	colon = memchr(ui, ':', len);
	if (url_scheme(url) == URL_HTTPS || url_scheme(url) == URL_HTTP ||
	    colon == NULL) {
		if (url_scheme(url) == URL_HTTPS || url_scheme(url) == URL_HTTP)
			buf_addstr(&b, "***");
		else
			buf_add(&b, ui, len);
	} else {
		buf_add(&b, ui, (size_t)(colon - ui));
		buf_addstr(&b, ":***");
	}
	buf_addstr(&b, ui + len);
	return buf_detach(&b);
}

static void
replace_all(char *text, const char *secret, size_t slen)
{
	size_t rlen = slen < 3 ? slen : 3;
	char *needle, *p;

	if (slen == 0)
		return;
	/* The text only shrinks: "***" replaces secrets of 3+ bytes. */
	needle = xstrndup(secret, slen);
	for (p = text; (p = strstr(p, needle)) != NULL; p += rlen) {
		memset(p, '*', rlen);
		memmove(p + rlen, p + slen, strlen(p + slen) + 1);
	}
	free(needle);
}

/*
 * The url without what must not be stored in .git/config: over http(s)
 * the whole userinfo (a token is often the user name), otherwise the
 * password only (git@host stays).
 */
char *
url_strip_secrets(const char *url)
{
	const char *ui, *colon;
	size_t len;
	struct buf b = BUF_INIT;
	bool http = url_scheme(url) == URL_HTTPS || url_scheme(url) == URL_HTTP;

	userinfo(url, &ui, &len);
	if (len == 0)
		return xstrdup(url);
	colon = memchr(ui, ':', len);
	if (!http && colon == NULL)
		return xstrdup(url);
	buf_init(&b);
	buf_add(&b, url, (size_t)(ui - url));
	if (!http) {
		buf_add(&b, ui, (size_t)(colon - ui));
		buf_addch(&b, '@');
	}
	buf_addstr(&b, ui + len + 1);
	return buf_detach(&b);
}

int
url_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode n bytes of s into out; -1 if they do not fit. */
static int
unescape(const char *s, size_t n, char *out, size_t len)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (o + 1 >= len)
			return -1;
		if (s[i] == '%' && i + 2 < n && (hi = url_hex_digit(s[i + 1])) >= 0 &&
		    (lo = url_hex_digit(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

int
url_credentials(const char *url, char *user, size_t userlen, char *pass,
    size_t passlen)
{
	const char *ui, *colon;
	size_t len, ulen;

	user[0] = pass[0] = '\0';
	userinfo(url, &ui, &len);
	if (len == 0)
		return -1;
	colon = memchr(ui, ':', len);
	ulen = colon != NULL ? (size_t)(colon - ui) : len;
	if (ulen == 0 || unescape(ui, ulen, user, userlen) == -1 ||
	    (colon != NULL && unescape(colon + 1, len - ulen - 1, pass,
	    passlen) == -1)) {
		user[0] = pass[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Replace every copy of the url's secrets in text, in place: the whole
 * userinfo, the password, and over http(s) a lone user name (a token).
 */
void
url_redact_text(char *text, const char *url)
{
	const char *ui, *colon;
	size_t len;
	bool http = url_scheme(url) == URL_HTTPS || url_scheme(url) == URL_HTTP;

	userinfo(url, &ui, &len);
	if (len == 0)
		return;
	colon = memchr(ui, ':', len);
	if (colon != NULL) {
		if (http)
			replace_all(text, ui, len);
		replace_all(text, colon + 1, len - (size_t)(colon + 1 - ui));
	} else if (http)
		replace_all(text, ui, len);
}

/*
 * git's rule for the directory name: the last path component, without a
 * trailing ".git" (kept for bare clones, as `git clone --bare` does).
 */
char *
url_default_path(const char *url, bool bare)
{
	const char *start, *end, *p;
	size_t len;
	char *name;

	if (url_scheme(url) == URL_SCP)
		start = strchr(url, ':') + 1;
	else if ((p = strstr(url, "://")) != NULL) {
		start = p + 3;
		start += strcspn(start, "/");
	} else
		start = url;
	end = start + strcspn(start, "?#");
	while (end > start && end[-1] == '/')
		end--;
	for (p = end; p > start && p[-1] != '/' && p[-1] != ':'; p--)
		;
	len = (size_t)(end - p);
	if (len >= 4 && strncmp(end - 4, ".git", 4) == 0) {
		if (len == 4)
			return NULL;
		if (!bare)
			len -= 4;
	} else if (bare) {
		name = xasprintf("%.*s.git", (int)len, p);
		goto check;
	}
	name = xstrndup(p, len);
check:
	if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		free(name);
		return NULL;
	}
	return name;
}

static int
default_port(enum url_scheme s)
{
	switch (s) {
	case URL_HTTPS:
		return 443;
	case URL_HTTP:
		return 80;
	case URL_GIT:
		return 9418;
	default:
		return 22;
	}
}

static void
add_lower(struct buf *b, const char *s, size_t n)
{
	for (; n > 0; n--, s++)
		buf_addch(b, (char)tolower((unsigned char)*s));
}

/*
 * A form of url for comparing two names of one repository: scheme and
 * host in lower case, no user or password, no default port, scp-like
 * "host:path" as ssh://host/path, no trailing "/" or ".git".  Paths keep
 * their case: servers may tell them apart.
 */
char *
url_normalize(const char *url)
{
	struct buf b = BUF_INIT, lower = BUF_INIT;
	enum url_scheme s;
	const char *auth, *host, *hend, *path, *colon, *at;
	struct scp scp;
	int port = -1;

	/* The scheme's case does not matter; classify it in lower case. */
	buf_init(&lower);
	if ((auth = strstr(url, "://")) != NULL) {
		add_lower(&lower, url, (size_t)(auth - url));
		buf_addstr(&lower, auth);
	} else
		buf_addstr(&lower, url);
	s = url_scheme(lower.data);
	buf_release(&lower);
	if (s == URL_SCP) {
		if (scp_parts(url, &scp) == -1)
			return xstrdup(url);	/* refused by url_check */
		host = scp.host;
		hend = host + scp.hostlen;
		path = scp.path;
		port = scp.port > 0 ? scp.port : -1;
	} else if ((auth = strstr(url, "://")) != NULL) {
		auth += 3;
		hend = auth + strcspn(auth, "/?#");
		host = auth;
		for (at = auth; at < hend; at++)
			if (*at == '@')
				host = at + 1;
		path = hend;
		colon = memchr(host, ':', (size_t)(hend - host));
		if (colon != NULL) {
			port = atoi(colon + 1);
			hend = colon;
		}
	} else
		return xstrdup(url);	/* a local path: compared as it is */
	buf_init(&b);
	if (s == URL_SCP || s == URL_SSH)
		buf_addstr(&b, "ssh");
	else
		add_lower(&b, url, (size_t)(strstr(url, "://") - url));
	buf_addstr(&b, "://");
	if (s == URL_SCP && memchr(host, ':', (size_t)(hend - host)) != NULL) {
		buf_addch(&b, '[');	/* an IPv6 address, as ssh:// writes it */
		add_lower(&b, host, (size_t)(hend - host));
		buf_addch(&b, ']');
	} else
		add_lower(&b, host, (size_t)(hend - host));
	if (port > 0 && port != default_port(s))
		buf_addf(&b, ":%d", port);
	if (*path != '/' && *path != '\0')
		buf_addch(&b, '/');
	buf_addstr(&b, path);
	while (b.len > 0 && b.data[b.len - 1] == '/')
		buf_truncate(&b, b.len - 1);
	if (b.len > 4 && strcmp(b.data + b.len - 4, ".git") == 0)
		buf_truncate(&b, b.len - 4);
	while (b.len > 0 && b.data[b.len - 1] == '/')
		buf_truncate(&b, b.len - 1);
	return buf_detach(&b);
}

/*
 * The server a URL talks to, for per-host limits: "host" or "host:port"
 * (the port only when it is not the scheme's default), in lower case;
 * "" for a local path.
 */
char *
url_host(const char *url)
{
	char *n = url_normalize(url), *h, *end, *host;

	if ((h = strstr(n, "://")) == NULL) {
		free(n);
		return xstrdup("");
	}
	h += 3;
	end = h + strcspn(h, "/");
	host = xstrndup(h, (size_t)(end - h));
	free(n);
	return host;
}

/* url_host() split: host (no brackets) and port (the scheme's default). */
void
url_host_port(const char *url, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	static const char *const defaults[] = {
		[URL_HTTPS] = "443", [URL_HTTP] = "80", [URL_GIT] = "9418",
		[URL_SSH] = "22", [URL_SCP] = "22",
	};
	enum url_scheme s = url_scheme(url);
	char *hp = url_host(url), *colon = NULL, *h = hp;

	if (hp[0] == '[' && (colon = strchr(hp, ']')) != NULL) {
		*colon++ = '\0';
		h = hp + 1;
		colon = *colon == ':' ? colon : NULL;
	} else
		colon = strrchr(hp, ':');
	if (colon != NULL)
		*colon++ = '\0';
	snprintf(host, hostlen, "%s", h);
	snprintf(port, portlen, "%s", colon != NULL ? colon :
	    s <= URL_SCP && defaults[s] != NULL ? defaults[s] : "");
	free(hp);
}

/* --- ssh URLs in parts -------------------------------------------------- */

static int
ssh_authority(const char *url, struct url_ssh *u)
{
	const char *a = strstr(url, "://") + 3, *end, *at = NULL, *p, *h;
	char user[512];
	size_t ulen;

	end = a + strcspn(a, "/");
	for (p = a; p < end; p++)
		if (*p == '@')
			at = p;
	if (at != NULL) {
		ulen = strcspn(a, ":@");	/* the password stays behind */
		if (unescape(a, ulen < (size_t)(at - a) ? ulen :
		    (size_t)(at - a), user, sizeof(user)) == -1)
			return -1;
		u->user = xstrdup(user);
	}
	h = at != NULL ? at + 1 : a;
	if (*h == '[') {
		if ((p = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		u->host = xstrndup(h + 1, (size_t)(p - h - 1));
		p++;
	} else {
		p = h + strcspn(h, ":/");
		u->host = xstrndup(h, (size_t)(p - h));
	}
	if (*p == ':') {
		u->port = atoi(p + 1);
		if (u->port < 1 || u->port > 65535)
			return -1;
	} else if (p != end)
		return -1;
	u->scheme = xstrndup(url, (size_t)(strstr(url, "://") - url));
	u->path = xstrdup(end);
	return 0;
}

int
url_ssh_split(const char *url, struct url_ssh *u)
{
	enum url_scheme s = url_scheme(url);
	struct scp p;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	if (s == URL_SSH)
		rc = ssh_authority(url, u);
	else if (s == URL_SCP && scp_parts(url, &p) == 0) {
		u->user = p.user ? xstrndup(p.user, p.userlen) : NULL;
		u->host = xstrndup(p.host, p.hostlen);
		u->port = p.port;
		u->path = xstrdup(p.path);
		rc = 0;
	}
	if (rc == 0 && u->host[0] == '\0')
		rc = -1;
	if (rc == -1)
		url_ssh_release(u);
	return rc;
}

/* Everything but what a URL's user name may carry as it is. */
static void
add_user_escaped(struct buf *b, const char *user)
{
	const unsigned char *p;

	for (p = (const unsigned char *)user; *p != '\0'; p++)
		if (isalnum(*p) || strchr("-._~", *p) != NULL)
			buf_addch(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
}

char *
url_ssh_join(const struct url_ssh *u)
{
	struct buf b = BUF_INIT;
	bool v6 = strchr(u->host, ':') != NULL;
	int port = u->port == 22 && u->scheme == NULL ? 0 : u->port;

	buf_init(&b);
	if (u->scheme == NULL) {
		if (v6 && port > 0) {
			buf_release(&b);
			return NULL;
		}
		/* libgit2 1.8 reads "user@[" as an IPv6 address: the user
		 * goes inside the brackets. */
		if (port > 0)
			buf_addf(&b, "[%s%s%s:%d]", u->user ? u->user : "",
			    u->user ? "@" : "", u->host, port);
		else
			buf_addf(&b, v6 ? "%s%s[%s]" : "%s%s%s", u->user ?
			    u->user : "", u->user ? "@" : "", u->host);
		buf_addf(&b, ":%s", u->path);
		return buf_detach(&b);
	}
	buf_addf(&b, "%s://", u->scheme);
	if (u->user != NULL) {
		add_user_escaped(&b, u->user);
		buf_addch(&b, '@');
	}
	buf_addf(&b, v6 ? "[%s]" : "%s", u->host);
	if (port > 0)
		buf_addf(&b, ":%d", port);
	buf_addstr(&b, u->path);
	return buf_detach(&b);
}

void
url_ssh_release(struct url_ssh *u)
{
	free(u->scheme);
	free(u->user);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}
