/*
 * Which proxy a URL takes: git's http.proxy first, then the environment
 * by scheme, no_proxy, and never for git:// or ssh.
 */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "proxy.h"

static void
clean_env(void)
{
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
}

#define EXPECT_PROXY(url, config, want) do {				\
	char *p_ = proxy_for(url, config);				\
	if ((want) == NULL)						\
		cr_expect_null(p_, "%s: got %s", url, p_);		\
	else								\
		cr_expect_str_eq(p_ ? p_ : "(none)", (want) ? (want) : "", \
		    "%s", url);						\
	free(p_);							\
} while (0)

Test(proxy, by_scheme_from_the_environment, .init = clean_env)
{
	setenv("http_proxy", "http://p1:3128", 1);
	setenv("HTTPS_PROXY", "p2:8080", 1);
	EXPECT_PROXY("http://git.example.org/a.git", NULL, "http://p1:3128");
	EXPECT_PROXY("https://git.example.org/a.git", NULL, "http://p2:8080");
	EXPECT_PROXY("git://git.example.org/a.git", NULL, NULL);
	EXPECT_PROXY("ssh://git.example.org/a.git", NULL, NULL);
	EXPECT_PROXY("git@git.example.org:a.git", NULL, NULL);
	/* git's http.proxy wins, and no_proxy does not apply to it. */
	setenv("no_proxy", "example.org", 1);
	EXPECT_PROXY("https://git.example.org/a.git", "cfg:1", "http://cfg:1");
	EXPECT_PROXY("https://git.example.org/a.git", NULL, NULL);
	EXPECT_PROXY("https://example.com/a.git", NULL, "http://p2:8080");
}

Test(proxy, an_empty_config_value_means_none, .init = clean_env)
{
	setenv("https_proxy", "http://p2:8080", 1);
	EXPECT_PROXY("https://git.example.org/a.git", "", NULL);
}

Test(proxy, no_proxy_lists)
{
	cr_expect(proxy_bypassed("*", "anything"));
	cr_expect(proxy_bypassed("localhost, 127.0.0.1", "127.0.0.1"));
	cr_expect(proxy_bypassed(".example.org", "git.example.org"));
	cr_expect(proxy_bypassed("example.org", "git.EXAMPLE.org"));
	cr_expect(proxy_bypassed("example.org", "example.org"));
	cr_expect(!proxy_bypassed("example.org", "badexample.org"));
	cr_expect(!proxy_bypassed("", "example.org"));
	cr_expect(!proxy_bypassed(NULL, "example.org"));
}

Test(proxy, host_and_port)
{
	char h[64], p[16];

	cr_assert_eq(proxy_host_port("http://user:pw@proxy.lan:3128/", h,
	    sizeof(h), p, sizeof(p)), 0);
	cr_expect_str_eq(h, "proxy.lan");
	cr_expect_str_eq(p, "3128");
	cr_assert_eq(proxy_host_port("http://[::1]:8080", h, sizeof(h), p,
	    sizeof(p)), 0);
	cr_expect_str_eq(h, "::1");
	cr_expect_str_eq(p, "8080");
	cr_assert_eq(proxy_host_port("proxy.lan", h, sizeof(h), p, sizeof(p)),
	    0);
	cr_expect_str_eq(p, "1080");
	cr_expect_eq(proxy_host_port("http://:80", h, sizeof(h), p, sizeof(p)),
	    -1);
	cr_expect_eq(proxy_host_port("http://h:8x", h, sizeof(h), p, sizeof(p)),
	    -1);
}
