#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"
#include "url.h"
#include "xmalloc.h"

static const char *
env2(const char *lower, const char *upper)
{
	const char *v = getenv(lower);

	if (v == NULL || *v == '\0')
		v = getenv(upper);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Does one no_proxy entry (len bytes) cover host? */
static bool
entry_matches(const char *e, size_t len, const char *host)
{
	size_t hlen = strlen(host);

	if (len == 1 && e[0] == '*')
		return true;
	if (len > 0 && e[0] == '.') {
		e++;
		len--;
	}
	if (len == 0 || len > hlen)
		return false;
	if (strncasecmp(host + hlen - len, e, len) != 0)
		return false;
	return hlen == len || host[hlen - len - 1] == '.';
}

bool
proxy_bypassed(const char *list, const char *host)
{
	const char *p = list;
	size_t n;

	if (list == NULL)
		return false;
	while (*p) {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n > 0 && entry_matches(p, n, host))
			return true;
		p += n;
	}
	return false;
}

char *
proxy_for(const char *url, const char *config_proxy)
{
	enum url_scheme s = url_scheme(url);
	char host[256], port[16];
	const char *p;

	if (s != URL_HTTP && s != URL_HTTPS)
		return NULL;
	if (config_proxy != NULL && *config_proxy == '\0')
		return NULL;	/* "proxy =": none, whatever the environment */
	if (config_proxy != NULL)
		p = config_proxy;
	else {
		p = s == URL_HTTPS ? env2("https_proxy", "HTTPS_PROXY") :
		    env2("http_proxy", "HTTP_PROXY");
		if (p == NULL)
			return NULL;
		url_host_port(url, host, sizeof(host), port, sizeof(port));
		if (proxy_bypassed(env2("no_proxy", "NO_PROXY"), host))
			return NULL;
	}
	return strstr(p, "://") != NULL ? xstrdup(p) : xasprintf("http://%s",
	    p);
}

int
proxy_host_port(const char *proxy, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *h = strstr(proxy, "://"), *at, *end, *colon;
	size_t n;

	h = h != NULL ? h + 3 : proxy;
	end = h + strcspn(h, "/?#");
	if ((at = memchr(h, '@', (size_t)(end - h))) != NULL)
		h = at + 1;
	if (*h == '[') {
		if ((colon = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		n = (size_t)(colon - h - 1);
		snprintf(host, hostlen, "%.*s", (int)n, h + 1);
		colon = colon[1] == ':' ? colon + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		n = (size_t)((colon != NULL ? colon : end) - h);
		snprintf(host, hostlen, "%.*s", (int)n, h);
	}
	if (n == 0 || n >= hostlen)
		return -1;
	if (colon != NULL && colon + 1 < end) {
		n = (size_t)(end - colon - 1);
		if (n >= portlen || strspn(colon + 1, "0123456789") < n)
			return -1;
		snprintf(port, portlen, "%.*s", (int)n, colon + 1);
	} else
		snprintf(port, portlen, "1080");
	return 0;
}
