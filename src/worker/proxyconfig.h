/*
 * git's http.<url>.proxy and http.proxy for a URL.  Worker only (it
 * reads the configuration through libgit2).
 */
#ifndef GITHERD_PROXYCONFIG_H
#define GITHERD_PROXYCONFIG_H

/* The value ("" meaning no proxy), or NULL when the configuration has none. */
char	*proxyconfig_for(const char *url);

#endif
