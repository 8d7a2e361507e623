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
