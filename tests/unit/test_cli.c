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
	cr_assert_eq(c.paths.n, 2);
	cr_expect_str_eq(c.paths.v[1], "x/y");
	cr_expect_eq(c.groups.n, 2);
	cr_expect_str_eq(c.groups.v[1], "b");
	cr_expect_eq(c.excludes.n, 1);
	cr_expect_eq(c.jobs, 3);
	cli_release(&c);
	cr_expect_eq(parse(&c, "check"), -1, "check needs a manifest");
	cli_release(&c);
	/* sync, like status, falls back on the one the workspace saved */
	cr_expect_eq(parse(&c, "sync -C ws"), 0);
	cr_expect_null(c.manifest);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync m.yaml a"), 0);
	cr_expect_str_eq(c.manifest, "m.yaml");
	cli_release(&c);
}

Test(cli, quiet_and_verbose_contradict_each_other, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_expect_eq(parse(&c, "status -q -v"), -1, "-q -v");
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --verbose --quiet m.yaml"), -1, "-v -q");
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync -q -q m.yaml"), 0, "twice the same");
	cr_expect_eq(c.verbosity, -1);
	cli_release(&c);
}

Test(cli, status_reads_a_manifest_only_when_named_like_one, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "status lib/a"), 0);
	cr_expect_null(c.manifest);
	cr_expect_eq(c.paths.n, 1);
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
	cr_expect_eq(parse(&c, "sync --shard auto m.yaml"), 0);
	cr_expect(c.shard.auto_index && c.shard.n == 0);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --shard auto/4 --shard-by hash m.yaml"), 0);
	cr_expect(c.shard.auto_index && c.shard.n == 4 && c.shard_by == 1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --shard auto/0 m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --shard autox m.yaml"), -1);
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

/* cache status|prune: one operand, and the options that go with each. */
Test(cli, cache_takes_status_or_prune, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "cache status --cache /c --json -"), 0);
	cr_expect_eq(c.cmd, CMD_CACHE);
	cr_expect_eq(c.cache_action, CLI_CACHE_STATUS);
	cr_expect_str_eq(c.cache, "/c");
	cr_expect_eq(c.unused_for_s, -1);
	cli_release(&c);
	cr_assert_eq(parse(&c, "cache --dry-run prune --unused-for 30d"), 0);
	cr_expect_eq(c.cache_action, CLI_CACHE_PRUNE);
	cr_expect_eq(c.unused_for_s, 30LL * 86400);
	cr_expect(c.dry_run);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache"), -1, "no action");
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache frob"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache status extra"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache prune"), -1, "needs --unused-for");
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache prune --unused-for 30"), -1, "no unit");
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache prune --unused-for 1d --json x"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache status --dry-run"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache status --unused-for 1d"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache status -j 2"), -1, "not sync's options");
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --unused-for 1d m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "cache -h"), 0);
	cr_expect(c.help);
	cli_release(&c);
}

/* The message names the option as the user spelt it. */
Test(cli, messages_name_the_option_as_spelt)
{
	struct cli c;
	char *err = NULL;
	size_t len = 0;
	FILE *f, *saved = stderr;
	int rc;

	f = open_memstream(&err, &len);
	cr_assert_not_null(f);
	stderr = f;	/* glibc's stderr is a variable: capture what cli says */
	rc = parse(&c, "sync --jobs 0 m.yaml");
	cli_release(&c);
	cr_expect_eq(rc, -1);
	rc = parse(&c, "sync -j 2000 m.yaml");
	cli_release(&c);
	cr_expect_eq(rc, -1);
	rc = parse(&c, "check --jobs 2 m.yaml");
	cli_release(&c);
	rc = parse(&c, "sync --max-memory 1M m.yaml");
	cli_release(&c);
	rc = parse(&c, "sync m.yaml --json");
	cli_release(&c);
	stderr = saved;
	fclose(f);
	cr_expect(strstr(err, "--jobs wants a number from 1 to 1024, not '0'") !=
	    NULL, "%s", err);
	cr_expect(strstr(err, "-j wants a number from 1 to 1024, not '2000'") !=
	    NULL, "%s", err);
	cr_expect(strstr(err, "check does not take --jobs") != NULL, "%s", err);
	cr_expect(strstr(err, "--max-memory wants at least 64M, not '1M'") !=
	    NULL, "%s", err);
	cr_expect(strstr(err, "option needs a value: '--json'") != NULL, "%s",
	    err);
	free(err);
}

Test(cli, every_kind_lands_where_its_row_says, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "sync --retries 0 --retry-delay 0.5 --wait 2.5 "
	    "--max-file-size 64k --shard 2/4 --safe-directory /a "
	    "--safe-directory /b -v --per-host 3 m.yaml"), 0);
	cr_expect_eq(c.retries, 0);
	cr_expect_float_eq(c.retry_delay_s, 0.5, 1e-9);
	cr_expect_float_eq(c.wait_s, 2.5, 1e-9);
	cr_expect_eq(c.max_file_size, 64 * 1024);
	cr_expect_eq(c.shard.i, 2);
	cr_expect_eq(c.shard.n, 4);
	cr_assert_eq(c.safe_dirs.n, 2);
	cr_expect_str_eq(c.safe_dirs.v[1], "/b");
	cr_expect_eq(c.verbosity, 1);
	cr_expect_eq(c.per_host, 3);
	cr_expect_eq(c.jobs, CLI_DEFAULT_JOBS, "defaults stay");
	cli_release(&c);
}

/* -h stops parsing: no manifest needed, nothing else checked. */
Test(cli, help_is_a_request_not_an_exit, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "sync -h"), 0);
	cr_expect(c.help);
	cli_release(&c);
	cr_assert_eq(parse(&c, "list --help --dry-run"), 0);
	cr_expect(c.help);
	cli_release(&c);
}

static char *
captured(int (*fn)(FILE *, const char *), const char *cmd, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	*rc = fn(f, cmd);
	fclose(f);
	return out;
}

/* One command's help lists exactly the options it takes. */
Test(cli, help_of_a_command_lists_what_it_takes)
{
	char *h;
	int rc;

	h = captured(cli_help, "list", &rc);
	cr_expect_eq(rc, 0);
	cr_expect(strstr(h, "usage: githerd list") != NULL, "%s", h);
	cr_expect(strstr(h, "--group G") != NULL, "%s", h);
	cr_expect(strstr(h, "--dry-run") == NULL, "%s", h);
	cr_expect(strstr(h, "--jobs") == NULL, "%s", h);
	free(h);
	h = captured(cli_help, NULL, &rc);
	cr_expect(strstr(h, "--dry-run") != NULL && strstr(h, "--jobs N") !=
	    NULL, "%s", h);
	free(h);
	h = captured(cli_help, "frobnicate", &rc);
	cr_expect_eq(rc, -1);
	free(h);
}

/*
 * The list the completions read agrees with what the parser accepts:
 * every option it names for a command parses for that command, with a
 * value where it says one.
 */
Test(cli, completion_list_matches_the_parser, .init = cr_redirect_stderr)
{
	static const char *const cmds[] = { "sync", "status", "freeze", "list",
	    "check", "cache" };
	char *list, *line, *save = NULL, argv_line[300];
	char letter[8], name[64], value[16];
	struct cli c;
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		list = captured(cli_list_options, cmds[i], &rc);
		cr_assert_eq(rc, 0);
		n = 0;
		for (line = strtok_r(list, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save), n++) {
			cr_assert_eq(sscanf(line, "%7[^\t]\t%63[^\t]\t%15[^\t]",
			    letter, name, value), 3, "%s", line);
			if (strcmp(name, "--help") == 0)
				continue;
			snprintf(argv_line, sizeof(argv_line), "%s %s%s%s %s",
			    cmds[i], name, strcmp(value, "-") ? " " : "",
			    strcmp(value, "-") == 0 ? "" :
			    strcmp(value, "I/N") == 0 ? "1/2" :
			    strcmp(value, "G") == 0 ? "core" :
			    strcmp(value, "WHEN") == 0 ? "auto" :
			    strcmp(value, "MODE") == 0 ? "link" :
			    strcmp(value, "HOW") == 0 ? "hash" :
			    strcmp(value, "D") == 0 ? "30d" :
			    strcmp(value, "SIZE") == 0 ? "100M" : "1",
			    strcmp(cmds[i], "cache") != 0 ? "m.yaml" :
			    strcmp(name, "--dry-run") == 0 ?
			    "prune --unused-for 1d" :
			    strcmp(name, "--unused-for") == 0 ? "prune" :
			    "status");
			if (strcmp(name, "--fetch") == 0 &&
			    strcmp(cmds[i], "sync") == 0)
				strcat(argv_line, " --dry-run");
			cr_expect_eq(parse(&c, argv_line), 0, "%s", argv_line);
			cli_release(&c);
		}
		cr_expect_geq(n, 3, "%s lists its options", cmds[i]);
		free(list);
	}
}

Test(cli, depth_and_submodules_overrides, .init = cr_redirect_stderr)
{
	struct cli c;

	cr_assert_eq(parse(&c, "sync m.yaml"), 0);
	cr_expect_eq(c.depth, CLI_DEPTH_UNSET, "the manifest's depth");
	cr_expect_eq(c.recursive, 0, "the manifest's submodules");
	cli_release(&c);
	cr_assert_eq(parse(&c, "sync --shallow --recursive m.yaml"), 0);
	cr_expect_eq(c.depth, 1, "--shallow is depth 1");
	cr_expect_eq(c.recursive, 1);
	cli_release(&c);
	cr_assert_eq(parse(&c, "sync --depth 0 --no-recursive m.yaml"), 0);
	cr_expect_eq(c.depth, 0, "--depth 0: the whole history");
	cr_expect_eq(c.recursive, -1);
	cli_release(&c);
	cr_assert_eq(parse(&c, "sync --shallow --depth 1 m.yaml"), 0);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --shallow --depth 3 m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --recursive --no-recursive m.yaml"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "sync --depth -1 m.yaml"), -1);
	cli_release(&c);
	cr_assert_eq(parse(&c, "status --shallow"), 0, "status compares "
	    "with the same depth");
	cli_release(&c);
	cr_expect_eq(parse(&c, "status --recursive"), -1);
	cli_release(&c);
	cr_expect_eq(parse(&c, "freeze --shallow"), -1);
	cli_release(&c);
}
