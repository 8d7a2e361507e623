/*
 * The views, fed a scripted run at a fixed width and fixed times, are
 * compared byte for byte with tests/golden/.  GITHERD_UPDATE_GOLDEN=1
 * rewrites the golden files (review the diff before committing).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "line.h"
#include "manifest.h"
#include "progress.h"
#include "queue.h"
#include "sanitize.h"
#include "summary.h"
#include "term.h"
#include "view.h"
#include "xmalloc.h"

static void
compare_golden(const char *name, const struct buf *got)
{
	char path[256];
	FILE *f;
	struct buf want = BUF_INIT;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof(path), "tests/golden/%s", name);
	if (getenv("GITHERD_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "wb");
		cr_assert_not_null(f);
		fwrite(got->data, 1, got->len, f);
		fclose(f);
	}
	f = fopen(path, "rb");
	cr_assert_not_null(f, "missing golden file %s", path);
	buf_init(&want);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&want, chunk, n);
	fclose(f);
	cr_expect_eq(got->len, want.len, "%s: %zu bytes, want %zu", name,
	    got->len, want.len);
	cr_expect(memcmp(got->data, want.data, want.len < got->len ?
	    want.len : got->len) == 0, "%s differs from the golden file", name);
	buf_release(&want);
}

static void
load(struct manifest *m)
{
	static const char text[] =
	    "repos:\n"
	    "  - url: https://e.com/alpha.git\n"
	    "  - url: https://e.com/x.git\n"
	    "    path: some/very/long/path/that/needs/eliding/in/the/middle\n"
	    "  - url: https://e.com/gamma.git\n"
	    "  - url: https://e.com/delta.git\n"
	    "  - url: https://e.com/eps.git\n"
	    "  - url: https://e.com/zeta.git\n"
	    "  - url: https://e.com/eta.git\n"
	    "  - url: https://e.com/theta.git\n";
	struct diags d;

	diags_init(&d);
	cr_assert_eq(manifest_parse(m, "r.yaml", text, strlen(text), &d), 0);
	diags_release(&d);
}

static struct job *
run_one(struct queue *q, struct progress *p, int64_t now)
{
	struct job *j = queue_next(q, now);

	cr_assert_not_null(j);
	progress_start(p, 0, j, now);
	return j;
}

/*
 * The same run for both views: alpha and the long path start; alpha
 * receives, finishes; gamma starts and checks out; the long path fails
 * after a long time (heartbeats); gamma finishes; then one of every
 * other kind of line.
 */
static void
script(enum view_mode mode, struct buf *out)
{
	struct manifest m;
	struct queue q;
	struct progress p;
	struct view r;
	struct msg_progress c;
	struct job *alpha, *lng, *gamma, *other;

	load(&m);
	queue_init(&q, &m);
	progress_init(&p, 2, q.njobs, 0);
	view_init(&r, mode, 72, mode == VIEW_TTY, 0, 2);

	alpha = queue_next(&q, 0);
	lng = queue_next(&q, 0);
	progress_start(&p, 0, alpha, 0);
	progress_start(&p, 1, lng, 0);
	view_frame(&r, out, &p, 0);

	memset(&c, 0, sizeof(c));
	progress_phase(&p, 0, PHASE_RECEIVE, 100);
	c.total_objects = 200;
	c.received_objects = 100;
	c.received_bytes = 3 << 20;
	progress_update(&p, 0, &c, 1000);
	view_warning(&r, "alpha", "depth 1 ignored over git://\033[31m");
	view_frame(&r, out, &p, 1000);

	alpha->result.bytes = 6 << 20;
	snprintf(alpha->result.head, sizeof(alpha->result.head), "%s",
	    "5d6e7f80000000000000000000000000000000aa");
	alpha->result.branch = xstrdup("main");
	queue_finish(&q, alpha, JOB_CLONED, 1500);
	progress_finish(&p, 0, alpha);
	view_job_done(&r, alpha, &p);
	gamma = queue_next(&q, 1500);
	progress_start(&p, 0, gamma, 1500);
	progress_phase(&p, 0, PHASE_CHECKOUT, 1600);
	memset(&c, 0, sizeof(c));
	c.checkout_done = 10;
	c.checkout_total = 40;
	progress_update(&p, 0, &c, 1700);
	view_tick(&r, &p, 1700);
	view_frame(&r, out, &p, 1700);

	view_tick(&r, &p, 31000);	/* long path: 31 s */
	view_frame(&r, out, &p, 31000);
	view_tick(&r, &p, 45000);	/* not yet another */
	view_frame(&r, out, &p, 45000);

	queue_fail(&q, lng, ERR_NOT_FOUND, "remote error: access denied\n"
	    "or repository not exported", 46000);
	lng->stderr_text = xstrdup("stray line 1\nstray \033[1mline 2\n");
	progress_finish(&p, 1, lng);
	view_job_done(&r, lng, &p);
	/* an update: before..after (+n), a branch name from the remote */
	snprintf(gamma->result.before, sizeof(gamma->result.before), "%s",
	    "1a2b3c40000000000000000000000000000000bb");
	snprintf(gamma->result.head, sizeof(gamma->result.head), "%s",
	    "9f8e7d60000000000000000000000000000000cc");
	gamma->result.branch = xstrdup("rel\033[31m-1");
	gamma->result.commits = 3;
	queue_finish(&q, gamma, JOB_UPDATED, 47000);
	progress_finish(&p, 0, gamma);
	view_job_done(&r, gamma, &p);
	/* every other kind of line */
	other = run_one(&q, &p, 47000);	/* delta: up to date */
	snprintf(other->result.head, sizeof(other->result.head), "%s",
	    "0c1d2e30000000000000000000000000000000dd");
	other->result.branch = xstrdup("main");
	other->result.where = xstrdup("branch main");
	other->result.lfs_pointers = 2;	/* what libgit2 left of git-lfs's */
	queue_finish(&q, other, JOB_UNCHANGED, 47100);
	progress_finish(&p, 0, other);
	view_job_done(&r, other, &p);
	other = run_one(&q, &p, 47100);	/* eps: skipped */
	other->result.message = xstrdup("2 modified files (src/a.c, README)");
	queue_finish(&q, other, JOB_SKIPPED, 47200);
	progress_finish(&p, 0, other);
	view_job_done(&r, other, &p);
	other = run_one(&q, &p, 47200);	/* zeta: kept */
	other->result.message = xstrdup("on dev (manifest: main)");
	queue_finish(&q, other, JOB_KEPT, 47300);
	progress_finish(&p, 0, other);
	view_job_done(&r, other, &p);
	other = run_one(&q, &p, 47300);	/* eta: switched */
	snprintf(other->result.before, sizeof(other->result.before), "%s",
	    "4455660000000000000000000000000000000011");
	snprintf(other->result.head, sizeof(other->result.head), "%s",
	    "7788990000000000000000000000000000000022");
	other->result.branch = xstrdup("main");
	other->result.from_branch = xstrdup("side");
	queue_finish(&q, other, JOB_UPDATED, 47400);
	progress_finish(&p, 0, other);
	view_job_done(&r, other, &p);
	other = run_one(&q, &p, 47400);	/* theta: never started */
	queue_finish(&q, other, JOB_CANCELLED, 47500);
	progress_finish(&p, 0, other);
	view_job_done(&r, other, &p);
	view_frame(&r, out, &p, 47000);
	view_clear(&r, out);
	summary_sync(out, &q, &p, 47000, false);

	view_release(&r);
	progress_release(&p);
	queue_release(&q);
	manifest_release(&m);
}

Test(view, tty_golden)
{
	struct buf out = BUF_INIT;

	buf_init(&out);
	script(VIEW_TTY, &out);
	compare_golden("tty.out", &out);
	cr_expect(strstr(out.data, "\033[?25h") != NULL, "cursor shown again");
	buf_release(&out);
}

Test(view, plain_golden_has_no_escape_byte)
{
	struct buf out = BUF_INIT;

	buf_init(&out);
	script(VIEW_PLAIN, &out);
	compare_golden("plain.out", &out);
	cr_expect_null(memchr(out.data, 0x1b, out.len), "an escape in plain output");
	cr_expect(strstr(out.data, "still running after 31.0s") != NULL,
	    "heartbeat after 30 s");
	buf_release(&out);
}

/* Visible columns of one line: escapes skipped, '\r' starts over. */
static size_t
visible_columns(const char *s, size_t len)
{
	size_t i, cols = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\033') {
			while (i < len && !((s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= 'a' && s[i] <= 'z')))
				i++;
			continue;
		}
		if (s[i] == '\r')
			cols = 0;
		else if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	}
	return cols;
}

/* The live area must never wrap, or the cursor arithmetic breaks. */
Test(view, tty_area_lines_fit_the_width)
{
	struct manifest m;
	struct queue q;
	struct progress p;
	struct view r;
	struct msg_progress c;
	struct buf out = BUF_INIT;
	const char *line, *nl;
	int width, lines;

	load(&m);
	for (width = 20; width <= 100; width += 7) {
		queue_init(&q, &m);
		progress_init(&p, 3, q.njobs, 0);
		view_init(&r, VIEW_TTY, width, true, 0, 3);
		progress_start(&p, 0, queue_next(&q, 0), 0);
		progress_start(&p, 1, queue_next(&q, 0), 0);
		progress_start(&p, 2, queue_next(&q, 0), 0);
		memset(&c, 0, sizeof(c));
		c.total_objects = 4000000;
		c.received_objects = 1234567;
		c.received_bytes = 987654321;
		progress_phase(&p, 1, PHASE_RECEIVE, 10);
		progress_update(&p, 1, &c, 800);
		buf_init(&out);
		view_frame(&r, &out, &p, 3723000);
		lines = 0;
		for (line = out.data; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				nl = line + strlen(line);
			cr_expect_lt(visible_columns(line, (size_t)(nl - line)),
			    (size_t)width, "width %d: %.*s", width,
			    (int)(nl - line), line);
			lines++;
			if (*nl == '\0')
				break;
		}
		cr_expect_eq(lines, 4, "three jobs and the total line");
		cr_expect_eq(r.area, 4);
		buf_release(&out);
		view_release(&r);
		progress_release(&p);
		queue_release(&q);
	}
	manifest_release(&m);
}

Test(view, units)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	line_bytes(&b, 512);
	buf_addch(&b, '|');
	line_bytes(&b, 1536);
	buf_addch(&b, '|');
	line_bytes(&b, 5ULL << 30);
	buf_addch(&b, '|');
	line_duration(&b, 1234);
	buf_addch(&b, '|');
	line_duration(&b, 125000);
	buf_addch(&b, '|');
	line_duration(&b, 3725000);
	cr_expect_str_eq(b.data, "512 B|1.5 KiB|5.0 GiB|1.2s|2m05s|1h02m");
	buf_release(&b);
}

/* Columns of a line as a terminal shows it: escapes take none. */
static size_t
line_columns(const char *s, size_t len)
{
	struct buf plain = BUF_INIT;
	size_t i, cols;

	buf_init(&plain);
	for (i = 0; i < len; i++) {
		if (s[i] == '\033') {
			while (i < len && !((s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= 'a' && s[i] <= 'z')))
				i++;
			continue;
		}
		if (s[i] == '\r')
			buf_reset(&plain);
		else
			buf_addch(&plain, s[i]);
	}
	cols = term_columns(plain.data, plain.len);
	buf_release(&plain);
	return cols;
}

/*
 * Wide and combining characters at 40, 80 and 200 columns: paths with
 * CJK (two columns each) and decomposed accents (none for the mark), a
 * clone whose last size is on record (bar, percent of bytes and an ETA,
 * since every entry has a record) next to a checkout.  Every line fits
 * and no character is cut.
 */
static void
wide_script(int width, struct buf *out)
{
	static const char text[] =
	    "repos:\n"
	    "  - url: https://e.com/a.git\n"
	    "    path: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/\xe3\x83\xa9"
	    "\xe3\x82\xa4\xe3\x83\x96\xe3\x83\xa9\xe3\x83\xaa/\xe3\x81\xa8"
	    "\xe3\x81\xa6\xe3\x82\x82\xe9\x95\xb7\xe3\x81\x84\xe5\x90\x8d"
	    "\xe5\x89\x8d\n"
	    "  - url: https://e.com/b.git\n"
	    "    path: cafe\xcc\x81/re\xcc\x81sume\xcc\x81/na\xcc\x88ive"
	    "\xcc\x81-de\xcc\x81ja\xcc\x80-vu\n"
	    "  - url: https://e.com/c.git\n"
	    "    path: c\n";
	static const int64_t expect_ms[] = { 20000, 8000, 1000 };
	static const uint64_t expect_bytes[] = { 80 << 20, 0, 0 };
	struct manifest m;
	struct diags d;
	struct queue q;
	struct progress p;
	struct view r;
	struct msg_progress c;
	struct job *cjk, *acc, *cc;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "w.yaml", text, strlen(text), &d), 0);
	diags_release(&d);
	queue_init(&q, &m);
	progress_init(&p, 2, q.njobs, 0);
	progress_expect(&p, &q, expect_ms, expect_bytes);
	view_init(&r, VIEW_TTY, width, false, 0, 2);

	cjk = queue_next(&q, 0);
	acc = queue_next(&q, 0);
	progress_start(&p, 0, cjk, 0);
	progress_start(&p, 1, acc, 0);
	view_frame(&r, out, &p, 0);

	memset(&c, 0, sizeof(c));
	progress_phase(&p, 0, PHASE_RECEIVE, 100);
	c.total_objects = 123456;
	c.received_objects = 24691;	/* 20 % of the objects ... */
	c.received_bytes = 60397978;	/* ... 72 % of the bytes */
	progress_update(&p, 0, &c, 600);
	c.received_bytes = 60397978 + 1000;
	progress_update(&p, 0, &c, 1200);
	progress_phase(&p, 1, PHASE_CHECKOUT, 1100);
	memset(&c, 0, sizeof(c));
	c.checkout_done = 9;
	c.checkout_total = 12000;
	progress_update(&p, 1, &c, 1200);
	view_frame(&r, out, &p, 1200);

	c.checkout_done = 12000;
	progress_update(&p, 1, &c, 7900);
	view_frame(&r, out, &p, 7900);
	snprintf(acc->result.head, sizeof(acc->result.head), "%s",
	    "5d6e7f80000000000000000000000000000000aa");
	acc->result.branch = xstrdup("\xe4\xb8\xbb");	/* a CJK branch */
	queue_finish(&q, acc, JOB_CLONED, 8000);
	progress_finish(&p, 1, acc);
	view_job_done(&r, acc, &p);
	cc = queue_next(&q, 8000);
	progress_start(&p, 1, cc, 8000);
	view_frame(&r, out, &p, 8500);
	/* past its record: the ETA goes rather than lie */
	view_frame(&r, out, &p, 21000);
	view_clear(&r, out);

	view_release(&r);
	progress_release(&p);
	queue_release(&q);
	manifest_release(&m);
}

/* A line of the live area, not an event line ("[1/3] cloned ..."). */
static bool
area_line(const char *s, size_t len)
{
	const char *last = s, *p;

	/* what follows the last cursor movement is what the line shows */
	for (p = s; p < s + len; p++)
		if (*p == 'A' && p > s && p[-1] >= '0' && p[-1] <= '9')
			last = p + 1;
	if (*last != '[')
		return true;
	p = memchr(last, ']', len - (size_t)(last - s));
	return p != NULL && strncmp(p, "] elapsed", 9) == 0;
}

static void
check_width(int width)
{
	struct buf out = BUF_INIT;
	const char *line, *nl;
	char name[32];
	size_t i, k;
	uint32_t cp;

	buf_init(&out);
	wide_script(width, &out);
	snprintf(name, sizeof(name), "tty-%d.out", width);
	compare_golden(name, &out);
	for (i = 0; i < out.len; i += k) {
		k = sanitize_utf8_next((const unsigned char *)out.data + i,
		    out.len - i, &cp);
		cr_assert_gt(k, 0, "width %d: a character cut in two at %zu",
		    width, i);
	}
	for (line = out.data; *line; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (!area_line(line, (size_t)(nl - line)))
			continue;	/* lines that scroll away may wrap */
		cr_expect_lt(line_columns(line, (size_t)(nl - line)),
		    (size_t)width, "width %d: %.*s", width, (int)(nl - line),
		    line);
		if (*nl == '\0')
			break;
	}
	buf_release(&out);
}

Test(view, tty_golden_at_40_columns)
{
	check_width(40);
}

Test(view, tty_golden_at_80_columns)
{
	check_width(80);
}

Test(view, tty_golden_at_200_columns)
{
	check_width(200);
}

/* A log line has no columns to keep: sizes as people read them, no rate. */
Test(view, a_log_line_says_a_transfer_exactly)
{
	struct job_progress s;
	struct buf b = BUF_INIT;

	memset(&s, 0, sizeof(s));
	s.phase = PHASE_RECEIVE;
	s.c.received_bytes = 12687769;
	s.c.received_objects = 1203;
	s.c.total_objects = 2900;
	s.rate = 5e5;
	buf_init(&b);
	line_activity(&b, &s, false, 0);
	cr_expect_str_eq(b.data, "receiving  12.1 MiB  1203/2900 objects", "%s",
	    b.data);
	buf_reset(&b);
	line_activity(&b, &s, true, 0);
	cr_expect_str_eq(b.data, "receiving          12M  488K/s  1203/2900 objects",
	    "%s", b.data);
	buf_release(&b);
}
