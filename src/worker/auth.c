#include <sys/wait.h>

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "authcb.h"
#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "hostkey.h"
#include "netrc.h"
#include "netstream.h"
#include "sshconfig.h"
#include "url.h"
#include "xmalloc.h"

#define SECRET_MAX	4096
#define HELPER_OUT_MAX	65536

/*
 * The environment variable for a host's token: GITHERD_TOKEN_ and the
 * host upper-cased, every character but a letter or digit becoming '_'
 * ("git.example.org" -> GITHERD_TOKEN_GIT_EXAMPLE_ORG).
 */
static void
auth_token_var(const char *host, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "GITHERD_TOKEN_"), i;

	for (i = 0; host[i] != '\0' && host[i] != ':' && n + 1 < len; i++)
		out[n++] = isalnum((unsigned char)host[i]) ?
		    (char)toupper((unsigned char)host[i]) : '_';
	out[n < len ? n : len - 1] = '\0';
}

/* host and port of url; the port as a number. */
static void
split_host(const char *url, char *host, size_t len, int *port)
{
	char p[16];

	url_host_port(url, host, len, p, sizeof(p));
	*port = atoi(p);
}

/* Why we gave up, for the error message (long paths are cut, not lost). */
static void say(struct auth_state *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct auth_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->why, sizeof(st->why), fmt, ap);
	va_end(ap);
}

static void
tried(struct auth_state *st, const char *what)
{
	size_t n = strlen(st->tried);

	snprintf(st->tried + n, sizeof(st->tried) - n, "%s%s", n ? ", " : "",
	    what);
}

static const char *
home(void)
{
	return sshconfig_home();
}

/* A path as the user would write it: "~/.ssh/work" for one in home. */
static void
shown_path(const char *path, char *out, size_t len)
{
	const char *h = home();
	size_t n = strlen(h);

	if (n > 1 && strncmp(path, h, n) == 0 && path[n] == '/')
		snprintf(out, len, "~%s", path + n);
	else
		snprintf(out, len, "%s", path);
}

static const char *
login_name(const char *from_url)
{
	struct passwd *pw;

	if (from_url != NULL && *from_url != '\0')
		return from_url;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "git";
}

/* --- ssh ---------------------------------------------------------------- */

static void
add_note(char *list, size_t len, const char *what)
{
	size_t n = strlen(list);

	snprintf(list + n, len - n, "%s%s", n ? ", " : "", what);
}

/*
 * The next key source not tried yet: 0 with *out, 1 when none is left.
 * The agent (unless the host's IdentitiesOnly or IdentityAgent none),
 * --ssh-key, the host's IdentityFile keys that exist, and only when it
 * names none the default keys, as ssh offers them.
 */
static int
next_ssh_key(git_credential **out, const char *user, struct auth_state *st,
    const struct auth_config *cfg)
{
	static const char *const defaults[] = { "id_ed25519", "id_ecdsa",
	    "id_rsa" };
	const struct sshconfig_host *h = st->ssh;
	size_t nids = h != NULL ? h->nidentities : 0;
	bool agent = h == NULL || (!h->identities_only && !h->no_agent);
	char path[4096], label[4096];
	const char *sock;
	unsigned step;

	for (step = st->ssh_step; step < 2 + nids + 3; step++) {
		st->ssh_step = step + 1;
		if (step == 0) {
			sock = getenv("SSH_AUTH_SOCK");
			if (!agent || sock == NULL || *sock == '\0')
				continue;
			tried(st, "ssh-agent");
			return git_credential_ssh_key_from_agent(out, user) < 0 ?
			    -1 : 0;
		}
		if (step == 1) {
			if (cfg->ssh_key == NULL)
				continue;
			snprintf(path, sizeof(path), "%s", cfg->ssh_key);
			snprintf(label, sizeof(label), "%s", cfg->ssh_key);
		} else if (step < 2 + nids) {
			snprintf(path, sizeof(path), "%s", h->identities[step - 2]);
			shown_path(path, label, sizeof(label));
			if (access(path, R_OK) == -1) {
				add_note(st->missing, sizeof(st->missing), label);
				continue;
			}
		} else {
			if (nids > 0)
				continue;	/* IdentityFile replaces them */
			snprintf(path, sizeof(path), "%s/.ssh/%s", home(),
			    defaults[step - 2 - nids]);
			snprintf(label, sizeof(label), "~/.ssh/%s",
			    defaults[step - 2 - nids]);
			if (access(path, R_OK) == -1)
				continue;
		}
		tried(st, label);
		return git_credential_ssh_key_new(out, user, NULL, path, NULL) <
		    0 ? -1 : 0;
	}
	return 1;
}

/* Why there was no key at all, as the user can fix it. */
static void
no_ssh_key(struct auth_state *st, const char *host)
{
	const struct sshconfig_host *h = st->ssh;

	if (st->missing[0] != '\0')
		say(st, "%s wants an ssh key and there is none: no "
		    "SSH_AUTH_SOCK%s, no --ssh-key, and IdentityFile %s (%s) "
		    "does not exist", host, h != NULL && (h->identities_only ||
		    h->no_agent) ? " used (IdentitiesOnly or IdentityAgent "
		    "none)" : "", st->missing, h != NULL && h->where ? h->where :
		    "ssh config");
	else
		say(st, "%s wants an ssh key and there is none: no "
		    "SSH_AUTH_SOCK, no --ssh-key, no ~/.ssh/id_ed25519, id_ecdsa "
		    "or id_rsa", host);
}

/* --- http(s) ------------------------------------------------------------ */

static int
userpass(git_credential **out, const char *user, char *pass)
{
	int rc = git_credential_userpass_plaintext_new(out, user, pass);

	compat_wipe(pass, strlen(pass));
	return rc < 0 ? -1 : 0;
}

static int
token_from_env(git_credential **out, const char *host, const char *user,
    struct auth_state *st)
{
	char var[300], secret[SECRET_MAX];
	const char *v;

	auth_token_var(host, var, sizeof(var));
	if ((v = getenv(var)) == NULL || *v == '\0') {
		snprintf(var, sizeof(var), "GITHERD_TOKEN");
		if ((v = getenv(var)) == NULL || *v == '\0')
			return 1;
	}
	tried(st, var);
	snprintf(secret, sizeof(secret), "%s", v);
	/* Forges take any user name with a token; one from the URL wins. */
	return userpass(out, user != NULL ? user : "x-access-token", secret);
}

/* A small file as a string, or NULL. */
static char *
read_small_file(const char *path, size_t max)
{
	struct buf b = BUF_INIT;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	buf_init(&b);
	rc = fs_read_fd(fd, max, &b);
	close(fd);
	if (rc == -1) {
		compat_wipe(b.data, b.len);
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int
token_from_netrc(git_credential **out, const char *host, const char *user,
    struct auth_state *st)
{
	char path[4096], login[512], secret[SECRET_MAX], *text;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/.netrc", home());
	if ((text = read_small_file(path, 1 << 20)) == NULL)
		return 1;
	if (netrc_lookup(text, host, login, sizeof(login), secret,
	    sizeof(secret)) == 0 && secret[0] != '\0' &&
	    (user == NULL || login[0] == '\0' || strcmp(user, login) == 0)) {
		tried(st, "~/.netrc");
		rc = userpass(out, login[0] ? login : user ? user :
		    "x-access-token", secret);
	}
	compat_wipe(text, strlen(text));
	free(text);
	return rc;
}

/*
 * `git credential fill`, never prompting: its stdin is our request and
 * GIT_TERMINAL_PROMPT=0 stops git asking on a terminal.
 */
static int
run_helper(const char *request, struct buf *answer)
{
	int in[2], out[2], status;
	char chunk[4096];
	ssize_t n;
	pid_t pid;

	if (compat_pipe_cloexec(in) == -1)
		return -1;
	if (compat_pipe_cloexec(out) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1)
			_exit(127);
		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		unsetenv("GIT_ASKPASS");
		unsetenv("SSH_ASKPASS");
		execlp("git", "git", "credential", "fill", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (write(in[1], request, strlen(request)) < 0)
		(void)0;	/* it will say what it lacks on its own */
	close(in[1]);
	while ((n = read(out[0], chunk, sizeof(chunk))) > 0 &&
	    answer->len < HELPER_OUT_MAX)
		buf_add(answer, chunk, (size_t)n);
	compat_wipe(chunk, sizeof(chunk));
	close(out[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
answer_field(const char *answer, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);
	const char *p;

	out[0] = '\0';
	for (p = answer; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 :
	    NULL)
		if (strncmp(p, key, k) == 0 && p[k] == '=') {
			snprintf(out, len, "%.*s", (int)strcspn(p + k + 1, "\n"),
			    p + k + 1);
			return;
		}
}

static int
token_from_helper(git_credential **out, const char *url, const char *user,
    struct auth_state *st)
{
	struct buf req = BUF_INIT, ans = BUF_INIT;
	char login[512], secret[SECRET_MAX], *clean;
	int rc = 1;

	buf_init(&req);
	buf_init(&ans);
	clean = url_strip_secrets(url);
	buf_addf(&req, "url=%s\n", clean);
	if (user != NULL)
		buf_addf(&req, "username=%s\n", user);
	buf_addstr(&req, "\n");
	free(clean);
	tried(st, "git credential fill");
	if (run_helper(req.data, &ans) == 0) {
		answer_field(ans.data, "username", login, sizeof(login));
		answer_field(ans.data, "password", secret, sizeof(secret));
		if (secret[0] != '\0')
			rc = userpass(out, login[0] ? login : user ? user :
			    "x-access-token", secret);
		compat_wipe(secret, sizeof(secret));
	}
	compat_wipe(ans.data, ans.len);
	buf_release(&ans);
	buf_release(&req);
	return rc;
}

/*
 * The user and password written in the URL, to its own server only; a
 * user alone is no credential, only the name tokens are sent for.
 */
static int
from_url(git_credential **out, const char *owner, struct auth_state *st)
{
	char user[512], pass[SECRET_MAX];
	int rc = 1;

	if (url_credentials(owner, user, sizeof(user), pass, sizeof(pass)) ==
	    0 && pass[0] != '\0') {
		tried(st, "the URL's user and password");
		rc = userpass(out, user, pass);
	}
	compat_wipe(user, sizeof(user));
	compat_wipe(pass, sizeof(pass));
	return rc;
}

/*
 * Who gets which credential: only the server of the entry (or submodule)
 * that owns the connection, never one a redirect led to; the manifest
 * URL's own credentials over any scheme that takes them, tokens over
 * https only (plain http with --allow-http-auth).  url is the server's,
 * as libgit2 has it (after insteadOf): tokens are chosen by its host.
 * 1 when there is nothing to offer, with st->why saying so when a rule
 * held one back.
 */
static int
next_http_credential(git_credential **out, const char *url, const char *user,
    struct auth_state *st, const struct auth_config *cfg)
{
	const char *owner = st->owner_url != NULL ? st->owner_url : url;
	enum url_scheme scheme = url_scheme(url);
	const char *offsite;
	char host[300], url_user[512], url_pass[SECRET_MAX];
	bool refused;
	int port, rc;

	split_host(url, host, sizeof(host), &port);
	/* libgit2 never saw the URL's user: tokens go out under it. */
	if (user == NULL && url_credentials(owner, url_user, sizeof(url_user),
	    url_pass, sizeof(url_pass)) == 0)
		user = url_user;
	compat_wipe(url_pass, sizeof(url_pass));
	if ((offsite = netstream_offsite(&refused)) != NULL) {
		say(st, "credentials are not sent to %s: a redirect from %s led "
		    "there", offsite, host);
		return 1;
	}
	while (st->http_step < 4) {
		switch (st->http_step++) {
		case 0:
			rc = from_url(out, owner, st);
			break;
		case 1:
			if (scheme == URL_HTTP && !cfg->allow_http_auth) {
				if (st->tried[0] != '\0')
					return 1;	/* the URL's, refused */
				say(st, "%s wants credentials over plain http, "
				    "where anyone on the way can read them: "
				    "githerd sends tokens over https only (use an "
				    "https URL, or --allow-http-auth)", host);
				return 1;
			}
			if (scheme != URL_HTTP && scheme != URL_HTTPS)
				return 1;	/* tokens are for http(s) */
			rc = token_from_env(out, host, user, st);
			break;
		case 2:
			rc = token_from_netrc(out, host, user, st);
			break;
		default:
			if (!cfg->credential_helper)
				continue;
			rc = token_from_helper(out, url, user, st);
			break;
		}
		if (rc != 1)
			return rc;
	}
	return 1;
}

int
auth_credentials(git_credential **out, const char *url,
    const char *user_from_url, unsigned int allowed, struct auth_state *st,
    const struct auth_config *cfg)
{
	char host[300];
	int port, rc = 1;

	*out = NULL;
	if ((allowed & GIT_CREDENTIAL_USERNAME) && !st->asked_username) {
		st->asked_username = true;
		return git_credential_username_new(out,
		    login_name(user_from_url)) < 0 ? -1 : 0;
	}
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		rc = next_ssh_key(out, login_name(user_from_url), st, cfg);
	else if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)
		rc = next_http_credential(out, url, user_from_url, st, cfg);
	if (rc == 0)
		return 0;
	split_host(url, host, sizeof(host), &port);
	if (st->why[0] != '\0')
		;	/* a rule held the credentials back, and said why */
	else if (st->tried[0] != '\0')
		say(st, "%s refused every credential "
		    "offered (tried: %s%s%s)", host, st->tried,
		    st->missing[0] ? "; missing: " : "", st->missing);
	else if (allowed & GIT_CREDENTIAL_SSH_KEY)
		no_ssh_key(st, host);
	else {
		char var[300];

		auth_token_var(host, var, sizeof(var));
		say(st, "%s wants credentials and "
		    "there are none: set %s or GITHERD_TOKEN, add %s to "
		    "~/.netrc, or use --credential-helper", host, var, host);
	}
	git_error_set_str(GIT_ERROR_NET, st->why);
	return -1;
}

/* --- host keys ---------------------------------------------------------- */

static const char *
key_type_name(git_cert_ssh_raw_type_t t)
{
	switch (t) {
	case GIT_CERT_SSH_RAW_TYPE_RSA:
		return "ssh-rsa";
	case GIT_CERT_SSH_RAW_TYPE_DSS:
		return "ssh-dss";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256:
		return "ecdsa-sha2-nistp256";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384:
		return "ecdsa-sha2-nistp384";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521:
		return "ecdsa-sha2-nistp521";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519:
		return "ssh-ed25519";
	default:
		return NULL;
	}
}

static int
refuse(struct auth_state *st, bool changed, const char *name,
    const char *type, const char *fp, const char *file)
{
	st->host_key_failed = true;
	if (changed)
		say(st, "the ssh host key of %s has "
		    "CHANGED: it now offers %s key %s, which does not match %s; "
		    "someone may be intercepting the connection, or the "
		    "server's key was replaced (check, then remove the old "
		    "line)", name, type, fp, file);
	else
		say(st, "the ssh host key of %s is "
		    "unknown: %s key %s is not in %s (check the fingerprint, "
		    "then add it, or use --accept-new-host-keys)", name, type,
		    fp, file);
	git_error_set_str(GIT_ERROR_SSH, st->why);
	return -1;
}

/* A host key githerd could not check, or not record: what went wrong. */
static int
key_error(struct auth_state *st, const char *name, const char *err)
{
	st->host_key_failed = true;
	if (name != NULL)
		say(st, "host key of %s: %s", name, err);
	else
		say(st, "%s", err);
	git_error_set_str(GIT_ERROR_SSH, st->why);
	return -1;
}

/*
 * The known_hosts files of the connection: the host's UserKnownHostsFile
 * (any number, none included), else ~/.ssh/known_hosts.  New keys are
 * recorded in the first; /dev/null records nothing, as for ssh.
 */
static size_t
known_files(const struct auth_state *st, const char **files, size_t max,
    char *dflt, size_t len)
{
	size_t i, n = 0;

	if (st->ssh == NULL || !st->ssh->known_hosts_set) {
		snprintf(dflt, len, "%s/.ssh/known_hosts", home());
		files[0] = dflt;
		return 1;
	}
	for (i = 0; i < st->ssh->nknown_hosts && n < max; i++)
		files[n++] = st->ssh->known_hosts[i];
	return n;
}

/* "a", "a or b", "no file (UserKnownHostsFile none)". */
static void
file_list(const char *const *files, size_t n, char *out, size_t len)
{
	size_t i, k = 0;

	out[0] = '\0';
	if (n == 0)
		snprintf(out, len, "any file (UserKnownHostsFile none)");
	for (i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? " or " : "",
		    files[i]);
}

int
auth_host_key(const git_cert_hostkey *key, const char *hostname, int port,
    struct auth_state *st, const struct auth_config *cfg)
{
	char name[320], dflt[4096], list[1024], fp[64], err[300];
	const char *files[8];
	const char *type = (key->type & GIT_CERT_SSH_RAW) ?
	    key_type_name(key->raw_type) : NULL;
	bool accept_new = cfg->accept_new_host_keys || (st->ssh != NULL &&
	    st->ssh->strict == SSHCONFIG_STRICT_ACCEPT_NEW);
	size_t i, n;

	if (port != 22)
		snprintf(name, sizeof(name), "[%s]:%d", hostname, port);
	else
		snprintf(name, sizeof(name), "%s", hostname);
	if (!(key->type & GIT_CERT_SSH_SHA256) || type == NULL)
		return GIT_PASSTHROUGH;
	hostkey_fingerprint(key->hash_sha256, fp, sizeof(fp));
	n = known_files(st, files, sizeof(files) / sizeof(*files), dflt,
	    sizeof(dflt));
	for (i = 0; i < n; i++)
		switch (hostkey_check(files[i], hostname, port, type,
		    key->hostkey, key->hostkey_len, err, sizeof(err))) {
		case HOSTKEY_MATCH:
			/* Ours, not libgit2's: it reads ~/.ssh/known_hosts. */
			return 0;
		case HOSTKEY_CHANGED:
			return refuse(st, true, name, type, fp, files[i]);
		case HOSTKEY_UNKNOWN:
			break;
		default:
			return key_error(st, name, err);
		}
	file_list(files, n, list, sizeof(list));
	if (!accept_new)
		return refuse(st, false, name, type, fp, list);
	if (n == 0 || strcmp(files[0], "/dev/null") == 0)
		return 0;	/* trusted for this connection, recorded nowhere */
	if (hostkey_add(files[0], hostname, port, type, key->hostkey,
	    key->hostkey_len, err, sizeof(err)) == -1)
		return key_error(st, NULL, err);
	return 0;
}
