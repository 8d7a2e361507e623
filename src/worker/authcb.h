/*
 * The libgit2 credential and certificate callbacks' decisions (auth.h
 * has the policy).  Worker only.
 */
#ifndef GITHERD_AUTHCB_H
#define GITHERD_AUTHCB_H

#include <git2.h>

#include "auth.h"

/* 0 with *out set, or -1 with st->why saying what was tried. */
int	auth_credentials(git_credential **out, const char *url,
	    const char *user_from_url, unsigned int allowed,
	    struct auth_state *st, const struct auth_config *cfg);
/*
 * The host key of host (HostName, as libgit2 connected to it) at port:
 * 0 to accept, -1 with st->why, GIT_PASSTHROUGH (libgit2's verdict) for
 * a key githerd cannot name.
 */
int	auth_host_key(const git_cert_hostkey *key, const char *host, int port,
	    struct auth_state *st, const struct auth_config *cfg);

#endif
