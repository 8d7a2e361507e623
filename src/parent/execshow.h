/*
 * What githerd exec prints: each entry's block (a header line naming the
 * entry, and how it ended unless it exited 0, then its output), the
 * summary, and the output made safe for a terminal or a JSON string.
 * Pure formatting into a buf.
 *
 *   === alpha ===
 *   ...output...
 *   === beta (exit status 1) ===
 *   ...output...
 *   … 52133 bytes dropped (githerd keeps the first 1 MiB of an entry's output)
 */
#ifndef GITHERD_EXECSHOW_H
#define GITHERD_EXECSHOW_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "execresult.h"

void	execshow_block(struct buf *, const struct exec_entry *, bool color);
/* How it ended, in words: "exit status 1", "killed by SIGKILL", ... */
void	execshow_outcome(struct buf *, const struct exec_entry *);
/* "githerd: exec in 5 entries (1.2s): 3 ok, 2 failed", then the failures. */
void	execshow_summary(struct buf *, const struct exec_run *, bool color);
/*
 * A command's output made safe, through the one sanitiser (sanitize.h),
 * line by line.  For a terminal: tabs expanded to 8-column stops, each
 * line ended by '\n'.  json: the inside of a JSON string, "\n" and "\t"
 * kept as escapes.
 */
void	execshow_clean(struct buf *, const char *text, size_t len, bool json);

#endif
