/*
 * Repository URLs: which transport, is it allowed, what to show of it.
 */
#ifndef GITHERD_URL_H
#define GITHERD_URL_H

#include <stdbool.h>
#include <stddef.h>

enum url_scheme {
	URL_HTTPS,
	URL_HTTP,
	URL_GIT,
	URL_SSH,		/* ssh://, git+ssh://, ssh+git:// */
	URL_SCP,		/* [user@]host:path */
	URL_FILE,		/* file:// */
	URL_LOCAL,		/* a plain path */
	URL_UNKNOWN,
};

enum url_scheme	 url_scheme(const char *url);
const char	*url_scheme_name(enum url_scheme);
int		 url_check(const char *url, bool allow_local, char *err,
		    size_t errlen);
bool		 url_supports_shallow(const char *url);
char		*url_redact(const char *url);
char		*url_strip_secrets(const char *url);
/*
 * The user and password a scheme:// URL carries, percent-decoded: 0, or
 * -1 when it has no user (or they do not fit).  The caller wipes them.
 */
int		 url_credentials(const char *url, char *user, size_t userlen,
		    char *pass, size_t passlen);
void		 url_redact_text(char *text, const char *url);
/* The value of a hex digit of a percent escape, -1 for none. */
int		 url_hex_digit(char);
char		*url_default_path(const char *url, bool bare);
char		*url_normalize(const char *url);
char		*url_host(const char *url);
void		 url_host_port(const char *url, char *host, size_t hostlen,
		    char *port, size_t portlen);

/* An ssh:// or scp-like URL in parts. */
struct url_ssh {
	char	*scheme;	/* "ssh", "git+ssh", ...; NULL: scp-like */
	char	*user;		/* percent-decoded; NULL: none */
	char	*host;		/* without brackets */
	int	 port;		/* 0: none written */
	char	*path;		/* as written: "org/x" (scp-like), "/org/x" */
};

/* 0, or -1 when url is no ssh URL (or a malformed one); release it. */
int		 url_ssh_split(const char *url, struct url_ssh *);
/*
 * The URL of the parts, in the same form, so that the server sees the
 * same path; NULL when scp-like cannot say it (an IPv6 address and a
 * port).  A password is never written back.
 */
char		*url_ssh_join(const struct url_ssh *);
void		 url_ssh_release(struct url_ssh *);

#endif
