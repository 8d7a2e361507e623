/*
 * githerd: clone and keep up to date many git repositories from a YAML
 * manifest, in parallel.  The command line, subcommands and exit codes;
 * nothing else.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cabundle.h"
#include "cli.h"
#include "exitcode.h"
#include "freeze.h"
#include "fsutil.h"
#include "lg2info.h"
#include "listing.h"
#include "manifest.h"
#include "path.h"
#include "plan.h"
#include "pool.h"
#include "queue.h"
#include "render.h"
#include "run.h"
#include "select.h"
#include "sig.h"
#include "term.h"
#include "units.h"
#include "version.h"
#include "worker.h"
#include "workspace.h"
#include "xmalloc.h"

#define FD_RESERVE	16	/* stdio, self-pipe, report, libc */
#define WORKER_QUOTA	200
#define RETRY_CAP_MS	60000

/* What the workers' libgit2 can do. */
static int
cmd_version(void)
{
	struct lg2info lg2;

	lg2info_get(&lg2);
	printf("githerd %s\nlibgit2 %s\n", GITHERD_VERSION, lg2.version);
	printf("transports: git, http%s%s\n", lg2.https ? ", https" : "",
	    lg2.ssh ? ", ssh" : "");
	printf("https: %s\nssh: %s\n", lg2.https ? "yes" : "no",
	    lg2.ssh ? "yes" : "no");
	/* libgit2 1.7-1.9 negotiate shallow over smart HTTP only. */
	printf("shallow: http, https (over git and ssh a depth is cloned "
	    "in full)\n");
	printf("threads: %s\n", lg2.threads ? "yes" : "no");
	return EXIT_OK;
}

/*
 * help [COMMAND]: the help of one command or all; help --options
 * [COMMAND]: the option list the shell completions read.
 */
static int
cmd_help(int argc, char **argv)
{
	bool list = argc > 1 && strcmp(argv[1], "--options") == 0;
	const char *command = argc > 1 + list ? argv[1 + list] : NULL;

	if (argc > 2 + list || (list ? cli_list_options(stdout, command) :
	    cli_help(stdout, command)) == -1) {
		fprintf(stderr, "githerd: help: no command '%s'\n",
		    argv[argc - 1]);
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * Each worker costs the parent POOL_FDS_PER_WORKER descriptors: raise the
 * soft limit as far as allowed and cap -j to what fits, so "Too many open
 * files" cannot happen.
 */
static size_t
cap_jobs(size_t want, char *note, size_t notelen)
{
	struct rlimit rl;
	size_t cap;

	note[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t old = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 65536)
			rl.rlim_cur = 65536;
		if (rl.rlim_cur < old || setrlimit(RLIMIT_NOFILE, &rl) == -1)
			rl.rlim_cur = old;
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return want;
	cap = pool_fd_budget((size_t)rl.rlim_cur, want, FD_RESERVE);
	if (cap < want)
		snprintf(note, notelen, "-j %zu capped to %zu: the open-file "
		    "limit is %llu (ulimit -n)", want, cap,
		    (unsigned long long)rl.rlim_cur);
	return cap;
}

/* Jobs per worker process; the tests lower it to exercise replacement. */
static unsigned
worker_quota(void)
{
	const char *s = getenv("GITHERD_TEST_WORKER_QUOTA");
	int n = s ? atoi(s) : 0;

	return n > 0 ? (unsigned)n : WORKER_QUOTA;
}

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || strcmp(path, "-") == 0 ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static int
load_manifest(struct manifest *m, const char *file, bool allow_local)
{
	struct diags d;
	char *text;
	int rc = 0;

	diags_init(&d);
	if (manifest_load_flags(m, file, allow_local ? MANIFEST_ALLOW_LOCAL : 0,
	    &d) == -1) {
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

/* status: one line per entry, exit 1 if any entry is not as asked. */
static void
finish_status(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct run_opts *o = arg;
	size_t i;

	render_status(out, q, o->summary_color);
	if (*code != EXIT_OK && *code != EXIT_SKIPPED)
		return;
	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state != JOB_CHECKED ||
		    q->jobs[i].result.state != ES_OK)
			*code = EXIT_FAILED;
}

struct freeze_ctx {
	const struct manifest	*m;
	const char		*output;	/* NULL: stdout */
};

static void
finish_freeze(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	struct freeze_ctx *fc = arg;
	struct buf warnings = BUF_INIT;

	buf_init(&warnings);
	if (*code == EXIT_SYSTEM)
		goto out;
	if (freeze_write(out, fc->m, q, &warnings) == -1)
		*code = EXIT_FAILED;
	else
		*code = EXIT_OK;
	if (fc->output != NULL) {
		if (fs_write_atomic(fc->output, out->data, out->len,
		    FS_PUBLIC) == -1) {
			buf_addf(&warnings, "githerd: freeze: cannot write %s: "
			    "%s\n", fc->output, strerror(errno));
			*code = EXIT_SYSTEM;
		}
		buf_reset(out);
	}
out:
	fputs(warnings.data, stderr);
	buf_release(&warnings);
}

/* sync --dry-run: what a sync would do, from an offline status. */
static void
finish_dry_run(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct run_opts *o = arg;

	if (*code == EXIT_SYSTEM)
		return;
	*code = listing_dry_run(out, q, o->order, o->summary_color) > 0 ?
	    EXIT_FAILED : EXIT_OK;
}

static int
workspace_exit(enum workspace_error e)
{
	switch (e) {
	case WS_MISSING:
		return EXIT_USAGE;
	default:
		return EXIT_SYSTEM;
	}
}

/* --color: always and never win over NO_COLOR, auto asks the terminal. */
static bool
use_color(const struct cli *cli, int fd)
{
	switch (cli->color) {
	case COLOR_ALWAYS:
		return true;
	case COLOR_NEVER:
		return false;
	default:
		return term_color(fd);
	}
}

/* --progress, with -q turning the live area into failure lines. */
static enum render_mode
render_mode(const struct cli *cli, int fd)
{
	switch (cli->progress) {
	case PROGRESS_TTY:
		return RENDER_TTY;
	case PROGRESS_PLAIN:
		return RENDER_PLAIN;
	case PROGRESS_NONE:
		return RENDER_NONE;
	default:
		if (cli->verbosity < 0)
			return RENDER_PLAIN;
		return term_is_smart(fd) && term_foreground(fd) ? RENDER_TTY :
		    RENDER_PLAIN;
	}
}

/*
 * What a worker may hold for libgit2 unless --max-memory says: half the
 * RAM, shared by the jobs that run at once, and never less than
 * DEFAULT_MIN_MEMORY (what a large repository's index needs).
 */
#define DEFAULT_MIN_MEMORY	(256ULL << 20)

static unsigned long long
default_memory(size_t jobs)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	unsigned long long ram, share;

	if (pages <= 0 || size <= 0)
		return 4ULL << 30;
	ram = (unsigned long long)pages * (unsigned long long)size;
	share = ram / 2 / (jobs ? jobs : 1);
	return share > DEFAULT_MIN_MEMORY ? share : DEFAULT_MIN_MEMORY;
}

static void
fill_opts(struct run_opts *o, const struct cli *cli, const char *ws,
    const char *json, char *note, size_t notelen)
{
	memset(o, 0, sizeof(*o));
	o->op = cli->cmd == CMD_SYNC && !cli->dry_run ? OP_SYNC : OP_STATUS;
	o->job_flags = cli->fetch ? JOBF_FETCH : 0;
	o->jobs = cap_jobs((size_t)cli->jobs, note, notelen);
	o->workspace = ws;
	o->manifest_file = cli->manifest;
	o->json_file = json;
	o->progress_fd = STDERR_FILENO;
	/* With the report on stdout, what the command prints goes to stderr. */
	o->summary_fd = json && strcmp(json, "-") == 0 ? STDERR_FILENO :
	    STDOUT_FILENO;
	o->mode = render_mode(cli, o->progress_fd);
	o->color = use_color(cli, o->progress_fd);
	o->summary_color = use_color(cli, o->summary_fd);
	o->verbosity = cli->verbosity;
	o->worker_quota = worker_quota();
	o->notes = note[0] ? note : NULL;
	o->retry.retries = (unsigned)cli->retries;
	o->retry.base_ms = (int64_t)(cli->retry_delay_s * 1000);
	o->retry.cap_ms = RETRY_CAP_MS;
	o->stall_ms = (int64_t)(cli->stall_s * 1000);
	o->low_speed = cli->low_speed;
	o->low_speed_ms = (int64_t)(cli->low_speed_s * 1000);
	o->timeout_ms = (int64_t)(cli->timeout_s * 1000);
	/* libgit2's own socket timeout: a stalled read fails, retried. */
	o->worker.read_timeout_ms = (int)(cli->stall_s * 1000);
	o->worker.connect_timeout_ms = o->worker.read_timeout_ms < 30000 ?
	    o->worker.read_timeout_ms : 30000;
	o->worker.max_objects = cli->max_objects;
	o->worker.max_file_size = cli->max_file_size;
	o->worker.max_memory = cli->max_memory ? cli->max_memory :
	    default_memory(o->jobs);
	o->worker.auth.ssh_key = cli->ssh_key;
	o->worker.auth.accept_new_host_keys = cli->accept_new_host_keys;
	o->worker.auth.credential_helper = cli->credential_helper;
	o->worker.auth.allow_http_auth = cli->allow_http_auth;
	o->worker.auth.follow_redirects = cli->follow_redirects;
	o->worker.ca_file = cli->ca_file;
}

/*
 * Files the workers will read, checked before anything starts: a typo
 * in --ca-file must not surface as a certificate error on every entry.
 */
static int
check_auth_files(const struct cli *cli)
{
	const char *vars[] = { "GIT_SSL_CAINFO", "SSL_CERT_FILE" };
	char err[600];
	const char *v;
	size_t i;

	if (cli->ca_file != NULL && cabundle_check(cli->ca_file, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "githerd: --ca-file %s\n", err);
		return -1;
	}
	for (i = 0; i < sizeof(vars) / sizeof(*vars); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0' &&
		    cabundle_check(v, err, sizeof(err)) == -1) {
			fprintf(stderr, "githerd: %s=%s\n", vars[i], err);
			return -1;
		}
	if (cli->ssh_key != NULL && access(cli->ssh_key, R_OK) == -1) {
		fprintf(stderr, "githerd: --ssh-key %s: %s\n", cli->ssh_key,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* After a sync: what each job took, for the order of the next run. */
static void
record_history(const struct queue *q, void *arg)
{
	char err[600];

	if (plan_record(arg, q, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

/* Everything one command holds, released in one place. */
struct command {
	struct cli		 cli;
	struct manifest		 m;
	struct workspace	 ws;
	struct plan		 plan;
	char			*saved;		/* the last sync's manifest */
	char			*json_abs, *out_abs;
	const char		**paths;	/* workspace-relative */
	char			**owned;	/* what paths[] allocated */
	size_t			 nowned;
	const char		**safe;		/* trusted workspaces, NULL-ended */
	char			*safe_env;	/* GITHERD_SAFE_DIRECTORY, split */
};

static void
command_release(struct command *c)
{
	size_t i;

	plan_release(&c->plan);
	manifest_release(&c->m);
	workspace_release(&c->ws);
	free(c->saved);
	free(c->json_abs);
	free(c->out_abs);
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->paths);
	free(c->safe);
	free(c->safe_env);
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
find_manifest(struct command *c, int *code)
{
	enum workspace_error we;
	char err[600];

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

	wsabs = realpath(ws, real) != NULL ? xstrdup(real) : absolute(ws);
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

/* Load, validate and narrow the manifest to what the options select. */
static int
load_selection(struct command *c, int *code)
{
	struct selection sel;
	char err[600];

	if (find_manifest(c, code) == -1)
		return -1;
	*code = EXIT_USAGE;
	if (load_manifest(&c->m, c->cli.manifest, c->cli.allow_local) == -1 ||
	    workspace_paths(c) == -1)
		return -1;
	memset(&sel, 0, sizeof(sel));
	sel.paths = c->paths;
	sel.npaths = c->cli.paths.n;
	sel.groups = c->cli.groups.v;
	sel.ngroups = c->cli.groups.n;
	sel.excludes = c->cli.excludes.v;
	sel.nexcludes = c->cli.excludes.n;
	sel.shard = (unsigned)c->cli.shard.i;
	sel.nshards = (unsigned)c->cli.shard.n;
	if (select_apply(&c->m, &sel, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: %s\n", err);
		return -1;
	}
	return 0;
}

static int
cmd_check(struct command *c)
{
	if (load_manifest(&c->m, c->cli.manifest, c->cli.allow_local) == -1)
		return EXIT_USAGE;
	if (c->cli.verbosity >= 0)
		printf("%s: %zu entr%s, valid\n", c->cli.manifest, c->m.nrepos,
		    c->m.nrepos == 1 ? "y" : "ies");
	return EXIT_OK;
}

static int
cmd_list(struct command *c)
{
	struct buf out = BUF_INIT;
	int code = EXIT_USAGE;

	buf_init(&out);
	if (load_selection(c, &code) == -1)
		goto out;
	code = EXIT_OK;
	if (c->cli.json == NULL) {
		listing_text(&out, &c->m);
		fwrite(out.data, 1, out.len, stdout);
		goto out;
	}
	listing_json(&out, &c->m);
	if (strcmp(c->cli.json, "-") == 0)
		fwrite(out.data, 1, out.len, stdout);
	else if (fs_write_atomic(c->cli.json, out.data, out.len,
	    FS_PUBLIC) == -1) {
		fprintf(stderr, "githerd: list: cannot write %s: %s\n",
		    c->cli.json, strerror(errno));
		code = EXIT_SYSTEM;
	}
out:
	buf_release(&out);
	return code;
}

/* A dry run of a sync into a workspace that is not there yet. */
static int
dry_run_empty(struct command *c)
{
	struct buf out = BUF_INIT;
	struct queue q;

	buf_init(&out);
	queue_init(&q, &c->m);
	for (size_t i = 0; i < q.njobs; i++) {
		q.jobs[i].state = JOB_CHECKED;
		q.jobs[i].result.state = ES_MISSING;
	}
	listing_dry_run(&out, &q, NULL, use_color(&c->cli, STDOUT_FILENO));
	fwrite(out.data, 1, out.len, stdout);
	queue_release(&q);
	buf_release(&out);
	return EXIT_OK;
}

/* The workspace, opened (sync creates it) and locked. */
static int
open_workspace(struct command *c, int *code)
{
	bool sync = c->cli.cmd == CMD_SYNC && !c->cli.dry_run;
	enum workspace_error we;
	char err[600];

	if (c->ws.path == NULL && (we = workspace_open(&c->ws,
	    c->cli.workspace, sync, err, sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		*code = sync ? EXIT_SYSTEM : workspace_exit(we);
		return -1;
	}
	if (c->cli.dry_run)
		return 0;	/* reads only, and must work read-only */
	/* Taking the lock is the first write: a read-only workspace stops here. */
	if ((we = workspace_lock(&c->ws, sync, (int)(c->cli.wait_s + 0.999), err,
	    sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		*code = EXIT_SYSTEM;
		return -1;
	}
	return 0;
}

/* sync's housekeeping once the lock is held. */
static void
prepare_sync(struct command *c)
{
	char err[600];
	size_t swept;

	if ((swept = workspace_sweep(&c->ws, &c->m)) > 0)
		fprintf(stderr, "githerd: removed %zu temporary director%s left "
		    "by an interrupted run\n", swept, swept == 1 ? "y" : "ies");
	if (workspace_save_manifest(&c->ws, &c->m, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

/* sync, status and freeze: jobs for the workers. */
static int
cmd_run(struct command *c)
{
	struct cli *cli = &c->cli;
	struct run_opts o;
	struct run_result res;
	struct freeze_ctx fc;
	char note[400], err[600];
	struct lg2info lg2;
	bool sync = cli->cmd == CMD_SYNC && !cli->dry_run;
	int code = EXIT_USAGE;

	/* The manifest first: a bad one touches nothing, not even -C. */
	if (load_selection(c, &code) == -1)
		return code;
	if (!cli->dry_run && check_auth_files(cli) == -1)
		return EXIT_USAGE;
	if (cli->dry_run && access(cli->workspace, F_OK) == -1 &&
	    errno == ENOENT)
		return dry_run_empty(c);
	if (open_workspace(c, &code) == -1)
		return code;
	note[0] = '\0';
	if (sync)
		prepare_sync(c);
	if (cli->json != NULL)
		c->json_abs = absolute(cli->json);
	if (cli->output != NULL)
		c->out_abs = absolute(cli->output);
	fill_opts(&o, cli, c->ws.path, c->json_abs, note, sizeof(note));
	lg2info_get(&lg2);
	o.libgit2 = lg2.version;
	o.worker_main = worker_main;
	plan_make(&c->plan, &c->m, c->ws.path, (unsigned)cli->per_host, err,
	    sizeof(err));
	if (err[0] != '\0')
		fprintf(stderr, "githerd: warning: %s\n", err);
	o.order = c->plan.order;
	o.hosts = c->plan.limited ? &c->plan.hosts : NULL;
	if (sync) {
		o.record = record_history;
		o.record_arg = &c->plan;
	} else if (cli->dry_run) {
		o.finish = finish_dry_run;
		o.finish_arg = &o;
		o.mode = RENDER_NONE;
	} else if (cli->cmd == CMD_STATUS) {
		o.finish = finish_status;
		o.finish_arg = &o;
	} else {
		fc.m = &c->m;
		fc.output = c->out_abs;
		o.finish = finish_freeze;
		o.finish_arg = &fc;
	}
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		return EXIT_SYSTEM;
	}
	run_jobs(&c->m, &o, &res);
	if (res.signal != 0) {
		command_release(c);
		fflush(NULL);
		sig_raise(res.signal);
		return 128 + res.signal;	/* if raising did not end us */
	}
	return res.exit_code;
}

/*
 * With 0, 1 or 2 closed, the next socket or pipe would take its number
 * and progress meant for stderr would land in a worker's channel (curl's
 * main_checkfds).
 */
static void
check_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_SYSTEM);
}

int
main(int argc, char **argv)
{
	struct command c;
	const char *cmd;
	int code;

	check_std_fds();
	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
		return cmd_version();
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	memset(&c, 0, sizeof(c));
	manifest_init(&c.m);
	workspace_init(&c.ws);
	if (cli_parse(&c.cli, argc - 1, argv + 1) == -1) {
		command_release(&c);
		return EXIT_USAGE;
	}
	if (c.cli.help) {
		cli_help(stdout, c.cli.name);
		command_release(&c);
		return EXIT_OK;
	}
	trust_list(&c);
	switch (c.cli.cmd) {
	case CMD_CHECK:
		code = cmd_check(&c);
		break;
	case CMD_LIST:
		code = cmd_list(&c);
		break;
	default:
		code = cmd_run(&c);
		break;
	}
	command_release(&c);
	return code;
}
