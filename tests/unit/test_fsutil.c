#include <criterion/criterion.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "scratch.h"
#include "xmalloc.h"

TestSuite(fsutil, .init = scratch_init, .fini = scratch_fini);

/* mkdir -p scratch_root/rel through the walker; 0 or -1. */
static int
mkdirs(const char *rel)
{
	int rootfd = open(scratch_root, O_RDONLY | O_DIRECTORY), fd;

	cr_assert_neq(rootfd, -1);
	fd = fs_walk(rootfd, rel, true, NULL, 0);
	close(rootfd);
	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

static void
touch(const char *rel)
{
	char *p = scratch_at(rel);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);

	cr_assert_neq(fd, -1, "%s", p);
	close(fd);
	free(p);
}

Test(fsutil, rmtree_does_not_follow_symlinks)
{
	char err[256], *outside = scratch_at("outside"), *link = scratch_at("tree/a/link");
	char *kept = scratch_at("outside/keep"), *tree = scratch_at("tree");

	(void)err;
	cr_assert_eq(mkdirs("tree/a/b"), 0);
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

Test(fsutil, walk_refuses_symlinks_and_files_on_the_way)
{
	char bad[256], why[512], *outside = scratch_at("elsewhere"), *link = scratch_at("ws/a/evil");
	int rootfd, fd;

	cr_assert_eq(mkdirs("ws/a/x"), 0);
	cr_assert_eq(mkdir(outside, 0777), 0);
	cr_assert_eq(symlink(outside, link), 0);
	rootfd = open(scratch_root, O_RDONLY | O_DIRECTORY);
	cr_assert_neq(rootfd, -1);
	/* A link anywhere on the way: refused, nothing made beyond it. */
	cr_expect_eq(fs_walk(rootfd, "ws/a/evil/sub", true, bad, sizeof(bad)), -1);
	cr_expect_eq(errno, ELOOP);
	cr_expect_str_eq(bad, "ws/a/evil");
	fs_walk_why(ELOOP, bad, why, sizeof(why));
	cr_expect(strstr(why, "ws/a/evil is a symbolic link") != NULL, "%s", why);
	cr_expect_eq(fs_dir_is_empty(outside), 1, "created through the link");
	/* The last component too, and without create. */
	cr_expect_eq(fs_walk(rootfd, "ws/a/evil", false, bad, sizeof(bad)), -1);
	cr_expect_eq(errno, ELOOP);
	touch("ws/file");
	cr_expect_eq(fs_walk(rootfd, "ws/file/repo", true, bad, sizeof(bad)), -1);
	cr_expect_eq(errno, ENOTDIR);
	cr_expect_str_eq(bad, "ws/file");
	cr_expect_eq(fs_walk(rootfd, "ws/missing/x", false, bad, sizeof(bad)), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect_eq(fs_walk(rootfd, "ws/../..", false, bad, sizeof(bad)), -1);
	cr_expect_eq(errno, EXDEV);
	/* Ordinary directories, "" and "." components. */
	fd = fs_walk(rootfd, "ws//a/./x", false, bad, sizeof(bad));
	cr_expect_neq(fd, -1, "%s", bad);
	if (fd != -1)
		close(fd);
	fd = fs_walk(rootfd, "", false, bad, sizeof(bad));
	cr_expect_neq(fd, -1);
	if (fd != -1)
		close(fd);
	close(rootfd);
	free(outside);
	free(link);
}

Test(fsutil, kinds_and_git_detection)
{
	char err[256], *d = scratch_at("repo"), *bare = scratch_at("bare.git"), *e = scratch_at("empty");

	cr_assert_eq(fs_mkdir_p(e, err, sizeof(err)), 0);
	cr_expect_eq(fs_dir_is_empty(e), 1);
	cr_expect_eq(fs_is_git_repo(e), 0);
	cr_assert_eq(mkdirs("repo/.git/x"), 0);
	cr_expect_eq(fs_is_git_repo(d), 1);
	cr_expect_eq(fs_dir_is_empty(d), 0);
	cr_assert_eq(mkdirs("bare.git/objects"), 0);
	cr_assert_eq(mkdirs("bare.git/refs"), 0);
	cr_expect_eq(fs_is_git_repo(bare), 0, "no HEAD yet");
	touch("bare.git/HEAD");
	cr_expect_eq(fs_is_git_repo(bare), 1);
	free(d);
	free(bare);
	free(e);
}

/*
 * --follow-symlinks: a link in the first `links` components is followed
 * to the user's own directory; deeper ones, and a link to a directory of
 * another user's, are not.
 */
Test(fsutil, walk_links_follows_only_the_users_links_it_may)
{
	char bad[256], why[512], *mine = scratch_at("big"), *theirs = scratch_at("theirs");
	char *link = scratch_at("ws/src"), *deep = scratch_at("big/a/deep");
	int rootfd, fd;

	cr_assert_eq(mkdirs("ws"), 0);
	cr_assert_eq(mkdirs("big/a"), 0);
	cr_assert_eq(symlink(mine, link), 0);
	cr_assert_eq(symlink(mine, deep), 0);
	rootfd = open(scratch_root, O_RDONLY | O_DIRECTORY);
	cr_assert_neq(rootfd, -1);
	cr_expect_eq(fs_walk_links(rootfd, "ws/src/a", 1, false, bad, sizeof(bad)), -1,
	    "ws/src is the second component");
	cr_expect_eq(errno, ELOOP);
	fd = fs_walk_links(rootfd, "ws/src/a", 2, true, bad, sizeof(bad));
	cr_expect_neq(fd, -1, "followed: %s", strerror(errno));
	if (fd != -1)
		close(fd);
	cr_expect_eq(fs_walk_links(rootfd, "ws/src/a/deep/x", 2, true, bad, sizeof(bad)), -1,
	    "a link past the budget");
	cr_expect_eq(errno, ELOOP);
	cr_expect_str_eq(bad, "ws/src/a/deep");
	cr_expect_eq(fs_kind(mine), FS_DIR);
	if (geteuid() == 0) {
		cr_assert_eq(mkdir(theirs, 0777), 0);
		cr_assert_eq(chown(theirs, 65534, 65534), 0);
		cr_assert_eq(unlink(link), 0);
		cr_assert_eq(symlink(theirs, link), 0);
		cr_expect_eq(fs_walk_links(rootfd, "ws/src", 2, false, bad, sizeof(bad)), -1);
		cr_expect_eq(errno, EPERM);
		cr_expect(fs_walk_refused(EPERM));
		fs_walk_why(EPERM, bad, why, sizeof(why));
		cr_expect(strstr(why, "ws/src is a symbolic link to a directory another user owns") != NULL,
		    "%s", why);
	}
	close(rootfd);
	free(mine);
	free(theirs);
	free(link);
	free(deep);
}
