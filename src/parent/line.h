/*
 * The pieces every view's lines are made of: sizes and durations as
 * people read them, colour when wanted, the "[done/total]" counter, what
 * a running job is doing, and cutting to a width (eliding the middle of a
 * path, or the end of a finished line without breaking an escape or a
 * UTF-8 sequence).  Pure formatting into a buf.
 */
#ifndef GITHERD_LINE_H
#define GITHERD_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "progress.h"

void	line_bytes(struct buf *, uint64_t);
void	line_duration(struct buf *, int64_t ms);
void	line_paint(struct buf *, bool color, const char *sgr, const char *text);
void	line_counter(struct buf *, const struct progress *);
int	line_digits(uint64_t);
void	line_size5(struct buf *, uint64_t);
void	line_duration5(struct buf *, int64_t ms);
void	line_activity(struct buf *, const struct job_progress *, bool live,
	    size_t barcols);
void	line_elide_middle(struct buf *, const char *s, size_t cols);
void	line_fit(struct buf *out, const char *line, size_t len, int width);

#endif
