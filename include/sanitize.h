/*
 * Text from outside githerd (a server's messages, a repository's ref and
 * branch names, a manifest's keys, paths and URLs) made safe to show on a
 * terminal, in a log or in the JSON report: the one sanitiser every output
 * uses.
 *
 * It decodes UTF-8 strictly.  Printable text passes unchanged; tab, CR and
 * LF become a space; escape sequences (ESC or the 8-bit CSI and OSC) are
 * dropped whole; every other control character (C0, DEL, C1) and the bidi
 * overrides that reorder what a terminal shows are dropped; a byte that is
 * not valid UTF-8 (a raw 0x9b included) becomes the four visible
 * characters \xNN.  The result is always valid UTF-8 without controls.
 */
#ifndef GITHERD_SANITIZE_H
#define GITHERD_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

void	sanitize_add(struct buf *, const char *text, size_t len);
/* The same for a C string; NULL adds nothing. */
void	sanitize_str(struct buf *, const char *text);
/*
 * Why text could not be shown as it is (for input that must be refused
 * rather than cleaned): "a control character" or "invalid UTF-8"; NULL
 * when it is clean.
 */
const char *sanitize_problem(const char *text, size_t len);
/*
 * One code point of strict UTF-8 at s (len > 0): its length, or 0 when
 * the bytes are not valid UTF-8.
 */
size_t	sanitize_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

#endif
