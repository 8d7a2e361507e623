/*
 * Manifest parsing and validation: every fixture under
 * tests/fixtures/manifests, and hostile inputs built on the fly.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "manifest.h"
#include "xmalloc.h"

#define FIXTURES "tests/fixtures/manifests"

static char *
slurp(const char *file)
{
	FILE *f = fopen(file, "r");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	cr_assert_not_null(f, "cannot open %s", file);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

static int
parse_text(struct manifest *m, struct diags *d, const char *text)
{
	diags_init(d);
	return manifest_parse(m, "t.yaml", text, strlen(text), d);
}

Test(manifest, githerd_format_every_key)
{
	struct manifest m;
	struct diags d;
	const struct repo_spec *r;

	diags_init(&d);
	cr_assert_eq(manifest_load(&m, FIXTURES "/valid/githerd.yaml", &d), 0);
	cr_assert_eq(m.format, MANIFEST_GITHERD);
	cr_assert_eq(m.nrepos, 7);

	r = &m.repos[0];
	cr_expect_str_eq(r->path, "alpha");
	cr_expect_eq(r->ref_kind, REF_DEFAULT);
	cr_expect_eq(r->depth, 1, "depth comes from defaults");
	cr_expect_eq(r->ngroups, 1);
	cr_expect_str_eq(r->groups[0], "core");
	cr_expect_eq(r->line, 11);
	cr_expect_eq(r->col, 5);
	cr_expect_eq(r->size_hint, 0, "no hint given");

	r = &m.repos[1];
	cr_expect_str_eq(r->path, "libs/beta");
	cr_expect_eq(r->ref_kind, REF_BRANCH);
	cr_expect_str_eq(r->ref, "dev");
	cr_expect_eq(r->depth, 0, "an entry overrides defaults");

	r = &m.repos[2];
	cr_expect_eq(r->ref_kind, REF_TAG);
	cr_expect_str_eq(r->ref, "v1.0");
	cr_expect_eq(r->size_hint, 150ULL << 20);
	cr_expect(r->submodules);
	cr_expect_eq(r->ngroups, 2, "entry groups replace default groups");
	cr_expect_str_eq(r->groups[1], "tools");

	r = &m.repos[3];
	cr_expect_eq(r->ref_kind, REF_COMMIT);
	cr_expect_str_eq(r->ref, "0123456789abcdef0123456789abcdef01234567",
	    "commit ids are lower-cased");

	r = &m.repos[4];
	cr_expect(r->mirror && r->bare, "mirror implies bare");
	cr_expect_str_eq(r->path, "mirror.git", "bare paths keep .git");

	r = &m.repos[5];
	cr_expect(r->bare && !r->mirror);
	cr_expect_str_eq(r->path, "bare.git");
	cr_expect_str_eq(r->url, "git@example.com:org/bare.git");

	r = &m.repos[6];
	cr_expect_str_eq(r->path, "näme with spaces");

	cr_assert_eq(m.nhosts, 2);
	cr_expect_str_eq(m.hosts[0].host, "example.com");
	cr_expect_eq(m.hosts[0].jobs, 4);
	cr_expect_str_eq(m.hosts[1].host, "git.example.com:8443",
	    "host names are lower-cased");
	cr_expect_eq(m.hosts[1].jobs, 2);
	manifest_release(&m);
	diags_release(&d);
}

Test(manifest, vcstool_format)
{
	struct manifest m;
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_load(&m, FIXTURES "/valid/vcstool.repos", &d), 0);
	cr_assert_eq(m.format, MANIFEST_VCSTOOL);
	cr_assert_eq(m.nrepos, 6);
	cr_expect_str_eq(m.repos[0].path, "src/alpha");
	cr_expect_null(m.repos[0].vcs_type, "git");
	cr_expect_eq(m.repos[0].ref_kind, REF_VERSION, "resolved remotely");
	cr_expect_str_eq(m.repos[0].ref, "main");
	cr_expect_eq(m.repos[1].ref_kind, REF_COMMIT);
	cr_expect_eq(m.repos[2].ref_kind, REF_DEFAULT);
	cr_expect_str_eq(m.repos[3].ref, "1.2.0", "a number-looking version is text");
	/* another type is kept as written, for the commands to list */
	cr_expect_str_eq(m.repos[4].vcs_type, "svn");
	cr_expect_str_eq(m.repos[4].url, "svn://svn.example.com/legacy/trunk",
	    "a URL githerd would refuse, never used");
	cr_expect_str_eq(m.repos[4].ref, "1234");
	cr_expect_str_eq(m.repos[5].vcs_type, "hg");
	cr_expect_null(m.repos[5].ref);
	manifest_release(&m);
	diags_release(&d);
}

/* The examples shipped in manifests/ must stay valid. */
Test(manifest, shipped_examples_are_valid)
{
	static const char *const files[] = {
		"manifests/example.yaml", "manifests/example.repos",
	};
	struct manifest m;
	struct diags d;
	char *text;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		diags_init(&d);
		cr_expect_eq(manifest_load(&m, files[i], &d), 0, "%s", files[i]);
		text = diags_format(&d);
		cr_expect_str_eq(text, "", "%s", files[i]);
		cr_expect_gt(m.nrepos, 0);
		free(text);
		manifest_release(&m);
		diags_release(&d);
	}
}

Test(manifest, empty_repo_list_is_valid)
{
	struct manifest m;
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_load(&m, FIXTURES "/valid/empty-repos.yaml", &d), 0);
	cr_expect_eq(m.nrepos, 0);
	manifest_release(&m);
	diags_release(&d);
}

/* Each invalid fixture fails with exactly the errors in its .err file. */
Test(manifest, invalid_fixtures_report_every_error)
{
	DIR *dir;
	struct dirent *de;
	int checked = 0;

	cr_assert_eq(chdir(FIXTURES "/invalid"), 0);
	dir = opendir(".");
	cr_assert_not_null(dir);
	while ((de = readdir(dir)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		struct manifest m;
		struct diags d;
		char *errfile, *want, *got;

		if (dot == NULL || (strcmp(dot, ".yaml") != 0 &&
		    strcmp(dot, ".repos") != 0))
			continue;
		diags_init(&d);
		cr_expect_eq(manifest_load(&m, de->d_name, &d), -1,
		    "%s should be rejected", de->d_name);
		errfile = xasprintf("%.*s.err", (int)(dot - de->d_name),
		    de->d_name);
		want = slurp(errfile);
		got = diags_format(&d);
		cr_expect_str_eq(got, want, "%s: diagnostics differ", de->d_name);
		cr_expect_eq(m.nrepos, 0, "%s: nothing kept", de->d_name);
		free(errfile);
		free(want);
		free(got);
		manifest_release(&m);
		diags_release(&d);
		checked++;
	}
	closedir(dir);
	cr_expect_geq(checked, 24, "only %d fixtures found", checked);
}

Test(manifest, deep_nesting_is_refused_quickly)
{
	struct manifest m;
	struct diags d;
	size_t n = 100000, i;
	char *text = xmalloc(2 * n + 1);

	for (i = 0; i < n; i++) {
		text[i] = '[';
		text[n + i] = ']';
	}
	text[2 * n] = '\0';
	diags_init(&d);
	cr_expect_eq(manifest_parse(&m, "deep.yaml", text, 2 * n, &d), -1);
	cr_assert_eq(d.n, 1);
	cr_expect(strstr(d.v[0].msg, "nesting") != NULL, "%s", d.v[0].msg);
	cr_expect_eq(d.v[0].line, 1);
	manifest_release(&m);
	diags_release(&d);
	free(text);
}

Test(manifest, huge_scalar_is_refused)
{
	struct manifest m;
	struct diags d;
	size_t n = 5 << 20;
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_addstr(&b, "repos:\n  - url: https://example.com/");
	buf_grow(&b, n);
	memset(b.data + b.len, 'a', n);
	b.len += n;
	b.data[b.len] = '\0';
	buf_addstr(&b, ".git\n");
	diags_init(&d);
	cr_expect_eq(manifest_parse(&m, "huge.yaml", b.data, b.len, &d), -1);
	cr_assert_eq(d.n, 1);
	cr_expect_str_eq(d.v[0].msg, "value is too long");
	cr_expect_eq(d.v[0].line, 2);
	cr_expect_eq(d.v[0].col, 10);
	manifest_release(&m);
	diags_release(&d);
	buf_release(&b);
}

Test(manifest, oversized_file_is_refused_before_parsing)
{
	char path[] = "/tmp/githerd-big-XXXXXX";
	int fd = mkstemp(path);
	struct manifest m;
	struct diags d;
	char block[65536];
	size_t i;

	cr_assert_neq(fd, -1);
	memset(block, '#', sizeof(block));
	for (i = 0; i <= MANIFEST_MAX_BYTES / sizeof(block); i++)
		cr_assert_eq(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
	close(fd);
	diags_init(&d);
	cr_expect_eq(manifest_load(&m, path, &d), -1);
	cr_assert_eq(d.n, 1);
	cr_expect(strstr(d.v[0].msg, "larger than") != NULL, "%s", d.v[0].msg);
	unlink(path);
	manifest_release(&m);
	diags_release(&d);
}

Test(manifest, invalid_utf8_and_nul)
{
	struct manifest m;
	struct diags d;
	static const char bad[] = "repos:\n  - url: \"https://e.com/\xff\"\n";
	static const char nul[] = "repos:\n  - url: \"https://e.com/a\\0b\"\n";

	cr_expect_eq(parse_text(&m, &d, bad), -1);
	cr_expect(d.n == 1 && strstr(d.v[0].msg, "YAML syntax") != NULL);
	manifest_release(&m);
	diags_release(&d);
	cr_expect_eq(parse_text(&m, &d, nul), -1);
	cr_expect(d.n == 1 && strstr(d.v[0].msg, "NUL") != NULL);
	manifest_release(&m);
	diags_release(&d);
}

Test(manifest, ten_thousand_entries)
{
	struct manifest m;
	struct diags d;
	struct buf b = BUF_INIT;
	int i;

	buf_init(&b);
	buf_addstr(&b, "repos:\n");
	for (i = 0; i < 10000; i++)
		buf_addf(&b, "  - url: https://example.com/org/r%05d.git\n", i);
	cr_assert_eq(parse_text(&m, &d, b.data), 0);
	cr_expect_eq(m.nrepos, 10000);
	cr_expect_str_eq(m.repos[9999].path, "r09999");
	manifest_release(&m);
	diags_release(&d);
	buf_release(&b);
}

Test(manifest, defaults_ref_is_overridden_by_entry_ref)
{
	struct manifest m;
	struct diags d;

	cr_assert_eq(parse_text(&m, &d, "defaults:\n  branch: main\n"
	    "repos:\n  - url: https://e.com/a.git\n    tag: v1\n"
	    "  - url: https://e.com/b.git\n"), 0);
	cr_expect_eq(m.repos[0].ref_kind, REF_TAG);
	cr_expect_eq(m.repos[1].ref_kind, REF_BRANCH);
	cr_expect_str_eq(m.repos[1].ref, "main");
	manifest_release(&m);
	diags_release(&d);
}

Test(manifest, missing_file)
{
	struct manifest m;
	struct diags d;
	char *text;

	diags_init(&d);
	cr_expect_eq(manifest_load(&m, "/nonexistent/m.yaml", &d), -1);
	text = diags_format(&d);
	cr_expect_str_eq(text, "/nonexistent/m.yaml: cannot open manifest: "
	    "No such file or directory\n");
	free(text);
	manifest_release(&m);
	diags_release(&d);
}

/* vcstool lets entries nest: each learns its outer and inner entries. */
Test(manifest, nested_entries_know_each_other)
{
	static const char text[] =
	    "repositories:\n"
	    "  src/a/x/deep:\n    type: git\n    url: https://e.com/d.git\n"
	    "  src/a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  src/a/b:\n    type: git\n    url: https://e.com/b.git\n"
	    "  src/a-b:\n    type: git\n    url: https://e.com/ab.git\n"
	    "  src/a/b/c:\n    type: svn\n    url: https://e.com/c\n";
	struct manifest m;
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "n.repos", text, strlen(text), &d), 0);
	cr_expect_str_eq(m.repos[0].outer, "src/a", "the nearest outer entry");
	cr_expect_null(m.repos[1].outer);
	cr_expect_str_eq(m.repos[1].inner, "b\nx/deep", "direct inner ones only");
	cr_expect_str_eq(m.repos[2].outer, "src/a");
	cr_expect_str_eq(m.repos[2].inner, "c");
	cr_expect_null(m.repos[3].outer, "src/a-b is beside src/a");
	cr_expect_null(m.repos[3].inner);
	cr_expect_str_eq(m.repos[4].outer, "src/a/b");
	manifest_release(&m);
	diags_release(&d);
}
