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
#include "pool.h"
#include "queue.h"
#include "render.h"
#include "run.h"
#include "sig.h"
#include "term.h"
#include "version.h"
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
#define SAVED_MANIFEST	PATH_STATE_DIR "/manifest"

/* What the command line asked for. */
struct cli {
	const char	*cmd;
	const char	*manifest;	/* NULL: the one saved by the last sync */
	const char	*workspace;
	const char	*json;
	const char	*output;	/* freeze -o */
	size_t		 jobs;
	bool		 fetch;		/* status --fetch */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: githerd sync [-j jobs] [-C workspace] [--json file] manifest\n"
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
	    "  -o, --output FILE   freeze: write to FILE instead of stdout\n\n"
	    "status and freeze default to the manifest of the last sync.\n"
	    "Exit status: 0 OK, 1 some repository failed (status: differs),\n"
	    "2 usage or manifest error (nothing touched), 3 internal or system\n"
	    "error, 4 entries skipped to protect local work.\n"
	    "See githerd(1) and githerd.yaml(5).\n", DEFAULT_JOBS);
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
open_workspace(const char *dir, bool create, char **out)
{
	char err[512], real[PATH_MAX];

	if (create && fs_mkdir_p(dir, err, sizeof(err)) == -1) {
		fprintf(stderr, "githerd: workspace: %s\n", err);
		return -1;
	}
	if (realpath(dir, real) == NULL) {
		fprintf(stderr, "githerd: workspace %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	*out = xstrdup(real);
	return 0;
}

static int
load_manifest(struct manifest *m, const char *file)
{
	struct diags d;
	char *text;
	int rc = 0;

	diags_init(&d);
	if (manifest_load(m, file, &d) == -1) {
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

static int
write_atomically(const char *file, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", file, (long)getpid());
	ssize_t n;
	size_t off = 0;
	int fd, rc = -1;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		goto out;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			goto fail;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 || rename(tmp, file) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	unlink(tmp);
out:
	free(tmp);
	return rc;
}

/*
 * Keep a copy of the manifest in the workspace: `status` and `freeze`
 * then work without naming it, and a later sync can tell what changed.
 */
static void
save_manifest(const char *ws, const struct manifest *m)
{
	char *dir = xasprintf("%s/%s", ws, PATH_STATE_DIR);
	char *file = xasprintf("%s/%s", ws, SAVED_MANIFEST);

	if ((mkdir(dir, 0777) == -1 && errno != EEXIST) ||
	    write_atomically(file, m->text, m->textlen) == -1)
		fprintf(stderr, "githerd: warning: cannot save the manifest in "
		    "%s: %s\n", file, strerror(errno));
	free(dir);
	free(file);
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
		if (write_atomically(fc->output, out->data, out->len) == -1) {
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

static int
parse(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "workspace", required_argument, NULL, 'C' },
		{ "json", required_argument, NULL, 'J' },
		{ "fetch", no_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool sync = strcmp(cli->cmd, "sync") == 0;
	bool status = strcmp(cli->cmd, "status") == 0;
	int ch;

	optind = 1;
	opterr = 0;		/* getopt would name the command, not us */
	while ((ch = getopt_long(argc, argv, "C:hj:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			cli->workspace = optarg;
			break;
		case 'J':
			if (!sync && !status)
				goto elsewhere;
			cli->json = optarg;
			break;
		case 'F':
			if (!status)
				goto elsewhere;
			cli->fetch = true;
			break;
		case 'o':
			if (sync || status)
				goto elsewhere;
			cli->output = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &cli->jobs) == -1)
				return -1;
			break;
		case 'h':
			help();
			exit(EXIT_OK);
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
	    ch == 'J' ? "--json" : ch == 'F' ? "--fetch" : "-o/--output");
	usage(stderr);
	return -1;
bad:
	fprintf(stderr, "githerd: %s: %s '%s'\n", cli->cmd, optopt &&
	    strchr("CjJo", optopt) ? "option needs a value:" :
	    "unknown option", argv[optind - 1]);
	usage(stderr);
	return -1;
}

static int
cmd_run(int argc, char **argv, const char *cmd)
{
	struct cli cli;
	struct manifest m;
	struct run_opts o;
	struct run_result res;
	struct freeze_ctx fc;
	char *ws = NULL, *json_abs = NULL, *out_abs = NULL, *saved = NULL;
	char note[160], lg2[32];
	bool sync = strcmp(cmd, "sync") == 0;
	int code = EXIT_USAGE;

	memset(&cli, 0, sizeof(cli));
	cli.cmd = cmd;
	cli.workspace = ".";
	cli.jobs = DEFAULT_JOBS;
	manifest_init(&m);
	if (parse(argc, argv, &cli) == -1)
		return EXIT_USAGE;
	if (cli.manifest == NULL) {
		/* status/freeze: the manifest the last sync saved */
		if (open_workspace(cli.workspace, false, &ws) == -1)
			return EXIT_USAGE;
		saved = xasprintf("%s/%s", ws, SAVED_MANIFEST);
		if (access(saved, R_OK) == -1) {
			fprintf(stderr, "githerd: %s: no manifest given and none "
			    "saved in %s by a sync\n", cmd, ws);
			goto out;
		}
		cli.manifest = saved;
	}
	if (load_manifest(&m, cli.manifest) == -1)
		goto out;
	/* A workspace that is not there is a system error only for sync. */
	code = sync ? EXIT_SYSTEM : EXIT_USAGE;
	if (ws == NULL && open_workspace(cli.workspace, sync, &ws) == -1)
		goto out;
	code = EXIT_SYSTEM;
	if (sync)
		save_manifest(ws, &m);
	if (cli.json != NULL)
		json_abs = absolute(cli.json);
	if (cli.output != NULL)
		out_abs = absolute(cli.output);
	memset(&o, 0, sizeof(o));
	o.op = sync ? OP_SYNC : OP_STATUS;
	o.job_flags = cli.fetch ? JOBF_FETCH : 0;
	o.jobs = cap_jobs(cli.jobs, note, sizeof(note));
	o.workspace = ws;
	o.manifest_file = cli.manifest;
	o.json_file = json_abs;
	o.progress_fd = STDERR_FILENO;
	/* With the report on stdout, what the command prints goes to stderr. */
	o.summary_fd = json_abs && strcmp(json_abs, "-") == 0 ? STDERR_FILENO :
	    STDOUT_FILENO;
	o.mode = term_is_smart(STDERR_FILENO) && term_foreground(STDERR_FILENO) ?
	    RENDER_TTY : RENDER_PLAIN;
	o.color = term_color(STDERR_FILENO);
	o.worker_quota = worker_quota();
	o.notes = note[0] ? note : NULL;
	libgit2_version(lg2, sizeof(lg2));
	o.libgit2 = lg2;
	if (strcmp(cmd, "status") == 0) {
		o.finish = finish_status;
		o.finish_arg = isatty(STDOUT_FILENO) && term_color(STDOUT_FILENO) ?
		    &o : NULL;
	} else if (strcmp(cmd, "freeze") == 0) {
		fc.m = &m;
		fc.output = out_abs;
		o.finish = finish_freeze;
		o.finish_arg = &fc;
	}
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		goto out;
	}
	run_jobs(&m, &o, &res);
	code = res.exit_code;
	if (res.signal != 0) {
		manifest_release(&m);
		free(ws);
		free(json_abs);
		free(out_abs);
		free(saved);
		fflush(NULL);
		sig_raise(res.signal);
		return 128 + res.signal;	/* if raising did not end us */
	}
out:
	manifest_release(&m);
	free(ws);
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
