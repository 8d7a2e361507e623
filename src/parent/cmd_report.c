/*
 * githerd report merge [-o FILE] A.json B.json ...: the reports the
 * shards of a job array wrote, as one (reportmerge.c), on the standard
 * output or, written atomically, in FILE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "fsutil.h"
#include "reportmerge.h"

static int
write_out(const char *file, const struct buf *b, char *err, size_t errlen)
{
	if (file == NULL || strcmp(file, "-") == 0) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len ||
		    fflush(stdout) == EOF) {
			snprintf(err, errlen, "stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fs_write_atomic(file, b->data, b->len, FS_PUBLIC) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

enum exit_code
cmd_report(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct buf out = BUF_INIT;
	enum exit_code code = EXIT_USAGE;
	char err[1200];

	buf_init(&out);
	if (!command_init(&c, argc, argv, worker, &code))
		goto out;
	if (reportmerge(c.cli.paths.v, c.cli.paths.n, &out, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "githerd: report merge: %s\n", err);
		goto out;
	}
	code = EXIT_SYSTEM;
	if (write_out(c.cli.output, &out, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: report merge: %s\n", err);
		goto out;
	}
	code = EXIT_OK;
out:
	buf_release(&out);
	command_release(&c);
	return code;
}
