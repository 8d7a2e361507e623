/*
 * ssh_config(5) patterns (OpenSSH's match.c, match_pattern and
 * match_pattern_list), case-insensitive throughout.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sshpattern.h"
#include "xmalloc.h"

/*
 * Iterative, with one backtrack point: the last '*' seen.  A recursive
 * matcher is exponential on "*a*a*a*a*b" against a long run of 'a's; this
 * is linear in the pattern times the name at worst.
 */
bool
sshpattern_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p != '\0' && (*p == '?' ||
		    tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

bool
sshpattern_match_any(const char *const *patterns, size_t n, const char *name)
{
	bool hit = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (patterns[i][0] == '!') {
			if (sshpattern_match(patterns[i] + 1, name))
				return false;
		} else if (sshpattern_match(patterns[i], name))
			hit = true;
	}
	return hit;
}

bool
sshpattern_match_list(const char *list, const char *name)
{
	char *copy = xstrdup(list), *p, *next;
	const char **v = NULL;
	size_t n = 0, cap = 0;
	bool hit;

	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		XGROW(v, n + 1, cap);
		v[n++] = p;
	}
	hit = sshpattern_match_any(v, n, name);
	free(v);
	free(copy);
	return hit;
}
