#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "url.h"
#include "xmalloc.h"

/* Clone speed assumed before anything was measured: 5 MB/s. */
#define DEFAULT_BYTES_PER_MS	5000.0

struct ranked {
	int64_t		 key;
	unsigned	 index;
};

/* Largest key first; equal keys in index order (qsort is not stable). */
static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void
schedule_order(const int64_t *cost, size_t n, unsigned *order)
{
	struct ranked *r = xreallocarray(NULL, n ? n : 1, sizeof(*r));
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (cost[i] >= 0) {
			r[k].key = cost[i];
			r[k++].index = (unsigned)i;
		}
	qsort(r, k, sizeof(*r), ranked_cmp);
	for (i = 0; i < k; i++)
		order[i] = r[i].index;
	for (i = 0; i < n; i++)
		if (cost[i] < 0)
			order[k++] = (unsigned)i;
	free(r);
}

double
schedule_clone_speed(const struct history *h)
{
	double bytes = 0, ms = 0;
	size_t i;

	for (i = 0; h != NULL && i < h->n; i++)
		if (h->v[i].clone_ms > 0 && h->v[i].clone_bytes > 0) {
			bytes += (double)h->v[i].clone_bytes;
			ms += (double)h->v[i].clone_ms;
		}
	return ms > 0 && bytes > 0 ? bytes / ms : DEFAULT_BYTES_PER_MS;
}

int64_t
schedule_cost(const struct history_entry *e, bool present, uint64_t size_hint,
    double bytes_per_ms)
{
	if (present)
		return e != NULL && e->update_ms >= 0 ? e->update_ms : -1;
	if (e != NULL && e->clone_ms >= 0)
		return e->clone_ms;
	if (size_hint > 0 && bytes_per_ms > 0)
		return (int64_t)((double)size_hint / bytes_per_ms) + 1;
	return -1;
}

/* --- per-host limits ---------------------------------------------------- */

/* The rule for key "host" or "host:port": an exact rule, else the host's. */
static unsigned
rule_for(const struct manifest *m, const char *key, unsigned per_host)
{
	const char *colon = strrchr(key, ':');
	size_t hostlen = strlen(key), i;

	/* "[::1]:8080" has its port after the ']'. */
	if (colon != NULL && (key[0] != '[' || colon[-1] == ']'))
		hostlen = (size_t)(colon - key);
	for (i = 0; i < m->nhosts; i++)
		if (strcmp(m->hosts[i].host, key) == 0)
			return m->hosts[i].jobs;
	for (i = 0; i < m->nhosts; i++)
		if (strlen(m->hosts[i].host) == hostlen &&
		    strncmp(m->hosts[i].host, key, hostlen) == 0)
			return m->hosts[i].jobs;
	return per_host;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
schedule_hosts(const struct manifest *m, unsigned per_host,
    struct host_plan *p)
{
	char **keys = xreallocarray(NULL, m->nrepos ? m->nrepos : 1,
	    sizeof(*keys)), **sorted, **hit;
	size_t i, n = 0;

	memset(p, 0, sizeof(*p));
	p->host_of = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*p->host_of));
	for (i = 0; i < m->nrepos; i++)
		keys[i] = url_host(m->repos[i].url);
	/* The distinct hosts, sorted, so that each entry finds its own. */
	sorted = xreallocarray(NULL, m->nrepos ? m->nrepos : 1,
	    sizeof(*sorted));
	memcpy(sorted, keys, m->nrepos * sizeof(*sorted));
	qsort(sorted, m->nrepos, sizeof(*sorted), name_cmp);
	for (i = 0; i < m->nrepos; i++)
		if (n == 0 || strcmp(sorted[n - 1], sorted[i]) != 0)
			sorted[n++] = sorted[i];
	p->nhosts = n;
	p->names = xreallocarray(NULL, n ? n : 1, sizeof(*p->names));
	p->limit = xcalloc(n ? n : 1, sizeof(*p->limit));
	for (i = 0; i < n; i++) {
		p->names[i] = xstrdup(sorted[i]);
		p->limit[i] = rule_for(m, sorted[i], per_host);
	}
	for (i = 0; i < m->nrepos; i++) {
		hit = bsearch(&keys[i], p->names, n, sizeof(*p->names),
		    name_cmp);
		p->host_of[i] = (unsigned)(hit - p->names);
	}
	for (i = 0; i < m->nrepos; i++)
		free(keys[i]);
	free(keys);
	free(sorted);
}

void
host_plan_release(struct host_plan *p)
{
	size_t i;

	for (i = 0; i < p->nhosts; i++)
		free(p->names[i]);
	free(p->names);
	free(p->limit);
	free(p->host_of);
	memset(p, 0, sizeof(*p));
}

/* --- shards ------------------------------------------------------------- */

struct weighed {
	uint64_t	 weight;
	const char	*path;
	unsigned	 index;
};

/* Heaviest first; equal weights by path, which every machine agrees on. */
static int
weighed_cmp(const void *a, const void *b)
{
	const struct weighed *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* FNV-1a, 64 bits: stable across machines and releases, which is all. */
static uint64_t
path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
schedule_shards_by_hash(const struct manifest *m, unsigned nshards,
    unsigned *shard_of)
{
	size_t i;

	for (i = 0; i < m->nrepos; i++)
		shard_of[i] = (unsigned)(path_hash(m->repos[i].path) % nshards);
}

void
schedule_shards(const struct manifest *m, unsigned nshards,
    unsigned *shard_of)
{
	struct weighed *w = xreallocarray(NULL, m->nrepos ? m->nrepos : 1,
	    sizeof(*w));
	uint64_t *load = xcalloc(nshards, sizeof(*load)), sum = 0, mean;
	size_t i, hinted = 0;
	unsigned s, best;

	for (i = 0; i < m->nrepos; i++)
		if (m->repos[i].size_hint > 0) {
			sum += m->repos[i].size_hint;
			hinted++;
		}
	mean = hinted ? sum / hinted : 1;
	for (i = 0; i < m->nrepos; i++) {
		w[i].weight = m->repos[i].size_hint ? m->repos[i].size_hint :
		    mean;
		w[i].path = m->repos[i].path;
		w[i].index = (unsigned)i;
	}
	qsort(w, m->nrepos, sizeof(*w), weighed_cmp);
	for (i = 0; i < m->nrepos; i++) {
		for (best = 0, s = 1; s < nshards; s++)
			if (load[s] < load[best])
				best = s;
		shard_of[w[i].index] = best;
		load[best] += w[i].weight;
	}
	free(load);
	free(w);
}
