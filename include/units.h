/*
 * Sizes as people write them: 100, 64k, 512M, 2G (powers of 1024).
 */
#ifndef GITHERD_UNITS_H
#define GITHERD_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 0 and the size in *out, or -1 if s is not a size. */
int	units_parse_size(const char *s, uint64_t *out);
void	units_format_size(uint64_t, char *out, size_t len);

#endif
