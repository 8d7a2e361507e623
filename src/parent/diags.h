/*
 * Diagnostics: every problem found in one input, collected with its line
 * and column and printed in file order as "file:line:col: message", so a
 * manifest with ten mistakes says all ten at once.  A problem in a file the
 * manifest brings in (an include, an import) names that file; such files
 * come after the manifest's own problems, each in the order first named.
 */
#ifndef GITHERD_DIAGS_H
#define GITHERD_DIAGS_H

#include <stddef.h>

struct diag {
	char		*file;		/* NULL: the diags' file */
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
/* A problem in another file the input brought in (an include, an import). */
void	diags_add_in(struct diags *, const char *file, unsigned line,
	    unsigned col, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
char	*diags_format(const struct diags *);	/* "file:line:col: msg\n"... */
/* The word of known[] (NULL-ended) closest to word, if close: a typo's fix. */
const char *diags_suggest(const char *word, const char *const *known);

#endif
