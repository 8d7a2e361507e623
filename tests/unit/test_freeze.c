/* freeze output must parse back as a manifest that pins every entry. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "freeze.h"
#include "yamltree.h"
#include "manifest.h"
#include "queue.h"

#define SHA1 "0123456789abcdef0123456789abcdef01234567"
#define SHA2 "89abcdef0123456789abcdef0123456789abcdef"

static void
parse(struct manifest *m, const char *name, const char *text)
{
	struct diags d;
	char *err;

	diags_init(&d);
	if (manifest_parse(m, name, text, strlen(text), &d) == -1) {
		err = diags_format(&d);
		cr_assert_fail("%s does not parse:\n%s\n%s", name, err, text);
	}
	diags_release(&d);
}

static void
checked(struct queue *q, size_t i, const char *head)
{
	struct job *j = &q->jobs[i];

	queue_next(q, 0);
	strcpy(j->result.head, head);
	j->result.state = ES_OK;
	queue_finish(q, j, JOB_CHECKED, 1);
}

Test(freeze, githerd_round_trip)
{
	static const char text[] =
	    "hosts:\n  e.com:\n    jobs: 3\n"
	    "defaults:\n  groups: [core, tools]\n  depth: 2\n"
	    "repos:\n"
	    "  - url: https://e.com/a.git\n    branch: dev\n    submodules: true\n"
	    "    size_hint: 2M\n"
	    "  - url: git://e.com/b\n    path: \"sp ace/\\\"b\\\"\"\n    tag: v1\n    bare: true\n"
	    "  - url: https://e.com/m.git\n    mirror: true\n    depth: 0\n";
	struct manifest m, lock;
	struct queue q;
	struct buf out = BUF_INIT, warn = BUF_INIT;

	parse(&m, "in.yaml", text);
	queue_init(&q, &m);
	checked(&q, 0, SHA1);
	checked(&q, 1, SHA2);
	checked(&q, 2, SHA1);
	buf_init(&out);
	buf_init(&warn);
	cr_assert_eq(freeze_write(&out, &m, NULL, &q, false, false, &warn), 0, "%s", warn.data);
	parse(&lock, "lock.yaml", out.data);
	cr_assert_eq(lock.nrepos, 3);
	cr_expect_eq(lock.repos[0].ref_kind, REF_COMMIT);
	cr_expect_str_eq(lock.repos[0].ref, SHA1);
	cr_expect(lock.repos[0].submodules);
	cr_expect_eq(lock.repos[0].depth, 2, "defaults are written out");
	cr_expect_eq(lock.repos[0].ngroups, 2);
	cr_expect_str_eq(lock.repos[0].groups[1], "tools");
	cr_expect_eq(lock.repos[0].size_hint, 2 << 20, "size hints are kept");
	cr_assert_eq(lock.nhosts, 1, "so are host limits");
	cr_expect_str_eq(lock.hosts[0].host, "e.com");
	cr_expect_eq(lock.hosts[0].jobs, 3);
	cr_expect_str_eq(lock.repos[1].path, "sp ace/\"b\"");
	cr_expect_str_eq(lock.repos[1].ref, SHA2);
	cr_expect(lock.repos[1].bare);
	cr_expect(lock.repos[2].mirror, "a mirror stays a mirror");
	cr_expect_eq(lock.repos[2].ref_kind, REF_DEFAULT, "mirrors are not pinned");
	manifest_release(&lock);
	queue_release(&q);
	manifest_release(&m);
	buf_release(&out);
	buf_release(&warn);
}

Test(freeze, vcstool_round_trip_and_what_cannot_be_pinned)
{
	static const char text[] =
	    "repositories:\n"
	    "  src/a:\n    type: git\n    url: https://e.com/a.git\n    version: main\n"
	    "  src/b:\n    type: git\n    url: https://e.com/b.git\n";
	struct manifest m, lock;
	struct queue q;
	struct buf out = BUF_INIT, warn = BUF_INIT;

	parse(&m, "in.repos", text);
	queue_init(&q, &m);
	checked(&q, 0, SHA1);
	queue_next(&q, 0);
	q.jobs[1].result.state = ES_MISSING;
	q.jobs[1].result.message = strdup("missing");
	queue_finish(&q, &q.jobs[1], JOB_CHECKED, 1);
	buf_init(&out);
	buf_init(&warn);
	cr_expect_eq(freeze_write(&out, &m, NULL, &q, false, false, &warn), -1);
	cr_expect(strstr(warn.data, "src/b: missing; kept unpinned") != NULL, "%s",
	    warn.data);
	parse(&lock, "lock.repos", out.data);
	cr_assert_eq(lock.format, MANIFEST_VCSTOOL);
	cr_expect_eq(lock.repos[0].ref_kind, REF_COMMIT);
	cr_expect_str_eq(lock.repos[0].ref, SHA1);
	cr_expect_eq(lock.repos[1].ref_kind, REF_DEFAULT, "kept as it was");
	manifest_release(&lock);
	queue_release(&q);
	manifest_release(&m);
	buf_release(&out);
	buf_release(&warn);
}

static void
on_branch(struct queue *q, size_t i, const char *branch, bool on_remote,
    unsigned unpushed)
{
	struct job *j = &q->jobs[i];

	checked(q, i, SHA1);
	j->result.branch = branch != NULL ? strdup(branch) : NULL;
	j->result.branch_on_remote = on_remote;
	j->result.unpushed = unpushed;
}

/*
 * --branches writes what vcs export writes: the branch, the commit where
 * HEAD is detached; a branch origin lacks makes the lock file local.
 */
Test(freeze, branches_instead_of_commits)
{
	static const char text[] =
	    "repos:\n"
	    "  - url: https://e.com/a.git\n    branch: dev\n"
	    "  - url: https://e.com/b.git\n    tag: v1\n"
	    "  - url: https://e.com/c.git\n"
	    "  - url: https://e.com/d.git\n";
	static const char vtext[] =
	    "repositories:\n"
	    "  a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  b:\n    type: git\n    url: https://e.com/b.git\n";
	struct manifest m, lock;
	struct queue q;
	struct buf out = BUF_INIT, warn = BUF_INIT;

	parse(&m, "in.yaml", text);
	queue_init(&q, &m);
	on_branch(&q, 0, "dev", true, 2);
	on_branch(&q, 1, NULL, false, 0);	/* detached at the tag */
	on_branch(&q, 2, "main", true, 0);
	on_branch(&q, 3, "topic", false, 0);
	buf_init(&out);
	buf_init(&warn);
	cr_expect_eq(freeze_write(&out, &m, NULL, &q, true, false, &warn), 1);
	cr_expect(strstr(warn.data, "d: branch topic is not on origin") != NULL,
	    "%s", warn.data);
	cr_expect(strstr(warn.data, "warning: a: 2 commits on branch dev are "
	    "on no remote-tracking branch") != NULL, "%s", warn.data);
	cr_expect(strstr(out.data, "at the branch that was checked out") !=
	    NULL, "%s", out.data);
	parse(&lock, "lock.yaml", out.data);
	cr_assert_eq(lock.nrepos, 4);
	cr_expect_eq(lock.repos[0].ref_kind, REF_BRANCH);
	cr_expect_str_eq(lock.repos[0].ref, "dev");
	cr_expect_eq(lock.repos[1].ref_kind, REF_COMMIT, "detached: the commit");
	cr_expect_str_eq(lock.repos[1].ref, SHA1);
	cr_expect_eq(lock.repos[2].ref_kind, REF_BRANCH);
	cr_expect_str_eq(lock.repos[2].ref, "main");
	cr_expect_str_eq(lock.repos[3].ref, "topic", "written all the same");
	manifest_release(&lock);
	queue_release(&q);
	manifest_release(&m);

	buf_reset(&out);
	buf_reset(&warn);
	parse(&m, "in.repos", vtext);
	queue_init(&q, &m);
	on_branch(&q, 0, "main", true, 0);
	on_branch(&q, 1, NULL, false, 0);
	cr_expect_eq(freeze_write(&out, &m, NULL, &q, true, false, &warn), 0, "%s",
	    warn.data);
	cr_expect(strstr(out.data, "    version: \"main\"\n") != NULL, "%s",
	    out.data);
	cr_expect(strstr(out.data, "    version: \"" SHA1 "\"\n") != NULL,
	    "%s", out.data);
	queue_release(&q);
	manifest_release(&m);
	buf_release(&out);
	buf_release(&warn);
}

Test(freeze, quoting)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	yaml_quote(&b, "a\"b\\c\td\x01");
	cr_expect_str_eq(b.data, "\"a\\\"b\\\\c\\x09d\\x01\"");
	buf_release(&b);
}

Test(freeze, another_type_is_written_back_as_it_was)
{
	static const char text[] =
	    "repositories:\n"
	    "  src/a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  src/old:\n    type: svn\n    url: svn://e.com/old/trunk\n"
	    "    version: 1234\n";
	struct manifest m, lock;
	struct queue q;
	struct buf out = BUF_INIT, warn = BUF_INIT;

	parse(&m, "in.repos", text);
	queue_init(&q, &m);
	checked(&q, 0, SHA1);
	cr_expect_eq(q.jobs[1].state, JOB_UNSUPPORTED, "never started");
	buf_init(&out);
	buf_init(&warn);
	cr_expect_eq(freeze_write(&out, &m, NULL, &q, false, false, &warn), -1);
	cr_expect(strstr(warn.data, "src/old: unsupported (type svn): kept as "
	    "written, unpinned") != NULL, "%s", warn.data);
	buf_reset(&out);
	cr_expect_eq(freeze_write(&out, &m, NULL, &q, false, true, &warn), 0,
	    "--ignore-unsupported");
	parse(&lock, "lock.repos", out.data);
	cr_assert_eq(lock.nrepos, 2);
	cr_expect_str_eq(lock.repos[0].ref, SHA1);
	cr_expect_str_eq(lock.repos[1].vcs_type, "svn");
	cr_expect_str_eq(lock.repos[1].url, "svn://e.com/old/trunk");
	cr_expect_str_eq(lock.repos[1].ref, "1234");
	manifest_release(&lock);
	queue_release(&q);
	manifest_release(&m);
	buf_release(&out);
	buf_release(&warn);
}

Test(freeze, west_round_trip)
{
	static const char text[] =
	    "manifest:\n"
	    "  remotes: [{name: up, url-base: 'https://e.com/z'}]\n"
	    "  defaults: {remote: up, revision: main}\n"
	    "  group-filter: [-opt]\n"
	    "  projects:\n"
	    "    - {name: a, path: mod/a, clone-depth: 1, groups: [hal]}\n"
	    "    - name: b\n      revision: pull/4/head\n"
	    "      submodules: [{path: x/y}]\n"
	    "    - {name: c, groups: [opt]}\n";
	struct manifest m, lock;
	struct queue q;
	struct buf out = BUF_INIT, warn = BUF_INIT;

	parse(&m, "west.yml", text);
	queue_init(&q, &m);
	checked(&q, 0, SHA1);
	checked(&q, 1, SHA2);
	checked(&q, 2, SHA1);
	buf_init(&out);
	buf_init(&warn);
	cr_assert_eq(freeze_write(&out, &m, NULL, &q, false, false, &warn), 0,
	    "%s", warn.data);
	parse(&lock, "lock.yml", out.data);
	cr_assert_eq(lock.format, MANIFEST_WEST);
	cr_assert_eq(lock.nrepos, 3, "%s", out.data);
	cr_expect_str_eq(lock.repos[0].name, "a");
	cr_expect_str_eq(lock.repos[0].url, "https://e.com/z/a");
	cr_expect_str_eq(lock.repos[0].path, "mod/a");
	cr_expect_eq(lock.repos[0].ref_kind, REF_COMMIT);
	cr_expect_str_eq(lock.repos[0].ref, SHA1);
	cr_expect_eq(lock.repos[0].depth, 1);
	cr_expect_str_eq(lock.repos[1].ref, SHA2);
	cr_expect_str_eq(lock.repos[1].submodule_paths, "x/y");
	cr_expect(lock.repos[2].inactive, "the group-filter is kept");
	cr_expect(!lock.repos[0].inactive);
	manifest_release(&lock);
	queue_release(&q);
	manifest_release(&m);
	buf_release(&out);
	buf_release(&warn);
}
