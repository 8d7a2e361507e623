/*
 * The TCP stream libgit2 uses in githerd's workers: cancellable waits and
 * a look at plain-HTTP responses for Retry-After.
 */
#ifndef GITHERD_NETSTREAM_H
#define GITHERD_NETSTREAM_H

#include <signal.h>
#include <stdbool.h>

int	netstream_register(volatile sig_atomic_t *cancel, int connect_ms,
	    int io_ms);
int	netstream_take_retry_after(void);
/*
 * The server the job talks to from now on (host:port), and the proxy on
 * the way (NULL: none); with http_via_proxy the server is plain http and
 * its connections go to the proxy instead.  A connection to any other
 * server is a redirect: refused, unless follow, and remembered.
 */
void	netstream_server(const char *host, const char *port,
	    const char *proxy_host, const char *proxy_port, bool http_via_proxy,
	    bool follow);
/*
 * The server ("host:port") a redirect led to since netstream_server(),
 * or NULL; *refused says whether the connection was refused.
 */
const char *netstream_offsite(bool *refused);

#endif
