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
	s.c.received_objects = 50;
	cr_expect_eq(progress_percent(&s), 25);
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
	cr_expect_eq(progress_eta_ms(&p, 1100), -1, "nothing done yet");

	a->result.bytes = 1100000;
	queue_finish(&q, a, JOB_CLONED, 2000);
	progress_finish(&p, 0, a);
	cr_expect_eq(p.count[JOB_CLONED], 1);
	cr_expect_eq(p.bytes_done, 1100000);
	cr_expect_eq(progress_running(&p), 1);
	cr_expect_eq(progress_done(&p), 1);
	/* 1 of 4 done in 2 s, nothing known about b: 6 s to go. */
	cr_expect_eq(progress_eta_ms(&p, 2000), 6000);
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
