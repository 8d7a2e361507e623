#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"

void
compat_wipe(void *p, size_t len)
{
	explicit_bzero(p, len);
}

int
compat_pipe_cloexec(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

/*
 * rename(2) silently replaces an empty directory at the destination, and
 * a directory that appeared there after we looked may hold a user's work:
 * refuse to replace anything.
 */
int
compat_rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* Filesystem without RENAME_NOREPLACE: a narrow check-then-act. */
	if (access(to, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* The same within one directory, by descriptor. */
int
compat_renameat_noreplace(int dirfd, const char *from, const char *to)
{
	struct stat st;

	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (fstatat(dirfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dirfd, from, dirfd, to);
}

/* Close every descriptor >= lowfd (git's close_fd_above_stderr). */
void
compat_close_from(int lowfd)
{
	DIR *d;
	struct dirent *de;
	int fd, dfd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
#endif
	if ((d = opendir("/proc/self/fd")) != NULL) {
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL) {
			fd = atoi(de->d_name);
			if (fd >= lowfd && fd != dfd)
				close(fd);
		}
		closedir(d);
		return;
	}
	for (fd = lowfd; fd < 1024; fd++)
		close(fd);
}

int
compat_parent_death_signal(int sig)
{
	return prctl(PR_SET_PDEATHSIG, sig);
}

/* What an allocation really takes (glibc's, and ASan's, know). */
size_t
compat_malloc_size(void *p)
{
	return malloc_usable_size(p);
}

/* Bytes nobody can guess, for the names of temporary files. */
void
compat_random(void *p, size_t len)
{
	static unsigned long counter;
	unsigned long mix;
	unsigned char *c = p;
	size_t i;

	if (getrandom(p, len, GRND_NONBLOCK) == (ssize_t)len)
		return;
	/* No entropy yet (early boot): unique, if guessable; O_EXCL holds. */
	mix = (unsigned long)getpid() * 2654435761UL ^ ++counter ^
	    (unsigned long)time(NULL);
	for (i = 0; i < len; i++, mix = mix * 6364136223846793005UL + 1)
		c[i] = (unsigned char)(mix >> 33);
}

int
compat_flock_nb(int fd, bool exclusive)
{
	return flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
}
