/* githerd list: the entries the options select, as text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "command.h"
#include "fsutil.h"
#include "listing.h"

enum exit_code
cmd_list(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct buf out = BUF_INIT;
	enum exit_code code = EXIT_USAGE;

	buf_init(&out);
	if (!command_init(&c, argc, argv, worker, &code) ||
	    command_select(&c, &code) == -1)
		goto out;
	code = EXIT_OK;
	if (c.cli.json == NULL) {
		listing_text(&out, &c.m);
		fwrite(out.data, 1, out.len, stdout);
		goto out;
	}
	listing_json(&out, &c.m);
	if (strcmp(c.cli.json, "-") == 0)
		fwrite(out.data, 1, out.len, stdout);
	else if (fs_write_atomic(c.cli.json, out.data, out.len,
	    FS_PUBLIC) == -1) {
		fprintf(stderr, "githerd: list: cannot write %s: %s\n",
		    c.cli.json, strerror(errno));
		code = EXIT_SYSTEM;
	}
out:
	buf_release(&out);
	command_release(&c);
	return code;
}
