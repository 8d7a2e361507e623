/*
 * Authentication without prompts, in the worker: which credentials to
 * offer a server, each source at most once per connection, and the
 * decision on an SSH host key or TLS certificate libgit2 did not trust.
 *
 * SSH: the agent (SSH_AUTH_SOCK), --ssh-key, then the host's
 * IdentityFile keys of ssh_config, else ~/.ssh/id_ed25519, id_ecdsa and
 * id_rsa (IdentitiesOnly or IdentityAgent none: no agent); host keys
 * against UserKnownHostsFile, else ~/.ssh/known_hosts.  HTTP(S): the URL's own user and password, then
 * (https only, unless --allow-http-auth) a token from GITHERD_TOKEN_<HOST>
 * or GITHERD_TOKEN, ~/.netrc, then `git credential fill` if asked for.
 * Nothing goes to a server a redirect led to (netstream.h).
 */
#ifndef GITHERD_AUTH_H
#define GITHERD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

struct sshconfig_host;

/* Set from the command line; fixed for the life of a worker. */
struct auth_config {
	const char	*ssh_key;		/* --ssh-key, or NULL */
	bool		 accept_new_host_keys;
	bool		 credential_helper;	/* may run `git credential` */
	bool		 allow_http_auth;	/* tokens over plain http too */
	bool		 follow_redirects;	/* to another server */
	const char	*ssh_config;		/* -F, GITHERD_SSH_CONFIG */
};

/* Where one connection is in the list of sources; zeroed per connection. */
struct auth_state {
	const char	*owner_url;		/* the entry's or submodule's */
	const struct sshconfig_host *ssh;	/* its ssh_config, or NULL */
	unsigned	 ssh_step, http_step;
	bool		 asked_username;
	char		 tried[600];		/* "agent, ~/.ssh/id_rsa" */
	char		 missing[600];		/* IdentityFile keys not there */
	char		 why[1200];		/* our verdict, when we gave up */
	bool		 host_key_failed;
};

#endif
