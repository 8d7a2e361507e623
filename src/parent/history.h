/*
 * What earlier runs measured, per entry: how long its last clone took
 * and how many bytes it moved, and how long its last update took.  Kept
 * in WORKSPACE/.githerd/history so that the next run can start the
 * longest jobs first.  The file is a cache: a missing or damaged one is
 * ignored with a warning and rewritten at the end of the run.
 *
 * The same measurements are also kept per repository, keyed by its
 * normalised URL (credentials redacted) instead of the entry's path, in
 * a file shared by every workspace of the user (plan.c): a fresh
 * workspace then knows its longest clone from the first run.
 */
#ifndef GITHERD_HISTORY_H
#define GITHERD_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define HISTORY_MAX_BYTES	(32u << 20)

struct history_entry {
	char		*path;
	int64_t		 clone_ms;	/* -1: never measured */
	uint64_t	 clone_bytes;
	int64_t		 update_ms;	/* -1: never measured */
};

struct history {
	struct history_entry	*v;
	size_t			 n, cap;
	bool			 sorted;	/* by path, no duplicates */
	bool			 by_url;	/* keys are URLs, not paths */
};

void	history_init(struct history *);
/* An empty history keyed by URL: its file has a header of its own. */
void	history_init_urls(struct history *);
/* The key of url in a history by URL (free it). */
char	*history_url_key(const char *url);
void	history_release(struct history *);
/* 0 (a missing file is an empty history), or -1 with why in warn. */
int	history_load(struct history *, const char *file, char *warn,
	    size_t warnlen);
int	history_load_urls(struct history *, const char *file, char *warn,
	    size_t warnlen);
int	history_parse(struct history *, const char *text, size_t len,
	    char *warn, size_t warnlen);
/* What a run measured; the newest measurement of each kind wins. */
void	history_note(struct history *, const char *path, bool clone,
	    int64_t ms, uint64_t bytes);
const struct history_entry *history_find(struct history *, const char *path);
void	history_format(struct history *, struct buf *);
int	history_save(struct history *, const char *file, char *err,
	    size_t errlen);

#endif
