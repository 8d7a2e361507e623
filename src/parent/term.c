#include <sys/ioctl.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "sanitize.h"
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
 * wcwidth(3) answers for the thread's LC_CTYPE: between enter and leave
 * it is C.UTF-8, whatever the user's locale.  Switched once per string,
 * not per character (a newlocale costs microseconds).
 */
void
term_utf8_enter(struct term_utf8 *t)
{
	t->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	t->was = t->utf8 != (locale_t)0 ? uselocale(t->utf8) : (locale_t)0;
}

void
term_utf8_leave(struct term_utf8 *t)
{
	if (t->utf8 == (locale_t)0)
		return;
	uselocale(t->was);
	freelocale(t->utf8);
}

/*
 * The columns one code point takes, between term_utf8_enter and leave: 2
 * for CJK and other wide characters, 0 for combining marks (sanitised
 * text has no controls left).
 */
int
term_cp_columns(uint32_t cp)
{
	int w;

	if (cp < 0x80)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* Display columns of UTF-8 text; a byte that is not UTF-8 takes one. */
size_t
term_columns(const char *s, size_t len)
{
	struct term_utf8 t;
	size_t i = 0, k, n = 0;
	uint32_t cp;

	term_utf8_enter(&t);
	while (i < len) {
		if ((k = sanitize_utf8_next((const unsigned char *)s + i,
		    len - i, &cp)) == 0) {
			n++;
			i++;
			continue;
		}
		n += (size_t)term_cp_columns(cp);
		i += k;
	}
	term_utf8_leave(&t);
	return n;
}
