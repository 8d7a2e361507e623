/*
 * ~/.netrc, as curl and git read it: "machine HOST login USER password
 * PASS", a "default" entry for any other host, "macdef" blocks skipped.
 */
#ifndef GITHERD_NETRC_H
#define GITHERD_NETRC_H

#include <stddef.h>

/*
 * The login and password for host in text; 0 if found (either may be
 * empty), -1 if not.  The first matching machine wins over default.
 */
int	netrc_lookup(const char *text, const char *host, char *login,
	    size_t loginlen, char *password, size_t passlen);

#endif
