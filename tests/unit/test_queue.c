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
	cr_expect_str_eq(b->result.message, "gone");
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

Test(queue, retries_back_off_with_jitter_up_to_the_cap)
{
	struct manifest m;
	struct queue q;
	struct job *a;
	struct retry_policy p = { 3, 1000, 5000, 0 };
	int64_t d, now = 0;

	load(&m, 2);
	queue_init(&q, &m);
	queue_seed(&q, 42);
	a = queue_next(&q, now);
	cr_assert_eq(a->id, 0);
	a->result.err_class = ERR_NETWORK;
	a->result.message = strdup("reset");
	d = queue_retry(&q, a, &p, 0, 100);
	cr_expect(d >= 750 && d <= 1250, "first delay ~1 s with jitter: %lld",
	    (long long)d);
	cr_expect_eq(a->state, JOB_PENDING);
	cr_expect_eq(a->nattempts, 1);
	cr_expect_str_eq(a->attempts[0].message, "reset");
	cr_expect_eq(queue_next_retry(&q), 100 + d);
	/* Not due yet: the next fresh job goes first. */
	cr_expect_eq(queue_next(&q, 200)->id, 1);
	cr_expect_null(queue_next(&q, 200));
	a = queue_next(&q, 100 + d);
	cr_assert_not_null(a, "due");
	cr_expect_eq(a->id, 0);
	cr_expect_eq(a->tries, 2);
	a->result.err_class = ERR_SERVER;
	d = queue_retry(&q, a, &p, 0, 5000);
	cr_expect(d >= 1500 && d <= 2500, "second delay ~2 s: %lld", (long long)d);
	a = queue_next(&q, 5000 + d);
	a->result.err_class = ERR_RATE_LIMITED;
	d = queue_retry(&q, a, &p, 30000, 10000);
	cr_expect_eq(d, 5000, "Retry-After, within the cap");
	a = queue_next(&q, 10000 + d);
	a->result.err_class = ERR_TIMEOUT;
	cr_expect_eq(queue_retry(&q, a, &p, 0, 20000), -1, "out of tries");
	queue_release(&q);
	manifest_release(&m);
}

/* --timeout is the budget of every try of a job, not of each one. */
Test(queue, no_retry_starts_once_the_timeout_budget_is_spent)
{
	struct manifest m;
	struct queue q;
	struct job *a;
	struct retry_policy p = { 3, 1000, 5000, 4000 };
	int64_t d;

	load(&m, 1);
	queue_init(&q, &m);
	queue_seed(&q, 42);
	a = queue_next(&q, 0);
	a->result.err_class = ERR_NETWORK;
	a->result.message = strdup("reset");
	d = queue_retry(&q, a, &p, 0, 500);
	cr_expect(d > 0, "within the budget: tried again");
	a = queue_next(&q, 500 + d);
	cr_assert_not_null(a);
	a->result.err_class = ERR_TIMEOUT;
	a->result.message = strdup("took longer than 4s");
	cr_expect_eq(queue_retry(&q, a, &p, 0, 4000), -1, "the budget is spent");
	cr_expect_eq(a->nattempts, 1, "the last failure stays the result");
	cr_expect_str_eq(a->result.message, "took longer than 4s");
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, permanent_failures_are_not_retried)
{
	struct manifest m;
	struct queue q;
	struct job *a;
	struct retry_policy p = { 3, 1000, 60000, 0 };
	static const enum err_class permanent[] = {
		ERR_AUTH, ERR_NOT_FOUND, ERR_BAD_REF, ERR_CERTIFICATE,
		ERR_LOCAL_CONFLICT, ERR_DISK, ERR_INTERNAL, ERR_CANCELLED,
	};
	size_t i;

	load(&m, 1);
	queue_init(&q, &m);
	for (i = 0; i < sizeof(permanent) / sizeof(permanent[0]); i++)
		cr_expect(!queue_retryable(permanent[i]), "%s",
		    errclass_name(permanent[i]));
	cr_expect(queue_retryable(ERR_CRASHED), "a killed worker's job");
	a = queue_next(&q, 0);
	a->result.err_class = ERR_NOT_FOUND;
	cr_expect_eq(queue_retry(&q, a, &p, 0, 1), -1);
	cr_expect_eq(a->state, JOB_RUNNING, "left for the caller to fail");
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, jobs_start_in_the_order_given)
{
	struct manifest m;
	struct queue q;
	const unsigned order[] = { 3, 0, 2, 1 };
	size_t i;

	load(&m, 4);
	queue_init(&q, &m);
	queue_set_order(&q, order);
	for (i = 0; i < 4; i++)
		cr_expect_eq(queue_next(&q, 10)->id, order[i], "start %zu", i);
	cr_expect_null(queue_next(&q, 11));
	queue_release(&q);
	manifest_release(&m);
}

/*
 * A simulated run on three hosts: whatever finishes, no host ever has
 * more running than its limit, and no slot waits while any host has room.
 */
Test(queue, host_limits_are_never_exceeded_and_slots_never_wait)
{
	struct manifest m;
	struct queue q;
	/* 30 jobs: 0-19 on host 0 (limit 2), 20-24 on host 1 (limit 1),
	 * 25-29 on host 2 (no limit) */
	unsigned host_of[30], running[3] = { 0 };
	const unsigned limit[] = { 2, 1, 0 };
	struct job *slot[6] = { NULL };
	size_t i, s, started = 0, finished = 0, step;

	load(&m, 30);
	for (i = 0; i < 30; i++)
		host_of[i] = i < 20 ? 0 : i < 25 ? 1 : 2;
	queue_init(&q, &m);
	queue_set_hosts(&q, host_of, limit, 3);
	for (step = 0; finished < 30; step++) {
		cr_assert_lt(step, 1000);
		for (s = 0; s < 6; s++) {
			if (slot[s] != NULL)
				continue;
			if ((slot[s] = queue_next(&q, (int64_t)step)) == NULL)
				continue;
			running[host_of[slot[s]->id]]++;
			started++;
		}
		for (i = 0; i < 3; i++)
			cr_assert(limit[i] == 0 || running[i] <= limit[i],
			    "host %zu runs %u (limit %u)", i, running[i],
			    limit[i]);
		/* An idle slot is only allowed when nothing could start. */
		for (s = 0; s < 6; s++)
			if (slot[s] == NULL)
				cr_assert_eq(queue_startable(&q), 0,
				    "slot %zu idle while work could start", s);
		/* Finish one job, a different slot each step. */
		s = step % 6;
		if (slot[s] == NULL)
			for (s = 0; s < 6 && slot[s] == NULL; s++)
				;
		if (s < 6) {
			running[host_of[slot[s]->id]]--;
			queue_finish(&q, slot[s], JOB_CLONED, (int64_t)step);
			slot[s] = NULL;
			finished++;
		}
	}
	cr_expect_eq(started, 30);
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, a_retry_waits_for_room_on_its_host)
{
	struct manifest m;
	struct queue q;
	const unsigned host_of[] = { 0, 0, 1 }, limit[] = { 1, 0 };
	const struct retry_policy p = { .retries = 3, .base_ms = 10,
	    .cap_ms = 1000 };
	struct job *a, *b, *c;

	load(&m, 3);
	queue_init(&q, &m);
	queue_seed(&q, 1);
	queue_set_hosts(&q, host_of, limit, 2);
	a = queue_next(&q, 0);
	cr_expect_eq(a->id, 0);
	c = queue_next(&q, 0);
	cr_expect_eq(c->id, 2, "job 1 waits: host 0 is full");
	queue_fail(&q, a, ERR_NETWORK, "reset", 5);
	cr_assert_geq(queue_retry(&q, a, &p, 0, 5), 0);
	b = queue_next(&q, 6);
	cr_expect_eq(b->id, 1, "the retry is not due: job 1 takes the room");
	cr_expect_null(queue_next(&q, 100), "due, but host 0 is full");
	queue_finish(&q, b, JOB_CLONED, 101);
	a = queue_next(&q, 102);
	cr_assert_not_null(a);
	cr_expect_eq(a->id, 0);
	cr_expect_eq(a->tries, 2);
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, another_type_is_final_from_the_start_and_never_runs)
{
	static const char text[] =
	    "repositories:\n"
	    "  a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  b:\n    type: hg\n    url: https://e.com/b\n";
	struct manifest m;
	struct diags d;
	struct queue q;
	struct job *j;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "q.repos", text, strlen(text), &d), 0);
	diags_release(&d);
	queue_init(&q, &m);
	cr_expect_eq(q.count[JOB_PENDING], 1);
	cr_expect_eq(q.count[JOB_UNSUPPORTED], 1);
	cr_expect_str_eq(q.jobs[1].result.message, "unsupported (type hg)");
	cr_expect_eq(queue_startable(&q), 1);
	j = queue_next(&q, 1);
	cr_assert_not_null(j);
	cr_expect_eq(j->id, 0);
	cr_expect_null(queue_next(&q, 2), "b is never handed out");
	queue_finish(&q, j, JOB_CLONED, 3);
	cr_expect(queue_idle(&q));
	cr_expect_eq(queue_finished(&q), 2);
	queue_release(&q);
	manifest_release(&m);
}

static void
load_text(struct manifest *m, const char *text)
{
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "q.repos", text, strlen(text), &d), 0);
	diags_release(&d);
}

/*
 * A nested entry waits for its outer one, as vcs import's do; the slots
 * take other jobs meanwhile, and it is startable only once its outer job
 * is final, whatever became of it (the worker then looks at the disk).
 */
Test(queue, an_inner_entry_waits_for_its_outer_one)
{
	static const char text[] =
	    "repositories:\n"
	    "  src/a/b:\n    type: git\n    url: https://e.com/b.git\n"
	    "  src/a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  src/a/b/c:\n    type: git\n    url: https://e.com/c.git\n"
	    "  other:\n    type: git\n    url: https://e.com/o.git\n";
	static const unsigned host_of[] = { 0, 0, 0, 0 }, limit[] = { 2 };
	struct manifest m;
	struct queue q;
	struct job *a, *b, *c, *o;

	load_text(&m, text);
	queue_init(&q, &m);
	queue_set_hosts(&q, host_of, limit, 1);
	cr_expect_eq(q.nblocked, 2, "b waits for a, c for b");
	cr_expect_eq(q.jobs[0].outer, 1);
	cr_expect_eq(queue_startable(&q), 2, "a and other");
	a = queue_next(&q, 1);
	cr_assert_not_null(a);
	cr_expect_str_eq(a->spec->path, "src/a", "b, first in order, waits");
	o = queue_next(&q, 2);
	cr_assert_not_null(o);
	cr_expect_str_eq(o->spec->path, "other", "the slot takes other work");
	cr_expect_null(queue_next(&q, 3));
	cr_expect_eq(queue_startable(&q), 0);
	queue_fail(&q, a, ERR_NETWORK, "reset", 4);
	cr_expect_eq(q.nblocked, 1, "a failed: b may look for itself");
	cr_expect_eq(queue_startable(&q), 1, "b, in the host's room");
	queue_finish(&q, o, JOB_CLONED, 5);
	cr_expect_eq(queue_startable(&q), 1, "c still waits");
	b = queue_next(&q, 6);
	cr_assert_not_null(b);
	cr_expect_str_eq(b->spec->path, "src/a/b");
	cr_expect_null(queue_next(&q, 7), "c waits for b");
	queue_finish(&q, b, JOB_CLONED, 8);
	c = queue_next(&q, 9);
	cr_assert_not_null(c);
	cr_expect_str_eq(c->spec->path, "src/a/b/c");
	queue_finish(&q, c, JOB_CLONED, 10);
	cr_expect(queue_idle(&q));
	cr_expect_eq(q.nblocked, 0);
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, a_waiting_entry_is_cancelled_with_the_rest)
{
	static const char text[] =
	    "repositories:\n"
	    "  a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  a/b:\n    type: git\n    url: https://e.com/b.git\n";
	struct manifest m;
	struct queue q;
	struct job *a;

	load_text(&m, text);
	queue_init(&q, &m);
	a = queue_next(&q, 1);
	cr_expect_eq(queue_cancel_pending(&q, 2), 1);
	cr_expect_eq(q.jobs[1].state, JOB_CANCELLED);
	cr_expect_eq(q.nblocked, 0);
	queue_finish(&q, a, JOB_CLONED, 3);
	cr_expect(queue_idle(&q));
	queue_release(&q);
	manifest_release(&m);
}

Test(queue, an_inner_entry_alone_does_not_wait)
{
	static const char text[] =
	    "repositories:\n"
	    "  a:\n    type: git\n    url: https://e.com/a.git\n"
	    "  a/b:\n    type: git\n    url: https://e.com/b.git\n";
	struct manifest m;
	bool keep[] = { false, true };
	struct queue q;

	load_text(&m, text);
	manifest_keep(&m, keep);
	queue_init(&q, &m);
	cr_expect_eq(q.nblocked, 0, "its outer entry is not in this run");
	cr_expect_not_null(queue_next(&q, 1));
	queue_release(&q);
	manifest_release(&m);
}
