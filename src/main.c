/*
 * githerd: clone many git repositories from a YAML manifest, in parallel.
 * The command line, subcommands and exit codes; nothing else.
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
#include "fsutil.h"
#include "manifest.h"
#include "pool.h"
#include "run.h"
#include "sig.h"
#include "term.h"
#include "version.h"
#include "xmalloc.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* at least one repository failed */
	EXIT_USAGE = 2,		/* usage or manifest error: nothing touched */
	EXIT_SYSTEM = 3,	/* internal or system error */
};

#define DEFAULT_JOBS	8
#define MAX_JOBS	1024
#define FD_RESERVE	16	/* stdio, self-pipe, report, libc */
#define WORKER_QUOTA	200

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: githerd sync [-j jobs] [-C workspace] [--json file] manifest\n"
	    "       githerd version\n"
	    "       githerd help\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Clone every repository of a YAML manifest (githerd's own format\n"
	    "or vcstool's .repos) in parallel, with live progress.\n\n"
	    "  -j, --jobs N        clone N repositories at a time (default %d)\n"
	    "  -C, --workspace DIR clone into DIR (default: the current "
	    "directory)\n"
	    "      --json FILE     write a JSON report of the run to FILE\n\n"
	    "Exit status: 0 all repositories OK, 1 some failed, 2 usage or\n"
	    "manifest error (nothing touched), 3 internal or system error.\n"
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

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static int
open_workspace(const char *dir, char **out)
{
	char err[512], real[PATH_MAX];

	if (fs_mkdir_p(dir, err, sizeof(err)) == -1) {
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
		fprintf(stderr, "githerd: %s: %zu error%s; nothing was cloned\n",
		    file, d.n, d.n == 1 ? "" : "s");
		free(text);
		rc = -1;
	}
	diags_release(&d);
	return rc;
}

static int
cmd_sync(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "workspace", required_argument, NULL, 'C' },
		{ "json", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct manifest m;
	struct run_opts o;
	struct run_result res;
	const char *workspace = ".", *json = NULL;
	char *ws = NULL, *json_abs = NULL, note[160], lg2[32];
	size_t jobs = DEFAULT_JOBS;
	int ch, code = EXIT_USAGE;

	manifest_init(&m);
	optind = 1;
	opterr = 0;		/* getopt would name the command "sync" */
	while ((ch = getopt_long(argc, argv, "C:hj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			workspace = optarg;
			break;
		case 'J':
			json = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &jobs) == -1)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			fprintf(stderr, "githerd: sync: %s '%s'\n", optopt &&
			    strchr("CjJ", optopt) ? "option needs a value:" :
			    "unknown option", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "githerd: sync takes exactly one manifest\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_manifest(&m, argv[optind]) == -1)
		goto out;
	code = EXIT_SYSTEM;
	if (open_workspace(workspace, &ws) == -1)
		goto out;
	if (json != NULL)
		json_abs = absolute(json);
	memset(&o, 0, sizeof(o));
	o.jobs = cap_jobs(jobs, note, sizeof(note));
	o.workspace = ws;
	o.manifest_file = argv[optind];
	o.json_file = json_abs;
	o.progress_fd = STDERR_FILENO;
	o.summary_fd = STDOUT_FILENO;
	o.mode = term_is_smart(STDERR_FILENO) && term_foreground(STDERR_FILENO) ?
	    RENDER_TTY : RENDER_PLAIN;
	o.color = term_color(STDERR_FILENO);
	o.worker_quota = worker_quota();
	o.notes = note[0] ? note : NULL;
	libgit2_version(lg2, sizeof(lg2));
	o.libgit2 = lg2;
	if (sig_init() == -1) {
		fprintf(stderr, "githerd: cannot set up signals: %s\n",
		    strerror(errno));
		goto out;
	}
	run_sync(&m, &o, &res);
	code = res.exit_code;
	if (res.signal != 0) {
		manifest_release(&m);
		free(ws);
		free(json_abs);
		fflush(NULL);
		sig_raise(res.signal);
		code = 128 + res.signal;	/* if raising did not end us */
	}
out:
	manifest_release(&m);
	free(ws);
	free(json_abs);
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
	if (strcmp(cmd, "sync") == 0)
		return cmd_sync(argc - 1, argv + 1);
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
