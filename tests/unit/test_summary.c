/*
 * The end-of-run tables: the utilisation line, from jobs whose times are
 * set by hand.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "buf.h"
#include "diags.h"
#include "manifest.h"
#include "progress.h"
#include "queue.h"
#include "summary.h"

static void
load(struct manifest *m)
{
	static const char text[] =
	    "repos:\n"
	    "  - url: https://e.com/big.git\n"
	    "  - url: https://e.com/a.git\n"
	    "  - url: https://e.com/b.git\n";
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "r.yaml", text, strlen(text), &d), 0);
	diags_release(&d);
}

/*
 * Two slots, 10 s: big runs 1-10 s, a 0-4 s, b 4-6 s.  Both slots are
 * busy from 1 to 6 s: 50%.  Work is 9 + 4 + 2 = 15 s, so the bound is
 * max(9 s, 7.5 s) = 9 s: the longest job, which started 1 s late.
 */
Test(summary, utilisation_names_the_busy_share_the_longest_job_and_the_bound)
{
	struct manifest m;
	struct queue q;
	struct progress p;
	struct buf out = BUF_INIT;
	struct job *big, *a, *b;

	load(&m);
	queue_init(&q, &m);
	progress_init(&p, 2, q.njobs, 0);
	big = queue_next(&q, 1000);	/* the manifest's first */
	a = queue_next(&q, 0);
	queue_finish(&q, a, JOB_CLONED, 4000);
	b = queue_next(&q, 4000);
	queue_finish(&q, b, JOB_CLONED, 6000);
	queue_finish(&q, big, JOB_CLONED, 10000);
	buf_init(&out);
	summary_utilisation(&out, &q, &p, 10000, 2);
	cr_expect_str_eq(out.data, "githerd: 10.0s on 2 slots: all busy 50% of "
	    "the time; longest big 9.0s, started at 1.0s; lower bound 9.0s (max "
	    "of the longest job and 15.0s of work / 2)\n");
	buf_release(&out);
	progress_release(&p);
	queue_release(&q);
	manifest_release(&m);
}

/* A vcstool entry of another type: counted, and named with its type. */
Test(summary, unsupported_entries_are_counted_and_named)
{
	static const char text[] =
	    "repositories:\n"
	    "  src/a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  src/old:\n    type: svn\n    url: svn://e.com/old\n";
	struct manifest m;
	struct diags d;
	struct queue q;
	struct progress p;
	struct buf out = BUF_INIT;
	struct job *a;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "r.repos", text, strlen(text), &d), 0);
	diags_release(&d);
	queue_init(&q, &m);
	progress_init(&p, 1, q.njobs, 0);
	a = queue_next(&q, 0);
	queue_finish(&q, a, JOB_CLONED, 1000);
	buf_init(&out);
	summary_sync(&out, &q, &p, 1000, false);
	cr_expect(strstr(out.data, ": 1 cloned, 0 updated, 0 up to date, 1 "
	    "unsupported (") != NULL, "%s", out.data);
	cr_expect(strstr(out.data, "\n  unsupported src/old (type svn)\n") !=
	    NULL, "%s", out.data);
	buf_reset(&out);
	summary_status(&out, &q, false);
	cr_expect(strstr(out.data, "src/old  unsupported (type svn)\n") != NULL,
	    "%s", out.data);
	buf_release(&out);
	progress_release(&p);
	queue_release(&q);
	manifest_release(&m);
}
