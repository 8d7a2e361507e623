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

#include <git2/common.h>

#include "buf.h"
#include "freeze.h"
#include "fsutil.h"
#include "manifest.h"
#include "path.h"
#include "plan.h"
#include "pool.h"
#include "queue.h"
#include "render.h"
#include "run.h"
#include "sig.h"
#include "term.h"
#include "units.h"
#include "version.h"
#include "workspace.h"
#include "xmalloc.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* a repository failed (status: differs) */
	EXIT_USAGE = 2,		/* usage or manifest error: nothing touched */
	EXIT_SYSTEM = 3,	/* internal or system error */
	EXIT_SKIPPED = 4,	/* entries left alone to protect local work */
};

#define DEFAULT_JOBS	8
#define MAX_JOBS	1024
#define FD_RESERVE	16	/* stdio, self-pipe, report, libc */
#define WORKER_QUOTA	200
#define DEFAULT_RETRIES	3
#define RETRY_BASE_MS	1000
#define RETRY_CAP_MS	60000
#define STALL_S		60
/* Above any real repository (a kernel clone has ~10M objects), far below
 * what a lying pack header could make the indexer allocate for. */
#define MAX_OBJECTS	50000000UL

/* What the command line asked for. */
struct cli {
	const char		*cmd;
	const char		*manifest;	/* NULL: the last sync's */
	const char		*workspace;
	const char		*json;
	const char		*output;	/* freeze -o */
	size_t			 jobs;
	bool			 fetch;		/* status --fetch */
	bool			 allow_local;
	unsigned		 retries;
	double			 retry_delay_s;
	double			 stall_s;
	double			 timeout_s;	/* 0: none */
	int			 wait_s;	/* for the workspace lock */
	unsigned long		 max_objects;
	unsigned long long	 max_file_size;
	unsigned long		 per_host;	/* 0: no limit */
	unsigned long		 shard, nshards;	/* 1-based; 0: all */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: githerd sync [-j jobs] [-C workspace] [--json file] [options]"
	    " manifest\n"
	    "       githerd status [-j jobs] [-C workspace] [--fetch] [--json file]"
	    " [manifest]\n"
	    "       githerd freeze [-j jobs] [-C workspace] [-o file] [manifest]\n"
	    "       githerd version\n"
	    "       githerd help\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "sync    clone what is missing, update what is there, never losing\n"
	    "        local work (entries with local work are skipped)\n"
	    "status  compare the workspace with the manifest, offline\n"
	    "freeze  print the manifest pinned to the commits checked out\n\n"
	    "  -j, --jobs N        work on N repositories at a time (default %d)\n"
	    "  -C, --workspace DIR the workspace (default: the current "
	    "directory)\n"
	    "      --json FILE     write a JSON report to FILE ('-': stdout)\n"
	    "      --fetch         status: ask the remotes too\n"
	    "  -o, --output FILE   freeze: write to FILE instead of stdout\n"
	    "      --retries N     try transient failures N more times "
	    "(default %d)\n"
	    "      --retry-delay S first retry after about S seconds (default 1)\n"
	    "      --stall-timeout S  kill a job silent for S seconds "
	    "(default %d)\n"
	    "      --timeout S     kill a job running longer than S seconds\n"
	    "      --wait S        wait up to S seconds for a locked workspace\n"
	    "      --allow-local   allow file:// URLs and local paths\n"
	    "      --max-objects N refuse packs of more than N objects\n"
	    "                      (default 50000000)\n"
	    "      --max-file-size SIZE  no file written may exceed SIZE "
	    "(k, M, G)\n"
	    "      --per-host N    at most N jobs at a time on one server\n"
	    "      --shard I/N     only the I-th of N shards of the manifest\n\n"
	    "status and freeze default to the manifest of the last sync.\n"
	    "Exit status: 0 OK, 1 some repository failed (status: differs),\n"
	    "2 usage or manifest error (nothing touched), 3 internal or system\n"
	    "error, 4 entries skipped to protect local work.\n"
	    "See githerd(1) and githerd.yaml(5).\n", DEFAULT_JOBS,
	    DEFAULT_RETRIES, STALL_S);
}

/*
 * The version of the libgit2 the workers will load.  git_libgit2_version()
 * only reads constants: it initialises nothing, so the parent stays
 * libgit2-free in the sense that matters for fork().
 */
static void
libgit2_version(char *out, size_t len)
{
	int major, minor, rev;

	git_libgit2_version(&major, &minor, &rev);
	snprintf(out, len, "%d.%d.%d", major, minor, rev);
}

static int
cmd_version(void)
{
	char v[32];

	libgit2_version(v, sizeof(v));
	printf("githerd %s (libgit2 %s)\n", GITHERD_VERSION, v);
	return EXIT_OK;
}

static int
parse_jobs(const char *s, size_t *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || n < 1 || n > MAX_JOBS) {
		fprintf(stderr, "githerd: -j wants a number from 1 to %d, not "
		    "'%s'\n", MAX_JOBS, s);
		return -1;
	}
	*out = (size_t)n;
	return 0;
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
finish_status(const struct queue *q, void *arg, struct buf *out, int *code)
{
	size_t i;
	bool color = arg != NULL;

	render_status(out, q, color);
	if (*code != EXIT_OK && *code != EXIT_SKIPPED)
		return;
	for (i = 0; i < q->njobs; i++)
		if (q->jobs[i].state != JOB_CHECKED ||
		    q->jobs[i].entry_state != ES_OK)
			*code = EXIT_FAILED;
}

struct freeze_ctx {
	const struct manifest	*m;
	const char		*output;	/* NULL: stdout */
};

static void
finish_freeze(const struct queue *q, void *arg, struct buf *out, int *code)
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
		if (fs_write_atomic(fc->output, out->data, out->len) == -1) {
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

/* A number of seconds, fractions allowed: --stall-timeout 2.5 */
static int
parse_seconds(const char *opt, const char *s, double min, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > 86400) {
		fprintf(stderr, "githerd: %s wants a number of seconds, not '%s'\n",
		    opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_count(const char *opt, const char *s, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *s == '-' || *end != '\0' || v > max) {
		fprintf(stderr, "githerd: %s wants a whole number up to %lu, not "
		    "'%s'\n", opt, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* 100, 64k, 512M, 2G (powers of 1024). */
static int
parse_size(const char *opt, const char *s, unsigned long long *out)
{
	uint64_t v;

	if (units_parse_size(s, &v) == -1) {
		fprintf(stderr, "githerd: %s wants a size such as 100M, not "
		    "'%s'\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* I/N, 1 <= I <= N <= 1024: which shard of a CI matrix this is. */
static int
parse_shard(const char *s, unsigned long *i, unsigned long *n)
{
	char *end;

	errno = 0;
	*i = strtoul(s, &end, 10);
	if (errno == 0 && end != s && *end == '/' && end[1] >= '0' &&
	    end[1] <= '9') {
		*n = strtoul(end + 1, &end, 10);
		if (errno == 0 && *end == '\0' && *i >= 1 && *i <= *n &&
		    *n <= MAX_JOBS)
			return 0;
	}
	fprintf(stderr, "githerd: --shard wants I/N with 1 <= I <= N <= %d, "
	    "such as 2/4, not '%s'\n", MAX_JOBS, s);
	return -1;
}

enum long_only {
	OPT_JSON = 256,
	OPT_FETCH,
	OPT_RETRIES,
	OPT_RETRY_DELAY,
	OPT_STALL,
	OPT_TIMEOUT,
	OPT_WAIT,
	OPT_ALLOW_LOCAL,
	OPT_MAX_OBJECTS,
	OPT_MAX_FILE_SIZE,
	OPT_PER_HOST,
	OPT_SHARD,
};

static int
parse(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "workspace", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "fetch", no_argument, NULL, OPT_FETCH },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
		{ "stall-timeout", required_argument, NULL, OPT_STALL },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "allow-local", no_argument, NULL, OPT_ALLOW_LOCAL },
		{ "max-objects", required_argument, NULL, OPT_MAX_OBJECTS },
		{ "per-host", required_argument, NULL, OPT_PER_HOST },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE },
		{ NULL, 0, NULL, 0 }
	};
	bool sync = strcmp(cli->cmd, "sync") == 0;
	bool status = strcmp(cli->cmd, "status") == 0;
	unsigned long n;
	double wait;
	int ch, idx;

	optind = 1;
	opterr = 0;		/* getopt would name the command, not us */
	while ((ch = getopt_long(argc, argv, "C:hj:o:", longopts, &idx)) != -1) {
		switch (ch) {
		case 'C':
			cli->workspace = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &cli->jobs) == -1)
				return -1;
			break;
		case 'o':
			if (sync || status)
				goto elsewhere;
			cli->output = optarg;
			break;
		case 'h':
			help();
			exit(EXIT_OK);
		case OPT_JSON:
			if (!sync && !status)
				goto elsewhere;
			cli->json = optarg;
			break;
		case OPT_FETCH:
			if (!status)
				goto elsewhere;
			cli->fetch = true;
			break;
		case OPT_RETRIES:
			if (parse_count("--retries", optarg, 100, &n) == -1)
				return -1;
			cli->retries = (unsigned)n;
			break;
		case OPT_RETRY_DELAY:
			if (parse_seconds("--retry-delay", optarg, 0,
			    &cli->retry_delay_s) == -1)
				return -1;
			break;
		case OPT_STALL:
			if (parse_seconds("--stall-timeout", optarg, 0.1,
			    &cli->stall_s) == -1)
				return -1;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds("--timeout", optarg, 0.1,
			    &cli->timeout_s) == -1)
				return -1;
			break;
		case OPT_WAIT:
			if (parse_seconds("--wait", optarg, 0, &wait) == -1)
				return -1;
			cli->wait_s = (int)(wait + 0.999);
			break;
		case OPT_ALLOW_LOCAL:
			cli->allow_local = true;
			break;
		case OPT_MAX_OBJECTS:
			if (parse_count("--max-objects", optarg, 4000000000UL,
			    &cli->max_objects) == -1)
				return -1;
			break;
		case OPT_PER_HOST:
			if (parse_count("--per-host", optarg, MAX_JOBS,
			    &cli->per_host) == -1)
				return -1;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &cli->shard, &cli->nshards) == -1)
				return -1;
			break;
		case OPT_MAX_FILE_SIZE:
			if (parse_size("--max-file-size", optarg,
			    &cli->max_file_size) == -1)
				return -1;
			break;
		default:
			goto bad;
		}
	}
	if (argc - optind > 1 || (sync && argc - optind != 1)) {
		fprintf(stderr, "githerd: %s takes %s manifest\n", cli->cmd,
		    sync ? "exactly one" : "at most one");
		usage(stderr);
		return -1;
	}
	cli->manifest = optind < argc ? argv[optind] : NULL;
	return 0;
elsewhere:
	fprintf(stderr, "githerd: %s does not take %s\n", cli->cmd,
	    ch == 'o' ? "-o/--output" : longopts[idx].name);
	usage(stderr);
	return -1;
bad:
	fprintf(stderr, "githerd: %s: %s '%s'\n", cli->cmd, optopt &&
	    strchr("Cjo", optopt) ? "option needs a value:" :
	    "unknown option", argv[optind - 1]);
	usage(stderr);
	return -1;
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

static void
fill_opts(struct run_opts *o, const struct cli *cli, const char *ws,
    const char *json, char *note, size_t notelen)
{
	bool sync = strcmp(cli->cmd, "sync") == 0;

	memset(o, 0, sizeof(*o));
	o->op = sync ? OP_SYNC : OP_STATUS;
	o->job_flags = cli->fetch ? JOBF_FETCH : 0;
	o->jobs = cap_jobs(cli->jobs, note, notelen);
	o->workspace = ws;
	o->manifest_file = cli->manifest;
	o->json_file = json;
	o->progress_fd = STDERR_FILENO;
	/* With the report on stdout, what the command prints goes to stderr. */
	o->summary_fd = json && strcmp(json, "-") == 0 ? STDERR_FILENO :
	    STDOUT_FILENO;
	o->mode = term_is_smart(STDERR_FILENO) && term_foreground(STDERR_FILENO) ?
	    RENDER_TTY : RENDER_PLAIN;
	o->color = term_color(STDERR_FILENO);
	o->worker_quota = worker_quota();
	o->notes = note[0] ? note : NULL;
	o->retry.retries = cli->retries;
	o->retry.base_ms = (int64_t)(cli->retry_delay_s * 1000);
	o->retry.cap_ms = RETRY_CAP_MS;
	o->stall_ms = (int64_t)(cli->stall_s * 1000);
	o->timeout_ms = (int64_t)(cli->timeout_s * 1000);
	/* libgit2's own socket timeout: a stalled read fails, retried. */
	o->worker.read_timeout_ms = (int)(cli->stall_s * 1000);
	o->worker.connect_timeout_ms = o->worker.read_timeout_ms < 30000 ?
	    o->worker.read_timeout_ms : 30000;
	o->worker.max_objects = cli->max_objects;
	o->worker.max_file_size = cli->max_file_size;
}

/* --shard I/N: the entries of the other shards are dropped. */
static void
keep_shard(struct manifest *m, unsigned shard, unsigned nshards)
{
	unsigned *shard_of = xcalloc(m->nrepos ? m->nrepos : 1,
	    sizeof(*shard_of));
	bool *keep = xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*keep));
	size_t i;

	schedule_shards(m, nshards, shard_of);
	for (i = 0; i < m->nrepos; i++)
		keep[i] = shard_of[i] == shard;
	manifest_keep(m, keep);
	free(keep);
	free(shard_of);
}

/* After a sync: what each job took, for the order of the next run. */
static void
record_history(const struct queue *q, void *arg)
{
	char err[600];

	if (plan_record(arg, q, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
}

static int
cmd_run(int argc, char **argv, const char *cmd)
{
	struct cli cli;
	struct manifest m;
	struct workspace ws;
	struct run_opts o;
	struct run_result res;
	struct freeze_ctx fc;
	struct plan plan;
	enum workspace_error we;
	char *json_abs = NULL, *out_abs = NULL, *saved = NULL;
	char note[400], lg2[32], err[600];
	bool sync = strcmp(cmd, "sync") == 0;
	size_t swept;
	int code = EXIT_USAGE;

	memset(&cli, 0, sizeof(cli));
	cli.cmd = cmd;
	cli.workspace = ".";
	cli.jobs = DEFAULT_JOBS;
	cli.retries = DEFAULT_RETRIES;
	cli.max_objects = MAX_OBJECTS;
	cli.retry_delay_s = RETRY_BASE_MS / 1000.0;
	cli.stall_s = STALL_S;
	manifest_init(&m);
	workspace_init(&ws);
	memset(&plan, 0, sizeof(plan));
	if (parse(argc, argv, &cli) == -1)
		return EXIT_USAGE;
	/* The manifest first: a bad one touches nothing, not even -C. */
	if (cli.manifest == NULL) {
		if ((we = workspace_open(&ws, cli.workspace, false, err,
		    sizeof(err))) != WS_OK) {
			fprintf(stderr, "githerd: %s\n", err);
			code = workspace_exit(we);
			goto out;
		}
		saved = workspace_saved_manifest(&ws);
		if (access(saved, R_OK) == -1) {
			fprintf(stderr, "githerd: %s: no manifest given and none "
			    "saved in %s by a sync\n", cmd, ws.path);
			goto out;
		}
		cli.manifest = saved;
	}
	if (load_manifest(&m, cli.manifest, cli.allow_local) == -1)
		goto out;
	if (cli.nshards > 0)
		keep_shard(&m, (unsigned)cli.shard - 1, (unsigned)cli.nshards);
	if (ws.path == NULL && (we = workspace_open(&ws, cli.workspace, sync,
	    err, sizeof(err))) != WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		code = sync ? EXIT_SYSTEM : workspace_exit(we);
		goto out;
	}
	/* Taking the lock is the first write: a read-only workspace stops here. */
	if ((we = workspace_lock(&ws, sync, cli.wait_s, err, sizeof(err))) !=
	    WS_OK) {
		fprintf(stderr, "githerd: %s\n", err);
		code = EXIT_SYSTEM;
		goto out;
	}
	note[0] = '\0';
	if (sync) {
		if ((swept = workspace_sweep(&ws, &m)) > 0)
			fprintf(stderr, "githerd: removed %zu temporary "
			    "director%s left by an interrupted run\n", swept,
			    swept == 1 ? "y" : "ies");
		if (workspace_save_manifest(&ws, &m, err, sizeof(err)) == -1)
			fprintf(stderr, "githerd: warning: %s\n", err);
	}
	if (cli.json != NULL)
		json_abs = absolute(cli.json);
	if (cli.output != NULL)
		out_abs = absolute(cli.output);
	fill_opts(&o, &cli, ws.path, json_abs, note, sizeof(note));
	libgit2_version(lg2, sizeof(lg2));
	o.libgit2 = lg2;
	plan_make(&plan, &m, ws.path, (unsigned)cli.per_host, err, sizeof(err));
	if (err[0] != '\0')
		fprintf(stderr, "githerd: warning: %s\n", err);
	o.order = plan.order;
	o.hosts = plan.limited ? &plan.hosts : NULL;
	if (sync) {
		o.record = record_history;
		o.record_arg = &plan;
	}
	if (strcmp(cmd, "status") == 0) {
		o.finish = finish_status;
		o.finish_arg = isatty(o.summary_fd) && term_color(o.summary_fd) ?
		    &o : NULL;
	} else if (strcmp(cmd, "freeze") == 0) {
		fc.m = &m;
		fc.output = out_abs;
		o.finish = finish_freeze;
		o.finish_arg = &fc;
	}
	code = EXIT_SYSTEM;
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		goto out;
	}
	run_jobs(&m, &o, &res);
	code = res.exit_code;
	if (res.signal != 0) {
		plan_release(&plan);
		manifest_release(&m);
		workspace_release(&ws);
		free(json_abs);
		free(out_abs);
		free(saved);
		fflush(NULL);
		sig_raise(res.signal);
		return 128 + res.signal;	/* if raising did not end us */
	}
out:
	plan_release(&plan);
	manifest_release(&m);
	workspace_release(&ws);
	free(json_abs);
	free(out_abs);
	free(saved);
	return code;
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
	const char *cmd;

	check_std_fds();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "sync") == 0 || strcmp(cmd, "status") == 0 ||
	    strcmp(cmd, "freeze") == 0)
		return cmd_run(argc - 1, argv + 1, cmd);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
		return cmd_version();
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		help();
		return EXIT_OK;
	}
	fprintf(stderr, "githerd: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
