/*
 * Selection: groups (a union), excludes, paths (an entry, a directory
 * holding entries, a path inside one), shards, and the errors for what
 * selects nothing.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"
#include "select.h"

static const char fleet[] =
    "defaults:\n"
    "  groups: [core]\n"
    "repos:\n"
    "  - url: https://h/a.git\n"
    "  - url: https://h/b.git\n"
    "    path: lib/b\n"
    "    groups: [core, docs]\n"
    "  - url: https://h/c.git\n"
    "    path: lib/c\n"
    "    groups: [extra]\n"
    "  - url: https://h/d.git\n"
    "    path: libx\n"
    "    groups: [docs]\n";

/* The paths selected, space-separated; "ERR: ..." on an error. */
static void
pick(struct buf *out, const struct selection *s)
{
	struct manifest m;
	struct diags d;
	char err[300];
	size_t i;

	manifest_init(&m);
	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "s.yaml", fleet, strlen(fleet), &d), 0);
	buf_reset(out);
	if (select_apply(&m, s, err, sizeof(err)) == -1)
		buf_addf(out, "ERR: %s", err);
	else
		for (i = 0; i < m.nrepos; i++)
			buf_addf(out, "%s%s", i ? " " : "", m.repos[i].path);
	diags_release(&d);
	manifest_release(&m);
}

#define EXPECT(want, ...) do {						\
	struct selection s_ = { __VA_ARGS__ };				\
	pick(&out, &s_);						\
	cr_expect_str_eq(out.data, want);				\
} while (0)

Test(select, groups_excludes_and_their_errors)
{
	struct buf out = BUF_INIT;
	const char *core[] = { "core" }, *docs[] = { "docs" };
	const char *two[] = { "docs", "extra" }, *nosuch[] = { "nosuch" };

	buf_init(&out);
	EXPECT("a lib/b lib/c libx", .ngroups = 0);
	EXPECT("a lib/b", .groups = core, .ngroups = 1);
	EXPECT("lib/b lib/c libx", .groups = two, .ngroups = 2);
	EXPECT("a", .groups = core, .ngroups = 1, .excludes = docs,
	    .nexcludes = 1);
	EXPECT("ERR: --group nosuch: no entry of s.yaml is in group 'nosuch'",
	    .groups = nosuch, .ngroups = 1);
	EXPECT("ERR: --exclude nosuch: no entry of s.yaml is in group 'nosuch'",
	    .excludes = nosuch, .nexcludes = 1);
	buf_release(&out);
}

Test(select, paths_name_entries_dirs_and_insides)
{
	struct buf out = BUF_INIT;
	const char *lib[] = { "lib" }, *inside[] = { "lib/c/src/x.c" };
	const char *tidy[] = { "./lib/b/" }, *dot[] = { "." };
	const char *prefix[] = { "li" }, *both[] = { "a", "libx" };
	const char *extra[] = { "extra" };

	buf_init(&out);
	/* "lib" is a directory of entries; "libx" only shares a prefix. */
	EXPECT("lib/b lib/c", .paths = lib, .npaths = 1);
	EXPECT("lib/c", .paths = inside, .npaths = 1);
	EXPECT("lib/b", .paths = tidy, .npaths = 1);
	EXPECT("a lib/b lib/c libx", .paths = dot, .npaths = 1);
	EXPECT("a libx", .paths = both, .npaths = 2);
	EXPECT("ERR: 'li' is not an entry of s.yaml, nor in or around one",
	    .paths = prefix, .npaths = 1);
	/* A path outside what the groups select is an error too. */
	EXPECT("lib/c", .paths = lib, .npaths = 1, .groups = extra,
	    .ngroups = 1);
	EXPECT("ERR: 'a' is not an entry of s.yaml, nor in or around one the "
	    "groups select", .paths = both, .npaths = 1, .groups = extra,
	    .ngroups = 1);
	buf_release(&out);
}

Test(select, shards_split_the_selection)
{
	struct buf out = BUF_INIT, all = BUF_INIT;
	const char *core[] = { "core" };

	buf_init(&out);
	buf_init(&all);
	EXPECT("a lib/b", .groups = core, .ngroups = 1);
	for (unsigned i = 1; i <= 2; i++) {
		struct selection s = { .groups = core, .ngroups = 1,
		    .shard = i, .nshards = 2 };

		pick(&out, &s);
		cr_expect_eq(strchr(out.data, ' '), NULL, "shard %u: %s", i,
		    out.data);
		buf_addf(&all, "%s%s", i > 1 ? " " : "", out.data);
	}
	cr_expect(strcmp(all.data, "a lib/b") == 0 ||
	    strcmp(all.data, "lib/b a") == 0, "shards: %s", all.data);
	buf_release(&out);
	buf_release(&all);
}
