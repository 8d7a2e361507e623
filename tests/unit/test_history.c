/*
 * The history file: what is kept, what a damaged file does, and that the
 * newest measurement of each kind wins.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "history.h"

#define HEAD "# githerd history 1: clone_ms clone_bytes update_ms path\n"

static int
parse(struct history *h, const char *text, char *warn, size_t len)
{
	history_init(h);
	return history_parse(h, text, strlen(text), warn, len);
}

Test(history, parses_and_finds)
{
	struct history h;
	const struct history_entry *e;
	char warn[256];

	cr_assert_eq(parse(&h, HEAD "1200\t5000000\t30\tbig\n-1\t0\t8\tlibs/small\n",
	    warn, sizeof(warn)), 0, "%s", warn);
	e = history_find(&h, "big");
	cr_assert_not_null(e);
	cr_expect_eq(e->clone_ms, 1200);
	cr_expect_eq(e->clone_bytes, 5000000);
	cr_expect_eq(e->update_ms, 30);
	e = history_find(&h, "libs/small");
	cr_assert_not_null(e);
	cr_expect_eq(e->clone_ms, -1, "never cloned by githerd");
	cr_expect_null(history_find(&h, "other"));
	history_release(&h);
}

Test(history, damaged_files_are_refused_whole)
{
	static const char *const bad[] = {
		"",
		"not a history\n",
		HEAD "12\t34\n",
		HEAD "x\t1\t2\tp\n",
		HEAD "1\t2\t3\t\n",
		HEAD "1\t2\t3\t../escape\n",
		HEAD "1\t2\t3\t/abs\n",
		HEAD "-2\t2\t3\tp\n",
		HEAD "99999999999999999999\t2\t3\tp\n",
		HEAD "1\t2\t3\tok\n1\t2\tp\n",
	};
	struct history h;
	char warn[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		warn[0] = '\0';
		cr_expect_eq(parse(&h, bad[i], warn, sizeof(warn)), -1,
		    "case %zu accepted", i);
		cr_expect(warn[0] != '\0', "case %zu: no reason", i);
		cr_expect_eq(h.n, 0, "case %zu: something was kept", i);
		history_release(&h);
	}
}

Test(history, newest_measurement_of_each_kind_wins)
{
	struct history h;
	const struct history_entry *e;
	char warn[256];

	cr_assert_eq(parse(&h, HEAD "100\t10\t5\ta\n", warn, sizeof(warn)), 0);
	history_note(&h, "a", false, 7, 0);	/* an update: clone kept */
	history_note(&h, "b", true, 300, 999);
	history_note(&h, "b", true, 250, 1000);
	e = history_find(&h, "a");
	cr_expect_eq(e->clone_ms, 100);
	cr_expect_eq(e->update_ms, 7);
	e = history_find(&h, "b");
	cr_expect_eq(e->clone_ms, 250);
	cr_expect_eq(e->clone_bytes, 1000);
	cr_expect_eq(e->update_ms, -1);
	cr_expect_eq(h.n, 2);
	history_release(&h);
}

Test(history, save_and_load_round_trip)
{
	struct history h, back;
	char dir[] = "/tmp/githerd-history.XXXXXX", file[64], warn[256];
	struct buf a = BUF_INIT, b = BUF_INIT;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/history", dir);
	history_init(&h);
	cr_expect_eq(history_load(&h, file, warn, sizeof(warn)), 0,
	    "a missing file is an empty history");
	history_note(&h, "z/last", true, 5, 6);
	history_note(&h, "a first", false, 3, 0);
	cr_assert_eq(history_save(&h, file, warn, sizeof(warn)), 0, "%s", warn);
	cr_assert_eq(history_load(&back, file, warn, sizeof(warn)), 0, "%s", warn);
	buf_init(&a);
	buf_init(&b);
	history_format(&h, &a);
	history_format(&back, &b);
	cr_expect_str_eq(a.data, b.data);
	cr_expect_str_eq(a.data, HEAD "-1\t0\t3\ta first\n5\t6\t-1\tz/last\n");
	buf_release(&a);
	buf_release(&b);
	history_release(&h);
	history_release(&back);
	unlink(file);
	rmdir(dir);
}

/* The timings by URL: their own header, URL keys, no credential in them. */
Test(history, timings_by_url)
{
	struct history h, back;
	char warn[256], *key = history_url_key("https://bob:s3cret@Example.COM/a/b.git");
	struct buf a = BUF_INIT;
	const char *wrong = HEAD "1\t2\t3\tx\n";

	cr_expect_null(strstr(key, "s3cret"), "%s", key);
	cr_expect_not_null(strstr(key, "example.com/a/b"), "%s", key);
	history_init_urls(&h);
	history_note(&h, key, true, 700, 9000);
	history_note(&h, "git://h/c", false, 30, 0);
	buf_init(&a);
	history_format(&h, &a);
	cr_expect_eq(strncmp(a.data, "# githerd timings 1:", 20), 0, "%s", a.data);
	history_init_urls(&back);
	cr_assert_eq(history_parse(&back, a.data, a.len, warn, sizeof(warn)), 0,
	    "%s", warn);
	cr_expect_eq(history_find(&back, key)->clone_ms, 700);
	cr_expect_eq(history_find(&back, "git://h/c")->update_ms, 30);
	history_release(&back);
	/* a workspace's history is not a timings file, nor the reverse */
	history_init_urls(&back);
	cr_expect_eq(history_parse(&back, wrong, strlen(wrong), warn,
	    sizeof(warn)), -1);
	cr_expect_str_eq(warn, "line 1: not a githerd timings file");
	history_init(&back);
	cr_expect_eq(history_parse(&back, a.data, a.len, warn, sizeof(warn)), -1);
	history_release(&back);
	buf_release(&a);
	history_release(&h);
	free(key);
}
