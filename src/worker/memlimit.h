/*
 * A ceiling on what libgit2 may allocate in one worker: its allocator is
 * replaced by one that counts and refuses past the limit, so a hostile
 * repository (a 1 GiB blob is 1 MiB on the wire) fails its job as
 * refused instead of taking the machine.  Install before
 * git_libgit2_init().  Worker only.
 */
#ifndef GITHERD_MEMLIMIT_H
#define GITHERD_MEMLIMIT_H

#include <stdbool.h>
#include <stddef.h>

int	memlimit_install(size_t limit);	/* 0: no limit */
size_t	memlimit_limit(void);
/* Was an allocation refused since the last memlimit_reset()? */
bool	memlimit_hit(void);
void	memlimit_reset(void);

#endif
