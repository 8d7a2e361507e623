/*
 * Widths on a terminal and eliding by them: a CJK character takes two
 * columns, a combining mark none, and no character is ever cut in two.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "buf.h"
#include "line.h"
#include "sanitize.h"
#include "term.h"

static void
elide(struct buf *b, const char *s, size_t cols)
{
	buf_reset(b);
	line_elide_middle(b, s, cols);
}

Test(line, columns_follow_wcwidth)
{
	cr_expect_eq(term_columns("abc", 3), 3);
	cr_expect_eq(term_columns("日本語", strlen("日本語")), 6, "CJK: two each");
	cr_expect_eq(term_columns("e\xcc\x81", 3), 1, "a combining acute: none");
	cr_expect_eq(term_columns("\xff", 1), 1, "invalid UTF-8: one a byte");
}

Test(line, ascii_is_elided_in_the_middle)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	elide(&b, "abcdefghijklmnopqrstuvwxyz", 10);
	cr_expect_str_eq(b.data, "abc...wxyz");
	elide(&b, "short", 10);
	cr_expect_str_eq(b.data, "short");
	buf_release(&b);
}

Test(line, cjk_is_elided_by_columns_never_inside_a_character)
{
	static const char path[] = "日本語のパス/とても長いディレクトリ/ファイル名";
	struct buf b = BUF_INIT;
	size_t cols;

	buf_init(&b);
	for (cols = 4; cols <= 40; cols++) {
		elide(&b, path, cols);
		cr_expect_leq(term_columns(b.data, b.len), cols, "%zu columns: %s",
		    cols, b.data);
		cr_expect_null(sanitize_problem(b.data, b.len),
		    "%zu columns: a character cut in two", cols);
	}
	elide(&b, path, 20);
	cr_expect_str_eq(b.data, "日本語の...ァイル名", "%s", b.data);
	buf_release(&b);
}

Test(line, a_combining_mark_stays_with_its_letter)
{
	struct buf b = BUF_INIT;
	char s[200] = "";
	size_t i, cols;
	const char *dots;

	for (i = 0; i < 20; i++)
		strcat(s, "e\xcc\x81");		/* é as e + U+0301 */
	buf_init(&b);
	for (cols = 4; cols <= 19; cols++) {
		elide(&b, s, cols);
		cr_expect_leq(term_columns(b.data, b.len), cols);
		dots = strstr(b.data, "...");
		cr_assert_not_null(dots);
		cr_expect_neq((unsigned char)dots[3], 0xcc,
		    "%zu columns: the tail starts with a lone mark", cols);
		cr_expect(dots == b.data || (unsigned char)dots[-1] == 0x81,
		    "%zu columns: the head ends before its mark", cols);
	}
	buf_release(&b);
}

/* The text of a line without its colour escapes: valid UTF-8? */
static const char *
visible_problem(const struct buf *b)
{
	static char text[256];
	size_t i, n = 0;

	for (i = 0; i < b->len && n < sizeof(text) - 1; i++) {
		if (b->data[i] == 0x1b) {
			while (i < b->len && b->data[i] != 'm')
				i++;
			continue;
		}
		text[n++] = b->data[i];
	}
	text[n] = '\0';
	return sanitize_problem(text, n);
}

/*
 * A finished line cut to the terminal by columns: a CJK path used to be
 * counted one column a character, wrap, and leave a copy of the line at
 * every redraw.
 */
Test(line, a_line_is_fitted_by_columns_with_its_colours_kept)
{
	static const char line[] = "\033[32mcloned \033[0m 日本語/リポジトリ (1.5s)";
	struct buf b = BUF_INIT;
	int width;

	buf_init(&b);
	for (width = 2; width <= 60; width++) {
		buf_reset(&b);
		line_fit(&b, line, strlen(line), width);
		/* the columns of what shows, escapes aside */
		cr_expect_leq(term_columns(b.data, b.len) - strlen("\033[32m") -
		    strlen("\033[0m"), (size_t)width - 1, "width %d: %s", width,
		    b.data);
		cr_expect_null(visible_problem(&b), "width %d: a character cut "
		    "in two", width);
		cr_expect(strstr(b.data, "\033[0m") != NULL,
		    "width %d: the colour is reset", width);
	}
	buf_release(&b);
}

/* Numbers in a live line never change width (curl's max5data). */
Test(line, sizes_and_durations_take_five_columns_whatever_the_value)
{
	struct buf b = BUF_INIT;
	uint64_t n;
	int64_t ms;

	buf_init(&b);
	for (n = 0; n < (1ULL << 62); n = n * 3 / 2 + 1) {
		buf_reset(&b);
		line_size5(&b, n);
		cr_expect_eq(b.len, 5, "%llu: \"%s\"", (unsigned long long)n,
		    b.data);
	}
	for (ms = 0; ms < 9999LL * 3600 * 1000; ms = ms * 5 / 4 + 7) {
		buf_reset(&b);
		line_duration5(&b, ms);
		cr_expect_eq(b.len, 5, "%lld ms: \"%s\"", (long long)ms, b.data);
	}
	buf_reset(&b);
	line_size5(&b, 512);
	line_size5(&b, 1536);
	line_size5(&b, 999 << 10);
	line_size5(&b, 1023 << 10);
	line_size5(&b, 160ULL << 20);
	cr_expect_str_eq(b.data, " 512B 1.5K 999K 1.0M 160M", "%s", b.data);
	buf_reset(&b);
	line_duration5(&b, 400);
	line_duration5(&b, 59940);
	line_duration5(&b, 599000);
	line_duration5(&b, 750000);
	line_duration5(&b, 35940000);
	line_duration5(&b, 45000000);
	line_duration5(&b, 443000000);
	cr_expect_str_eq(b.data, " 0.4s59.9s9m59s12.5m9h59m12.5h 123h", "%s",
	    b.data);
	buf_release(&b);
}
