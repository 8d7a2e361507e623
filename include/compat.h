/*
 * The few Linux/GNU calls githerd needs, kept in one file so that the rest
 * of the tree compiles as plain POSIX 2008 (_GNU_SOURCE is defined only in
 * compat.c).
 */
#ifndef GITHERD_COMPAT_H
#define GITHERD_COMPAT_H

#include <sys/types.h>

#include <stdbool.h>

int	compat_pipe_cloexec(int fds[2]);
int	compat_rename_noreplace(const char *from, const char *to);
int	compat_renameat_noreplace(int dirfd, const char *from, const char *to);
void	compat_close_from(int lowfd);
int	compat_parent_death_signal(int sig);
int	compat_flock_nb(int fd, bool exclusive);
void	compat_random(void *, size_t);
size_t	compat_malloc_size(void *);
/* memset that the compiler may not drop: for secrets. */
void	compat_wipe(void *, size_t);

#endif
