/*
 * githerd: clone and keep up to date many git repositories from a
 * manifest, in parallel.  main() only dispatches: the subcommands live in
 * parent/cmd_*.c, and this is the one file that links both sides, so it
 * hands them the worker's entry point and libgit2's description.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "lg2info.h"
#include "worker.h"

static const struct {
	const char	*name;
	cmd_fn		 fn;
} commands[] = {
	{ "sync", cmd_sync },
	{ "status", cmd_status },
	{ "freeze", cmd_freeze },
	{ "list", cmd_list },
	{ "check", cmd_check },
	{ "cache", cmd_cache },
	{ "report", cmd_report },
	{ "exec", cmd_exec },
	{ "version", cmd_version },
	{ "--version", cmd_version },
	{ "help", cmd_help },
	{ "--help", cmd_help },
	{ "-h", cmd_help },
};

/*
 * With 0, 1 or 2 closed, the next socket or pipe would take its number
 * and progress meant for stderr would land in a worker's channel (curl's
 * main_checkfds).
 */
static void
check_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_SYSTEM);
}

int
main(int argc, char **argv)
{
	static const struct worker_side worker = { worker_main, lg2info_get };
	size_t i;

	check_std_fds();
	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return (int)commands[i].fn(argc - 1, argv + 1, &worker);
	fprintf(stderr, "githerd: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return EXIT_USAGE;
}
