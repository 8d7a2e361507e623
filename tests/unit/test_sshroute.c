/*
 * An ssh URL's route by ssh_config: the URL libgit2 connects to, in the
 * same form and path, the URL's user and port winning, the note errors
 * carry, and a refusal.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshroute.h"

static char dir[64], cfg[128];
static struct sshroute r;

static void
setup(void)
{
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/githerd-route.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	cr_assert_not_null(f = fopen(cfg, "w"));
	fputs("Host work\n  HostName 127.0.0.1\n  Port 2222\n  User git\n"
	    "Host plain\n  HostName server.example\n"
	    "Host keyonly\n  IdentityFile /k\n"
	    "Host jump\n  ProxyJump bastion\n"
	    "Host v6\n  HostName ::1\n  Port 2200\n", f);
	fclose(f);
	sshroute_init(&r);
}

static void
teardown(void)
{
	sshroute_release(&r);
	unlink(cfg);
	rmdir(dir);
}

TestSuite(sshroute, .init = setup, .fini = teardown);

static void
expect_rewrite(const char *url, const char *want)
{
	char *got;

	cr_assert_eq(sshroute_set(&r, url, cfg), 0, "%s: %s", url, r.why);
	got = sshroute_rewrite(&r, url);
	if (want == NULL)
		cr_expect_null(got, "%s: %s", url, got);
	else
		cr_expect_str_eq(got, want, "%s", url);
	free(got);
}

Test(sshroute, urls_as_libgit2_connects)
{
	char *again;

	expect_rewrite("work:org/x.git", "[git@127.0.0.1:2222]:org/x.git");
	/* Once rewritten it names another host: never twice. */
	again = sshroute_rewrite(&r, "[git@127.0.0.1:2222]:org/x.git");
	cr_expect_null(again);
	expect_rewrite("ssh://work/org/x.git", "ssh://git@127.0.0.1:2222/org/x.git");
	expect_rewrite("ssh://me@WORK:2300/x", "ssh://me@127.0.0.1:2300/x");
	expect_rewrite("me@work:~/x", "[me@127.0.0.1:2222]:~/x");
	expect_rewrite("plain:x", "server.example:x");
	expect_rewrite("keyonly:x", "keyonly:x");
	cr_expect_eq(sshroute_host(&r)->nidentities, 1);
	expect_rewrite("elsewhere:x", NULL);
	cr_expect_not_null(sshroute_host(&r), "defaults are a route too");
	cr_expect_eq(sshroute_host(&r)->port, 22);
	expect_rewrite("https://work/x", NULL);
	cr_expect_null(sshroute_host(&r), "not ssh");
	expect_rewrite("ssh://v6/x", "ssh://[::1]:2200/x");
}

Test(sshroute, notes_and_refusals)
{
	char note[512];

	cr_assert_eq(sshroute_set(&r, "work:x", cfg), 0, "%s", r.why);
	sshroute_note(&r, note, sizeof(note));
	cr_expect(strstr(note, "ssh config: work is git@127.0.0.1:2222 (") ==
	    note && strstr(note, "/config:2)") != NULL, "%s", note);
	cr_assert_eq(sshroute_set(&r, "elsewhere:x", cfg), 0);
	sshroute_note(&r, note, sizeof(note));
	cr_expect_str_eq(note, "", "nothing applied: nothing to say");
	cr_expect_eq(sshroute_set(&r, "jump:x", cfg), -1);
	cr_expect(strstr(r.why, "/config:10: ProxyJump bastion (host jump): "
	    "not supported") != NULL, "%s", r.why);
	cr_expect_eq(sshroute_set(&r, "v6:x", cfg), -1, "scp-like cannot");
	cr_expect(strstr(r.why, "HostName ::1 is an IPv6 address") != NULL,
	    "%s", r.why);
	cr_expect_eq(sshroute_set(&r, "work:x", cfg), 0, "set again");
	cr_expect_str_eq(r.why, "");
}
