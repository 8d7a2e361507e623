/*
 * Why a job failed.  The class, not the message, decides what happens
 * next (retry or not, exit code) and is what reports and scripts match on.
 */
#ifndef GITHERD_ERRCLASS_H
#define GITHERD_ERRCLASS_H

enum err_class {
	ERR_NONE = 0,
	ERR_NETWORK,		/* connection refused/reset, DNS, early EOF */
	ERR_TIMEOUT,		/* server stalled past the timeout */
	ERR_SERVER,		/* HTTP 5xx, remote error */
	ERR_RATE_LIMITED,	/* HTTP 429 */
	ERR_AUTH,		/* credentials missing or refused */
	ERR_NOT_FOUND,		/* repository does not exist / not exported */
	ERR_BAD_REF,		/* branch, tag or commit not on the remote */
	ERR_CERTIFICATE,	/* TLS certificate or SSH host key */
	ERR_LOCAL_CONFLICT,	/* destination exists and is in the way */
	ERR_DISK,		/* ENOSPC, EDQUOT, EROFS, permissions */
	ERR_CACHE_CORRUPT,	/* objects borrowed from a cache are gone */
	ERR_REFUSED,		/* over a --max-* limit, hostile submodule */
	ERR_UNSUPPORTED,	/* what libgit2 cannot do: a partial clone */
	ERR_CANCELLED,		/* interrupted by the user */
	ERR_CRASHED,		/* the worker died */
	ERR_PROTOCOL,		/* malformed frames from a worker */
	ERR_INTERNAL,
	ERR_CLASS_MAX
};

const char	*errclass_name(enum err_class);

/*
 * The class of a libgit2 failure: its return code, its error's class and
 * message (NULL: none).  Pure, so that it is tested with real triples;
 * the numbers below are libgit2 1.8's, checked against its headers where
 * the worker is built.
 */
enum {
	ERRCLASS_CANCEL = -7777,	/* what githerd's callbacks return */
	ERRCLASS_ELOCKED = -14,
	ERRCLASS_EAUTH = -16,
	ERRCLASS_ECERTIFICATE = -17,
	ERRCLASS_EOWNER = -36,
	ERRCLASS_K_OS = 2,
	ERRCLASS_K_ZLIB = 5,
	ERRCLASS_K_ODB = 9,
	ERRCLASS_K_NET = 12,
	ERRCLASS_K_INDEXER = 15,
	ERRCLASS_K_SSL = 16,
	ERRCLASS_K_SSH = 23,
	ERRCLASS_K_CALLBACK = 26,
	ERRCLASS_K_HTTP = 34,
};

enum err_class	 errclass_of_git(int code, int klass, const char *message);

#endif
