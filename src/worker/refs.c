#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "gitctx.h"
#include "refs.h"
#include "xmalloc.h"

static int
pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ref_pair *)a)->name,
	    ((const struct ref_pair *)b)->name);
}

void
refs_add(struct refs *r, const char *name, const git_oid *oid)
{
	XGROW(r->v, r->n + 1, r->cap);
	r->v[r->n].name = xstrdup(name);
	git_oid_cpy(&r->v[r->n].oid, oid);
	r->n++;
}

void
refs_sort(struct refs *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), pair_cmp);
}

int
refs_list(git_repository *repo, const char *glob, struct refs *out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = git_reference_iterator_glob_new(&it, repo, glob)) < 0)
		return err;
	while ((err = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			refs_add(out, git_reference_name(ref),
			    git_reference_target(ref));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
	refs_sort(out);
	return err == GIT_ITEROVER ? 0 : err;
}

const git_oid *
refs_find(const struct refs *r, const char *name)
{
	struct ref_pair key, *hit;

	if (r->n == 0)
		return NULL;
	key.name = (char *)name;
	hit = bsearch(&key, r->v, r->n, sizeof(*r->v), pair_cmp);
	return hit != NULL ? &hit->oid : NULL;
}

void
refs_release(struct refs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

bool
refs_is_peeled(const char *name)
{
	size_t len = strlen(name);

	return len > 3 && strcmp(name + len - 3, "^{}") == 0;
}

bool
refs_is(git_repository *repo, const char *name, const git_oid *oid)
{
	git_oid have;
	bool same = git_reference_name_to_id(&have, repo, name) == 0 &&
	    git_oid_equal(&have, oid);

	git_error_clear();
	return same;
}

int
refs_set(struct gitctx *c, git_repository *repo, const char *name,
    const git_oid *oid, const char *why)
{
	git_reference *ref = NULL;
	int err;

	if (refs_is(repo, name, oid))
		return 0;
	err = git_reference_create(&ref, repo, name, oid, 1, why);
	git_reference_free(ref);
	return err < 0 ? gitctx_fail(c, err, name) : 0;
}

int
refs_delete(struct gitctx *c, git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	int err;

	if ((err = git_reference_lookup(&ref, repo, name)) == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err == 0)
		err = git_reference_delete(ref);
	git_reference_free(ref);
	return err < 0 ? gitctx_fail(c, err, name) : 0;
}
