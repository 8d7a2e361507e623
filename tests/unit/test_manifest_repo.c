/*
 * repo's XML manifests (manifest_repo.c, repoload.c, xtree.c, repourl.c,
 * gitorigin.c, freeze_repo.c): every element and attribute githerd reads,
 * each refusal at its file:line:col, includes and local manifests in a
 * scratch directory, and hostile files (entities, external DTDs, escaping
 * includes, links to ../..).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "freeze_repo.h"
#include "gitorigin.h"
#include "lib/scratch.h"
#include "manifest.h"
#include "repourl.h"
#include "xmalloc.h"

#define BASE	"https://h.example/platform/manifest"

TestSuite(manifest_repo, .init = scratch_init, .fini = scratch_fini);

/* Load root/rel (written from text first when text is not NULL). */
static int
load(struct manifest *m, struct diags *d, const char *rel, const char *text,
    const char *url)
{
	char *file = scratch_at(rel);
	int rc;

	if (text != NULL)
		scratch_put(rel, text);
	diags_init(d);
	rc = manifest_load_url(m, file, 0, url, d);
	free(file);
	return rc;
}

/* The diagnostics, with the scratch directory's name cut out. */
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
	char *e;

	cr_assert_eq(load(&m, &d, "default.xml", text, BASE), -1,
	    "accepted: %s", text);
	e = errors(&d);
	cr_expect(strstr(e, want) != NULL, "want '%s' in:\n%s", want, e);
	cr_expect_eq(m.nrepos, 0);
	free(e);
	diags_release(&d);
	manifest_release(&m);
}

static bool
in_groups(const struct repo_spec *r, const char *g)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i], g) == 0)
			return true;
	return false;
}

static const char aosp[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest>\n"
    "  <notice>hello</notice>\n"
    "  <remote name=\"aosp\" fetch=\"..\" review=\"r.example\" "
    "alias=\"origin\"/>\n"
    "  <remote name=\"gh\" fetch=\"https://g.example/org/\" "
    "revision=\"stable\">\n"
    "    <annotation name=\"a\" value=\"b\"/>\n"
    "  </remote>\n"
    "  <default remote=\"aosp\" revision=\"main\" sync-j=\"4\" "
    "sync-c=\"true\" dest-branch=\"x\"/>\n"
    "  <manifest-server url=\"https://ms.example\"/>\n"
    "  <project name=\"platform/build\" path=\"build/make\" "
    "upstream=\"main\">\n"
    "    <copyfile src=\"core/root.mk\" dest=\"Makefile\"/>\n"
    "    <linkfile src=\"tools\" dest=\"tools/build\"/>\n"
    "    <annotation name=\"k\" value=\"v\"/>\n"
    "  </project>\n"
    "  <project name=\"tools/repo\" remote=\"gh\" groups=\"pdk, "
    "notdefault\"/>\n"
    "  <project name=\"t\" revision=\"refs/tags/v1\" clone-depth=\"1\" "
    "sync-s=\"true\"/>\n"
    "  <project name=\"b\" revision=\"refs/heads/dev\"/>\n"
    "  <project name=\"c\" revision=\"0123456789ABCDEF0123456789abcdef01234567\"/>\n"
    "  <repo-hooks in-project=\"platform/build\" enabled-list=\"x\"/>\n"
    "  <superproject name=\"super\"/>\n"
    "  <contactinfo bugurl=\"https://bugs.example\"/>\n"
    "  <x-custom anything=\"goes\"/>\n"
    "</manifest>\n";

Test(manifest_repo, every_element)
{
	struct manifest m;
	struct diags d;
	const struct repo_spec *r;

	cr_assert_eq(load(&m, &d, "default.xml", aosp, BASE), 0, "%s",
	    errors(&d));
	cr_expect_eq(m.format, MANIFEST_REPO);
	cr_expect_eq(m.sync_jobs, 4);
	cr_assert_eq(m.nrepos, 5);
	r = &m.repos[0];
	cr_expect_str_eq(r->url, "https://h.example/platform/build");
	cr_expect_str_eq(r->path, "build/make");
	cr_expect_str_eq(r->name, "platform/build");
	cr_expect_str_eq(r->remote, "aosp");
	cr_expect_str_eq(r->upstream, "main");
	cr_expect_eq(r->ref_kind, REF_VERSION);
	cr_expect_str_eq(r->ref, "main");
	cr_expect_eq(r->line, 10);
	cr_expect_eq(r->col, 3);
	cr_assert_eq(r->ncopies, 2);
	cr_expect_not(r->copies[0].symlink);
	cr_expect_str_eq(r->copies[0].src, "core/root.mk");
	cr_expect_str_eq(r->copies[0].dest, "Makefile");
	cr_expect(r->copies[1].symlink);
	cr_expect_eq(r->copies[1].line, 12);
	cr_expect(in_groups(r, "all") && in_groups(r, "default") &&
	    in_groups(r, "name:platform/build") &&
	    in_groups(r, "path:build/make"));
	cr_expect_not(r->inactive);
	r = &m.repos[1];
	cr_expect_str_eq(r->url, "https://g.example/org/tools/repo");
	cr_expect_str_eq(r->ref, "stable", "the remote's revision");
	cr_expect(r->inactive, "notdefault");
	cr_expect(in_groups(r, "pdk") && in_groups(r, "notdefault") &&
	    !in_groups(r, "default"));
	r = &m.repos[2];
	cr_expect_eq(r->ref_kind, REF_TAG);
	cr_expect_str_eq(r->ref, "v1");
	cr_expect_eq(r->depth, 1);
	cr_expect(r->submodules);
	cr_expect_eq(m.repos[3].ref_kind, REF_BRANCH);
	cr_expect_str_eq(m.repos[3].ref, "dev");
	cr_expect_eq(m.repos[4].ref_kind, REF_COMMIT);
	cr_expect_str_eq(m.repos[4].ref,
	    "0123456789abcdef0123456789abcdef01234567");
	diags_release(&d);
	manifest_release(&m);
}

Test(manifest_repo, relative_fetch)
{
	char *u;

	cr_expect(repourl_is_relative(".."));
	cr_expect(repourl_is_relative("../mirror/"));
	cr_expect_not(repourl_is_relative("https://x/y"));
	cr_expect_not(repourl_is_relative("git@host:org"));
	u = repourl_join(BASE, "..");
	cr_expect_str_eq(u, "https://h.example/");
	free(u);
	u = repourl_join(BASE, "../..");
	cr_expect_str_eq(u, "https://h.example/", "never above the root: %s", u);
	free(u);
	u = repourl_join("git://127.0.0.1:9418/a/b/manifest.git/", "../mirror");
	cr_expect_str_eq(u, "git://127.0.0.1:9418/a/mirror");
	free(u);
	u = repourl_join(BASE, ".");
	cr_expect_str_eq(u, "https://h.example/platform/");
	free(u);
	u = repourl_join(BASE, "/other");
	cr_expect_str_eq(u, "https://h.example/other");
	free(u);
	u = repourl_join("git@h.example:platform/manifest", "..");
	cr_expect_str_eq(u, "ssh://git@h.example/");
	free(u);
	u = repourl_join("/srv/git/platform/manifest", "..");
	cr_expect_str_eq(u, "/srv/git/");
	free(u);
	u = repourl_project("https://h.example/", "platform/build");
	cr_expect_str_eq(u, "https://h.example/platform/build");
	free(u);
}

/* Without --manifest-url, the origin of the checkout the file is in. */
Test(manifest_repo, origin_of_checkout)
{
	struct manifest m;
	struct diags d;
	char err[600], *u, *f;

	scratch_dir("co");
	scratch_dir("co/.git");
	scratch_dir("co/sub");
	scratch_put("co/.git/config", "[core]\n\tbare = false\n"
	    "[remote \"upstream\"]\n\turl = https://wrong.example/x\n"
	    "[remote \"origin\"]\n\turl = \"https://o.example/platform/"
	    "manifest\"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
	f = scratch_at("co/sub/default.xml");
	scratch_put("co/sub/default.xml", "<manifest/>");
	u = gitorigin_url(f, err, sizeof(err));
	cr_assert_not_null(u, "%s", err);
	cr_expect_str_eq(u, "https://o.example/platform/manifest");
	free(u);
	free(f);
	cr_assert_eq(load(&m, &d, "co/sub/default.xml", "<manifest>"
	    "<remote name=\"r\" fetch=\"..\"/><default remote=\"r\"/>"
	    "<project name=\"p\"/></manifest>", NULL), 0, "%s", errors(&d));
	cr_expect_str_eq(m.repos[0].url, "https://o.example/p");
	cr_expect_eq(m.repos[0].ref_kind, REF_DEFAULT);
	diags_release(&d);
	manifest_release(&m);

	/* a worktree-style .git file */
	scratch_dir("wt");
	scratch_put("wt/.git", "gitdir: ../co/.git\n");
	f = scratch_at("wt/x.xml");
	scratch_put("wt/x.xml", "<manifest/>");
	u = gitorigin_url(f, err, sizeof(err));
	cr_expect_str_eq(u, "https://o.example/platform/manifest");
	free(u);
	free(f);
}

Test(manifest_repo, relative_fetch_without_base)
{
	struct manifest m;
	struct diags d;
	char *e;

	cr_assert_eq(load(&m, &d, "default.xml", "<manifest>\n"
	    "  <remote name=\"r\" fetch=\"..\"/>\n</manifest>\n", NULL), -1);
	e = errors(&d);
	cr_expect(strstr(e, "default.xml:2:3: remote 'r': fetch='..' is "
	    "relative") != NULL, "%s", e);
	cr_expect(strstr(e, "--manifest-url") != NULL, "%s", e);
	free(e);
	diags_release(&d);
	manifest_release(&m);
}

Test(manifest_repo, includes_two_deep)
{
	struct manifest m;
	struct diags d;
	char *e;

	scratch_dir("sub");
	scratch_put("sub/one.xml", "<manifest>\n"
	    "  <project name=\"p1\" groups=\"g1\"/>\n"
	    "  <include name=\"sub/two.xml\" groups=\"g2\" revision=\"rel\"/>\n"
	    "</manifest>\n");
	scratch_put("sub/two.xml", "<manifest>\n"
	    "  <project name=\"p2\"/>\n</manifest>\n");
	cr_assert_eq(load(&m, &d, "default.xml", "<manifest>\n"
	    "  <remote name=\"r\" fetch=\"https://x.example\"/>\n"
	    "  <default remote=\"r\" revision=\"main\"/>\n"
	    "  <project name=\"p0\"/>\n"
	    "  <include name=\"sub/one.xml\" groups=\"top\"/>\n"
	    "  <project name=\"p3\"/>\n"
	    "</manifest>\n", BASE), 0, "%s", errors(&d));
	cr_assert_eq(m.nrepos, 4);
	cr_expect_str_eq(m.repos[1].path, "p1", "in document order");
	cr_expect(in_groups(&m.repos[1], "g1") && in_groups(&m.repos[1],
	    "top"));
	cr_expect_str_eq(m.repos[2].path, "p2");
	cr_expect(in_groups(&m.repos[2], "top") && in_groups(&m.repos[2],
	    "g2"), "the includes' groups add up");
	cr_expect_str_eq(m.repos[2].ref, "rel", "the include's revision");
	cr_expect_str_eq(m.repos[1].ref, "main");
	cr_expect_eq(m.repos[2].line, 2);
	diags_release(&d);
	manifest_release(&m);

	/* an error in the second level names that file */
	scratch_put("sub/two.xml", "<manifest>\n\n  <project/>\n</manifest>\n");
	cr_assert_eq(load(&m, &d, "default.xml", NULL, BASE), -1);
	e = errors(&d);
	cr_expect(strstr(e, "sub/two.xml:3:3: <project> needs name=") != NULL,
	    "%s", e);
	free(e);
	diags_release(&d);
	manifest_release(&m);
}

Test(manifest_repo, include_refusals)
{
	char *lnk = scratch_at("lnk"), *f = scratch_at("d/f.xml");

	scratch_dir("d");
	scratch_put("loop.xml", "<manifest><include name=\"loop.xml\"/>"
	    "</manifest>");
	expect_error("<manifest><include name=\"../etc/passwd\"/></manifest>",
	    "default.xml:1:11: include '../etc/passwd' has a '.' or '..' "
	    "component");
	expect_error("<manifest><include name=\"/etc/passwd\"/></manifest>",
	    "is an absolute path");
	expect_error("<manifest><include name=\"loop.xml\"/></manifest>",
	    "loop.xml:1:11: include 'loop.xml' includes itself");
	expect_error("<manifest><include name=\"missing.xml\"/></manifest>",
	    "cannot include 'missing.xml'");
	cr_assert_eq(symlink("/etc", lnk), 0);
	expect_error("<manifest><include name=\"lnk/hosts\"/></manifest>",
	    "symbolic link");
	cr_assert_eq(symlink("/etc/hostname", f), 0);
	expect_error("<manifest><include name=\"d/f.xml\"/></manifest>",
	    "it is a symbolic link");
	expect_error("<manifest><include/></manifest>",
	    "<include> needs a name");
	free(lnk);
	free(f);
}

Test(manifest_repo, include_depth)
{
	char name[32], text[128];

	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "i%d.xml", i);
		snprintf(text, sizeof(text), "<manifest><include name=\"i%d.xml\""
		    "/></manifest>", i + 1);
		scratch_put(name, text);
	}
	expect_error("<manifest><include name=\"i0.xml\"/></manifest>",
	    "includes nested deeper than 8");
}

static const char head[] =
    "<manifest>\n"
    "  <remote name=\"r\" fetch=\"https://x.example\"/>\n"
    "  <remote name=\"s\" fetch=\"https://s.example\"/>\n"
    "  <default remote=\"r\" revision=\"main\"/>\n";

Test(manifest_repo, remove_and_extend)
{
	struct manifest m;
	struct diags d;
	struct buf t = BUF_INIT;

	buf_init(&t);
	buf_addf(&t, "%s"
	    "  <project name=\"a\" path=\"a1\"/>\n"
	    "  <project name=\"a\" path=\"a2\"/>\n"
	    "  <project name=\"b\"/>\n"
	    "  <project name=\"c\" revision=\"v1\"/>\n"
	    "  <remove-project name=\"a\" path=\"a2\"/>\n"
	    "  <remove-project name=\"b\"/>\n"
	    "  <remove-project path=\"nothing\" optional=\"true\"/>\n"
	    "  <extend-project name=\"c\" dest-path=\"cc\" groups=\"more\" "
	    "revision=\"v2\" remote=\"s\" upstream=\"up\" base-rev=\"v1\">\n"
	    "    <linkfile src=\".\" dest=\"link-to-c\"/>\n"
	    "  </extend-project>\n"
	    "  <project name=\"b\" path=\"b-again\"/>\n"
	    "</manifest>\n", head);
	cr_assert_eq(load(&m, &d, "default.xml", t.data, BASE), 0, "%s",
	    errors(&d));
	cr_assert_eq(m.nrepos, 3);
	cr_expect_str_eq(m.repos[0].path, "a1");
	cr_expect_str_eq(m.repos[1].path, "cc");
	cr_expect_str_eq(m.repos[1].url, "https://s.example/c");
	cr_expect_str_eq(m.repos[1].ref, "v2");
	cr_expect_str_eq(m.repos[1].upstream, "up");
	cr_expect(in_groups(&m.repos[1], "more"));
	cr_expect(in_groups(&m.repos[1], "path:cc"));
	cr_expect_eq(m.repos[1].ncopies, 1);
	cr_expect_str_eq(m.repos[2].path, "b-again");
	diags_release(&d);
	manifest_release(&m);
	buf_release(&t);
}

Test(manifest_repo, remove_extend_errors)
{
	struct buf t = BUF_INIT;

	buf_init(&t);
	buf_addf(&t, "%s  <remove-project name=\"zz\"/>\n</manifest>\n", head);
	expect_error(t.data, "default.xml:5:3: remove-project: no project "
	    "named 'zz'");
	buf_reset(&t);
	buf_addf(&t, "%s  <extend-project name=\"zz\"/>\n</manifest>\n", head);
	expect_error(t.data, "default.xml:5:3: extend-project: no project "
	    "named 'zz'");
	buf_reset(&t);
	buf_addf(&t, "%s  <project name=\"a\" revision=\"v1\"/>\n"
	    "  <extend-project name=\"a\" base-rev=\"v0\"/>\n</manifest>\n",
	    head);
	expect_error(t.data, "default.xml:6:3: <extend-project> "
	    "base-rev='v0' but project 'a' is at revision 'v1'");
	buf_reset(&t);
	buf_addf(&t, "%s  <remove-project/>\n</manifest>\n", head);
	expect_error(t.data, "<remove-project> needs name= or path=");
	buf_release(&t);
}

Test(manifest_repo, local_manifests)
{
	struct manifest m;
	struct diags d;
	char *e;

	/* repo's layout: .repo/manifests/default.xml, .repo/local_manifests */
	scratch_dir(".repo");
	scratch_dir(".repo/manifests");
	scratch_dir(".repo/local_manifests");
	scratch_put(".repo/local_manifests/b.xml", "<manifest>\n"
	    "  <project name=\"from-b\"/>\n</manifest>\n");
	scratch_put(".repo/local_manifests/a.xml", "<manifest>\n"
	    "  <remove-project name=\"gone\"/>\n"
	    "  <project name=\"from-a\" remote=\"r\"/>\n</manifest>\n");
	scratch_put(".repo/local_manifests/notes.txt", "not a manifest");
	cr_assert_eq(load(&m, &d, ".repo/manifests/default.xml",
	    "<manifest>\n  <remote name=\"r\" fetch=\"https://x.example\"/>\n"
	    "  <default remote=\"r\"/>\n  <project name=\"gone\"/>\n"
	    "  <project name=\"kept\"/>\n</manifest>\n", BASE), 0, "%s",
	    errors(&d));
	cr_assert_eq(m.nrepos, 3);
	cr_expect_str_eq(m.repos[0].path, "kept");
	cr_expect_str_eq(m.repos[1].path, "from-a", "a.xml before b.xml");
	cr_expect(in_groups(&m.repos[1], "local::a"));
	cr_expect_str_eq(m.repos[2].path, "from-b");
	diags_release(&d);
	manifest_release(&m);

	/* an error in a local manifest names it */
	scratch_put(".repo/local_manifests/b.xml", "<manifest>\n"
	    "  <project name=\"x\" bogus=\"1\"/>\n</manifest>\n");
	cr_assert_eq(load(&m, &d, ".repo/manifests/default.xml", NULL, BASE),
	    -1);
	e = errors(&d);
	cr_expect(strstr(e, ".repo/manifests/../local_manifests/b.xml:2:3: "
	    "<project> has attribute 'bogus' githerd does not support") !=
	    NULL, "%s", e);
	free(e);
	diags_release(&d);
	manifest_release(&m);
}

/* Local manifests a user meant to be read are never left out quietly. */
Test(manifest_repo, local_manifests_not_dropped)
{
	static const char top[] = "<manifest>\n  <remote name=\"r\" "
	    "fetch=\"https://x.example\"/>\n  <default remote=\"r\"/>\n"
	    "</manifest>\n";
	struct manifest m;
	struct diags d;
	char *e, *at = scratch_at("real"), *lm = scratch_at("local_manifests");
	char name[64];

	scratch_dir("real");
	scratch_put("real/a.xml", "<manifest><project name=\"a\"/></manifest>");
	cr_assert_eq(symlink(at, lm), 0);
	cr_assert_eq(load(&m, &d, "default.xml", top, BASE), -1);
	e = errors(&d);
	cr_expect(strstr(e, "local_manifests: a symbolic link") != NULL, "%s",
	    e);
	free(e);
	diags_release(&d);
	manifest_release(&m);

	cr_assert_eq(unlink(lm), 0);
	scratch_dir("local_manifests");
	for (int i = 0; i <= 1000; i++) {
		snprintf(name, sizeof(name), "local_manifests/%04d.xml", i);
		scratch_put(name, "<manifest/>");
	}
	cr_assert_eq(load(&m, &d, "default.xml", top, BASE), -1);
	e = errors(&d);
	cr_expect(strstr(e, "more than 1000 local manifests") != NULL, "%s", e);
	free(e);
	diags_release(&d);
	manifest_release(&m);
	free(at);
	free(lm);
}

Test(manifest_repo, refusals_name_line_col)
{
	expect_error("<manifest>\n  <submanifest name=\"x\"/>\n</manifest>",
	    "default.xml:2:3: <submanifest> is not supported");
	expect_error("<manifest>\n  <projet name=\"x\"/>\n</manifest>",
	    "(did you mean <project>?)");
	expect_error("<manifest>\n  <remote name=\"r\" fetch=\"..\" x=\"1\"/>\n"
	    "</manifest>", "default.xml:2:3: <remote> has attribute 'x'");
	expect_error("<manifest>\n  <remote name=\"r\"/>\n</manifest>",
	    "default.xml:2:3: <remote> needs fetch=");
	expect_error("<manifest>\n  <remote name=\"r\" fetch=\"..\"/>\n"
	    "  <remote name=\"r\" fetch=\"../x\"/>\n</manifest>",
	    "default.xml:3:3: remote 'r' is defined again");
	expect_error("<manifest>\n  <remote name=\"r\" fetch=\"..\"/>\n"
	    "  <project name=\"p\"/>\n</manifest>",
	    "default.xml:3:3: project 'p' has no remote=");
	expect_error("<manifest>\n  <default remote=\"nope\"/>\n</manifest>",
	    "default.xml:2:3: <default> names remote 'nope'");
	expect_error("<manifest><default sync-j=\"0\"/></manifest>",
	    "sync-j='0' is not a number");
	expect_error("<manifest><default revision=\"a\"/><default "
	    "revision=\"b\"/></manifest>", "a second <default>");
	expect_error("<config/>", "default.xml:1:1: the top element is "
	    "<config>");
	expect_error("<manifest>\n  <project name=\"p\" remote=\"r\">\n"
	    "    <project name=\"q\"/>\n  </project>\n<remote name=\"r\" "
	    "fetch=\"..\"/></manifest>",
	    "default.xml:3:5: a <project> inside <project>");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"p\" remote=\"r\" clone-depth=\"-1\"/></manifest>",
	    "clone-depth='-1' is not a positive number");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"p\" remote=\"r\" revision=\"refs/changes/1\"/></manifest>",
	    "neither refs/heads/ nor refs/tags/");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"p\" remote=\"r\" revision=\"a..b\"/></manifest>",
	    "revision 'a..b' contains '..'");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"../p\" remote=\"r\"/></manifest>",
	    "project name '../p' has a '.' or '..' component");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"p\" remote=\"r\" groups=\"a;b\"/></manifest>",
	    "group name 'a;b'");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/><project "
	    "name=\"p\" remote=\"r\" sync-s=\"maybe\"/></manifest>",
	    "sync-s='maybe' is not true or false");
	expect_error("<manifest>\n<notice>a</notice>\n<remote name=\"r\" "
	    "fetch=\"..\">text</remote></manifest>", "text inside <remote>");
	expect_error("<manifest>\n  <project name=\"p\"\n</manifest>",
	    "default.xml:3:1: XML:");
	expect_error("<manifest><remote name=\"r\" fetch=\"..\"/>"
	    "<project name=\"a\" remote=\"r\"/><project name=\"b\" path=\"a\" "
	    "remote=\"r\"/></manifest>", "a");
}

Test(manifest_repo, copy_and_link_refusals)
{
	struct buf t = BUF_INIT;
	static const char *const bad[][2] = {
		{ "<linkfile src=\"x\" dest=\"../../etc/evil\"/>",
		    "default.xml:5:21: <linkfile> dest='../../etc/evil' has a "
		    "'.' or '..' component" },
		{ "<copyfile src=\"../other/secret\" dest=\"s\"/>",
		    "<copyfile> src='../other/secret' has a '.' or '..'" },
		{ "<copyfile src=\"/etc/passwd\" dest=\"s\"/>",
		    "is an absolute path" },
		{ "<linkfile src=\"*.mk\" dest=\"mk\"/>", "is a glob" },
		{ "<copyfile src=\".\" dest=\"s\"/>", "'.' or '..'" },
		{ "<copyfile dest=\"s\"/>", "<copyfile> needs src=" },
		{ "<copyfile src=\"a\" dest=\"/tmp/x\"/>", "absolute" },
		{ "<linkfile src=\"x\" dest=\"q/.git/hooks/pre-commit\"/>",
		    "<linkfile> path 'q/.git/hooks/pre-commit' has a '.git' "
		    "component" },
		{ "<copyfile src=\"a\" dest=\"p/.GIT/objects/info/alternates"
		    "\"/>", "has a '.GIT' component" },
		{ "<copyfile src=\"a\" dest=\".git/config\"/>", ".git" },
		{ "<linkfile src=\"a\" dest=\".githerd/imports\"/>",
		    "inside githerd's own '.githerd'" },
		{ "<linkfile src=\".git/config\" dest=\"c\"/>",
		    "path '.git/config' has a '.git' component" },
		{ "<copyfile src=\"a\" dest=\"x/git~1/config\"/>", "git~1" },
	};

	buf_init(&t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&t);
		buf_addf(&t, "%s  <project name=\"p\">%s</project>\n"
		    "</manifest>\n", head, bad[i][0]);
		expect_error(t.data, bad[i][1]);
	}
	buf_release(&t);
}

/* Hostile XML: refused at once, whatever it would expand to. */
Test(manifest_repo, hostile, .timeout = 5)
{
	struct buf t = BUF_INIT;
	int i;

	buf_init(&t);
	buf_addstr(&t, "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest [\n"
	    "  <!ENTITY lol0 \"lol\">\n");
	for (i = 1; i < 10; i++)
		buf_addf(&t, "  <!ENTITY lol%d \"&lol%d;&lol%d;&lol%d;&lol%d;"
		    "&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;\">\n", i,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
		    i - 1, i - 1);
	buf_addstr(&t, "]>\n<manifest><notice>&lol9;</notice></manifest>\n");
	expect_error(t.data, "default.xml:3:17: entity declarations are "
	    "refused (entity 'lol0')");
	expect_error("<!DOCTYPE manifest SYSTEM \"http://evil.example/x.dtd\">"
	    "<manifest/>", "a DOCTYPE naming an external DTD");
	expect_error("<!DOCTYPE manifest [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]><manifest><notice>&x;</notice>"
	    "</manifest>", "entity declarations are refused");
	expect_error("<!DOCTYPE manifest [<!ENTITY % p SYSTEM "
	    "\"http://evil.example/p\"> %p;]><manifest/>",
	    "entity declarations are refused");
	expect_error("<manifest><notice>&undefined;</notice></manifest>",
	    "XML: undefined entity");
	/* a DOCTYPE that only describes the document is fine */
	buf_reset(&t);
	buf_addstr(&t, "<!DOCTYPE manifest [<!ELEMENT manifest (project*)>]>"
	    "<manifest><notice>a &amp; b &#65;</notice></manifest>");
	{
		struct manifest m;
		struct diags d;

		cr_expect_eq(load(&m, &d, "default.xml", t.data, BASE), 0,
		    "%s", errors(&d));
		diags_release(&d);
		manifest_release(&m);
	}
	buf_reset(&t);
	buf_addstr(&t, "<manifest>");
	for (i = 0; i < 10; i++)
		buf_addstr(&t, "<a>");
	expect_error(t.data, "nested deeper than");
	buf_release(&t);
}

static char *
thousand(void)
{
	struct buf t = BUF_INIT;

	buf_init(&t);
	buf_addstr(&t, "<manifest>\n  <remote name=\"r\" fetch=\"..\"/>\n"
	    "  <default remote=\"r\" revision=\"main\"/>\n");
	for (int i = 0; i < 1000; i++)
		buf_addf(&t, "  <project name=\"platform/p%04d\" path=\"p/%04d\" "
		    "groups=\"g%d\"><linkfile src=\"f\" dest=\"l/%04d\"/>"
		    "</project>\n", i, i, i % 7, i);
	buf_addstr(&t, "</manifest>\n");
	return buf_detach(&t);
}

Test(manifest_repo, thousand_projects)
{
	struct manifest m;
	struct diags d;
	char *text = thousand();

	cr_assert_eq(load(&m, &d, "default.xml", text, BASE), 0, "%s",
	    errors(&d));
	cr_expect_eq(m.nrepos, 1000);
	cr_expect_str_eq(m.repos[999].url, "https://h.example/platform/p0999");
	diags_release(&d);
	manifest_release(&m);
	free(text);
}

/* The flattened text (what a sync saves) reads back to the same specs. */
Test(manifest_repo, flattened_round_trip)
{
	struct manifest m, again;
	struct diags d;
	size_t i, k;

	scratch_dir("inc");
	scratch_put("inc/x.xml", "<manifest><project name=\"x\" "
	    "groups=\"gx\"/></manifest>");
	cr_assert_eq(load(&m, &d, "default.xml", "<manifest>"
	    "<remote name=\"r\" fetch=\"..\"/>"
	    "<remote name=\"s\" fetch=\"https://u:secret@s.example/o\"/>"
	    "<default remote=\"r\" revision=\"main\" sync-j=\"2\"/>"
	    "<project name=\"a&amp;b\" path=\"ab\" upstream=\"u\" "
	    "clone-depth=\"3\" groups=\"notdefault\" remote=\"s\">"
	    "<copyfile src=\"c\" dest=\"d\"/><linkfile src=\".\" dest=\"e\"/>"
	    "</project><project name=\"t\" revision=\"refs/tags/v1\"/>"
	    "<include name=\"inc/x.xml\"/></manifest>", BASE), 0, "%s",
	    errors(&d));
	cr_expect(strstr(m.text, "secret") == NULL, "%s", m.text);
	diags_release(&d);
	scratch_put("saved.xml", m.text);
	cr_assert_eq(load(&again, &d, "saved.xml", NULL, NULL), 0,
	    "%s\n%s", errors(&d), m.text);
	cr_assert_eq(again.nrepos, m.nrepos);
	cr_expect_eq(again.sync_jobs, 2);
	for (i = 0; i < m.nrepos; i++) {
		const struct repo_spec *a = &m.repos[i], *b = &again.repos[i];

		cr_expect_str_eq(b->path, a->path);
		cr_expect_str_eq(b->name, a->name);
		cr_expect_eq(b->ref_kind, a->ref_kind);
		cr_expect_eq(b->inactive, a->inactive);
		cr_expect_eq(b->depth, a->depth);
		cr_expect_eq(b->ncopies, a->ncopies);
		cr_expect_eq(b->ngroups, a->ngroups);
		for (k = 0; k < a->ngroups && k < b->ngroups; k++)
			cr_expect_str_eq(b->groups[k], a->groups[k]);
		if (i > 0)
			cr_expect_str_eq(b->url, a->url);
	}
	cr_expect_str_eq(again.repos[0].url, "https://s.example/o/a&b");
	diags_release(&d);
	manifest_release(&again);
	manifest_release(&m);
}

Test(manifest_repo, freeze_pins_like_repo_manifest_r)
{
	struct manifest m;
	struct diags d;
	struct buf b = BUF_INIT;

	cr_assert_eq(load(&m, &d, "default.xml", "<manifest>"
	    "<remote name=\"r\" fetch=\"..\"/><default remote=\"r\" "
	    "revision=\"main\"/><project name=\"p\"/><project name=\"q\" "
	    "revision=\"0123456789abcdef0123456789abcdef01234567\" "
	    "upstream=\"rel\"/></manifest>", BASE), 0);
	buf_init(&b);
	freeze_repo_begin(&b, &m, "a -- comment");
	freeze_repo_project(&b, &m.repos[0],
	    "1111111111111111111111111111111111111111", NULL);
	freeze_repo_project(&b, &m.repos[1],
	    "0123456789abcdef0123456789abcdef01234567", NULL);
	freeze_repo_end(&b);
	cr_expect(strstr(b.data, "<!-- a _- comment -->") != NULL, "%s",
	    b.data);
	cr_expect(strstr(b.data, "<project name=\"p\" path=\"p\" remote=\"r\" "
	    "revision=\"1111111111111111111111111111111111111111\" "
	    "upstream=\"main\"/>") != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "revision=\"0123456789abcdef0123456789abcdef"
	    "01234567\" upstream=\"rel\"") != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "<remote name=\"r\" fetch=\"https://h.example"
	    "\"/>") != NULL, "%s", b.data);
	buf_release(&b);
	diags_release(&d);
	manifest_release(&m);
}
