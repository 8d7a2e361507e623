/*
 * Extra CAs: checked for a PEM certificate, appended to the system
 * bundle, each file once, nothing written when nothing is extra.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cabundle.h"

static char dir[64];

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static char *
path(const char *name)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static char *
slurp(const char *file)
{
	static char b[4096];
	FILE *f = fopen(file, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(b, 1, sizeof(b) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/githerd-ca.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	put("system.pem", "-----BEGIN CERTIFICATE-----\nSYS\n-----END CERTIFICATE-----\n");
	put("a.pem", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----");
	put("junk.pem", "not a certificate\n");
	setenv("GITHERD_TEST_SYSTEM_CA", path("system.pem"), 1);
	unsetenv("GIT_SSL_CAINFO");
	unsetenv("SSL_CERT_FILE");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(cabundle, .init = setup, .fini = teardown);

Test(cabundle, check_wants_a_pem_certificate)
{
	char err[256];

	cr_expect_eq(cabundle_check(path("a.pem"), err, sizeof(err)), 0);
	cr_expect_eq(cabundle_check(path("junk.pem"), err, sizeof(err)), -1);
	cr_expect(strstr(err, "no PEM certificate") != NULL, "%s", err);
	cr_expect_eq(cabundle_check(path("nosuch.pem"), err, sizeof(err)), -1);
	cr_expect(strstr(err, "No such file") != NULL, "%s", err);
}

Test(cabundle, system_first_then_each_extra_once)
{
	char err[256], *b;

	setenv("GIT_SSL_CAINFO", path("a.pem"), 1);	/* same as --ca-file */
	setenv("SSL_CERT_FILE", path("system.pem"), 1);	/* the system's */
	cr_assert_not_null(b = cabundle_combine(path("a.pem"), NULL, dir, err,
	    sizeof(err)), "%s", err);
	cr_expect_str_eq(slurp(b),
	    "-----BEGIN CERTIFICATE-----\nSYS\n-----END CERTIFICATE-----\n"
	    "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n");
	unlink(b);
	free(b);
}

Test(cabundle, nothing_extra_writes_nothing)
{
	char err[256];

	setenv("SSL_CERT_FILE", path("system.pem"), 1);
	cr_expect_null(cabundle_combine(NULL, NULL, dir, err, sizeof(err)));
	cr_expect_str_eq(err, "");
	cr_expect_null(cabundle_combine(path("nosuch.pem"), NULL, dir, err,
	    sizeof(err)));
	cr_expect(strstr(err, "nosuch.pem") != NULL, "%s", err);
}

/* git's http.sslCAInfo adds its file; GIT_SSL_CAINFO, which git takes
 * instead of it, leaves it out. */
Test(cabundle, config_file_unless_git_ssl_cainfo)
{
	char err[256], *b;

	put("b.pem", "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n");
	cr_assert_not_null(b = cabundle_combine(NULL, path("b.pem"), dir, err,
	    sizeof(err)), "%s", err);
	cr_expect(strstr(slurp(b), "\nB\n") != NULL);
	cr_expect(strstr(slurp(b), "\nSYS\n") != NULL);
	unlink(b);
	free(b);
	setenv("GIT_SSL_CAINFO", path("a.pem"), 1);
	cr_assert_not_null(b = cabundle_combine(NULL, path("b.pem"), dir, err,
	    sizeof(err)), "%s", err);
	cr_expect(strstr(slurp(b), "\nB\n") == NULL);
	cr_expect(strstr(slurp(b), "\nA\n") != NULL);
	unlink(b);
	free(b);
}
