#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "compat.h"
#include "fsutil.h"
#include "gitops.h"
#include "manifest.h"
#include "path.h"
#include "url.h"
#include "version.h"
#include "xmalloc.h"

/* What our callbacks return to make libgit2 unwind on cancellation. */
#define CANCEL_CODE		(-7777)
#define SUBMODULE_MAX_DEPTH	8
#define PROGRESS_MS		100
#define CONNECT_TIMEOUT_MS	30000
#define READ_TIMEOUT_MS		120000

struct clone {
	const struct wire_job		*job;
	const struct gitops_events	*ev;
	struct gitops_result		*res;
	git_repository			*repo;
	git_remote			*remote;
	enum phase			 phase;
	struct wire_progress		 counters;
	uint64_t			 fetched_bytes;	/* of finished fetches */
	uint64_t			 fetched_objects;
	bool				 bare, mirror;
	int				 depth;		/* effective */
	enum ref_kind			 kind;		/* resolved */
	char				*branch;	/* short name to check out */
	char				*default_ref;	/* "refs/heads/main" */
	git_oid				 remote_head;	/* remote HEAD, when detached */
	bool				 remote_head_detached;
	bool				 remote_empty;
	git_oid				 target;	/* commit to detach at */
};

/* --- errors ------------------------------------------------------------------ */

static void
set_error(struct clone *c, enum err_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_error(struct clone *c, enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	if (c->res->result == RESULT_FAILED || c->res->result == RESULT_CANCELLED)
		return;		/* keep the first, root cause */
	c->res->result = cls == ERR_CANCELLED ? RESULT_CANCELLED : RESULT_FAILED;
	c->res->err_class = cls;
	va_start(ap, fmt);
	vsnprintf(c->res->message, sizeof(c->res->message), fmt, ap);
	va_end(ap);
	url_redact_text(c->res->message, c->job->url);
}

static bool
has(const char *msg, const char *needle)
{
	return msg != NULL && strstr(msg, needle) != NULL;
}

static int
http_status(const char *msg)
{
	const char *p = msg ? strstr(msg, "status code: ") : NULL;

	return p ? atoi(p + strlen("status code: ")) : 0;
}

/*
 * libgit2's code and class decide first; its messages are not an API, so
 * they are only consulted for the cases the classes lump together.
 */
static enum err_class
classify(int code, const git_error *e)
{
	const char *m = e ? e->message : NULL;
	int klass = e ? e->klass : 0, st;

	if (code == CANCEL_CODE)
		return ERR_CANCELLED;
	if (code == GIT_EAUTH)
		return ERR_AUTH;
	if (code == GIT_ECERTIFICATE)
		return ERR_CERTIFICATE;
	if (has(m, "No space left") || has(m, "Disk quota") ||
	    has(m, "Read-only file system") || has(m, "File too large"))
		return ERR_DISK;
	switch (klass) {
	case GIT_ERROR_NET:
	case GIT_ERROR_OS:
		if (has(m, "timed out"))
			return ERR_TIMEOUT;
		if (has(m, "not exported") || has(m, "not found") ||
		    has(m, "does not appear to be a git repository") ||
		    has(m, "No such file or directory"))
			return ERR_NOT_FOUND;
		if (has(m, "Permission denied"))
			return ERR_DISK;
		return ERR_NETWORK;
	case GIT_ERROR_HTTP:
		st = http_status(m);
		if (st == 404 || st == 410)
			return ERR_NOT_FOUND;
		if (st == 401 || st == 403)
			return ERR_AUTH;
		if (st == 429)
			return ERR_RATE_LIMITED;
		if (st >= 500)
			return ERR_SERVER;
		if (has(m, "authentication"))
			return ERR_AUTH;
		return ERR_SERVER;
	case GIT_ERROR_SSL:
		return ERR_CERTIFICATE;
	case GIT_ERROR_SSH:
		if (has(m, "hostkey") || has(m, "host key"))
			return ERR_CERTIFICATE;
		if (has(m, "auth"))
			return ERR_AUTH;
		return ERR_NETWORK;
	case GIT_ERROR_INDEXER:
	case GIT_ERROR_ZLIB:
	case GIT_ERROR_ODB:
		return ERR_SERVER;
	case GIT_ERROR_CALLBACK:
		return ERR_CANCELLED;
	default:
		return ERR_INTERNAL;
	}
}

/* Record a libgit2 failure; read git_error_last() right away (thread-local). */
static int
fail_git(struct clone *c, int code, const char *what)
{
	const git_error *e = git_error_last();
	enum err_class cls = classify(code, e);

	if (c->ev->cancelled(c->ev->ctx))
		cls = ERR_CANCELLED;
	set_error(c, cls, "%s: %s", what, cls == ERR_CANCELLED ? "cancelled" :
	    (e && e->message ? e->message : "unknown error"));
	c->res->git_code = code;
	c->res->git_klass = e ? e->klass : 0;
	return -1;
}

/* --- callbacks ---------------------------------------------------------------- */

static void
set_phase(struct clone *c, enum phase p)
{
	if (c->phase == p)
		return;
	c->phase = p;
	c->ev->phase(c->ev->ctx, p);
}

static int
on_transfer(const git_indexer_progress *st, void *payload)
{
	struct clone *c = payload;
	struct wire_progress *w = &c->counters;
	bool done;

	if (c->ev->cancelled(c->ev->ctx))
		return CANCEL_CODE;
	w->received_objects = st->received_objects;
	w->indexed_objects = st->indexed_objects;
	w->total_objects = st->total_objects;
	w->indexed_deltas = st->indexed_deltas;
	w->total_deltas = st->total_deltas;
	w->received_bytes = c->fetched_bytes + st->received_bytes;
	if (st->total_objects > 0 && st->received_objects == st->total_objects &&
	    st->total_deltas > 0)
		set_phase(c, PHASE_RESOLVE);
	else if (c->phase != PHASE_SUBMODULES)
		set_phase(c, PHASE_RECEIVE);
	done = st->received_objects == st->total_objects &&
	    st->indexed_deltas == st->total_deltas;
	c->ev->progress(c->ev->ctx, w, done);
	return 0;
}

static int
on_sideband(const char *str, int len, void *payload)
{
	struct clone *c = payload;

	(void)str;
	(void)len;
	return c->ev->cancelled(c->ev->ctx) ? CANCEL_CODE : 0;
}

static void
on_checkout_progress(const char *path, size_t done, size_t total, void *payload)
{
	struct clone *c = payload;

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
	struct clone *c = payload;

	(void)why;
	(void)path;
	(void)baseline;
	(void)target;
	(void)workdir;
	return c->ev->cancelled(c->ev->ctx) ? CANCEL_CODE : 0;
}

static void
init_callbacks(struct clone *c, git_remote_callbacks *cb)
{
	cb->transfer_progress = on_transfer;
	cb->sideband_progress = on_sideband;
	cb->payload = c;
}

static void
init_checkout(struct clone *c, git_checkout_options *co)
{
	co->checkout_strategy = GIT_CHECKOUT_SAFE;
	co->progress_cb = on_checkout_progress;
	co->progress_payload = c;
	co->notify_flags = GIT_CHECKOUT_NOTIFY_UPDATED;
	co->notify_cb = on_checkout_notify;
	co->notify_payload = c;
}

/* --- the remote: what it has, what we want -------------------------------- */

static const git_remote_head *
find_ref(const git_remote_head **heads, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(heads[i]->name, name) == 0)
			return heads[i];
	return NULL;
}

static bool
is_hex_prefix(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && n <= 40 &&
	    strspn(s, "0123456789abcdefABCDEF") == n;
}

/*
 * Look at the ref advertisement before downloading anything: the default
 * branch, and whether the branch or tag the manifest names exists at all
 * (a typo fails in a second, not after a full download).
 */
static int
resolve_target(struct clone *c)
{
	const git_remote_head **heads, *h;
	git_buf def = GIT_BUF_INIT;
	size_t n;
	int err;
	char name[512];
	const char *ref = c->job->ref;

	if ((err = git_remote_ls(&heads, &n, c->remote)) < 0)
		return fail_git(c, err, "listing remote refs");
	c->remote_empty = n == 0;
	err = git_remote_default_branch(&def, c->remote);
	if (err == 0)
		c->default_ref = xstrdup(def.ptr);
	else if ((h = find_ref(heads, n, "HEAD")) != NULL) {
		c->remote_head = h->oid;
		c->remote_head_detached = true;
	}
	git_buf_dispose(&def);
	git_error_clear();

	c->kind = (enum ref_kind)c->job->ref_kind;
	if (c->kind == REF_VERSION) {
		snprintf(name, sizeof(name), "refs/heads/%s", ref);
		if (find_ref(heads, n, name) != NULL)
			c->kind = REF_BRANCH;
		else {
			snprintf(name, sizeof(name), "refs/tags/%s", ref);
			if (find_ref(heads, n, name) != NULL)
				c->kind = REF_TAG;
			else if (!is_hex_prefix(ref)) {
				set_error(c, ERR_BAD_REF, "version '%s' is "
				    "neither a branch nor a tag on the remote, "
				    "nor a commit id", ref);
				return -1;
			}
		}
	}
	switch (c->kind) {
	case REF_BRANCH:
		snprintf(name, sizeof(name), "refs/heads/%s", ref);
		if (find_ref(heads, n, name) == NULL) {
			set_error(c, ERR_BAD_REF, "branch '%s' not found on "
			    "the remote", ref);
			return -1;
		}
		c->branch = xstrdup(ref);
		break;
	case REF_TAG:
		snprintf(name, sizeof(name), "refs/tags/%s", ref);
		if (find_ref(heads, n, name) == NULL) {
			set_error(c, ERR_BAD_REF, "tag '%s' not found on the "
			    "remote", ref);
			return -1;
		}
		break;
	case REF_DEFAULT:
		if (c->default_ref != NULL &&
		    strncmp(c->default_ref, "refs/heads/", 11) == 0)
			c->branch = xstrdup(c->default_ref + 11);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The refspecs of this clone: what `git clone` with the same options maps.
 * A shallow clone takes only what it checks out (--single-branch).
 */
static void
fetch_refspecs(struct clone *c, struct buf *spec)
{
	const char *heads = c->bare ? "refs/heads" : "refs/remotes/origin";

	if (c->mirror)
		buf_addstr(spec, "+refs/*:refs/*");
	else if (c->depth > 0 && c->kind == REF_TAG)
		buf_addf(spec, "+refs/tags/%s:refs/tags/%s", c->job->ref,
		    c->job->ref);
	else if (c->depth > 0 && c->kind == REF_COMMIT)
		buf_addf(spec, "+%s:refs/githerd/pinned", c->job->ref);
	else if (c->depth > 0 && c->branch != NULL)
		buf_addf(spec, "+refs/heads/%s:%s/%s", c->branch, heads,
		    c->branch);
	else
		buf_addf(spec, "+refs/heads/*:%s/*", heads);
}

static int
fetch(struct clone *c, const char *refspec, int depth)
{
	git_fetch_options fo;
	git_strarray specs;
	char *arr[1];
	const git_indexer_progress *st;
	int err;
	char *msg;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	init_callbacks(c, &fo.callbacks);
	fo.update_fetchhead = 0;
	fo.depth = depth;
	/* A full clone takes every tag, as `git clone` does. */
	fo.download_tags = depth > 0 ? GIT_REMOTE_DOWNLOAD_TAGS_AUTO :
	    GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	fo.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	arr[0] = (char *)refspec;
	specs.strings = arr;
	specs.count = 1;
	msg = xasprintf("clone: from %s", c->job->url);
	url_redact_text(msg, c->job->url);
	err = git_remote_fetch(c->remote, &specs, &fo, msg);
	free(msg);
	st = git_remote_stats(c->remote);
	c->fetched_bytes += st->received_bytes;
	c->fetched_objects += st->total_objects;
	return err;
}

static int
download(struct clone *c)
{
	struct buf spec = BUF_INIT;
	int err, rc = -1;

	buf_init(&spec);
	fetch_refspecs(c, &spec);
	err = fetch(c, spec.data, c->depth);
	if (err < 0 && c->depth > 0 && c->kind == REF_COMMIT &&
	    git_error_last() != NULL &&
	    git_error_last()->klass == GIT_ERROR_INVALID &&
	    !c->ev->cancelled(c->ev->ctx)) {
		/* The server will not serve a bare object id: fetch it all. */
		c->ev->warn(c->ev->ctx, "the server refuses to fetch a commit "
		    "by id: cloning full history instead of depth");
		c->depth = 0;
		buf_reset(&spec);
		fetch_refspecs(c, &spec);
		err = fetch(c, spec.data, 0);
	}
	if (err < 0) {
		fail_git(c, err, "fetch");
		goto out;
	}
	rc = 0;
out:
	buf_release(&spec);
	return rc;
}

/* --- setting the clone up like `git clone` would ------------------------------- */

static int
config_set(struct clone *c, git_config *cfg, const char *key, const char *val)
{
	int err = git_config_set_string(cfg, key, val);

	return err < 0 ? fail_git(c, err, "writing configuration") : 0;
}

static int
write_config(struct clone *c)
{
	git_config *cfg = NULL;
	struct buf spec = BUF_INIT;
	int rc = -1;

	buf_init(&spec);
	if (git_repository_config(&cfg, c->repo) < 0) {
		fail_git(c, -1, "opening configuration");
		goto out;
	}
	if (config_set(c, cfg, "remote.origin.url", c->job->url) == -1)
		goto out;
	if (c->mirror) {
		if (config_set(c, cfg, "remote.origin.fetch", "+refs/*:refs/*") ==
		    -1 || git_config_set_bool(cfg, "remote.origin.mirror", 1) < 0)
			goto out;
	} else if (!c->bare) {
		fetch_refspecs(c, &spec);
		if (c->kind == REF_COMMIT && c->depth > 0) {
			buf_reset(&spec);
			buf_addstr(&spec, "+refs/heads/*:refs/remotes/origin/*");
		}
		if (config_set(c, cfg, "remote.origin.fetch", spec.data) == -1)
			goto out;
	}
	rc = 0;
out:
	git_config_free(cfg);
	buf_release(&spec);
	return rc;
}

static int
peel_commit(struct clone *c, const char *refname, git_oid *out)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int err;

	if ((err = git_reference_lookup(&ref, c->repo, refname)) < 0)
		return fail_git(c, err, refname);
	err = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (err < 0) {
		set_error(c, ERR_BAD_REF, "%s does not point to a commit",
		    refname);
		return -1;
	}
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* A commit: by full id, or for vcstool versions by unique prefix. */
static int
find_commit(struct clone *c)
{
	git_object *obj = NULL;
	git_oid oid;
	size_t len = strlen(c->job->ref);
	int err;

	if (git_oid_fromstrn(&oid, c->job->ref, len) < 0) {
		set_error(c, ERR_BAD_REF, "'%s' is not a commit id", c->job->ref);
		return -1;
	}
	err = git_object_lookup_prefix(&obj, c->repo, &oid, len,
	    GIT_OBJECT_COMMIT);
	if (err == GIT_EAMBIGUOUS) {
		set_error(c, ERR_BAD_REF, "commit id '%s' is ambiguous",
		    c->job->ref);
		return -1;
	}
	if (err < 0) {
		set_error(c, ERR_BAD_REF, "commit %s is not on the remote (not "
		    "reachable from any branch or tag)", c->job->ref);
		return -1;
	}
	git_oid_cpy(&c->target, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

static int
resolve_detached_target(struct clone *c)
{
	char name[512];
	git_reference *pin = NULL;

	if (c->kind == REF_TAG) {
		snprintf(name, sizeof(name), "refs/tags/%s", c->job->ref);
		return peel_commit(c, name, &c->target);
	}
	if (find_commit(c) == -1)
		return -1;
	/* The shallow by-id fetch parked the commit on a ref of our own. */
	if (git_reference_lookup(&pin, c->repo, "refs/githerd/pinned") == 0) {
		git_reference_delete(pin);
		git_reference_free(pin);
	}
	git_error_clear();
	return 0;
}

/* refs/remotes/origin/HEAD -> the remote's default branch, as git does. */
static void
set_origin_head(struct clone *c)
{
	git_reference *ref = NULL, *head = NULL;
	char target[512];

	if (c->bare || c->default_ref == NULL ||
	    strncmp(c->default_ref, "refs/heads/", 11) != 0)
		return;
	snprintf(target, sizeof(target), "refs/remotes/origin/%s",
	    c->default_ref + 11);
	if (git_reference_lookup(&ref, c->repo, target) == 0)
		git_reference_symbolic_create(&head, c->repo,
		    "refs/remotes/origin/HEAD", target, 1, "clone");
	git_reference_free(ref);
	git_reference_free(head);
	git_error_clear();
}

static int
checkout_branch(struct clone *c)
{
	git_reference *tracking = NULL, *local = NULL;
	git_config *cfg = NULL;
	char name[512], key[600], merge[512];
	int err, rc = -1;

	snprintf(name, sizeof(name), "refs/remotes/origin/%s", c->branch);
	if ((err = git_reference_lookup(&tracking, c->repo, name)) < 0) {
		fail_git(c, err, name);
		goto out;
	}
	snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
	if ((err = git_reference_create(&local, c->repo, name,
	    git_reference_target(tracking), 0, "clone")) < 0 ||
	    (err = git_repository_config(&cfg, c->repo)) < 0) {
		fail_git(c, err, "creating the local branch");
		goto out;
	}
	snprintf(key, sizeof(key), "branch.%s.remote", c->branch);
	snprintf(merge, sizeof(merge), "refs/heads/%s", c->branch);
	if (config_set(c, cfg, key, "origin") == -1)
		goto out;
	snprintf(key, sizeof(key), "branch.%s.merge", c->branch);
	if (config_set(c, cfg, key, merge) == -1)
		goto out;
	if ((err = git_repository_set_head(c->repo, name)) < 0) {
		fail_git(c, err, "setting HEAD");
		goto out;
	}
	rc = 0;
out:
	git_config_free(cfg);
	git_reference_free(tracking);
	git_reference_free(local);
	return rc;
}

static int
set_head(struct clone *c)
{
	char name[512];
	int err;

	if (c->kind == REF_TAG || c->kind == REF_COMMIT ||
	    c->kind == REF_VERSION) {
		if (resolve_detached_target(c) == -1)
			return -1;
		if ((err = git_repository_set_head_detached(c->repo,
		    &c->target)) < 0)
			return fail_git(c, err, "detaching HEAD");
		return 0;
	}
	if (c->branch == NULL) {
		/* Remote HEAD detached, or an empty repository. */
		if (c->remote_head_detached &&
		    (err = git_repository_set_head_detached(c->repo,
		    &c->remote_head)) < 0)
			return fail_git(c, err, "detaching HEAD");
		return 0;
	}
	if (c->bare) {
		snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
		if ((err = git_repository_set_head(c->repo, name)) < 0)
			return fail_git(c, err, "setting HEAD");
		return 0;
	}
	return checkout_branch(c);
}

static int
checkout(struct clone *c)
{
	git_checkout_options co;
	int err;

	if (c->bare || git_repository_head_unborn(c->repo) == 1)
		return 0;
	set_phase(c, PHASE_CHECKOUT);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	init_checkout(c, &co);
	if ((err = git_checkout_head(c->repo, &co)) < 0)
		return fail_git(c, err, "checkout");
	return 0;
}

/* --- submodules ------------------------------------------------------------------ */

struct names {
	char	**v;
	size_t	  n, cap;
};

static int
collect_name(git_submodule *sm, const char *name, void *payload)
{
	struct names *names = payload;

	(void)sm;
	XGROW(names->v, names->n + 1, names->cap);
	names->v[names->n++] = xstrdup(name);
	return 0;
}

static int update_submodules(struct clone *, git_repository *, const char *,
    int);

/*
 * A submodule's path and URL come from the (untrusted) repository: check
 * them like manifest entries before libgit2 acts on them.  Debian's
 * libgit2 1.8.4 predates the 1.8.6 fix for submodule paths with "../"
 * creating directories outside the work tree.
 */
static int
check_submodule(struct clone *c, git_repository *repo, git_submodule *sm,
    const char *where)
{
	git_buf url = GIT_BUF_INIT;
	char err[512];
	const char *path = git_submodule_path(sm), *raw = git_submodule_url(sm);
	int rc = -1;

	if (path_check(path, err, sizeof(err)) == -1) {
		set_error(c, ERR_INTERNAL, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), *where ? where : "the repository",
		    err);
		return -1;
	}
	if (raw == NULL || git_submodule_resolve_url(&url, repo, raw) < 0) {
		set_error(c, ERR_INTERNAL, "submodule '%s' in %s has no usable "
		    "url", git_submodule_name(sm), *where ? where :
		    "the repository");
		return -1;
	}
	if (url_check(url.ptr, err, sizeof(err)) == -1) {
		set_error(c, ERR_INTERNAL, "submodule '%s' in %s refused: %s",
		    git_submodule_name(sm), *where ? where : "the repository",
		    err);
		goto out;
	}
	rc = 0;
out:
	git_buf_dispose(&url);
	return rc;
}

static int
update_one(struct clone *c, git_repository *repo, const char *name,
    const char *where, int level)
{
	git_submodule_update_options uo;
	git_submodule *sm = NULL;
	git_repository *sub = NULL;
	struct buf label = BUF_INIT;
	int err, rc = -1;

	buf_init(&label);
	if ((err = git_submodule_lookup(&sm, repo, name)) < 0) {
		buf_addf(&label, "submodule %s%s", where, name);
		fail_git(c, err, label.data);
		goto out;
	}
	buf_addf(&label, "submodule %s%s", where, git_submodule_path(sm));
	if (check_submodule(c, repo, sm, where) == -1)
		goto out;
	if (git_submodule_update_strategy(sm) == GIT_SUBMODULE_UPDATE_NONE) {
		rc = 0;		/* "update = none": git leaves it alone too */
		goto out;
	}
	git_submodule_update_options_init(&uo,
	    GIT_SUBMODULE_UPDATE_OPTIONS_VERSION);
	init_callbacks(c, &uo.fetch_opts.callbacks);
	uo.fetch_opts.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	init_checkout(c, &uo.checkout_opts);
	c->counters.received_bytes = c->fetched_bytes;
	if ((err = git_submodule_update(sm, 1, &uo)) < 0) {
		fail_git(c, err, label.data);
		goto out;
	}
	c->fetched_bytes = c->counters.received_bytes;
	if ((err = git_submodule_open(&sub, sm)) < 0) {
		fail_git(c, err, label.data);
		goto out;
	}
	buf_reset(&label);
	buf_addf(&label, "%s%s/", where, git_submodule_path(sm));
	rc = update_submodules(c, sub, label.data, level + 1);
out:
	git_repository_free(sub);
	git_submodule_free(sm);
	buf_release(&label);
	return rc;
}

static int
update_submodules(struct clone *c, git_repository *repo, const char *where,
    int level)
{
	struct names names = { NULL, 0, 0 };
	size_t i;
	int err, rc = 0;

	if (level > SUBMODULE_MAX_DEPTH) {
		set_error(c, ERR_INTERNAL, "submodules nest deeper than %d "
		    "levels at %s", SUBMODULE_MAX_DEPTH, where);
		return -1;
	}
	/* foreach only collects: changing submodules inside it is unsafe. */
	if ((err = git_submodule_foreach(repo, collect_name, &names)) < 0)
		rc = fail_git(c, err, "listing submodules");
	for (i = 0; rc == 0 && i < names.n; i++)
		rc = update_one(c, repo, names.v[i], where, level);
	for (i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return rc;
}

/* --- the job ------------------------------------------------------------------ */

static int
connect_remote(struct clone *c)
{
	git_remote_connect_options co;
	int err;

	/* Anonymous: origin is written to the config once the clone is done. */
	if ((err = git_remote_create_anonymous(&c->remote, c->repo,
	    c->job->url)) < 0)
		return fail_git(c, err, "remote");
	git_remote_connect_options_init(&co, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	init_callbacks(c, &co.callbacks);
	co.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	set_phase(c, PHASE_CONNECT);
	if ((err = git_remote_connect_ext(c->remote, GIT_DIRECTION_FETCH,
	    &co)) < 0)
		return fail_git(c, err, "connect");
	return 0;
}

static void
fill_head(struct clone *c)
{
	git_oid oid;

	if (git_reference_name_to_id(&oid, c->repo, "HEAD") == 0)
		git_oid_tostr(c->res->head, sizeof(c->res->head), &oid);
	git_error_clear();
}

static int
clone_into(struct clone *c, const char *dir)
{
	git_repository_init_options io;
	int err;

	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_NO_REINIT | GIT_REPOSITORY_INIT_MKPATH;
	if (c->bare)
		io.flags |= GIT_REPOSITORY_INIT_BARE;
	if ((err = git_repository_init_ext(&c->repo, dir, &io)) < 0)
		return fail_git(c, err, "creating the repository");
	if (connect_remote(c) == -1 || resolve_target(c) == -1)
		return -1;
	set_phase(c, PHASE_RECEIVE);
	if (!c->remote_empty && download(c) == -1)
		return -1;
	if (write_config(c) == -1 || (!c->remote_empty && set_head(c) == -1))
		return -1;
	set_origin_head(c);
	if (checkout(c) == -1)
		return -1;
	if ((c->job->flags & JOBF_SUBMODULES) && !c->bare) {
		set_phase(c, PHASE_SUBMODULES);
		if (update_submodules(c, c->repo, "", 1) == -1)
			return -1;
	}
	set_phase(c, PHASE_FINISH);
	c->res->shallow = git_repository_is_shallow(c->repo) == 1;
	c->res->bytes = c->fetched_bytes;
	c->res->objects = c->fetched_objects;
	fill_head(c);
	return 0;
}

static void
read_present_head(struct clone *c)
{
	git_repository *repo = NULL;

	if (git_repository_open_ext(&repo, c->job->dest,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		c->repo = repo;
		fill_head(c);
		c->repo = NULL;
		git_repository_free(repo);
	}
	git_error_clear();
}

/*
 * What is at the destination decides: nothing (clone), an empty directory
 * (clone, then replace it), a repository (present: left as it is), or
 * anything else (a conflict, untouched).
 */
static int
check_destination(struct clone *c, bool *empty_dir)
{
	const char *d = c->job->dest, *p = c->job->path;

	*empty_dir = false;
	switch (fs_kind(d)) {
	case FS_NONE:
		return 0;
	case FS_DIR:
		if (fs_is_git_repo(d)) {
			c->res->result = RESULT_PRESENT;
			read_present_head(c);
			return 1;
		}
		if (fs_dir_is_empty(d) == 1) {
			*empty_dir = true;
			return 0;
		}
		set_error(c, ERR_LOCAL_CONFLICT, "%s exists and is not a git "
		    "repository: left untouched", p);
		return -1;
	case FS_SYMLINK:
		set_error(c, ERR_LOCAL_CONFLICT, "%s is a symbolic link: left "
		    "untouched", p);
		return -1;
	default:
		set_error(c, ERR_LOCAL_CONFLICT, "%s exists and is not a "
		    "directory: left untouched", p);
		return -1;
	}
}

static enum err_class
errno_class(int e)
{
	return (e == ENOSPC || e == EDQUOT || e == EROFS || e == EACCES ||
	    e == EPERM || e == EFBIG) ? ERR_DISK : ERR_INTERNAL;
}

/* Workspace root = dest without "/path". */
static char *
workspace_root(const struct wire_job *j)
{
	size_t dl = strlen(j->dest), pl = strlen(j->path);

	if (pl + 1 >= dl)
		return xstrdup("/");
	return xstrndup(j->dest, dl - pl - 1);
}

static int
install(struct clone *c, bool empty_dir)
{
	const struct wire_job *j = c->job;

	if (empty_dir && rmdir(j->dest) == -1) {
		set_error(c, errno == ENOTEMPTY || errno == EEXIST ?
		    ERR_LOCAL_CONFLICT : errno_class(errno), "%s: %s (it "
		    "changed while cloning): left untouched", j->path,
		    strerror(errno));
		return -1;
	}
	if (compat_rename_noreplace(j->tmp, j->dest) == -1) {
		set_error(c, errno == EEXIST || errno == ENOTEMPTY ?
		    ERR_LOCAL_CONFLICT : errno_class(errno), "cannot move the "
		    "clone into %s: %s", j->path, strerror(errno));
		return -1;
	}
	return 0;
}

void
gitops_sync(const struct wire_job *job, const struct gitops_events *ev,
    struct gitops_result *res)
{
	struct clone c;
	char err[512];
	char *root = NULL;
	bool empty_dir, made_tmp = false;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.job = job;
	c.ev = ev;
	c.res = res;
	c.phase = PHASE_QUEUED;
	c.mirror = (job->flags & JOBF_MIRROR) != 0;
	c.bare = c.mirror || (job->flags & JOBF_BARE) != 0;
	c.depth = job->depth;
	res->result = RESULT_OK;

	/* Parents first: never look at a destination through a symlink. */
	root = workspace_root(job);
	if (fs_mkparents(root, job->path, err, sizeof(err)) == -1) {
		set_error(&c, errno == ELOOP || errno == ENOTDIR ||
		    errno == EEXIST ? ERR_LOCAL_CONFLICT : errno_class(errno),
		    "%s", err);
		goto out;
	}
	if ((rc = check_destination(&c, &empty_dir)) != 0)
		goto out;
	if (mkdir(job->tmp, 0777) == -1) {
		set_error(&c, errno_class(errno), "cannot create %s: %s",
		    job->tmp, strerror(errno));
		goto out;
	}
	made_tmp = true;
	if (c.depth > 0 && !url_supports_shallow(job->url)) {
		snprintf(err, sizeof(err), "depth %d ignored: libgit2 %s fetches "
		    "shallow only over http(s), not %s; cloning full history",
		    c.depth, LIBGIT2_VERSION,
		    url_scheme(job->url) == URL_GIT ? "git://" : "ssh");
		ev->warn(ev->ctx, err);
		c.depth = 0;
	}
	if (clone_into(&c, job->tmp) == -1)
		goto out;
	git_remote_free(c.remote);
	c.remote = NULL;
	git_repository_free(c.repo);
	c.repo = NULL;
	if (ev->cancelled(ev->ctx)) {
		set_error(&c, ERR_CANCELLED, "cancelled");
		goto out;
	}
	if (install(&c, empty_dir) == -1)
		goto out;
	made_tmp = false;
out:
	git_remote_free(c.remote);
	git_repository_free(c.repo);
	if (made_tmp && fs_rmtree(job->tmp) == -1 && res->result == RESULT_OK)
		set_error(&c, errno_class(errno), "cannot remove %s: %s",
		    job->tmp, strerror(errno));
	free(root);
	free(c.branch);
	free(c.default_ref);
}

int
gitops_global_init(void)
{
	if (git_libgit2_init() < 0)
		return -1;
	/* Both or neither: the connect timeout alone breaks libgit2 1.8. */
	git_libgit2_opts(GIT_OPT_SET_SERVER_CONNECT_TIMEOUT, CONNECT_TIMEOUT_MS);
	git_libgit2_opts(GIT_OPT_SET_SERVER_TIMEOUT, READ_TIMEOUT_MS);
	return 0;
}

void
gitops_global_shutdown(void)
{
	git_libgit2_shutdown();
}
