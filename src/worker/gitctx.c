/*
 * The libgit2 side of a job: what all operations share (errors, progress
 * callbacks, the connection to the remote, what it advertises) and the
 * entry points the worker calls.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "authcb.h"
#include "buf.h"
#include "cabundle.h"
#include "compat.h"
#include "fsutil.h"
#include "gitconfig.h"
#include "gitctx.h"
#include "types.h"
#include "memlimit.h"
#include "netstream.h"
#include "proxy.h"
#include "units.h"
#include "url.h"
#include "urlconfig.h"
#include "version.h"
#include "xmalloc.h"

#define CONNECT_TIMEOUT_MS	30000
#define READ_TIMEOUT_MS		120000

/* --- errors ------------------------------------------------------------- */

void
gitctx_error(struct gitctx *c, enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	if (c->res->outcome == RESULT_FAILED || c->res->outcome == RESULT_CANCELLED)
		return;		/* keep the first, root cause */
	c->res->outcome = cls == ERR_CANCELLED ? RESULT_CANCELLED : RESULT_FAILED;
	c->res->err_class = cls;
	va_start(ap, fmt);
	result_vmessage(c->res, fmt, ap);
	va_end(ap);
	url_redact_text(c->res->message, c->job->url);
}

/* The numbers errclass.c classifies by are libgit2 1.8's. */
_Static_assert((int)ERRCLASS_CANCEL == (int)GITCTX_CANCEL, "cancel code");
_Static_assert((int)ERRCLASS_EAUTH == (int)GIT_EAUTH, "GIT_EAUTH");
_Static_assert((int)ERRCLASS_ECERTIFICATE == (int)GIT_ECERTIFICATE, "GIT_ECERTIFICATE");
_Static_assert((int)ERRCLASS_ELOCKED == (int)GIT_ELOCKED, "GIT_ELOCKED");
_Static_assert((int)ERRCLASS_EOWNER == (int)GIT_EOWNER, "GIT_EOWNER");
_Static_assert((int)ERRCLASS_K_OS == (int)GIT_ERROR_OS, "GIT_ERROR_OS");
_Static_assert((int)ERRCLASS_K_ZLIB == (int)GIT_ERROR_ZLIB, "GIT_ERROR_ZLIB");
_Static_assert((int)ERRCLASS_K_ODB == (int)GIT_ERROR_ODB, "GIT_ERROR_ODB");
_Static_assert((int)ERRCLASS_K_NET == (int)GIT_ERROR_NET, "GIT_ERROR_NET");
_Static_assert((int)ERRCLASS_K_INDEXER == (int)GIT_ERROR_INDEXER, "GIT_ERROR_INDEXER");
_Static_assert((int)ERRCLASS_K_SSL == (int)GIT_ERROR_SSL, "GIT_ERROR_SSL");
_Static_assert((int)ERRCLASS_K_SSH == (int)GIT_ERROR_SSH, "GIT_ERROR_SSH");
_Static_assert((int)ERRCLASS_K_CALLBACK == (int)GIT_ERROR_CALLBACK, "GIT_ERROR_CALLBACK");
_Static_assert((int)ERRCLASS_K_HTTP == (int)GIT_ERROR_HTTP, "GIT_ERROR_HTTP");

static enum err_class
classify(int code, const git_error *e)
{
	return errclass_of_git(code, e ? e->klass : 0, e ? e->message : NULL);
}

static bool
has(const char *msg, const char *needle)
{
	return msg != NULL && strstr(msg, needle) != NULL;
}

/*
 * A connection that failed on its way to an ssh alias names both: the
 * manifest's host and where ssh_config sent it.
 */
static void
ssh_note(struct gitctx *c)
{
	char note[1200];

	switch (c->res->err_class) {
	case ERR_NETWORK:
	case ERR_TIMEOUT:
	case ERR_SERVER:
	case ERR_AUTH:
	case ERR_NOT_FOUND:
	case ERR_CERTIFICATE:
		sshroute_note(&c->ssh, note, sizeof(note));
		if (note[0] != '\0')
			result_append(c->res, "%s", note);
		break;
	default:
		break;
	}
}

/* Record a libgit2 failure; read git_error_last() right away (thread-local). */
int
gitctx_fail(struct gitctx *c, int code, const char *what)
{
	const git_error *e = git_error_last();
	enum err_class cls = classify(code, e);
	const char *offsite;
	char host[256], port[16];
	bool refused, failed_before = c->res->outcome == RESULT_FAILED ||
	    c->res->outcome == RESULT_CANCELLED;

	if (gitctx_cancelled(c))
		cls = ERR_CANCELLED;
	offsite = netstream_offsite(&refused);
	if (memlimit_hit() && cls != ERR_CANCELLED) {
		char size[32];

		units_format_size(memlimit_limit(), size, sizeof(size));
		gitctx_error(c, ERR_REFUSED, "%s: the repository needs more memory "
		    "than a worker may use (--max-memory %s): refused (a file of "
		    "gigabytes?)", what, size);
	} else if (refused && cls != ERR_CANCELLED) {
		url_host_port(c->owner_url, host, sizeof(host), port,
		    sizeof(port));
		gitctx_error(c, ERR_REFUSED, "%s: %s:%s redirected to %s, another "
		    "server: not followed (%s)", what, host, port, offsite,
		    c->nheaders > 0 ? "http.extraHeader is set for this URL, and "
		    "its headers go to no other server" : "--follow-redirects "
		    "follows it, and never sends it credentials");
	} else if (c->ssh_refused && cls != ERR_CANCELLED)
		gitctx_error(c, ERR_REFUSED, "%s: ssh config %s", what,
		    c->ssh.why);
	else if (c->auth.why[0] != '\0' && cls != ERR_CANCELLED)
		gitctx_error(c, c->auth.host_key_failed ? ERR_CERTIFICATE :
		    ERR_AUTH, "%s: %s", what, c->auth.why);
	else if (cls == ERR_CANCELLED)
		gitctx_error(c, cls, "%s: cancelled", what);
	else if (cls == ERR_CERTIFICATE && c->cert_host[0] != '\0')
		gitctx_error(c, cls, "%s: %s is not trusted: %s", what,
		    c->cert_host, e && e->message ? e->message : "unknown error");
	else if (cls == ERR_REFUSED && has(e->message, "too many objects"))
		gitctx_error(c, cls, "%s: the pack holds more objects than "
		    "--max-objects allows", what);
	else
		gitctx_error(c, cls, "%s: %s", what,
		    e && e->message ? e->message : "unknown error");
	if (!failed_before)
		ssh_note(c);
	c->res->git_code = code;
	c->res->git_klass = e ? e->klass : 0;
	return -1;
}

enum err_class
gitctx_errno_class(int e)
{
	return (e == ENOSPC || e == EDQUOT || e == EROFS || e == EACCES ||
	    e == EPERM || e == EFBIG) ? ERR_DISK : ERR_INTERNAL;
}

/* A system call's failure, errno still set: its class from errno. */
int
gitctx_fail_errno(struct gitctx *c, const char *what)
{
	gitctx_error(c, gitctx_errno_class(errno), "%s: %s", what,
	    strerror(errno));
	return -1;
}

bool
gitctx_cancelled(const struct gitctx *c)
{
	return c->ev->cancelled(c->ev->ctx);
}

/* --- progress callbacks ------------------------------------------------- */

void
gitctx_phase(struct gitctx *c, enum phase p)
{
	if (c->phase == p)
		return;
	c->phase = p;
	c->ev->phase(c->ev->ctx, p);
}

static int
on_transfer(const git_indexer_progress *st, void *payload)
{
	struct gitctx *c = payload;
	struct msg_progress *w = &c->counters;
	bool done;

	if (gitctx_cancelled(c))
		return GITCTX_CANCEL;
	/* A new fetch: libgit2 counts from zero again. */
	if (st->received_bytes < c->raw_bytes) {
		c->pack_base = w->pack_bytes;
		c->chatter = 0;
	}
	c->raw_bytes = st->received_bytes;
	/*
	 * libgit2 counts every byte read, progress messages too: what is
	 * left is the pack.  It counts a read before the messages in it are
	 * handed to on_sideband, so the difference can run ahead by a
	 * buffer; it never goes back, and the watchdog wants more than a
	 * buffer's worth (STALL_MIN_BYTES) before it calls it progress.
	 */
	if (st->received_bytes > c->chatter &&
	    c->pack_base + st->received_bytes - c->chatter > w->pack_bytes)
		w->pack_bytes = c->pack_base + st->received_bytes - c->chatter;
	w->received_objects = st->received_objects;
	w->indexed_objects = st->indexed_objects;
	w->total_objects = st->total_objects;
	w->indexed_deltas = st->indexed_deltas;
	w->total_deltas = st->total_deltas;
	w->received_bytes = c->fetched_bytes + st->received_bytes;
	if (st->total_objects > 0 && st->received_objects == st->total_objects &&
	    st->total_deltas > 0)
		gitctx_phase(c, PHASE_RESOLVE);
	else if (c->phase != PHASE_SUBMODULES)
		gitctx_phase(c, PHASE_RECEIVE);
	done = st->received_objects == st->total_objects &&
	    st->indexed_deltas == st->total_deltas;
	c->ev->progress(c->ev->ctx, w, done);
	return 0;
}

/* The server's progress text, which githerd does not show: its bytes,
 * with the pkt-line header and band byte, are chatter, not pack. */
static int
on_sideband(const char *str, int len, void *payload)
{
	struct gitctx *c = payload;

	(void)str;
	if (len > 0)
		c->chatter += (uint64_t)len + 5;
	return gitctx_cancelled(c) ? GITCTX_CANCEL : 0;
}

static void
on_checkout_progress(const char *path, size_t done, size_t total, void *payload)
{
	struct gitctx *c = payload;

	(void)path;
	c->counters.checkout_done = (uint32_t)done;
	c->counters.checkout_total = (uint32_t)total;
	c->ev->progress(c->ev->ctx, &c->counters, done == total);
}

/* Checkout's progress callback cannot cancel; its notify callback can. */
static int
on_checkout_notify(git_checkout_notify_t why, const char *path,
    const git_diff_file *baseline, const git_diff_file *target,
    const git_diff_file *workdir, void *payload)
{
	struct gitctx *c = payload;

	(void)why;
	(void)path;
	(void)baseline;
	(void)target;
	(void)workdir;
	return gitctx_cancelled(c) ? GITCTX_CANCEL : 0;
}

/* The port of the owner's ssh server, as its route has it. */
static int
ssh_port(const struct gitctx *c)
{
	const struct sshconfig_host *h = sshroute_host(&c->ssh);
	char host[256], port[16];

	if (h != NULL)
		return h->port;
	url_host_port(c->owner_url, host, sizeof(host), port, sizeof(port));
	return atoi(port) > 0 ? atoi(port) : 22;
}

/*
 * A TLS certificate libgit2 rejects is never accepted here: the callback
 * only notes the host, so that the error can name it.  An SSH host key is
 * checked against known_hosts by auth.c, which tells an unknown key from
 * a changed one and may record a new one (--accept-new-host-keys).
 */
static int
on_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	struct gitctx *c = payload;

	if (!valid)
		snprintf(c->cert_host, sizeof(c->cert_host), "%s", host);
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return GIT_PASSTHROUGH;
	return auth_host_key((const git_cert_hostkey *)cert, host,
	    ssh_port(c), &c->auth, c->ev->auth);
}

static int
on_credentials(git_credential **out, const char *url,
    const char *user_from_url, unsigned int allowed, void *payload)
{
	struct gitctx *c = payload;

	return auth_credentials(out, url, user_from_url, allowed, &c->auth,
	    c->ev->auth);
}

/* Each connection walks the credential sources once, from the start. */
void
gitctx_callbacks(struct gitctx *c, git_remote_callbacks *cb)
{
	memset(&c->auth, 0, sizeof(c->auth));
	c->auth.owner_url = c->owner_url;
	c->auth.ssh = sshroute_host(&c->ssh);
	cb->remote_ready = gitctx_remote_ready;
	cb->certificate_check = on_certificate;
	cb->credentials = on_credentials;
	cb->transfer_progress = on_transfer;
	cb->sideband_progress = on_sideband;
	cb->payload = c;
}

void
gitctx_proxy_options(struct gitctx *c, git_proxy_options *po)
{
	po->type = c->proxy != NULL ? GIT_PROXY_SPECIFIED : GIT_PROXY_NONE;
	po->url = c->proxy;
	/* Never our tokens: a proxy gets only what its URL carries. */
	po->certificate_check = on_certificate;
	po->payload = c;
}

static const char *
tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && *t == '/' ? t : "/tmp";
}

/*
 * The CA certificates for url's http.sslCAInfo: the worker's set, with
 * its file added (cabundle.h), loaded only when it differs from the set
 * libgit2 holds.
 */
static int
trust(struct gitctx *c, const char *cainfo)
{
	struct gitctx_trust *t = c->ev->trust;
	char err[600], *bundle;
	const char *file;
	int rc;

	if (t == NULL || (cainfo == NULL && t->loaded == NULL) ||
	    (cainfo != NULL && t->loaded != NULL && strcmp(cainfo,
	    t->loaded) == 0))
		return 0;
	bundle = cabundle_combine(t->ca_file, cainfo, tmp_dir(), err,
	    sizeof(err));
	if (bundle == NULL && err[0] != '\0') {
		gitctx_error(c, ERR_CERTIFICATE, "http.sslCAInfo: %s", err);
		return -1;
	}
	file = bundle != NULL ? bundle : cabundle_system();
	rc = access(file, R_OK) == 0 ? git_libgit2_opts(
	    GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL) : 0;
	if (bundle != NULL)
		unlink(bundle);
	free(bundle);
	if (rc < 0)
		return gitctx_fail(c, rc, "http.sslCAInfo");
	free(t->loaded);
	t->loaded = cainfo != NULL ? xstrdup(cainfo) : NULL;
	return 0;
}

static void
drop_headers(struct gitctx *c)
{
	while (c->nheaders > 0) {
		char *h = c->headers[--c->nheaders];

		compat_wipe(h, strlen(h));
		free(h);
	}
	free(c->headers);
	c->headers = NULL;
}

/* What git's configuration makes of url; -1 with the job's error set. */
static int
url_config(struct gitctx *c, git_repository *repo, const char *url,
    struct urlconfig *uc)
{
	static const struct gitenv none;
	struct cfg_list l = CFG_LIST_INIT;
	char err[600];
	int rc = -1;

	if (gitconfig_entries(&l, c->ev->gitenv != NULL ? c->ev->gitenv : &none,
	    repo, err, sizeof(err)) == -1 ||
	    urlconfig_resolve(uc, url, &l, err, sizeof(err)) == -1)
		gitctx_error(c, ERR_REFUSED, "git configuration: %s", err);
	else
		rc = 0;
	cfg_list_release(&l);
	return rc;
}

/*
 * Connections from now on are for url (the entry's, or a submodule's,
 * seen from repo's configuration when there is one), as git's
 * configuration has it: the URL after insteadOf, which every connection
 * goes to (gitctx_remote_ready); its proxy, from git config, else the
 * environment (proxy.c); its http.extraHeader and http.sslCAInfo; the
 * only server githerd's TCP stream lets them reach (netstream.c), which
 * also takes a plain-http server's connections to its proxy; and the
 * owner whose credentials the credential callback may offer.
 */
int
gitctx_owner(struct gitctx *c, git_repository *repo, const char *url)
{
	char host[256], port[16], phost[256] = "", pport[16] = "";
	struct urlconfig uc;
	const struct sshconfig_host *ssh;

	if (url_config(c, repo, url, &uc) == -1)
		return -1;
	if (trust(c, uc.cainfo) == -1) {
		urlconfig_release(&uc);
		return -1;
	}
	free(c->proxy);
	c->proxy = proxy_for(uc.url, uc.proxy);
	free(c->owner_url);
	c->owner_url = xstrdup(uc.url);
	c->auth.owner_url = c->owner_url;
	free(c->conn_url);
	/* libgit2 never sees the URL's credentials: auth.c hands them out. */
	c->conn_url = url_strip_secrets(uc.url);
	drop_headers(c);
	c->headers = uc.headers;	/* taken: wiped in drop_headers */
	c->nheaders = uc.nheaders;
	uc.headers = NULL;
	uc.nheaders = 0;
	if (c->proxy != NULL && proxy_host_port(c->proxy, phost, sizeof(phost),
	    pport, sizeof(pport)) == -1)
		phost[0] = pport[0] = '\0';
	url_host_port(uc.url, host, sizeof(host), port, sizeof(port));
	/* An ssh alias: its connections go to HostName and Port. */
	(void)sshroute_set(&c->ssh, uc.url, c->ev->auth->ssh_config);
	c->auth.ssh = ssh = sshroute_host(&c->ssh);
	if (ssh != NULL) {
		snprintf(host, sizeof(host), "%s", ssh->hostname);
		snprintf(port, sizeof(port), "%d", ssh->port);
	}
	netstream_server(host, port, phost, pport, phost[0] != '\0' &&
	    url_scheme(uc.url) == URL_HTTP, c->ev->auth->follow_redirects &&
	    c->nheaders == 0);
	urlconfig_release(&uc);
	return 0;
}

/*
 * Every connection asks here first: it goes to the URL git's insteadOf
 * made (conn_url), and an ssh alias to what ssh_config makes of it, for
 * this remote instance only (remote.origin.url stays); a refusal of the
 * configuration fails it before any byte is sent.
 */
int
gitctx_remote_ready(git_remote *remote, int direction, void *payload)
{
	struct gitctx *c = payload;
	char *to;
	int err;

	(void)direction;
	if (c->ssh.why[0] != '\0') {
		c->ssh_refused = true;
		git_error_set_str(GIT_ERROR_SSH, c->ssh.why);
		return -1;
	}
	/* After insteadOf, an ssh alias goes to HostName, Port and User. */
	if ((to = sshroute_rewrite(&c->ssh, c->conn_url)) == NULL)
		return git_remote_set_instance_url(remote, c->conn_url);
	err = git_remote_set_instance_url(remote, to);
	free(to);
	return err;
}

/*
 * Fetch options as every fetch wants them: our callbacks, the proxy from
 * git config or http(s)_proxy (libgit2's default is none), redirects only
 * on the first request.
 */
void
gitctx_fetch_options(struct gitctx *c, git_fetch_options *fo)
{
	git_fetch_options_init(fo, GIT_FETCH_OPTIONS_VERSION);
	gitctx_callbacks(c, &fo->callbacks);
	gitctx_proxy_options(c, &fo->proxy_opts);
	fo->follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	fo->custom_headers.strings = c->headers;
	fo->custom_headers.count = c->nheaders;
}

/* Never GIT_CHECKOUT_FORCE: a SAFE checkout refuses to overwrite work. */
void
gitctx_checkout_options(struct gitctx *c, git_checkout_options *co)
{
	git_checkout_options_init(co, GIT_CHECKOUT_OPTIONS_VERSION);
	co->checkout_strategy = GITCTX_CHECKOUT;
	co->progress_cb = on_checkout_progress;
	co->progress_payload = c;
	co->notify_flags = GIT_CHECKOUT_NOTIFY_UPDATED;
	co->notify_cb = on_checkout_notify;
	co->notify_payload = c;
}

/* --- the remote: what it has, what we want ------------------------------ */

/* An anonymous remote for the manifest's URL, connected to c->repo. */
/*
 * The advertisement, kept: the connection is dropped before the fetch
 * (which makes its own), and every later decision reads this copy.
 */
static int
snapshot(struct gitctx *c)
{
	const git_remote_head **heads;
	size_t i, n;
	int err;

	if ((err = git_remote_ls(&heads, &n, c->remote)) < 0)
		return gitctx_fail(c, err, "listing remote refs");
	while (c->nadv > 0)
		free(c->adv[--c->nadv].name);
	free(c->adv);
	c->adv = xcalloc(n ? n : 1, sizeof(*c->adv));
	for (i = 0; i < n; i++) {
		c->adv[i].name = xstrdup(heads[i]->name);
		git_oid_cpy(&c->adv[i].oid, &heads[i]->oid);
	}
	c->nadv = n;
	return 0;
}

int
gitctx_connect(struct gitctx *c)
{
	git_remote_connect_options co;
	int err;

	/* Now that there is a repository, its configuration applies too. */
	if (gitctx_owner(c, c->repo, c->job->url) == -1)
		return -1;
	if ((err = git_remote_create_anonymous(&c->remote, c->repo,
	    c->conn_url)) < 0)
		return gitctx_fail(c, err, "remote");
	git_remote_connect_options_init(&co, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	gitctx_callbacks(c, &co.callbacks);
	gitctx_proxy_options(c, &co.proxy_opts);
	co.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	co.custom_headers.strings = c->headers;
	co.custom_headers.count = c->nheaders;
	gitctx_phase(c, PHASE_CONNECT);
	if ((err = git_remote_connect_ext(c->remote, GIT_DIRECTION_FETCH,
	    &co)) < 0)
		return gitctx_fail(c, err, "connect");
	return snapshot(c);
}

const struct gitctx_ref *
gitctx_advertised(struct gitctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nadv; i++)
		if (strcmp(c->adv[i].name, name) == 0)
			return &c->adv[i];
	return NULL;
}

static bool
is_hex_prefix(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && n <= 40 &&
	    strspn(s, "0123456789abcdefABCDEF") == n;
}

/* The commit a tag names: the peeled entry when the tag is annotated. */
static const struct gitctx_ref *
advertised_tag_commit(struct gitctx *c, const char *tag)
{
	const struct gitctx_ref *h;
	char name[512];

	snprintf(name, sizeof(name), "refs/tags/%s^{}", tag);
	if ((h = gitctx_advertised(c, name)) != NULL)
		return h;
	snprintf(name, sizeof(name), "refs/tags/%s", tag);
	return gitctx_advertised(c, name);
}

/*
 * The remote's HEAD names a branch it does not have (git clone warns and
 * leaves an empty work tree): say so, with the branches there are.
 */
static int
no_default_branch(struct gitctx *c)
{
	struct buf names = BUF_INIT;
	size_t i, shown = 0, branches = 0;

	buf_init(&names);
	for (i = 0; i < c->nadv; i++) {
		if (strncmp(c->adv[i].name, "refs/heads/", 11) != 0)
			continue;
		if (branches++ < 3)
			buf_addf(&names, "%s%s", shown++ ? ", " : "",
			    c->adv[i].name + 11);
	}
	if (branches > 3)
		buf_addstr(&names, ", ...");
	gitctx_error(c, ERR_BAD_REF, "the remote's HEAD names no branch it has, "
	    "so it has no default branch to check out; name one with 'branch:'"
	    "%s%s%s", branches ? " (it has " : "", names.data,
	    branches ? ")" : "");
	buf_release(&names);
	return -1;
}

/*
 * A version naming another ref of the remote, as git fetch finds one:
 * "refs/..." as written, else under refs/ (pull/104/head).  It is taken
 * as the commit it advertises, checked out detached.  0 found.
 */
static int
other_ref(struct gitctx *c, const char *ref)
{
	const struct gitctx_ref *h;
	char name[512];

	if (strncmp(ref, "refs/", 5) == 0)
		snprintf(name, sizeof(name), "%s", ref);
	else
		snprintf(name, sizeof(name), "refs/%s", ref);
	/* The manifest made refs/heads/x and refs/tags/x a branch, a tag. */
	if ((h = gitctx_advertised(c, name)) == NULL)
		return -1;
	c->kind = REF_COMMIT;
	c->other_ref = xstrdup(name);
	git_oid_cpy(&c->want, &h->oid);
	c->want_known = true;
	return 0;
}

/*
 * Look at the ref advertisement before downloading anything: the default
 * branch, and whether the branch or tag the manifest names exists at all
 * (a typo fails in a second, not after a full download).  Sets c->want
 * to the commit the entry should end up at when the advertisement says.
 */
int
gitctx_resolve(struct gitctx *c)
{
	const struct gitctx_ref *h;
	git_buf def = GIT_BUF_INIT;
	int err;
	char name[512];
	const char *ref = c->job->ref;

	c->remote_empty = c->nadv == 0;
	err = git_remote_default_branch(&def, c->remote);
	if (err == 0)
		c->default_ref = xstrdup(def.ptr);
	else if ((h = gitctx_advertised(c, "HEAD")) != NULL) {
		c->remote_head = h->oid;
		c->remote_head_detached = true;
	}
	git_buf_dispose(&def);
	git_error_clear();

	c->kind = (enum ref_kind)c->job->ref_kind;
	if (c->kind == REF_VERSION) {
		snprintf(name, sizeof(name), "refs/heads/%s", ref);
		if (gitctx_advertised(c, name) != NULL)
			c->kind = REF_BRANCH;
		else {
			snprintf(name, sizeof(name), "refs/tags/%s", ref);
			if (gitctx_advertised(c, name) != NULL)
				c->kind = REF_TAG;
			else if (other_ref(c, ref) == 0)
				return 0;
			else if (!is_hex_prefix(ref)) {
				gitctx_error(c, ERR_BAD_REF, "version '%s' is "
				    "neither a branch nor a tag on the remote, "
				    "nor another ref of it, nor a commit id",
				    ref);
				return -1;
			}
		}
	}
	switch (c->kind) {
	case REF_BRANCH:
		snprintf(name, sizeof(name), "refs/heads/%s", ref);
		if ((h = gitctx_advertised(c, name)) == NULL) {
			gitctx_error(c, ERR_BAD_REF, "branch '%s' not found on "
			    "the remote", ref);
			return -1;
		}
		c->branch = xstrdup(ref);
		git_oid_cpy(&c->want, &h->oid);
		c->want_known = true;
		break;
	case REF_TAG:
		if ((h = advertised_tag_commit(c, ref)) == NULL) {
			gitctx_error(c, ERR_BAD_REF, "tag '%s' not found on the "
			    "remote", ref);
			return -1;
		}
		git_oid_cpy(&c->want, &h->oid);
		c->want_known = true;
		break;
	case REF_COMMIT:
		c->want_known = git_oid_fromstr(&c->want, ref) == 0;
		break;
	case REF_DEFAULT:
		if (c->default_ref != NULL &&
		    strncmp(c->default_ref, "refs/heads/", 11) == 0) {
			c->branch = xstrdup(c->default_ref + 11);
			if ((h = gitctx_advertised(c, c->default_ref)) != NULL) {
				git_oid_cpy(&c->want, &h->oid);
				c->want_known = true;
			}
		} else if (c->remote_head_detached) {
			git_oid_cpy(&c->want, &c->remote_head);
			c->want_known = true;
		}
		/* A mirror takes every ref; anything else needs a commit. */
		if (!c->want_known && !c->remote_empty && !c->mirror)
			return no_default_branch(c);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The refspec of the entry: what `git clone` with the same options maps.
 * A shallow clone takes only what it checks out (--single-branch).
 */
void
gitctx_refspec(const struct gitctx *c, struct buf *spec)
{
	const char *heads = c->bare ? "refs/heads" : "refs/remotes/origin";

	if (c->mirror)
		buf_addstr(spec, "+refs/*:refs/*");
	else if (c->depth > 0 && c->kind == REF_TAG)
		buf_addf(spec, "+refs/tags/%s:refs/tags/%s", c->job->ref,
		    c->job->ref);
	else if (c->depth > 0 && c->kind == REF_COMMIT)
		buf_addf(spec, "+%s:refs/githerd/pinned", c->other_ref ?
		    c->other_ref : c->job->ref);
	else if (c->depth > 0 && c->branch != NULL)
		buf_addf(spec, "+refs/heads/%s:%s/%s", c->branch, heads,
		    c->branch);
	else
		buf_addf(spec, "+refs/heads/*:%s/*", heads);
}

bool
gitctx_pin_spec(const struct gitctx *c, struct buf *spec)
{
	if (c->other_ref == NULL || c->depth > 0 || c->mirror)
		return false;
	buf_addstr(spec, c->other_ref);
	return true;
}

/*
 * A full clone takes every tag, as `git clone` does; a shallow one only
 * the tags of what it fetched.
 */
static void
fetch_setup(struct gitctx *c, git_fetch_options *fo, git_strarray *sa,
    const char *const *specs, size_t nspecs, int depth, bool prune)
{
	gitctx_fetch_options(c, fo);
	fo->update_fetchhead = 0;
	fo->depth = depth;
	fo->prune = prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE;
	/* Deepening to full history takes every tag, as a full clone has. */
	fo->download_tags = depth > 0 && depth != GIT_FETCH_DEPTH_UNSHALLOW ?
	    GIT_REMOTE_DOWNLOAD_TAGS_AUTO : GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	sa->strings = (char **)specs;
	sa->count = nspecs;
	gitctx_phase(c, PHASE_RECEIVE);
}

static void
count_fetched(struct gitctx *c, git_remote *remote)
{
	const git_indexer_progress *st = git_remote_stats(remote);

	c->fetched_bytes += st->received_bytes;
	c->fetched_objects += st->total_objects;
	if (st->received_objects > 0)
		c->res->fetched = true;
}

/* Fetch refspecs through remote (connected or not), counting what came. */
int
gitctx_fetch(struct gitctx *c, git_remote *remote, const char *const *specs,
    size_t nspecs, int depth, bool prune, const char *why)
{
	git_fetch_options fo;
	git_strarray sa;
	int err;
	char *msg;

	fetch_setup(c, &fo, &sa, specs, nspecs, depth, prune);
	msg = xasprintf("%s: from %s", why, c->job->url);
	url_redact_text(msg, c->job->url);
	err = git_remote_fetch(remote, &sa, &fo, msg);
	free(msg);
	count_fetched(c, remote);
	return err;
}

/*
 * The objects of a fetch, and its shallow boundary, without a single ref:
 * the caller writes them (a clone, all at once into packed-refs).
 */
int
gitctx_download(struct gitctx *c, git_remote *remote,
    const char *const *specs, size_t nspecs, int depth)
{
	git_fetch_options fo;
	git_strarray sa;
	int err;

	fetch_setup(c, &fo, &sa, specs, nspecs, depth, false);
	err = git_remote_download(remote, &sa, &fo);
	count_fetched(c, remote);
	git_remote_disconnect(remote);
	return err;
}

/*
 * Does repo's origin name the manifest's repository?  1 yes; 0 no, with
 * origin's URL (credentials redacted) in have; -1 when there is none.
 * URLs are compared normalised: https://h/x.git and https://h/x match.
 */
int
gitctx_origin(struct gitctx *c, git_repository *repo, char *have, size_t len)
{
	git_config *cfg = NULL;
	git_buf url = GIT_BUF_INIT;
	char *a = NULL, *b = NULL, *shown;
	int rc = -1;

	if (git_repository_config_snapshot(&cfg, repo) < 0 ||
	    git_config_get_string_buf(&url, cfg, "remote.origin.url") < 0)
		goto out;
	a = url_normalize(url.ptr);
	b = url_normalize(c->job->url);
	rc = strcmp(a, b) == 0;
	shown = url_redact(url.ptr);
	snprintf(have, len, "%s", shown);
	free(shown);
out:
	git_error_clear();
	git_buf_dispose(&url);
	git_config_free(cfg);
	free(a);
	free(b);
	return rc;
}

/*
 * A repository's git directory must be inside top (the entry's work
 * tree, or the directory of a bare entry): a ".git" that is a symbolic
 * link, or a gitfile ("gitdir: /elsewhere") that leads out, would have
 * githerd read and write another repository.  0, or -1 with the job's
 * error set (refused).
 */
int
gitctx_check_gitdir(struct gitctx *c, git_repository *repo, const char *top,
    const char *label)
{
	char gitdir[PATH_MAX], root[PATH_MAX], dotgit[PATH_MAX + 8];
	size_t n;

	snprintf(dotgit, sizeof(dotgit), "%s/.git", top);
	if (fs_kind(dotgit) == FS_SYMLINK) {
		gitctx_error(c, ERR_REFUSED, "%s/.git is a symbolic link: refusing "
		    "to use it", label);
		return -1;
	}
	if (realpath(top, root) == NULL ||
	    realpath(git_repository_path(repo), gitdir) == NULL)
		return gitctx_fail_errno(c, label);
	n = strlen(root);
	if (strncmp(gitdir, root, n) != 0 || (gitdir[n] != '/' &&
	    gitdir[n] != '\0')) {
		gitctx_error(c, ERR_REFUSED, "%s: its git directory is %s, outside "
		    "it (a .git file points there): refusing to use it", label,
		    gitdir);
		return -1;
	}
	return 0;
}

/* --- objects ------------------------------------------------------------ */

void
gitctx_head(struct gitctx *c, git_repository *repo)
{
	git_oid oid;

	git_reference *head = NULL;

	c->res->head[0] = '\0';
	if (git_reference_name_to_id(&oid, repo, "HEAD") == 0)
		git_oid_tostr(c->res->head, sizeof(c->res->head), &oid);
	free(c->res->branch);
	c->res->branch = NULL;
	if (git_repository_head(&head, repo) == 0 &&
	    git_reference_is_branch(head))
		c->res->branch = xstrdup(git_reference_shorthand(head));
	git_reference_free(head);
	git_error_clear();
}

/*
 * Where githerd has just put repo's checkout, for the workspace's ledger:
 * the branch HEAD names (born or not), or the commit it is detached at.
 */
void
gitctx_placed(struct gitctx *c, git_repository *repo)
{
	git_reference *head = NULL;
	const char *target;
	char hex[GIT_OID_MAX_HEXSIZE + 1];

	free(c->res->placed);
	c->res->placed = NULL;
	if (git_reference_lookup(&head, repo, "HEAD") == 0) {
		if ((target = git_reference_symbolic_target(head)) != NULL) {
			if (strncmp(target, "refs/heads/", 11) == 0)
				c->res->placed = xstrdup(target);
		} else if (git_reference_target(head) != NULL) {
			git_oid_tostr(hex, sizeof(hex),
			    git_reference_target(head));
			c->res->placed = xstrdup(hex);
		}
	}
	git_reference_free(head);
	git_error_clear();
}

/* The commit a ref points to, through annotated tags. */
int
gitctx_peel(struct gitctx *c, git_repository *repo, const char *refname,
    git_oid *out)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int err;

	if ((err = git_reference_lookup(&ref, repo, refname)) < 0)
		return gitctx_fail(c, err, refname);
	err = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (err < 0) {
		gitctx_error(c, ERR_BAD_REF, "%s does not point to a commit",
		    refname);
		return -1;
	}
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* The manifest's commit: by full id, or for vcstool by unique prefix. */
int
gitctx_find_commit(struct gitctx *c, git_repository *repo, git_oid *out)
{
	git_object *obj = NULL;
	git_oid oid;
	size_t len = strlen(c->job->ref);
	int err;

	if (c->other_ref != NULL) {
		/* The commit the remote's ref pointed at, fetched by it. */
		err = git_object_lookup(&obj, repo, &c->want, GIT_OBJECT_COMMIT);
		git_error_clear();
		if (err < 0) {
			gitctx_error(c, ERR_BAD_REF, "the commit of %s did not "
			    "come with the fetch", c->other_ref);
			return -1;
		}
		git_oid_cpy(out, &c->want);
		git_object_free(obj);
		return 0;
	}
	if (git_oid_fromstrn(&oid, c->job->ref, len) < 0) {
		gitctx_error(c, ERR_BAD_REF, "'%s' is not a commit id",
		    c->job->ref);
		return -1;
	}
	err = git_object_lookup_prefix(&obj, repo, &oid, len, GIT_OBJECT_COMMIT);
	git_error_clear();
	if (err == GIT_EAMBIGUOUS) {
		gitctx_error(c, ERR_BAD_REF, "commit id '%s' is ambiguous",
		    c->job->ref);
		return -1;
	}
	if (err < 0) {
		gitctx_error(c, ERR_BAD_REF, "commit %s is not on the remote (not "
		    "reachable from any branch or tag)", c->job->ref);
		return -1;
	}
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* --- one job's context -------------------------------------------------- */

void
gitctx_init(struct gitctx *c, const struct msg_job *job,
    const struct gitctx_events *ev, struct job_result *res)
{
	result_release(res);
	memset(c, 0, sizeof(*c));
	c->job = job;
	c->ev = ev;
	c->res = res;
	c->parent_fd = -1;
	c->phase = PHASE_QUEUED;
	c->mirror = (job->flags & JOBF_MIRROR) != 0;
	c->bare = c->mirror || (job->flags & JOBF_BARE) != 0;
	c->depth = job->depth;
	gitctx_hash_reads(true);
	/* Until gitctx_connect() reads git's configuration for the URL. */
	c->conn_url = url_strip_secrets(job->url);
	sshroute_init(&c->ssh);
	c->owner_url = xstrdup(job->url);
}

/* The job is done: what it made of where it is goes to the result. */
void
gitctx_release(struct gitctx *c)
{
	if (c->where[0] != '\0')
		result_where(c->res, "%s", c->where);
	git_remote_free(c->remote);
	git_repository_free(c->repo);
	while (c->nadv > 0)
		free(c->adv[--c->nadv].name);
	free(c->adv);
	free(c->branch);
	free(c->default_ref);
	free(c->other_ref);
	free(c->proxy);
	free(c->owner_url);
	free(c->conn_url);
	sshroute_release(&c->ssh);
	drop_headers(c);
	if (c->parent_fd != -1)
		close(c->parent_fd);
	netstream_server(NULL, NULL, NULL, NULL, false, false);
}

int
gitctx_global_init(int connect_timeout_ms, int read_timeout_ms,
    unsigned long max_objects, const char *ca_file, char *err, size_t errlen)
{
	char *bundle;
	size_t limit;
	int rc;

	err[0] = '\0';
	if (git_libgit2_init() < 0) {
		snprintf(err, errlen, "cannot initialise libgit2");
		return -1;
	}
	/* Both or neither: the connect timeout alone breaks libgit2 1.8. */
	git_libgit2_opts(GIT_OPT_SET_SERVER_CONNECT_TIMEOUT,
	    connect_timeout_ms > 0 ? connect_timeout_ms : CONNECT_TIMEOUT_MS);
	git_libgit2_opts(GIT_OPT_SET_SERVER_TIMEOUT,
	    read_timeout_ms > 0 ? read_timeout_ms : READ_TIMEOUT_MS);
	if (max_objects > 0)
		git_libgit2_opts(GIT_OPT_SET_PACK_MAX_OBJECTS, (size_t)max_objects);
	/* The object cache (256 MiB by default) fits well inside the limit. */
	if ((limit = memlimit_limit()) > 0 && limit / 4 < (256u << 20))
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)(limit / 4));
	if ((bundle = cabundle_combine(ca_file, NULL, tmp_dir(), err, errlen)) ==
	    NULL)
		return err[0] != '\0' ? -1 : 0;
	/* Parsed right away: the file is not needed afterwards. */
	rc = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, NULL);
	unlink(bundle);
	free(bundle);
	if (rc < 0) {
		snprintf(err, errlen, "the CA certificates given cannot be "
		    "loaded: %s", git_error_last() ? git_error_last()->message :
		    "unknown error");
		return -1;
	}
	return 0;
}

void
gitctx_global_shutdown(void)
{
	git_libgit2_shutdown();
}

/* A process-wide switch: one job at a time, one thread. */
void
gitctx_hash_reads(bool on)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, on ? 1 : 0);
}
