/*
 * githerd help [COMMAND]: the help of one command or of all.
 * githerd help --options [COMMAND]: the option list the shell completions
 * read (cli.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

enum exit_code
cmd_help(int argc, char **argv, const struct worker_side *worker)
{
	bool list = argc > 1 && strcmp(argv[1], "--options") == 0;
	const char *command = argc > 1 + list ? argv[1 + list] : NULL;

	(void)worker;
	if (argc > 2 + list || (list ? cli_list_options(stdout, command) :
	    cli_help(stdout, command)) == -1) {
		fprintf(stderr, "githerd: help: no command '%s'\n",
		    argv[argc - 1]);
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
