/*
 * --lfs: git lfs pull in an entry's work tree after its checkout, run
 * from the worker that made the checkout.  Worker only.
 *
 * Why the worker and not the parent: the work tree is the job's until
 * its DONE, and a fresh clone is still in its temporary sibling then, so
 * a pull that fails takes the clone with it (nothing half made is ever
 * installed) and one that succeeds is installed with the content in
 * place; the parent's loop stays what it is (one poll over its workers),
 * and the worker's cancellation (SIGTERM from the parent) and the
 * parent's --timeout reach the command the same way they reach libgit2.
 *
 * The command runs as githerd exec runs one: in a session of its own
 * (no terminal to prompt on; killed as a group), dying with the worker,
 * stdin /dev/null, stdout and stderr into one pipe kept to its last
 * LFSPULL_OUTPUT_MAX bytes (shown sanitised, as every message is), and
 * stopped (SIGTERM, SIGKILL 2 s later) past LFSPULL_TIMEOUT_MS or when
 * the job is cancelled.
 */
#ifndef GITHERD_LFSPULL_H
#define GITHERD_LFSPULL_H

#include <git2.h>

struct gitctx;

#define LFSPULL_TIMEOUT_MS	(30 * 60 * 1000)
#define LFSPULL_OUTPUT_MAX	2048

/*
 * The entry's git-lfs pointers after its checkout, into the result;
 * with JOBF_LFS and any left, git lfs pull, then counted again.  0, or
 * -1 with the job failed (the command's output in the message).
 */
int	lfspull_entry(struct gitctx *, git_repository *);

#endif
