/*
 * Extra TLS trust anchors.  libgit2 (mbedTLS) replaces its whole CA chain
 * when given a file, so --ca-file, git's http.sslCAInfo, GIT_SSL_CAINFO
 * and SSL_CERT_FILE are appended to the system bundle in one temporary
 * file, which the worker hands to libgit2 (it parses it at once) and
 * removes.  Where git would take only the file, githerd keeps the system's
 * CAs too: a file that adds a private CA must not take the public ones
 * away from every other server.
 */
#ifndef GITHERD_CABUNDLE_H
#define GITHERD_CABUNDLE_H

#include <stddef.h>

#define CABUNDLE_SYSTEM	"/etc/ssl/certs/ca-certificates.crt"

/* Does file hold at least one PEM certificate?  0, or -1 with why. */
int	cabundle_check(const char *file, char *err, size_t errlen);
/* The system bundle (a test seam can stand another in). */
const char *cabundle_system(void);
/*
 * The system bundle followed by every extra source given (ca_file, then
 * config_file unless GIT_SSL_CAINFO is set, which git takes instead,
 * then GIT_SSL_CAINFO, then SSL_CERT_FILE), in a new file under tmpdir
 * whose path is returned (the caller unlinks and frees it); NULL when
 * there is nothing extra, or on error with err set.
 */
char	*cabundle_combine(const char *ca_file, const char *config_file,
	    const char *tmpdir, char *err, size_t errlen);

#endif
