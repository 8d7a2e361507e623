/*
 * west.yml: every key, every error with its line and column, imports
 * from an import cache built here (struct import_cache is plain data)
 * and beside the manifest (self: import:), filters, path-prefix, cycles,
 * the depth limit and inactive groups.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diags.h"
#include "importcache.h"
#include "manifest.h"
#include "scratch.h"
#include "westimport.h"
#include "xmalloc.h"

#define FIXTURE "tests/fixtures/manifests/west/west.yml"

TestSuite(west, .init = scratch_init, .fini = scratch_fini);

/* A cache of up to 8 sets of one file each, as a worker fills it. */
struct cache {
	struct import_cache	c;
	struct import_set	sets[8];
	struct import_file	files[8];
};

static void
cache_add(struct cache *k, const char *url, const char *rev,
    const char *path, const char *text)
{
	struct import_set *s = &k->sets[k->c.nsets];
	struct import_file *f = &k->files[k->c.nsets];

	f->path = (char *)path;
	f->text = (char *)text;
	f->len = text ? strlen(text) : 0;
	s->url = (char *)url;
	s->rev = (char *)rev;
	s->commit = (char *)"0000000000000000000000000000000000000000";
	s->files = f;
	s->nfiles = 1;
	k->c.sets = k->sets;
	k->c.nsets++;
}

static int
load(struct manifest *m, struct diags *d, const char *file,
    const struct cache *k)
{
	diags_init(d);
	return manifest_load_imports(m, file, 0, k ? &k->c : NULL, d);
}

/* Write text as a manifest in the scratch directory and load it. */
static int
load_text(struct manifest *m, struct diags *d, const char *text,
    const struct cache *k)
{
	char *file;
	int rc;

	scratch_put("west.yml", text);
	file = scratch_at("west.yml");
	rc = load(m, d, file, k);
	free(file);
	return rc;
}

/* The errors, without the scratch directory's name. */
static char *
errors(const struct diags *d)
{
	return scratch_unrooted(diags_format(d));
}

static void
expect_error(const char *text, const char *want)
{
	struct manifest m;
	struct diags d;
	char *got;

	cr_assert_eq(load_text(&m, &d, text, NULL), -1, "accepted:\n%s", text);
	got = errors(&d);
	cr_expect(strstr(got, want) != NULL, "want '%s' in:\n%s", want, got);
	free(got);
	diags_release(&d);
	manifest_release(&m);
}

static const struct repo_spec *
by_name(const struct manifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		if (strcmp(m->repos[i].name, name) == 0)
			return &m->repos[i];
	cr_assert_fail("no project %s", name);
	return NULL;
}

static const char nrf_yml[] =
	"manifest:\n"
	"  remotes:\n"
	"    - {name: ncs, url-base: https://git.example.com/ncs}\n"
	"  defaults: {remote: ncs, revision: v2.7.0}\n"
	"  projects:\n"
	"    - name: nrfxlib\n"
	"      path: nrf/nrfxlib\n"
	"    - name: zephyr-sdk-tools\n"
	"    - name: left-out\n"
	"    - name: cmsis\n";
static const char hal_yml[] =
	"manifest:\n"
	"  projects:\n"
	"    - name: cmsis\n"
	"      url: https://elsewhere.example.com/cmsis\n"
	"    - name: level2\n"
	"      url: https://git.example.com/level2\n"
	"      revision: main\n"
	"      import: true\n";
static const char level2_yml[] =
	"manifest:\n"
	"  projects:\n"
	"    - name: deep\n"
	"      url: https://git.example.com/deep\n"
	"      path: deep/down\n";

static void
zephyr_cache(struct cache *k)
{
	memset(k, 0, sizeof(*k));
	cache_add(k, "https://git.example.com/vendor/nrf", "v2.7.0",
	    "west.yml", nrf_yml);
	cache_add(k, "https://git.example.com/vendor/hal_imported", "v1.0",
	    "west.yml", hal_yml);
	cache_add(k, "https://git.example.com/level2", "main", "west.yml",
	    level2_yml);
}

Test(west, zephyr_shaped_fixture_every_key)
{
	static const char *const order[] = {
		"extra", "canopennode", "cmsis", "hal_nordic", "mcuboot",
		"mbedtls", "bsim", "segger", "trusted-firmware-m",
		"vendor-blobs", "nrf", "hal_imported", "nrfxlib",
		"zephyr-sdk-tools", "level2", "deep",
	};
	struct manifest m;
	struct diags d;
	struct cache k;
	const struct repo_spec *r;
	size_t i;

	zephyr_cache(&k);
	cr_assert_eq(load(&m, &d, FIXTURE, &k), 0, "%s", diags_format(&d));
	cr_expect_eq(m.format, MANIFEST_WEST);
	cr_expect_eq(m.nneeds, 0);
	cr_assert_eq(m.nrepos, 16);
	for (i = 0; i < 16; i++)
		cr_expect_str_eq(m.repos[i].name, order[i]);

	r = by_name(&m, "cmsis");
	cr_expect_str_eq(r->url, "https://github.com/zephyrproject-rtos/cmsis");
	cr_expect_str_eq(r->path, "modules/hal/cmsis");
	cr_expect_eq(r->ref_kind, REF_COMMIT);
	cr_expect_str_eq(r->remote, "upstream");
	cr_expect_eq(r->line, 18);
	cr_expect_eq(r->col, 7);
	cr_expect(!r->inactive);
	r = by_name(&m, "mcuboot");
	cr_expect_eq(r->ref_kind, REF_VERSION);
	cr_expect_str_eq(r->ref, "pull/104/head");
	r = by_name(&m, "mbedtls");
	cr_expect_eq(r->depth, 1);
	cr_expect(r->submodules);
	cr_expect_null(r->submodule_paths);
	cr_expect_str_eq(r->ref, "v3.6.0");
	r = by_name(&m, "bsim");
	cr_expect_str_eq(r->url, "https://github.com/BabbleSim/base",
	    "repo-path, not the name");
	cr_expect_str_eq(r->ref, "main", "the defaults' revision");
	cr_expect(r->inactive, "babblesim is filtered out");
	cr_expect(!by_name(&m, "segger")->inactive, "debug is still on");
	/* A full ref names its tag (the worker checks it out detached). */
	cr_expect_str_eq(by_name(&m, "segger")->ref, "v3.52");
	cr_expect_eq(by_name(&m, "segger")->ref_kind, REF_TAG);
	cr_expect(by_name(&m, "canopennode")->inactive);
	cr_expect_str_eq(by_name(&m, "trusted-firmware-m")->url,
	    "https://git.trustedfirmware.org/TF-M/trusted-firmware-m.git");
	cr_expect_null(by_name(&m, "trusted-firmware-m")->remote);
	r = by_name(&m, "nrf");
	cr_expect_str_eq(r->path, "nrf", "path defaults to the name");
	cr_expect_not_null(r->import);
	/* imported: the allowlist, the importing file's defaults */
	r = by_name(&m, "nrfxlib");
	cr_expect_str_eq(r->url, "https://git.example.com/ncs/nrfxlib");
	cr_expect_str_eq(r->ref, "v2.7.0");
	cr_expect_str_eq(r->path, "nrf/nrfxlib");
	cr_expect_str_eq(by_name(&m, "cmsis")->url,
	    "https://github.com/zephyrproject-rtos/cmsis", "first one wins");
	cr_expect_str_eq(by_name(&m, "deep")->path, "deep/down");
	cr_expect_str_eq(by_name(&m, "extra")->ref, "stable");
	diags_release(&d);
	manifest_release(&m);
}

Test(west, an_import_the_cache_lacks_is_needed)
{
	struct manifest m;
	struct diags d;
	struct cache k;
	char *req;

	cr_assert_eq(load(&m, &d, FIXTURE, NULL), 0, "%s", diags_format(&d));
	cr_assert_eq(m.nneeds, 2);
	cr_expect_str_eq(m.repos[m.needs[0]].name, "nrf");
	cr_expect_str_eq(m.repos[m.needs[1]].name, "hal_imported");
	cr_expect_eq(m.nrepos, 12, "nothing brought in from them");
	req = west_import_request(m.repos[m.needs[0]].import);
	cr_expect_str_eq(req, "west.yml");
	free(req);
	manifest_release(&m);
	diags_release(&d);

	/* one level answered: the next level is needed */
	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://git.example.com/vendor/hal_imported", "v1.0",
	    "west.yml", hal_yml);
	cr_assert_eq(load(&m, &d, FIXTURE, &k), 0, "%s", diags_format(&d));
	cr_assert_eq(m.nneeds, 2);
	cr_expect_str_eq(m.repos[m.needs[1]].name, "level2");
	manifest_release(&m);
	diags_release(&d);
}

Test(west, import_request_lists_every_path)
{
	struct manifest m;
	struct diags d;
	char *req;

	cr_assert_eq(load_text(&m, &d,
	    "manifest:\n"
	    "  projects:\n"
	    "    - name: a\n"
	    "      url: https://h.example.com/a\n"
	    "      import: [one.yml, {file: sub, path-prefix: p}, true]\n",
	    NULL), 0);
	req = west_import_request(m.repos[0].import);
	cr_expect_str_eq(req, "one.yml\nsub\nwest.yml");
	free(req);
	cr_expect_str_eq(m.repos[0].path, "a", "a list's prefix moves no project");
	manifest_release(&m);
	diags_release(&d);
}

Test(west, errors_with_line_and_column)
{
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      clone-dpth: 1\n",
	    "west.yml:5:7: unknown key 'clone-dpth' in a west project (did "
	    "you mean 'clone-depth'?)");
	expect_error("manifest:\n  remotes:\n    - {name: r, url-base: "
	    "https://h.example.com}\n  projects:\n    - name: a\n      "
	    "remote: r\n      url: https://h.example.com/a\n",
	    "west.yml:7:12: project 'a' has both 'remote' and 'url'");
	expect_error("manifest:\n  projects:\n    - name: a\n      remote: "
	    "nowhere\n", "west.yml:4:15: project 'a': remote 'nowhere' is "
	    "not defined");
	expect_error("manifest:\n  projects:\n    - name: a\n",
	    "west.yml:3:13: project 'a' has no 'remote' or 'url'");
	expect_error("manifest:\n  projects:\n    - name: manifest\n      url: "
	    "https://h.example.com/m\n", "west.yml:3:13: no project can be "
	    "named 'manifest'");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n    - name: a\n      url: "
	    "https://h.example.com/b\n      path: b\n",
	    "west.yml:5:13: project name 'a' is used twice");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n    - name: b\n      url: "
	    "https://h.example.com/b\n      path: a\n",
	    "west.yml:5:7: project 'b' path 'a' is taken by project 'a'");
	expect_error("manifest:\n  version: \"1.3\"\n",
	    "west.yml:2:12: this manifest needs west schema 1.3");
	expect_error("manifest:\n  version: 0.10\n",
	    "west.yml:2:12: invalid version '0.1'");
	expect_error("manifest:\n  defaults:\n    remote: r\n",
	    "west.yml:3:13: default remote 'r' is not defined");
	expect_error("manifest:\n  group-filter: [optional]\n",
	    "west.yml:2:18: group filter item 'optional' must be +group");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      groups: [x]\n      import: true\n",
	    "west.yml:5:15: project 'a': 'groups' cannot be combined");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      revision: a..b\n",
	    "west.yml:5:17: project 'a': revision 'a..b' contains '..'");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      path: ../out\n",
	    "west.yml:5:13: path '../out' has a '..' component");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      import: {file: w.yml, "
	    "path-prefix: ../..}\n", "path '../../a' has a '..' component");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      import: {fil: w.yml}\n",
	    "west.yml:5:16: unknown key 'fil' in an import map (did you mean "
	    "'file'?)");
	expect_error("manifest:\n  projects:\n    - name: a\n      url: "
	    "https://h.example.com/a\n      submodules: [{name: x}]\n",
	    "west.yml:5:20: project 'a': a submodule is a mapping with "
	    "'path'");
	expect_error("manifest:\n  self:\n    import: true\n",
	    "west.yml:3:13: self: 'import: true' of a boolean");
	expect_error("manifest:\n  self:\n    import: nothing.yml\n",
	    "west.yml:3:13: self: import: nothing.yml: file not found");
	expect_error("manifest:\n  projects: {}\n",
	    "west.yml:2:13: 'projects' must be a list");
	expect_error("manifest: {}\nextra: 1\n",
	    "west.yml:2:1: unknown key 'extra' in a west manifest");
}

Test(west, submodule_list_and_userdata)
{
	struct manifest m;
	struct diags d;

	cr_assert_eq(load_text(&m, &d,
	    "manifest:\n"
	    "  projects:\n"
	    "    - name: a\n"
	    "      url: https://h.example.com/a\n"
	    "      userdata: {anything: [1, 2]}\n"
	    "      west-commands: scripts/west.yml\n"
	    "      submodules:\n"
	    "        - path: lib/x\n"
	    "        - {name: y, path: lib/y}\n"
	    "    - name: b\n"
	    "      url: https://h.example.com/b\n"
	    "      submodules: false\n", NULL), 0, "%s", diags_format(&d));
	cr_expect(m.repos[0].submodules);
	cr_expect_str_eq(m.repos[0].submodule_paths, "lib/x\nlib/y");
	cr_expect_str_eq(m.repos[0].ref, "master", "west's default revision");
	cr_expect(!m.repos[1].submodules);
	manifest_release(&m);
	diags_release(&d);
}

/* What the filters of an import map let in from a file with five. */
static char *
filtered(const char *map)
{
	static const char five[] =
	    "manifest:\n"
	    "  defaults: {remote: r}\n"
	    "  remotes: [{name: r, url-base: https://h.example.com}]\n"
	    "  projects:\n"
	    "    - {name: hal_a, path: modules/hal/a}\n"
	    "    - {name: hal_b, path: modules/hal/b}\n"
	    "    - {name: lib_c, path: modules/lib/c}\n"
	    "    - {name: tool, path: tools/tool}\n"
	    "    - {name: other}\n";
	struct manifest m;
	struct diags d;
	struct cache k;
	char *text = xasprintf("manifest:\n  projects:\n    - name: up\n"
	    "      url: https://h.example.com/up\n      import: %s\n", map);
	struct buf_names { char s[512]; } out;
	size_t i;

	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://h.example.com/up", "master", "west.yml", five);
	cr_assert_eq(load_text(&m, &d, text, &k), 0, "%s", diags_format(&d));
	out.s[0] = '\0';
	for (i = 1; i < m.nrepos; i++)
		snprintf(out.s + strlen(out.s), sizeof(out.s) - strlen(out.s),
		    "%s%s=%s", i > 1 ? " " : "", m.repos[i].name,
		    m.repos[i].path);
	manifest_release(&m);
	diags_release(&d);
	free(text);
	return xstrdup(out.s);
}

Test(west, allowlists_blocklists_and_path_prefix)
{
	static const struct { const char *map, *want; } cases[] = {
		{ "{name-allowlist: [tool, other]}",
		  "tool=tools/tool other=other" },
		{ "{path-allowlist: modules/hal/*}",
		  "hal_a=modules/hal/a hal_b=modules/hal/b" },
		{ "{name-blocklist: other, path-blocklist: 'hal/*'}",
		  "lib_c=modules/lib/c tool=tools/tool" },
		/* blocked and allowed: allowed, as west decides */
		{ "{path-blocklist: 'modules/*/*', name-allowlist: hal_b}",
		  "hal_b=modules/hal/b" },
		{ "{name-whitelist: [tool], path-prefix: ext}",
		  "tool=ext/tools/tool" },
		{ "{name-allowlist: ''}",
		  "hal_a=modules/hal/a hal_b=modules/hal/b lib_c=modules/lib/c "
		  "tool=tools/tool other=other" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = filtered(cases[i].map);
		cr_expect_str_eq(got, cases[i].want, "%s", cases[i].map);
		free(got);
	}
}

Test(west, path_prefix_moves_the_importing_project_too)
{
	struct manifest m;
	struct diags d;
	struct cache k;

	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://h.example.com/up", "master", "sub/w.yml",
	    "manifest:\n  projects:\n    - {name: x, url: "
	    "'https://h.example.com/x'}\n");
	cr_assert_eq(load_text(&m, &d, "manifest:\n  projects:\n    - name: "
	    "up\n      url: https://h.example.com/up\n      import: {file: "
	    "sub/w.yml, path-prefix: pre/fix}\n", &k), 0, "%s",
	    diags_format(&d));
	cr_assert_eq(m.nrepos, 2);
	cr_expect_str_eq(m.repos[0].path, "pre/fix/up");
	cr_expect_str_eq(m.repos[1].path, "pre/fix/x");
	manifest_release(&m);
	diags_release(&d);
}

Test(west, an_imported_error_names_its_file)
{
	struct manifest m;
	struct diags d;
	struct cache k;
	char *got;

	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://h.example.com/up", "v1", "west.yml",
	    "manifest:\n  projects:\n    - name: x\n      url: "
	    "https://h.example.com/x\n      path: ../../etc\n");
	cr_assert_eq(load_text(&m, &d, "manifest:\n  projects:\n    - name: "
	    "up\n      url: https://h.example.com/up\n      revision: v1\n"
	    "      import: true\n", &k), -1);
	got = errors(&d);
	cr_expect(strstr(got, "up@v1:west.yml:5:13: path '../../etc' has a "
	    "'..' component") != NULL, "%s", got);
	free(got);
	diags_release(&d);
	manifest_release(&m);

	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://h.example.com/up", "v1", "west.yml", NULL);
	cr_assert_eq(load_text(&m, &d, "manifest:\n  projects:\n    - name: "
	    "up\n      url: https://h.example.com/up\n      revision: v1\n"
	    "      import: true\n", &k), -1);
	got = errors(&d);
	cr_expect(strstr(got, "west.yml:6:15: project 'up': import "
	    "'west.yml' is not in the project at revision v1") != NULL, "%s",
	    got);
	free(got);
	diags_release(&d);
	manifest_release(&m);
}

Test(west, self_import_of_a_file_and_a_directory)
{
	struct manifest m;
	struct diags d;

	scratch_dir("sub");
	scratch_put("sub/b.yml", "manifest:\n  projects:\n    - {name: b, url: "
	    "'https://h.example.com/b'}\n");
	scratch_put("sub/a.yaml", "manifest:\n  projects:\n    - {name: a, "
	    "url: 'https://h.example.com/a'}\n");
	scratch_put("sub/notes.txt", "not a manifest");
	scratch_put("one.yml", "manifest:\n  projects:\n    - {name: one, "
	    "url: 'https://h.example.com/one'}\n    - {name: top, url: "
	    "'https://h.example.com/elsewhere'}\n");
	cr_assert_eq(load_text(&m, &d, "manifest:\n  self:\n    import: "
	    "[one.yml, sub]\n  projects:\n    - {name: top, url: "
	    "'https://h.example.com/top'}\n", NULL), 0, "%s",
	    diags_format(&d));
	cr_assert_eq(m.nrepos, 4);
	cr_expect_str_eq(m.repos[0].name, "one");
	cr_expect_str_eq(m.repos[1].name, "top");
	cr_expect_str_eq(m.repos[1].url, "https://h.example.com/elsewhere",
	    "a self import is read first, and wins, as in west");
	cr_expect_str_eq(m.repos[2].name, "a", "alphabetical");
	cr_expect_str_eq(m.repos[3].name, "b");
	manifest_release(&m);
	diags_release(&d);
}

Test(west, self_import_never_follows_a_link)
{
	scratch_dir("real");
	scratch_put("real/x.yml", "manifest: {}\n");
	cr_assert_eq(symlink("real", scratch_at("link")), 0);
	expect_error("manifest:\n  self:\n    import: link/x.yml\n",
	    "link is a symbolic link");
	cr_assert_eq(symlink("/etc/passwd", scratch_at("pw.yml")), 0);
	expect_error("manifest:\n  self:\n    import: pw.yml\n",
	    "pw.yml: is a symbolic link (not followed)");
	expect_error("manifest:\n  self:\n    import: ../x.yml\n",
	    "'..' component");
}

Test(west, an_import_cycle_names_the_chain)
{
	scratch_put("a.yml", "manifest:\n  self:\n    import: b.yml\n");
	scratch_put("b.yml", "manifest:\n  self:\n    import: a.yml\n");
	expect_error("manifest:\n  self:\n    import: a.yml\n",
	    "b.yml:3:13: import cycle: west.yml -> a.yml -> b.yml -> a.yml");
}

Test(west, imports_deeper_than_the_limit)
{
	char name[32], text[128];
	int i;

	for (i = 0; i < WEST_IMPORT_MAX_DEPTH + 2; i++) {
		snprintf(name, sizeof(name), "l%d.yml", i);
		snprintf(text, sizeof(text), "manifest:\n  self:\n    import: "
		    "l%d.yml\n", i + 1);
		scratch_put(name, text);
	}
	expect_error("manifest:\n  self:\n    import: l0.yml\n",
	    "l7.yml:3:13: imports nested deeper than 8: west.yml -> l0.yml");
}

Test(west, group_filters_of_imports_count_less)
{
	struct manifest m;
	struct diags d;
	struct cache k;

	memset(&k, 0, sizeof(k));
	cache_add(&k, "https://h.example.com/up", "master", "west.yml",
	    "manifest:\n  group-filter: [+opt, -lab]\n  projects:\n"
	    "    - {name: x, url: 'https://h.example.com/x', groups: [lab]}\n");
	cr_assert_eq(load_text(&m, &d, "manifest:\n  group-filter: [-opt]\n"
	    "  projects:\n    - {name: up, url: 'https://h.example.com/up', "
	    "import: true}\n    - {name: o, url: 'https://h.example.com/o', "
	    "groups: [opt]}\n    - {name: two, url: "
	    "'https://h.example.com/two', groups: [opt, core]}\n", &k), 0,
	    "%s", diags_format(&d));
	cr_assert_eq(m.nrepos, 4);
	cr_expect(m.repos[1].inactive, "the manifest's -opt wins over +opt");
	cr_expect(!m.repos[2].inactive, "one group still on");
	cr_expect(m.repos[3].inactive, "the import's -lab");
	manifest_release(&m);
	diags_release(&d);
}
