/*
 * Pruning a cache directory: whole entries unused since the cutoff go,
 * under their lock, renamed aside first; one in use, borrowed, or used
 * since the scan stays; dead leftovers go; links are never followed.
 */
#include <criterion/criterion.h>

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cacheinfo.h"
#include "cacheprune.h"
#include "fsutil.h"
#include "scratch.h"
#include "xmalloc.h"

#define OLD	"example.org_old-0123456789ab"
#define NEW	"example.org_new-ba9876543210"
#define DAY	86400

TestSuite(cacheprune, .init = scratch_init, .fini = scratch_fini);

static void
used(const char *stem, time_t ago)
{
	struct timespec ts[2];
	char *p = xasprintf("%s/%s.git/githerd-used", scratch_root, stem);

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - ago;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0, "%s", p);
	free(p);
}

/* DIR/<stem>.git and its lock file, as a worker leaves them. */
static void
entry(const char *stem, time_t ago)
{
	char *p = xasprintf("%s.git", stem);

	scratch_dir(p);
	free(p);
	p = xasprintf("%s.git/objects", stem);
	scratch_dir(p);
	free(p);
	p = xasprintf("%s.git/objects/pack.pack", stem);
	scratch_put(p, "PACK");
	free(p);
	p = xasprintf("%s.git/githerd-url", stem);
	scratch_put(p, "https://example.org/x.git");
	free(p);
	p = xasprintf("%s.git/githerd-used", stem);
	scratch_put(p, "");
	free(p);
	used(stem, ago);
	p = xasprintf("%s.lock", stem);
	scratch_put(p, "");
	free(p);
}

static void
scan(struct cacheinfo *c)
{
	char err[512];

	cacheinfo_init(c);
	cr_assert_eq(cacheinfo_scan(c, scratch_root, err, sizeof(err)), 0, "%s", err);
}

static struct cacheinfo_entry *
find(struct cacheinfo *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	cr_assert_fail("no %s in the scan", name);
	return NULL;
}

/* The verdict of the scan, and of the removal when that is REMOVE. */
static enum cacheprune_verdict
prune(struct cacheinfo *c, const char *name, time_t cutoff)
{
	struct cacheinfo_entry *e = find(c, name);
	enum cacheprune_verdict v = cacheprune_verdict(e, cutoff);
	char err[512];

	if (v == CACHEPRUNE_REMOVE)
		cr_assert_eq(cacheprune_remove(c, e, cutoff, &v, err,
		    sizeof(err)), 0, "%s", err);
	return v;
}

/* Nothing named .tmp- is left in the cache. */
static void
expect_nothing_aside(void)
{
	char *cmd = xasprintf("ls %s | grep -q tmp-", scratch_root);

	cr_expect_neq(system(cmd), 0, "a .tmp- left in %s", scratch_root);
	free(cmd);
}

Test(cacheprune, what_is_old_and_idle_goes_whole)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;

	entry(OLD, 40 * DAY);
	entry(NEW, 2 * DAY);
	scan(&c);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_REMOVE);
	cr_expect_eq(prune(&c, NEW ".git", cutoff), CACHEPRUNE_RECENT);
	cacheinfo_release(&c);
	cr_expect(!scratch_exists(OLD ".git"));
	cr_expect(scratch_exists(OLD ".lock"), "the lock file stays");
	cr_expect(scratch_exists(NEW ".git/objects/pack.pack"));
	expect_nothing_aside();
}

Test(cacheprune, an_entry_in_use_stays)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;
	char *lock = scratch_at(OLD ".lock");
	int fd;

	entry(OLD, 40 * DAY);
	fd = open(lock, O_RDWR);
	cr_assert_neq(fd, -1);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	scan(&c);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_IN_USE);
	cacheinfo_release(&c);
	close(fd);
	/* Taken between the scan and the removal: still kept. */
	scan(&c);
	fd = open(lock, O_RDWR);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_IN_USE);
	cr_expect(find(&c, OLD ".git")->in_use, "says so, for its line");
	cacheinfo_release(&c);
	close(fd);
	cr_expect(scratch_exists(OLD ".git/objects/pack.pack"));
	free(lock);
}

Test(cacheprune, an_entry_used_since_the_scan_stays)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;

	entry(OLD, 40 * DAY);
	scan(&c);
	used(OLD, 0);		/* a run came by */
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_RECENT);
	cacheinfo_release(&c);
	cr_expect(scratch_exists(OLD ".git/objects/pack.pack"));
}

Test(cacheprune, a_borrowed_entry_stays_a_stale_borrower_does_not_count)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;
	char *objs = scratch_at(OLD ".git/objects"), *alt, *line;

	entry(OLD, 40 * DAY);
	scratch_dir("co");
	scratch_dir("co/objects");
	scratch_dir("co/objects/info");
	alt = xasprintf("%s\n", objs);
	scratch_put("co/objects/info/alternates", alt);
	line = xasprintf("%s/co/objects\n%s/gone/objects\n", scratch_root, scratch_root);
	scratch_put(OLD ".git/githerd-borrowers", line);
	scan(&c);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_BORROWED);
	cacheinfo_release(&c);
	/* The checkout gave the cache up (git repack -a; rm alternates). */
	scratch_put("co/objects/info/alternates", "");
	scan(&c);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_REMOVE);
	cacheinfo_release(&c);
	cr_expect(!scratch_exists(OLD ".git"));
	cr_expect(scratch_exists("co/objects/info"), "the checkout is not touched");
	free(objs);
	free(alt);
	free(line);
}

/* Borrowed between the scan and the removal: asked again under the lock. */
Test(cacheprune, a_borrower_since_the_scan_counts)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;
	char *objs = scratch_at(OLD ".git/objects"), *alt, *line;

	entry(OLD, 40 * DAY);
	scan(&c);
	scratch_dir("co");
	scratch_dir("co/objects");
	scratch_dir("co/objects/info");
	alt = xasprintf("%s\n", objs);
	scratch_put("co/objects/info/alternates", alt);
	line = xasprintf("%s/co/objects\n", scratch_root);
	scratch_put(OLD ".git/githerd-borrowers", line);
	used(OLD, 40 * DAY);
	cr_expect_eq(prune(&c, OLD ".git", cutoff), CACHEPRUNE_BORROWED);
	cr_expect_eq(find(&c, OLD ".git")->borrowers, 1, "found under the lock");
	cacheinfo_release(&c);
	cr_expect(scratch_exists(OLD ".git/objects/pack.pack"));
	free(objs);
	free(alt);
	free(line);
}

static long
dead_pid(void)
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

Test(cacheprune, dead_leftovers_go_links_are_never_followed)
{
	struct cacheinfo c;
	time_t cutoff = time(NULL) - 30 * DAY;
	char *left = xasprintf(OLD ".git.tmp-%ld", dead_pid()), *p;
	char *target = scratch_at("elsewhere"), *link = scratch_at(NEW ".git");

	scratch_dir(left);
	p = xasprintf("%s/objects", left);
	scratch_dir(p);
	free(p);
	scratch_dir("elsewhere");
	scratch_put("elsewhere/githerd-url", "https://example.org/x.git");
	scratch_put("elsewhere/keep", "");
	cr_assert_eq(symlink(target, link), 0);
	scan(&c);
	cr_expect_eq(prune(&c, left, cutoff), CACHEPRUNE_REMOVE);
	cr_expect_eq(prune(&c, NEW ".git", 0), CACHEPRUNE_LEFT_ALONE);
	cacheinfo_release(&c);
	cr_expect(!scratch_exists(left));
	cr_expect(scratch_exists(NEW ".git"), "the link itself stays");
	cr_expect(scratch_exists("elsewhere/keep"), "and what it points to");
	free(left);
	free(target);
	free(link);
}

Test(cacheprune, an_entry_gone_meanwhile_is_no_error)
{
	struct cacheinfo c;
	struct cacheinfo_entry *e;
	enum cacheprune_verdict v;
	char err[512], *git = scratch_at(OLD ".git");

	entry(OLD, 40 * DAY);
	scan(&c);
	cr_assert_eq(fs_rmtree(git), 0);
	e = find(&c, OLD ".git");
	cr_expect_eq(cacheprune_remove(&c, e, time(NULL), &v, err, sizeof(err)),
	    0);
	cr_expect_eq(v, CACHEPRUNE_GONE);
	cacheinfo_release(&c);
	free(git);
}

/* A link put in its place after the scan: not followed, left alone. */
Test(cacheprune, an_entry_swapped_for_a_link_is_left_alone)
{
	struct cacheinfo c;
	char *git = scratch_at(OLD ".git"), *moved = scratch_at("moved");

	entry(OLD, 40 * DAY);
	scan(&c);
	cr_assert_eq(rename(git, moved), 0);
	cr_assert_eq(symlink(moved, git), 0);
	cr_expect_eq(prune(&c, OLD ".git", time(NULL)), CACHEPRUNE_LEFT_ALONE);
	cr_expect_str_eq(find(&c, OLD ".git")->why, "no longer a directory");
	cacheinfo_release(&c);
	cr_expect(scratch_exists("moved/objects/pack.pack"), "followed the link");
	cr_expect(scratch_exists(OLD ".git"));
	free(git);
	free(moved);
}
