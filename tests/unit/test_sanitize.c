#include <criterion/criterion.h>

#include <string.h>

#include "sanitize.h"

static void
expect_clean(const char *in, size_t len, const char *want)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	sanitize_add(&b, in, len);
	cr_expect_str_eq(b.data, want, "sanitising %zu bytes", len);
	cr_expect_null(sanitize_problem(b.data, b.len), "output '%s' not clean",
	    b.data);
	buf_release(&b);
}

#define CLEAN(in, want)	expect_clean(in, sizeof(in) - 1, want)

Test(sanitize, printable_text_and_utf8_pass_unchanged)
{
	CLEAN("plain text, 100% ok", "plain text, 100% ok");
	CLEAN("ünïcødé 漢字 🙂", "ünïcødé 漢字 🙂");
	CLEAN("", "");
}

Test(sanitize, whitespace_becomes_a_space)
{
	CLEAN("a\tb\nc\rd", "a b c d");
}

Test(sanitize, escape_sequences_are_dropped_whole)
{
	CLEAN("\033[31mred\033[0m", "red");
	CLEAN("\033[2J\033[Hcleared", "cleared");
	/* OSC 52 writes the clipboard; OSC 8 makes links. */
	CLEAN("a\033]52;c;ZXZpbA==\007b", "ab");
	CLEAN("a\033]8;;http://x\033\\link\033]8;;\033\\b", "alinkb");
	CLEAN("\033c\0337x", "x");
	CLEAN("\033(Bx", "x");
	CLEAN("trailing\033", "trailing");
	CLEAN("open\033]52;c;never ends", "open");
}

Test(sanitize, c0_del_and_c1_controls_are_dropped)
{
	CLEAN("a\007b\bc\x7f" "d\x01" "e", "abcde");
	/* U+009B is CSI, U+009D OSC, U+0085 NEL, in UTF-8. */
	CLEAN("a\xc2\x9b" "2Jb", "ab");
	CLEAN("a\xc2\x9d" "52;c;eA==\x07" "b", "ab");
	CLEAN("a\xc2\x85" "b", "ab");
	/* NUL inside the span does not end it. */
	expect_clean("a\0b", 3, "ab");
}

Test(sanitize, bidi_overrides_are_dropped)
{
	CLEAN("abc\xe2\x80\xae" "fed", "abcfed");	/* U+202E */
	CLEAN("x\xe2\x81\xa6" "y", "xy");		/* U+2066 */
}

Test(sanitize, invalid_utf8_is_shown_visibly)
{
	CLEAN("a\x9b" "2J", "a\\x9b2J");		/* a raw 8-bit CSI */
	CLEAN("\xff\xfe", "\\xff\\xfe");
	CLEAN("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	CLEAN("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* a surrogate */
	CLEAN("cut \xe6\xbc", "cut \\xe6\\xbc");	/* truncated */
}

Test(sanitize, problems_are_named)
{
	cr_expect_null(sanitize_problem("fine/ünï", 10));
	cr_expect_str_eq(sanitize_problem("a\033b", 3), "a control character");
	cr_expect_str_eq(sanitize_problem("a\xc2\x9b", 3),
	    "a control character");
	cr_expect_str_eq(sanitize_problem("a\x9b", 2), "invalid UTF-8");
	cr_expect_str_eq(sanitize_problem("\xe2\x80\xae", 3),
	    "a control character");
}
