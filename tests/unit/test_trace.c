/*
 * The timeline of a scripted run, compared byte for byte with
 * tests/golden/trace.json (GITHERD_UPDATE_GOLDEN=1 rewrites it; the
 * integration suite also runs tests/lib/tracecheck.py over it).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"
#include "queue.h"
#include "trace.h"

static void
load(struct manifest *m)
{
	static const char text[] =
	    "repos:\n"
	    "  - url: https://user:SEKRET@e.com/alpha.git\n"
	    "  - url: https://e.com/b.git\n"
	    "    path: 'b \"q\" \xe6\x97\xa5'\n"
	    "  - url: https://e.com/gamma.git\n";
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "t.yaml", text, strlen(text), &d), 0,
	    "%s", d.n > 0 ? d.v[0].msg : "");
	diags_release(&d);
}

static void
golden(const struct buf *got)
{
	const char *path = "tests/golden/trace.json";
	struct buf want = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	if (getenv("GITHERD_UPDATE_GOLDEN") != NULL) {
		cr_assert_not_null(f = fopen(path, "wb"));
		fwrite(got->data, 1, got->len, f);
		fclose(f);
	}
	cr_assert_not_null(f = fopen(path, "rb"), "missing %s", path);
	buf_init(&want);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&want, chunk, n);
	fclose(f);
	cr_expect(got->len == want.len && memcmp(got->data, want.data,
	    got->len) == 0, "the trace differs from %s:\n%s", path, got->data);
	buf_release(&want);
}

Test(trace, a_run_with_phases_retries_and_counters)
{
	struct manifest m;
	struct queue q;
	struct trace t;
	struct buf out = BUF_INIT;
	struct job *a, *b, *g;

	load(&m);
	queue_init(&q, &m);
	trace_init(&t, true, 2, 1000);
	a = queue_next(&q, 1000);
	b = queue_next(&q, 1000);
	trace_start(&t, 0, a, 1000);
	trace_start(&t, 1, b, 1000);
	trace_counters(&t, 3, 0, 1000, true);
	trace_phase(&t, 0, PHASE_RECEIVE, 1100);
	trace_counters(&t, 3, 5e6, 1150, false);	/* too soon: none */
	trace_end(&t, 1, "network", 1200);		/* b's first try */
	trace_wait(&t, b, 1000, 1200);
	g = queue_next(&q, 1200);
	trace_start(&t, 1, g, 1200);
	trace_end(&t, 1, "server", 1250);		/* overlapping waits */
	trace_wait(&t, g, 500, 1250);
	trace_phase(&t, 0, PHASE_CHECKOUT, 1300);
	trace_counters(&t, 3, 1.5e6, 1300, false);
	trace_end(&t, 0, "cloned", 1400);
	b->tries++;
	trace_start(&t, 0, b, 2200);			/* b again, other slot */
	trace_wait(&t, g, 100, 2300);			/* reuses lane 1 */
	trace_end(&t, 0, "cloned", 2500);
	trace_start(&t, 1, g, 2400);			/* open at the end */
	trace_format(&t, &out, 2600);
	golden(&out);
	cr_expect_null(strstr(out.data, "SEKRET"), "a credential in the trace");
	cr_expect_null(memchr(out.data, 0x1b, out.len), "an escape byte");
	cr_expect(strstr(out.data, "\"tid\":1001") != NULL,
	    "a second wait lane for the overlapping wait");
	cr_expect_null(strstr(out.data, "\"tid\":1002"), "lane 1 reused");
	cr_expect(strstr(out.data, "still running at the end") != NULL);
	buf_release(&out);
	trace_release(&t);
	queue_release(&q);
	manifest_release(&m);
}

Test(trace, off_records_nothing)
{
	struct manifest m;
	struct queue q;
	struct trace t;
	struct job *a;

	load(&m);
	queue_init(&q, &m);
	trace_init(&t, false, 2, 0);
	a = queue_next(&q, 0);
	trace_start(&t, 0, a, 0);
	trace_phase(&t, 0, PHASE_RECEIVE, 10);
	trace_end(&t, 0, "cloned", 20);
	trace_wait(&t, a, 100, 20);
	trace_counters(&t, 1, 1, 30, true);
	cr_expect_eq(t.events.len, 0);
	trace_release(&t);
	queue_release(&q);
	manifest_release(&m);
}
