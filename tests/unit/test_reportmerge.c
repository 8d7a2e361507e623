/*
 * report merge: reports as githerd writes them and as strangers might,
 * from files written here.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "reportmerge.h"

static char dir[] = "/tmp/githerd-rm.XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

/* Up to four files a test, named in buffers of their own. */
static const char *
file(const char *name, const char *text)
{
	static char paths[4][300];
	static unsigned next;
	char *path = paths[next++ % 4];
	FILE *f;

	snprintf(path, sizeof(paths[0]), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

#define REPORT(path, started, code, status) \
	"{\"githerd\": \"0.1.0\", \"libgit2\": \"1.8.4\", \"manifest\": \"m\", " \
	"\"workspace\": \"w\", \"started\": \"" started "\", \"duration_ms\": 5, " \
	"\"workers\": 2, \"exit_code\": " code ", \"signal\": null, " \
	"\"counts\": {\"total\": 1, \"" status "\": 1}, \"repos\": [{\"path\": \"" \
	path "\", \"bytes\": 1e3, \"error\": null, \"ok\": true, \"n\": \"12\", " \
	"\"text\": \"tab\\there \\\"q\\\" \\u00e9\"}]}\n"

Test(reportmerge, folds_and_keeps_types, .init = setup)
{
	const char *files[2];
	struct buf out = BUF_INIT;
	char err[400];

	files[0] = file("a.json", REPORT("x", "2026-01-02T00:00:09Z", "0", "cloned"));
	files[1] = file("b.json", REPORT("y", "2026-01-02T00:00:01Z", "1", "failed"));
	buf_init(&out);
	cr_assert_eq(reportmerge(files, 2, &out, err, sizeof(err)), 0, "%s", err);
	cr_expect_not_null(strstr(out.data, "\"started\": \"2026-01-02T00:00:01Z\""));
	cr_expect_not_null(strstr(out.data, "\"exit_code\": 1"));
	cr_expect_not_null(strstr(out.data, "\"workers\": 4"));
	cr_expect_not_null(strstr(out.data,
	    "\"counts\": {\"total\": 2, \"cloned\": 1, \"failed\": 1}"), "%s", out.data);
	/* numbers and booleans stay what they were; a quoted number a string */
	cr_expect_not_null(strstr(out.data, "\"bytes\": 1e3, \"error\": null, "
	    "\"ok\": true, \"n\": \"12\""), "%s", out.data);
	/* a tab is no control character for a terminal to meet: sanitised */
	cr_expect_null(strchr(out.data, '\t'));
	buf_release(&out);
}

Test(reportmerge, refusals, .init = setup)
{
	const char *files[2];
	struct buf out = BUF_INIT;
	char err[400];

	buf_init(&out);
	files[0] = file("bad.json", "{\"repos\": [1, 2");
	cr_expect_eq(reportmerge(files, 1, &out, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "bad.json:"), "%s", err);
	files[0] = file("other.json", "{\"name\": \"not a report\"}\n");
	cr_expect_eq(reportmerge(files, 1, &out, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "other.json:1:1: not a githerd --json report"),
	    "%s", err);
	files[0] = file("a.json", REPORT("x", "t", "0", "cloned"));
	files[1] = file("a2.json", REPORT("x", "t", "0", "cloned"));
	cr_expect_eq(reportmerge(files, 2, &out, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "'x' is in more than one report"), "%s", err);
	buf_release(&out);
}
