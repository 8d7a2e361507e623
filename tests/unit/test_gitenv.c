/*
 * git's configuration environment: which files, and the command-line
 * entries of GIT_CONFIG_COUNT and GIT_CONFIG_PARAMETERS, with git's
 * quoting and git's refusals (git 2.39 dies where these fail).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitenv.h"

static void
clean_env(void)
{
	char var[64];
	int i;

	unsetenv("GIT_CONFIG_SYSTEM");
	unsetenv("GIT_CONFIG_NOSYSTEM");
	unsetenv("GIT_CONFIG_GLOBAL");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_CONFIG_COUNT");
	unsetenv("GIT_CONFIG_PARAMETERS");
	for (i = 0; i < 4; i++) {
		snprintf(var, sizeof(var), "GIT_CONFIG_KEY_%d", i);
		unsetenv(var);
		snprintf(var, sizeof(var), "GIT_CONFIG_VALUE_%d", i);
		unsetenv(var);
	}
	setenv("HOME", "/home/u", 1);
}

#define EXPECT_ENTRY(l, i, name_, value_) do {				\
	cr_assert_lt((i), (l)->n);					\
	cr_expect_str_eq((l)->v[i].name, name_);			\
	if ((value_) == NULL)						\
		cr_expect_null((l)->v[i].value, "%s", name_);		\
	else								\
		cr_expect_str_eq((l)->v[i].value ? (l)->v[i].value :	\
		    "(null)", (value_) ? (value_) : "", "%s", name_);	\
} while (0)

Test(gitenv, files_as_git_looks_for_them, .init = clean_env)
{
	struct gitenv e;
	char err[256];

	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(e.system, "/etc/gitconfig");
	cr_expect_str_eq(e.xdg, "/home/u/.config/git/config");
	cr_expect_str_eq(e.global, "/home/u/.gitconfig");
	gitenv_release(&e);

	setenv("XDG_CONFIG_HOME", "/x", 1);
	setenv("GIT_CONFIG_SYSTEM", "/etc/other", 1);
	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(e.system, "/etc/other");
	cr_expect_str_eq(e.xdg, "/x/git/config");
	gitenv_release(&e);

	/* GIT_CONFIG_GLOBAL replaces both ~/.gitconfig and the XDG file */
	setenv("GIT_CONFIG_GLOBAL", "/tmp/g", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "yes", 1);
	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_expect_null(e.system);
	cr_expect_null(e.xdg);
	cr_expect_str_eq(e.global, "/tmp/g");
	gitenv_release(&e);

	setenv("GIT_CONFIG_NOSYSTEM", "0", 1);
	unsetenv("HOME");
	unsetenv("GIT_CONFIG_GLOBAL");
	unsetenv("XDG_CONFIG_HOME");
	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(e.system, "/etc/other");
	cr_expect_null(e.xdg);
	cr_expect_null(e.global);
	gitenv_release(&e);

	setenv("GIT_CONFIG_NOSYSTEM", "maybe", 1);
	cr_expect_eq(gitenv_read(&e, err, sizeof(err)), -1);
	cr_expect(strstr(err, "GIT_CONFIG_NOSYSTEM") != NULL, "%s", err);
}

Test(gitenv, count_then_parameters, .init = clean_env)
{
	struct gitenv e;
	char err[256];

	setenv("GIT_CONFIG_COUNT", "2", 1);
	setenv("GIT_CONFIG_KEY_0", "URL.git://Mirror/.insteadOf", 1);
	setenv("GIT_CONFIG_VALUE_0", "https://github.com/", 1);
	setenv("GIT_CONFIG_KEY_1", "http.https://Example.com/.extraHeader", 1);
	setenv("GIT_CONFIG_VALUE_1", "", 1);
	setenv("GIT_CONFIG_PARAMETERS", "'core.bare'='true' 'Http.Proxy'", 1);
	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(e.cmdline.n, 4);
	/* section and name lower-cased, the subsection kept */
	EXPECT_ENTRY(&e.cmdline, 0, "url.git://Mirror/.insteadof",
	    "https://github.com/");
	EXPECT_ENTRY(&e.cmdline, 1, "http.https://Example.com/.extraheader", "");
	EXPECT_ENTRY(&e.cmdline, 2, "core.bare", "true");
	EXPECT_ENTRY(&e.cmdline, 3, "http.proxy", NULL);
	gitenv_release(&e);

	setenv("GIT_CONFIG_COUNT", "0", 1);
	cr_assert_eq(gitenv_read(&e, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(e.cmdline.n, 2);
	gitenv_release(&e);
}

#define EXPECT_FAIL(what) do {						\
	struct gitenv e_;						\
	char err_[256];							\
	cr_expect_eq(gitenv_read(&e_, err_, sizeof(err_)), -1);		\
	cr_expect(strstr(err_, what) != NULL, "'%s' not in '%s'", what,	\
	    err_);							\
	cr_expect(strstr(err_, "s3cret") == NULL, "a value in '%s'", err_); \
} while (0)

Test(gitenv, a_bad_count_or_a_missing_key_is_an_error, .init = clean_env)
{
	setenv("GIT_CONFIG_COUNT", "two", 1);
	EXPECT_FAIL("bogus count in GIT_CONFIG_COUNT");
	setenv("GIT_CONFIG_COUNT", "2x", 1);
	EXPECT_FAIL("bogus count in GIT_CONFIG_COUNT");
	setenv("GIT_CONFIG_COUNT", "-1", 1);
	EXPECT_FAIL("too many entries in GIT_CONFIG_COUNT");
	setenv("GIT_CONFIG_COUNT", "99999999999", 1);
	EXPECT_FAIL("too many entries in GIT_CONFIG_COUNT");
	setenv("GIT_CONFIG_COUNT", "2", 1);
	setenv("GIT_CONFIG_KEY_0", "a.b", 1);
	setenv("GIT_CONFIG_VALUE_0", "s3cret", 1);
	EXPECT_FAIL("missing config key GIT_CONFIG_KEY_1");
	setenv("GIT_CONFIG_KEY_1", "a.c", 1);
	EXPECT_FAIL("missing config value GIT_CONFIG_VALUE_1");
	setenv("GIT_CONFIG_VALUE_1", "s3cret", 1);
	setenv("GIT_CONFIG_KEY_1", "nosection", 1);
	EXPECT_FAIL("key does not contain a section: 'nosection' (GIT_CONFIG_KEY_1)");
	setenv("GIT_CONFIG_KEY_1", "a.1b", 1);
	EXPECT_FAIL("invalid key: 'a.1b'");
	setenv("GIT_CONFIG_KEY_1", "", 1);
	EXPECT_FAIL("empty config key");
}

static void
expect_params(const char *text, size_t n, const char *const *want)
{
	struct cfg_list l = CFG_LIST_INIT;
	char err[256];
	size_t i;

	cr_assert_eq(gitenv_parameters(&l, text, err, sizeof(err)), 0,
	    "%s: %s", text, err);
	cr_assert_eq(l.n, n, "%s: %zu entries", text, l.n);
	for (i = 0; i < n; i++) {
		cr_expect_str_eq(l.v[i].name, want[2 * i], "%s", text);
		if (want[2 * i + 1] == NULL)
			cr_expect_null(l.v[i].value, "%s", text);
		else
			cr_expect_str_eq(l.v[i].value ? l.v[i].value : "(null)",
			    want[2 * i + 1], "%s", text);
	}
	cfg_list_release(&l);
}

Test(gitenv, parameters_with_git_quoting)
{
	/* each as git 2.39 reads it (git config --get-regexp) */
	expect_params("'http.extraheader'='AUTHORIZATION: basic eA=='", 1,
	    (const char *const[]){ "http.extraheader", "AUTHORIZATION: basic eA==" });
	expect_params("'a.b'='it'\\''s' 'c.d'='wow'\\!''", 2,
	    (const char *const[]){ "a.b", "it's", "c.d", "wow!" });
	expect_params("'a.b'='x y'\t'c.d'=  ", 2,
	    (const char *const[]){ "a.b", "x y", "c.d", NULL });
	/* the older form: 'key=value', split at the first '=' */
	expect_params("'a.b=c=d' 'e.f'", 2,
	    (const char *const[]){ "a.b", "c=d", "e.f", NULL });
	expect_params("'url.https://x/.insteadOf'=''", 1,
	    (const char *const[]){ "url.https://x/.insteadof", "" });
	expect_params("", 0, NULL);
}

Test(gitenv, bogus_parameters)
{
	/* git 2.39 dies of each (leading white space included) */
	const char *bad[] = {
		"a.b=c", "'a.b", "'a.b'x", "'a.b'='c", "'a.b'='c'x", "'a.b'=c",
		"'=x'", "''", "'nosection'='x'", " 'a.b'='x'",
	};
	struct cfg_list l = CFG_LIST_INIT;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_expect_eq(gitenv_parameters(&l, bad[i], err, sizeof(err)), -1,
		    "%s", bad[i]);
		cfg_list_release(&l);
	}
}

Test(gitenv, booleans)
{
	cr_expect_eq(gitenv_bool(NULL), 1);
	cr_expect_eq(gitenv_bool(""), 0);
	cr_expect_eq(gitenv_bool("TRUE"), 1);
	cr_expect_eq(gitenv_bool("off"), 0);
	cr_expect_eq(gitenv_bool("2"), 1);
	cr_expect_eq(gitenv_bool("0"), 0);
	cr_expect_eq(gitenv_bool("y"), -1);
}
