/* githerd version: this build, and what the workers' libgit2 can do. */
#include <stdio.h>

#include "cmd.h"
#include "version.h"

enum exit_code
cmd_version(int argc, char **argv, const struct worker_side *worker)
{
	struct lg2info lg2;

	(void)argc;
	(void)argv;
	worker->lg2info(&lg2);
	printf("githerd %s\nlibgit2 %s\n", GITHERD_VERSION, lg2.version);
	printf("transports: git, http%s%s\n", lg2.https ? ", https" : "",
	    lg2.ssh ? ", ssh" : "");
	printf("https: %s\nssh: %s\n", lg2.https ? "yes" : "no",
	    lg2.ssh ? "yes" : "no");
	/* libgit2 1.7-1.9 negotiate shallow over smart HTTP only. */
	printf("shallow: http, https (over git and ssh a depth is cloned "
	    "in full)\n");
	printf("threads: %s\n", lg2.threads ? "yes" : "no");
	return EXIT_OK;
}
