/*
 * repo's <remote fetch>: a fetch URL may be relative ("..", "../mirror"),
 * resolved against the URL the manifest itself was cloned from, as repo
 * does (its urljoin: the base's last path component is dropped, then the
 * reference's "." and ".." components are applied).  Before joining,
 * both lose trailing slashes and an scp-like "user@host:path" becomes
 * ssh://user@host/path, as repo's normalize_url does.  Pure.
 */
#ifndef GITHERD_REPOURL_H
#define GITHERD_REPOURL_H

#include <stdbool.h>

/* Does fetch need a base (no "scheme:" and not scp-like)? */
bool	repourl_is_relative(const char *fetch);
/* fetch resolved against base (the manifest's URL); the caller frees it. */
char	*repourl_join(const char *base, const char *fetch);
/* The project's URL: fetch without trailing '/', then "/" name. */
char	*repourl_project(const char *fetch, const char *name);

#endif
