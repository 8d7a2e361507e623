/*
 * Which HTTP proxy a URL goes through.  libgit2 1.8 tunnels https through
 * a proxy (CONNECT) but talks to plain http servers directly even when it
 * writes proxy-style requests (libgit2 issue #5650), so githerd decides
 * once per job and both libgit2 and githerd's TCP stream follow.
 */
#ifndef GITHERD_PROXY_H
#define GITHERD_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * For http(s) URLs: config_proxy (git's http.<url>.proxy or http.proxy,
 * urlconfig.h) if set, "" meaning none; else
 * https_proxy/HTTPS_PROXY (https) or http_proxy/HTTP_PROXY (http) unless
 * no_proxy/NO_PROXY names the host.  NULL for none, and for git:// and
 * ssh, which never use one.  The result has a scheme ("http://...").
 */
char	*proxy_for(const char *url, const char *config_proxy);
/* no_proxy: "*", or hosts and domains (".example.org" or "example.org"). */
bool	proxy_bypassed(const char *no_proxy, const char *host);
/* "http://user:pw@proxy:3128/" -> host "proxy", port "3128" (default 1080). */
int	proxy_host_port(const char *proxy, char *host, size_t hostlen,
	    char *port, size_t portlen);

#endif
