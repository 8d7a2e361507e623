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
