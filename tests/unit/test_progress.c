#include <criterion/criterion.h>

#include <string.h>

#include "manifest.h"
#include "progress.h"
#include "queue.h"

static struct manifest m;
static struct queue q;

static void
setup(void)
{
	static const char text[] = "repos:\n  - url: https://e.com/a.git\n"
	    "  - url: https://e.com/b.git\n  - url: https://e.com/c.git\n"
	    "  - url: https://e.com/d.git\n";
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "p.yaml", text, strlen(text), &d), 0);
	diags_release(&d);
	queue_init(&q, &m);
}

static void
teardown(void)
{
	queue_release(&q);
	manifest_release(&m);
}

TestSuite(progress, .init = setup, .fini = teardown);

Test(progress, percent_per_phase)
{
	struct job_progress s;

	memset(&s, 0, sizeof(s));
	s.phase = PHASE_CONNECT;
	cr_expect_eq(progress_percent(&s), -1);
	s.phase = PHASE_RECEIVE;
	cr_expect_eq(progress_percent(&s), -1, "total unknown yet");
	s.c.total_objects = 200;
	s.c.received_objects = 40;
	s.c.received_bytes = 720;
	cr_expect_eq(progress_percent(&s), -1,
	    "objects are no measure of a transfer: no percent without bytes");
	s.expect_bytes = 1000;
	cr_expect_eq(progress_percent(&s), 72, "bytes against the last clone");
	s.c.received_bytes = 1500;
	cr_expect_eq(progress_percent(&s), 99, "a guess never says done");
	s.phase = PHASE_RESOLVE;
	s.c.total_deltas = 10;
	s.c.indexed_deltas = 9;
	cr_expect_eq(progress_percent(&s), 90);
	s.phase = PHASE_CHECKOUT;
	s.c.checkout_total = 4;
	s.c.checkout_done = 4;
	cr_expect_eq(progress_percent(&s), 100);
}

Test(progress, rate_and_counts)
{
	struct progress p;
	struct msg_progress c;
	struct job *a = queue_next(&q, 0), *b = queue_next(&q, 0);

	progress_init(&p, 2, q.njobs, 0);
	progress_start(&p, 0, a, 0);
	progress_start(&p, 1, b, 0);
	cr_expect_eq(progress_running(&p), 2);
	progress_phase(&p, 0, PHASE_RECEIVE, 0);
	memset(&c, 0, sizeof(c));
	c.received_bytes = 1000000;
	progress_update(&p, 0, &c, 1000);	/* 1 MB in 1 s */
	cr_expect_float_eq(p.slots[0].rate, 1000000.0, 1.0);
	cr_expect_float_eq(progress_rate(&p), 1000000.0, 1.0);
	c.received_bytes = 1100000;
	progress_update(&p, 0, &c, 1100);	/* too soon for a new sample */
	cr_expect_float_eq(p.slots[0].rate, 1000000.0, 1.0);
	cr_expect_eq(progress_eta_ms(&p, 1100), -1, "no history: no ETA");

	a->result.bytes = 1100000;
	queue_finish(&q, a, JOB_CLONED, 2000);
	progress_finish(&p, 0, a);
	cr_expect_eq(p.count[JOB_CLONED], 1);
	cr_expect_eq(p.bytes_done, 1100000);
	cr_expect_eq(progress_running(&p), 1);
	cr_expect_eq(progress_done(&p), 1);
	cr_expect_eq(progress_eta_ms(&p, 2000), -1,
	    "never a guess from the share of jobs done");
	queue_fail(&q, b, ERR_NETWORK, "x", 2500);
	progress_finish(&p, 1, b);
	cr_expect_eq(p.count[JOB_FAILED], 1);
	progress_release(&p);
}

Test(progress, submodule_counters_restart)
{
	struct progress p;
	struct msg_progress c;
	struct job *a = queue_next(&q, 0);

	progress_init(&p, 1, q.njobs, 0);
	progress_start(&p, 0, a, 0);
	memset(&c, 0, sizeof(c));
	c.received_bytes = 5000;
	progress_update(&p, 0, &c, 600);
	c.received_bytes = 100;		/* a new fetch began */
	progress_update(&p, 0, &c, 1200);
	cr_expect_geq(p.slots[0].rate, 0.0, "rate never goes negative");
	progress_release(&p);
}

/*
 * With a record of every job left, the ETA lays them out on the slots in
 * queue order; one job without a record, or one past its record, and
 * there is none.
 */
Test(progress, eta_from_the_history_of_each_entry)
{
	int64_t expect[4] = { 4000, 1000, 3000, 2000 };
	struct progress p;
	struct job *a = queue_next(&q, 0), *b = queue_next(&q, 0);

	progress_init(&p, 2, q.njobs, 0);
	progress_expect(&p, &q, expect, NULL);
	progress_start(&p, 0, a, 0);
	progress_start(&p, 1, b, 0);
	/* at 500: a frees at 3500, b at 500; c (3 s) goes on b's slot
	 * until 3500, d (2 s) after that: done 5500 ms from now */
	cr_expect_eq(progress_eta_ms(&p, 500), 5500);
	expect[3] = -1;
	cr_expect_eq(progress_eta_ms(&p, 500), -1, "d was never measured");
	expect[3] = 2000;
	cr_expect_eq(progress_eta_ms(&p, 1500), -1, "b outlasted its record");
	queue_finish(&q, b, JOB_CLONED, 900);
	progress_finish(&p, 1, b);
	/* from 1500: c on the free slot until 3000, a frees at 2500 and
	 * d takes it until 4500 */
	cr_expect_eq(progress_eta_ms(&p, 1500), 4500);
	progress_release(&p);
}
