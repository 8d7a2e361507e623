/*
 * git's http.<url> matching: normalisation and which section fits best.
 * The expected answers are git 2.39's (`git config --get-urlmatch`).
 */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "urlmatch.h"

#define EXPECT_NORM(in, scheme_, user_, host_, port_, path_) do {	\
	struct urlmatch_url u_;						\
	cr_assert_eq(urlmatch_parse(&u_, in, false), 0, "%s", in);	\
	cr_expect_str_eq(u_.scheme, scheme_, "%s", in);			\
	if ((user_) == NULL)						\
		cr_expect_null(u_.user, "%s", in);			\
	else								\
		cr_expect_str_eq(u_.user ? u_.user : "(none)",		\
		    (user_) ? (user_) : "", "%s", in);			\
	cr_expect_str_eq(u_.host, host_, "%s", in);			\
	cr_expect_str_eq(u_.port, port_, "%s", in);			\
	cr_expect_str_eq(u_.path, path_, "%s", in);			\
	urlmatch_release(&u_);						\
} while (0)

Test(urlmatch, normalises_as_git_compares)
{
	EXPECT_NORM("HTTPS://Example.COM", "https", NULL, "example.com", "", "/");
	EXPECT_NORM("https://example.com:443/a", "https", NULL, "example.com", "",
	    "/a");
	EXPECT_NORM("http://example.com:0080/a/", "http", NULL, "example.com", "",
	    "/a/");
	EXPECT_NORM("https://example.com:08443/a", "https", NULL, "example.com",
	    "8443", "/a");
	EXPECT_NORM("https://me:pw@example.com/x", "https", "me", "example.com",
	    "", "/x");
	EXPECT_NORM("https://example.com/a/./b/../c", "https", NULL,
	    "example.com", "", "/a/c");
	EXPECT_NORM("https://example.com/a/.", "https", NULL, "example.com", "",
	    "/a/");
	EXPECT_NORM("https://example.com/a/..", "https", NULL, "example.com", "",
	    "/");
	/* unreserved escapes decoded, reserved kept, hex upper case */
	EXPECT_NORM("https://example.com/%7euser/%2fx%2F/%41", "https", NULL,
	    "example.com", "", "/~user/%2Fx%2F/A");
	EXPECT_NORM("https://example.com/a b", "https", NULL, "example.com", "",
	    "/a%20b");
	EXPECT_NORM("https://example.com/p?q=1#f", "https", NULL, "example.com",
	    "", "/p");
	EXPECT_NORM("https://[::1]:8443/x", "https", NULL, "[::1]", "8443", "/x");
}

Test(urlmatch, refuses_what_git_refuses)
{
	struct urlmatch_url u;
	const char *bad[] = {
		"example.com/x", "git@example.com:x.git", "1http://x/",
		"https:///x", "https://example.com:99999/", "https://example.com:0/",
		"https://example.com:8a/", "https://ex%41mple.com/",
		"https://example.com/%zz", "https://example.com/%4",
		"https://example.com/..", "https://*.example.com/",
		"file://host:1/x",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(urlmatch_parse(&u, bad[i], false), -1, "%s", bad[i]);
	cr_expect_eq(urlmatch_parse(&u, "https://*.example.com/", true), 0);
	urlmatch_release(&u);
	cr_expect_eq(urlmatch_parse(&u, "file:///srv/x", false), 0);
	cr_expect_str_eq(u.host, "");
	urlmatch_release(&u);
}

static bool
fits(const char *url, const char *pattern, struct urlmatch_fit *fit)
{
	struct urlmatch_url u, p;
	bool ok;

	cr_assert_eq(urlmatch_parse(&u, url, false), 0, "%s", url);
	cr_assert_eq(urlmatch_parse(&p, pattern, true), 0, "%s", pattern);
	ok = urlmatch_match(&u, &p, fit);
	urlmatch_release(&u);
	urlmatch_release(&p);
	return ok;
}

Test(urlmatch, scheme_host_port_path_and_user)
{
	struct urlmatch_fit f;

	cr_expect(fits("https://example.com/a/b", "https://example.com", &f));
	cr_expect_eq(f.path, 1);
	cr_expect(fits("https://example.com/a/b", "https://example.com/a/", &f));
	cr_expect_eq(f.path, 3);
	cr_expect(fits("https://example.com/a", "https://example.com/a/", &f));
	cr_expect(!fits("https://example.com/ab", "https://example.com/a", &f));
	cr_expect(!fits("http://example.com/", "https://example.com/", &f));
	cr_expect(!fits("https://example.com:8443/", "https://example.com/", &f));
	cr_expect(fits("https://example.com:443/", "https://example.com/", &f));
	cr_expect(!fits("https://example.com.evil/", "https://example.com/", &f));
	cr_expect(!fits("https://evilexample.com/", "https://example.com/", &f));
	/* "*" is one label, no more, no less */
	cr_expect(fits("https://foo.example.com/", "https://*.example.com/", &f));
	cr_expect_eq(f.host, 13);
	cr_expect(!fits("https://a.b.example.com/", "https://*.example.com/", &f));
	cr_expect(!fits("https://example.com/", "https://*.example.com/", &f));
	/* a user in the section must be the URL's; none matches any */
	cr_expect(fits("https://me@example.com/", "https://example.com/", &f));
	cr_expect(!f.user);
	cr_expect(fits("https://me@example.com/", "https://me@example.com/", &f));
	cr_expect(f.user);
	cr_expect(!fits("https://you@example.com/", "https://me@example.com/", &f));
	cr_expect(!fits("https://example.com/", "https://me@example.com/", &f));
}

Test(urlmatch, host_then_path_then_user_decides)
{
	struct urlmatch_fit wild = { 13, 1, false }, exact = { 15, 1, false },
	    path = { 11, 4, false }, user = { 11, 4, true };

	cr_expect_gt(urlmatch_cmp(&exact, &wild), 0);
	cr_expect_gt(urlmatch_cmp(&wild, &path), 0);
	cr_expect_gt(urlmatch_cmp(&user, &path), 0);
	cr_expect_eq(urlmatch_cmp(&user, &user), 0);
}
