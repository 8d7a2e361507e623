#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "xmalloc.h"

Test(url, schemes)
{
	cr_expect_eq(url_scheme("https://h/x"), URL_HTTPS);
	cr_expect_eq(url_scheme("http://h/x"), URL_HTTP);
	cr_expect_eq(url_scheme("git://h/x"), URL_GIT);
	cr_expect_eq(url_scheme("ssh://git@h/x"), URL_SSH);
	cr_expect_eq(url_scheme("git+ssh://h/x"), URL_SSH);
	cr_expect_eq(url_scheme("git@h:org/x.git"), URL_SCP);
	cr_expect_eq(url_scheme("h:x"), URL_SCP);
	cr_expect_eq(url_scheme("file:///x"), URL_FILE);
	cr_expect_eq(url_scheme("/srv/x.git"), URL_LOCAL);
	cr_expect_eq(url_scheme("./x"), URL_LOCAL);
	cr_expect_eq(url_scheme("a/b:c"), URL_LOCAL, "slash before colon");
	cr_expect_eq(url_scheme("ftp://h/x"), URL_UNKNOWN);
}

static void
check_ok(const char *u)
{
	char err[256];

	cr_expect_eq(url_check(u, false, err, sizeof(err)), 0, "%s: %s", u, err);
}

static void
check_bad(const char *u, const char *why)
{
	char err[256] = "";

	cr_expect_eq(url_check(u, false, err, sizeof(err)), -1, "%s accepted", u);
	cr_expect(strstr(err, why) != NULL, "%s: '%s'", u, err);
}

Test(url, check)
{
	check_ok("https://github.com/libgit2/libgit2.git");
	check_ok("git://127.0.0.1:9418/x.git");
	check_ok("git@github.com:org/x.git");
	check_ok("ssh://git@host:2222/x.git");
	check_ok("https://user:tok@host/x.git");
	check_bad("", "empty");
	check_bad("file:///etc", "local");
	check_bad("/home/a/private.git", "local");
	check_bad("../sibling", "local");
	check_bad("ext::sh -c x", "space");
	check_bad("ext::sh", "'ext::'");
	check_bad("fd::3", "'fd::'");
	check_bad("-u/x", "start with '-'");
	check_bad("ssh://-oProxyCommand=x/y", "host");
	check_bad("git@-oProxy:x", "host");
	check_bad("host:-x", "path");
	check_bad("https:///x", "no host");
	check_bad("https://h/a\nb", "control");
	check_bad("ftp://h/x", "unsupported");
	check_ok("http://[::1]:8080/x.git");
	check_ok("https://[::1]/x.git");
	check_bad("ssh://h:-22/x", "port");
	check_bad("ssh://h:/x", "port");
	check_bad("http://h:99999/x", "port");
	check_bad("http://[::1]:x/x", "port");
	check_bad("ssh://-oProxyCommand=x@h/y", "user");
	{
		char err[256];

		cr_expect_eq(url_check("/srv/x.git", true, err, sizeof(err)), 0);
		cr_expect_eq(url_check("file:///srv/x.git", true, err,
		    sizeof(err)), 0);
		cr_expect_eq(url_check("-x", true, err, sizeof(err)), -1,
		    "--allow-local does not allow a leading '-'");
	}
}

static void
redact(const char *in, const char *want)
{
	char *got = url_redact(in);

	cr_expect_str_eq(got, want);
	free(got);
}

Test(url, redaction)
{
	redact("https://h/x.git", "https://h/x.git");
	redact("https://user:s3cret@h/x.git", "https://***@h/x.git");
	redact("https://ghp_TOKEN@h/x.git", "https://***@h/x.git");
	redact("ssh://git@h/x.git", "ssh://git@h/x.git");
	redact("ssh://git:pw@h/x.git", "ssh://git:***@h/x.git");
	redact("git@h:x.git", "git@h:x.git");
	redact("https://h/path@with/at", "https://h/path@with/at");
}

static void
strip(const char *in, const char *want)
{
	char *got = url_strip_secrets(in);

	cr_expect_str_eq(got, want);
	free(got);
}

Test(url, secrets_never_stored)
{
	strip("https://user:tok@h/x.git", "https://h/x.git");
	strip("https://tok@h/x.git", "https://h/x.git");
	strip("http://h/x.git", "http://h/x.git");
	strip("ssh://git:pw@h/x.git", "ssh://git@h/x.git");
	strip("ssh://git@h/x.git", "ssh://git@h/x.git");
	strip("git@h:x.git", "git@h:x.git");
}

Test(url, redaction_in_text)
{
	char *t = xstrdup("failed for https://u:SEKRET123@h/x (SEKRET123)");

	url_redact_text(t, "https://u:SEKRET123@h/x");
	cr_expect(strstr(t, "SEKRET") == NULL, "%s", t);
	cr_expect_str_eq(t, "failed for https://***@h/x (***)");
	free(t);
	t = xstrdup("token ghp_abc leaked twice: ghp_abc");
	url_redact_text(t, "https://ghp_abc@h/x");
	cr_expect_str_eq(t, "token *** leaked twice: ***");
	free(t);
	t = xstrdup("ssh://git:pw1234@h/x said pw1234; user git stays");
	url_redact_text(t, "ssh://git:pw1234@h/x");
	cr_expect_str_eq(t, "ssh://git:***@h/x said ***; user git stays");
	free(t);
}

static void
name(const char *url, bool bare, const char *want)
{
	char *got = url_default_path(url, bare);

	if (want == NULL) {
		cr_expect_null(got, "%s -> %s", url, got);
		return;
	}
	cr_assert_not_null(got, "%s", url);
	cr_expect_str_eq(got, want);
	free(got);
}

Test(url, default_path)
{
	name("https://h/org/repo.git", false, "repo");
	name("https://h/org/repo", false, "repo");
	name("https://h/org/repo.git/", false, "repo");
	name("https://h/org/repo.git", true, "repo.git");
	name("https://h/org/repo", true, "repo.git");
	name("git@h:org/repo.git", false, "repo");
	name("git@h:repo.git", false, "repo");
	name("https://h/x?y=1", false, "x");
	name("https://h/", false, NULL);
	name("https://h/.git", false, NULL);
	name("https://h/..", false, NULL);
}

Test(url, shallow_transports)
{
	cr_expect(url_supports_shallow("https://h/x"));
	cr_expect(url_supports_shallow("http://h/x"));
	cr_expect(!url_supports_shallow("git://h/x"));
	cr_expect(!url_supports_shallow("ssh://h/x"));
	cr_expect(!url_supports_shallow("h:x"));
}

static void
same(const char *a, const char *b)
{
	char *x = url_normalize(a), *y = url_normalize(b);

	cr_expect_str_eq(x, y, "%s ~ %s", a, b);
	free(x);
	free(y);
}

static void
differ(const char *a, const char *b)
{
	char *x = url_normalize(a), *y = url_normalize(b);

	cr_expect_str_neq(x, y, "%s !~ %s", a, b);
	free(x);
	free(y);
}

Test(url, normalize)
{
	char *n = url_normalize("HTTPS://User:pw@Example.COM:443/Org/Repo.git/");

	cr_expect_str_eq(n, "https://example.com/Org/Repo");
	free(n);
	same("https://h/x.git", "https://h/x");
	same("https://h/x", "https://h/x/");
	same("https://h:443/x", "https://h/x");
	same("git://h:9418/x.git", "git://h/x");
	same("git@github.com:org/x.git", "ssh://git@github.com/org/x");
	same("ssh://git@h:22/org/x.git", "git@h:org/x.git");
	same("git+ssh://h/x", "ssh://h/x");
	same("https://tok@h/x", "https://h/x");
	differ("https://h/x", "http://h/x");
	differ("https://h:8443/x", "https://h/x");
	differ("https://h/Org/x", "https://h/org/x");
	differ("https://h/a/x", "https://h/b/x");
	differ("git://h/x", "git://g/x");
}
