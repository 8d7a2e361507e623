/*
 * The command line: operands, which command takes which option, values
 * checked with a message, repeatable options.
 */
#include <criterion/criterion.h>

#include <string.h>

#include <criterion/redirect.h>

#include "cli.h"

static int
parse(struct cli *c, const char *line)
{
	static char buf[512];
	char *argv[32], *save = NULL, *t;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t != NULL && argc < 31;
	    t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return cli_parse(c, argc, argv);
}

Test(cli, sync_takes_a_manifest_then_paths, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "sync -j 3 --group a --group b --exclude c "
	    "m.yaml lib x/y"), 0);
	cr_expect_eq(c.cmd, CMD_SYNC);
	cr_expect_str_eq(c.manifest, "m.yaml");
	cr_assert_eq(c.npaths, 2);
	cr_expect_str_eq(c.paths[1], "x/y");
	cr_expect_eq(c.ngroups, 2);
	cr_expect_str_eq(c.groups[1], "b");
	cr_expect_eq(c.nexcludes, 1);
	cr_expect_eq(c.jobs, 3);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync"), -1, "sync needs a manifest");
	cli_release(&c);
}

Test(cli, status_reads_a_manifest_only_when_named_like_one, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "status lib/a"), 0);
	cr_expect_null(c.manifest);
	cr_expect_eq(c.npaths, 1);
	cli_release(&c);
	cr_assert_eq(parse(&c, "status deps.repos lib/a"), 0);
	cr_expect_str_eq(c.manifest, "deps.repos");
	cli_release(&c);
}

Test(cli, options_belong_to_commands, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_expect_eq(parse(&c, "check -j 2 m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "list --dry-run m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "status --fetch -q m.yaml"), 0);
	cr_expect(c.fetch);
	cr_expect_eq(c.verbosity, -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "check -q m.yaml"), 0);
	cli_release(&c);
	cr_expect_eq(parse(&c, "check m.yaml extra"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "frobnicate"), -1);
	cli_release(&c);
}

Test(cli, values_are_checked, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_expect_eq(parse(&c, "sync --progress sometimes m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --color never --progress none m.yaml"), 0);
	cr_expect_eq(c.color, COLOR_NEVER);
	cr_expect_eq(c.progress, PROGRESS_NONE);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --group -x m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --shard 3/2 m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync -j 0 m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --ssh-key k --accept-new-host-keys "
	    "--ca-file ca.pem --credential-helper m.yaml"), 0);
	cr_expect_str_eq(c.ssh_key, "k");
	cr_expect(c.accept_new_host_keys && c.credential_helper);
	cr_expect_str_eq(c.ca_file, "ca.pem");
	cli_release(&c);
}
