/*
 * --depth, --shallow, --recursive and --no-recursive over the manifest's
 * keys: every entry they can apply to takes them; mirrors and bare
 * clones keep what they cannot take, and the note names them.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "override.h"

static const char text[] =
    "repos:\n"
    "  - url: https://example.com/a.git\n"
    "    depth: 5\n"
    "  - url: https://example.com/b.git\n"
    "    submodules: true\n"
    "  - url: https://example.com/m.git\n"
    "    mirror: true\n"
    "  - url: https://example.com/c.git\n"
    "    bare: true\n";

/* The manifest above with the overrides applied; what they noted in note. */
static void
apply(struct manifest *m, unsigned long depth, bool shallow, int recursive,
    struct buf *note)
{
	struct diags d;
	struct cli c;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "m.yaml", text, strlen(text), &d), 0);
	diags_release(&d);
	memset(&c, 0, sizeof(c));
	c.depth = depth;
	c.shallow = shallow;
	c.recursive = recursive;
	buf_init(note);
	override_apply(m, &c, note);
}

Test(override, nothing_asked_changes_nothing)
{
	struct manifest m;
	struct buf note = BUF_INIT;

	apply(&m, CLI_DEPTH_UNSET, false, 0, &note);
	cr_expect_eq(m.repos[0].depth, 5);
	cr_expect(m.repos[1].submodules);
	cr_expect_eq(note.len, 0);
	buf_release(&note);
	manifest_release(&m);
}

Test(override, shallow_and_recursive_reach_every_entry_that_can_take_them)
{
	struct manifest m;
	struct buf note = BUF_INIT;

	apply(&m, 1, true, 1, &note);
	cr_expect_eq(m.repos[0].depth, 1, "over the entry's depth: 5");
	cr_expect_eq(m.repos[1].depth, 1);
	cr_expect_eq(m.repos[2].depth, 0, "a mirror stays whole");
	cr_expect_eq(m.repos[3].depth, 1, "a bare clone may be shallow");
	cr_expect(m.repos[0].submodules);
	cr_expect(!m.repos[2].submodules && !m.repos[3].submodules,
	    "no work tree, no submodules");
	cr_expect(strstr(note.data, "--shallow does not apply to 1 mirror "
	    "(a mirror takes every ref with its whole history): m.git") != NULL,
	    "%s", note.data);
	cr_expect(strstr(note.data, "--recursive does not apply to 2 bare "
	    "clones (submodules need a work tree): m.git, c.git") != NULL,
	    "%s", note.data);
	buf_release(&note);
	manifest_release(&m);
}

Test(override, full_history_and_no_submodules)
{
	struct manifest m;
	struct buf note = BUF_INIT;

	apply(&m, 0, false, -1, &note);
	cr_expect_eq(m.repos[0].depth, 0, "--depth 0 over depth: 5");
	cr_expect(!m.repos[1].submodules, "--no-recursive over submodules");
	cr_expect_eq(note.len, 0, "%s", note.data);
	buf_release(&note);
	manifest_release(&m);
}
