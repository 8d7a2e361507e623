/*
 * How far into each entry's path a user's link may be followed: up to
 * the first component that is, or lies inside, an entry.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "diags.h"
#include "manifest.h"
#include "userlinks.h"

static void
parse(struct manifest *m, const char *text)
{
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "m.yaml", text, strlen(text), &d), 0,
	    "%s", diags_format(&d));
	diags_release(&d);
}

static unsigned
links_of(const struct manifest *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		if (strcmp(m->repos[i].path, path) == 0)
			return m->repos[i].links;
	cr_assert_fail("no entry %s", path);
	return 0;
}

Test(userlinks, stops_at_the_first_entry_on_the_way)
{
	struct manifest m;

	parse(&m, "repos:\n"
	    "  - url: https://e.org/a.git\n    path: src/a\n"
	    "  - url: https://e.org/b.git\n    path: src/a/b/c\n"
	    "  - url: https://e.org/c.git\n    path: x/y/z\n"
	    "  - url: https://e.org/d.git\n    path: top\n"
	    "  - url: https://e.org/e.git\n    path: src/ab/e\n");
	userlinks_apply(&m, true);
	cr_expect_eq(links_of(&m, "src/a"), 1);
	cr_expect_eq(links_of(&m, "src/a/b/c"), 1, "src/a is an entry");
	cr_expect_eq(links_of(&m, "x/y/z"), 2);
	cr_expect_eq(links_of(&m, "top"), 0);
	cr_expect_eq(links_of(&m, "src/ab/e"), 2, "src/ab is not inside src/a");
	userlinks_apply(&m, false);
	cr_expect_eq(links_of(&m, "x/y/z"), 0, "without --follow-symlinks");
	manifest_release(&m);
}
