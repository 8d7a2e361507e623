/*
 * ssh_config(5) PATTERNS, as OpenSSH matches them: '*' any run of
 * characters, '?' exactly one, everything else itself, compared without
 * regard to case (host names and keywords are).  Pure.
 */
#ifndef GITHERD_SSHPATTERN_H
#define GITHERD_SSHPATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* Does name match pattern, whole? */
bool	sshpattern_match(const char *pattern, const char *name);
/*
 * A Host line's patterns (or a pattern-list's, split at commas): the
 * line matches when one pattern matches and no negated one ("!pattern")
 * does; a negated match rules the line out, whatever else matches.
 */
bool	sshpattern_match_any(const char *const *patterns, size_t n,
	    const char *name);
/* A comma-separated pattern-list ("a*,!b"), by the same rule. */
bool	sshpattern_match_list(const char *list, const char *name);

#endif
