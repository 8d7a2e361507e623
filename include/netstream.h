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
 * For this job: connections to server_host:server_port (a plain-http
 * server) go to proxy_host:proxy_port instead.  NULLs: none.
 */
void	netstream_http_proxy(const char *server_host, const char *server_port,
	    const char *proxy_host, const char *proxy_port);

#endif
