/*
 * One URL's view of git's configuration: insteadOf as git picks it, and
 * http.<url>.proxy / extraHeader / sslCAInfo by git's matching, order
 * included.  Where it says "git", git 2.39 gave that answer.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "gitenv.h"
#include "urlconfig.h"

/* entries: name, value pairs; "\x01" stands for a key without value */
static struct cfg_list
list_of(const char *const *kv, size_t n)
{
	struct cfg_list l = CFG_LIST_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		cfg_list_add(&l, kv[2 * i], strcmp(kv[2 * i + 1], "\x01") == 0 ?
		    NULL : kv[2 * i + 1]);
	return l;
}

#define LIST(...) list_of((const char *const[]){ __VA_ARGS__ },		\
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *) / 2)

static char *
rewritten(const struct cfg_list *l, const char *url)
{
	struct urlconfig uc;
	char err[256], *out;

	cr_assert_eq(urlconfig_resolve(&uc, url, l, err, sizeof(err)), 0,
	    "%s: %s", url, err);
	out = strdup(uc.url);
	urlconfig_release(&uc);
	return out;
}

#define EXPECT_URL(l, url, want) do {					\
	char *u_ = rewritten(l, url);					\
	cr_expect_str_eq(u_, want, "%s", url);				\
	free(u_);							\
} while (0)

Test(urlconfig, insteadof_longest_prefix_first_base_on_a_tie)
{
	struct cfg_list l = LIST(
	    "url.A.insteadof", "x",
	    "url.B.insteadof", "yy",
	    "url.A.insteadof", "yy",
	    "url.git://mirror/.insteadof", "https://github.com/",
	    "url.git://deep/.insteadof", "https://github.com/org/",
	    "url.ssh://push/.pushinsteadof", "https://github.com/");

	EXPECT_URL(&l, "yyfoo", "Afoo");	/* git: A, the base seen first */
	EXPECT_URL(&l, "xfoo", "Afoo");
	EXPECT_URL(&l, "https://github.com/a/b", "git://mirror/a/b");
	EXPECT_URL(&l, "https://github.com/org/b", "git://deep/b");
	EXPECT_URL(&l, "https://gitlab.com/a", "https://gitlab.com/a");
	cfg_list_release(&l);
	/* an empty insteadOf is every URL's prefix (git: "Czz") */
	l = LIST("url.C.insteadof", "", "url.D.insteadof", "zz");
	EXPECT_URL(&l, "zzfoo", "Dfoo");
	EXPECT_URL(&l, "other", "Cother");
	cfg_list_release(&l);
}

#define EXPECT_ERR(l, url, what) do {					\
	struct urlconfig uc_;						\
	char err_[256];							\
	cr_expect_eq(urlconfig_resolve(&uc_, url, l, err_, sizeof(err_)), -1); \
	cr_expect(strstr(err_, what) != NULL, "'%s' not in '%s'", what,	\
	    err_);							\
	cr_expect(strstr(err_, "s3cret") == NULL, "a value: %s", err_);	\
} while (0)

Test(urlconfig, a_key_without_value_is_refused)
{
	struct cfg_list l = LIST("url.X.insteadof", "\x01");

	EXPECT_ERR(&l, "https://h/x", "url.X.insteadof: missing value");
	cfg_list_release(&l);
	l = LIST("http.https://h/.extraheader", "\x01");
	EXPECT_ERR(&l, "https://h/x", "http.https://h/.extraheader: missing value");
	/* not this URL's: git never looks at it */
	EXPECT_URL(&l, "https://other/x", "https://other/x");
	cfg_list_release(&l);
}

static struct urlconfig
resolved(const struct cfg_list *l, const char *url)
{
	struct urlconfig uc;
	char err[256];

	cr_assert_eq(urlconfig_resolve(&uc, url, l, err, sizeof(err)), 0,
	    "%s: %s", url, err);
	return uc;
}

/* The same sections as the git config --get-urlmatch run in test_urlmatch. */
Test(urlconfig, proxy_by_the_best_section)
{
	struct cfg_list l = LIST(
	    "http.proxy", "generic",
	    "http.https://example.com.proxy", "host",
	    "http.https://*.example.com/.proxy", "wild",
	    "http.https://example.com/a/b.proxy", "pathab",
	    "http.https://me@example.com/a.proxy", "usera",
	    "http.https://example.com:8443/.proxy", "port",
	    "http.https://EXAMPLE.com:443/a/%62/c.proxy", "enc",
	    "http.not a url.proxy", "ignored");
	const char *cases[][2] = {
		{ "https://example.com/", "host" },
		{ "https://me@example.com/a/x", "usera" },
		{ "https://example.com/a/b/c", "enc" },
		{ "https://example.com/a/bc", "host" },
		{ "https://foo.example.com/x", "wild" },
		{ "https://a.b.example.com/", "generic" },
		{ "https://example.com:8443/x", "port" },
		{ "http://example.com/", "generic" },
		{ "https://example.com/a/./b/../b/c", "enc" },
		{ "https://you@example.com/a", "host" },
		{ "https://example.com/a/b%2fc", "host" },
	};
	struct urlconfig uc;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uc = resolved(&l, cases[i][0]);
		cr_expect_str_eq(uc.proxy ? uc.proxy : "(none)", cases[i][1],
		    "%s", cases[i][0]);
		urlconfig_release(&uc);
	}
	cfg_list_release(&l);
	/* a worse fit later is skipped, an equal one wins (git: host-again) */
	l = LIST("http.https://example.com.proxy", "host",
	    "http.proxy", "generic-later",
	    "http.https://example.com/.proxy", "host-again");
	uc = resolved(&l, "https://example.com/z");
	cr_expect_str_eq(uc.proxy, "host-again");
	urlconfig_release(&uc);
	/* and nothing http for other transports */
	uc = resolved(&l, "git://example.com/z");
	cr_expect_null(uc.proxy);
	urlconfig_release(&uc);
	cfg_list_release(&l);
}

Test(urlconfig, extra_headers_add_up_and_an_empty_one_resets)
{
	struct cfg_list l = LIST(
	    "http.extraheader", "X-All: 1",
	    "http.https://a.example/.extraheader", "AUTHORIZATION: basic s3cret",
	    "http.https://b.example/.extraheader", "X-B: 2",
	    "http.https://a.example/.extraheader", "X-A2: 3");
	struct urlconfig uc = resolved(&l, "https://a.example/org/repo.git");

	cr_assert_eq(uc.nheaders, 3);
	cr_expect_str_eq(uc.headers[0], "X-All: 1");
	cr_expect_str_eq(uc.headers[1], "AUTHORIZATION: basic s3cret");
	cr_expect_str_eq(uc.headers[2], "X-A2: 3");
	urlconfig_release(&uc);
	/* another server gets none of a.example's */
	uc = resolved(&l, "https://b.example/x");
	cr_assert_eq(uc.nheaders, 2);
	cr_expect_str_eq(uc.headers[1], "X-B: 2");
	urlconfig_release(&uc);
	/* nor does a.example over plain http, or on another port */
	uc = resolved(&l, "http://a.example/x");
	cr_expect_eq(uc.nheaders, 1);
	urlconfig_release(&uc);
	uc = resolved(&l, "https://a.example:8443/x");
	cr_expect_eq(uc.nheaders, 1);
	urlconfig_release(&uc);
	cfg_list_release(&l);

	/* the generic one after a specific one fits worse: skipped */
	l = LIST("http.https://a.example/.extraheader", "X-A: 1",
	    "http.extraheader", "X-All: 1",
	    "http.https://a.example/.extraheader", "",
	    "http.https://a.example/.extraheader", "X-A: 2");
	uc = resolved(&l, "https://a.example/x");
	cr_assert_eq(uc.nheaders, 1);
	cr_expect_str_eq(uc.headers[0], "X-A: 2");
	urlconfig_release(&uc);
	cfg_list_release(&l);
}

Test(urlconfig, headers_libgit2_will_not_send_are_refused_without_their_value)
{
	const char *bad[] = {
		"no colon s3cret", ": s3cret", "X-A: s3cret\r\nX-B: 1",
		"Bad Name: s3cret", "Host: s3cret", "content-length: s3cret",
		"Ho: s3cret",
	};
	struct cfg_list l;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		l = LIST("http.extraheader", bad[i]);
		EXPECT_ERR(&l, "https://h/x", "http.extraheader: ");
		cfg_list_release(&l);
	}
	l = LIST("http.extraheader", "Host: s3cret");
	EXPECT_ERR(&l, "https://h/x", "'Host' is a header libgit2 writes itself");
	cfg_list_release(&l);
	l = LIST("http.extraheader", "X-Empty:");
	struct urlconfig uc = resolved(&l, "https://h/x");
	cr_expect_eq(uc.nheaders, 1);
	urlconfig_release(&uc);
	cfg_list_release(&l);
}

Test(urlconfig, ssl_ca_info_last_wins_home_expanded)
{
	struct cfg_list l = LIST("http.sslcainfo", "/etc/a.pem",
	    "http.https://h/.sslcainfo", "~/ca.pem",
	    "http.sslcainfo", "/etc/generic-later.pem");
	struct urlconfig uc;

	setenv("HOME", "/home/u", 1);
	uc = resolved(&l, "https://h/x");
	cr_expect_str_eq(uc.cainfo, "/home/u/ca.pem");
	urlconfig_release(&uc);
	uc = resolved(&l, "https://other/x");
	cr_expect_str_eq(uc.cainfo, "/etc/generic-later.pem");
	urlconfig_release(&uc);
	cfg_list_release(&l);
}

Test(urlconfig, http_keys_apply_to_the_rewritten_url)
{
	struct cfg_list l = LIST(
	    "url.https://mirror.example/.insteadof", "https://example.invalid/",
	    "http.https://mirror.example/.extraheader", "X-M: 1",
	    "http.https://example.invalid/.extraheader", "X-I: 1");
	struct urlconfig uc = resolved(&l, "https://example.invalid/r.git");

	cr_expect_str_eq(uc.url, "https://mirror.example/r.git");
	cr_assert_eq(uc.nheaders, 1);
	cr_expect_str_eq(uc.headers[0], "X-M: 1");
	urlconfig_release(&uc);
	cfg_list_release(&l);
}
