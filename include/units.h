/*
 * Sizes and durations as people write them: 100, 64k, 512M, 2G (powers
 * of 1024); 45s, 90m, 12h, 30d, 2w.
 */
#ifndef GITHERD_UNITS_H
#define GITHERD_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 0 and the size in *out, or -1 if s is not a size. */
int	units_parse_size(const char *s, uint64_t *out);
void	units_format_size(uint64_t, char *out, size_t len);
/*
 * A whole number and one unit, s, m, h, d or w (a week is 7 days): 0 and
 * the seconds in *out, or -1 if s is not a duration.  A bare number is
 * refused: is "30" seconds or days?
 */
int	units_parse_duration(const char *s, int64_t *out);
/*
 * Seconds in the largest unit that holds a whole one, rounded down:
 * 59s, 1m, 1h (for 119 minutes), 23h, 40d (days, never weeks: "40d ago"
 * reads better).
 * What units_parse_duration reads back exactly when no smaller unit was
 * cut off.  A negative number (a clock set back) shows as 0s.
 */
void	units_format_duration(int64_t seconds, char *out, size_t len);

#endif
