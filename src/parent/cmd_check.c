/* githerd check MANIFEST: validate, print a count, touch nothing. */
#include <stdio.h>

#include "cmd.h"
#include "command.h"

enum exit_code
cmd_check(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	enum exit_code code = EXIT_USAGE;

	if (!command_init(&c, argc, argv, worker, &code))
		goto out;
	if (command_load(&c) == -1) {
		code = EXIT_USAGE;
		goto out;
	}
	if (c.cli.verbosity >= 0)
		printf("%s: %zu entr%s, valid\n", c.cli.manifest, c.m.nrepos,
		    c.m.nrepos == 1 ? "y" : "ies");
	code = EXIT_OK;
out:
	command_release(&c);
	return code;
}
