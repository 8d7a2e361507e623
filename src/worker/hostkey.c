#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "fsutil.h"
#include "hostkey.h"

static int
key_mask(const char *keytype)
{
	static const struct { const char *name; int mask; } types[] = {
		{ "ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519 },
		{ "ecdsa-sha2-nistp256", LIBSSH2_KNOWNHOST_KEY_ECDSA_256 },
		{ "ecdsa-sha2-nistp384", LIBSSH2_KNOWNHOST_KEY_ECDSA_384 },
		{ "ecdsa-sha2-nistp521", LIBSSH2_KNOWNHOST_KEY_ECDSA_521 },
		{ "ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA },
		{ "ssh-dss", LIBSSH2_KNOWNHOST_KEY_SSHDSS },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (strcmp(keytype, types[i].name) == 0)
			return types[i].mask;
	return -1;
}

/* libssh2 wants a session for its knownhost list; it never connects. */
struct known {
	LIBSSH2_SESSION		*session;
	LIBSSH2_KNOWNHOSTS	*hosts;
};

/* The list, read from file unless file is NULL or missing. */
static int
known_open(struct known *k, const char *file, char *err, size_t errlen)
{
	k->hosts = NULL;
	if ((k->session = libssh2_session_init()) == NULL ||
	    (k->hosts = libssh2_knownhost_init(k->session)) == NULL) {
		snprintf(err, errlen, "cannot set up libssh2's known hosts");
		return -1;
	}
	if (file == NULL || (access(file, F_OK) == -1 && errno == ENOENT))
		return 0;
	if (libssh2_knownhost_readfile(k->hosts, file,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		snprintf(err, errlen, "cannot read %s", file);
		return -1;
	}
	return 0;
}

static void
known_close(struct known *k)
{
	if (k->hosts != NULL)
		libssh2_knownhost_free(k->hosts);
	if (k->session != NULL)
		libssh2_session_free(k->session);
}

enum hostkey_verdict
hostkey_check(const char *file, const char *host, int port,
    const char *keytype, const void *key, size_t keylen, char *err,
    size_t errlen)
{
	struct known k;
	int mask = key_mask(keytype), base, rc;
	enum hostkey_verdict v = HOSTKEY_ERROR;

	if (mask == -1) {
		snprintf(err, errlen, "unsupported host key type %s", keytype);
		return HOSTKEY_ERROR;
	}
	if (known_open(&k, file, err, errlen) == -1)
		goto out;
	base = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW;
	rc = libssh2_knownhost_checkp(k.hosts, host, port, key, keylen,
	    base | mask, NULL);
	/*
	 * Not known with this type: known with another type is a changed
	 * key too (OpenSSH would not accept the new type silently either).
	 */
	if (rc == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND)
		rc = libssh2_knownhost_checkp(k.hosts, host, port, key, keylen,
		    base, NULL);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		v = HOSTKEY_MATCH;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		v = HOSTKEY_CHANGED;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		v = HOSTKEY_UNKNOWN;
		break;
	default:
		snprintf(err, errlen, "cannot check %s against %s", host, file);
		break;
	}
out:
	known_close(&k);
	return v;
}

/* The known_hosts line for host, as OpenSSH writes it. */
static int
format_line(const char *host, int port, int mask, const void *key,
    size_t keylen, char *line, size_t len, char *err, size_t errlen)
{
	struct known k;
	struct libssh2_knownhost *entry;
	char name[300];
	size_t n = 0;
	int rc = -1;

	if (port > 0 && port != 22)
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
	else
		snprintf(name, sizeof(name), "%s", host);
	if (known_open(&k, NULL, err, errlen) == -1)
		goto out;
	if (libssh2_knownhost_addc(k.hosts, name, NULL, key, keylen, NULL, 0,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask,
	    &entry) < 0 ||
	    libssh2_knownhost_writeline(k.hosts, entry, line, len, &n,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0 || n == 0) {
		snprintf(err, errlen, "cannot format a known_hosts line for %s",
		    name);
		goto out;
	}
	line[n] = '\0';
	rc = 0;
out:
	known_close(&k);
	return rc;
}

/* Workers add keys at once: one at a time (POSIX lock, waits). */
static int
lock_file(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

int
hostkey_add(const char *file, const char *host, int port, const char *keytype,
    const void *key, size_t keylen, char *err, size_t errlen)
{
	char line[8192], dir[4096], *slash;
	int mask = key_mask(keytype), fd = -1, rc = -1;
	ssize_t w;

	if (mask == -1 || format_line(host, port, mask, key, keylen, line,
	    sizeof(line), err, errlen) == -1)
		return -1;
	snprintf(dir, sizeof(dir), "%s", file);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			goto fail;
	}
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1 || lock_file(fd) == -1)
		goto fail;
	/* Another worker may have added it while we waited for the lock. */
	switch (hostkey_check(file, host, port, keytype, key, keylen, err,
	    errlen)) {
	case HOSTKEY_MATCH:
		rc = 0;
		goto out;
	case HOSTKEY_UNKNOWN:
		break;
	default:
		snprintf(err, errlen, "%s changed while recording a key for %s",
		    file, host);
		goto out;
	}
	w = write(fd, line, strlen(line));
	if (w != (ssize_t)strlen(line) || fsync(fd) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "cannot record the host key in %s: %s", file,
	    strerror(errno));
out:
	if (fd != -1)
		close(fd);
	return rc;
}

void
hostkey_fingerprint(const unsigned char d[32], char *out, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char enc[48];
	size_t i, n = 0;
	unsigned v;

	for (i = 0; i < 32; i += 3) {
		v = (unsigned)d[i] << 16;
		if (i + 1 < 32)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < 32)
			v |= d[i + 2];
		enc[n++] = b64[(v >> 18) & 63];
		enc[n++] = b64[(v >> 12) & 63];
		if (i + 1 < 32)
			enc[n++] = b64[(v >> 6) & 63];
		if (i + 2 < 32)
			enc[n++] = b64[v & 63];
	}
	enc[n] = '\0';
	snprintf(out, len, "SHA256:%s", enc);
}
