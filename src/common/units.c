#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "units.h"

int
units_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (errno != 0 || *end != '\0' || v > (UINT64_MAX >> shift) / 2)
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* The inverse, as exactly as units_parse_size reads it: 256M, 1536M, 3k. */
void
units_format_size(uint64_t v, char *out, size_t len)
{
	static const char suffix[] = "GMk";
	int shift;

	for (shift = 30; shift > 0; shift -= 10)
		if (v != 0 && v % (1ULL << shift) == 0) {
			snprintf(out, len, "%llu%c", (unsigned long long)(v >>
			    shift), suffix[(30 - shift) / 10]);
			return;
		}
	snprintf(out, len, "%llu", (unsigned long long)v);
}

static const struct {
	char	 unit;
	int64_t	 seconds;
} durations[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
	{ 's', 1 },
};
#define NDURATIONS	(sizeof(durations) / sizeof(*durations))

int
units_parse_duration(const char *s, int64_t *out)
{
	unsigned long long v;
	char *end;
	size_t i;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	for (i = 0; i < NDURATIONS; i++)
		if (*end == durations[i].unit) {
			if (v > (unsigned long long)(INT64_MAX /
			    durations[i].seconds))
				return -1;
			*out = (int64_t)v * durations[i].seconds;
			return 0;
		}
	return -1;
}

void
units_format_duration(int64_t s, char *out, size_t len)
{
	size_t i;

	if (s < 0)
		s = 0;
	/* from days down: the first unit of which s holds a whole one */
	for (i = 1; i + 1 < NDURATIONS && s < durations[i].seconds; i++)
		;
	snprintf(out, len, "%lld%c", (long long)(s / durations[i].seconds),
	    durations[i].unit);
}
