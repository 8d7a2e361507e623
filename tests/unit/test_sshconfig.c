/*
 * ssh_config for one host: syntax, Host blocks, the first value winning,
 * Include, tokens, what is used, ignored or refused (with file:line), and
 * hostile files.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshconfig.h"

static char home[64];
static char err[1024];
static struct sshconfig_host h;

static char *
path(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", home, name);
	return p[i];
}

static void
put(const char *name, const char *text)
{
	FILE *f;

	cr_assert_not_null(f = fopen(path(name), "w"), "%s", name);
	fputs(text, f);
	fclose(f);
	chmod(path(name), 0644);
}

static void
setup(void)
{
	snprintf(home, sizeof(home), "/tmp/githerd-sshcfg.XXXXXX");
	cr_assert_not_null(mkdtemp(home));
	cr_assert_eq(mkdir(path(".ssh"), 0700), 0);
	cr_assert_eq(mkdir(path(".ssh/conf.d"), 0700), 0);
	put("system", "");
}

static void
teardown(void)
{
	char cmd[128];

	sshconfig_host_release(&h);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(sshconfig, .init = setup, .fini = teardown);

/* host as a URL names it, with the URL's user and port; file NULL: ~/.ssh/config */
static int
resolve_full(const char *file, const char *host, const char *user, int port)
{
	struct sshconfig_query q = {
		.host = host, .user = user, .port = port, .file = file,
		.system_file = path("system"), .home = home,
		.local_user = "me",
	};

	sshconfig_host_release(&h);
	return sshconfig_resolve(&q, &h, err, sizeof(err));
}

static int
resolve(const char *host)
{
	return resolve_full(NULL, host, NULL, 0);
}

Test(sshconfig, an_alias_with_everything)
{
	put(".ssh/config",
	    "# two accounts on one forge\n"
	    "Host github.com-work\n"
	    "    HostName 127.0.0.1\n"
	    "    Port 2222\n"
	    "    User git\n"
	    "    IdentityFile ~/.ssh/work_ed25519\n"
	    "    IdentitiesOnly yes\n"
	    "    UserKnownHostsFile ~/.ssh/kh_work\n"
	    "    StrictHostKeyChecking accept-new\n"
	    "\n"
	    "Host *\n"
	    "    ServerAliveInterval 60\n"
	    "    User nobody\n");
	cr_assert_eq(resolve("github.com-work"), 0, "%s", err);
	cr_expect_str_eq(h.alias, "github.com-work");
	cr_expect_str_eq(h.hostname, "127.0.0.1");
	cr_expect_eq(h.port, 2222);
	cr_expect_str_eq(h.user, "git", "the first User obtained wins");
	cr_assert_eq(h.nidentities, 1);
	cr_expect_str_eq(h.identities[0], path(".ssh/work_ed25519"));
	cr_expect(h.identities_only);
	cr_expect(h.known_hosts_set);
	cr_assert_eq(h.nknown_hosts, 1);
	cr_expect_str_eq(h.known_hosts[0], path(".ssh/kh_work"));
	cr_expect_eq(h.strict, SSHCONFIG_STRICT_ACCEPT_NEW);
	cr_expect(h.applied);
	cr_expect_str_eq(h.where, path(".ssh/config:3"));

	/* Another host gets only Host *'s. */
	cr_assert_eq(resolve("example.org"), 0, "%s", err);
	cr_expect_str_eq(h.hostname, "example.org");
	cr_expect_eq(h.port, 22);
	cr_expect_str_eq(h.user, "nobody");
	cr_expect_eq(h.nidentities, 0);
	cr_expect_not(h.known_hosts_set);
	cr_expect_eq(h.strict, SSHCONFIG_STRICT_UNSET);
}

Test(sshconfig, the_url_user_and_port_win)
{
	put(".ssh/config", "Host a\n HostName b\n User cfg\n Port 2200\n");
	cr_assert_eq(resolve_full(NULL, "a", "url", 2300), 0, "%s", err);
	cr_expect_str_eq(h.user, "url");
	cr_expect_eq(h.port, 2300);
	cr_expect_str_eq(h.hostname, "b");
	cr_assert_eq(resolve_full(NULL, "nothing", NULL, 0), 0, "%s", err);
	cr_expect_null(h.user, "no User: the caller picks");
	cr_expect_not(h.applied);
	cr_expect_null(h.where);
}

Test(sshconfig, syntax_of_a_line)
{
	put(".ssh/config",
	    "  HOST=\"my host\" other   # two patterns, one quoted\n"
	    "\thostname = Server.Example.ORG\n"
	    "PORT=2022 # a comment after the value\n"
	    "IdentityFile \"~/.ssh/with space\"\n"
	    "IdentityFile '~/.ssh/single quoted'\n"
	    "IdentityFile ~/.ssh/back\\ slash\n"
	    "IdentityFile ~/.ssh/hash#inside\n"
	    "user\t=\tgit\r\n");
	cr_assert_eq(resolve("my host"), 0, "%s", err);
	cr_expect_str_eq(h.hostname, "server.example.org", "lower case");
	cr_expect_eq(h.port, 2022);
	cr_expect_str_eq(h.user, "git", "CR and tabs are spaces");
	cr_assert_eq(h.nidentities, 4);
	cr_expect_str_eq(h.identities[0], path(".ssh/with space"));
	cr_expect_str_eq(h.identities[1], path(".ssh/single quoted"));
	cr_expect_str_eq(h.identities[2], path(".ssh/back slash"));
	cr_expect_str_eq(h.identities[3], path(".ssh/hash#inside"));
	cr_assert_eq(resolve("OTHER"), 0, "%s", err);
	cr_expect_str_eq(h.hostname, "server.example.org");
}

Test(sshconfig, first_value_wins_identity_files_add_up_once)
{
	put(".ssh/config",
	    "Host work\n  HostName one\n  IdentityFile ~/a\n"
	    "Host w*\n  HostName two\n  Port 1\n  IdentityFile ~/b\n"
	    "Host *\n  Port 2\n  IdentityFile ~/a\n  IdentityFile ~/c\n");
	cr_assert_eq(resolve("work"), 0, "%s", err);
	cr_expect_str_eq(h.hostname, "one");
	cr_expect_eq(h.port, 1);
	cr_assert_eq(h.nidentities, 3, "~/a once");
	cr_expect_str_eq(h.identities[0], path("a"));
	cr_expect_str_eq(h.identities[1], path("b"));
	cr_expect_str_eq(h.identities[2], path("c"));
}

Test(sshconfig, negation_and_several_patterns)
{
	put(".ssh/config",
	    "Host *.corp !secret.corp\n  User corp\n"
	    "Host secret.corp\n  User vault\n");
	cr_assert_eq(resolve("git.corp"), 0, "%s", err);
	cr_expect_str_eq(h.user, "corp");
	cr_assert_eq(resolve("secret.corp"), 0, "%s", err);
	cr_expect_str_eq(h.user, "vault", "the negated block was skipped");
	cr_assert_eq(resolve("SECRET.corp"), 0, "%s", err);
	cr_expect_str_eq(h.user, "vault", "without regard to case");
}

Test(sshconfig, tokens)
{
	put(".ssh/config",
	    "Host alias\n"
	    "  HostName %h.example.org\n"
	    "  User git\n"
	    "  Port 2022\n"
	    "  IdentityFile %d/.ssh/%h_%r_%u_%n_%p_%%\n"
	    "  IdentityFile ~\n"
	    "  UserKnownHostsFile ~/kh1 %d/kh_%h\n");
	cr_assert_eq(resolve("alias"), 0, "%s", err);
	cr_expect_str_eq(h.hostname, "alias.example.org");
	cr_assert_eq(h.nidentities, 2);
	cr_expect_str_eq(h.identities[0],
	    path(".ssh/alias.example.org_git_me_alias_2022_%"));
	cr_expect_str_eq(h.identities[1], home);
	cr_assert_eq(h.nknown_hosts, 2);
	cr_expect_str_eq(h.known_hosts[0], path("kh1"));
	cr_expect_str_eq(h.known_hosts[1], path("kh_alias.example.org"));
	/* %r without a user: the local one, as ssh logs in. */
	put(".ssh/config", "Host x\n IdentityFile ~/%r\n");
	cr_assert_eq(resolve("x"), 0, "%s", err);
	cr_expect_str_eq(h.identities[0], path("me"));
}

Test(sshconfig, unsupported_tokens_name_the_line)
{
	put(".ssh/config", "Host x\n\n IdentityFile ~/.ssh/%C\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, path(".ssh/config:3: IdentityFile ~/.ssh/%C: "
	    "githerd expands")) == err, "%s", err);
	put(".ssh/config", "Host x\n HostName %p.example\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":2: HostName '%p.example': only %h and %% ") !=
	    NULL, "%s", err);
}

Test(sshconfig, known_hosts_none_and_strictness)
{
	static const struct { const char *v; enum sshconfig_strict want; } t[] = {
		{ "yes", SSHCONFIG_STRICT_YES }, { "ask", SSHCONFIG_STRICT_YES },
		{ "accept-new", SSHCONFIG_STRICT_ACCEPT_NEW },
		{ "no", SSHCONFIG_STRICT_ACCEPT_NEW },
		{ "off", SSHCONFIG_STRICT_ACCEPT_NEW },
		{ "Yes", SSHCONFIG_STRICT_YES },
	};
	char text[200];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		snprintf(text, sizeof(text), "StrictHostKeyChecking %s\n"
		    "UserKnownHostsFile none\n", t[i].v);
		put(".ssh/config", text);
		cr_assert_eq(resolve("x"), 0, "%s", err);
		cr_expect_eq(h.strict, t[i].want, "%s", t[i].v);
		cr_expect(h.known_hosts_set);
		cr_expect_eq(h.nknown_hosts, 0, "none: no file at all");
	}
	put(".ssh/config", "StrictHostKeyChecking maybe\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":1: StrictHostKeyChecking wants yes, accept-new, "
	    "no or ask, not 'maybe'") != NULL, "%s", err);
}

Test(sshconfig, identity_agent)
{
	put(".ssh/config", "Host a\n IdentityAgent none\nHost b\n "
	    "IdentityAgent SSH_AUTH_SOCK\nHost c\n IdentityAgent ~/agent.sock\n");
	cr_assert_eq(resolve("a"), 0, "%s", err);
	cr_expect(h.no_agent);
	cr_assert_eq(resolve("b"), 0, "%s", err);
	cr_expect_not(h.no_agent);
	cr_assert_eq(resolve("c"), -1);
	cr_expect(strstr(err, ":6: IdentityAgent ~/agent.sock (host c): not "
	    "supported") != NULL, "%s", err);
}

Test(sshconfig, refused_directives_name_file_and_line)
{
	put(".ssh/config",
	    "Host work\n  HostName 127.0.0.1\n  ProxyJump bastion.example.org\n"
	    "Host direct\n  ProxyJump none\n"
	    "Host *\n  ProxyCommand ssh -W %h:%p gateway\n");
	cr_assert_eq(resolve("work"), -1);
	cr_expect(strstr(err, path(".ssh/config:3: ProxyJump "
	    "bastion.example.org (host work): not supported: githerd connects "
	    "to the server directly")) == err, "%s", err);
	/* ProxyJump none is what it obtains: ProxyCommand below still counts. */
	cr_assert_eq(resolve("direct"), -1);
	cr_expect(strstr(err, ":7: ProxyCommand ssh (host direct)") != NULL,
	    "%s", err);
	put(".ssh/config", "Host work\n ProxyJump bastion\nHost *\n "
	    "ProxyCommand none\n ProxyJump none\n");
	cr_assert_eq(resolve("other"), 0, "%s", err);
	cr_assert_eq(resolve("work"), -1, "a block of another host is one's own");
}

Test(sshconfig, algorithm_lists_may_only_add)
{
	put(".ssh/config", "Host old\n HostKeyAlgorithms +ssh-rsa\n "
	    "PubkeyAcceptedAlgorithms ^ssh-ed25519\nHost strict\n "
	    "Ciphers aes256-gcm@openssh.com\nHost minus\n MACs -hmac-sha1\n");
	cr_assert_eq(resolve("old"), 0, "%s", err);
	cr_assert_eq(resolve("strict"), -1);
	cr_expect(strstr(err, ":5: Ciphers aes256-gcm@openssh.com (host "
	    "strict): not supported: libssh2") != NULL, "%s", err);
	cr_assert_eq(resolve("minus"), -1);
}

Test(sshconfig, ignored_and_unknown)
{
	put(".ssh/config",
	    "Host *\n  ServerAliveInterval 30\n  Compression yes\n"
	    "  ForwardAgent yes\n  AddKeysToAgent yes\n  ControlMaster auto\n"
	    "  SendEnv LANG LC_*\n  HashKnownHosts yes\n  LocalCommand true\n");
	cr_assert_eq(resolve("x"), 0, "%s", err);
	cr_expect_not(h.applied, "ignored directives apply nothing");
	put(".ssh/config", "Host x\n  UseKeychain yes\n  IdentitiyFile ~/a\n");
	cr_assert_eq(resolve("x"), -1, "UseKeychain is ignored, a typo is not");
	cr_expect(strstr(err, ":3: IdentitiyFile (host x): githerd does not "
	    "know this directive") != NULL, "%s", err);
	cr_assert_eq(resolve("y"), 0, "another host's typo is not looked at");
	put(".ssh/config", "IgnoreUnknown Identitiy*,Other\nHost x\n  "
	    "IdentitiyFile ~/a\n  other 1\n");
	cr_assert_eq(resolve("x"), 0, "%s", err);
}

Test(sshconfig, match_blocks_fail_only_what_they_could_change)
{
	put(".ssh/config",
	    "Host work\n  HostName 127.0.0.1\n  User git\n"
	    "Match exec \"test -e /tmp/vpn\"\n  HostName vpn.example.org\n"
	    "  ServerAliveInterval 10\n"
	    "Match all\n  Port 2222\n");
	cr_assert_eq(resolve("work"), 0, "HostName is set already: %s", err);
	cr_expect_str_eq(h.hostname, "127.0.0.1");
	cr_expect_eq(h.port, 2222, "Match all is evaluated");
	cr_assert_eq(resolve("other"), -1);
	cr_expect(strstr(err, ":5: HostName, in the Match block of ") != NULL &&
	    strstr(err, "config:4, could apply to host other: githerd does not "
	    "evaluate Match") != NULL, "%s", err);
	put(".ssh/config", "Match host x\n  IdentityFile ~/k\n");
	cr_assert_eq(resolve("x"), -1, "IdentityFile always adds");
	put(".ssh/config", "Match host x\n  Include other\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "Match host x\nHost *\n  User u\n");
	cr_assert_eq(resolve("x"), 0, "Host ends the Match block: %s", err);
}

Test(sshconfig, include_relative_glob_conditional)
{
	put(".ssh/config",
	    "Include conf.d/*.conf\n"
	    "Host inner\n  Include ~/.ssh/inner.conf\n"
	    "Host skip\n  Include ~/.ssh/missing-*.conf nosuchfile\n");
	put(".ssh/conf.d/10-a.conf", "Host a\n  User from-a\n");
	put(".ssh/conf.d/20-b.conf", "Host a b\n  User from-b\n  Port 2\n");
	put(".ssh/conf.d/README", "Host a\n  User never\n");
	put(".ssh/inner.conf", "Port 7\nHost elsewhere\n  Port 8\n");
	cr_assert_eq(resolve("a"), 0, "%s", err);
	cr_expect_str_eq(h.user, "from-a", "globbed files in order");
	cr_expect_eq(h.port, 2);
	cr_assert_eq(resolve("inner"), 0, "%s", err);
	cr_expect_eq(h.port, 7, "an Include inherits its block");
	cr_assert_eq(resolve("skip"), 0, "missing includes are no error: %s",
	    err);
}

Test(sshconfig, include_loops_and_depth)
{
	put(".ssh/config", "Include loop.conf\n");
	put(".ssh/loop.conf", "User u\nInclude loop.conf\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, path(".ssh/loop.conf:2: Include nested more than "
	    "16 deep")) == err, "%s", err);
	/* Files that each include both: 2^16 reads, were it not for depth. */
	put(".ssh/config", "Include conf.d/*\n");
	put(".ssh/conf.d/a", "Include conf.d/*\n");
	put(".ssh/conf.d/b", "Include conf.d/*\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, "nested more than 16 deep") != NULL, "%s", err);
	/* A glob of many files, shallow: the count of files stops it. */
	unlink(path(".ssh/conf.d/a"));
	unlink(path(".ssh/conf.d/b"));
	for (int i = 0; i < 300; i++) {
		char name[64];

		snprintf(name, sizeof(name), ".ssh/conf.d/%03d", i);
		put(name, "# nothing\n");
	}
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, "more than 256 files to read") != NULL, "%s",
	    err);
}

Test(sshconfig, hostile_files)
{
	char *big = malloc(6000);
	FILE *f;

	memset(big, 'x', 5999);
	big[5999] = '\0';
	memcpy(big, "User ", 5);
	put(".ssh/config", big);
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":1: longer than 4096 bytes") != NULL, "%s", err);
	free(big);

	cr_assert_not_null(f = fopen(path(".ssh/config"), "w"));
	fwrite("Host x\nUser a\0b\n", 1, 16, f);
	fclose(f);
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":2: a NUL byte") != NULL, "%s", err);

	cr_assert_not_null(f = fopen(path(".ssh/config"), "w"));
	for (int i = 0; i < 70000; i++)
		fputs("# a comment line\n", f);
	fclose(f);
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, "larger than 1 MiB") != NULL, "%s", err);

	put(".ssh/config", "User \"unterminated\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":1: a quote is not closed") != NULL, "%s", err);
	put(".ssh/config", "=value\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "Port\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":1: Port needs a value") != NULL, "%s", err);
	put(".ssh/config", "User a b\n");
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, ":1: User takes one value") != NULL, "%s", err);
	put(".ssh/config", "Port 0x16\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "Port 65536\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "User git@evil\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "User -oProxyCommand=x\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "HostName evil/path\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "HostName -oProxyCommand\n");
	cr_assert_eq(resolve("x"), -1);
	put(".ssh/config", "IdentitiesOnly perhaps\n");
	cr_assert_eq(resolve("x"), -1);
	cr_assert_eq(mkfifo(path(".ssh/config.fifo"), 0600), 0);
	cr_assert_eq(resolve_full(path(".ssh/config.fifo"), "x", NULL, 0), -1,
	    "a FIFO does not hang");
	cr_expect(strstr(err, "not a regular file") != NULL, "%s", err);
}

Test(sshconfig, a_file_others_can_write_is_refused)
{
	put(".ssh/config", "Include extra\n");
	put(".ssh/extra", "User u\n");
	chmod(path(".ssh/extra"), 0666);
	cr_assert_eq(resolve("x"), -1);
	cr_expect(strstr(err, path(".ssh/extra: bad owner or permissions")) ==
	    err, "%s", err);
	chmod(path(".ssh/extra"), 0644);
	chmod(path(".ssh/config"), 0620);
	cr_assert_eq(resolve("x"), -1, "group-writable");
	/* -F FILE is read as it is, as ssh reads it. */
	cr_assert_eq(resolve_full(path(".ssh/config"), "x", NULL, 0), 0, "%s",
	    err);
	cr_expect_str_eq(h.user, "u");
}

Test(sshconfig, the_file_choice)
{
	put(".ssh/config", "User from-home\n");
	put("given", "User from-f\n");
	put("system", "User from-system\nPort 2200\nInclude sys.d/*\n");
	cr_assert_eq(mkdir(path("sys.d"), 0755), 0);
	put("sys.d/x.conf", "IdentityFile ~/sys\n");
	cr_assert_eq(resolve("x"), 0, "%s", err);
	cr_expect_str_eq(h.user, "from-home", "the user's file first");
	cr_expect_eq(h.port, 2200, "then the system's");
	cr_assert_eq(h.nidentities, 1,
	    "the system's relative Includes are beside it");
	cr_assert_eq(resolve_full(path("given"), "x", NULL, 0), 0, "%s", err);
	cr_expect_str_eq(h.user, "from-f");
	cr_expect_eq(h.port, 22, "-F: the system's file is not read");
	cr_assert_eq(resolve_full("none", "x", NULL, 0), 0, "%s", err);
	cr_expect_null(h.user);
	cr_assert_eq(resolve_full(path("nosuch"), "x", NULL, 0), -1,
	    "a missing -F file");
	cr_expect(strstr(err, "nosuch: No such file") != NULL, "%s", err);
	unlink(path(".ssh/config"));
	unlink(path("system"));
	cr_assert_eq(resolve("x"), 0, "missing default files: %s", err);
	cr_expect_str_eq(h.hostname, "x");
}
