#include <sys/ioctl.h>

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

/* ninja's rule: a terminal, and TERM set to something other than dumb. */
bool
term_is_smart(int fd)
{
	const char *t = getenv("TERM");

	return isatty(fd) && t != NULL && *t != '\0' && strcmp(t, "dumb") != 0;
}

int
term_width(int fd)
{
	struct winsize ws;
	const char *c;
	int n;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((c = getenv("COLUMNS")) != NULL && (n = atoi(c)) > 0)
		return n;
	return 80;
}

bool
term_color(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return term_is_smart(fd) && (nc == NULL || *nc == '\0');
}

/* Drawing while in the background would fight the foreground job. */
bool
term_foreground(int fd)
{
	pid_t tpgrp = tcgetpgrp(fd);

	return tpgrp == -1 || tpgrp == getpgrp();
}

/*
 * Copy text, dropping escape sequences and control characters (remote
 * error messages are untrusted), tabs and newlines becoming spaces.
 */
void
term_sanitize(struct buf *b, const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == 0x1b) {
			/* CSI: ESC [ params final; otherwise drop ESC + one */
			if (i + 1 < len && s[i + 1] == '[') {
				i += 2;
				while (i < len && ((unsigned char)s[i] < 0x40 ||
				    (unsigned char)s[i] > 0x7e))
					i++;
			} else
				i++;
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r') {
			buf_addch(b, ' ');
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		buf_addch(b, (char)c);
	}
}

/* Display columns of UTF-8 text, counting every code point as one. */
size_t
term_columns(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}
