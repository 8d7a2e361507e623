/*
 * The import cache: files put together from a worker's pieces, the caps
 * on them, and the cache on disk and back, hostile bytes and all.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importcache.h"
#include "scratch.h"
#include "xmalloc.h"

TestSuite(importcache, .init = scratch_init, .fini = scratch_fini);

#define COMMIT	"0123456789abcdef0123456789abcdef01234567"

static int
take(struct import_set *s, const char *path, const char *data,
    enum file_status st, bool more)
{
	struct msg_file f;
	char err[200];

	memset(&f, 0, sizeof(f));
	f.commit = (char *)COMMIT;
	f.path = (char *)path;
	f.data = (char *)data;
	f.status = (uint8_t)st;
	f.more = more;
	return import_set_take(s, &f, err, sizeof(err));
}

Test(importcache, pieces_make_files_and_statuses_stay)
{
	struct import_set s;
	const struct import_file *f;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(take(&s, "west.yml", "manifest:\n", FILE_OK, true), 0);
	cr_assert_eq(take(&s, "west.yml", "  projects: []\n", FILE_OK, false),
	    0);
	cr_assert_eq(take(&s, "sub", NULL, FILE_MISSING, false), 0);
	cr_assert_eq(take(&s, "empty.yml", NULL, FILE_OK, false), 0);
	cr_assert_eq(s.nfiles, 3);
	cr_assert_str_eq(s.commit, COMMIT);
	f = import_set_file(&s, "west.yml");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->text, "manifest:\n  projects: []\n");
	f = import_set_file(&s, "sub");
	cr_expect_null(f->text);
	cr_expect_eq(f->status, FILE_MISSING);
	cr_expect_str_eq(import_set_file(&s, "empty.yml")->text, "");
	cr_expect_null(import_set_file(&s, "other"));
	import_set_release(&s);
}

Test(importcache, a_file_cut_short_or_too_many_are_refused)
{
	struct import_set s;
	char name[32];
	int i;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(take(&s, "a.yml", "x", FILE_OK, true), 0);
	cr_expect_eq(take(&s, "b.yml", "y", FILE_OK, false), -1);
	import_set_release(&s);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < MSG_FILE_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%d.yml", i);
		cr_assert_eq(take(&s, name, "x", FILE_OK, false), 0);
	}
	cr_expect_eq(take(&s, "one-more.yml", "x", FILE_OK, false), -1);
	import_set_release(&s);
}

Test(importcache, a_file_over_the_cap_is_refused)
{
	struct import_set s;
	char *piece = xcalloc(MSG_FILE_CHUNK + 1, 1);
	size_t sent = 0;
	int rc = 0;

	memset(piece, 'a', MSG_FILE_CHUNK);
	memset(&s, 0, sizeof(s));
	while (rc == 0 && sent <= MSG_FILE_MAX_BYTES) {
		rc = take(&s, "big.yml", piece, FILE_OK, true);
		sent += MSG_FILE_CHUNK;
	}
	cr_expect_eq(rc, -1);
	cr_expect(sent > MSG_FILE_MAX_BYTES);
	import_set_release(&s);
	free(piece);
}

Test(importcache, saved_and_loaded_as_it_was)
{
	struct import_cache c, back;
	struct import_set s;
	const struct import_set *got;
	char *file = scratch_at("imports"), err[600];

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	/* Line breaks, lengths that look like fields: nothing to escape. */
	take(&s, "west.yml", "3\nset\n\n12\nfile\n", FILE_OK, false);
	take(&s, "gone.yml", NULL, FILE_MISSING, false);
	import_cache_put(&c, "https://h/z.git", "main", &s);
	import_cache_put(&c, "https://h/z.git", "v1", &s);
	import_cache_put(&c, "https://h/z.git", "main", &s);	/* replaced */
	import_set_release(&s);
	cr_assert_eq(c.nsets, 2);
	cr_assert_eq(import_cache_save(&c, file, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(import_cache_load(&back, file, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(back.nsets, 2);
	got = import_cache_find(&back, "https://h/z.git", "v1");
	cr_assert_not_null(got);
	cr_expect_str_eq(got->commit, COMMIT);
	cr_assert_eq(got->nfiles, 2);
	cr_expect_str_eq(import_set_file(got, "west.yml")->text,
	    "3\nset\n\n12\nfile\n");
	cr_expect_null(import_set_file(got, "gone.yml")->text);
	cr_expect_null(import_cache_find(&back, "https://h/z.git", "v2"));
	import_cache_release(&c);
	import_cache_release(&back);
	free(file);
}

Test(importcache, a_missing_file_is_empty_and_garbage_refused)
{
	struct import_cache c;
	char *file = scratch_at("imports"), err[600];

	cr_expect_eq(import_cache_load(&c, file, err, sizeof(err)), 0);
	cr_expect_eq(c.nsets, 0);
	scratch_put("imports", "# githerd imports 1\n3\nset\n999\nshort\n");
	cr_expect_eq(import_cache_load(&c, file, err, sizeof(err)), -1);
	cr_expect(strstr(err, "not githerd's import cache") != NULL, "%s", err);
	scratch_put("imports", "something else\n");
	cr_expect_eq(import_cache_load(&c, file, err, sizeof(err)), -1);
	free(file);
}

/* Hand-made files: each refused whole, none read in part. */
Test(importcache, a_hand_made_file_is_refused_whole)
{
	static const char *const bad[] = {
		"3\nset\n+1\nu\n0\n\n0\n\n",		/* a sign */
		"3\nset\n 1\nu\n0\n\n0\n\n",		/* a blank */
		"3\nset\n-1\nu\n0\n\n0\n\n",
		"3\nset\n1\nu\n0\n\n18446744073709551617\n\n",
		"3\nset\n1\nu\n0\n\n0\n\n4\nfile\n3\na\0b\n0\n0\n\n",
		"3\nset\n1\nu\n0\n\n0\n\n4\nfile\n1\na\n1x\n0\n\n",
		"3\nset\n1\nu\n0\n\n0\n\n4\nfile\n1\na\n99\n0\n\n",
		"3\nset\n1\nu\n0\n\n0\n\n4\nfile\n1\na\n0\n5\nab\n",
		"3\nset\n1\nu\n0\n\n0",
	};
	static const size_t len[] = { 0, 0, 0, 0, 34, 0, 0, 0, 0 };
	struct import_cache c;
	char *file = scratch_at("imports"), err[600];
	FILE *f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_not_null(f = fopen(file, "w"));
		fputs("# githerd imports 1\n", f);
		fwrite(bad[i], 1, len[i] ? len[i] : strlen(bad[i]), f);
		fclose(f);
		cr_expect_eq(import_cache_load(&c, file, err, sizeof(err)), -1,
		    "accepted #%zu", i);
	}
	free(file);
}

/* A cache of many small files is read in linear time (200,000 files here: sscanf took 30 s). */
Test(importcache, many_small_files_load_at_once, .timeout = 10)
{
	struct import_cache c, back;
	struct import_set s;
	char *file = scratch_at("imports"), err[600], path[32];

	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 4000; i++) {
		memset(&s, 0, sizeof(s));
		for (int k = 0; k < 50; k++) {
			snprintf(path, sizeof(path), "f%02d.yml", k);
			cr_assert_eq(take(&s, path, "x", FILE_OK, false), 0);
		}
		snprintf(path, sizeof(path), "r%04d", i);
		import_cache_put(&c, "https://h/z.git", path, &s);
		import_set_release(&s);
	}
	cr_assert_eq(import_cache_save(&c, file, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(import_cache_load(&back, file, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_eq(back.nsets, 4000);
	cr_expect_eq(back.sets[3999].nfiles, 50);
	import_cache_release(&c);
	import_cache_release(&back);
	free(file);
}

Test(importcache, a_commit_that_is_not_an_id_is_refused)
{
	struct import_set s;
	struct msg_file f;
	char err[200];

	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	f.commit = (char *)"\x1b[2Jdeadbeef";
	f.path = (char *)"west.yml";
	f.status = FILE_MISSING;
	cr_expect_eq(import_set_take(&s, &f, err, sizeof(err)), -1);
	f.commit = (char *)"";
	cr_expect_eq(import_set_take(&s, &f, err, sizeof(err)), -1);
	cr_expect_eq(s.nfiles, 0);
	import_set_release(&s);
}
