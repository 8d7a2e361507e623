#include <criterion/criterion.h>

#include <string.h>

#include "path.h"

static void
ok(const char *p)
{
	char err[256];

	cr_expect_eq(path_check(p, err, sizeof(err)), 0, "'%s': %s", p, err);
}

static void
bad(const char *p, const char *why)
{
	char err[256] = "";

	cr_expect_eq(path_check(p, err, sizeof(err)), -1, "'%s' accepted", p);
	cr_expect(strstr(err, why) != NULL, "'%s': got '%s', want '%s'", p,
	    err, why);
}

Test(path, accepts_ordinary_relative_paths)
{
	ok("a");
	ok("src/lib/thing");
	ok("name with spaces");
	ok("dots.in.name");
	ok("...");		/* a name, not a traversal */
	ok(".hidden");
	ok("git");
	ok(".gitignore-like");
	ok("a.git");		/* bare repositories live in "x.git" */
	ok("ünïcødé");
	ok("git~x");
	ok(".git-ish");
	ok("a:b");
}

Test(path, refuses_escapes_and_dotgit)
{
	bad("", "empty");
	bad("/abs", "absolute");
	bad("..", "'..'");
	bad("a/../b", "'..'");
	bad("a/./b", "'.'");
	bad(".", "'.'");
	bad("a//b", "empty component");
	bad("a/", "empty component");
	bad(".git", ".git");
	bad("x/.Git/y", ".Git");
	bad("x/.GIT", ".GIT");
	bad("x/.git./y", ".git.");
	bad("x/.git /y", ".git ");
	bad("GIT~1", "GIT~1");
	bad("-x", "'-'");
	bad("a/-x", "'-'");
	bad("a\\b", "backslash");
	bad("a\nb", "control");
	bad("a\x7f", "control");
	bad(".githerd", ".githerd");
	/* NTFS: alternate data streams, short names; HFS+: ignorables. */
	bad(".git::$INDEX_ALLOCATION/hooks", ".git::$INDEX_ALLOCATION");
	bad("a/.git:stream", "'.git:stream'");
	bad("GIT~2", "GIT~2");
	bad("x/git~12/y", "git~12");
	bad(".g\xe2\x80\x8cit/hooks", "component");	/* U+200C */
	bad("x/.gi\xef\xbb\xbft", "component");	/* U+FEFF */
	/* C1 controls and bytes that are not UTF-8. */
	bad("a\xc2\x9b" "2J", "control");
	bad("a\x9b", "invalid UTF-8");
	bad(".GitHerd/x", ".githerd");
}

Test(path, length_caps)
{
	char longc[300], longp[1100];

	memset(longc, 'a', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	bad(longc, "longer than 255");
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	for (size_t i = 100; i < sizeof(longp) - 1; i += 100)
		longp[i] = '/';
	bad(longp, "longer than 1024");
}

Test(path, nesting)
{
	cr_expect(path_is_inside("a", "a/b", false));
	cr_expect(path_is_inside("a/b", "a/b/c/d", false));
	cr_expect(!path_is_inside("a", "ab", false));
	cr_expect(!path_is_inside("a", "a", false));
	cr_expect(!path_is_inside("A", "a/b", false));
	cr_expect(path_is_inside("A", "a/b", true));
}

Test(path, west_directory_imports_take_yml_and_yaml)
{
	cr_expect(path_is_yml("a.yml"));
	cr_expect(path_is_yml("west.yaml"));
	cr_expect(path_is_yml("x.y.yml"));
	cr_expect(!path_is_yml(".yml"));
	cr_expect(!path_is_yml("a.yml.txt"));
	cr_expect(!path_is_yml("a.YML"));
	cr_expect(!path_is_yml("yml"));
}
