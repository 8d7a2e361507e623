/*
 * Which http.<url>.* section of git's configuration applies to a URL, by
 * the rules of git-config(1): the scheme, the host (a "*" matches one
 * dot-separated part), the port (the scheme's default when none is
 * given) must be the same, the section's path must be a prefix of the
 * URL's ending at a '/', and a user name in the section must be the
 * URL's.  Both are compared normalised, as git does: scheme and host in
 * lower case, default ports dropped, percent escapes made canonical,
 * "." and ".." segments resolved.  Of two matching sections the one with
 * the longer host wins, then the longer path, then the one naming the
 * user.  Pure.
 */
#ifndef GITHERD_URLMATCH_H
#define GITHERD_URLMATCH_H

#include <stdbool.h>
#include <stddef.h>

struct urlmatch_url {
	char	*scheme;	/* lower case */
	char	*user;		/* NULL: none; "" an empty one */
	char	*host;		/* lower case ("" for file:) */
	char	*port;		/* "" for the scheme's default */
	char	*path;		/* starts with '/', no query or fragment */
};

/* How well a section fits a URL; the larger wins (urlmatch_cmp). */
struct urlmatch_fit {
	size_t	host;		/* length of the section's host */
	size_t	path;		/* of the matching path, its '/' counted */
	bool	user;		/* the section named the URL's user */
};

/*
 * url taken apart and normalised; pattern allows "*" in the host (a
 * section's URL).  0, or -1 when git would not take it as a URL.
 */
int	urlmatch_parse(struct urlmatch_url *, const char *url, bool pattern);
void	urlmatch_release(struct urlmatch_url *);
/* Does pattern's section apply to url?  With fit set when it does. */
bool	urlmatch_match(const struct urlmatch_url *url,
	    const struct urlmatch_url *pattern, struct urlmatch_fit *fit);
/* <0, 0, >0 as a fits worse than, as well as, better than b. */
int	urlmatch_cmp(const struct urlmatch_fit *a,
	    const struct urlmatch_fit *b);

#endif
