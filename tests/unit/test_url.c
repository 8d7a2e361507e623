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

/* git's (and libgit2's) scp-like form with a port: "[host:port]:path". */
Test(url, scp_like_with_a_port)
{
	char host[64], port[16], *n;

	check_ok("git@[127.0.0.1:2222]:org/x.git");
	check_ok("[git@127.0.0.1:2222]:org/x.git");
	check_ok("[git.example.org:22]:x");
	check_bad("git@[127.0.0.1:2222:org/x", "']:'");
	check_bad("[h:0]:x", "']:'");
	check_bad("[h:99999]:x", "']:'");
	check_bad("[h:p]:x", "']:'");
	check_bad("[h:22]:-x", "path");
	check_bad("-u@h:x", "start with '-'");
	url_host_port("git@[127.0.0.1:2222]:org/x.git", host, sizeof(host),
	    port, sizeof(port));
	cr_expect_str_eq(host, "127.0.0.1");
	cr_expect_str_eq(port, "2222");
	url_host_port("[git@127.0.0.1:2222]:org/x.git", host, sizeof(host),
	    port, sizeof(port));
	cr_expect_str_eq(host, "127.0.0.1");
	cr_expect_str_eq(port, "2222");
	url_host_port("[::1]:x", host, sizeof(host), port, sizeof(port));
	cr_expect_str_eq(host, "::1");
	cr_expect_str_eq(port, "22");
	n = url_normalize("git@[Host.Example:2222]:org/x.git");
	cr_expect_str_eq(n, "ssh://host.example:2222/org/x");
	free(n);
	n = url_normalize("git@[host.example:22]:org/x.git");
	cr_expect_str_eq(n, "ssh://host.example/org/x", "22 is the default");
	free(n);
}

static void
split_join(const char *url, const char *user, const char *host, int port,
    const char *path, const char *rejoined)
{
	struct url_ssh u;
	char *j;

	cr_assert_eq(url_ssh_split(url, &u), 0, "%s", url);
	if (user == NULL)
		cr_expect_null(u.user, "%s", url);
	else
		cr_expect_str_eq(u.user, user, "%s", url);
	cr_expect_str_eq(u.host, host, "%s", url);
	cr_expect_eq(u.port, port, "%s", url);
	cr_expect_str_eq(u.path, path, "%s", url);
	j = url_ssh_join(&u);
	cr_expect_str_eq(j, rejoined, "%s", url);
	free(j);
	url_ssh_release(&u);
}

Test(url, ssh_urls_in_parts)
{
	struct url_ssh u;
	char *j;

	split_join("github.com-work:org/x.git", NULL, "github.com-work", 0,
	    "org/x.git", "github.com-work:org/x.git");
	split_join("git@h:~/x", "git", "h", 0, "~/x", "git@h:~/x");
	split_join("git@[h:2222]:org/x", "git", "h", 2222, "org/x",
	    "[git@h:2222]:org/x");
	split_join("[git@h:2222]:org/x", "git", "h", 2222, "org/x",
	    "[git@h:2222]:org/x");
	split_join("git@[::1]:x", "git", "::1", 0, "x", "git@[::1]:x");
	split_join("[h:22]:x", NULL, "h", 22, "x", "h:x");
	split_join("[::1]:x", NULL, "::1", 0, "x", "[::1]:x");
	split_join("ssh://git@h/org/x", "git", "h", 0, "/org/x",
	    "ssh://git@h/org/x");
	split_join("ssh://a%40b:secret@h:2222/x", "a@b", "h", 2222, "/x",
	    "ssh://a%40b@h:2222/x");
	split_join("git+ssh://[::1]:2200/x", NULL, "::1", 2200, "/x",
	    "git+ssh://[::1]:2200/x");
	/* Another host, port and user, the same form and path. */
	cr_assert_eq(url_ssh_split("github.com-work:org/x.git", &u), 0);
	free(u.host);
	u.host = xstrdup("127.0.0.1");
	u.port = 2222;
	u.user = xstrdup("git");
	j = url_ssh_join(&u);
	cr_expect_str_eq(j, "[git@127.0.0.1:2222]:org/x.git",
	    "libgit2's form: \"git@[\" would be an IPv6 address");
	free(j);
	free(u.host);
	u.host = xstrdup("::1");
	cr_expect_null(url_ssh_join(&u), "scp-like cannot say [::1] port 2222");
	url_ssh_release(&u);
	cr_expect_eq(url_ssh_split("https://h/x", &u), -1);
	cr_expect_eq(url_ssh_split("/srv/x", &u), -1);
	cr_expect_eq(url_ssh_split("ssh://h:x/y", &u), -1);
	cr_expect_eq(url_ssh_split("ssh:///y", &u), -1);
	cr_expect_eq(url_ssh_split("git@[h:22:x", &u), -1);
}
