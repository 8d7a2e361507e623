/*
 * The workspace's ledger of entries: what is kept across runs, what a
 * damaged file does, and that a placement is only replaced by another.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ledger.h"

#define HEAD "# githerd entries 1: created placed spec path\n"
#define SHA "0123456789abcdef0123456789abcdef01234567"

static int
parse(struct ledger *l, const char *text, char *warn, size_t len)
{
	ledger_init(l);
	return ledger_parse(l, text, strlen(text), warn, len);
}

Test(ledger, parses_formats_and_finds)
{
	struct ledger l;
	const struct ledger_entry *e;
	struct buf b = BUF_INIT;
	const char *text = HEAD
	    "1\trefs/heads/main\tdefault\talpha\n"
	    "0\t" SHA "\ttag:v1.0\tlibs/beta\n"
	    "1\t-\tdefault\tmirrors/m.git\n";
	char warn[256];

	cr_assert_eq(parse(&l, text, warn, sizeof(warn)), 0, "%s", warn);
	e = ledger_find(&l, "alpha");
	cr_assert_not_null(e);
	cr_expect(e->created);
	cr_expect_str_eq(e->placed, "refs/heads/main");
	cr_expect_str_eq(e->spec, "default");
	e = ledger_find(&l, "libs/beta");
	cr_assert_not_null(e);
	cr_expect_not(e->created);
	cr_expect_str_eq(e->placed, SHA);
	cr_expect_null(ledger_find(&l, "mirrors/m.git")->placed);
	cr_expect_null(ledger_find(&l, "gamma"));
	buf_init(&b);
	ledger_format(&l, &b);
	cr_expect_str_eq(b.data, text, "a round trip is byte for byte");
	buf_release(&b);
	ledger_release(&l);
}

Test(ledger, a_damaged_file_is_refused_whole)
{
	static const char *const bad[] = {
		"# something else\n",
		HEAD "2\trefs/heads/main\tdefault\talpha\n",	/* created */
		HEAD "1\trefs/tags/v1\tdefault\talpha\n",	/* not a branch */
		HEAD "1\t0123\tdefault\talpha\n",		/* short id */
		HEAD "1\trefs/heads/main\tdefault\t../out\n",	/* path */
		HEAD "1\trefs/heads/main\tdefault\n",		/* fields */
		HEAD "1\trefs/heads/main\tdefault\ta\tb\n",
	};
	struct ledger l;
	char warn[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_expect_eq(parse(&l, bad[i], warn, sizeof(warn)), -1,
		    "case %zu accepted", i);
		cr_expect_eq(l.n, 0);
		ledger_release(&l);
	}
}

Test(ledger, notes_keep_a_placement_until_a_new_one)
{
	struct ledger l;
	const struct ledger_entry *e;

	ledger_init(&l);
	ledger_note(&l, "b", "default", "refs/heads/main", true);
	ledger_note(&l, "a", "branch:dev", NULL, false);
	cr_assert_eq(l.n, 2);
	cr_expect_str_eq(l.v[0].path, "a", "kept sorted");
	/* kept or skipped: the record stays, created sticks */
	ledger_note(&l, "b", "branch:dev", NULL, false);
	e = ledger_find(&l, "b");
	cr_expect(e->created);
	cr_expect_str_eq(e->placed, "refs/heads/main");
	cr_expect_str_eq(e->spec, "default", "the spec of the placement");
	ledger_note(&l, "b", "branch:dev", "refs/heads/dev", false);
	cr_expect_str_eq(e->placed, "refs/heads/dev");
	cr_expect_str_eq(e->spec, "branch:dev");
	ledger_forget(&l, "a");
	cr_expect_eq(l.n, 1);
	cr_expect_null(ledger_find(&l, "a"));
	ledger_release(&l);
}

Test(ledger, only_sane_placements_are_recorded)
{
	cr_expect(ledger_placed_valid("refs/heads/main"));
	cr_expect(ledger_placed_valid(SHA));
	cr_expect_not(ledger_placed_valid("refs/heads/a\tb"));
	cr_expect_not(ledger_placed_valid("refs/heads/a\nb"));
	cr_expect_not(ledger_placed_valid("HEAD"));
	cr_expect_not(ledger_placed_valid("refs/heads/"));
}
