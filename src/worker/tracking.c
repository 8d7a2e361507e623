#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "gitctx.h"
#include "refs.h"
#include "tracking.h"
#include "xmalloc.h"

#define FETCH_LOG	"githerd: fetch"
#define TRACKING	"refs/remotes/"

static int
add_spec(struct gitctx *c, struct tracking *t, const char *text)
{
	git_refspec *spec = NULL;
	size_t i;
	int err;

	/* Negative refspecs only narrow what others fetch: left to git. */
	if (text[0] == '^')
		return 0;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->spec_text[i], text) == 0)
			return 0;
	if ((err = git_refspec_parse(&spec, text, 1)) < 0)
		return gitctx_fail(c, err, "reading remote.origin.fetch");
	XGROW(t->specs, t->n + 1, t->cap);
	XGROW(t->spec_text, t->n + 1, t->cap_text);
	t->specs[t->n] = spec;
	t->spec_text[t->n] = xstrdup(text);
	t->n++;
	return 0;
}

static int
add_configured(const git_config_entry *e, void *payload)
{
	struct buf *all = payload;

	buf_add(all, e->value, strlen(e->value) + 1);
	return 0;
}

int
tracking_init(struct gitctx *c, git_repository *repo, struct tracking *t,
    bool prune)
{
	git_config *cfg = NULL;
	struct buf configured = BUF_INIT, wanted = BUF_INIT;
	const char *p;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	buf_init(&configured);
	buf_init(&wanted);
	t->prune = prune;
	t->all_tags = c->depth == 0;
	if (c->kind == REF_TAG)
		t->pinned_tag = xasprintf("refs/tags/%s", c->job->ref);
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		git_config_get_multivar_foreach(cfg, "remote.origin.fetch",
		    NULL, add_configured, &configured);
	git_error_clear();
	for (p = configured.data; p < configured.data + configured.len;
	    p += strlen(p) + 1)
		if (add_spec(c, t, p) == -1)
			goto out;
	gitctx_refspec(c, &wanted);
	if (add_spec(c, t, wanted.data) == -1)
		goto out;
	rc = 0;
out:
	git_config_free(cfg);
	buf_release(&configured);
	buf_release(&wanted);
	return rc;
}

void
tracking_release(struct tracking *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		git_refspec_free(t->specs[i]);
		free(t->spec_text[i]);
	}
	free(t->specs);
	free(t->spec_text);
	free(t->pinned_tag);
	memset(t, 0, sizeof(*t));
}

/*
 * Where the remote's refs land: every advertised ref a refspec maps into
 * refs/remotes/, as name -> advertised oid, sorted.
 */
static void
mapped(const struct gitctx *c, const struct tracking *t, struct refs *out)
{
	const struct gitctx_ref *heads = c->adv;
	git_buf dst = GIT_BUF_INIT;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < c->nadv; i++) {
		if (refs_is_peeled(heads[i].name))
			continue;
		for (j = 0; j < t->n; j++) {
			if (strncmp(git_refspec_dst(t->specs[j]), TRACKING,
			    strlen(TRACKING)) != 0 ||
			    !git_refspec_src_matches(t->specs[j],
			    heads[i].name))
				continue;
			if (git_refspec_transform(&dst, t->specs[j],
			    heads[i].name) == 0)
				refs_add(out, dst.ptr, &heads[i].oid);
			git_buf_dispose(&dst);
		}
	}
	git_error_clear();
	refs_sort(out);
}

static bool
is_tag(const char *name)
{
	return strncmp(name, "refs/tags/", 10) == 0 && !refs_is_peeled(name);
}

bool
tracking_current(struct gitctx *c, git_repository *repo,
    const struct tracking *t)
{
	const struct gitctx_ref *heads = c->adv;
	struct refs want, tags;
	size_t i;
	bool current = false;

	memset(&tags, 0, sizeof(tags));
	mapped(c, t, &want);
	for (i = 0; i < want.n; i++)
		if (!refs_is(repo, want.v[i].name, &want.v[i].oid))
			goto out;
	if (refs_list(repo, "refs/tags/*", &tags) < 0)
		goto out;
	for (i = 0; i < c->nadv; i++) {
		const git_oid *mine;

		if (!is_tag(heads[i].name))
			continue;
		mine = refs_find(&tags, heads[i].name);
		if (t->pinned_tag != NULL &&
		    strcmp(heads[i].name, t->pinned_tag) == 0) {
			if (mine == NULL || !git_oid_equal(mine, &heads[i].oid))
				goto out;
		} else if (t->all_tags && mine == NULL)
			goto out;
	}
	current = true;
out:
	git_error_clear();
	refs_release(&want);
	refs_release(&tags);
	return current;
}

static bool
have_object(git_odb *odb, const git_oid *oid)
{
	return odb != NULL && git_odb_exists(odb, oid) == 1;
}

int
tracking_apply(struct gitctx *c, git_repository *repo,
    const struct tracking *t, bool *changed)
{
	const struct gitctx_ref *heads = c->adv;
	struct refs want, tags;
	git_odb *odb = NULL;
	const git_oid *mine;
	size_t i;
	int rc = -1;

	memset(&tags, 0, sizeof(tags));
	mapped(c, t, &want);
	if (git_repository_odb(&odb, repo) < 0 ||
	    refs_list(repo, "refs/tags/*", &tags) < 0) {
		gitctx_fail(c, -1, "reading the fetched refs");
		goto out;
	}
	for (i = 0; i < want.n; i++) {
		if (refs_is(repo, want.v[i].name, &want.v[i].oid) ||
		    !have_object(odb, &want.v[i].oid))
			continue;
		if (refs_set(c, repo, want.v[i].name, &want.v[i].oid,
		    FETCH_LOG) == -1)
			goto out;
		*changed = true;
	}
	for (i = 0; i < c->nadv; i++) {
		bool pinned;

		if (!is_tag(heads[i].name))
			continue;
		mine = refs_find(&tags, heads[i].name);
		pinned = t->pinned_tag != NULL &&
		    strcmp(heads[i].name, t->pinned_tag) == 0;
		/* An existing tag stays where it is, as with git fetch. */
		if ((mine != NULL && !pinned) ||
		    (mine != NULL && git_oid_equal(mine, &heads[i].oid)) ||
		    !have_object(odb, &heads[i].oid))
			continue;
		if (refs_set(c, repo, heads[i].name, &heads[i].oid,
		    FETCH_LOG) == -1)
			goto out;
		*changed = true;
	}
	rc = 0;
out:
	git_error_clear();
	git_odb_free(odb);
	refs_release(&want);
	refs_release(&tags);
	return rc;
}

/* Every local ref a refspec's destination covers, under refs/remotes/. */
static int
prune(struct gitctx *c, git_repository *repo, const struct tracking *t,
    const struct refs *want, bool *changed)
{
	struct refs local;
	size_t i, j;
	int rc = 0;

	for (j = 0; rc == 0 && j < t->n; j++) {
		const char *dst = git_refspec_dst(t->specs[j]);

		if (strncmp(dst, TRACKING, strlen(TRACKING)) != 0 ||
		    refs_list(repo, dst, &local) < 0)
			continue;
		for (i = 0; rc == 0 && i < local.n; i++) {
			if (refs_find(want, local.v[i].name) != NULL)
				continue;
			rc = refs_delete(c, repo, local.v[i].name);
			*changed = true;
		}
		refs_release(&local);
	}
	return rc;
}

/* refs/remotes/origin/HEAD names the remote's default branch, as at clone. */
static int
origin_head(struct gitctx *c, git_repository *repo, const struct tracking *t,
    const struct refs *want, bool *changed)
{
	git_reference *head = NULL, *made = NULL;
	git_buf dst = GIT_BUF_INIT;
	const char *now = NULL;
	size_t j;
	int err = 0;

	if (c->default_ref == NULL)
		return 0;
	for (j = 0; j < t->n && dst.ptr == NULL; j++)
		if (strncmp(git_refspec_dst(t->specs[j]), "refs/remotes/origin/",
		    20) == 0 && git_refspec_src_matches(t->specs[j],
		    c->default_ref))
			git_refspec_transform(&dst, t->specs[j], c->default_ref);
	/* Only at a branch the entry has, as git clone does. */
	if (dst.ptr == NULL || refs_find(want, dst.ptr) == NULL ||
	    git_reference_lookup(&made, repo, dst.ptr) < 0)
		goto out;
	git_reference_free(made);
	made = NULL;
	if (git_reference_lookup(&head, repo, "refs/remotes/origin/HEAD") == 0)
		now = git_reference_symbolic_target(head);
	git_error_clear();
	if (now != NULL && strcmp(now, dst.ptr) == 0)
		goto out;
	err = git_reference_symbolic_create(&made, repo,
	    "refs/remotes/origin/HEAD", dst.ptr, 1, FETCH_LOG);
	if (err == 0)
		*changed = true;
out:
	git_reference_free(head);
	git_reference_free(made);
	git_buf_dispose(&dst);
	git_error_clear();
	return err < 0 ? gitctx_fail(c, err, "refs/remotes/origin/HEAD") : 0;
}

int
tracking_tidy(struct gitctx *c, git_repository *repo,
    const struct tracking *t, bool *changed)
{
	struct refs want;
	int rc = 0;

	mapped(c, t, &want);
	if (t->prune && !c->remote_empty)
		rc = prune(c, repo, t, &want, changed);
	if (rc == 0)
		rc = origin_head(c, repo, t, &want, changed);
	refs_release(&want);
	return rc;
}
