/*
 * Terminal facts: is this a terminal we may draw on, how wide is it, may
 * we use colour.  Text from outside is made safe by sanitize.h.
 */
#ifndef GITHERD_TERM_H
#define GITHERD_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>

#include "buf.h"

/* SGR colours, for text that goes to a terminal with colour wanted. */
#define TERM_GREEN	"\033[32m"
#define TERM_RED	"\033[31m"
#define TERM_YELLOW	"\033[33m"
#define TERM_DIM	"\033[2m"
#define TERM_BOLD	"\033[1m"
#define TERM_RESET	"\033[0m"

bool	term_is_smart(int fd);
int	term_width(int fd);
bool	term_color(int fd);
bool	term_foreground(int fd);
size_t	term_columns(const char *s, size_t len);
struct term_utf8 {
	locale_t	 utf8, was;
};
void	term_utf8_enter(struct term_utf8 *);
void	term_utf8_leave(struct term_utf8 *);
int	term_cp_columns(uint32_t cp);

#endif
