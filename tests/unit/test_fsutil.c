#include <criterion/criterion.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "xmalloc.h"

static char root[] = "/tmp/githerd-fs-XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(root));
}

static void
teardown(void)
{
	fs_rmtree(root);
}

TestSuite(fsutil, .init = setup, .fini = teardown);

static char *
at(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static void
touch(const char *rel)
{
	char *p = at(rel);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);

	cr_assert_neq(fd, -1, "%s", p);
	close(fd);
	free(p);
}

Test(fsutil, rmtree_does_not_follow_symlinks)
{
	char err[256], *outside = at("outside"), *link = at("tree/a/link");
	char *kept = at("outside/keep"), *tree = at("tree");

	cr_assert_eq(fs_mkparents(root, "tree/a/b/c", err, sizeof(err)), 0);
	cr_assert_eq(mkdir(outside, 0777), 0);
	touch("outside/keep");
	touch("tree/a/b/file");
	cr_assert_eq(symlink(outside, link), 0);
	cr_expect_eq(fs_rmtree(tree), 0);
	cr_expect_eq(fs_kind(tree), FS_NONE);
	cr_expect_eq(fs_kind(kept), FS_FILE, "followed a symlink out of the tree");
	cr_expect_eq(fs_rmtree(tree), 0, "removing nothing is fine");
	free(outside);
	free(link);
	free(kept);
	free(tree);
}

Test(fsutil, mkparents_refuses_symlinked_components)
{
	char err[256], *outside = at("elsewhere"), *link = at("ws/a/evil");

	cr_assert_eq(fs_mkparents(root, "ws/a/x", err, sizeof(err)), 0);
	cr_assert_eq(mkdir(outside, 0777), 0);
	cr_assert_eq(symlink(outside, link), 0);
	cr_expect_eq(fs_mkparents(root, "ws/a/evil/sub/repo", err, sizeof(err)), -1);
	cr_expect(strstr(err, "symbolic link") != NULL, "%s", err);
	touch("ws/file");
	cr_expect_eq(fs_mkparents(root, "ws/file/repo", err, sizeof(err)), -1);
	cr_expect(strstr(err, "not a directory") != NULL, "%s", err);
	free(outside);
	free(link);
}

Test(fsutil, kinds_and_git_detection)
{
	char err[256], *d = at("repo"), *bare = at("bare.git"), *e = at("empty");

	cr_assert_eq(fs_mkdir_p(e, err, sizeof(err)), 0);
	cr_expect_eq(fs_dir_is_empty(e), 1);
	cr_expect_eq(fs_is_git_repo(e), 0);
	cr_assert_eq(fs_mkparents(root, "repo/.git/x", err, sizeof(err)), 0);
	cr_expect_eq(fs_is_git_repo(d), 1);
	cr_expect_eq(fs_dir_is_empty(d), 0);
	cr_assert_eq(fs_mkparents(root, "bare.git/objects/x", err, sizeof(err)), 0);
	cr_assert_eq(fs_mkparents(root, "bare.git/refs/x", err, sizeof(err)), 0);
	cr_expect_eq(fs_is_git_repo(bare), 0, "no HEAD yet");
	touch("bare.git/HEAD");
	cr_expect_eq(fs_is_git_repo(bare), 1);
	free(d);
	free(bare);
	free(e);
}
