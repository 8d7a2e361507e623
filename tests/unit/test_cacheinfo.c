/*
 * Reading a cache directory: entries with their URL, size (hard links
 * once, the part linked outside as shared), last use, lock and
 * borrowers; leftovers of dead processes; names of the layout that are
 * not what it says, left alone; everything else not looked at.
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
#include "fsutil.h"
#include "scratch.h"
#include "xmalloc.h"

#define A	"example.org_a-0123456789ab.git"
#define B	"example.org_b-ba9876543210.git"

TestSuite(cacheinfo, .init = scratch_init, .fini = scratch_fini);

/* A file of n KiB of data (not sparse). */
static void
blob(const char *rel, size_t kib)
{
	char chunk[1024], *p = scratch_at(rel);
	FILE *f = fopen(p, "w");
	size_t i;

	cr_assert_not_null(f, "%s", p);
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < kib; i++)
		fwrite(chunk, 1, sizeof(chunk), f);
	fclose(f);
	free(p);
}

static uint64_t
disk(const char *rel)
{
	char *p = scratch_at(rel);
	struct stat st;

	cr_assert_eq(lstat(p, &st), 0, "%s", p);
	free(p);
	return (uint64_t)st.st_blocks * 512;
}

static void
age(const char *rel, time_t seconds)
{
	struct timespec ts[2];
	char *p = scratch_at(rel);

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - seconds;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	cr_assert_eq(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0, "%s",
	    p);
	free(p);
}

/* An entry as a worker leaves one, used seconds ago, with a pack. */
static void
entry(const char *name, const char *url, time_t used)
{
	char *p;

	scratch_dir(name);
	p = xasprintf("%s/objects", name);
	scratch_dir(p);
	free(p);
	p = xasprintf("%s/objects/pack", name);
	scratch_dir(p);
	free(p);
	p = xasprintf("%s/objects/pack/p.pack", name);
	blob(p, 16);
	free(p);
	p = xasprintf("%s/githerd-url", name);
	scratch_put(p, url);
	free(p);
	p = xasprintf("%s/githerd-used", name);
	scratch_put(p, "");
	age(p, used);
	free(p);
}

static void
scan(struct cacheinfo *c)
{
	char err[512];

	cacheinfo_init(c);
	cr_assert_eq(cacheinfo_scan(c, scratch_root, err, sizeof(err)), 0, "%s", err);
}

static const struct cacheinfo_entry *
find(const struct cacheinfo *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

Test(cacheinfo, names_of_the_layout)
{
	cr_expect_eq(cacheinfo_stem(A), strlen(A) - 4);
	cr_expect_eq(cacheinfo_stem(A ".tmp-123"), strlen(A) - 4);
	cr_expect_eq(cacheinfo_stem("host.git-0123456789ab.git"), 21);
	cr_expect_eq(cacheinfo_stem("random.git"), 0);
	cr_expect_eq(cacheinfo_stem("x-0123456789AB.git"), 0, "upper hex");
	cr_expect_eq(cacheinfo_stem("x-0123456789ab.lock"), 0);
	cr_expect_eq(cacheinfo_stem(".x-0123456789ab.git"), 0);
	cr_expect_eq(cacheinfo_stem("x y-0123456789ab.git"), 0);
	cr_expect_eq(cacheinfo_stem(A ".tmp-"), 0);
	cr_expect_eq(cacheinfo_stem(A ".tmp-0"), 0);
	cr_expect_eq(cacheinfo_stem(A ".tmp-12x"), 0);
	cr_expect_eq(cacheinfo_stem("-0123456789ab.git"), 0);
}

Test(cacheinfo, entries_with_url_size_and_last_use)
{
	struct cacheinfo c;
	const struct cacheinfo_entry *a, *b;
	time_t now = time(NULL);

	entry(B, "https://example.org/b.git", 3600);
	entry(A, "https://***@example.org/a.git\n", 40 * 86400);
	scan(&c);
	cr_assert_eq(c.n, 2);
	cr_expect_str_eq(c.v[0].name, A, "sorted by name");
	a = &c.v[0];
	b = &c.v[1];
	cr_expect_eq(a->kind, CACHEINFO_ENTRY);
	cr_expect_str_eq(a->url, "https://***@example.org/a.git", "one line");
	cr_expect_geq(a->size, disk(A "/objects/pack/p.pack") + disk(A));
	cr_expect_eq(a->shared, 0);
	cr_expect(a->last_use >= now - 40 * 86400 - 2 &&
	    a->last_use <= now - 40 * 86400 + 2, "githerd-used's mtime");
	cr_expect(b->last_use >= now - 3602 && b->last_use <= now - 3598);
	cr_expect(!a->in_use && a->borrowers == 0);
	cacheinfo_release(&c);
}

Test(cacheinfo, last_use_without_githerd_used_is_the_directory_s)
{
	struct cacheinfo c;
	char *used = scratch_at(A "/githerd-used");
	time_t now = time(NULL);

	entry(A, "https://example.org/a.git", 0);
	cr_assert_eq(unlink(used), 0);
	age(A, 5 * 86400);
	scan(&c);
	cr_assert_eq(c.n, 1);
	cr_expect(c.v[0].last_use <= now - 5 * 86400 + 2);
	cacheinfo_release(&c);
	free(used);
}

/* Once per cache, in the first entry met; what is linked outside is shared. */
Test(cacheinfo, hard_links_count_once)
{
	struct cacheinfo c;
	char *pack = scratch_at(A "/objects/pack/p.pack");
	char *twin = scratch_at(B "/objects/pack/twin.pack");
	char *out = xasprintf("%s-outside.pack", scratch_root);
	uint64_t p, before;

	entry(A, "https://example.org/a.git", 0);
	entry(B, "https://example.org/b.git", 0);
	p = disk(A "/objects/pack/p.pack");
	scan(&c);
	before = c.v[0].size + c.v[1].size;
	cacheinfo_release(&c);
	cr_assert_eq(link(pack, twin), 0);
	scan(&c);
	cr_expect_eq(c.v[0].size + c.v[1].size, before, "counted once");
	cr_expect_eq(c.v[0].shared + c.v[1].shared, 0);
	cacheinfo_release(&c);
	cr_assert_eq(link(pack, out), 0);
	scan(&c);
	cr_expect_eq(c.v[0].size + c.v[1].size, before);
	cr_expect_eq(c.v[0].shared + c.v[1].shared, p, "linked outside");
	cacheinfo_release(&c);
	unlink(out);
	free(pack);
	free(twin);
	free(out);
}

Test(cacheinfo, a_held_lock_is_in_use)
{
	struct cacheinfo c;
	char *lock = scratch_at("example.org_a-0123456789ab.lock");
	int fd;

	entry(A, "https://example.org/a.git", 0);
	scan(&c);
	cr_expect(!c.v[0].in_use, "no lock file: not in use");
	cacheinfo_release(&c);
	fd = open(lock, O_RDWR | O_CREAT, 0666);
	cr_assert_neq(fd, -1);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	scan(&c);
	cr_expect(c.v[0].in_use);
	cacheinfo_release(&c);
	close(fd);
	scan(&c);
	cr_expect(!c.v[0].in_use, "let go");
	cacheinfo_release(&c);
	free(lock);
}

/* A checkout borrowing from A: DIR/co-N/.git/objects/info/alternates. */
static char *
borrower(int n, const char *alternates)
{
	char *rel = xasprintf("co-%d", n), *p;

	scratch_dir(rel);
	free(rel);
	rel = xasprintf("co-%d/objects", n);
	scratch_dir(rel);
	free(rel);
	rel = xasprintf("co-%d/objects/info", n);
	scratch_dir(rel);
	free(rel);
	if (alternates != NULL) {
		rel = xasprintf("co-%d/objects/info/alternates", n);
		scratch_put(rel, alternates);
		free(rel);
	}
	p = xasprintf("%s/co-%d/objects", scratch_root, n);
	return p;
}

Test(cacheinfo, borrowers_count_while_their_alternates_name_the_entry)
{
	struct cacheinfo c;
	char *objs = scratch_at(A "/objects"), *alt, *lines;
	char *b1, *b2, *b3, *b4, *gone = scratch_at("co-gone/objects");

	entry(A, "https://example.org/a.git", 0);
	alt = xasprintf("# a comment\n/nowhere\n%s\n", objs);
	b1 = borrower(1, alt);
	b2 = borrower(2, "/somewhere/else/objects\n");
	b3 = borrower(3, "../../" A "/objects\n");	/* relative */
	b4 = borrower(4, NULL);				/* none any more */
	lines = xasprintf("%s\n%s\n%s\n%s\n%s\nrelative/objects\n\n", b1, b2, b3,
	    b4, gone);
	scratch_put(A "/githerd-borrowers", lines);
	scan(&c);
	cr_assert_eq(c.n, 1, "the checkouts are not githerd's names");
	cr_expect_eq(c.v[0].borrowers, 2, "b1 and b3 still borrow");
	cacheinfo_release(&c);
	free(objs);
	free(alt);
	free(lines);
	free(b1);
	free(b2);
	free(b3);
	free(b4);
	free(gone);
}

Test(cacheinfo, an_unreadable_borrowers_file_is_taken_as_borrowed)
{
	struct cacheinfo c;
	char *file = scratch_at(A "/githerd-borrowers"), *target = scratch_at("elsewhere");

	entry(A, "https://example.org/a.git", 0);
	scratch_put("elsewhere", "");
	cr_assert_eq(symlink(target, file), 0);
	scan(&c);
	cr_expect_eq(c.v[0].borrowers, CACHEINFO_BORROWERS_UNKNOWN);
	cacheinfo_release(&c);
	free(file);
	free(target);
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

Test(cacheinfo, only_the_layout_and_nothing_followed)
{
	struct cacheinfo c;
	const struct cacheinfo_entry *e;
	char *name, *junk, *target = scratch_at("elsewhere"), *link;

	entry("elsewhere", "https://example.org/x.git", 0);
	link = scratch_at("example.org_link-0123456789ab.git");
	cr_assert_eq(symlink(target, link), 0);
	scratch_put("example.org_file-0123456789ab.git", "");
	scratch_dir("example.org_nourl-0123456789ab.git");
	scratch_dir("random.git");
	scratch_put("notes.txt", "");
	scratch_put("example.org_a-0123456789ab.lock", "");
	name = xasprintf(A ".tmp-%ld", dead_pid());
	scratch_dir(name);
	junk = xasprintf("%s/junk", name);
	blob(junk, 8);
	scratch_dir(A ".tmp-1");	/* init: alive, so being made */
	scan(&c);
	cr_assert_eq(c.n, 4, "link, file, no url, leftover");
	e = find(&c, "example.org_link-0123456789ab.git");
	cr_assert_not_null(e);
	cr_expect_eq(e->kind, CACHEINFO_LEFT_ALONE);
	cr_expect(strstr(e->why, "symbolic link") != NULL, "%s", e->why);
	e = find(&c, "example.org_file-0123456789ab.git");
	cr_assert_not_null(e);
	cr_expect_str_eq(e->why, "not a directory");
	e = find(&c, "example.org_nourl-0123456789ab.git");
	cr_assert_not_null(e);
	cr_expect_eq(e->kind, CACHEINFO_LEFT_ALONE);
	e = find(&c, name);
	cr_assert_not_null(e);
	cr_expect_eq(e->kind, CACHEINFO_LEFTOVER);
	cr_expect_geq(e->size, 8192);
	cacheinfo_release(&c);
	free(name);
	free(junk);
	free(target);
	free(link);
}

Test(cacheinfo, a_missing_cache_says_so)
{
	struct cacheinfo c;
	char err[512], *missing = scratch_at("none");

	cacheinfo_init(&c);
	cr_expect_eq(cacheinfo_scan(&c, missing, err, sizeof(err)), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect(strstr(err, missing) != NULL, "%s", err);
	cacheinfo_release(&c);
	free(missing);
}

/* A FIFO where a file should be: read as unreadable, never waited on. */
Test(cacheinfo, a_fifo_is_never_waited_on, .timeout = 5)
{
	struct cacheinfo c;
	char *url = scratch_at("example.org_b-ba9876543210.git/githerd-url");
	char *borrowers = scratch_at(A "/githerd-borrowers");
	char *lock = scratch_at("example.org_a-0123456789ab.lock");
	char *alt = xasprintf("%s/co/objects/info/alternates", scratch_root), *line;
	const struct cacheinfo_entry *e;

	entry(A, "https://example.org/a.git", 0);
	scratch_dir("example.org_b-ba9876543210.git");
	cr_assert_eq(mkfifo(url, 0600), 0);
	cr_assert_eq(mkfifo(lock, 0600), 0);
	cr_assert_eq(mkfifo(borrowers, 0600), 0);
	scan(&c);
	e = find(&c, "example.org_b-ba9876543210.git");
	cr_assert_not_null(e);
	cr_expect_eq(e->kind, CACHEINFO_LEFT_ALONE, "no readable githerd-url");
	e = find(&c, A);
	cr_assert_not_null(e);
	cr_expect_eq(e->borrowers, CACHEINFO_BORROWERS_UNKNOWN);
	cacheinfo_release(&c);
	/* A borrower's alternates as a FIFO: cannot be checked, so it counts. */
	cr_assert_eq(unlink(borrowers), 0);
	scratch_dir("co");
	scratch_dir("co/objects");
	scratch_dir("co/objects/info");
	cr_assert_eq(mkfifo(alt, 0600), 0);
	line = xasprintf("%s/co/objects\n", scratch_root);
	scratch_put(A "/githerd-borrowers", line);
	scan(&c);
	cr_expect_eq(find(&c, A)->borrowers, 1);
	cacheinfo_release(&c);
	free(url);
	free(borrowers);
	free(lock);
	free(alt);
	free(line);
}
