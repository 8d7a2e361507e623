#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errclass.h"

static const char *const names[ERR_CLASS_MAX] = {
	[ERR_NONE] = "none",
	[ERR_NETWORK] = "network",
	[ERR_TIMEOUT] = "timeout",
	[ERR_SERVER] = "server",
	[ERR_RATE_LIMITED] = "rate-limited",
	[ERR_AUTH] = "auth",
	[ERR_NOT_FOUND] = "not-found",
	[ERR_BAD_REF] = "bad-ref",
	[ERR_CERTIFICATE] = "certificate",
	[ERR_LOCAL_CONFLICT] = "local-conflict",
	[ERR_DISK] = "disk",
	[ERR_CACHE_CORRUPT] = "cache-corrupt",
	[ERR_REFUSED] = "refused",
	[ERR_UNSUPPORTED] = "unsupported",
	[ERR_CANCELLED] = "cancelled",
	[ERR_CRASHED] = "crashed",
	[ERR_PROTOCOL] = "protocol",
	[ERR_INTERNAL] = "internal",
};

const char *
errclass_name(enum err_class c)
{
	if ((unsigned)c >= ERR_CLASS_MAX)
		return "internal";
	return names[c];
}

static bool
has(const char *msg, const char *needle)
{
	return msg != NULL && strstr(msg, needle) != NULL;
}

static int
http_status(const char *msg)
{
	const char *p = msg ? strstr(msg, "status code: ") : NULL;

	return p ? atoi(p + strlen("status code: ")) : 0;
}

/*
 * libgit2's code and class decide first; its messages are not an API, so
 * they are only consulted for the cases the classes lump together.
 */
enum err_class
errclass_of_git(int code, int klass, const char *m)
{
	int st;

	if (code == ERRCLASS_CANCEL)
		return ERR_CANCELLED;
	if (code == ERRCLASS_EAUTH)
		return ERR_AUTH;
	if (code == ERRCLASS_ECERTIFICATE)
		return ERR_CERTIFICATE;
	if (code == ERRCLASS_ELOCKED || code == ERRCLASS_EOWNER)
		return ERR_LOCAL_CONFLICT;
	if (has(m, "No space left") || has(m, "Disk quota") ||
	    has(m, "Read-only file system") || has(m, "File too large"))
		return ERR_DISK;
	/* A tree entry that aliases .git (".GIT", "GIT~1", ".git."...). */
	if (has(m, "to invalid path"))
		return ERR_REFUSED;
	/*
	 * What a repository's own tree makes the file system refuse (a name
	 * too long, a file where a directory must go, a link in the way):
	 * another try gets the same tree.  The network never says these.
	 */
	if (has(m, "File name too long") || has(m, "Is a directory") ||
	    has(m, "Not a directory") || has(m, "Too many levels of symbolic") ||
	    has(m, "File exists"))
		return ERR_REFUSED;
	switch (klass) {
	case ERRCLASS_K_NET:
	case ERRCLASS_K_OS:
		if (has(m, "timed out"))
			return ERR_TIMEOUT;
		if (has(m, "no such host") ||
		    has(m, "Name or service not known"))
			return ERR_NOT_FOUND;
		if (has(m, "not exported") || has(m, "not found") ||
		    has(m, "does not appear to be a git repository") ||
		    has(m, "No such file or directory"))
			return ERR_NOT_FOUND;
		if (has(m, "Permission denied"))
			return ERR_DISK;
		return ERR_NETWORK;
	case ERRCLASS_K_HTTP:
		st = http_status(m);
		if (st == 404 || st == 410)
			return ERR_NOT_FOUND;
		if (st == 401 || st == 403)
			return ERR_AUTH;
		if (st == 429)
			return ERR_RATE_LIMITED;
		if (st >= 500)
			return ERR_SERVER;
		if (has(m, "authentication"))
			return ERR_AUTH;
		return ERR_SERVER;
	case ERRCLASS_K_SSL:
		return ERR_CERTIFICATE;
	case ERRCLASS_K_SSH:
		if (has(m, "hostkey") || has(m, "host key"))
			return ERR_CERTIFICATE;
		if (has(m, "auth"))
			return ERR_AUTH;
		return ERR_NETWORK;
	case ERRCLASS_K_INDEXER:
		if (has(m, "too many objects"))
			return ERR_REFUSED;
		/* FALLTHROUGH */
	case ERRCLASS_K_ZLIB:
	case ERRCLASS_K_ODB:
		/* a pack damaged on the way: worth another try */
		return ERR_NETWORK;
	case ERRCLASS_K_CALLBACK:
		return ERR_CANCELLED;
	default:
		return ERR_INTERNAL;
	}
}
