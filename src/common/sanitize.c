#include <stdint.h>
#include <string.h>

#include "sanitize.h"

#define ESC	0x1b
#define BEL	0x07

/*
 * One code point of strict UTF-8 at s: its length, or 0 when the bytes
 * are not valid UTF-8 (overlong forms, surrogates and values past
 * U+10FFFF included).
 */
size_t
sanitize_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* C0, DEL and C1. */
static bool
is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Embedding and override marks: they make a terminal show text reordered. */
static bool
is_bidi_control(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Where a control string (OSC, DCS, ...) that starts at i ends. */
static size_t
skip_string(const unsigned char *s, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (s[i] == BEL)
			return i + 1;
		if (s[i] == ESC && i + 1 < len && s[i + 1] == '\\')
			return i + 2;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x9c)
			return i + 2;	/* ST, U+009C */
	}
	return len;
}

/* Where a CSI sequence whose parameters start at i ends. */
static size_t
skip_csi(const unsigned char *s, size_t len, size_t i)
{
	while (i < len && s[i] >= 0x20 && s[i] <= 0x3f)
		i++;
	if (i < len && s[i] >= 0x40 && s[i] <= 0x7e)
		i++;
	return i;
}

/* Where the sequence that ESC at i starts ends. */
static size_t
skip_escape(const unsigned char *s, size_t len, size_t i)
{
	i++;
	if (i == len)
		return i;
	if (s[i] == '[')
		return skip_csi(s, len, i + 1);
	if (s[i] != '\0' && strchr("]P^_X", s[i]) != NULL)
		return skip_string(s, len, i + 1);
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
		i++;
	if (i < len && s[i] >= 0x30 && s[i] <= 0x7e)
		i++;
	return i;
}

/* Where the C1 control c, encoded in n bytes at i, and its arguments end. */
static size_t
skip_c1(const unsigned char *s, size_t len, size_t i, size_t n, uint32_t c)
{
	switch (c) {
	case 0x9b:			/* CSI */
		return skip_csi(s, len, i + n);
	case 0x90:			/* DCS */
	case 0x98:			/* SOS */
	case 0x9d:			/* OSC */
	case 0x9e:			/* PM */
	case 0x9f:			/* APC */
		return skip_string(s, len, i + n);
	default:
		return i + n;
	}
}

void
sanitize_add(struct buf *b, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		if ((n = sanitize_utf8_next(s + i, len - i, &c)) == 0) {
			buf_addstr(b, "\\x");
			buf_addch(b, hex[s[i] >> 4]);
			buf_addch(b, hex[s[i] & 0xf]);
			i++;
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r') {
			buf_addch(b, ' ');
			i++;
		} else if (c == ESC)
			i = skip_escape(s, len, i);
		else if (c >= 0x80 && c <= 0x9f)
			i = skip_c1(s, len, i, n, c);
		else if (is_control(c) || is_bidi_control(c))
			i += n;
		else {
			buf_add(b, text + i, n);
			i += n;
		}
	}
}

void
sanitize_str(struct buf *b, const char *text)
{
	if (text != NULL)
		sanitize_add(b, text, strlen(text));
}

const char *
sanitize_problem(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, n;
	uint32_t c;

	for (i = 0; i < len; i += n) {
		if ((n = sanitize_utf8_next(s + i, len - i, &c)) == 0)
			return "invalid UTF-8";
		if (is_control(c) || is_bidi_control(c))
			return "a control character";
	}
	return NULL;
}
