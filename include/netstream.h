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

#endif
