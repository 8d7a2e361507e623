#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netrc.h"

/* The next whitespace-separated token, with "quoted strings" (curl). */
static const char *
token(const char *p, char *out, size_t len)
{
	size_t n = 0;
	bool quoted;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	quoted = *p == '"';
	if (quoted)
		p++;
	while (*p && (quoted ? *p != '"' : !isspace((unsigned char)*p))) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		if (n + 1 < len)
			out[n++] = *p;
		p++;
	}
	if (quoted && *p == '"')
		p++;
	out[n] = '\0';
	return p;
}

/* A macdef body runs to the next empty line. */
static const char *
skip_macdef(const char *p)
{
	const char *e = strstr(p, "\n\n");

	return e != NULL ? e + 2 : p + strlen(p);
}

int
netrc_lookup(const char *text, const char *host, char *login, size_t loginlen,
    char *password, size_t passlen)
{
	char tok[1024], val[1024];
	const char *p = text;
	bool in = false, found = false, is_default = false;

	login[0] = password[0] = '\0';
	while ((p = token(p, tok, sizeof(tok))) != NULL) {
		if (strcmp(tok, "machine") == 0 || strcmp(tok, "default") == 0) {
			if (found)
				return 0;	/* the entry we wanted ended */
			is_default = strcmp(tok, "default") == 0;
			if (!is_default && (p = token(p, val, sizeof(val))) == NULL)
				break;
			in = is_default || strcasecmp(val, host) == 0;
			found = in;
			continue;
		}
		if (strcmp(tok, "macdef") == 0) {
			p = skip_macdef(p);
			continue;
		}
		if (tok[0] == '#') {	/* a comment, to the end of the line */
			p += strcspn(p, "\n");
			continue;
		}
		if ((p = token(p, val, sizeof(val))) == NULL)
			break;
		if (!in)
			continue;
		if (strcmp(tok, "login") == 0)
			snprintf(login, loginlen, "%s", val);
		else if (strcmp(tok, "password") == 0)
			snprintf(password, passlen, "%s", val);
	}
	return found ? 0 : -1;
}
