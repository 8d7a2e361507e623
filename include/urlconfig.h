/*
 * What git's configuration says about one remote URL, from its entries in
 * the order git reads them (gitenv.h): the URL after url.<base>.insteadOf
 * (the longest matching prefix; of equal ones, the base named first),
 * and for http(s) URLs after that rewrite the http.<url>.* keys githerd
 * follows, each by git's rule (urlmatch.h): an entry fitting the URL
 * worse than one already seen for the same key is skipped, the others
 * apply in order.  http.proxy and http.sslCAInfo keep the last,
 * http.extraHeader adds one header per entry and an empty one clears the
 * list.  Pure; no value is ever put in a message (a header or a URL can
 * carry a token).
 */
#ifndef GITHERD_URLCONFIG_H
#define GITHERD_URLCONFIG_H

#include <stddef.h>

#include "gitenv.h"

struct urlconfig {
	char	*url;		/* after insteadOf */
	char	*proxy;		/* http.proxy: NULL unset, "" none */
	char	*cainfo;	/* http.sslCAInfo, "~/" expanded; NULL unset */
	char	**headers;	/* http.extraHeader, each "Name: value" */
	size_t	 nheaders;
};

/*
 * 0, or -1 with err naming the key git would refuse (one without its
 * value) or a header libgit2 will not send: one that is not "Name:
 * value" on one line, or that names a header libgit2 writes itself.
 */
int	urlconfig_resolve(struct urlconfig *, const char *url,
	    const struct cfg_list *entries, char *err, size_t errlen);
void	urlconfig_release(struct urlconfig *);
/* The headers libgit2 writes itself, refused in http.extraHeader. */
extern const char *const urlconfig_own_headers[];

#endif
