#include <errno.h>
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
