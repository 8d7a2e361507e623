#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "queue.h"
#include "report.h"

Test(report, json_escaping)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	json_string(&b, "a\"b\\c\nd\te\x01" "f");
	cr_expect_str_eq(b.data, "\"a\\\"b\\\\c d ef\"");
	buf_reset(&b);
	/* Whatever a server sent, the report stays valid UTF-8 JSON. */
	json_string(&b, "bad \xff byte, \033]52;c;eA==\007osc, \xc2\x9b" "2Jc1");
	cr_expect_str_eq(b.data, "\"bad \\\\xff byte, osc, c1\"");
	buf_reset(&b);
	json_string(&b, NULL);
	cr_expect_str_eq(b.data, "null");
	buf_release(&b);
}

Test(report, redacts_and_records_results)
{
	static const char text[] = "repos:\n"
	    "  - url: https://user:SEKRET123@e.com/a.git\n"
	    "  - url: git://e.com/b.git\n    tag: v1\n";
	struct manifest m;
	struct diags d;
	struct queue q;
	struct report_meta meta;
	struct buf b = BUF_INIT;
	struct job *a, *bj;
	char path[] = "/tmp/githerd-report-XXXXXX", err[256];
	FILE *f;
	char got[8192];
	size_t n;
	int fd;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "m.yaml", text, strlen(text), &d), 0);
	queue_init(&q, &m);
	a = queue_next(&q, 0);
	bj = queue_next(&q, 0);
	a->result.bytes = 10;
	a->result.objects = 3;
	strcpy(a->result.head, "0123456789abcdef0123456789abcdef01234567");
	a->result.lfs_pointers = 12;
	queue_finish(&q, a, JOB_CLONED, 250);
	queue_fail(&q, bj, ERR_BAD_REF, "tag 'v1' not found on the remote", 300);

	memset(&meta, 0, sizeof(meta));
	meta.manifest = "m.yaml";
	meta.workspace = "/ws";
	meta.duration_ms = 300;
	meta.exit_code = 1;
	meta.workers = 8;
	buf_init(&b);
	report_json(&b, &q, &meta);
	cr_expect_null(strstr(b.data, "SEKRET123"), "credentials leaked");
	cr_expect(strstr(b.data, "\"url\": \"https://***@e.com/a.git\"") != NULL);
	cr_expect(strstr(b.data, "\"status\": \"cloned\", \"error\": null,\n"
	    "     \"tries\": 1, \"attempts\": [],\n"
	    "     \"duration_ms\": 250, \"fetched\": false, \"bytes\": 10, "
	    "\"objects\": 3") != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "\"shallow\": false, \"lfs_pointers\": 12}")
	    != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "{\"class\": \"bad-ref\", \"message\": "
	    "\"tag 'v1' not found on the remote\"}") != NULL);
	cr_expect(strstr(b.data, "\"counts\": {\"total\": 2, \"cloned\": 1, "
	    "\"updated\": 0, \"unchanged\": 0, \"skipped\": 0, \"kept\": 0, "
	    "\"failed\": 1, "
	    "\"cancelled\": 0}") != NULL, "%s", b.data);

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	close(fd);
	cr_assert_eq(report_write(path, &q, &meta, err, sizeof(err)), 0, "%s", err);
	f = fopen(path, "r");
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	cr_expect_str_eq(got, b.data);
	unlink(path);
	cr_expect_eq(report_write("/nonexistent/dir/r.json", &q, &meta, err,
	    sizeof(err)), -1);

	buf_release(&b);
	queue_release(&q);
	manifest_release(&m);
	diags_release(&d);
}

/* A partial clone is skipped for what libgit2 cannot do: its class too. */
Test(report, a_skip_for_what_libgit2_cannot_do_has_a_class)
{
	static const char text[] = "repos:\n  - url: git://e.com/a.git\n"
	    "  - url: git://e.com/b.git\n";
	struct manifest m;
	struct diags d;
	struct queue q;
	struct report_meta meta;
	struct buf b = BUF_INIT;
	struct job *a, *bj;

	diags_init(&d);
	cr_assert_eq(manifest_parse(&m, "m.yaml", text, strlen(text), &d), 0);
	queue_init(&q, &m);
	a = queue_next(&q, 0);
	bj = queue_next(&q, 0);
	a->result.message = strdup("partial clone");
	a->result.err_class = ERR_UNSUPPORTED;
	queue_finish(&q, a, JOB_SKIPPED, 10);
	bj->result.message = strdup("1 modified file");
	queue_finish(&q, bj, JOB_SKIPPED, 10);
	memset(&meta, 0, sizeof(meta));
	buf_init(&b);
	report_json(&b, &q, &meta);
	cr_expect(strstr(b.data, "\"reason\": \"partial clone\", "
	    "\"reason_class\": \"unsupported\"") != NULL, "%s", b.data);
	cr_expect(strstr(b.data, "\"reason\": \"1 modified file\",\n") != NULL,
	    "%s", b.data);
	buf_release(&b);
	queue_release(&q);
	manifest_release(&m);
	diags_release(&d);
}
