#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "units.h"
#include "xmalloc.h"

#define ALL_RUNS	(CMD_SYNC | CMD_STATUS | CMD_FREEZE)
#define SELECTING	(CMD_SYNC | CMD_STATUS | CMD_FREEZE | CMD_LIST)

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
	OPT_GROUP,
	OPT_EXCLUDE,
	OPT_DRY_RUN,
	OPT_PROGRESS,
	OPT_COLOR,
	OPT_SSH_KEY,
	OPT_ACCEPT_NEW,
	OPT_CA_FILE,
	OPT_CRED_HELPER,
	OPT_SAFE_DIR,
	OPT_HTTP_AUTH,
	OPT_FOLLOW_REDIRECTS,
	OPT_MAX_MEMORY,
	OPT_LOW_SPEED_LIMIT,
	OPT_LOW_SPEED_TIME,
};

static const struct option longopts[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "workspace", required_argument, NULL, 'C' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
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
	{ "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE },
	{ "per-host", required_argument, NULL, OPT_PER_HOST },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "ssh-key", required_argument, NULL, OPT_SSH_KEY },
	{ "accept-new-host-keys", no_argument, NULL, OPT_ACCEPT_NEW },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "credential-helper", no_argument, NULL, OPT_CRED_HELPER },
	{ "safe-directory", required_argument, NULL, OPT_SAFE_DIR },
	{ "allow-http-auth", no_argument, NULL, OPT_HTTP_AUTH },
	{ "follow-redirects", no_argument, NULL, OPT_FOLLOW_REDIRECTS },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "low-speed-limit", required_argument, NULL, OPT_LOW_SPEED_LIMIT },
	{ "low-speed-time", required_argument, NULL, OPT_LOW_SPEED_TIME },
	{ NULL, 0, NULL, 0 }
};

/* Which commands take an option (by getopt's value). */
static unsigned
takers(int ch)
{
	switch (ch) {
	case 'C':
	case OPT_SAFE_DIR:
	case OPT_GROUP:
	case OPT_EXCLUDE:
	case OPT_SHARD:
		return SELECTING;
	case 'q':
		return ALL_RUNS | CMD_CHECK;
	case 'j':
	case 'v':
	case OPT_RETRIES:
	case OPT_RETRY_DELAY:
	case OPT_STALL:
	case OPT_TIMEOUT:
	case OPT_WAIT:
	case OPT_PER_HOST:
	case OPT_PROGRESS:
	case OPT_COLOR:
	case OPT_SSH_KEY:
	case OPT_ACCEPT_NEW:
	case OPT_CA_FILE:
	case OPT_CRED_HELPER:
	case OPT_HTTP_AUTH:
	case OPT_FOLLOW_REDIRECTS:
		return ALL_RUNS;
	case 'o':
		return CMD_FREEZE;
	case OPT_JSON:
		return CMD_SYNC | CMD_STATUS | CMD_LIST;
	case OPT_FETCH:
		return CMD_STATUS | CMD_SYNC;	/* sync: with --dry-run */
	case OPT_DRY_RUN:
		return CMD_SYNC;
	case OPT_ALLOW_LOCAL:
		return SELECTING | CMD_CHECK;
	case OPT_MAX_OBJECTS:
	case OPT_MAX_FILE_SIZE:
	case OPT_MAX_MEMORY:
		return CMD_SYNC | CMD_STATUS;
	case OPT_LOW_SPEED_LIMIT:
	case OPT_LOW_SPEED_TIME:
		return ALL_RUNS;
	default:
		return ~0u;
	}
}

void
cli_usage(FILE *f)
{
	fprintf(f,
	    "usage: githerd sync [-j jobs] [-C workspace] [options] manifest "
	    "[path...]\n"
	    "       githerd status [-C workspace] [--fetch] [options] [manifest] "
	    "[path...]\n"
	    "       githerd freeze [-C workspace] [-o file] [options] [manifest] "
	    "[path...]\n"
	    "       githerd list [-C workspace] [--json file] [manifest] "
	    "[path...]\n"
	    "       githerd check [-q] [--allow-local] manifest\n"
	    "       githerd version\n"
	    "       githerd help\n");
}

void
cli_help(void)
{
	cli_usage(stdout);
	printf("\n"
	    "sync    clone what is missing, update what is there, never losing\n"
	    "        local work (entries with local work are skipped)\n"
	    "status  compare the workspace with the manifest, offline\n"
	    "freeze  print the manifest pinned to the commits checked out\n"
	    "list    print the entries the options select\n"
	    "check   validate a manifest and exit (0 valid, 2 not)\n\n"
	    "  -j, --jobs N        work on N repositories at a time (default %d)\n"
	    "  -C, --workspace DIR the workspace (default: the current "
	    "directory)\n"
	    "      --json FILE     write a JSON report to FILE ('-': stdout)\n"
	    "      --fetch         status, sync --dry-run: ask the remotes too\n"
	    "  -o, --output FILE   freeze: write to FILE instead of stdout\n"
	    "      --group G       only entries in group G (repeatable)\n"
	    "      --exclude G     leave out entries in group G (repeatable)\n"
	    "      --shard I/N     only the I-th of N shards of the selection\n"
	    "      --dry-run       sync: say what would be done, do nothing\n"
	    "  -q, --quiet         print only failures\n"
	    "  -v, --verbose       print when each job starts, too\n"
	    "      --progress WHEN auto, tty, plain or none\n"
	    "      --color WHEN    auto, always or never (NO_COLOR: never)\n"
	    "      --retries N     try transient failures N more times "
	    "(default %d)\n"
	    "      --retry-delay S first retry after about S seconds (default 1)\n"
	    "      --stall-timeout S  kill a job without progress for S seconds "
	    "(default %d)\n"
	    "      --timeout S     kill a job running longer than S seconds\n"
	    "      --wait S        wait up to S seconds for a locked workspace\n"
	    "      --per-host N    at most N jobs at a time on one server\n"
	    "      --allow-local   allow file:// URLs and local paths\n"
	    "      --max-objects N refuse packs of more than N objects\n"
	    "                      (default 50000000)\n"
	    "      --max-file-size SIZE  no file written may exceed SIZE "
	    "(k, M, G)\n"
	    "      --max-memory SIZE  a worker may hold at most SIZE for libgit2\n"
	    "                      (default: half the RAM shared by the jobs)\n"
	    "      --low-speed-limit SIZE  kill a job whose pack arrives slower "
	    "than\n"
	    "                      SIZE a second (default 1k; 0: never) ...\n"
	    "      --low-speed-time S  ... for S seconds (default %d)\n"
	    "      --ssh-key FILE  offer this private key to ssh servers too\n"
	    "      --accept-new-host-keys  trust and record unknown ssh host "
	    "keys\n"
	    "      --ca-file FILE  trust these CA certificates too, for https\n"
	    "      --credential-helper  ask 'git credential fill' for https "
	    "credentials\n"
	    "      --allow-http-auth  send tokens to plain http:// servers too\n"
	    "      --follow-redirects  follow a redirect to another server "
	    "(never\n"
	    "                      with credentials)\n"
	    "      --safe-directory DIR  use the workspace DIR although another "
	    "user owns it\n"
	    "                      ('*': any; also GITHERD_SAFE_DIRECTORY)\n\n"
	    "status, freeze and list default to the manifest of the last sync.\n"
	    "Exit status: 0 OK, 1 some repository failed (status: differs),\n"
	    "2 usage or manifest error (nothing touched), 3 internal or system\n"
	    "error, 4 entries skipped to protect local work.\n"
	    "See githerd(1) and githerd.yaml(5).\n", CLI_DEFAULT_JOBS,
	    CLI_DEFAULT_RETRIES, CLI_STALL_S, CLI_LOW_SPEED_S);
}

static int
parse_jobs(const char *s, size_t *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || n < 1 ||
	    n > CLI_MAX_JOBS) {
		fprintf(stderr, "githerd: -j wants a number from 1 to %d, not "
		    "'%s'\n", CLI_MAX_JOBS, s);
		return -1;
	}
	*out = (size_t)n;
	return 0;
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
		    *n <= CLI_MAX_JOBS)
			return 0;
	}
	fprintf(stderr, "githerd: --shard wants I/N with 1 <= I <= N <= %d, "
	    "such as 2/4, not '%s'\n", CLI_MAX_JOBS, s);
	return -1;
}

/* One of words[], by index; -1 after a message. */
static int
parse_word(const char *opt, const char *s, const char *const *words)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	fprintf(stderr, "githerd: %s wants one of", opt);
	for (i = 0; words[i] != NULL; i++)
		fprintf(stderr, "%s %s", i ? "," : "", words[i]);
	fprintf(stderr, ", not '%s'\n", s);
	return -1;
}

/* A group name as the manifest allows them. */
static int
parse_group(const char *opt, const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && len <= 64 && s[0] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == len)
		return 0;
	fprintf(stderr, "githerd: %s wants a group name (letters, digits, "
	    "'.', '_', '-'), not '%s'\n", opt, s);
	return -1;
}

static void
push(const char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

static enum cli_cmd
command(const char *name)
{
	static const struct { const char *name; enum cli_cmd cmd; } cmds[] = {
		{ "sync", CMD_SYNC }, { "status", CMD_STATUS },
		{ "freeze", CMD_FREEZE }, { "list", CMD_LIST },
		{ "check", CMD_CHECK },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (strcmp(name, cmds[i].name) == 0)
			return cmds[i].cmd;
	return 0;
}

/*
 * status, freeze and list take an optional manifest first: an operand is
 * the manifest when it is named like one (a typo should say "cannot
 * open", not "no entry"), or is a file outside the workspace (a file
 * inside it names the entry holding it).
 */
static bool
looks_like_manifest(const char *s, const char *workspace)
{
	char file[PATH_MAX], ws[PATH_MAX];
	struct stat st;
	size_t len = strlen(s), n;

	if ((len > 5 && strcmp(s + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(s + len - 4, ".yml") == 0) ||
	    (len > 6 && strcmp(s + len - 6, ".repos") == 0))
		return true;
	if (stat(s, &st) == -1 || !S_ISREG(st.st_mode) ||
	    realpath(s, file) == NULL)
		return false;
	if (realpath(workspace, ws) == NULL)
		return true;
	n = strlen(ws);
	return strncmp(file, ws, n) != 0 || (file[n] != '/' && n > 1);
}

static int
operands(struct cli *cli, int argc, char **argv)
{
	int i = optind;

	if (cli->cmd == CMD_SYNC || cli->cmd == CMD_CHECK) {
		if (i >= argc) {
			fprintf(stderr, "githerd: %s needs a manifest\n",
			    cli->name);
			return -1;
		}
		cli->manifest = argv[i++];
	} else if (i < argc && looks_like_manifest(argv[i], cli->workspace))
		cli->manifest = argv[i++];
	if (cli->cmd == CMD_CHECK && i < argc) {
		fprintf(stderr, "githerd: check takes one manifest, not '%s'\n",
		    argv[i]);
		return -1;
	}
	for (; i < argc; i++)
		push(&cli->paths, &cli->npaths, argv[i]);
	return 0;
}

static void
defaults(struct cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->workspace = ".";
	cli->jobs = CLI_DEFAULT_JOBS;
	cli->retries = CLI_DEFAULT_RETRIES;
	cli->max_objects = CLI_MAX_OBJECTS;
	cli->retry_delay_s = CLI_RETRY_BASE_MS / 1000.0;
	cli->stall_s = CLI_STALL_S;
	cli->low_speed = CLI_LOW_SPEED;
	cli->low_speed_s = CLI_LOW_SPEED_S;
}

static int
option(struct cli *cli, int ch, const char *arg)
{
	static const char *const progress[] = { "auto", "tty", "plain", "none",
	    NULL };
	static const char *const color[] = { "auto", "always", "never", NULL };
	unsigned long n;
	double wait;
	int w;

	switch (ch) {
	case 'C':
		cli->workspace = arg;
		return 0;
	case 'j':
		return parse_jobs(arg, &cli->jobs);
	case 'o':
		cli->output = arg;
		return 0;
	case 'q':
		cli->verbosity = -1;
		return 0;
	case 'v':
		cli->verbosity = 1;
		return 0;
	case OPT_JSON:
		cli->json = arg;
		return 0;
	case OPT_FETCH:
		cli->fetch = true;
		return 0;
	case OPT_RETRIES:
		if (parse_count("--retries", arg, 100, &n) == -1)
			return -1;
		cli->retries = (unsigned)n;
		return 0;
	case OPT_RETRY_DELAY:
		return parse_seconds("--retry-delay", arg, 0, &cli->retry_delay_s);
	case OPT_STALL:
		return parse_seconds("--stall-timeout", arg, 0.1, &cli->stall_s);
	case OPT_TIMEOUT:
		return parse_seconds("--timeout", arg, 0.1, &cli->timeout_s);
	case OPT_WAIT:
		if (parse_seconds("--wait", arg, 0, &wait) == -1)
			return -1;
		cli->wait_s = (int)(wait + 0.999);
		return 0;
	case OPT_ALLOW_LOCAL:
		cli->allow_local = true;
		return 0;
	case OPT_MAX_OBJECTS:
		return parse_count("--max-objects", arg, 4000000000UL,
		    &cli->max_objects);
	case OPT_MAX_FILE_SIZE:
		return parse_size("--max-file-size", arg, &cli->max_file_size);
	case OPT_PER_HOST:
		return parse_count("--per-host", arg, CLI_MAX_JOBS,
		    &cli->per_host);
	case OPT_SHARD:
		return parse_shard(arg, &cli->shard, &cli->nshards);
	case OPT_GROUP:
		if (parse_group("--group", arg) == -1)
			return -1;
		push(&cli->groups, &cli->ngroups, arg);
		return 0;
	case OPT_EXCLUDE:
		if (parse_group("--exclude", arg) == -1)
			return -1;
		push(&cli->excludes, &cli->nexcludes, arg);
		return 0;
	case OPT_DRY_RUN:
		cli->dry_run = true;
		return 0;
	case OPT_PROGRESS:
		if ((w = parse_word("--progress", arg, progress)) == -1)
			return -1;
		cli->progress = (enum cli_progress)w;
		return 0;
	case OPT_COLOR:
		if ((w = parse_word("--color", arg, color)) == -1)
			return -1;
		cli->color = (enum cli_color)w;
		return 0;
	case OPT_SSH_KEY:
		cli->ssh_key = arg;
		return 0;
	case OPT_ACCEPT_NEW:
		cli->accept_new_host_keys = true;
		return 0;
	case OPT_CA_FILE:
		cli->ca_file = arg;
		return 0;
	case OPT_CRED_HELPER:
		cli->credential_helper = true;
		return 0;
	case OPT_SAFE_DIR:
		push(&cli->safe_dirs, &cli->nsafe_dirs, arg);
		return 0;
	case OPT_HTTP_AUTH:
		cli->allow_http_auth = true;
		return 0;
	case OPT_MAX_MEMORY:
		if (parse_size("--max-memory", arg, &cli->max_memory) == -1)
			return -1;
		if (cli->max_memory < CLI_MIN_MEMORY) {
			fprintf(stderr, "githerd: --max-memory wants at least "
			    "%lluM, not '%s'\n",
			    (unsigned long long)(CLI_MIN_MEMORY >> 20), arg);
			return -1;
		}
		return 0;
	case OPT_LOW_SPEED_LIMIT:
		return parse_size("--low-speed-limit", arg, &cli->low_speed);
	case OPT_LOW_SPEED_TIME:
		return parse_seconds("--low-speed-time", arg, 1,
		    &cli->low_speed_s);
	case OPT_FOLLOW_REDIRECTS:
		cli->follow_redirects = true;
		return 0;
	default:
		return -1;
	}
}

/* The option's name as the user may have spelled it, for messages. */
static const char *
option_name(int ch)
{
	static char shortname[3] = "-?";
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == ch && ch >= 256)
			return longopts[i].name;
	shortname[1] = (char)ch;
	return shortname;
}

int
cli_parse(struct cli *cli, int argc, char **argv)
{
	int ch, idx;

	defaults(cli);
	cli->name = argv[0];
	if ((cli->cmd = command(argv[0])) == 0) {
		fprintf(stderr, "githerd: unknown command '%s'\n", argv[0]);
		goto usage;
	}
	optind = 1;
	opterr = 0;		/* getopt would name the command, not us */
	while ((ch = getopt_long(argc, argv, "C:hj:o:qv", longopts, &idx)) !=
	    -1) {
		if (ch == 'h') {
			cli_help();
			exit(EXIT_OK);
		}
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "githerd: %s: %s '%s'\n", cli->name,
			    optopt && strchr("Cjo", optopt) ?
			    "option needs a value:" : "unknown option",
			    argv[optind - 1]);
			goto usage;
		}
		if ((takers(ch) & cli->cmd) == 0) {
			fprintf(stderr, "githerd: %s does not take %s%s\n",
			    cli->name, ch >= 256 ? "--" : "", option_name(ch));
			goto usage;
		}
		if (option(cli, ch, optarg) == -1)
			return -1;
	}
	if (operands(cli, argc, argv) == -1)
		goto usage;
	if (cli->cmd == CMD_SYNC && cli->fetch && !cli->dry_run) {
		fprintf(stderr, "githerd: sync: --fetch goes with --dry-run (a "
		    "sync always asks the remotes)\n");
		goto usage;
	}
	return 0;
usage:
	cli_usage(stderr);
	return -1;
}

void
cli_release(struct cli *cli)
{
	free(cli->paths);
	free(cli->groups);
	free(cli->excludes);
	free(cli->safe_dirs);
	memset(cli, 0, sizeof(*cli));
}
