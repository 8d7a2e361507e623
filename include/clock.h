#ifndef GITHERD_CLOCK_H
#define GITHERD_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock: for durations and deadlines. */
int64_t	clock_ms(void);

#endif
