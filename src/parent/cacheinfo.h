/*
 * What a cache directory holds (its layout is include/cachedir.h), read
 * without changing anything.  One record per name of the layout:
 *
 *   an entry     DIR/<name>.git: its URL (githerd-url, as found: show it
 *                sanitised), its size on disk, its last use, whether it
 *                is in use and how many checkouts still borrow from it;
 *   a leftover   DIR/<name>.git.tmp-<pid> whose process is gone (one
 *                whose process lives is being made, and is not listed);
 *   left alone   a name of the layout that is not what the layout says
 *                (a symbolic link, a file, a directory without
 *                githerd-url): nothing may touch it.
 *
 * Every other name in DIR is not githerd's and is not looked at.  Nothing
 * below DIR is followed: each entry is opened with O_NOFOLLOW from DIR,
 * and the size walk never leaves it.
 *
 * Size is disk usage, st_blocks * 512 as du(1) counts it, every file
 * hard-linked more than once counted once per cache, in the first entry
 * met; "shared" is the part of it in files also linked from outside the
 * cache (the packs clones took in link mode), which removing the entry
 * does not free.
 *
 * The probes are public for cacheprune.c, which asks them again once it
 * holds an entry's lock.  Nothing here prints.
 */
#ifndef GITHERD_CACHEINFO_H
#define GITHERD_CACHEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum cacheinfo_kind {
	CACHEINFO_ENTRY,
	CACHEINFO_LEFTOVER,
	CACHEINFO_LEFT_ALONE,
};

/* githerd-borrowers could not be read: taken as borrowed. */
#define CACHEINFO_BORROWERS_UNKNOWN	SIZE_MAX

struct cacheinfo_entry {
	enum cacheinfo_kind	 kind;
	char			*name;		/* in DIR */
	char			*url;		/* ENTRY: githerd-url, unsanitised */
	const char		*why;		/* LEFT_ALONE: what is wrong */
	long			 pid;		/* LEFTOVER: whose it was */
	uint64_t		 size;		/* bytes on disk */
	uint64_t		 shared;	/* of size, linked outside too */
	time_t			 last_use;	/* githerd-used, else the dir's */
	bool			 in_use;	/* its lock is held */
	size_t			 borrowers;	/* that still borrow from it */
};

struct cacheinfo {
	char			*dir;
	int			 dirfd;
	struct cacheinfo_entry	*v;		/* sorted by name */
	size_t			 n, cap;
};

void	cacheinfo_init(struct cacheinfo *);
void	cacheinfo_release(struct cacheinfo *);
/*
 * Read dir: 0, or -1 with errno set (ENOENT: there is no such directory)
 * and err naming dir.  What cannot be read below it is counted as far as
 * it can be.
 */
int	cacheinfo_scan(struct cacheinfo *, const char *dir, char *err,
	    size_t errlen);

/*
 * "<name>" of "<name>.git" or "<name>.git.tmp-<pid>", when it is named as
 * the layout names entries: the length of <name>, else 0.
 */
size_t	cacheinfo_stem(const char *name);
/*
 * The lock of entry name (DIR/<name>.lock), taken exclusively without
 * waiting: its descriptor, held until closed; or -1 with errno
 * EWOULDBLOCK when another process holds it, ENOENT when there is none
 * and create is false (with create, it is made, as a worker makes it),
 * ELOOP when it is a symbolic link, or another.
 */
int	cacheinfo_lock(int dirfd, const char *name, bool create);
/* The lock taken and let go at once: is it held?  Unopenable: yes. */
bool	cacheinfo_in_use(int dirfd, const char *name);
/* DIR/name, opened without following a link: a descriptor, or -1. */
int	cacheinfo_open(int dirfd, const char *name);
/* The mtime of githerd-used in the open entry, else of the entry. */
time_t	cacheinfo_last_use(int entryfd);
/*
 * How many lines of githerd-borrowers in the open entry name a checkout
 * whose objects/info/alternates still names the entry's objects
 * directory: a line whose path is gone, or whose alternates no longer
 * name it, does not count; one that cannot be checked (unreadable) does.
 * CACHEINFO_BORROWERS_UNKNOWN when the file itself cannot be read.
 */
size_t	cacheinfo_borrowers(int entryfd);

#endif
