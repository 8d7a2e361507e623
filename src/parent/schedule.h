/*
 * Which job goes first, how many run at once on one server, and which
 * entries a shard of a CI matrix takes.  Pure functions of the manifest,
 * the history and the options: the queue only follows what they decide.
 */
#ifndef GITHERD_SCHEDULE_H
#define GITHERD_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "manifest.h"

/*
 * Longest expected first (LPT): order[] gets the indexes of the jobs with
 * a known cost (cost[i] >= 0), most expensive first, then those with no
 * estimate in manifest order.  Ties keep manifest order.
 */
void	schedule_order(const int64_t *cost, size_t n, unsigned *order);

/*
 * What a job is expected to cost, in ms, or -1 if nothing is known: the
 * last clone (present false) or update (present true) of the entry, else
 * for a clone its size_hint at the clone speed earlier runs reached.
 */
int64_t	schedule_cost(const struct history_entry *, bool present,
	    uint64_t size_hint, double bytes_per_ms);
/* Bytes per ms over the clones the history measured; a default if none
 * (or h NULL). */
double	schedule_clone_speed(const struct history *);

/* Per-host limits: host_of[job] indexes limit[]; 0 means no limit. */
struct host_plan {
	unsigned	*host_of;	/* one per entry */
	unsigned	*limit;		/* one per distinct host */
	char		**names;
	size_t		 nhosts;
};

void	schedule_hosts(const struct manifest *, unsigned per_host,
	    struct host_plan *);
void	host_plan_release(struct host_plan *);

/*
 * Split the entries between nshards shards, the same way on every
 * machine: largest size_hint first (entries without one weigh the mean
 * hint, or 1), each to the lightest shard so far.  shard_of[i] is 0-based.
 */
void	schedule_shards(const struct manifest *, unsigned nshards,
	    unsigned *shard_of);
/*
 * The split --shard-by hash makes: each entry's shard from a hash of its
 * path alone, so that adding or removing an entry moves no other one
 * (warm CI workspaces stay warm), at the price of a balance by count only
 * and by chance.
 */
void	schedule_shards_by_hash(const struct manifest *, unsigned nshards,
	    unsigned *shard_of);

#endif
