/*
 * Scheduling decisions: longest expected first, per-host limits, shards.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"
#include "schedule.h"

static void
load(struct manifest *m, const char *text)
{
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "s.yaml", text, strlen(text), &d), 0,
	    "%s", d.n ? d.v[0].msg : "");
	diags_release(&d);
}

Test(schedule, longest_first_then_unknown_in_manifest_order)
{
	const int64_t cost[] = { 10, -1, 500, 10, -1, 90 };
	unsigned order[6];
	const unsigned want[] = { 2, 5, 0, 3, 1, 4 };
	size_t i;

	schedule_order(cost, 6, order);
	for (i = 0; i < 6; i++)
		cr_expect_eq(order[i], want[i], "position %zu", i);
}

Test(schedule, cost_from_history_or_size_hint)
{
	struct history_entry e = { .path = "x", .clone_ms = 800,
	    .clone_bytes = 4000, .update_ms = 12 };
	struct history_entry never = { .path = "y", .clone_ms = -1,
	    .update_ms = -1 };

	cr_expect_eq(schedule_cost(&e, false, 0, 5.0), 800, "last clone");
	cr_expect_eq(schedule_cost(&e, true, 0, 5.0), 12, "last update");
	cr_expect_eq(schedule_cost(&never, true, 1000, 5.0), -1,
	    "no update measured: unknown, whatever the hint");
	cr_expect_eq(schedule_cost(NULL, false, 1000, 5.0), 201,
	    "hint at the measured speed");
	cr_expect_eq(schedule_cost(NULL, false, 0, 5.0), -1);
}

Test(schedule, clone_speed_from_history)
{
	struct history h;

	history_init(&h);
	cr_expect_gt(schedule_clone_speed(&h), 0, "a default");
	history_note(&h, "a", true, 100, 1000);
	history_note(&h, "b", true, 300, 3000);
	history_note(&h, "c", false, 5, 0);
	cr_expect_float_eq(schedule_clone_speed(&h), 10.0, 1e-9);
	history_release(&h);
}

Test(schedule, host_limits_from_option_and_manifest)
{
	struct manifest m;
	struct host_plan p;
	size_t i;

	load(&m, "hosts:\n"
	    "  a.example:\n    jobs: 2\n"
	    "  b.example:8443:\n    jobs: 1\n"
	    "repos:\n"
	    "  - url: https://A.example/x.git\n"
	    "  - url: git@a.example:y.git\n"
	    "  - url: https://b.example:8443/z.git\n"
	    "  - url: https://b.example/w.git\n"
	    "  - url: https://c.example:443/v.git\n");
	schedule_hosts(&m, 3, &p);
	cr_assert_eq(p.nhosts, 4, "a, b:8443, b, c (443 is https's own)");
	cr_expect_eq(p.host_of[0], p.host_of[1], "one host, two schemes");
	cr_expect_str_eq(p.names[p.host_of[0]], "a.example");
	cr_expect_eq(p.limit[p.host_of[0]], 2);
	cr_expect_str_eq(p.names[p.host_of[2]], "b.example:8443");
	cr_expect_eq(p.limit[p.host_of[2]], 1, "exact host:port rule");
	cr_expect_eq(p.limit[p.host_of[3]], 3, "other port: --per-host");
	cr_expect_str_eq(p.names[p.host_of[4]], "c.example");
	cr_expect_eq(p.limit[p.host_of[4]], 3);
	for (i = 0; i < m.nrepos; i++)
		cr_expect_lt(p.host_of[i], p.nhosts);
	host_plan_release(&p);
	manifest_release(&m);
}

/* n entries, every third with a size hint growing with its index. */
static void
load_many(struct manifest *m, int n, bool hints)
{
	struct buf b = BUF_INIT;
	int i;

	buf_init(&b);
	buf_addstr(&b, "repos:\n");
	for (i = 0; i < n; i++) {
		buf_addf(&b, "  - url: https://h.example/r%03d.git\n", i);
		if (hints && i % 3 == 0)
			buf_addf(&b, "    size_hint: %dk\n", 10 * (i + 1));
	}
	load(m, b.data);
	buf_release(&b);
}

Test(schedule, shards_cover_every_entry_once_and_deterministically)
{
	struct manifest m;
	unsigned a[200], b[200], count[7];
	unsigned n, s;
	size_t i;

	load_many(&m, 200, false);
	for (n = 1; n <= 7; n++) {
		memset(count, 0, sizeof(count));
		schedule_shards(&m, n, a);
		schedule_shards(&m, n, b);
		for (i = 0; i < m.nrepos; i++) {
			cr_assert_lt(a[i], n);
			cr_expect_eq(a[i], b[i], "same split twice");
			count[a[i]]++;
		}
		for (s = 0; s < n; s++)
			cr_expect(count[s] == 200 / n || count[s] == 200 / n + 1,
			    "%u shards: shard %u has %u entries", n, s, count[s]);
	}
	manifest_release(&m);
}

Test(schedule, shards_balance_size_hints)
{
	struct manifest m;
	unsigned shard_of[300];
	uint64_t load[4] = { 0 }, total = 0, max = 0;
	size_t i;

	load_many(&m, 300, true);
	schedule_shards(&m, 4, shard_of);
	for (i = 0; i < m.nrepos; i++) {
		uint64_t w = m.repos[i].size_hint ? m.repos[i].size_hint :
		    10240 * 150;	/* about the mean hint */

		load[shard_of[i]] += w;
		total += w;
	}
	for (i = 0; i < 4; i++)
		if (load[i] > max)
			max = load[i];
	/* Greedy LPT: within the largest single weight of the mean. */
	cr_expect_leq(max, total / 4 + 10240 * 300,
	    "heaviest shard %llu, mean %llu", (unsigned long long)max,
	    (unsigned long long)(total / 4));
	manifest_release(&m);
}

Test(schedule, manifest_keep_drops_the_rest)
{
	struct manifest m;
	bool keep[200];
	size_t i;

	load_many(&m, 200, false);
	for (i = 0; i < 200; i++)
		keep[i] = i % 2 == 1;
	manifest_keep(&m, keep);
	cr_assert_eq(m.nrepos, 100);
	cr_expect_str_eq(m.repos[0].path, "r001");
	cr_expect_str_eq(m.repos[99].path, "r199");
	manifest_release(&m);
}

/* Adding one entry to 1,000 moves that entry only; removing it, none. */
Test(schedule, hash_shards_move_only_the_entry_added)
{
	struct manifest a, b;
	unsigned before[1000], after[1001], count[4] = { 0 };
	size_t i, moved = 0;

	load_many(&a, 1000, false);
	load_many(&b, 1001, false);
	schedule_shards_by_hash(&a, 4, before);
	schedule_shards_by_hash(&b, 4, after);
	for (i = 0; i < 1000; i++) {
		cr_assert_str_eq(a.repos[i].path, b.repos[i].path);
		moved += before[i] != after[i];
		count[before[i]]++;
	}
	cr_expect_eq(moved, 0, "%zu entries moved", moved);
	for (i = 0; i < 4; i++)
		cr_expect(count[i] > 200 && count[i] < 300,
		    "shard %zu has %u of 1,000", i, count[i]);
	/* the size split, for contrast, moves many */
	schedule_shards(&a, 4, before);
	schedule_shards(&b, 4, after);
	for (moved = 0, i = 0; i < 1000; i++)
		moved += before[i] != after[i];
	cr_expect_gt(moved, 1, "the balanced split moved %zu", moved);
	manifest_release(&a);
	manifest_release(&b);
}
