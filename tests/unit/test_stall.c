#include <criterion/criterion.h>

#include <string.h>

#include "stall.h"

static const struct stall_limits limits = { 5000, 1024, 10000 };

static struct msg_progress
pack(uint64_t bytes, uint32_t objects)
{
	struct msg_progress p;

	memset(&p, 0, sizeof(p));
	p.received_bytes = bytes;
	p.pack_bytes = bytes;
	p.received_objects = objects;
	return p;
}

Test(stall, silence_is_a_stall)
{
	struct stall s;
	char why[256];

	stall_start(&s, 0);
	cr_expect_eq(stall_check(&s, &limits, 4999, why, sizeof(why)), 0);
	cr_expect_eq(stall_check(&s, &limits, 5000, why, sizeof(why)), 1);
	cr_expect(strstr(why, "no progress for 5s") != NULL, "%s", why);
}

Test(stall, chatter_is_not_progress)
{
	struct stall s;
	struct msg_progress p = pack(0, 0);
	char why[256];
	int64_t t;

	stall_start(&s, 0);
	stall_phase(&s, PHASE_RECEIVE, 0);
	/* Messages keep coming, the counters and the pack do not move
	 * (but for the drift of less than a buffer libgit2's count has). */
	for (t = 100; t < 6000; t += 100) {
		p.received_bytes += 50000;
		p.pack_bytes = t % 1000 == 0 ? 60000 : 0;
		stall_progress(&s, &p, t);
	}
	cr_expect_eq(stall_check(&s, &limits, 6000, why, sizeof(why)), 1,
	    "chatter kept the job alive");
}

Test(stall, pack_objects_and_files_are_progress)
{
	struct stall s;
	struct msg_progress p = pack(0, 0);
	char why[256];

	stall_start(&s, 0);
	stall_phase(&s, PHASE_RECEIVE, 0);
	p = pack(STALL_MIN_BYTES, 0);		/* one large object arriving */
	stall_progress(&s, &p, 4000);
	cr_expect_eq(stall_check(&s, &limits, 8000, why, sizeof(why)), 0);
	p.received_objects = 1;
	stall_progress(&s, &p, 8500);
	cr_expect_eq(stall_check(&s, &limits, 13000, why, sizeof(why)), 0);
	stall_phase(&s, PHASE_CHECKOUT, 13000);
	p.checkout_done = 10;
	stall_progress(&s, &p, 17000);
	cr_expect_eq(stall_check(&s, &limits, 21000, why, sizeof(why)), 0);
	cr_expect_eq(stall_check(&s, &limits, 22000, why, sizeof(why)), 1);
}

Test(stall, low_speed_is_averaged_over_its_window)
{
	struct stall s;
	struct msg_progress p;
	char why[256];
	uint32_t i;

	stall_start(&s, 0);
	stall_phase(&s, PHASE_RECEIVE, 0);
	/* 800 B/s, one object a second: progress, but too slow. */
	for (i = 1; i <= 10; i++) {
		p = pack(800 * i, i);
		stall_progress(&s, &p, 1000 * i);
	}
	cr_expect_eq(stall_check(&s, &limits, 9999, why, sizeof(why)), 0);
	cr_expect_eq(stall_check(&s, &limits, 10000, why, sizeof(why)), 1);
	cr_expect(strstr(why, "below --low-speed-limit 1.0 KiB/s") != NULL, "%s",
	    why);
	/* 2 KB/s passes its window, and the next window starts there. */
	stall_start(&s, 0);
	stall_phase(&s, PHASE_RECEIVE, 0);
	for (i = 1; i <= 10; i++) {
		p = pack(2000 * i, i);
		stall_progress(&s, &p, 1000 * i);
	}
	cr_expect_eq(stall_check(&s, &limits, 10000, why, sizeof(why)), 0);
	p = pack(20000, 10);
	stall_progress(&s, &p, 14000);
	cr_expect_eq(stall_check(&s, &limits, 14500, why, sizeof(why)), 0);
	/* Resolving deltas receives nothing: no low-speed rule there. */
	stall_phase(&s, PHASE_RESOLVE, 15000);
	cr_expect_eq(stall_check(&s, &limits, 19000, why, sizeof(why)), 0);
}
