/*
 * githerd check MANIFEST: validate, print a count, touch nothing.  A
 * vcstool entry of another type is valid (vcs import takes it): counted.
 */
#include <stdio.h>

#include "cmd.h"
#include "command.h"

enum exit_code
cmd_check(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	enum exit_code code = EXIT_USAGE;
	size_t i, unsupported = 0;

	if (!command_init(&c, argc, argv, worker, &code))
		goto out;
	if (command_load(&c) == -1) {
		code = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < c.m.nrepos; i++)
		unsupported += c.m.repos[i].vcs_type != NULL;
	if (c.cli.verbosity >= 0 && unsupported == 0)
		printf("%s: %zu entr%s, valid\n", c.cli.manifest, c.m.nrepos,
		    c.m.nrepos == 1 ? "y" : "ies");
	else if (c.cli.verbosity >= 0)
		printf("%s: %zu entr%s, valid; %zu of a type githerd does not "
		    "sync (sync lists %s as unsupported)\n", c.cli.manifest,
		    c.m.nrepos, c.m.nrepos == 1 ? "y" : "ies", unsupported,
		    unsupported == 1 ? "it" : "them");
	code = EXIT_OK;
out:
	command_release(&c);
	return code;
}
