#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "manifest.h"
#include "queue.h"

static void
load(struct manifest *m, int n)
{
	struct diags d;
	char text[4096];
	size_t off;
	int i;

	off = (size_t)snprintf(text, sizeof(text), "repos:\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "  - url: https://e.com/r%d.git\n", i);
	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "q.yaml", text, off, &d), 0);
	diags_release(&d);
}

Test(queue, jobs_leave_in_manifest_order)
{
	struct manifest m;
	struct queue q;
	struct job *a, *b, *c;

	load(&m, 3);
	queue_init(&q, &m);
	cr_expect_eq(q.count[JOB_PENDING], 3);
	a = queue_next(&q, 10);
	b = queue_next(&q, 11);
	cr_expect_eq(a->id, 0);
	cr_expect_eq(b->id, 1);
	cr_expect_eq(a->state, JOB_RUNNING);
	cr_expect_eq(q.count[JOB_RUNNING], 2);
	queue_finish(&q, a, JOB_CLONED, 20);
	queue_fail(&q, b, ERR_NOT_FOUND, "gone", 21);
	cr_expect_eq(b->state, JOB_FAILED);
	cr_expect_str_eq(b->message, "gone");
	cr_expect_eq(a->end_ms - a->start_ms, 10);
	c = queue_next(&q, 30);
	cr_expect_eq(c->id, 2);
	cr_expect_null(queue_next(&q, 31));
	cr_expect(!queue_idle(&q));
	queue_finish(&q, c, JOB_UNCHANGED, 40);
	cr_expect(queue_idle(&q));
	cr_expect_eq(queue_finished(&q), 3);
	cr_expect_eq(q.count[JOB_CLONED] + q.count[JOB_FAILED] + q.count[JOB_UNCHANGED], 3);
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, cancel_pending_leaves_running_alone)
{
	struct manifest m;
	struct queue q;
	struct job *a;

	load(&m, 5);
	queue_init(&q, &m);
	a = queue_next(&q, 1);
	cr_expect_eq(queue_cancel_pending(&q, 2), 4);
	cr_expect_eq(q.count[JOB_CANCELLED], 4);
	cr_expect_eq(a->state, JOB_RUNNING);
	cr_expect_null(queue_next(&q, 3));
	queue_fail(&q, a, ERR_CANCELLED, "cancelled", 4);
	cr_expect_eq(a->state, JOB_CANCELLED, "a cancelled error is not a failure");
	cr_expect(queue_idle(&q));
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, empty_manifest)
{
	struct manifest m;
	struct queue q;

	load(&m, 0);
	queue_init(&q, &m);
	cr_expect(queue_idle(&q));
	cr_expect_null(queue_next(&q, 0));
	queue_release(&q);
	manifest_release(&m);
}
