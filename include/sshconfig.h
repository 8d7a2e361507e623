/*
 * ssh_config(5), the part githerd can honour, for one host: what OpenSSH
 * would obtain for it.  Files are read and evaluated in one pass, as ssh
 * does: keywords in any case, "Key value" or "Key=value", arguments in
 * double or single quotes, '#' comments; Host blocks with '*', '?' and
 * '!' patterns (sshpattern.h); for each setting the first value obtained
 * wins, IdentityFile adds up; Include (with '~' and globs, relative to
 * ~/.ssh, or /etc/ssh in the system's file) and nesting up to 16 deep.
 *
 * Every keyword is one of four kinds (the table in sshkeyword.c):
 *
 * - used: HostName (%h, %%), User, Port, IdentityFile (~, %d %h %i %l %n
 *   %p %r %u %%), IdentitiesOnly, UserKnownHostsFile (the same, or
 *   none), StrictHostKeyChecking, IdentityAgent none|SSH_AUTH_SOCK,
 *   IgnoreUnknown;
 * - ignored: what cannot change where githerd connects, as whom, or
 *   which keys it trusts (ServerAliveInterval, Compression,
 *   ForwardAgent, AddKeysToAgent, UseKeychain, ControlMaster, ...);
 * - refused: what would (ProxyJump, ProxyCommand, HostKeyAlias,
 *   CertificateFile, BindAddress, Ciphers and the other algorithm lists
 *   unless they only add with '+' or '^', ...), unless set to the value
 *   that changes nothing (ProxyJump none): resolving fails, naming the
 *   directive and file:line, rather than connect another way;
 * - unknown: fails the same way, unless IgnoreUnknown names it.
 *
 * A Match block is not evaluated: it fails the host only when it could
 * set something the host has not obtained yet.  Directives outside the
 * host's blocks are not looked at, but every line must still parse.
 * Files are capped (1 MiB, lines of 4096 bytes, no NUL byte, 256 files),
 * and, as ssh checks ~/.ssh/config, a file another user could write is
 * refused (the one given with -F excepted, as ssh does).
 *
 * Pure but for reading the files: no network, no libgit2.
 */
#ifndef GITHERD_SSHCONFIG_H
#define GITHERD_SSHCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SSHCONFIG_SYSTEM_FILE	"/etc/ssh/ssh_config"

enum sshconfig_strict {
	SSHCONFIG_STRICT_UNSET,		/* githerd's own policy */
	SSHCONFIG_STRICT_YES,		/* yes, and ask: never prompted */
	SSHCONFIG_STRICT_ACCEPT_NEW,	/* accept-new, and no (see below) */
};

struct sshconfig_query {
	const char	*host;		/* as the URL names it (the alias) */
	const char	*user;		/* the URL's, or NULL */
	int		 port;		/* the URL's, or 0 */
	/*
	 * The one file to read (-F, GITHERD_SSH_CONFIG), "none" for none;
	 * NULL: home's .ssh/config, then system_file, both optional.
	 */
	const char	*file;
	const char	*system_file;	/* NULL: SSHCONFIG_SYSTEM_FILE */
	const char	*home;		/* '~' and %d; NULL: sshconfig_home() */
	const char	*local_user;	/* %u; NULL: the current user's name */
};

struct sshconfig_host {
	char		*alias;		/* the query's host */
	char		*hostname;	/* HostName, or the alias */
	char		*user;		/* the URL's, else User; or NULL */
	int		 port;		/* the URL's, else Port, else 22 */
	char		**identities;	/* IdentityFile, expanded, in order */
	size_t		 nidentities;
	bool		 identities_only;
	bool		 no_agent;	/* IdentityAgent none */
	bool		 known_hosts_set;	/* UserKnownHostsFile given */
	char		**known_hosts;	/* expanded; none: zero of them */
	size_t		 nknown_hosts;
	/*
	 * StrictHostKeyChecking: "no" is taken as accept-new (githerd never
	 * connects to a server whose key changed), "ask" as yes.
	 */
	enum sshconfig_strict strict;
	bool		 applied;	/* some directive applied to the host */
	char		*where;		/* "file:line" of the first applied */
};

/*
 * What the files say for q->host: 0 with *out filled (release it), or -1
 * with "file:line: why" in err.  A missing default file is no error.
 */
int	sshconfig_resolve(const struct sshconfig_query *q,
	    struct sshconfig_host *out, char *err, size_t errlen);
void	sshconfig_host_release(struct sshconfig_host *);
/* $HOME, else the password database's home, else "/". */
const char *sshconfig_home(void);

#endif
