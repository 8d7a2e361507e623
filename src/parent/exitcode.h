/*
 * githerd's exit codes, the contract with scripts and CI jobs (githerd(1),
 * EXIT STATUS).  Every command returns one of these; nothing else is a
 * number a caller could see, save 128 + a signal when one ends the run.
 */
#ifndef GITHERD_EXITCODE_H
#define GITHERD_EXITCODE_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* a repository failed (status: differs) */
	EXIT_USAGE = 2,		/* usage or manifest error: nothing touched */
	EXIT_SYSTEM = 3,	/* internal or system error */
	EXIT_SKIPPED = 4,	/* entries left alone to protect local work */
};

#endif
