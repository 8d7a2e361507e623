/* githerd exec's text: blocks, the summary, output made safe. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "execreport.h"
#include "execshow.h"

static char *
clean(const char *text, size_t len, bool json)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	execshow_clean(&b, text, len, json);
	return buf_detach(&b);
}

Test(execshow, output_is_made_safe_line_by_line)
{
	static const char out[] = "a\tb\n\x1b[31mred\x1b[0m\r\nx\xff\x00y\x07";
	char *t = clean(out, sizeof(out) - 1, false);

	cr_expect_str_eq(t, "a       b\nred\nx\\xffy\n",
	    "tabs expanded, escapes and controls dropped, CR LF a newline, a "
	    "last newline added");
	free(t);
	t = clean("\xe6\x97\xa5\t|", 5, false);
	cr_expect_str_eq(t, "\xe6\x97\xa5      |\n", "a wide character is 2 columns");
	free(t);
	t = clean("", 0, false);
	cr_expect_str_eq(t, "", "no output, no line");
	free(t);
	t = clean(out, sizeof(out) - 1, true);
	cr_expect_str_eq(t, "a\\tb\\nred\\nx\\\\xffy", "JSON keeps \\n and \\t");
	free(t);
	t = clean("say \"hi\" \\o/\n", 13, true);
	cr_expect_str_eq(t, "say \\\"hi\\\" \\\\o/\\n");
	free(t);
}

static void
entry(struct exec_entry *e, struct repo_spec *r, const char *path,
    enum exec_state st, const char *output)
{
	memset(e, 0, sizeof(*e));
	memset(r, 0, sizeof(*r));
	r->path = (char *)path;
	r->url = (char *)"https://u:secret@e.com/a.git";
	e->job.spec = r;
	e->state = st;
	e->exit_code = -1;
	buf_init(&e->output);
	if (output != NULL)
		buf_addstr(&e->output, output);
}

Test(execshow, blocks_say_how_each_entry_ended)
{
	struct exec_entry e;
	struct repo_spec r;
	struct buf b = BUF_INIT;

	buf_init(&b);
	entry(&e, &r, "lib/a", EXEC_OK, "one\ntwo");
	e.exit_code = 0;
	execshow_block(&b, &e, false);
	cr_expect_str_eq(b.data, "=== lib/a ===\none\ntwo\n");
	buf_reset(&b);
	e.state = EXEC_FAILED;
	e.exit_code = 2;
	e.dropped = 12345;
	e.cut = true;
	execshow_block(&b, &e, false);
	cr_expect_str_eq(b.data, "=== lib/a (exit status 2) ===\none\ntwo\n"
	    "\xe2\x80\xa6 12345 bytes dropped (githerd keeps the first 1 MiB of "
	    "an entry's output)\n"
	    "\xe2\x80\xa6 the command exited; what a process it left running "
	    "writes is not shown\n");
	buf_reset(&b);
	e.exit_code = -1;
	e.signal = SIGKILL;
	e.dropped = 0;
	e.cut = false;
	execshow_block(&b, &e, true);
	cr_expect_str_eq(b.data, "\033[31m=== lib/a (killed by SIGKILL) ===\033[0m\n"
	    "one\ntwo\n", "%s", b.data);
	buf_release(&e.output);
	buf_release(&b);
}

Test(execshow, summary_names_every_entry_that_did_not_succeed)
{
	struct exec_entry e[4];
	struct repo_spec r[4];
	struct exec_run run;
	struct buf b = BUF_INIT;
	size_t i;

	entry(&e[0], &r[0], "a", EXEC_OK, "fine\n");
	entry(&e[1], &r[1], "b", EXEC_FAILED, NULL);
	e[1].exit_code = 1;
	entry(&e[2], &r[2], "c", EXEC_NOT_RUN, NULL);
	e[2].why = (char *)"not checked out";
	entry(&e[3], &r[3], "d", EXEC_CANCELLED, NULL);
	e[3].why = (char *)"not started";
	memset(&run, 0, sizeof(run));
	run.e = e;
	run.n = 4;
	for (i = 0; i < 4; i++)
		run.count[e[i].state]++;
	run.duration_ms = 1200;
	buf_init(&b);
	execshow_summary(&b, &run, false);
	cr_expect_str_eq(b.data,
	    "githerd: exec in 4 entries (1.2s): 1 ok, 1 failed, 1 not run, "
	    "1 cancelled\n"
	    "  FAIL    b: exit status 1\n"
	    "  not run c: not checked out\n"
	    "  cancel  d: not started\n", "%s", b.data);
	buf_reset(&b);
	{
		char *argv[] = { (char *)"git", (char *)"log", NULL };
		struct execreport_meta m = { "m.yaml", "/ws", argv, 2, 1 };

		execreport_json(&b, &run, &m);
	}
	cr_expect(strstr(b.data, "\"command\": [\"git\", \"log\"]") != NULL);
	cr_expect(strstr(b.data, "secret") == NULL, "no credentials: %s",
	    b.data);
	cr_expect(strstr(b.data, "\"status\": \"not-run\", \"exit_code\": null, "
	    "\"signal\": null, \"outcome\": \"not checked out\"") != NULL, "%s",
	    b.data);
	cr_expect(strstr(b.data, "\"output\": \"fine\\n\"") != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "\"counts\": {\"total\": 4, \"ok\": 1, "
	    "\"failed\": 1, \"timeout\": 0, \"not-run\": 1, \"cancelled\": 1}") !=
	    NULL, "%s", b.data);
	for (i = 0; i < 4; i++)
		buf_release(&e[i].output);
	buf_release(&b);
}
