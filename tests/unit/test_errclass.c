#include <criterion/criterion.h>

#include <stddef.h>

#include "errclass.h"

/*
 * (code, class, message) of libgit2 1.8.4 failures, worded as its sources
 * word them (src/libgit2, src/util at v1.8.4).
 */
static const struct triple {
	int		 code, klass;
	const char	*message;
	enum err_class	 want;
} seen[] = {
	/* EAI_NONAME, from netstream.c or from libgit2's own stream */
	{ -1, ERRCLASS_K_NET, "no such host githerd-test.invalid: Name or "
	    "service not known", ERR_NOT_FOUND },
	{ -1, ERRCLASS_K_NET, "failed to resolve address for githerd-test."
	    "invalid: Name or service not known", ERR_NOT_FOUND },
	/* EAI_AGAIN: the resolver did not answer, worth another try */
	{ -1, ERRCLASS_K_NET, "failed to resolve address for githerd-test."
	    "invalid: Temporary failure in name resolution", ERR_NETWORK },
	{ -1, ERRCLASS_K_NET, "failed to connect to 127.0.0.1 port 9: "
	    "Connection refused", ERR_NETWORK },
	{ -1, ERRCLASS_K_NET, "could not read from socket: timed out",
	    ERR_TIMEOUT },
	{ -1, ERRCLASS_K_NET, "early EOF", ERR_NETWORK },
	{ -1, ERRCLASS_K_NET, "remote error: access denied or repository not "
	    "exported: /missing.git", ERR_NOT_FOUND },
	{ -1, ERRCLASS_K_HTTP, "unexpected http status code: 404", ERR_NOT_FOUND },
	{ -1, ERRCLASS_K_HTTP, "unexpected http status code: 401", ERR_AUTH },
	{ -1, ERRCLASS_K_HTTP, "unexpected http status code: 403", ERR_AUTH },
	{ -1, ERRCLASS_K_HTTP, "unexpected http status code: 429",
	    ERR_RATE_LIMITED },
	{ -1, ERRCLASS_K_HTTP, "unexpected http status code: 503", ERR_SERVER },
	{ ERRCLASS_EAUTH, ERRCLASS_K_HTTP, "too many redirects or "
	    "authentication replays", ERR_AUTH },
	{ ERRCLASS_ECERTIFICATE, ERRCLASS_K_SSL, "the SSL certificate is "
	    "invalid", ERR_CERTIFICATE },
	{ -1, ERRCLASS_K_SSL, "SSL error: 0x7780 - SSL - A fatal alert message "
	    "was received from our peer", ERR_CERTIFICATE },
	{ -1, ERRCLASS_K_SSH, "invalid or unknown remote ssh hostkey",
	    ERR_CERTIFICATE },
	{ -1, ERRCLASS_K_SSH, "failed to authenticate SSH session: Unable to "
	    "send userauth-publickey request", ERR_AUTH },
	{ -1, ERRCLASS_K_SSH, "SSH could not read data: Failed getting banner",
	    ERR_NETWORK },
	{ -1, ERRCLASS_K_OS, "could not open '/ws/.githerd-tmp.1.0.x/nnnn' for "
	    "writing: File name too long", ERR_REFUSED },
	{ -1, ERRCLASS_K_OS, "could not open '/ws/x/build' for writing: Is a "
	    "directory", ERR_REFUSED },
	{ -1, ERRCLASS_K_OS, "failed to write pack: No space left on device",
	    ERR_DISK },
	{ -1, ERRCLASS_K_OS, "could not open '/ro/x': Read-only file system",
	    ERR_DISK },
	{ -1, 20, "cannot checkout to invalid path '.git/config'", ERR_REFUSED },
	{ -1, ERRCLASS_K_INDEXER, "too many objects", ERR_REFUSED },
	{ -1, ERRCLASS_K_INDEXER, "wrong pack signature", ERR_NETWORK },
	{ -1, ERRCLASS_K_ZLIB, "failed to inflate data", ERR_NETWORK },
	{ ERRCLASS_CANCEL, ERRCLASS_K_CALLBACK, "indexer progress callback "
	    "returned -7777", ERR_CANCELLED },
	{ ERRCLASS_ELOCKED, 10, "failed to lock file '/ws/x/.git/index.lock' "
	    "for writing", ERR_LOCAL_CONFLICT },
	{ ERRCLASS_EOWNER, 7, "repository path '/ws/x/' is not owned by "
	    "current user", ERR_LOCAL_CONFLICT },
	{ -1, 0, NULL, ERR_INTERNAL },
};

Test(errclass, real_libgit2_failures_get_their_class)
{
	size_t i;

	for (i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		cr_expect_eq(errclass_of_git(seen[i].code, seen[i].klass,
		    seen[i].message), seen[i].want, "'%s': got %s, want %s",
		    seen[i].message ? seen[i].message : "(none)",
		    errclass_name(errclass_of_git(seen[i].code, seen[i].klass,
		    seen[i].message)), errclass_name(seen[i].want));
}

Test(errclass, names)
{
	cr_expect_str_eq(errclass_name(ERR_REFUSED), "refused");
	cr_expect_str_eq(errclass_name(ERR_CLASS_MAX), "internal");
}
