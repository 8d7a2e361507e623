/*
 * githerd cache status|prune: what the object cache of --cache DIR (or
 * GITHERD_CACHE) holds, and removing what nobody used for a while.  The
 * reading is cacheinfo.c's, the removing cacheprune.c's; this file only
 * words them.  Every name and URL found in the cache is from outside:
 * each is sanitised, and each URL redacted again, before it is shown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cachedir.h"
#include "cacheinfo.h"
#include "cacheprune.h"
#include "cmd.h"
#include "command.h"
#include "fsutil.h"
#include "line.h"
#include "report.h"
#include "sanitize.h"
#include "units.h"
#include "url.h"
#include "xmalloc.h"

struct cache_tally {
	size_t		 entries, removed, leftovers;
	uint64_t	 size, shared, freed, leftover_size;
};

static const char *
cache_dir(const struct cli *cli)
{
	const char *dir = cli->cache != NULL ? cli->cache :
	    getenv("GITHERD_CACHE");

	return dir != NULL && *dir != '\0' ? dir : NULL;
}

/* githerd-url is written redacted; one written by hand may not be. */
static void
cache_url(struct buf *b, const struct cacheinfo_entry *e)
{
	char *shown = url_redact(e->url);

	sanitize_str(b, shown);
	free(shown);
}

/* What is known of an entry's users: "in use", "borrowed by 2", "idle". */
static void
cache_state(struct buf *b, const struct cacheinfo_entry *e)
{
	const char *sep = e->in_use ? ", " : "";

	if (e->in_use)
		buf_addstr(b, "in use");
	if (e->borrowers == CACHEINFO_BORROWERS_UNKNOWN)
		buf_addf(b, "%sborrowed (" CACHEDIR_BORROWERS_FILE
		    " unreadable)", sep);
	else if (e->borrowers > 0)
		buf_addf(b, "%sborrowed by %zu", sep, e->borrowers);
	else if (!e->in_use)
		buf_addstr(b, "idle");
}

static void
cache_age(struct buf *b, time_t now, time_t then)
{
	char age[32];

	units_format_duration((int64_t)(now - then), age, sizeof(age));
	buf_addstr(b, age);
}

static void
cache_count(struct cache_tally *t, const struct cacheinfo *ci)
{
	const struct cacheinfo_entry *e;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ci->n; i++) {
		e = &ci->v[i];
		if (e->kind == CACHEINFO_ENTRY) {
			t->entries++;
			t->size += e->size;
			t->shared += e->shared;
		} else if (e->kind == CACHEINFO_LEFTOVER) {
			t->leftovers++;
			t->leftover_size += e->size;
		}
	}
}

/* --- status, as text ---------------------------------------------------- */

/* The columns of one entry's line: size, age, state. */
static void
status_columns(const struct cacheinfo_entry *e, time_t now, struct buf *size,
    struct buf *age, struct buf *state)
{
	buf_reset(size);
	buf_reset(age);
	buf_reset(state);
	line_bytes(size, e->size);
	cache_age(age, now, e->last_use);
	cache_state(state, e);
}

static void
status_entries(struct buf *out, const struct cacheinfo *ci, time_t now)
{
	struct buf size = BUF_INIT, age = BUF_INIT, state = BUF_INIT;
	int w[3] = { 0, 0, 0 };
	size_t i;

	buf_init(&size);
	buf_init(&age);
	buf_init(&state);
	for (i = 0; i < ci->n; i++) {
		if (ci->v[i].kind != CACHEINFO_ENTRY)
			continue;
		status_columns(&ci->v[i], now, &size, &age, &state);
		w[0] = (int)size.len > w[0] ? (int)size.len : w[0];
		w[1] = (int)age.len > w[1] ? (int)age.len : w[1];
		w[2] = (int)state.len > w[2] ? (int)state.len : w[2];
	}
	for (i = 0; i < ci->n; i++) {
		if (ci->v[i].kind != CACHEINFO_ENTRY)
			continue;
		status_columns(&ci->v[i], now, &size, &age, &state);
		buf_addf(out, "%*s  used %*s ago  %-*s  ", w[0], size.data,
		    w[1], age.data, w[2], state.data);
		cache_url(out, &ci->v[i]);
		buf_addch(out, '\n');
	}
	buf_release(&size);
	buf_release(&age);
	buf_release(&state);
}

static void
status_others(struct buf *out, const struct cacheinfo *ci)
{
	const struct cacheinfo_entry *e;
	size_t i;

	for (i = 0; i < ci->n; i++) {
		e = &ci->v[i];
		if (e->kind == CACHEINFO_ENTRY)
			continue;
		buf_addstr(out, e->kind == CACHEINFO_LEFTOVER ? "leftover " :
		    "left alone ");
		sanitize_str(out, e->name);
		if (e->kind == CACHEINFO_LEFT_ALONE) {
			buf_addf(out, ": %s\n", e->why);
			continue;
		}
		buf_addstr(out, ": ");
		line_bytes(out, e->size);
		buf_addf(out, ", of process %ld, which is gone (prune removes "
		    "it)\n", e->pid);
	}
}

static void
status_text(struct buf *out, const struct cacheinfo *ci, time_t now)
{
	struct cache_tally t;

	cache_count(&t, ci);
	status_entries(out, ci, now);
	status_others(out, ci);
	buf_addf(out, "githerd: %zu repositor%s, ", t.entries,
	    t.entries == 1 ? "y" : "ies");
	line_bytes(out, t.size);
	buf_addstr(out, " in ");
	sanitize_str(out, ci->dir);
	if (t.shared > 0) {
		buf_addstr(out, " (");
		line_bytes(out, t.shared);
		buf_addstr(out, " of it also linked into checkouts)");
	}
	if (t.leftovers > 0) {
		buf_addf(out, "; %zu leftover%s, ", t.leftovers,
		    t.leftovers == 1 ? "" : "s");
		line_bytes(out, t.leftover_size);
	}
	buf_addch(out, '\n');
}

/* --- status, as JSON ---------------------------------------------------- */

static void
json_entry(struct buf *b, const struct cacheinfo_entry *e, time_t now)
{
	char when[32], *url = url_redact(e->url);
	struct tm tm;

	gmtime_r(&e->last_use, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_addstr(b, "    {\"name\": ");
	json_string(b, e->name);
	buf_addstr(b, ", \"url\": ");
	json_string(b, url);
	buf_addf(b, ", \"size\": %llu, \"shared\": %llu, \"last_use\": \"%s\", "
	    "\"unused_s\": %lld, \"state\": \"%s\", \"in_use\": %s, "
	    "\"borrowers\": ", (unsigned long long)e->size,
	    (unsigned long long)e->shared, when,
	    (long long)(now > e->last_use ? now - e->last_use : 0),
	    e->in_use ? "in use" : e->borrowers > 0 ? "borrowed" : "idle",
	    e->in_use ? "true" : "false");
	if (e->borrowers == CACHEINFO_BORROWERS_UNKNOWN)
		buf_addstr(b, "null}");
	else
		buf_addf(b, "%zu}", e->borrowers);
	free(url);
}

static void
json_other(struct buf *b, const struct cacheinfo_entry *e)
{
	buf_addstr(b, "    {\"name\": ");
	json_string(b, e->name);
	if (e->kind == CACHEINFO_LEFTOVER)
		buf_addf(b, ", \"pid\": %ld, \"size\": %llu}", e->pid,
		    (unsigned long long)e->size);
	else {
		buf_addstr(b, ", \"why\": ");
		json_string(b, e->why);
		buf_addch(b, '}');
	}
}

/* One array of the records of one kind. */
static void
json_list(struct buf *b, const char *key, const struct cacheinfo *ci,
    enum cacheinfo_kind kind, time_t now)
{
	size_t i, n = 0;

	buf_addf(b, "  \"%s\": [", key);
	for (i = 0; i < ci->n; i++) {
		if (ci->v[i].kind != kind)
			continue;
		buf_addstr(b, n++ > 0 ? ",\n" : "\n");
		if (kind == CACHEINFO_ENTRY)
			json_entry(b, &ci->v[i], now);
		else
			json_other(b, &ci->v[i]);
	}
	buf_addstr(b, n > 0 ? "\n  ],\n" : "],\n");
}

static void
status_json(struct buf *b, const struct cacheinfo *ci, time_t now)
{
	struct cache_tally t;

	cache_count(&t, ci);
	buf_addstr(b, "{\n  \"cache\": ");
	json_string(b, ci->dir);
	buf_addstr(b, ",\n");
	json_list(b, "repositories", ci, CACHEINFO_ENTRY, now);
	json_list(b, "leftovers", ci, CACHEINFO_LEFTOVER, now);
	json_list(b, "left_alone", ci, CACHEINFO_LEFT_ALONE, now);
	buf_addf(b, "  \"total\": {\"repositories\": %zu, \"size\": %llu, "
	    "\"shared\": %llu, \"leftovers\": %zu, \"leftover_size\": %llu}\n"
	    "}\n", t.entries, (unsigned long long)t.size,
	    (unsigned long long)t.shared, t.leftovers,
	    (unsigned long long)t.leftover_size);
}

static enum exit_code
cache_status(const struct cli *cli, const struct cacheinfo *ci, time_t now)
{
	struct buf out = BUF_INIT;
	enum exit_code code = EXIT_OK;

	buf_init(&out);
	if (cli->json == NULL)
		status_text(&out, ci, now);
	else
		status_json(&out, ci, now);
	if (cli->json == NULL || strcmp(cli->json, "-") == 0)
		fwrite(out.data, 1, out.len, stdout);
	else if (fs_write_atomic(cli->json, out.data, out.len,
	    FS_PUBLIC) == -1) {
		fprintf(stderr, "githerd: cache status: cannot write %s: %s\n",
		    cli->json, strerror(errno));
		code = EXIT_SYSTEM;
	}
	buf_release(&out);
	return code;
}

/* --- prune -------------------------------------------------------------- */

/* "URL (unused for 40d)" or "leftover NAME of process PID". */
static void
prune_what(struct buf *b, const struct cacheinfo_entry *e, time_t now)
{
	if (e->kind == CACHEINFO_LEFTOVER) {
		buf_addstr(b, "leftover ");
		sanitize_str(b, e->name);
		buf_addf(b, " of process %ld", e->pid);
		return;
	}
	if (e->kind == CACHEINFO_LEFT_ALONE) {
		sanitize_str(b, e->name);
		return;
	}
	cache_url(b, e);
	buf_addstr(b, " (unused for ");
	cache_age(b, now, e->last_use);
	buf_addch(b, ')');
}

static const char *
prune_verb(enum cacheprune_verdict v, bool dry_run)
{
	switch (v) {
	case CACHEPRUNE_REMOVE:
		return dry_run ? "would remove" : "removed";
	case CACHEPRUNE_LEFT_ALONE:
		return "left alone";
	case CACHEPRUNE_GONE:
		return "gone";
	default:
		return "kept";
	}
}

/* One line about e, or none for an entry used since the cutoff. */
static void
prune_line(const struct cacheinfo_entry *e, enum cacheprune_verdict v,
    bool dry_run, time_t now)
{
	struct buf b = BUF_INIT;

	if (v == CACHEPRUNE_RECENT)
		return;
	buf_init(&b);
	buf_addf(&b, "%s ", prune_verb(v, dry_run));
	prune_what(&b, e, now);
	buf_addstr(&b, ": ");
	if (v == CACHEPRUNE_REMOVE) {
		line_bytes(&b, e->size - e->shared);
		buf_addstr(&b, dry_run ? " to free" : " freed");
	} else if (v == CACHEPRUNE_LEFT_ALONE)
		buf_addstr(&b, e->why);
	else if (v == CACHEPRUNE_GONE)
		buf_addstr(&b, "removed meanwhile by another process");
	else
		cache_state(&b, e);
	buf_addch(&b, '\n');
	fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	buf_release(&b);
}

/* Remove e, or say it would go: its verdict, or -1 after a message. */
static int
prune_one(const struct cacheinfo *ci, struct cacheinfo_entry *e,
    time_t cutoff, bool dry_run, enum cacheprune_verdict *v)
{
	char err[1200];

	if ((*v = cacheprune_verdict(e, cutoff)) != CACHEPRUNE_REMOVE ||
	    dry_run)
		return 0;
	if (cacheprune_remove(ci, e, cutoff, v, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: cache prune: %s\n", err);
		return -1;
	}
	return 0;
}

static void
prune_total(const struct cache_tally *t, const struct cacheinfo *ci,
    bool dry_run)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_addf(&b, "githerd: %s %zu of %zu repositor%s", dry_run ?
	    "would remove" : "removed", t->removed, t->entries,
	    t->entries == 1 ? "y" : "ies");
	if (t->leftovers > 0)
		buf_addf(&b, " and %zu leftover%s", t->leftovers,
		    t->leftovers == 1 ? "" : "s");
	buf_addstr(&b, " in ");
	sanitize_str(&b, ci->dir);
	buf_addstr(&b, ": ");
	line_bytes(&b, t->freed);
	buf_addstr(&b, dry_run ? " would be freed\n" : " freed\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
}

static enum exit_code
cache_prune(const struct cli *cli, struct cacheinfo *ci, time_t now)
{
	time_t cutoff = now - (time_t)cli->unused_for_s;
	enum cacheprune_verdict v;
	struct cacheinfo_entry *e;
	enum exit_code code = EXIT_OK;
	struct cache_tally t;
	size_t i, leftovers = 0;

	cache_count(&t, ci);
	for (i = 0; i < ci->n; i++) {
		e = &ci->v[i];
		if (prune_one(ci, e, cutoff, cli->dry_run, &v) == -1) {
			code = EXIT_SYSTEM;
			continue;
		}
		prune_line(e, v, cli->dry_run, now);
		if (v != CACHEPRUNE_REMOVE)
			continue;
		t.freed += e->size - e->shared;
		if (e->kind == CACHEINFO_LEFTOVER)
			leftovers++;
		else
			t.removed++;
	}
	t.leftovers = leftovers;
	prune_total(&t, ci, cli->dry_run);
	return code;
}

/* --- the command -------------------------------------------------------- */

enum exit_code
cmd_cache(int argc, char **argv, const struct worker_side *worker)
{
	struct command c;
	struct cacheinfo ci;
	enum exit_code code = EXIT_USAGE;
	const char *dir;
	char err[1200];

	cacheinfo_init(&ci);
	if (!command_init(&c, argc, argv, worker, &code))
		goto out;
	if ((dir = cache_dir(&c.cli)) == NULL) {
		fprintf(stderr, "githerd: cache: no cache directory: give "
		    "--cache DIR or set GITHERD_CACHE\n");
		cli_usage(stderr);
		goto out;
	}
	/* None there is the user's mistake, as a workspace that is not. */
	if (cacheinfo_scan(&ci, dir, err, sizeof(err)) == -1) {
		code = errno == ENOENT || errno == ENOTDIR ? EXIT_USAGE :
		    EXIT_SYSTEM;
		fprintf(stderr, "githerd: cache: %s\n", err);
		goto out;
	}
	if (c.cli.cache_action == CLI_CACHE_PRUNE)
		code = cache_prune(&c.cli, &ci, time(NULL));
	else
		code = cache_status(&c.cli, &ci, time(NULL));
out:
	cacheinfo_release(&ci);
	command_release(&c);
	return code;
}
