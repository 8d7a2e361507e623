/*
 * The keywords of ssh_config(5) and what githerd makes of each (used by
 * sshconfig.c): the ones it uses, the ones it may ignore because they
 * cannot change where it connects, as whom, or which keys it trusts, and
 * the ones it refuses because they would (unless set to the value that
 * changes nothing, ProxyJump none).  A keyword not in the table is
 * unknown.  Pure.
 */
#ifndef GITHERD_SSHKEYWORD_H
#define GITHERD_SSHKEYWORD_H

#include <stdbool.h>
#include <stddef.h>

/* More than the table holds (checked): for arrays by keyword. */
#define SSHKEYWORD_MAX	160

enum sshkeyword_kind {
	SSHKW_HOST, SSHKW_MATCH, SSHKW_INCLUDE,
	SSHKW_HOSTNAME, SSHKW_USER, SSHKW_PORT, SSHKW_IDENTITYFILE,
	SSHKW_IDENTITIESONLY, SSHKW_KNOWNHOSTS, SSHKW_STRICT, SSHKW_AGENT,
	SSHKW_IGNOREUNKNOWN,
	SSHKW_IGNORED,		/* cannot change where, as whom, what */
	SSHKW_REFUSED,		/* would: unless its value is one of ok */
	SSHKW_ALGORITHMS,	/* refused unless it only adds ('+', '^') */
};

struct sshkeyword {
	const char		*name;
	enum sshkeyword_kind	 kind;
	const char		*ok;	/* refused: values that change nothing */
	const char		*why;	/* refused: what githerd cannot do */
};

/* name in any case: its row and *index (< SSHKEYWORD_MAX), or NULL. */
const struct sshkeyword *sshkeyword_find(const char *name, size_t *index);
/* A refused keyword set to value: harmless after all? */
bool	sshkeyword_allows(const struct sshkeyword *, const char *value);
/* Is value one of the comma-separated words of list (any case)? */
bool	sshkeyword_one_of(const char *list, const char *value);

#endif
