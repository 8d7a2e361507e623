#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

Test(buf, grows_and_stays_terminated)
{
	struct buf b = BUF_INIT;
	int i;

	buf_init(&b);
	cr_expect_str_eq(b.data, "");
	for (i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	cr_expect_eq(b.len, strlen(b.data));
	cr_expect(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_consume(&b, 2);
	cr_expect(strncmp(b.data, "1,2,", 4) == 0);
	buf_truncate(&b, 2);
	cr_expect_str_eq(b.data, "1,");
	buf_reset(&b);
	cr_expect_str_eq(b.data, "");
	buf_release(&b);
	buf_release(&b);	/* release twice is harmless */
}

Test(buf, detach_hands_out_ownership)
{
	struct buf b = BUF_INIT;
	char *s;

	buf_init(&b);
	s = buf_detach(&b);
	cr_expect_str_eq(s, "");
	free(s);
	buf_addstr(&b, "abc");
	buf_addch(&b, 'd');
	buf_add(&b, "\0e", 2);
	cr_expect_eq(b.len, 6);
	s = buf_detach(&b);
	cr_expect_eq(memcmp(s, "abcd\0e", 7), 0);
	cr_expect_eq(b.len, 0);
	free(s);
}

Test(buf, zero_initialised_buf_works)
{
	struct buf b;

	memset(&b, 0, sizeof(b));
	buf_addstr(&b, "x");
	cr_expect_str_eq(b.data, "x");
	buf_release(&b);
}

Test(buf, typed_fields_round_trip)
{
	struct buf b = BUF_INIT;
	struct buf_cursor c;
	char fixed[8], *s;

	buf_init(&b);
	buf_put_u8(&b, 0xab);
	buf_put_u16(&b, 0xbeef);
	buf_put_u32(&b, 0xdeadbeef);
	buf_put_i32(&b, -7);
	buf_put_u64(&b, 1ULL << 50);
	buf_put_str(&b, "hello", 100);
	buf_put_str(&b, NULL, 100);
	buf_put_str(&b, "abcdefghij", 3);	/* cut at max */
	buf_put_str(&b, "short", 100);
	buf_cursor_init(&c, b.data, b.len);
	cr_expect_eq(buf_get_u8(&c), 0xab);
	cr_expect_eq(buf_get_u16(&c), 0xbeef);
	cr_expect_eq(buf_get_u32(&c), 0xdeadbeef);
	cr_expect_eq(buf_get_i32(&c), -7);
	cr_expect_eq(buf_get_u64(&c), 1ULL << 50);
	s = buf_get_str(&c);
	cr_expect_str_eq(s, "hello");
	free(s);
	cr_expect_null(buf_get_str(&c));
	s = buf_get_str(&c);
	cr_expect_str_eq(s, "abc");
	free(s);
	buf_get_fixed(&c, fixed, sizeof(fixed));
	cr_expect_str_eq(fixed, "short");
	cr_expect(buf_cursor_done(&c));
	buf_release(&b);
}

Test(buf, cursor_goes_bad_and_stays_bad)
{
	struct buf b = BUF_INIT;
	struct buf_cursor c;
	char fixed[4];

	buf_init(&b);
	buf_put_u16(&b, 1);
	buf_cursor_init(&c, b.data, b.len);
	cr_expect_eq(buf_get_u32(&c), 0);	/* two bytes short */
	cr_expect(c.bad);
	cr_expect_eq(buf_get_u8(&c), 0);	/* still bad, reads nothing */
	cr_expect_eq(c.left, 2);
	cr_expect(!buf_cursor_done(&c));

	/* A string length pointing past the end. */
	buf_reset(&b);
	buf_put_u32(&b, 1000);
	buf_add(&b, "xy", 2);
	buf_cursor_init(&c, b.data, b.len);
	cr_expect_null(buf_get_str(&c));
	cr_expect(c.bad);

	/* An embedded NUL. */
	buf_reset(&b);
	buf_put_u32(&b, 3);
	buf_add(&b, "a\0b", 3);
	buf_cursor_init(&c, b.data, b.len);
	cr_expect_null(buf_get_str(&c));
	cr_expect(c.bad);

	/* Too long for the fixed array: refused, not cut. */
	buf_reset(&b);
	buf_put_str(&b, "abcd", 100);
	buf_cursor_init(&c, b.data, b.len);
	buf_get_fixed(&c, fixed, sizeof(fixed));
	cr_expect(c.bad);
	cr_expect_str_eq(fixed, "");

	/* Bytes left over: not done. */
	buf_reset(&b);
	buf_put_u8(&b, 1);
	buf_put_u8(&b, 2);
	buf_cursor_init(&c, b.data, b.len);
	(void)buf_get_u8(&c);
	cr_expect(!buf_cursor_done(&c));
	buf_release(&b);
}
