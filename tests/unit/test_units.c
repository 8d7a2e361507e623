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

Test(units, durations_read_as_written)
{
	static const struct {
		const char	*s;
		int64_t		 seconds;
	} ok[] = {
		{ "45s", 45 }, { "90m", 5400 }, { "12h", 43200 },
		{ "30d", 2592000 }, { "2w", 1209600 }, { "0s", 0 },
	};
	static const char *const bad[] = { "", "30", "d", "-1d", "1.5d",
	    "3y", "30dd", "30 d", " 30d", "99999999999999999999d",
	    "9999999999999999w" };
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		cr_assert_eq(units_parse_duration(ok[i].s, &v), 0, "%s",
		    ok[i].s);
		cr_expect_eq(v, ok[i].seconds, "%s", ok[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(units_parse_duration(bad[i], &v), -1, "'%s'",
		    bad[i]);
}

Test(units, durations_show_their_largest_whole_unit)
{
	static const struct {
		int64_t		 seconds;
		const char	*s;
	} cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m" }, { 119 * 60, "1h" },
		{ 86399, "23h" }, { 40 * 86400 + 3600, "40d" },
		{ 400 * 86400, "400d" }, { -5, "0s" },
	};
	char out[32];
	int64_t back;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		units_format_duration(cases[i].seconds, out, sizeof(out));
		cr_expect_str_eq(out, cases[i].s, "%lld",
		    (long long)cases[i].seconds);
	}
	units_format_duration(30 * 86400, out, sizeof(out));
	cr_assert_eq(units_parse_duration(out, &back), 0);
	cr_expect_eq(back, 30 * 86400, "a whole unit reads back");
}
