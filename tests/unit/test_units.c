#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "units.h"

Test(units, sizes_round_trip)
{
	static const char *const spelled[] = { "0", "100", "3k", "512M",
	    "1536M", "2G", "1025" };
	char out[32];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(spelled) / sizeof(*spelled); i++) {
		cr_assert_eq(units_parse_size(spelled[i], &v), 0, "%s",
		    spelled[i]);
		units_format_size(v, out, sizeof(out));
		cr_expect_str_eq(out, spelled[i]);
	}
	units_format_size(256ULL << 20, out, sizeof(out));
	cr_expect_str_eq(out, "256M");
	cr_expect_eq(units_parse_size("1.5G", &v), -1);
	cr_expect_eq(units_parse_size("-1", &v), -1);
	cr_expect_eq(units_parse_size("9999999999G", &v), -1);
}
