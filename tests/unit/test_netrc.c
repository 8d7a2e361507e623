/*
 * ~/.netrc lookups: machine entries, default, macdef, quoting.
 */
#include <criterion/criterion.h>

#include "netrc.h"

static const char rc[] =
    "# a comment, with an odd number of words\n"
    "machine git.example.org login alice password s3cret\n"
    "macdef init\n"
    "cd /pub\n"
    "machine fake login no password no\n"
    "\n"
    "machine 127.0.0.1\n"
    "    login bob\n"
    "    password \"with space\"\n"
    "machine GIT.Other.org password only-a-token\n"
    "default login anon password anon-pass\n";

Test(netrc, machine_entries_in_any_layout)
{
	char login[64], pass[64];

	cr_assert_eq(netrc_lookup(rc, "git.example.org", login, sizeof(login),
	    pass, sizeof(pass)), 0);
	cr_expect_str_eq(login, "alice");
	cr_expect_str_eq(pass, "s3cret");
	cr_assert_eq(netrc_lookup(rc, "127.0.0.1", login, sizeof(login), pass,
	    sizeof(pass)), 0);
	cr_expect_str_eq(login, "bob");
	cr_expect_str_eq(pass, "with space");
	/* Host names are case-insensitive; a login may be missing. */
	cr_assert_eq(netrc_lookup(rc, "git.other.org", login, sizeof(login),
	    pass, sizeof(pass)), 0);
	cr_expect_str_eq(login, "");
	cr_expect_str_eq(pass, "only-a-token");
}

Test(netrc, macdef_bodies_are_not_entries)
{
	char login[64], pass[64];

	/* "machine fake" sits inside the macdef body, up to the blank line. */
	cr_assert_eq(netrc_lookup(rc, "fake", login, sizeof(login), pass,
	    sizeof(pass)), 0);
	cr_expect_str_eq(login, "anon", "fell through to default");
}

Test(netrc, default_and_nothing)
{
	static const char nodefault[] = "machine a login x password y\n";
	char login[64], pass[64];

	cr_assert_eq(netrc_lookup(rc, "elsewhere", login, sizeof(login), pass,
	    sizeof(pass)), 0);
	cr_expect_str_eq(pass, "anon-pass");
	cr_expect_eq(netrc_lookup(nodefault, "b", login, sizeof(login), pass,
	    sizeof(pass)), -1);
	cr_expect_eq(netrc_lookup("", "b", login, sizeof(login), pass,
	    sizeof(pass)), -1);
}
