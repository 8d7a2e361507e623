/*
 * What githerd did to each entry of a workspace, kept in
 * WORKSPACE/.githerd/entries: whether a sync created it, and where it last
 * put its checkout (a branch, or a commit for a detached HEAD) for which
 * manifest ref.  A checkout that is no longer where githerd put it was
 * moved by its user, and sync leaves it there unless the manifest's ref
 * changed since (or --switch).  A missing or damaged file loses only that
 * knowledge: every entry is then taken as githerd's, as before the file
 * existed, and none as created by it.
 */
#ifndef GITHERD_LEDGER_H
#define GITHERD_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "manifest.h"
#include "path.h"

#define LEDGER_FILE		PATH_STATE_DIR "/entries"
#define LEDGER_MAX_BYTES	(32u << 20)

struct ledger_entry {
	char	*path;
	char	*spec;		/* the manifest's ref then: "branch:main" */
	char	*placed;	/* "refs/heads/main", a commit id, or NULL */
	bool	 created;	/* a sync cloned it */
};

struct ledger {
	struct ledger_entry	*v;		/* sorted by path */
	size_t			 n, cap;
};

void	ledger_init(struct ledger *);
void	ledger_release(struct ledger *);
/* 0 (a missing file is an empty ledger), or -1 with why in warn. */
int	ledger_load(struct ledger *, const char *file, char *warn,
	    size_t warnlen);
int	ledger_parse(struct ledger *, const char *text, size_t len,
	    char *warn, size_t warnlen);
void	ledger_format(const struct ledger *, struct buf *);
int	ledger_save(const struct ledger *, const char *file, char *err,
	    size_t errlen);

const struct ledger_entry *ledger_find(const struct ledger *,
	    const char *path);
/*
 * Record an entry: placed (NULL keeps what was recorded, with its spec)
 * and created (true sticks).
 */
void	ledger_note(struct ledger *, const char *path, const char *spec,
	    const char *placed, bool created);
void	ledger_forget(struct ledger *, const char *path);

/* A placement a worker reported, fit to be recorded. */
bool	ledger_placed_valid(const char *);

/* The manifest's ref of an entry as the ledger spells it: "tag:v1". */
char	*ledger_spec(const struct repo_spec *);

#endif
