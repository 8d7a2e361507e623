/*
 * SSH host keys against an OpenSSH known_hosts file, through libssh2's
 * knownhost API (hashed entries and [host]:port included).  libgit2 only
 * says "invalid or unknown"; this tells unknown from changed, names the
 * fingerprint, and records a new key when the user opted in.  Worker only.
 */
#ifndef GITHERD_HOSTKEY_H
#define GITHERD_HOSTKEY_H

#include <stddef.h>

enum hostkey_verdict {
	HOSTKEY_MATCH,
	HOSTKEY_UNKNOWN,	/* no key at all for this host (and port) */
	HOSTKEY_CHANGED,	/* known with another key: refuse, always */
	HOSTKEY_ERROR,		/* unreadable known_hosts, odd key type */
};

/* keytype: "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ... */
enum hostkey_verdict hostkey_check(const char *known_hosts, const char *host,
	    int port, const char *keytype, const void *key, size_t keylen,
	    char *err, size_t errlen);
/* Append host's key, once, under a lock; 0 or -1 with why in err. */
int	hostkey_add(const char *known_hosts, const char *host, int port,
	    const char *keytype, const void *key, size_t keylen, char *err,
	    size_t errlen);
/* "SHA256:" and the unpadded base64 of a SHA-256 digest, as ssh shows it. */
void	hostkey_fingerprint(const unsigned char sha256[32], char *out,
	    size_t len);

#endif
