/*
 * A scratch directory for a unit test: made before each test and
 * removed with everything in it after, and the files a test puts there.
 * Criterion runs each test in its own process, so each gets its own.
 *
 *	TestSuite(name, .init = scratch_init, .fini = scratch_fini);
 *
 * Every helper fails the test (cr_assert) rather than returning an error.
 */
#ifndef GITHERD_TEST_SCRATCH_H
#define GITHERD_TEST_SCRATCH_H

#include <stdbool.h>

/* The directory itself, valid between scratch_init and scratch_fini. */
extern char scratch_root[];

void	scratch_init(void);
void	scratch_fini(void);

/* root/rel, malloc'd. */
char   *scratch_at(const char *rel);
/* Writes text to root/rel (created or truncated). */
void	scratch_put(const char *rel, const char *text);
/* mkdir root/rel (the parent must exist). */
void	scratch_dir(const char *rel);
bool	scratch_exists(const char *rel);
/* text without the scratch directory's name and its slash, in place. */
char   *scratch_unrooted(char *text);

#endif
