/*
 * An entry already on disk: bring it to what the manifest asks, without
 * ever destroying local work.  First the remote's advertisement decides
 * whether anything must be fetched (a no-op re-sync costs one round trip
 * per entry); a fetch goes into quarantine; then every local-work check
 * runs; only if all pass are objects moved in, refs set and files checked
 * out.  A skipped entry is left byte for byte as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "cache.h"
#include "gitctx.h"
#include "journal.h"
#include "lfspull.h"
#include "localwork.h"
#include "protect.h"
#include "quarantine.h"
#include "refs.h"
#include "remotetips.h"
#include "submodules.h"
#include "tracking.h"
#include "treecheck.h"
#include "url.h"
#include "update.h"
#include "xmalloc.h"

#define REFLOG		"githerd: update"
#define FULL_SPEC	"+refs/heads/*:refs/remotes/origin/*"

/* Where the entry is, and where the manifest wants it. */
struct update_plan {
	/* now */
	char		*head_branch;	/* HEAD's branch (short), or NULL */
	git_oid		 head;		/* HEAD's commit, if born */
	bool		 head_born;
	git_oid		 old_tracking;	/* refs/remotes/origin/<branch> before */
	/* wanted */
	bool		 to_branch;	/* else a detached HEAD at target */
	git_oid		 target;
	bool		 fetch;		/* the remote has something we lack */
	bool		 moves;		/* HEAD or the work tree must change */
};

static void
update_plan_release(struct update_plan *p)
{
	free(p->head_branch);
}

static void
skip(struct gitctx *c, const char *why)
{
	c->res->outcome = RESULT_SKIPPED;
	result_message(c->res, "%s", why);
}

/* --- is this the entry the manifest means? ------------------------------ */

/*
 * Does origin name the manifest's repository?  1 yes; 0 it names another
 * URL (in have, credentials redacted); -1 there is none (the job fails).
 */
static int
check_origin(struct gitctx *c, char *have, size_t len)
{
	switch (gitctx_origin(c, c->repo, have, len)) {
	case 1:
		return 1;
	case 0:
		return 0;
	default:
		gitctx_error(c, ERR_LOCAL_CONFLICT, "origin mismatch (have none, "
		    "want %s): left untouched", c->job->url);
		return -1;
	}
}

/* Is any commit (or tag) the remote advertises already in the entry? */
static bool
shares_history(struct gitctx *c)
{
	git_odb *odb = NULL;
	size_t i;
	bool shared = false;

	if (git_repository_odb(&odb, c->repo) < 0) {
		git_error_clear();
		return false;
	}
	for (i = 0; i < c->nadv && !shared; i++)
		shared = git_odb_exists(odb, &c->adv[i].oid) == 1;
	git_odb_free(odb);
	return shared;
}

/*
 * The manifest names another URL than origin's.  The same repository
 * served elsewhere (git:// to https://, a new host) is followed: origin
 * is repointed and the update goes on.  A remote that shares no history
 * with the entry is another repository, and nothing is touched.
 */
static int
repoint_origin(struct gitctx *c, const char *have)
{
	git_config *cfg = NULL;
	char *stored = NULL, *shown = NULL, *note = NULL;
	int err, rc = -1;

	shown = url_redact(c->job->url);
	if (!shares_history(c)) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "origin mismatch (have %s, "
		    "want %s): %s shares no commit with the remote; if it is the "
		    "same repository, run 'git -C %s remote set-url origin %s' "
		    "and sync again, else move %s out of the way: left "
		    "untouched", have, shown, c->job->path, c->job->path, shown,
		    c->job->path);
		goto out;
	}
	stored = url_strip_secrets(c->job->url);
	if ((err = git_repository_config(&cfg, c->repo)) < 0 ||
	    (err = git_config_set_string(cfg, "remote.origin.url",
	    stored)) < 0) {
		gitctx_fail(c, err, "repointing origin");
		goto out;
	}
	note = xasprintf("origin changed %s \xe2\x86\x92 %s", have, shown);
	c->ev->warn(c->ev->ctx, note);
	rc = 0;
out:
	git_config_free(cfg);
	free(stored);
	free(shown);
	free(note);
	return rc;
}

static bool
is_mirror(git_repository *repo)
{
	git_config *cfg = NULL;
	int mirror = 0;

	if (git_repository_config_snapshot(&cfg, repo) == 0)
		git_config_get_bool(&mirror, cfg, "remote.origin.mirror");
	git_config_free(cfg);
	git_error_clear();
	return mirror != 0;
}

static int
open_entry(struct gitctx *c)
{
	int err, bare;

	err = git_repository_open_ext(&c->repo, c->job->dest,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (err < 0) {
		gitctx_fail(c, err, "opening the repository");
		c->res->err_class = ERR_LOCAL_CONFLICT;
		return -1;
	}
	if (gitctx_check_gitdir(c, c->repo, c->job->dest, c->job->path) == -1)
		return -1;
	if ((err = protect_repo(c->repo)) < 0) {
		gitctx_fail(c, err, "protecting the checkout");
		return -1;
	}
	bare = git_repository_is_bare(c->repo);
	if (bare && !c->bare) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is a bare repository but "
		    "the manifest wants a work tree: left untouched",
		    c->job->path);
		return -1;
	}
	if (!bare && c->bare) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s has a work tree but the "
		    "manifest wants a %s: left untouched", c->job->path,
		    c->mirror ? "mirror" : "bare repository");
		return -1;
	}
	/* A mirror refresh prunes: never turn a plain bare clone into one. */
	if (c->mirror && !is_mirror(c->repo)) {
		gitctx_error(c, ERR_LOCAL_CONFLICT, "%s is a bare clone, not a "
		    "mirror (remote.origin.mirror is not set); refreshing it as "
		    "a mirror would delete its own branches: left untouched",
		    c->job->path);
		return -1;
	}
	return 0;
}

/* --- refs --------------------------------------------------------------- */

/*
 * A bare repository's branches from the quarantine (the caller has
 * checked they only move forward), and the tags it does not have yet: an
 * existing tag is never moved, as `git fetch` does.
 */
static int
apply_bare_refs(struct gitctx *c, struct quarantine *q)
{
	struct refs got;
	git_oid have;
	size_t i;
	int rc = 0;

	if (refs_list(q->repo, "refs/heads/*", &got) < 0)
		return gitctx_fail(c, -1, "listing fetched refs");
	for (i = 0; rc == 0 && i < got.n; i++)
		rc = refs_set(c, c->repo, got.v[i].name, &got.v[i].oid, REFLOG);
	refs_release(&got);
	if (rc == 0 && refs_list(q->repo, "refs/tags/*", &got) < 0)
		return gitctx_fail(c, -1, "listing fetched tags");
	for (i = 0; rc == 0 && i < got.n; i++) {
		if (git_reference_name_to_id(&have, c->repo, got.v[i].name) == 0)
			continue;
		git_error_clear();
		rc = refs_set(c, c->repo, got.v[i].name, &got.v[i].oid, REFLOG);
	}
	refs_release(&got);
	return rc;
}

/* --- work trees --------------------------------------------------------- */

static void
read_head(struct gitctx *c, struct update_plan *p)
{
	git_reference *head = NULL;

	if (git_repository_head(&head, c->repo) == 0) {
		p->head_born = true;
		git_oid_cpy(&p->head, git_reference_target(head));
		if (git_reference_is_branch(head))
			p->head_branch = xstrdup(git_reference_shorthand(head));
	} else if (git_repository_head_unborn(c->repo) == 1) {
		git_reference_free(head);
		head = NULL;
		if (git_reference_lookup(&head, c->repo, "HEAD") == 0 &&
		    git_reference_symbolic_target(head) != NULL &&
		    strncmp(git_reference_symbolic_target(head),
		    "refs/heads/", 11) == 0)
			p->head_branch = xstrdup(
			    git_reference_symbolic_target(head) + 11);
	}
	git_reference_free(head);
	git_error_clear();
}

/* The commit name points to, through tags; -1 if there is none. */
static int
peeled(git_repository *repo, const char *name, git_oid *out)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int err;

	if ((err = git_reference_lookup(&ref, repo, name)) == 0 &&
	    (err = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT)) == 0)
		git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	git_reference_free(ref);
	git_error_clear();
	return err < 0 ? -1 : 0;
}

/* Does the entry already hold what the remote advertises for it? */
static bool
have_wanted(struct gitctx *c, struct update_plan *p)
{
	char name[512];
	git_oid local;
	git_odb *odb = NULL;
	bool have;

	if (c->remote_empty)
		return true;
	if (c->branch != NULL) {
		snprintf(name, sizeof(name), "refs/remotes/origin/%s", c->branch);
		if (git_reference_name_to_id(&local, c->repo, name) == 0)
			git_oid_cpy(&p->old_tracking, &local);
		git_error_clear();
		return refs_is(c->repo, name, &c->want);
	}
	if ((c->kind == REF_COMMIT || c->kind == REF_VERSION) &&
	    !c->want_known) {
		/* A vcstool commit-id prefix: here already, or fetch. */
		git_object *obj = NULL;
		git_oid prefix;
		size_t len = strlen(c->job->ref);

		if (git_oid_fromstrn(&prefix, c->job->ref, len) == 0 &&
		    git_object_lookup_prefix(&obj, c->repo, &prefix, len,
		    GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(&c->want, git_object_id(obj));
			c->want_known = true;
		}
		git_object_free(obj);
		git_error_clear();
		return c->want_known;
	}
	if (git_repository_odb(&odb, c->repo) < 0)
		return false;
	have = git_odb_exists(odb, &c->want) == 1;
	git_odb_free(odb);
	if (have && c->kind == REF_TAG) {
		/* The tag itself must be here too, not just its commit. */
		snprintf(name, sizeof(name), "refs/tags/%s", c->job->ref);
		have = peeled(c->repo, name, &local) == 0 &&
		    git_oid_equal(&local, &c->want);
	}
	git_error_clear();
	return have;
}

static int
fetch_into(struct gitctx *c, struct quarantine *q, bool prune)
{
	struct buf spec = BUF_INIT;
	const char *specs[1];
	int rc;

	buf_init(&spec);
	gitctx_refspec(c, &spec);
	specs[0] = spec.data;
	rc = quarantine_fetch(c, q, specs, 1, c->depth, prune);
	buf_release(&spec);
	return rc;
}

/* The commit the entry must end up at, once the objects are visible. */
static int
find_target(struct gitctx *c, struct update_plan *p)
{
	if (c->remote_empty)
		return 0;
	p->to_branch = c->branch != NULL;
	if (c->kind == REF_COMMIT || c->kind == REF_VERSION) {
		if (gitctx_find_commit(c, c->repo, &p->target) == -1)
			return -1;
	} else
		git_oid_cpy(&p->target, &c->want);
	if (p->to_branch)
		p->moves = p->head_branch == NULL ||
		    strcmp(p->head_branch, c->branch) != 0 || !p->head_born ||
		    !git_oid_equal(&p->head, &p->target);
	else
		p->moves = p->head_branch != NULL || !p->head_born ||
		    !git_oid_equal(&p->head, &p->target);
	return 0;
}

/* Append "; " when why already says something. */
static void
sep(struct buf *why)
{
	if (why->len > 0)
		buf_addstr(why, "; ");
}

/*
 * Every reason the update would lose work; 1 with why filled in, 0 if
 * it is safe, -1 on error.  Nothing is written.
 */
/* Is HEAD detached at the very commit githerd last placed it at? */
static bool
at_placed_commit(const struct gitctx *c, const struct update_plan *p)
{
	git_oid at;

	return p->head_branch == NULL && c->job->placed != NULL &&
	    git_oid_fromstr(&at, c->job->placed) == 0 &&
	    git_oid_equal(&p->head, &at);
}

static int
check_local_work(struct gitctx *c, struct update_plan *p, struct buf *why)
{
	struct localwork lw;
	struct buf list = BUF_INIT;
	git_oid hide[2], local;
	char name[512];
	int n, rc = -1;

	localwork_init(&lw);
	buf_init(&list);
	if (localwork_scan(c, c->repo, &lw) == -1)
		goto out;
	if (localwork_blocks(&lw, why, NULL)) {
		rc = 1;
		goto out;
	}
	git_oid_cpy(&hide[0], &p->target);
	git_oid_cpy(&hide[1], &p->old_tracking);
	if (p->head_born && p->head_branch != NULL && p->to_branch &&
	    strcmp(p->head_branch, c->branch) == 0) {
		/* On the branch: commits neither upstream had are local work. */
		n = localwork_unique(c, c->repo, &p->head, hide, 2,
		    "refs/remotes", &list);
		if (n > 0)
			buf_addf(why, "%d local commit%s not upstream on %s: %s",
			    n, n == 1 ? "" : "s", p->head_branch, list.data);
	} else if (p->head_born && p->head_branch != NULL) {
		/* On another branch: its unpushed commits are the user's. */
		n = localwork_unique(c, c->repo, &p->head, NULL, 0,
		    "refs/remotes", &list);
		if (n > 0)
			buf_addf(why, "on branch %s with %d unpushed commit%s: %s",
			    p->head_branch, n, n == 1 ? "" : "s", list.data);
	} else if (p->head_born && at_placed_commit(c, p)) {
		/*
		 * Detached where githerd put it: what no ref holds came from
		 * the remote's ref (a pull request's, force-pushed since),
		 * not from the user.
		 */
		n = 0;
	} else if (p->head_born) {
		n = localwork_unique(c, c->repo, &p->head, hide, 1, "refs/*",
		    &list);
		if (n > 0)
			buf_addf(why, "detached HEAD has %d commit%s on no "
			    "branch: %s", n, n == 1 ? "" : "s", list.data);
	} else
		n = 0;
	if (n < 0)
		goto out;
	/* Switching to the manifest's branch: what that branch holds. */
	if (why->len == 0 && p->to_branch && (p->head_branch == NULL ||
	    strcmp(p->head_branch, c->branch) != 0)) {
		snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
		if (git_reference_name_to_id(&local, c->repo, name) == 0) {
			buf_reset(&list);
			n = localwork_unique(c, c->repo, &local, hide, 2,
			    "refs/remotes", &list);
			if (n > 0)
				buf_addf(why, "branch %s has %d local commit%s "
				    "not upstream: %s", c->branch, n,
				    n == 1 ? "" : "s", list.data);
			if (n < 0)
				goto out;
		}
		git_error_clear();
	}
	if (why->len == 0 && p->moves) {
		if (localwork_in_the_way(c, c->repo, &p->target, why) < 0)
			goto out;
	}
	if (why->len == 0 && (c->job->flags & JOBF_SUBMODULES)) {
		buf_reset(&list);
		if (submodules_check_local(c, c->repo, "", 1, &list) < 0)
			goto out;
		sep(why);
		buf_add(why, list.data, list.len);
	}
	rc = why->len > 0;
out:
	localwork_release(&lw);
	buf_release(&list);
	return rc;
}

/*
 * Check out the target and point HEAD at it.  The journal records the
 * checkout before the first file is written and is cleared once HEAD
 * points there, so a worker killed in between is finished by the next
 * sync (journal.c).
 */
static int
move_head(struct gitctx *c, struct update_plan *p)
{
	git_checkout_options co;
	git_commit *commit = NULL;
	git_reference *branch = NULL;
	git_config *cfg = NULL;
	char name[512], key[600];
	int err, rc = -1;

	if ((err = git_commit_lookup(&commit, c->repo, &p->target)) < 0) {
		gitctx_fail(c, err, "looking up the target commit");
		goto out;
	}
	if (p->to_branch) {
		snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
		if (git_reference_lookup(&branch, c->repo, name) < 0) {
			git_error_clear();
			/* A new local branch tracks its remote branch, as git's. */
			if ((err = git_repository_config(&cfg, c->repo)) < 0)
				goto fail;
			snprintf(key, sizeof(key), "branch.%s.remote", c->branch);
			if ((err = git_config_set_string(cfg, key, "origin")) < 0)
				goto fail;
			snprintf(key, sizeof(key), "branch.%s.merge", c->branch);
			if ((err = git_config_set_string(cfg, key, name)) < 0)
				goto fail;
		}
	}
	if (journal_begin(c, c->repo, p->head_born ? &p->head : NULL,
	    &p->target, p->to_branch ? name : NULL) == -1)
		goto out;
	gitctx_phase(c, PHASE_CHECKOUT);
	gitctx_checkout_options(c, &co);
	if ((err = git_checkout_tree(c->repo, (git_object *)commit, &co)) < 0) {
		/* Nothing written (libgit2 checks before it writes): no record. */
		journal_end(c->repo);
		gitctx_fail(c, err, "checkout");
		goto out;
	}
	if (!p->to_branch)
		err = git_repository_set_head_detached(c->repo, &p->target);
	else if (refs_set(c, c->repo, name, &p->target, REFLOG) == -1)
		goto out;
	else
		err = git_repository_set_head(c->repo, name);
	if (err < 0) {
		gitctx_fail(c, err, "setting HEAD");
		goto out;
	}
	journal_end(c->repo);
	rc = 0;
	goto out;
fail:
	gitctx_fail(c, err, "creating the local branch");
out:
	git_config_free(cfg);
	git_reference_free(branch);
	git_commit_free(commit);
	return rc;
}

/* --- history the manifest asks for ------------------------------------- */

/*
 * The manifest's depth against the entry's history.  A depth added to a
 * full clone is a note: history is never thrown away.  A depth removed
 * from a shallow clone deepens it to full, which libgit2 1.8 can do over
 * http(s) only: elsewhere the entry stays shallow and says how to deepen
 * it by hand.
 */
static void
plan_depth(struct gitctx *c)
{
	bool shallow = git_repository_is_shallow(c->repo) == 1;
	char note[1024];

	if (c->depth > 0 && !shallow) {
		snprintf(note, sizeof(note), "depth %d ignored: %s has its full "
		    "history, and githerd never throws history away",
		    c->depth, c->job->path);
		c->ev->warn(c->ev->ctx, note);
		c->depth = 0;
	} else if (c->depth == 0 && shallow && c->job->depth == 0) {
		if (url_supports_shallow(c->job->url)) {
			c->deepen = true;
			return;
		}
		snprintf(note, sizeof(note), "%s stays shallow: libgit2 %s "
		    "deepens a clone over http(s) only, not %s; run 'git -C %s "
		    "fetch --unshallow' to get the full history the manifest "
		    "asks for", c->job->path, LIBGIT2_VERSION,
		    url_scheme(c->job->url) == URL_GIT ? "git://" : "ssh",
		    c->job->path);
		c->ev->warn(c->ev->ctx, note);
	}
}

static int
is_full_spec(const git_config_entry *e, void *payload)
{
	(void)payload;
	return strcmp(e->value, FULL_SPEC) == 0 ? GIT_PASSTHROUGH : 0;
}

/*
 * A clone deepened to full fetches every branch, as a full clone does:
 * its one-branch refspec becomes git clone's.
 */
static int
widen_refspec(struct gitctx *c)
{
	git_config *cfg = NULL;
	int err;

	if ((err = git_repository_config(&cfg, c->repo)) == 0) {
		err = git_config_get_multivar_foreach(cfg, "remote.origin.fetch",
		    NULL, is_full_spec, NULL);
		if (err == GIT_PASSTHROUGH)
			err = 0;
		else if (err == 0 || err == GIT_ENOTFOUND)
			err = git_config_set_multivar(cfg, "remote.origin.fetch",
			    "^\\+refs/heads/[^*]*:refs/remotes/origin/[^*]*$",
			    FULL_SPEC);
	}
	git_config_free(cfg);
	return err < 0 ? gitctx_fail(c, err, "writing remote.origin.fetch") :
	    0;
}

/* --- whose checkout is it ------------------------------------------------ */

/*
 * Has the user moved the checkout away from where githerd last put it
 * (another branch, or a detached HEAD elsewhere)?  Without a record it
 * is taken as githerd's, as before records were kept.
 */
static bool
moved_by_user(const struct gitctx *c, const struct update_plan *p)
{
	const char *placed = c->job->placed;
	git_oid at;

	if (placed == NULL || *placed == '\0')
		return false;
	if (strncmp(placed, "refs/heads/", 11) == 0)
		return p->head_branch == NULL ||
		    strcmp(p->head_branch, placed + 11) != 0;
	if (git_oid_fromstr(&at, placed) < 0)
		return false;
	return p->head_branch != NULL || !p->head_born ||
	    !git_oid_equal(&p->head, &at);
}

/* "main", "tag v1.0", "commit 1a2b3c4": what the manifest asks, in words. */
static void
manifest_ref(const struct gitctx *c, const struct update_plan *p, char *out,
    size_t len)
{
	char id[8];

	if (c->branch != NULL)
		snprintf(out, len, "%s", c->branch);
	else if (c->kind == REF_TAG)
		snprintf(out, len, "tag %s", c->job->ref);
	else {
		git_oid_tostr(id, sizeof(id), &p->target);
		snprintf(out, len, "commit %s", id);
	}
}

/* The remote-tracking ref HEAD's branch follows, as git pull reads it. */
static bool
upstream_of(struct gitctx *c, const char *branch, git_oid *out, char *name,
    size_t len)
{
	git_config *cfg = NULL;
	git_buf remote = GIT_BUF_INIT, merge = GIT_BUF_INIT;
	char key[600];
	bool ok = false;

	if (git_repository_config_snapshot(&cfg, c->repo) < 0)
		goto out;
	snprintf(key, sizeof(key), "branch.%s.remote", branch);
	if (git_config_get_string_buf(&remote, cfg, key) < 0 ||
	    strcmp(remote.ptr, "origin") != 0)
		goto out;
	snprintf(key, sizeof(key), "branch.%s.merge", branch);
	if (git_config_get_string_buf(&merge, cfg, key) < 0 ||
	    strncmp(merge.ptr, "refs/heads/", 11) != 0)
		goto out;
	snprintf(name, len, "refs/remotes/origin/%s", merge.ptr + 11);
	ok = git_reference_name_to_id(out, c->repo, name) == 0;
out:
	git_error_clear();
	git_buf_dispose(&remote);
	git_buf_dispose(&merge);
	git_config_free(cfg);
	return ok;
}

/* Why a fast-forward of the kept branch to to would lose work; 1, 0, -1. */
static int
keep_blocked(struct gitctx *c, const git_oid *to, struct buf *why)
{
	struct localwork lw;
	int rc = -1;

	localwork_init(&lw);
	if (localwork_scan(c, c->repo, &lw) == -1)
		goto out;
	if (localwork_blocks(&lw, why, NULL)) {
		rc = 1;
		goto out;
	}
	rc = localwork_in_the_way(c, c->repo, to, why);
out:
	localwork_release(&lw);
	return rc;
}

static int
fast_forward(struct gitctx *c, const char *branch, const git_oid *from,
    const git_oid *to)
{
	git_checkout_options co;
	git_commit *commit = NULL;
	char name[512];
	int err;

	if ((err = git_commit_lookup(&commit, c->repo, to)) < 0)
		return gitctx_fail(c, err, "looking up the upstream commit");
	snprintf(name, sizeof(name), "refs/heads/%s", branch);
	if (journal_begin(c, c->repo, from, to, name) == -1) {
		git_commit_free(commit);
		return -1;
	}
	gitctx_phase(c, PHASE_CHECKOUT);
	gitctx_checkout_options(c, &co);
	err = git_checkout_tree(c->repo, (git_object *)commit, &co);
	git_commit_free(commit);
	if (err < 0) {
		journal_end(c->repo);
		return gitctx_fail(c, err, "checkout");
	}
	if (refs_set(c, c->repo, name, to, "githerd: fast-forward") == -1)
		return -1;
	journal_end(c->repo);
	return 0;
}

/*
 * The user put the checkout elsewhere on purpose: it stays there.  A
 * branch that tracks a remote branch is fast-forwarded when upstream
 * moved, it has nothing of its own, and nothing local is in the way;
 * otherwise it is left exactly as it is.
 */
static void
keep_checkout(struct gitctx *c, struct update_plan *p)
{
	struct buf why = BUF_INIT;
	char wanted[300], upname[600], a[8], b[8];
	git_oid up;
	int rc;

	buf_init(&why);
	manifest_ref(c, p, wanted, sizeof(wanted));
	c->res->outcome = RESULT_KEPT;
	if (p->head_branch == NULL) {
		git_oid_tostr(a, sizeof(a), &p->head);
		result_message(c->res, "detached at %s (manifest: %s)",
		    p->head_born ? a : "nothing", wanted);
		goto out;
	}
	if (!p->head_born || !upstream_of(c, p->head_branch, &up, upname,
	    sizeof(upname)) || git_oid_equal(&up, &p->head) ||
	    git_graph_descendant_of(c->repo, &up, &p->head) != 1) {
		git_error_clear();
		result_message(c->res, "on %s (manifest: %s)", p->head_branch,
		    wanted);
		goto out;
	}
	if (treecheck(c, c->repo, &up, &p->head, "") == -1 ||
	    (rc = keep_blocked(c, &up, &why)) == -1)
		goto out;
	if (rc == 1) {
		result_message(c->res, "on %s (manifest: %s); not "
		    "fast-forwarded to %s: %s", p->head_branch, wanted,
		    upname + 13, why.data);
		goto out;
	}
	if (fast_forward(c, p->head_branch, &p->head, &up) == -1)
		goto out;
	git_oid_tostr(a, sizeof(a), &p->head);
	git_oid_tostr(b, sizeof(b), &up);
	result_message(c->res, "on %s (manifest: %s), fast-forwarded %s..%s",
	    p->head_branch, wanted, a, b);
out:
	buf_release(&why);
}

/*
 * What the line and the report say of an update: the commit HEAD was at,
 * the branch it left, and how many commits it gained.
 */
static void
note_move(struct gitctx *c, const struct update_plan *p)
{
	size_t ahead = 0, behind = 0;

	if (!p->head_born)
		return;
	git_oid_tostr(c->res->before, sizeof(c->res->before), &p->head);
	if (p->head_branch != NULL && (!p->to_branch ||
	    strcmp(p->head_branch, c->branch) != 0))
		c->res->from_branch = xstrdup(p->head_branch);
	if (git_graph_ahead_behind(&ahead, &behind, c->repo, &p->target,
	    &p->head) == 0 && behind == 0)
		c->res->commits = (uint32_t)ahead;
	git_error_clear();
}

/* A full entry pinned to a commit id: is that commit in repo's reach? */
static bool
pinned_commit_here(struct gitctx *c, git_repository *repo)
{
	git_odb *odb = NULL;
	git_oid id;
	bool have;

	if (c->kind != REF_COMMIT || c->depth > 0 || c->other_ref != NULL ||
	    git_oid_fromstr(&id, c->job->ref) < 0 ||
	    git_repository_odb(&odb, repo) < 0) {
		git_error_clear();
		return true;	/* nothing to ask for by id */
	}
	have = git_odb_exists(odb, &id) == 1;
	git_odb_free(odb);
	git_error_clear();
	return have;
}

/* What tracking fetches, and other_ref's commit (objects only). */
static int
download_wanted(struct gitctx *c, struct quarantine *q,
    const struct tracking *t)
{
	struct buf pin = BUF_INIT;
	const char **specs, *id[1];
	size_t n = t->n;
	int rc, err;

	buf_init(&pin);
	specs = xreallocarray(NULL, t->n + 1, sizeof(*specs));
	memcpy(specs, t->spec_text, t->n * sizeof(*specs));
	if (gitctx_pin_spec(c, &pin))
		specs[n++] = pin.data;
	rc = quarantine_download(c, q, specs, n, c->deepen ?
	    GIT_FETCH_DEPTH_UNSHALLOW : c->depth);
	free(specs);
	buf_release(&pin);
	if (rc == 0 && !pinned_commit_here(c, q->repo)) {
		/*
		 * No branch or tag reaches it (a frozen pull request's):
		 * asked for by id, as clone.c's fetch_by_id does; not
		 * served, find_target says the commit is missing.
		 */
		id[0] = c->job->ref;
		if ((err = quarantine_try_download(c, q, id, 1, 0)) < 0 &&
		    gitctx_cancelled(c))
			rc = gitctx_fail(c, err, "fetch");
		git_error_clear();
	}
	return rc;
}

/*
 * Fetch what `git fetch --prune` would, into quarantine; the objects and
 * remote-tracking refs go in whatever the local-work checks say (as git
 * fetch is always safe on a dirty work tree); the branch, HEAD, index and
 * files move only when every check passes, and only if the checkout is
 * still where githerd put it (or the manifest's ref changed, or
 * --switch): a checkout its user moved is kept.
 */
static void
update_worktree(struct gitctx *c)
{
	struct update_plan p;
	struct quarantine q;
	struct tracking t;
	struct buf why = BUF_INIT;
	bool refs_moved = false, substale = false, kept;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	memset(&t, 0, sizeof(t));
	buf_init(&why);
	read_head(c, &p);
	if (tracking_init(c, c->repo, &t,
	    (c->job->flags & JOBF_NO_PRUNE) == 0) == -1)
		goto out;
	p.fetch = !have_wanted(c, &p) || !tracking_current(c, c->repo, &t) ||
	    c->deepen;
	if (c->res->outcome == RESULT_FAILED)
		goto out;
	git_remote_disconnect(c->remote);
	if (p.fetch) {
		if (quarantine_open(c, c->repo, &q) == -1 ||
		    download_wanted(c, &q, &t) == -1 ||
		    quarantine_show(c, &q, c->repo) == -1)
			goto out;
		q.deepen = c->deepen;
	}
	if (find_target(c, &p) == -1)
		goto out;
	kept = p.moves && moved_by_user(c, &p) &&
	    (c->job->flags & (JOBF_REF_CHANGED | JOBF_SWITCH)) == 0;
	if (!kept) {
		/* Hostile trees fail the entry before anything of it changes. */
		if (p.moves && treecheck(c, c->repo, &p.target, p.head_born ?
		    &p.head : NULL, "") == -1)
			goto out;
		substale = (c->job->flags & JOBF_SUBMODULES) &&
		    submodules_stale(c, c->repo, 1);
		if ((p.moves || substale) &&
		    (rc = check_local_work(c, &p, &why)) == -1)
			goto out;
	}
	if (p.fetch && (quarantine_install(c, &q) == -1 ||
	    tracking_apply(c, c->repo, &t, &refs_moved) == -1))
		goto out;
	if (c->deepen && widen_refspec(c) == -1)
		goto out;
	if (tracking_tidy(c, c->repo, &t, &refs_moved) == -1)
		goto out;
	if (kept) {
		keep_checkout(c, &p);
		goto out;
	}
	if (rc == 1) {
		skip(c, why.data);
		goto out;
	}
	if (!p.moves && !substale) {
		c->res->outcome = RESULT_UNCHANGED;
		gitctx_placed(c, c->repo);
		goto out;
	}
	if (p.moves && move_head(c, &p) == -1)
		goto out;
	if (p.moves)
		note_move(c, &p);
	if ((c->job->flags & JOBF_SUBMODULES) &&
	    submodules_update(c, c->repo, "", 1) == -1)
		goto out;
	c->res->outcome = RESULT_UPDATED;
	gitctx_placed(c, c->repo);
out:
	quarantine_close(&q);
	tracking_release(&t);
	buf_release(&why);
	update_plan_release(&p);
}

/* --- bare repositories and mirrors -------------------------------------- */

/*
 * Does the entry hold every ref the remote advertises under one of
 * prefixes, at the same object?  With exact, it must hold no other ref
 * either (a mirror also loses what the remote deleted); with tags_kept,
 * a tag only has to exist.
 */
static bool
in_sync(struct gitctx *c, const struct refs *local,
    const char *const *prefixes, bool exact, bool tags_kept)
{
	const git_oid *mine;
	const char *const *pre;
	size_t i, counted = 0;

	for (i = 0; i < c->nadv; i++) {
		const char *name = c->adv[i].name;
		size_t len = strlen(name);

		if (len > 3 && strcmp(name + len - 3, "^{}") == 0)
			continue;
		for (pre = prefixes; *pre; pre++)
			if (strncmp(name, *pre, strlen(*pre)) == 0)
				break;
		if (*pre == NULL)
			continue;
		counted++;
		mine = refs_find(local, name);
		if (mine == NULL)
			return false;
		/* An existing tag is never moved (as git fetch): not a change. */
		if (tags_kept && strncmp(name, "refs/tags/", 10) == 0)
			continue;
		if (!git_oid_equal(mine, &c->adv[i].oid))
			return false;
	}
	return !exact || counted == local->n;
}

/* HEAD follows the remote's default branch. */
static int
mirror_head(struct gitctx *c, bool *changed)
{
	git_reference *head = NULL;
	const char *now = NULL;
	int err;

	*changed = false;
	if (c->default_ref == NULL)
		return 0;
	if (git_reference_lookup(&head, c->repo, "HEAD") == 0)
		now = git_reference_symbolic_target(head);
	if (now == NULL || strcmp(now, c->default_ref) != 0) {
		*changed = true;
		if ((err = git_repository_set_head(c->repo, c->default_ref)) < 0) {
			git_reference_free(head);
			return gitctx_fail(c, err, "setting HEAD");
		}
	}
	git_reference_free(head);
	git_error_clear();
	return 0;
}

/*
 * A mirror takes the remote as it is: new refs arrive, deleted ones go,
 * forced updates apply.  The fetch (with prune) completes in quarantine
 * before anything of the mirror changes, and then all its refs change at
 * once.
 */
static void
update_mirror(struct gitctx *c)
{
	struct refs local;
	struct quarantine q;
	bool head_changed;
	static const char *const all[] = { "refs/", NULL };

	memset(&q, 0, sizeof(q));
	if (refs_list(c->repo, "refs/*", &local) < 0) {
		gitctx_fail(c, -1, "listing refs");
		return;
	}
	if (in_sync(c, &local, all, true, false)) {
		git_remote_disconnect(c->remote);
		if (mirror_head(c, &head_changed) == 0)
			c->res->outcome = head_changed ? RESULT_UPDATED :
			    RESULT_UNCHANGED;
		goto out;
	}
	git_remote_disconnect(c->remote);
	if (quarantine_open(c, c->repo, &q) == -1 ||
	    fetch_into(c, &q, true) == -1 ||
	    quarantine_install(c, &q) == -1 ||
	    quarantine_swap_refs(c, &q, c->repo) == -1)
		goto out;
	/* libgit2 caches refs: see the new ones before HEAD is pointed. */
	git_repository_free(c->repo);
	c->repo = NULL;
	if (git_repository_open_bare(&c->repo, c->job->dest) < 0) {
		gitctx_fail(c, -1, "reopening the mirror");
		goto out;
	}
	if (mirror_head(c, &head_changed) == -1)
		goto out;
	c->res->outcome = RESULT_UPDATED;
out:
	quarantine_close(&q);
	refs_release(&local);
}

/*
 * A bare repository's branches are the remote's; people may push to it, so
 * a branch moves only forward, and one the remote rewrote is left alone.
 */
static void
update_bare(struct gitctx *c)
{
	static const char *const branches_and_tags[] = {
		"refs/heads/", "refs/tags/", NULL
	};
	struct refs local, got, tips;
	struct quarantine q;
	struct buf why = BUF_INIT, list = BUF_INIT;
	const git_oid *mine, *recorded;
	size_t i;
	int n;

	memset(&q, 0, sizeof(q));
	memset(&got, 0, sizeof(got));
	memset(&tips, 0, sizeof(tips));
	buf_init(&why);
	buf_init(&list);
	if (refs_list(c->repo, "refs/*", &local) < 0) {
		gitctx_fail(c, -1, "listing refs");
		goto out;
	}
	if (in_sync(c, &local, branches_and_tags, false, true)) {
		git_remote_disconnect(c->remote);
		c->res->outcome = RESULT_UNCHANGED;
		remotetips_write(c, c->repo);
		goto out;
	}
	if (remotetips_read(c->repo, &tips) == -1)
		memset(&tips, 0, sizeof(tips));	/* as if never recorded */
	git_remote_disconnect(c->remote);
	if (quarantine_open(c, c->repo, &q) == -1 ||
	    fetch_into(c, &q, false) == -1 ||
	    quarantine_show(c, &q, c->repo) == -1 ||
	    refs_list(q.repo, "refs/heads/*", &got) < 0)
		goto out;
	for (i = 0; i < got.n && why.len == 0; i++) {
		mine = refs_find(&local, got.v[i].name);
		if (mine == NULL || git_oid_equal(mine, &got.v[i].oid))
			continue;
		buf_reset(&list);
		n = localwork_unique(c, c->repo, mine, &got.v[i].oid, 1,
		    NULL, &list);
		if (n < 0)
			goto out;
		/*
		 * Still at the remote's tip githerd recorded: nobody pushed
		 * here, the remote rewrote the branch, and it is followed.
		 */
		if (n > 0 && (recorded = refs_find(&tips, got.v[i].name)) != NULL &&
		    git_oid_equal(recorded, mine))
			continue;
		if (n > 0)
			buf_addf(&why, "%s has %d commit%s the remote does not: "
			    "%s", got.v[i].name + 11, n, n == 1 ? "" : "s",
			    list.data);
	}
	if (why.len > 0) {
		skip(c, why.data);
		goto out;
	}
	if (quarantine_install(c, &q) == -1 ||
	    apply_bare_refs(c, &q) == -1 ||
	    remotetips_write(c, c->repo) == -1)
		goto out;
	c->res->outcome = RESULT_UPDATED;
out:
	quarantine_close(&q);
	refs_release(&local);
	refs_release(&got);
	refs_release(&tips);
	buf_release(&why);
	buf_release(&list);
}

/* Where the entry ended up, for the line that reports it. */
static void
describe(struct gitctx *c)
{
	git_reference *head = NULL;
	char *w = c->where;
	size_t len = sizeof(c->where);

	if (c->bare)
		snprintf(w, len, "%s", c->mirror ? "mirror" : "bare");
	else if (git_repository_head(&head, c->repo) < 0)
		w[0] = '\0';
	else if (git_reference_is_branch(head))
		snprintf(w, len, "branch %s", git_reference_shorthand(head));
	else if (c->kind == REF_TAG)
		snprintf(w, len, "tag %s", c->job->ref);
	else
		snprintf(w, len, "detached %.7s", c->res->head);
	git_reference_free(head);
	git_error_clear();
}

void
update_entry(struct gitctx *c)
{
	char have[2048], why[1200];
	bool broken;
	int same;

	c->res->outcome = RESULT_UNCHANGED;
	if (open_entry(c) == -1 ||
	    (same = check_origin(c, have, sizeof(have))) == -1)
		return;
	/* Objects borrowed from a cache someone pruned: taken again first. */
	broken = cache_check_borrowed(c->repo, why, sizeof(why)) == 0;
	if (broken && (gitctx_connect(c) == -1 || gitctx_resolve(c) == -1 ||
	    cache_repair(c, c->repo, why) == -1))
		return;
	/* A checkout a killed worker left half done, first, offline. */
	if (!c->bare && journal_recover(c, c->repo) != 0)
		return;
	if ((!broken && gitctx_connect(c) == -1) ||
	    (same == 0 && repoint_origin(c, have) == -1) ||
	    (!broken && gitctx_resolve(c) == -1))
		return;
	if (!c->bare)
		plan_depth(c);
	if (cache_prime_update(c, c->repo) == -1)
		return;
	if (c->mirror)
		update_mirror(c);
	else if (c->bare)
		update_bare(c);
	else
		update_worktree(c);
	if (c->res->outcome == RESULT_FAILED ||
	    c->res->outcome == RESULT_CANCELLED)
		return;
	/* A skipped work tree is left as it is, pointers and all. */
	if (!c->bare && c->res->outcome != RESULT_SKIPPED &&
	    lfspull_entry(c, c->repo) == -1)
		return;
	gitctx_phase(c, PHASE_FINISH);
	c->res->shallow = git_repository_is_shallow(c->repo) == 1;
	c->res->bytes = c->fetched_bytes;
	c->res->objects = c->fetched_objects;
	gitctx_head(c, c->repo);
	describe(c);
}
