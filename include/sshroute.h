/*
 * Where a connection to an ssh URL really goes: the URL's host may be an
 * alias of ssh_config (sshconfig.h), "github.com-work:org/x" for
 * "git@github.com:org/x" with another key.  The worker resolves the URL
 * of the entry (or submodule) that owns its connections, after git's
 * insteadOf, and libgit2 connects to the URL rewritten here, for that
 * connection only: remote.origin.url keeps the manifest's, as
 * `git clone github.com-work:org/x` keeps it.  The URL's own user and
 * port win over User and Port, as on ssh's command line.  Pure.
 */
#ifndef GITHERD_SSHROUTE_H
#define GITHERD_SSHROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "sshconfig.h"

struct sshroute {
	bool			 ssh;		/* the URL is an ssh URL */
	bool			 resolved;	/* host is filled */
	struct sshconfig_host	 host;
	char			 why[1024];	/* the refusal, if any */
};

void	sshroute_init(struct sshroute *);
void	sshroute_release(struct sshroute *);	/* and init again */
/*
 * The route for url, from config_file (-F, GITHERD_SSH_CONFIG; NULL: the
 * user's and the system's): 0, also for a URL that is not ssh; -1 with
 * r->why when the configuration refuses it (naming file:line).
 */
int	sshroute_set(struct sshroute *r, const char *url,
	    const char *config_file);
/* The host's settings (auth.c), or NULL when the URL is not ssh. */
const struct sshconfig_host *sshroute_host(const struct sshroute *);
/*
 * url as libgit2 must connect to it: HostName, the port and the user in
 * place of the alias, in the same form (the path the server gets is the
 * same).  NULL when url needs no change: no ssh_config applied, or it
 * names another host (one rewritten already).
 */
char	*sshroute_rewrite(const struct sshroute *, const char *url);
/*
 * For an error: "ssh config: github.com-work is git@127.0.0.1:2222
 * (file:line)", or "" when the configuration changed nothing.
 */
void	sshroute_note(const struct sshroute *, char *out, size_t len);

#endif
