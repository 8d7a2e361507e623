#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "jobarray.h"
#include "override.h"
#include "runopts.h"
#include "select.h"
#include "sig.h"
#include "userlinks.h"
#include "xmalloc.h"

#define READER_WAIT_S	2	/* status, freeze: for a sync about to end */

char *
command_absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || strcmp(path, "-") == 0 ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

int
command_parse(const struct command *c, struct manifest *m,
    const struct import_cache *imports)
{
	struct manifest_from from = { imports, c->cli.manifest_url,
	    c->saved_dir };
	struct diags d;
	const char *file = c->cli.manifest;
	char *text;
	int rc = 0;

	diags_init(&d);
	if (manifest_load_from(m, file, c->cli.allow_local ?
	    MANIFEST_ALLOW_LOCAL : 0, &from, &d) == -1) {
		text = diags_format(&d);
		fputs(text, stderr);
		fprintf(stderr, "githerd: %s: %zu error%s; nothing was done\n",
		    file, d.n, d.n == 1 ? "" : "s");
		free(text);
		rc = -1;
	}
	diags_release(&d);
	return rc;
}

/* What the last sync's imports were, from the workspace; else nothing. */
static void
load_saved_imports(struct command *c)
{
	char *file = xasprintf("%s/%s", c->cli.workspace, IMPORT_CACHE_FILE);
	char err[600];

	if (import_cache_load(&c->saved_imports, file, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: ignoring %s: %s\n", file,
		    err);
	free(file);
}

/*
 * The manifest, with west's imports as the caller read them, or else as
 * the last sync did; what no sync read yet is said, and left out.
 */
static int
load_manifest(struct command *c)
{
	size_t i;

	if (command_parse(c, &c->m, c->imports) == -1)
		return -1;
	if (c->m.nneeds == 0 || c->imports != NULL)
		return 0;
	load_saved_imports(c);
	manifest_release(&c->m);
	if (command_parse(c, &c->m, &c->saved_imports) == -1)
		return -1;
	/* A sync reads them itself, but for a dry run. */
	for (i = 0; i < c->m.nneeds && (c->cli.cmd != CMD_SYNC ||
	    c->cli.dry_run); i++)
		fprintf(stderr, "githerd: warning: %s: what project %s imports "
		    "is not known before a sync reads it: left out\n",
		    c->cli.manifest, c->m.repos[c->m.needs[i]].path);
	return 0;
}

static enum exit_code
workspace_exit(enum workspace_error e)
{
	switch (e) {
	case WS_MISSING:
		return EXIT_USAGE;
	default:
		return EXIT_SYSTEM;
	}
}

/* What command_select and command_reselect allocated. */
static void
forget_selection(struct command *c)
{
	size_t i;

	manifest_release(&c->m);
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	c->owned = NULL;
	c->nowned = 0;
	free(c->paths);
	c->paths = NULL;
	for (i = 0; i < c->nknown; i++)
		free(c->known[i]);
	free(c->known);
	c->known = NULL;
	c->nknown = 0;
}

void
command_release(struct command *c)
{
	plan_release(&c->plan);
	forget_selection(c);
	import_cache_release(&c->saved_imports);
	workspace_release(&c->ws);
	free(c->saved);
	free(c->saved_dir);
	free(c->json_abs);
	free(c->trace_abs);
	free(c->cache_abs);
	free(c->out_abs);
	free(c->safe);
	free(c->safe_env);
	gitenv_release(&c->gitenv);
	cli_release(&c->cli);
}

/*
 * The workspaces the user trusts although another user owns them:
 * --safe-directory, then GITHERD_SAFE_DIRECTORY (a ':'-separated list,
 * for CI jobs whose checkout belongs to the runner's user).
 */
static void
trust_list(struct command *c)
{
	const char *env = getenv("GITHERD_SAFE_DIRECTORY");
	size_t i, n = 0, cap = c->cli.safe_dirs.n + 2;
	char *p, *save = NULL;

	if (env != NULL && *env != '\0') {
		c->safe_env = xstrdup(env);
		cap += strlen(env);
	}
	c->safe = xcalloc(cap, sizeof(*c->safe));
	for (i = 0; i < c->cli.safe_dirs.n; i++)
		c->safe[n++] = c->cli.safe_dirs.v[i];
	if (c->safe_env != NULL)
		for (p = strtok_r(c->safe_env, ":", &save); p != NULL;
		    p = strtok_r(NULL, ":", &save))
			c->safe[n++] = p;
	c->ws.safe = c->safe;
}

/*
 * Without a manifest operand, the one the last sync saved in the
 * workspace.  -1 after a message, with the exit code in *code.
 */
static int
find_manifest(struct command *c, enum exit_code *code)
{
	enum workspace_error we;
	char err[600], *origin, *slash;

	if (c->cli.manifest != NULL)
		return 0;
	if ((we = workspace_open(&c->ws, c->cli.workspace, false, err,
	    sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		*code = workspace_exit(we);
		return -1;
	}
	c->saved = workspace_saved_manifest(&c->ws);
	if (access(c->saved, R_OK) == -1) {
		fprintf(stderr, "githerd: %s: no manifest given and none saved "
		    "in %s by a sync\n", c->cli.name, c->ws.path);
		*code = EXIT_USAGE;
		return -1;
	}
	c->cli.manifest = c->saved;
	/* What the copy names beside it (west's self imports) is beside
	 * the file it is a copy of. */
	if ((origin = workspace_manifest_origin(&c->ws)) != NULL &&
	    (slash = strrchr(origin, '/')) != NULL) {
		c->saved_dir = xstrndup(origin, (size_t)(slash - origin) +
		    (slash == origin));
	}
	free(origin);
	return 0;
}

/*
 * PATH operands are relative to the workspace; an absolute one must lie
 * inside it.
 */
static int
workspace_paths(struct command *c)
{
	char real[PATH_MAX];
	const char *ws = c->cli.workspace, *p;
	char *wsabs;
	size_t i, n;
	int rc = 0;

	wsabs = realpath(ws, real) != NULL ? xstrdup(real) : command_absolute(ws);
	n = strlen(wsabs);
	c->paths = xcalloc(c->cli.paths.n ? c->cli.paths.n : 1,
	    sizeof(*c->paths));
	c->owned = xcalloc(c->cli.paths.n ? c->cli.paths.n : 1,
	    sizeof(*c->owned));
	for (i = 0; i < c->cli.paths.n; i++) {
		p = c->cli.paths.v[i];
		if (p[0] != '/') {
			c->paths[i] = p;
			continue;
		}
		if (realpath(p, real) != NULL)
			p = real;
		if (strncmp(p, wsabs, n) != 0 || (p[n] != '/' && p[n] != '\0')) {
			fprintf(stderr, "githerd: %s is not inside the workspace "
			    "%s\n", c->cli.paths.v[i], wsabs);
			rc = -1;
			break;
		}
		c->owned[c->nowned] = xstrdup(p[n] == '/' ? p + n + 1 : ".");
		c->paths[i] = c->owned[c->nowned++];
	}
	free(wsabs);
	return rc;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every path of the whole manifest, before the selection narrows it. */
static void
remember_paths(struct command *c)
{
	size_t i;

	c->known = xcalloc(c->m.nrepos ? c->m.nrepos : 1, sizeof(*c->known));
	for (i = 0; i < c->m.nrepos; i++)
		c->known[i] = xstrdup(c->m.repos[i].path);
	c->nknown = c->m.nrepos;
	qsort(c->known, c->nknown, sizeof(*c->known), str_cmp);
}

bool
command_knows(const struct command *c, const char *path)
{
	return c->nknown > 0 && bsearch(&path, c->known, c->nknown,
	    sizeof(*c->known), str_cmp) != NULL;
}

static const char *
env_lookup(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* --shard auto[/N]: the index (and count) from the CI, said on stderr. */
static int
shard_of_ci(struct cli_shard *s)
{
	struct jobarray ja;
	char err[400];

	if (!s->auto_index)
		return 0;
	if (jobarray_detect(env_lookup, (unsigned)s->n, CLI_MAX_JOBS, &ja, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "githerd: %s\n", err);
		return -1;
	}
	s->i = ja.index;
	s->n = ja.count;
	fprintf(stderr, "githerd: --shard auto: shard %u/%u, from %s (%s)\n",
	    ja.index, ja.count, ja.engine, ja.vars);
	return 0;
}

static int	load_and_select(struct command *, enum exit_code *);

/* Load, validate and narrow the manifest to what the options select. */
int
command_select(struct command *c, enum exit_code *code)
{
	if (find_manifest(c, code) == -1)
		return -1;
	return load_and_select(c, code);
}

int
command_reselect(struct command *c, const struct import_cache *imports,
    enum exit_code *code)
{
	forget_selection(c);
	c->imports = imports;
	return load_and_select(c, code);
}

static int
load_and_select(struct command *c, enum exit_code *code)
{
	struct selection sel;
	char err[600];

	*code = EXIT_USAGE;
	if (load_manifest(c) == -1 || workspace_paths(c) == -1)
		return -1;
	remember_paths(c);
	/* Over every entry, before the selection drops any. */
	userlinks_apply(&c->m, c->cli.follow_symlinks || c->m.follow_symlinks);
	memset(&sel, 0, sizeof(sel));
	sel.paths = c->paths;
	sel.npaths = c->cli.paths.n;
	sel.groups = c->cli.groups.v;
	sel.ngroups = c->cli.groups.n;
	sel.excludes = c->cli.excludes.v;
	sel.nexcludes = c->cli.excludes.n;
	if (shard_of_ci(&c->cli.shard) == -1)
		return -1;
	sel.shard = (unsigned)c->cli.shard.i;
	sel.nshards = (unsigned)c->cli.shard.n;
	sel.shard_by_hash = c->cli.shard_by == 1;
	if (select_apply(&c->m, &sel, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: %s\n", err);
		return -1;
	}
	return 0;
}

/* The workspace, opened (sync creates it) and locked. */
int
command_open_workspace(struct command *c, enum exit_code *code)
{
	bool sync = c->cli.cmd == CMD_SYNC && !c->cli.dry_run;
	enum workspace_error we;
	char err[600];
	int wait_s;

	if (c->ws.path == NULL && (we = workspace_open(&c->ws,
	    c->cli.workspace, sync, err, sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		*code = sync ? EXIT_SYSTEM : workspace_exit(we);
		return -1;
	}
	if (c->cli.dry_run)
		return 0;	/* reads only, and must work read-only */
	/*
	 * Taking the lock is the first write: a read-only workspace stops
	 * here.  A reader (status, freeze) waits a moment for a sync that is
	 * about to end, and says what runs if it does not; --wait, longer.
	 */
	wait_s = (int)(c->cli.wait_s + 0.999);
	if (!sync && wait_s == 0)
		wait_s = READER_WAIT_S;
	if ((we = workspace_lock(&c->ws, sync, wait_s, err,
	    sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		*code = EXIT_SYSTEM;
		return -1;
	}
	return 0;
}


bool
command_init(struct command *c, int argc, char **argv,
    const struct worker_side *worker, enum exit_code *code)
{
	memset(c, 0, sizeof(*c));
	c->worker = worker;
	manifest_init(&c->m);
	workspace_init(&c->ws);
	if (cli_parse(&c->cli, argc, argv) == -1) {
		*code = EXIT_USAGE;
		return false;
	}
	if (c->cli.help) {
		cli_help(stdout, c->cli.name);
		*code = EXIT_OK;
		return false;
	}
	trust_list(c);
	return true;
}

int
command_load(struct command *c)
{
	return load_manifest(c);
}

int
command_run_setup(struct command *c, struct run_opts *o)
{
	c->worker->lg2info(&c->lg2);
	o->libgit2 = c->lg2.version;
	o->worker_main = c->worker->main;
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

enum exit_code
command_run(struct command *c, struct run_opts *o)
{
	struct run_result res;
	char err[600];

	if (command_run_setup(c, o) == -1)
		return EXIT_SYSTEM;
	plan_make(&c->plan, &c->m, c->ws.path, o->worker.cache_dir,
	    (unsigned)c->cli.per_host, err, sizeof(err));
	if (err[0] != '\0')
		fprintf(stderr, "githerd: warning: %s\n", err);
	o->order = c->plan.order;
	o->hosts = c->plan.limited ? &c->plan.hosts : NULL;
	/* the history times syncs: it says nothing of a status */
	o->expect_ms = o->op == OP_SYNC ? c->plan.expect_ms : NULL;
	o->expect_bytes = o->op == OP_SYNC ? c->plan.expect_bytes : NULL;
	run_jobs(&c->m, o, &res);
	if (res.signal != 0) {
		/* Die of the signal, as the shell expects, once all is clean. */
		command_release(c);
		fflush(NULL);
		sig_raise(res.signal);
		return (enum exit_code)(128 + res.signal);
	}
	return res.exit_code;
}

/*
 * git's configuration environment, read once here rather than in each
 * worker: a bad GIT_CONFIG_COUNT stops the run before anything is
 * touched, with one message, and the workers inherit it with fork.
 */
static int
read_gitenv(struct command *c, enum exit_code *code)
{
	char err[600];

	if (gitenv_read(&c->gitenv, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: git configuration from the "
		    "environment: %s\n", err);
		*code = EXIT_USAGE;
		return -1;
	}
	return 0;
}

/*
 * sync, status and freeze, before the workspace: the manifest first (a
 * bad one touches nothing, not even -C) with the command line's
 * overrides of its keys, then the files the workers will read (a dry run
 * reads none) and git's configuration environment.
 */
int
command_select_for_run(struct command *c, enum exit_code *code)
{
	struct buf note = BUF_INIT;

	if (command_select(c, code) == -1)
		return -1;
	buf_init(&note);
	override_apply(&c->m, &c->cli, &note);
	fputs(note.data, stderr);
	buf_release(&note);
	if (!c->cli.dry_run && runopts_check_files(&c->cli) == -1) {
		*code = EXIT_USAGE;
		return -1;
	}
	return read_gitenv(c, code);
}

/*
 * The manifest's defaults: cache: is relative to the manifest's own
 * directory, as a path in a file is read; "~/" is the user's home.
 */
static char *
manifest_cache(const struct manifest *m)
{
	const char *home = getenv("HOME"), *slash;

	if (m->cache == NULL)
		return NULL;
	if (strncmp(m->cache, "~/", 2) == 0 && home != NULL && *home != '\0')
		return xasprintf("%s/%s", home, m->cache + 2);
	if (m->cache[0] == '/' || m->file == NULL ||
	    strcmp(m->file, "-") == 0 || (slash = strrchr(m->file, '/')) == NULL)
		return command_absolute(m->cache);
	return xasprintf("%s%.*s/%s", m->file[0] == '/' ? "" : "./",
	    (int)(slash - m->file), m->file, m->cache);
}

void
command_run_opts(struct command *c, struct run_opts *o, char *note,
    size_t notelen)
{
	const char *cache;
	char *from_manifest = NULL;

	if (c->cli.json != NULL)
		c->json_abs = command_absolute(c->cli.json);
	if (c->cli.output != NULL)
		c->out_abs = command_absolute(c->cli.output);
	note[0] = '\0';
	if (!c->cli.jobs_given && c->m.sync_jobs > 0)
		c->cli.jobs = c->m.sync_jobs;
	runopts_fill(o, &c->cli, c->ws.path, c->json_abs, note, notelen);
	if (c->cli.trace != NULL)
		o->trace_file = c->trace_abs = command_absolute(c->cli.trace);
	/* --cache, then $GITHERD_CACHE, then the manifest's defaults */
	if ((cache = c->cli.cache) == NULL && c->cli.cmd == CMD_SYNC)
		cache = getenv("GITHERD_CACHE");
	if ((cache == NULL || *cache == '\0') && c->cli.cmd == CMD_SYNC)
		cache = from_manifest = manifest_cache(&c->m);
	if (cache != NULL && *cache != '\0')
		o->worker.cache_dir = c->cache_abs = command_absolute(cache);
	free(from_manifest);
	o->worker.cache_wait_ms = (int)(c->cli.cache_wait_s * 1000);
	o->worker.cache_mode = c->cli.cache_mode;
	o->worker.cache_dissociate = c->cli.dissociate;
	o->worker.gitenv = &c->gitenv;
}
