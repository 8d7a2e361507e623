#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "buf.h"
#include "fsutil.h"
#include "gitctx.h"
#include "packrefs.h"
#include "refs.h"
#include "xmalloc.h"

/* What the specs map, then the tags; sorted, one entry per name. */
static int
collect(struct gitctx *c, git_odb *odb, const char *const *specs,
    size_t nspecs, struct refs *out)
{
	git_refspec *spec = NULL;
	git_buf dst = GIT_BUF_INIT;
	struct refs mapped;
	size_t i, j;
	int err = 0;

	memset(&mapped, 0, sizeof(mapped));
	for (j = 0; j < nspecs && err == 0; j++) {
		if ((err = git_refspec_parse(&spec, specs[j], 1)) < 0)
			break;
		for (i = 0; i < c->nadv; i++) {
			if (refs_is_peeled(c->adv[i].name) ||
			    !git_refspec_src_matches(spec, c->adv[i].name) ||
			    git_refspec_transform(&dst, spec,
			    c->adv[i].name) < 0)
				continue;
			refs_add(&mapped, dst.ptr, &c->adv[i].oid);
			git_buf_dispose(&dst);
		}
		git_refspec_free(spec);
		spec = NULL;
	}
	if (err < 0) {
		refs_release(&mapped);
		return gitctx_fail(c, err, "reading the refspec");
	}
	refs_sort(&mapped);
	for (i = 0; i < mapped.n; i++) {
		if (i > 0 && strcmp(mapped.v[i].name, mapped.v[i - 1].name) == 0)
			continue;
		if (git_odb_exists(odb, &mapped.v[i].oid) != 1) {
			gitctx_error(c, ERR_SERVER, "the server advertised %s "
			    "but did not send it", mapped.v[i].name);
			refs_release(&mapped);
			return -1;
		}
		refs_add(out, mapped.v[i].name, &mapped.v[i].oid);
	}
	for (i = 0; i < c->nadv; i++) {
		const char *name = c->adv[i].name;

		if (strncmp(name, "refs/tags/", 10) == 0 && !refs_is_peeled(name) &&
		    refs_find(&mapped, name) == NULL &&
		    git_odb_exists(odb, &c->adv[i].oid) == 1)
			refs_add(out, name, &c->adv[i].oid);
	}
	refs_release(&mapped);
	refs_sort(out);
	return 0;
}

/*
 * The first object under tag id that is not a tag, as git peels it: each
 * tag of the chain is read for what it names, and what it names is only
 * looked up (its header: that it is there, and of the type the tag says),
 * never read, as git's peel_object() does.  Reading and parsing every
 * peeled commit in full was 66 M of the 150 M instructions the refs of
 * 2,000 tags cost.
 */
static int
peel(struct gitctx *c, git_repository *repo, git_odb *odb,
    const struct ref_pair *r, git_oid *out)
{
	git_tag *tag = NULL;
	git_object_t type = GIT_OBJECT_TAG, claimed;
	size_t len;
	int err;

	git_oid_cpy(out, &r->oid);
	while (type == GIT_OBJECT_TAG) {
		if ((err = git_tag_lookup(&tag, repo, out)) < 0)
			return gitctx_fail(c, err, r->name);
		git_oid_cpy(out, git_tag_target_id(tag));
		claimed = git_tag_target_type(tag);
		git_tag_free(tag);
		if ((err = git_odb_read_header(&len, &type, odb, out)) < 0)
			return gitctx_fail(c, err, r->name);
		if (type != claimed) {
			gitctx_error(c, ERR_SERVER, "%s: a tag names a %s that is "
			    "a %s", r->name, git_object_type2string(claimed),
			    git_object_type2string(type));
			return -1;
		}
	}
	return 0;
}

/* "<id> <name>", and "^<id>" of the peeled object when it is a tag. */
static int
add_line(struct gitctx *c, git_repository *repo, git_odb *odb,
    struct buf *b, const struct ref_pair *r)
{
	char hex[GIT_OID_MAX_HEXSIZE + 1];
	git_object_t type;
	git_oid peeled;
	size_t len;
	int err;

	git_oid_tostr(hex, sizeof(hex), &r->oid);
	buf_addf(b, "%s %s\n", hex, r->name);
	if ((err = git_odb_read_header(&len, &type, odb, &r->oid)) < 0)
		return gitctx_fail(c, err, r->name);
	if (type != GIT_OBJECT_TAG)
		return 0;
	if (peel(c, repo, odb, r, &peeled) == -1)
		return -1;
	git_oid_tostr(hex, sizeof(hex), &peeled);
	buf_addf(b, "^%s\n", hex);
	return 0;
}

int
packrefs_clone(struct gitctx *c, git_repository *repo,
    const char *const *specs, size_t nspecs)
{
	struct refs all;
	struct buf b = BUF_INIT, path = BUF_INIT;
	git_odb *odb = NULL;
	size_t i;
	int err, rc = -1;

	memset(&all, 0, sizeof(all));
	buf_init(&b);
	buf_init(&path);
	if ((err = git_repository_odb(&odb, repo)) < 0) {
		gitctx_fail(c, err, "opening the object database");
		goto out;
	}
	if (collect(c, odb, specs, nspecs, &all) == -1)
		goto out;
	/* git's own header: peel lines for every tag, names in byte order */
	buf_addstr(&b, "# pack-refs with: peeled fully-peeled sorted \n");
	for (i = 0; i < all.n; i++)
		if (add_line(c, repo, odb, &b, &all.v[i]) == -1)
			goto out;
	buf_addf(&path, "%spacked-refs", git_repository_path(repo));
	if (fs_write_atomic(path.data, b.data, b.len, FS_PUBLIC) == -1) {
		gitctx_error(c, gitctx_errno_class(errno), "writing %s: %s",
		    path.data, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	git_odb_free(odb);
	refs_release(&all);
	buf_release(&b);
	buf_release(&path);
	return rc;
}
