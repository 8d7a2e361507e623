/*
 * Diagnostics: every problem found in one input, collected with its line
 * and column and printed in file order as "file:line:col: message", so a
 * manifest with ten mistakes says all ten at once.
 */
#ifndef GITHERD_DIAGS_H
#define GITHERD_DIAGS_H

#include <stddef.h>

struct diag {
	unsigned	 line, col;
	char		*msg;
};

/* All problems found in one manifest, in file order. */
struct diags {
	char		*file;
	struct diag	*v;
	size_t		 n, cap;
};

void	diags_init(struct diags *);
void	diags_release(struct diags *);
void	diags_add(struct diags *, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
char	*diags_format(const struct diags *);	/* "file:line:col: msg\n"... */
/* The word of known[] (NULL-ended) closest to word, if close: a typo's fix. */
const char *diags_suggest(const char *word, const char *const *known);

#endif
