/*
 * ssh_config patterns: '*', '?', case, negation, pattern-lists, and no
 * exponential blow-up on many stars.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "sshpattern.h"

Test(sshpattern, wildcards_and_case)
{
	cr_expect(sshpattern_match("*", "github.com-work"));
	cr_expect(sshpattern_match("*", ""));
	cr_expect(sshpattern_match("github.com-*", "github.com-work"));
	cr_expect(sshpattern_match("GitHub.COM-*", "github.com-work"),
	    "host names are compared without case");
	cr_expect(sshpattern_match("g?t*.com", "git.example.com"));
	cr_expect(sshpattern_match("*.example.com", "a.b.example.com"));
	cr_expect(sshpattern_match("*work*", "github.com-work"));
	cr_expect(sshpattern_match("a*b*c", "abc"));
	cr_expect(sshpattern_match("a*b*c", "aXbYbZc"));
	cr_expect_not(sshpattern_match("github.com", "github.com-work"),
	    "a pattern matches the whole name");
	cr_expect_not(sshpattern_match("?", ""));
	cr_expect_not(sshpattern_match("?", "ab"));
	cr_expect_not(sshpattern_match("a*b*c", "aXbYbZ"));
	cr_expect_not(sshpattern_match("*.example.com", "example.com"));
	cr_expect_not(sshpattern_match("", "a"));
}

Test(sshpattern, many_stars_are_linear, .timeout = 2)
{
	char name[20001];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cr_expect_not(sshpattern_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
	cr_expect(sshpattern_match("*a*a*a*a*a*a*a*a*a*a*a*a*", name));
}

Test(sshpattern, negation_rules_a_line_out)
{
	const char *line[] = { "*.example.org", "!secret.example.org" };
	const char *only_neg[] = { "!secret" };

	cr_expect(sshpattern_match_any(line, 2, "git.example.org"));
	cr_expect_not(sshpattern_match_any(line, 2, "secret.example.org"),
	    "a negated match wins over any other");
	cr_expect_not(sshpattern_match_any(line, 2, "elsewhere"));
	cr_expect_not(sshpattern_match_any(only_neg, 1, "anything"),
	    "negations alone match nothing");
	cr_expect_not(sshpattern_match_any(line, 0, "git.example.org"));
}

Test(sshpattern, comma_lists)
{
	cr_expect(sshpattern_match_list("UseKeychain,AddKeys*", "usekeychain"));
	cr_expect(sshpattern_match_list("UseKeychain,AddKeys*",
	    "AddKeysToAgent"));
	cr_expect_not(sshpattern_match_list("Use*,!UseRoaming", "UseRoaming"));
	cr_expect(sshpattern_match_list("Use*,!UseRoaming", "UseKeychain"));
	cr_expect_not(sshpattern_match_list("", "x"));
}
