#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cabundle.h"
#include "pool.h"
#include "runopts.h"
#include "seams.h"
#include "term.h"
#include "xmalloc.h"

#define FD_RESERVE	16	/* stdio, self-pipe, report, libc */
#define WORKER_QUOTA	200
#define RETRY_CAP_MS	60000

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
	const char *s = seam("WORKER_QUOTA");
	int n = s ? atoi(s) : 0;

	return n > 0 ? (unsigned)n : WORKER_QUOTA;
}

/* How long a stop waits for workers; the tests shorten it. */
static int64_t
stop_grace_ms(void)
{
	const char *s = seam("STOP_GRACE_MS");
	long n = s ? atol(s) : 0;

	return n > 0 ? n : RUN_STOP_GRACE_MS;
}

bool
runopts_color(const struct cli *cli, int fd)
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
static enum view_mode
view_mode(const struct cli *cli, int fd)
{
	switch (cli->progress) {
	case PROGRESS_TTY:
		return VIEW_TTY;
	case PROGRESS_PLAIN:
		return VIEW_PLAIN;
	case PROGRESS_NONE:
		return VIEW_NONE;
	default:
		if (cli->verbosity < 0)
			return VIEW_PLAIN;
		return term_is_smart(fd) && term_foreground(fd) ? VIEW_TTY :
		    VIEW_PLAIN;
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

void
runopts_fill(struct run_opts *o, const struct cli *cli, const char *ws,
    const char *json, char *note, size_t notelen)
{
	memset(o, 0, sizeof(*o));
	o->op = cli->cmd == CMD_SYNC && !cli->dry_run ? OP_SYNC : OP_STATUS;
	o->job_flags = (cli->fetch ? JOBF_FETCH : 0) |
	    (cli->no_prune ? JOBF_NO_PRUNE : 0) |
	    (cli->switch_back ? JOBF_SWITCH : 0) |
	    (cli->lfs ? JOBF_LFS : 0);
	o->ignore_unsupported = cli->ignore_unsupported;
	o->jobs = cap_jobs((size_t)cli->jobs, note, notelen);
	o->workspace = ws;
	o->manifest_file = cli->manifest;
	o->json_file = json;
	o->progress_fd = STDERR_FILENO;
	/* With the report on stdout, what the command prints goes to stderr. */
	o->summary_fd = json && strcmp(json, "-") == 0 ? STDERR_FILENO :
	    STDOUT_FILENO;
	o->mode = view_mode(cli, o->progress_fd);
	o->color = runopts_color(cli, o->progress_fd);
	o->summary_color = runopts_color(cli, o->summary_fd);
	o->verbosity = cli->verbosity;
	o->worker_quota = worker_quota();
	o->stop_grace_ms = stop_grace_ms();
	o->notes = note[0] ? note : NULL;
	o->retry.retries = (unsigned)cli->retries;
	o->retry.base_ms = (int64_t)(cli->retry_delay_s * 1000);
	o->retry.cap_ms = RETRY_CAP_MS;
	o->stall_ms = (int64_t)(cli->stall_s * 1000);
	o->low_speed = cli->low_speed;
	o->low_speed_ms = (int64_t)(cli->low_speed_s * 1000);
	o->timeout_ms = (int64_t)(cli->timeout_s * 1000);
	o->retry.budget_ms = o->timeout_ms;	/* retries included */
	/* libgit2's own socket timeout: a stalled read fails, retried. */
	o->worker.read_timeout_ms = (int)(cli->stall_s * 1000);
	o->worker.connect_timeout_ms = o->worker.read_timeout_ms < 30000 ?
	    o->worker.read_timeout_ms : 30000;
	o->worker.max_objects = cli->max_objects;
	o->worker.max_file_size = cli->max_file_size;
	o->worker.max_memory = cli->max_memory ? cli->max_memory :
	    default_memory(o->jobs);
	o->worker.auth.ssh_key = cli->ssh_key;
	o->worker.auth.ssh_config = runopts_ssh_config(cli, NULL);
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
/*
 * A report or lock file that cannot be written is found before the run,
 * not after it: its directory must take a new file (it is written beside
 * and renamed), and the file, if there, must be writable.
 */
/* Is there an executable name in a directory of PATH (as execvp looks)? */
static bool
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char *file;
	bool found = false;

	for (p = path != NULL ? path : ""; !found && *p; p = *end ? end + 1 : end) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		file = xasprintf("%.*s/%s", end == p ? 1 : (int)(end - p),
		    end == p ? "." : p, name);
		found = access(file, X_OK) == 0;
		free(file);
	}
	return found;
}

static int
writable(const char *opt, const char *file)
{
	char *dir, *slash;
	int rc = 0;

	if (file == NULL || strcmp(file, "-") == 0)
		return 0;
	dir = xstrdup(file);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) == -1 ||
	    (access(file, F_OK) == 0 && access(file, W_OK) == -1)) {
		fprintf(stderr, "githerd: %s %s: cannot be written: %s\n", opt,
		    file, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

const char *
runopts_ssh_config(const struct cli *cli, const char **from)
{
	const char *env = getenv("GITHERD_SSH_CONFIG");

	if (from != NULL)
		*from = cli->ssh_config != NULL ? "-F" : "GITHERD_SSH_CONFIG";
	if (cli->ssh_config != NULL)
		return cli->ssh_config;
	return env != NULL && *env != '\0' ? env : NULL;
}

int
runopts_check_files(const struct cli *cli)
{
	const char *vars[] = { "GIT_SSL_CAINFO", "SSL_CERT_FILE" };
	char err[600];
	const char *v, *from;
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
	if ((v = runopts_ssh_config(cli, &from)) != NULL &&
	    strcmp(v, "none") != 0 && access(v, R_OK) == -1) {
		fprintf(stderr, "githerd: %s%s%s: %s\n", from, *from == '-' ?
		    " " : "=", v, strerror(errno));
		return -1;
	}
	if (cli->trace != NULL && strcmp(cli->trace, "-") == 0) {
		fprintf(stderr, "githerd: --trace needs a file, not '-'\n");
		return -1;
	}
	/* Before any job: the worker runs git lfs pull after a checkout. */
	if (cli->lfs && !on_path("git-lfs")) {
		fprintf(stderr, "githerd: --lfs runs git lfs pull, but git-lfs is "
		    "not on PATH: install git-lfs (Debian: apt install git-lfs) "
		    "or sync without --lfs\n");
		return -1;
	}
	if (writable("--json", cli->json) == -1 ||
	    writable("-o", cli->output) == -1 ||
	    writable("--trace", cli->trace) == -1)
		return -1;
	return 0;
}

