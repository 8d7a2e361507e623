/*
 * A new clone, made the way `git clone` with the same options would make
 * it, in one connection: look at the advertisement, fetch, write origin,
 * set HEAD, check out, then the submodules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "cache.h"
#include "clone.h"
#include "gitctx.h"
#include "lfspull.h"
#include "packrefs.h"
#include "protect.h"
#include "remotetips.h"
#include "submodules.h"
#include "treecheck.h"
#include "url.h"
#include "xmalloc.h"

/*
 * Every object of a new clone is in packs a githerd indexer wrote, and
 * the indexer named each object by the SHA-1 (collision-detecting) of its
 * inflated content: hashing every object again as the refs, the tree
 * check and the checkout read it (the whole work tree, 8% of a big
 * clone's instructions, half of its checkout) checks nothing the indexer
 * did not, and git's checkout does not hash what it reads either, not
 * even through --reference.  That holds for the packs the cache
 * (--cache) lends too: githerd's own indexer wrote them, and only a pack
 * changed on disk since would tell, as it would for git.  clone_into()
 * turns the hashing back on, whatever happened.
 */
static void
trust_own_packs(void)
{
	gitctx_hash_reads(false);
}

/*
 * A full clone pinned to a commit that no branch or tag reaches (a pull
 * request's, frozen from pull/104/head): asked for by its id, which
 * servers that allow it (uploadpack.allowReachableSHA1InWant, GitHub's)
 * serve, as git fetch origin <id> would.  Nothing is written but objects.
 */
static int
fetch_by_id(struct gitctx *c)
{
	git_odb *odb = NULL;
	git_oid id;
	const char *specs[1];
	bool have;
	int err;

	if (c->kind != REF_COMMIT || c->depth > 0 || c->other_ref != NULL ||
	    c->mirror || git_oid_fromstr(&id, c->job->ref) < 0)
		return 0;
	if (git_repository_odb(&odb, c->repo) < 0)
		return 0;	/* checkout says what is missing */
	have = git_odb_exists(odb, &id) == 1;
	git_odb_free(odb);
	git_error_clear();
	if (have)
		return 0;
	specs[0] = c->job->ref;
	if ((err = gitctx_download(c, c->remote, specs, 1, 0)) < 0 &&
	    !gitctx_cancelled(c))
		git_error_clear();	/* not served: the commit is not found */
	return gitctx_cancelled(c) ? gitctx_fail(c, err, "fetch") : 0;
}

static int
download(struct gitctx *c)
{
	struct buf spec = BUF_INIT, pin = BUF_INIT;
	const char *specs[2];
	size_t n = 1;
	int err, rc = -1;

	buf_init(&spec);
	buf_init(&pin);
	gitctx_refspec(c, &spec);
	specs[0] = spec.data;
	if (gitctx_pin_spec(c, &pin))
		specs[n++] = pin.data;
	err = gitctx_download(c, c->remote, specs, n, c->depth);
	if (err < 0 && c->depth > 0 && c->kind == REF_COMMIT &&
	    git_error_last() != NULL &&
	    git_error_last()->klass == GIT_ERROR_INVALID &&
	    !gitctx_cancelled(c)) {
		/* The server will not serve a bare object id: fetch it all. */
		c->ev->warn(c->ev->ctx, "the server refuses to fetch a commit "
		    "by id: cloning full history instead of depth");
		c->depth = 0;
		buf_reset(&spec);
		gitctx_refspec(c, &spec);
		specs[0] = spec.data;
		err = gitctx_download(c, c->remote, specs, 1, 0);
	}
	if (err < 0) {
		gitctx_fail(c, err, "fetch");
		goto out;
	}
	trust_own_packs();
	/* The pin brings objects only: no ref is written for it. */
	rc = packrefs_clone(c, c->repo, specs, 1);
	if (rc == 0)
		rc = fetch_by_id(c);
out:
	buf_release(&spec);
	buf_release(&pin);
	return rc;
}

static int
config_set(struct gitctx *c, git_config *cfg, const char *key, const char *val)
{
	int err = git_config_set_string(cfg, key, val);

	return err < 0 ? gitctx_fail(c, err, "writing configuration") : 0;
}

static int
write_config(struct gitctx *c)
{
	git_config *cfg = NULL;
	struct buf spec = BUF_INIT;
	char *stored = NULL;
	int rc = -1;

	buf_init(&spec);
	if (git_repository_config(&cfg, c->repo) < 0) {
		gitctx_fail(c, -1, "opening configuration");
		goto out;
	}
	/* Credentials stay in the manifest, never in .git/config. */
	stored = url_strip_secrets(c->job->url);
	if (config_set(c, cfg, "remote.origin.url", stored) == -1)
		goto out;
	if (c->mirror) {
		if (config_set(c, cfg, "remote.origin.fetch", "+refs/*:refs/*") ==
		    -1 || git_config_set_bool(cfg, "remote.origin.mirror", 1) < 0)
			goto out;
	} else if (!c->bare) {
		gitctx_refspec(c, &spec);
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
	free(stored);
	return rc;
}

static int
resolve_detached_target(struct gitctx *c)
{
	char name[512];
	git_reference *pin = NULL;

	if (c->kind == REF_TAG) {
		snprintf(name, sizeof(name), "refs/tags/%s", c->job->ref);
		return gitctx_peel(c, c->repo, name, &c->target);
	}
	if (gitctx_find_commit(c, c->repo, &c->target) == -1)
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
set_origin_head(struct gitctx *c)
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
checkout_branch(struct gitctx *c)
{
	git_reference *tracking = NULL, *local = NULL;
	git_config *cfg = NULL;
	char name[512], key[600], merge[512];
	int err, rc = -1;

	snprintf(name, sizeof(name), "refs/remotes/origin/%s", c->branch);
	if ((err = git_reference_lookup(&tracking, c->repo, name)) < 0) {
		gitctx_fail(c, err, name);
		goto out;
	}
	snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
	if ((err = git_reference_create(&local, c->repo, name,
	    git_reference_target(tracking), 0, "clone")) < 0 ||
	    (err = git_repository_config(&cfg, c->repo)) < 0) {
		gitctx_fail(c, err, "creating the local branch");
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
		gitctx_fail(c, err, "setting HEAD");
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
set_head(struct gitctx *c)
{
	char name[512];
	int err;

	if (c->kind == REF_TAG || c->kind == REF_COMMIT ||
	    c->kind == REF_VERSION) {
		if (resolve_detached_target(c) == -1)
			return -1;
		if ((err = git_repository_set_head_detached(c->repo,
		    &c->target)) < 0)
			return gitctx_fail(c, err, "detaching HEAD");
		return 0;
	}
	if (c->branch == NULL) {
		/* Remote HEAD detached, or an empty repository. */
		if (c->remote_head_detached &&
		    (err = git_repository_set_head_detached(c->repo,
		    &c->remote_head)) < 0)
			return gitctx_fail(c, err, "detaching HEAD");
		return 0;
	}
	if (c->bare) {
		snprintf(name, sizeof(name), "refs/heads/%s", c->branch);
		if ((err = git_repository_set_head(c->repo, name)) < 0)
			return gitctx_fail(c, err, "setting HEAD");
		return 0;
	}
	return checkout_branch(c);
}

static int
checkout(struct gitctx *c)
{
	git_checkout_options co;
	git_oid head;
	int err;

	if (c->bare || git_repository_head_unborn(c->repo) == 1)
		return 0;
	gitctx_phase(c, PHASE_CHECKOUT);
	if ((err = git_reference_name_to_id(&head, c->repo, "HEAD")) < 0)
		return gitctx_fail(c, err, "reading HEAD");
	if (treecheck(c, c->repo, &head, NULL, "") == -1)
		return -1;
	gitctx_checkout_options(c, &co);
	if ((err = git_checkout_head(c->repo, &co)) < 0)
		return gitctx_fail(c, err, "checkout");
	return 0;
}

/* The clone up to its checkout: its repository, objects, refs and files. */
static int
clone_repo(struct gitctx *c, const char *dir)
{
	git_repository_init_options io;
	int err;

	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_NO_REINIT | GIT_REPOSITORY_INIT_MKPATH;
	if (c->bare)
		io.flags |= GIT_REPOSITORY_INIT_BARE;
	if ((err = git_repository_init_ext(&c->repo, dir, &io)) < 0)
		return gitctx_fail(c, err, "creating the repository");
	if ((err = protect_repo(c->repo)) < 0)
		return gitctx_fail(c, err, "protecting the checkout");
	if (gitctx_connect(c) == -1 || gitctx_resolve(c) == -1)
		return -1;
	if (!c->remote_empty && cache_prime(c, c->repo) == -1)
		return -1;
	if (!c->remote_empty && download(c) == -1)
		return -1;
	cache_unseed(c, c->repo);
	if (write_config(c) == -1 || (!c->remote_empty && set_head(c) == -1))
		return -1;
	/* What tells a force-push from a push into the clone, later. */
	if (c->bare && !c->mirror && remotetips_write(c, c->repo) == -1)
		return -1;
	set_origin_head(c);
	return checkout(c);
}

int
clone_into(struct gitctx *c, const char *dir)
{
	int rc = clone_repo(c, dir);

	/* The submodules, and any later job, hash what they read. */
	gitctx_hash_reads(true);
	if (rc == -1)
		return -1;
	if ((c->job->flags & JOBF_SUBMODULES) && !c->bare) {
		gitctx_phase(c, PHASE_SUBMODULES);
		if (submodules_update(c, c->repo, "", 1) == -1)
			return -1;
	}
	/* In the temporary sibling still: a failed pull installs nothing. */
	if (!c->bare && lfspull_entry(c, c->repo) == -1)
		return -1;
	gitctx_phase(c, PHASE_FINISH);
	c->res->shallow = git_repository_is_shallow(c->repo) == 1;
	c->res->bytes = c->fetched_bytes;
	c->res->objects = c->fetched_objects;
	gitctx_head(c, c->repo);
	if (!c->bare)
		gitctx_placed(c, c->repo);
	return 0;
}
