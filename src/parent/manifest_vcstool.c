/*
 * vcstool's .repos format ('repositories:' mapping paths to type, url and
 * version), as 'vcs import' reads it: a version is a commit when it is 40
 * hex digits and a branch or tag otherwise.  An entry of another type
 * (hg, svn, bzr, tar, zip, or one vcstool does not know either) is kept
 * with its type, URL and version as written, for the commands to list as
 * unsupported; its URL and version are never used, so they are checked
 * for being strings only.
 */
#include <string.h>

#include "manifest_read.h"
#include "xmalloc.h"

static const char *const vcs_keys[] = { "type", "url", "version", NULL };

static void
read_vcstool_entry(struct manifest_parse *p, const struct ynode *pathkey,
    const struct ynode *entry)
{
	const struct ynode *key, *v, *type = NULL, *version = NULL;
	struct manifest_fields f;
	size_t i;
	int before = p->errors;

	if (entry->type != YNODE_MAP) {
		manifest_error(p, entry, "repository '%s' must be a mapping "
		    "with 'type', 'url' and 'version', not %s", pathkey->value,
		    ynode_type_name(entry));
		return;
	}
	memset(&f, 0, sizeof(f));
	for (i = 0; i + 1 < entry->nitems; i += 2) {
		key = entry->items[i];
		v = entry->items[i + 1];
		if (strcmp(key->value, "type") == 0) {
			if (manifest_want_string(p, key, v, 32) == 0)
				type = v;
		} else if (strcmp(key->value, "url") == 0) {
			if (manifest_want_string(p, key, v,
			    MANIFEST_MAX_URL) == 0)
				f.url = v;
		} else if (strcmp(key->value, "version") == 0) {
			if (!ynode_is_null(v) &&
			    manifest_want_string(p, key, v,
			    MANIFEST_MAX_REF) == 0)
				version = v;
		} else
			manifest_unknown_key(p, key, "a vcstool repository "
			    "entry", vcs_keys);
	}
	if (p->errors != before)
		return;
	if (type == NULL) {
		manifest_error(p, entry, "repository '%s' has no 'type'",
		    pathkey->value);
		return;
	}
	if (strcmp(type->value, "git") != 0)
		f.vcs_type = type;
	if (f.url == NULL) {
		manifest_error(p, entry, "repository '%s' has no 'url'",
		    pathkey->value);
		return;
	}
	if (version != NULL && f.vcs_type != NULL) {
		f.ref = version;
		f.kind = REF_VERSION;
	} else if (version != NULL) {
		const char *why = manifest_is_full_hex(version->value) ? NULL :
		    manifest_ref_problem(version->value);

		if (why != NULL) {
			manifest_error(p, version, "version '%.80s' %s",
			    version->value, why);
			return;
		}
		f.ref = version;
		f.ref_key = version;
		f.kind = manifest_is_full_hex(version->value) ? REF_COMMIT :
		    REF_VERSION;
	}
	manifest_add_spec(p, &f, pathkey, xstrdup(pathkey->value), pathkey);
}

void
manifest_vcstool_read(struct manifest_parse *p, const struct ynode *root)
{
	const struct ynode *repos, *key;
	size_t i;

	p->m->format = MANIFEST_VCSTOOL;
	for (i = 0; i + 1 < root->nitems; i += 2) {
		key = root->items[i];
		if (strcmp(key->value, "repositories") != 0)
			manifest_error(p, key, "unknown key '%s' in a vcstool "
			    "manifest (only 'repositories' is allowed)",
			    key->value);
	}
	repos = manifest_map_get(root, "repositories", NULL);
	if (ynode_is_null(repos))
		return;
	if (repos->type != YNODE_MAP) {
		manifest_error(p, repos, "'repositories' must map paths to "
		    "repositories, not %s", ynode_type_name(repos));
		return;
	}
	for (i = 0; i + 1 < repos->nitems; i += 2)
		read_vcstool_entry(p, repos->items[i], repos->items[i + 1]);
}
