/*
 * `githerd status`: how an entry on disk compares with the manifest, read
 * only.  Offline, "upstream" is what the last fetch left in the remote-
 * tracking refs; with --fetch the remote is asked, into quarantine, so
 * the entry is not changed either way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "cache.h"
#include "fsutil.h"
#include "gitctx.h"
#include "journal.h"
#include "localwork.h"
#include "partial.h"
#include "quarantine.h"
#include "status.h"
#include "url.h"
#include "xmalloc.h"

static void
state(struct gitctx *c, enum entry_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
state(struct gitctx *c, enum entry_state s, const char *fmt, ...)
{
	va_list ap;

	c->res->state = s;
	va_start(ap, fmt);
	result_vmessage(c->res, fmt, ap);
	va_end(ap);
	url_redact_text(c->res->message, c->job->url);
}

static void
short_id(const git_oid *oid, char *out, size_t len)
{
	git_oid_tostr(out, len < 8 ? len : 8, oid);
}

/* Where HEAD is, in words: "branch main", "detached 1a2b3c4", "unborn". */
static void
describe_head(git_repository *repo, char *where, size_t len, git_oid *head,
    char **branch)
{
	git_reference *ref = NULL;
	char id[8];

	*branch = NULL;
	if (git_repository_head(&ref, repo) < 0) {
		snprintf(where, len, "no commit yet");
		git_error_clear();
		return;
	}
	git_oid_cpy(head, git_reference_target(ref));
	short_id(head, id, sizeof(id));
	if (git_reference_is_branch(ref)) {
		*branch = xstrdup(git_reference_shorthand(ref));
		snprintf(where, len, "branch %s %s", *branch, id);
	} else
		snprintf(where, len, "detached %s", id);
	git_reference_free(ref);
}

/* The branch the manifest means, offline, for an entry on the default. */
static char *
offline_default_branch(git_repository *repo, const char *head_branch)
{
	git_reference *ref = NULL;
	const char *t;
	char *b = NULL;

	if (git_reference_lookup(&ref, repo, "refs/remotes/origin/HEAD") == 0 &&
	    (t = git_reference_symbolic_target(ref)) != NULL &&
	    strncmp(t, "refs/remotes/origin/", 20) == 0)
		b = xstrdup(t + 20);
	else if (head_branch != NULL)
		b = xstrdup(head_branch);
	git_reference_free(ref);
	git_error_clear();
	return b;
}

static bool
lookup_commit(git_repository *repo, const char *refname, git_oid *out)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	bool ok = git_reference_lookup(&ref, repo, refname) == 0 &&
	    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0;

	if (ok)
		git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	git_reference_free(ref);
	git_error_clear();
	return ok;
}

/*
 * Has origin the branch HEAD is on, as the last fetch saw it?  What
 * freeze --branches asks: a lock file naming a branch only this clone
 * has cannot be synced elsewhere (vcs export fails on it too).
 */
static bool
on_remote(git_repository *repo, const char *branch)
{
	struct buf name = BUF_INIT;
	git_oid tip;
	bool yes;

	if (branch == NULL)
		return false;
	buf_init(&name);
	buf_addf(&name, "refs/remotes/origin/%s", branch);
	yes = lookup_commit(repo, name.data, &tip);
	buf_release(&name);
	return yes;
}

/*
 * What the manifest wants, offline: the branch to be on and its upstream
 * commit, or the commit to be detached at.  want_branch stays NULL for a
 * detached target.  0, or -1 when it cannot be told (message set).
 */
static int
offline_target(struct gitctx *c, const char *head_branch, char **want_branch,
    git_oid *upstream, bool *have_upstream)
{
	char name[512];
	const char *ref = c->job->ref;
	git_object *obj = NULL;
	git_oid prefix;

	*want_branch = NULL;
	*have_upstream = false;
	switch ((enum ref_kind)c->job->ref_kind) {
	case REF_DEFAULT:
		*want_branch = offline_default_branch(c->repo, head_branch);
		break;
	case REF_BRANCH:
		*want_branch = xstrdup(ref);
		break;
	case REF_TAG:
		snprintf(name, sizeof(name), "refs/tags/%s", ref);
		if (!lookup_commit(c->repo, name, upstream)) {
			state(c, ES_OTHER_REF, "tag %s is not in the clone", ref);
			return -1;
		}
		*have_upstream = true;
		return 0;
	case REF_COMMIT:
	case REF_VERSION:
		snprintf(name, sizeof(name), "refs/remotes/origin/%s", ref);
		if (c->job->ref_kind == REF_VERSION &&
		    lookup_commit(c->repo, name, upstream)) {
			*want_branch = xstrdup(ref);
			*have_upstream = true;
			return 0;
		}
		snprintf(name, sizeof(name), "refs/tags/%s", ref);
		if (c->job->ref_kind == REF_VERSION &&
		    lookup_commit(c->repo, name, upstream)) {
			*have_upstream = true;
			return 0;
		}
		if (git_oid_fromstrn(&prefix, ref, strlen(ref)) == 0 &&
		    git_object_lookup_prefix(&obj, c->repo, &prefix,
		    strlen(ref), GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(upstream, git_object_id(obj));
			git_object_free(obj);
			*have_upstream = true;
			return 0;
		}
		git_error_clear();
		/* Another ref of the remote (pull/104/head), which no ref
		 * here keeps: offline, where the last sync put it. */
		if (c->job->ref_kind == REF_VERSION && c->job->placed != NULL &&
		    git_oid_fromstr(upstream, c->job->placed) == 0) {
			*have_upstream = true;
			return 0;
		}
		state(c, ES_OTHER_REF, "%s is not in the clone", ref);
		return -1;
	}
	if (*want_branch != NULL) {
		snprintf(name, sizeof(name), "refs/remotes/origin/%s",
		    *want_branch);
		*have_upstream = lookup_commit(c->repo, name, upstream);
	}
	return 0;
}

/* With --fetch: ask the remote, fetch what is missing into quarantine. */
static int
online_target(struct gitctx *c, struct quarantine *q, char **want_branch,
    git_oid *upstream, bool *have_upstream)
{
	git_odb *odb = NULL;
	struct buf spec = BUF_INIT, pin = BUF_INIT;
	const char *specs[2];
	size_t n = 1;
	bool have;
	int rc = -1;

	buf_init(&spec);
	buf_init(&pin);
	*want_branch = NULL;
	*have_upstream = false;
	if (gitctx_connect(c) == -1 || gitctx_resolve(c) == -1)
		goto out;
	git_remote_disconnect(c->remote);
	if (c->remote_empty) {
		rc = 0;
		goto out;
	}
	if (git_repository_odb(&odb, c->repo) < 0)
		goto out;
	have = c->want_known && git_odb_exists(odb, &c->want) == 1;
	git_odb_free(odb);
	if (!have) {
		gitctx_refspec(c, &spec);
		specs[0] = spec.data;
		if (gitctx_pin_spec(c, &pin))
			specs[n++] = pin.data;
		if (quarantine_open(c, c->repo, q) == -1 ||
		    quarantine_download(c, q, specs, n, c->depth) == -1 ||
		    quarantine_show(c, q, c->repo) == -1)
			goto out;
	}
	if (c->branch != NULL)
		*want_branch = xstrdup(c->branch);
	if (c->want_known)
		git_oid_cpy(upstream, &c->want);
	else if (gitctx_find_commit(c, c->repo, upstream) == -1)
		goto out;
	*have_upstream = true;
	rc = 0;
out:
	buf_release(&spec);
	buf_release(&pin);
	return rc;
}

static int
open_checked(struct gitctx *c)
{
	char have[2048], why[1024];
	int err;

	switch (fs_kind(c->job->dest)) {
	case FS_NONE:
		state(c, ES_MISSING, "missing");
		return -1;
	case FS_DIR:
		if (fs_dotgit_is_link(c->job->dest)) {
			state(c, ES_BROKEN, "%s/.git is a symbolic link: refusing "
			    "to use it", c->job->path);
			return -1;
		}
		if (fs_is_git_repo(c->job->dest))
			break;
		/* FALLTHROUGH */
	default:
		state(c, ES_NOT_REPO, "not a repository");
		return -1;
	}
	/* What a sync would skip, said before libgit2 opens it. */
	if (partial_clone(c->job->dest, why, sizeof(why))) {
		state(c, ES_PARTIAL_CLONE, PARTIAL_REASON, why, LIBGIT2_VERSION);
		return -1;
	}
	err = git_repository_open_ext(&c->repo, c->job->dest,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (err < 0) {
		state(c, ES_BROKEN, "cannot be opened: %s", git_error_last() ?
		    git_error_last()->message : "unknown error");
		git_error_clear();
		return -1;
	}
	if (gitctx_check_gitdir(c, c->repo, c->job->dest, c->job->path) == -1) {
		/* Not a failure of status: what it found. */
		snprintf(why, sizeof(why), "%s", c->res->message);
		c->res->outcome = RESULT_CHECKED;
		c->res->err_class = ERR_NONE;
		state(c, ES_BROKEN, "%s", why);
		return -1;
	}
	if (cache_check_borrowed(c->repo, why, sizeof(why)) == 0) {
		state(c, ES_BROKEN, "cache-corrupt: %s: run githerd sync to "
		    "take them again from the cache or the origin", why);
		return -1;
	}
	if (git_repository_is_bare(c->repo) != c->bare) {
		state(c, ES_NOT_REPO, "%s, the manifest wants %s",
		    c->bare ? "has a work tree" : "a bare repository",
		    c->mirror ? "a mirror" : c->bare ? "a bare repository" :
		    "a work tree");
		return -1;
	}
	switch (gitctx_origin(c, c->repo, have, sizeof(have))) {
	case 1:
		return 0;
	case 0:
		state(c, ES_WRONG_ORIGIN, "wrong origin (have %s, want %s)",
		    have, c->job->url);
		return -1;
	default:
		state(c, ES_WRONG_ORIGIN, "wrong origin (have none, want %s)",
		    c->job->url);
		return -1;
	}
}

static void
status_bare(struct gitctx *c)
{
	char where[64], *branch = NULL;
	git_oid head;

	describe_head(c->repo, where, sizeof(where), &head, &branch);
	snprintf(c->where, sizeof(c->where), "%s %s",
	    c->mirror ? "mirror" : "bare", where);
	state(c, ES_OK, "ok %s", c->where);
	free(branch);
}

static void
compose(struct gitctx *c, const struct localwork *lw, const char *wanted,
    const char *blocked)
{
	struct buf m = BUF_INIT;
	unsigned dirty = lw->tracked + lw->untracked;

	buf_init(&m);
	c->res->dirty = dirty;
	c->res->untracked = lw->untracked;
	c->res->busy = lw->state != GIT_REPOSITORY_STATE_NONE || lw->locked;
	switch (c->res->state) {
	case ES_BLOCKED:
		if (c->res->behind > 0)
			buf_addf(&m, "behind %u: %s; a sync would skip it: %s",
			    c->res->behind, c->where, blocked);
		else
			buf_addf(&m, "on %s, the manifest wants %s; a sync would "
			    "skip it: %s", c->where, wanted, blocked);
		break;
	case ES_OTHER_REF:
		buf_addf(&m, "on %s, the manifest wants %s", c->where,
		    wanted);
		break;
	case ES_DIVERGED:
		buf_addf(&m, "diverged (ahead %u, behind %u): %s",
		    c->res->ahead, c->res->behind, c->where);
		break;
	case ES_AHEAD:
		buf_addf(&m, "ahead %u: %s", c->res->ahead, c->where);
		break;
	case ES_BEHIND:
		buf_addf(&m, "behind %u: %s", c->res->behind, c->where);
		break;
	default:
		if (dirty > 0 || lw->state != GIT_REPOSITORY_STATE_NONE ||
		    lw->locked)
			c->res->state = ES_DIRTY;
		else
			buf_addf(&m, "ok %s", c->where);
		break;
	}
	if (dirty > 0 || lw->state != GIT_REPOSITORY_STATE_NONE || lw->locked) {
		if (m.len > 0)
			buf_addstr(&m, ", ");
		if (lw->state != GIT_REPOSITORY_STATE_NONE || lw->locked) {
			struct buf why = BUF_INIT;

			buf_init(&why);
			localwork_blocks(lw, &why, NULL);
			buf_add(&m, why.data, why.len);
			buf_release(&why);
		} else
			buf_addf(&m, "dirty (%u file%s: %s)", dirty,
			    dirty == 1 ? "" : "s", lw->list.data);
		if (c->res->state == ES_DIRTY)
			buf_addf(&m, ": %s", c->where);
	}
	result_message(c->res, "%s", m.data);
	buf_release(&m);
}

void
status_entry(struct gitctx *c)
{
	struct quarantine q;
	struct localwork lw;
	struct buf blocked;
	git_oid head, upstream;
	char *head_branch = NULL, *want_branch = NULL, id[8], wanted[300];
	bool have_upstream = false;
	size_t ahead = 0, behind = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	memset(&head, 0, sizeof(head));
	localwork_init(&lw);
	c->res->outcome = RESULT_CHECKED;
	if (open_checked(c) == -1)
		goto out;
	if (c->bare) {
		status_bare(c);
		goto out;
	}
	describe_head(c->repo, c->where, sizeof(c->where), &head,
	    &head_branch);
	c->res->branch_on_remote = on_remote(c->repo, head_branch);
	/* Where HEAD is, for a dry run to tell a checkout its user moved. */
	gitctx_placed(c, c->repo);
	if (c->job->flags & JOBF_FETCH)
		rc = online_target(c, &q, &want_branch, &upstream,
		    &have_upstream);
	else
		rc = offline_target(c, head_branch, &want_branch, &upstream,
		    &have_upstream);
	if (rc == -1 || c->res->outcome == RESULT_FAILED)
		goto out;
	if (localwork_scan_all(c, c->repo, &lw, c->job->inner) == -1)
		goto out;
	/* What only this clone has: a lock file pinning it is useless. */
	if (!git_oid_is_zero(&head)) {
		struct buf list = BUF_INIT;
		int n;

		buf_init(&list);
		n = localwork_unique(c, c->repo, &head, NULL, 0, "refs/remotes",
		    &list);
		c->res->unpushed = n > 0 ? (uint32_t)n : 0;
		buf_release(&list);
	}
	c->res->state = ES_OK;
	if (want_branch != NULL) {
		snprintf(wanted, sizeof(wanted), "branch %s", want_branch);
		if (head_branch == NULL || strcmp(head_branch, want_branch) != 0)
			c->res->state = ES_OTHER_REF;
		else if (have_upstream && git_graph_ahead_behind(&ahead, &behind,
		    c->repo, &head, &upstream) == 0) {
			c->res->ahead = (unsigned)ahead;
			c->res->behind = (unsigned)behind;
			c->res->state = ahead && behind ? ES_DIVERGED :
			    ahead ? ES_AHEAD : behind ? ES_BEHIND : ES_OK;
		}
	} else if (have_upstream) {
		short_id(&upstream, id, sizeof(id));
		snprintf(wanted, sizeof(wanted), "%s %s",
		    ref_kind_name((enum ref_kind)c->job->ref_kind),
		    c->job->ref ? c->job->ref : id);
		if (head_branch != NULL || !git_oid_equal(&head, &upstream))
			c->res->state = ES_OTHER_REF;
		else
			snprintf(c->where, sizeof(c->where), "%.280s %s",
			    wanted, id);
	} else
		snprintf(wanted, sizeof(wanted), "the default branch");
	/* Where a sync would move it, would that lose any local file? */
	buf_init(&blocked);
	if (have_upstream && lw.tracked == 0 && (c->res->state == ES_BEHIND ||
	    c->res->state == ES_OTHER_REF) &&
	    localwork_in_the_way(c, c->repo, &upstream, &blocked) == 1)
		c->res->state = ES_BLOCKED;
	compose(c, &lw, wanted, blocked.data);
	buf_release(&blocked);
	if (journal_pending(c->repo))
		result_append(c->res, "an interrupted sync left its checkout "
		    "half done: the next sync finishes it");
	if (c->job->depth == 0 && git_repository_is_shallow(c->repo) == 1)
		result_append(c->res, "shallow, while the manifest asks for the "
		    "full history");
out:
	git_error_clear();
	if (c->res->outcome == RESULT_CHECKED && c->repo != NULL)
		gitctx_head(c, c->repo);
	quarantine_close(&q);
	localwork_release(&lw);
	free(head_branch);
	free(want_branch);
}
