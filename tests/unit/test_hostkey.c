/*
 * known_hosts checks through libssh2: a match, a changed key, an unknown
 * host, [host]:port entries, recording a new key once, and fingerprints.
 * Linked with libssh2 only (no libgit2), so ASan sees githerd's own use
 * of libssh2 without the suppressions the integration tests need.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "hostkey.h"

#define KEY_PREFIX "\0\0\0\x0bssh-ed25519\0\0\0\x20"
#define KEY_A_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"

static char dir[64], file[128];
static unsigned char key_a[51], key_b[51];

static void
setup(void)
{
	int i;

	cr_assert_eq(libssh2_init(0), 0);
	snprintf(dir, sizeof(dir), "/tmp/githerd-hostkey.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/.ssh/known_hosts", dir);
	memcpy(key_a, KEY_PREFIX, 19);
	memcpy(key_b, KEY_PREFIX, 19);
	for (i = 0; i < 32; i++) {
		key_a[19 + i] = (unsigned char)i;
		key_b[19 + i] = (unsigned char)(32 + i);
	}
}

static void
teardown(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	libssh2_exit();
}

static void
write_known(const char *text)
{
	char d[128];
	FILE *f;

	snprintf(d, sizeof(d), "%s/.ssh", dir);
	mkdir(d, 0700);
	cr_assert_not_null(f = fopen(file, "w"));
	fputs(text, f);
	fclose(f);
}

static enum hostkey_verdict
check(const char *host, int port, const unsigned char *key)
{
	char err[200];

	return hostkey_check(file, host, port, "ssh-ed25519", key, 51, err,
	    sizeof(err));
}

TestSuite(hostkey, .init = setup, .fini = teardown);

Test(hostkey, match_changed_and_unknown)
{
	write_known("# a comment\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_A_B64 " x\n"
	    "git.example.org,192.0.2.1 ssh-ed25519 " KEY_A_B64 "\n");
	cr_expect_eq(check("127.0.0.1", 2222, key_a), HOSTKEY_MATCH);
	cr_expect_eq(check("127.0.0.1", 2222, key_b), HOSTKEY_CHANGED);
	/* The same address on port 22 is another host. */
	cr_expect_eq(check("127.0.0.1", 22, key_a), HOSTKEY_UNKNOWN);
	cr_expect_eq(check("192.0.2.1", 22, key_a), HOSTKEY_MATCH);
	cr_expect_eq(check("git.example.org", 22, key_b), HOSTKEY_CHANGED);
	cr_expect_eq(check("other.example.org", 22, key_a), HOSTKEY_UNKNOWN);
}

Test(hostkey, a_missing_file_knows_nobody)
{
	cr_expect_eq(check("127.0.0.1", 22, key_a), HOSTKEY_UNKNOWN);
}

Test(hostkey, add_records_once_in_openssh_format)
{
	char err[200], line[512];
	FILE *f;
	int n = 0;

	cr_assert_eq(hostkey_add(file, "127.0.0.1", 2222, "ssh-ed25519", key_a,
	    51, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hostkey_add(file, "127.0.0.1", 2222, "ssh-ed25519", key_a,
	    51, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(check("127.0.0.1", 2222, key_a), HOSTKEY_MATCH);
	cr_assert_not_null(f = fopen(file, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		cr_expect_str_eq(line, "[127.0.0.1]:2222 ssh-ed25519 " KEY_A_B64
		    "\n");
	}
	fclose(f);
	cr_expect_eq(n, 1, "the key is recorded once");
	/* A known host with another key is never added to. */
	cr_expect_eq(hostkey_add(file, "127.0.0.1", 2222, "ssh-ed25519", key_b,
	    51, err, sizeof(err)), -1);
}

Test(hostkey, fingerprint_as_ssh_keygen_prints_it)
{
	unsigned char d[32];
	char fp[64];
	int i;

	for (i = 0; i < 32; i++)
		d[i] = (unsigned char)i;
	hostkey_fingerprint(d, fp, sizeof(fp));
	cr_expect_str_eq(fp, "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
}
