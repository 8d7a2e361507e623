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

#define RUNS		(CMD_SYNC | CMD_STATUS | CMD_FREEZE)
#define SELECTING	(RUNS | CMD_LIST | CMD_EXEC)
#define ALL		(SELECTING | CMD_CHECK)

#define STR(x)		STR_(x)
#define STR_(x)		#x

/* --- the commands ------------------------------------------------------- */

static const struct command_row {
	const char	*name;
	enum cli_cmd	 cmd;
	const char	*usage;		/* after "githerd NAME " */
	const char	*summary;
} commands[] = {
	{ "sync", CMD_SYNC, "[-j jobs] [-C workspace] [options] [manifest] "
	    "[path...]",
	    "clone what is missing, update what is there, never losing\n"
	    "local work (entries with local work are skipped)" },
	{ "status", CMD_STATUS, "[-C workspace] [--fetch] [options] [manifest] "
	    "[path...]", "compare the workspace with the manifest, offline" },
	{ "freeze", CMD_FREEZE, "[-C workspace] [-o file] [--branches] [options] "
	    "[manifest] [path...]",
	    "print the manifest pinned to the commits checked out\n"
	    "(--branches: to the branches)" },
	{ "list", CMD_LIST, "[-C workspace] [--json file] [manifest] [path...]",
	    "print the entries the options select" },
	{ "check", CMD_CHECK, "[-q] [--allow-local] manifest",
	    "validate a manifest and exit (0 valid, 2 not)" },
	{ "cache", CMD_CACHE, "status|prune [--cache dir] [--json file] "
	    "[--unused-for duration] [--dry-run]",
	    "status: the cache's repositories, their size, last use and\n"
	    "state; prune: remove those unused for a duration" },
	{ "report", CMD_REPORT, "merge [-o file] report.json...",
	    "merge: the --json reports of a job array's shards as one" },
	{ "exec", CMD_EXEC, "[-j jobs] [-C workspace] [options] [manifest] "
	    "[path...] -- command [arg...]",
	    "run a command in every selected checkout, in parallel;\n"
	    "each one's output printed whole as it ends" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(*commands))

static const struct command_row *
command_named(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* --- the options -------------------------------------------------------- */

enum opt_kind {
	OPT_FLAG,	/* bool, set to true */
	OPT_SET,	/* int, set to min */
	OPT_STRING,	/* const char * */
	OPT_LIST,	/* struct cli_list, repeatable */
	OPT_GROUPS,	/* struct cli_list of group names, repeatable */
	OPT_COUNT,	/* unsigned long in [min, max] */
	OPT_SECONDS,	/* double in [min, max] */
	OPT_SIZE,	/* unsigned long long in [min, max], "64k" */
	OPT_WORD,	/* int: the index of the value in words[] */
	OPT_SHARD,	/* struct cli_shard, "I/N" */
	OPT_DURATION,	/* long long seconds, "30d" */
	OPT_HELP,	/* bool: print the help instead */
};

struct option_row {
	const char		*name;		/* long name, without "--" */
	char			 letter;	/* short name, or 0 */
	unsigned		 cmds;		/* the commands that take it */
	enum opt_kind		 kind;
	size_t			 dest;		/* where in struct cli */
	double			 min, max;
	const char *const	*words;		/* OPT_WORD */
	const char		*value;		/* its name in --help */
	const char		*complete;	/* file, dir, group, text */
	const char		*help;		/* '\n' continues the line */
};

/*
 * The destination as an offset into struct cli, and a compile error if
 * the member is not of the type the option's kind writes.
 */
#define DEST(member, type)						\
	(offsetof(struct cli, member) +					\
	 0 * sizeof(_Generic(((struct cli *)0)->member, type: 1)))

#define FLAG(l, s, c, m, h) \
	{ l, s, c, OPT_FLAG, DEST(m, bool), 0, 0, NULL, NULL, NULL, h }
#define SET(l, s, c, m, v, h) \
	{ l, s, c, OPT_SET, DEST(m, int), v, v, NULL, NULL, NULL, h }
#define STRING(l, s, c, m, val, cpl, h) \
	{ l, s, c, OPT_STRING, DEST(m, const char *), 0, 0, NULL, val, cpl, h }
#define LIST(l, c, m, val, cpl, h) \
	{ l, 0, c, OPT_LIST, DEST(m, struct cli_list), 0, 0, NULL, val, cpl, h }
#define GROUPS(l, c, m, h) \
	{ l, 0, c, OPT_GROUPS, DEST(m, struct cli_list), 0, 0, NULL, "G", \
	  "group", h }
#define COUNT(l, s, c, m, lo, hi, h) \
	{ l, s, c, OPT_COUNT, DEST(m, unsigned long), lo, hi, NULL, "N", \
	  "text", h }
#define SECONDS(l, c, m, lo, h) \
	{ l, 0, c, OPT_SECONDS, DEST(m, double), lo, 86400, NULL, "S", \
	  "text", h }
#define SIZE(l, c, m, lo, h) \
	{ l, 0, c, OPT_SIZE, DEST(m, unsigned long long), lo, 0, NULL, \
	  "SIZE", "text", h }
#define DURATION(l, c, m, h) \
	{ l, 0, c, OPT_DURATION, DEST(m, long long), 0, 0, NULL, \
	  "D", "text", h }
#define WORD(l, c, m, w, val, h) \
	{ l, 0, c, OPT_WORD, DEST(m, int), 0, 0, w, val, NULL, h }

static const char *const progress_words[] = { "auto", "tty", "plain", "none",
    NULL };
static const char *const color_words[] = { "auto", "always", "never", NULL };
static const char *const cache_mode_words[] = { "link", "reference", NULL };
static const char *const shard_by_words[] = { "size", "hash", NULL };

/* In the order --help lists them. */
static const struct option_row options[] = {
	COUNT("jobs", 'j', RUNS | CMD_EXEC, jobs, 1, CLI_MAX_JOBS,
	    "work on N repositories at a time (default "
	    STR(CLI_DEFAULT_JOBS) ")"),
	STRING("workspace", 'C', SELECTING, workspace, "DIR", "dir",
	    "the workspace (default: the current directory)"),
	STRING("json", 0, CMD_SYNC | CMD_STATUS | CMD_LIST | CMD_CACHE | CMD_EXEC,
	    json,
	    "FILE", "file", "write a JSON report to FILE ('-': stdout)"),
	STRING("cache", 0, CMD_SYNC | CMD_CACHE, cache, "DIR", "dir",
	    "the object cache: sync shares fetched objects\n"
	    "through DIR, cache looks at it (default:\n"
	    "$GITHERD_CACHE; sync: none without it)"),
	WORD("cache-mode", CMD_SYNC, cache_mode, cache_mode_words, "MODE",
	    "how a new clone takes the cache's objects: link\n"
	    "(hard-linked packs, the default) or reference\n"
	    "(objects/info/alternates into the cache)"),
	FLAG("dissociate", 0, CMD_SYNC, dissociate,
	    "with the cache: own every object, borrow none\n"
	    "(checkouts that borrow from the cache copy them)"),
	SECONDS("cache-wait", CMD_SYNC, cache_wait_s, 0,
	    "wait at most S seconds for a cache repository\n"
	    "another run is updating (default " STR(CLI_CACHE_WAIT_S) ")"),
	STRING("trace", 0, CMD_SYNC, trace, "FILE", "file",
	    "write a timeline of the run to FILE (Chrome\n"
	    "Trace Event JSON: Perfetto, chrome://tracing)"),
	/* sync takes it with --dry-run only: checked after parsing */
	FLAG("fetch", 0, CMD_STATUS | CMD_SYNC, fetch,
	    "status, sync --dry-run: ask the remotes too"),
	STRING("output", 'o', CMD_FREEZE | CMD_REPORT, output, "FILE", "file",
	    "freeze, report merge: write to FILE instead of\n"
	    "stdout"),
	FLAG("allow-unpushed", 0, CMD_FREEZE, allow_unpushed,
	    "freeze: exit 0 although some pinned commits\n"
	    "are on no remote-tracking branch"),
	FLAG("branches", 0, CMD_FREEZE, branches,
	    "freeze: each entry's branch instead of its commit\n"
	    "(detached: the commit), as vcs export writes"),
	COUNT("depth", 0, CMD_SYNC | CMD_STATUS, depth, 0, INT_MAX,
	    "every entry: N commits of history, whatever the\n"
	    "manifest says (0: all; http(s) only)"),
	FLAG("shallow", 0, CMD_SYNC | CMD_STATUS, shallow,
	    "every entry: --depth 1 (vcs import --shallow)"),
	SET("recursive", 0, CMD_SYNC, recursive, 1,
	    "every entry: its submodules too, recursively\n"
	    "(vcs import --recursive)"),
	SET("no-recursive", 0, CMD_SYNC, recursive, -1,
	    "every entry: no submodules, whatever the\n"
	    "manifest says"),
	FLAG("ignore-unsupported", 0, RUNS, ignore_unsupported,
	    "entries of a type githerd does not sync (svn, hg,\n"
	    "...) are listed, and do not make the exit status 1"),
	GROUPS("group", SELECTING, groups,
	    "only entries in group G (repeatable)"),
	GROUPS("exclude", SELECTING, excludes,
	    "leave out entries in group G (repeatable)"),
	{ "shard", 0, SELECTING, OPT_SHARD, DEST(shard, struct cli_shard), 1,
	    CLI_MAX_JOBS, NULL, "I/N", "text",
	    "only the I-th of N shards of the selection;\n"
	    "auto or auto/N: I (and N) from the CI's job array" },
	WORD("shard-by", SELECTING, shard_by, shard_by_words, "HOW",
	    "size (balanced by size_hint, the default) or\n"
	    "hash (adding an entry moves no other one)"),
	FLAG("dry-run", 0, CMD_SYNC | CMD_CACHE, dry_run,
	    "sync, cache prune: say what would be done, do nothing"),
	DURATION("unused-for", CMD_CACHE, unused_for_s,
	    "cache prune: remove the repositories unused for\n"
	    "D (45s, 90m, 12h, 30d, 2w)"),
	FLAG("switch", 0, CMD_SYNC, switch_back,
	    "sync: move checkouts their users put on another\n"
	    "branch to the manifest's ref too"),
	FLAG("prune", 0, CMD_SYNC, prune_orphans,
	    "sync: move entries a sync created that the manifest\n"
	    "no longer names into .githerd/trash, if nothing\n"
	    "in them would be lost"),
	FLAG("lfs", 0, CMD_SYNC, lfs,
	    "sync: run git lfs pull in entries whose checkout\n"
	    "left git-lfs pointer files (needs git-lfs)"),
	FLAG("no-prune", 0, CMD_SYNC, no_prune,
	    "sync: keep remote-tracking refs of branches\n"
	    "the remote deleted"),
	SET("quiet", 'q', RUNS | CMD_CHECK | CMD_EXEC, verbosity, -1,
	    "print only failures (check: nothing when valid)"),
	SET("verbose", 'v', RUNS | CMD_EXEC, verbosity, 1,
	    "print when each job starts, too"),
	WORD("progress", RUNS | CMD_EXEC, progress, progress_words, "WHEN",
	    "auto, tty, plain or none"),
	WORD("color", RUNS | CMD_EXEC, color, color_words, "WHEN",
	    "auto, always or never (NO_COLOR: never)"),
	COUNT("retries", 0, RUNS, retries, 0, 100,
	    "try transient failures N more times (default "
	    STR(CLI_DEFAULT_RETRIES) ")"),
	SECONDS("retry-delay", RUNS, retry_delay_s, 0,
	    "first retry after about S seconds (default 1)"),
	SECONDS("stall-timeout", RUNS, stall_s, 0.1,
	    "kill a job without progress for S seconds (default "
	    STR(CLI_STALL_S) ")"),
	SECONDS("timeout", RUNS | CMD_EXEC, timeout_s, 0.1,
	    "kill a job running longer than S seconds"),
	SECONDS("wait", RUNS | CMD_EXEC, wait_s, 0,
	    "wait up to S seconds for a locked workspace"),
	COUNT("per-host", 0, RUNS, per_host, 0, CLI_MAX_JOBS,
	    "at most N jobs at a time on one server"),
	FLAG("allow-local", 0, ALL, allow_local,
	    "allow file:// URLs and local paths"),
	STRING("manifest-url", 0, ALL, manifest_url, "URL", "text",
	    "repo manifests: the URL relative <remote fetch>\n"
	    "URLs are resolved against (default: the origin\n"
	    "of the git checkout the manifest is in)"),
	FLAG("follow-symlinks", 0, RUNS | CMD_EXEC, follow_symlinks,
	    "go through a symbolic link you placed between the\n"
	    "workspace and an entry (outside every entry), to a\n"
	    "directory you own"),
	COUNT("max-objects", 0, CMD_SYNC | CMD_STATUS, max_objects, 0,
	    4000000000.0, "refuse packs of more than N objects\n"
	    "(default 50000000)"),
	SIZE("max-file-size", CMD_SYNC | CMD_STATUS, max_file_size, 0,
	    "no file written may exceed SIZE (k, M, G)"),
	SIZE("max-memory", CMD_SYNC | CMD_STATUS, max_memory, CLI_MIN_MEMORY,
	    "a worker may hold at most SIZE for libgit2\n"
	    "(default: half the RAM shared by the jobs)"),
	SIZE("low-speed-limit", RUNS, low_speed, 0,
	    "kill a job whose pack arrives slower than\n"
	    "SIZE a second (default 1k; 0: never) ..."),
	SECONDS("low-speed-time", RUNS, low_speed_s, 1,
	    "... for S seconds (default " STR(CLI_LOW_SPEED_S) ")"),
	STRING("ssh-key", 0, RUNS, ssh_key, "FILE", "file",
	    "offer this private key to ssh servers too"),
	STRING("ssh-config", 'F', RUNS, ssh_config, "FILE", "file",
	    "read this ssh_config(5) file ('none': none) instead\n"
	    "of ~/.ssh/config and /etc/ssh/ssh_config (also\n"
	    "GITHERD_SSH_CONFIG)"),
	FLAG("accept-new-host-keys", 0, RUNS, accept_new_host_keys,
	    "trust and record unknown ssh host keys"),
	STRING("ca-file", 0, RUNS, ca_file, "FILE", "file",
	    "trust these CA certificates too, for https"),
	FLAG("credential-helper", 0, RUNS, credential_helper,
	    "ask 'git credential fill' for https credentials"),
	FLAG("allow-http-auth", 0, RUNS, allow_http_auth,
	    "send tokens to plain http:// servers too"),
	FLAG("follow-redirects", 0, RUNS, follow_redirects,
	    "follow a redirect to another server (never\n"
	    "with credentials)"),
	LIST("safe-directory", SELECTING, safe_dirs, "DIR", "dir",
	    "use the workspace DIR although another user owns it\n"
	    "('*': any; also GITHERD_SAFE_DIRECTORY)"),
	{ "help", 'h', ALL | CMD_CACHE, OPT_HELP, DEST(help, bool), 0, 0, NULL, NULL, NULL,
	    "print this help and exit" },
};
#define NOPTIONS	(sizeof(options) / sizeof(*options))

_Static_assert(CLI_MAX_OBJECTS == 50000000UL, "--max-objects' help names it");

static void *
field(struct cli *cli, const struct option_row *o)
{
	return (char *)cli + o->dest;
}

/* The option as the user spelt it: "-j" or "--jobs". */
static void
spelling(const struct option_row *o, bool as_long, char *out, size_t len)
{
	if (as_long || o->letter == 0)
		snprintf(out, len, "--%s", o->name);
	else
		snprintf(out, len, "-%c", o->letter);
}

/* --- values ------------------------------------------------------------- */

static int
parse_count(const struct option_row *o, const char *opt, const char *s,
    unsigned long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == 0 && *s != '\0' && *s != '-' && *end == '\0' &&
	    v >= o->min && v <= o->max && v <= ULONG_MAX) {
		*out = (unsigned long)v;
		return 0;
	}
	if (o->min > 0)
		fprintf(stderr, "githerd: %s wants a number from %.0f to %.0f, "
		    "not '%s'\n", opt, o->min, o->max, s);
	else
		fprintf(stderr, "githerd: %s wants a whole number up to %.0f, "
		    "not '%s'\n", opt, o->max, s);
	return -1;
}

/* A number of seconds, fractions allowed: --stall-timeout 2.5 */
static int
parse_seconds(const struct option_row *o, const char *opt, const char *s,
    double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *s == '\0' || *end != '\0' || !(v >= o->min) ||
	    v > o->max) {
		fprintf(stderr, "githerd: %s wants a number of seconds, not '%s'\n",
		    opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* 100, 64k, 512M, 2G (powers of 1024). */
static int
parse_size(const struct option_row *o, const char *opt, const char *s,
    unsigned long long *out)
{
	char least[32];
	uint64_t v;

	if (units_parse_size(s, &v) == -1) {
		fprintf(stderr, "githerd: %s wants a size such as 100M, not "
		    "'%s'\n", opt, s);
		return -1;
	}
	if (v < o->min) {
		units_format_size((uint64_t)o->min, least, sizeof(least));
		fprintf(stderr, "githerd: %s wants at least %s, not '%s'\n", opt,
		    least, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* I/N, 1 <= I <= N <= max: which shard of a CI matrix this is. */
static int
parse_shard(const struct option_row *o, const char *opt, const char *s,
    struct cli_shard *out)
{
	char *end;

	errno = 0;
	out->auto_index = strncmp(s, "auto", 4) == 0 &&
	    (s[4] == '\0' || s[4] == '/');
	if (out->auto_index && s[4] == '\0') {
		out->i = out->n = 0;
		return 0;
	}
	if (out->auto_index) {
		out->i = 0;
		out->n = strtoul(s + 5, &end, 10);
		if (errno == 0 && end != s + 5 && *end == '\0' &&
		    out->n >= 1 && out->n <= o->max)
			return 0;
	} else
		out->i = strtoul(s, &end, 10);
	if (errno == 0 && end != s && *end == '/' && end[1] >= '0' &&
	    end[1] <= '9') {
		out->n = strtoul(end + 1, &end, 10);
		if (errno == 0 && *end == '\0' && out->i >= 1 &&
		    out->i <= out->n && out->n <= o->max)
			return 0;
	}
	fprintf(stderr, "githerd: %s wants I/N with 1 <= I <= N <= %.0f, "
	    "such as 2/4, or auto or auto/N, not '%s'\n", opt, o->max, s);
	return -1;
}

/* 45s, 90m, 12h, 30d, 2w. */
static int
parse_duration(const char *opt, const char *s, long long *out)
{
	int64_t v;

	if (units_parse_duration(s, &v) == -1) {
		fprintf(stderr, "githerd: %s wants a duration such as 30d, "
		    "12h, 90m or 45s, not '%s'\n", opt, s);
		return -1;
	}
	*out = (long long)v;
	return 0;
}

static int
parse_word(const struct option_row *o, const char *opt, const char *s,
    int *out)
{
	int i;

	for (i = 0; o->words[i] != NULL; i++)
		if (strcmp(s, o->words[i]) == 0) {
			*out = i;
			return 0;
		}
	fprintf(stderr, "githerd: %s wants one of", opt);
	for (i = 0; o->words[i] != NULL; i++)
		fprintf(stderr, "%s %s", i ? "," : "", o->words[i]);
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
push(struct cli_list *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

/* The row that set o's destination to value (-q, when o is -v). */
static const struct option_row *
set_by(const struct option_row *o, int value)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (options[i].kind == OPT_SET && options[i].dest == o->dest &&
		    (int)options[i].min == value)
			return &options[i];
	return o;
}

/* Store one option's value where its row says. */
static int
apply(struct cli *cli, const struct option_row *o, const char *opt,
    const char *arg)
{
	void *dest = field(cli, o);

	switch (o->kind) {
	case OPT_FLAG:
	case OPT_HELP:
		*(bool *)dest = true;
		return 0;
	case OPT_SET:
		/* -q then -v: two rows set one value, to opposite ends. */
		if (*(int *)dest != 0 && *(int *)dest != (int)o->min) {
			char other[64];

			spelling(set_by(o, *(int *)dest), false, other,
			    sizeof(other));
			fprintf(stderr, "githerd: %s contradicts %s\n", opt,
			    other);
			return -1;
		}
		*(int *)dest = (int)o->min;
		return 0;
	case OPT_STRING:
		*(const char **)dest = arg;
		return 0;
	case OPT_GROUPS:
		if (parse_group(opt, arg) == -1)
			return -1;
		/* FALLTHROUGH */
	case OPT_LIST:
		push(dest, arg);
		return 0;
	case OPT_COUNT:
		/* repo's <default sync-j> stands in for -j not given */
		if (dest == (void *)&cli->jobs)
			cli->jobs_given = true;
		return parse_count(o, opt, arg, dest);
	case OPT_SECONDS:
		return parse_seconds(o, opt, arg, dest);
	case OPT_SIZE:
		return parse_size(o, opt, arg, dest);
	case OPT_WORD:
		return parse_word(o, opt, arg, dest);
	case OPT_SHARD:
		return parse_shard(o, opt, arg, dest);
	case OPT_DURATION:
		return parse_duration(opt, arg, dest);
	}
	return -1;
}

static bool
takes_value(const struct option_row *o)
{
	return o->kind != OPT_FLAG && o->kind != OPT_SET && o->kind != OPT_HELP;
}

/* getopt's tables, derived: val is the row's index + 256. */
static void
getopt_tables(struct option *longopts, char *shortopts)
{
	size_t i, n = 0;

	*shortopts++ = ':';	/* a missing value is ':', not '?' */
	for (i = 0; i < NOPTIONS; i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg = takes_value(&options[i]) ?
		    required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = (int)(256 + i);
		if (options[i].letter == 0)
			continue;
		shortopts[n++] = options[i].letter;
		if (takes_value(&options[i]))
			shortopts[n++] = ':';
	}
	memset(&longopts[NOPTIONS], 0, sizeof(*longopts));
	shortopts[n] = '\0';
}

static const struct option_row *
row_of(int ch)
{
	size_t i;

	if (ch >= 256 && (size_t)(ch - 256) < NOPTIONS)
		return &options[ch - 256];
	for (i = 0; i < NOPTIONS; i++)
		if (options[i].letter != 0 && options[i].letter == ch)
			return &options[i];
	return NULL;
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
	cli->cache_wait_s = CLI_CACHE_WAIT_S;
	cli->low_speed = CLI_LOW_SPEED;
	cli->low_speed_s = CLI_LOW_SPEED_S;
	cli->unused_for_s = -1;
	cli->depth = CLI_DEPTH_UNSET;
}

/* --- operands ----------------------------------------------------------- */

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
	    (len > 6 && strcmp(s + len - 6, ".repos") == 0) ||
	    (len > 4 && strcmp(s + len - 4, ".xml") == 0))
		return true;
	if (stat(s, &st) == -1 || !S_ISREG(st.st_mode) ||
	    realpath(s, file) == NULL)
		return false;
	if (realpath(workspace, ws) == NULL)
		return true;
	n = strlen(ws);
	return strncmp(file, ws, n) != 0 || (file[n] != '/' && n > 1);
}

/* cache status|prune: the one operand, and the options that go with it. */
static int
cache_operands(struct cli *cli, int argc, char **argv)
{
	const char *a = optind < argc ? argv[optind] : "";

	if (strcmp(a, "status") == 0)
		cli->cache_action = CLI_CACHE_STATUS;
	else if (strcmp(a, "prune") == 0)
		cli->cache_action = CLI_CACHE_PRUNE;
	else {
		fprintf(stderr, "githerd: cache wants status or prune, not "
		    "'%s'\n", a);
		return -1;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "githerd: cache %s takes no operand '%s'\n", a,
		    argv[optind + 1]);
		return -1;
	}
	if (cli->cache_action == CLI_CACHE_STATUS &&
	    (cli->dry_run || cli->unused_for_s >= 0)) {
		fprintf(stderr, "githerd: cache status does not take %s\n",
		    cli->dry_run ? "--dry-run" : "--unused-for");
		return -1;
	}
	if (cli->cache_action == CLI_CACHE_PRUNE && cli->json != NULL) {
		fprintf(stderr, "githerd: cache prune does not take --json\n");
		return -1;
	}
	if (cli->cache_action == CLI_CACHE_PRUNE && cli->unused_for_s < 0) {
		fprintf(stderr, "githerd: cache prune needs --unused-for "
		    "DURATION (such as 30d)\n");
		return -1;
	}
	return 0;
}

static int
operands(struct cli *cli, int argc, char **argv)
{
	int i = optind;

	if (cli->cmd == CMD_CACHE)
		return cache_operands(cli, argc, argv);
	if (cli->cmd == CMD_REPORT) {
		if (i >= argc || strcmp(argv[i], "merge") != 0) {
			fprintf(stderr, "githerd: report wants merge, not '%s'\n",
			    i < argc ? argv[i] : "");
			return -1;
		}
		if (++i >= argc) {
			fprintf(stderr, "githerd: report merge needs the "
			    "reports to merge\n");
			return -1;
		}
		for (; i < argc; i++)
			push(&cli->paths, argv[i]);
		return 0;
	}

	if (cli->cmd == CMD_CHECK) {
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
		push(&cli->paths, argv[i]);
	return 0;
}

/* --- parsing ------------------------------------------------------------ */

static int
parse_options(struct cli *cli, int argc, char **argv)
{
	struct option longopts[NOPTIONS + 1];
	char shortopts[2 * NOPTIONS + 2], opt[64];
	const struct option_row *o;
	int ch, idx;

	getopt_tables(longopts, shortopts);
	/* 0, not 1: glibc then also forgets a cluster (-qv) a failed parse
	 * left half read. */
	optind = 0;
	opterr = 0;		/* getopt would name the command, not us */
	for (;;) {
		idx = -1;
		if ((ch = getopt_long(argc, argv, shortopts, longopts, &idx)) ==
		    -1)
			return 0;
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "githerd: %s: %s '%s'\n", cli->name,
			    ch == ':' ? "option needs a value:" :
			    "unknown option", argv[optind - 1]);
			return -1;
		}
		o = row_of(ch);
		spelling(o, idx >= 0, opt, sizeof(opt));
		if ((o->cmds & cli->cmd) == 0) {
			fprintf(stderr, "githerd: %s does not take %s\n",
			    cli->name, opt);
			return -1;
		}
		if (apply(cli, o, opt, optarg) == -1)
			return -2;	/* the message says it all */
		if (cli->help)
			return 0;
	}
}

/*
 * exec: githerd's own arguments end at the first "--" (getopt would drop
 * it while permuting, and the command's options are not ours); argc for
 * githerd's part, the command after it.
 */
static int
split_command(struct cli *cli, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			cli->command = argv + i + 1;
			cli->ncommand = (size_t)(argc - i - 1);
			return i;
		}
	return argc;
}

static int
check_command(const struct cli *cli)
{
	if (cli->command == NULL) {
		fprintf(stderr, "githerd: exec needs -- before the command "
		    "(githerd exec [options] [path...] -- command [arg...])\n");
		return -1;
	}
	if (cli->ncommand == 0 || cli->command[0][0] == '\0') {
		fprintf(stderr, "githerd: exec needs a command after --\n");
		return -1;
	}
	return 0;
}

int
cli_parse(struct cli *cli, int argc, char **argv)
{
	const struct command_row *c;
	int rc;

	defaults(cli);
	cli->name = argv[0];
	if ((c = command_named(argv[0])) == NULL) {
		fprintf(stderr, "githerd: unknown command '%s'\n", argv[0]);
		goto usage;
	}
	cli->cmd = c->cmd;
	if (cli->cmd == CMD_EXEC)
		argc = split_command(cli, argc, argv);
	if ((rc = parse_options(cli, argc, argv)) == -2)
		return -1;
	if (rc == -1)
		goto usage;
	if (cli->help)
		return 0;
	if (operands(cli, argc, argv) == -1 ||
	    (cli->cmd == CMD_EXEC && check_command(cli) == -1))
		goto usage;
	if (cli->shallow && cli->depth != CLI_DEPTH_UNSET && cli->depth != 1) {
		fprintf(stderr, "githerd: %s: --shallow contradicts --depth %lu\n",
		    cli->name, cli->depth);
		goto usage;
	}
	if (cli->shallow)
		cli->depth = 1;
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
	free(cli->paths.v);
	free(cli->groups.v);
	free(cli->excludes.v);
	free(cli->safe_dirs.v);
	memset(cli, 0, sizeof(*cli));
}

/* --- help --------------------------------------------------------------- */

#define HELP_COLUMN	22

void
cli_usage(FILE *f)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "%s githerd %s %s\n", i == 0 ? "usage:" : "      ",
		    commands[i].name, commands[i].usage);
	fprintf(f, "       githerd version\n"
	    "       githerd help [command]\n");
}

/* Text whose '\n' continue at the help column. */
static void
indented(FILE *f, const char *text, int column)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		fprintf(f, "%.*s\n%*s", (int)(nl - text), text, column, "");
		text = nl + 1;
	}
	fprintf(f, "%s\n", text);
}

static void
help_option(FILE *f, const struct option_row *o)
{
	char left[80];
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%s--%s%s%s",
	    o->letter ? '-' : ' ', o->letter ? o->letter : ' ',
	    o->letter ? ", " : "  ", o->name, o->value ? " " : "",
	    o->value ? o->value : "");
	if (n < HELP_COLUMN)
		fprintf(f, "%-*s", HELP_COLUMN, left);
	else
		fprintf(f, "%s  ", left);
	indented(f, o->help, HELP_COLUMN);
}

static void
help_footer(FILE *f)
{
	fprintf(f, "\n"
	    "status, freeze, list and exec default to the manifest of the last\n"
	    "sync.\n"
	    "Exit status: 0 OK, 1 some repository failed (status: differs),\n"
	    "2 usage or manifest error (nothing touched), 3 internal or system\n"
	    "error, 4 entries skipped to protect local work.\n"
	    "See githerd(1) and githerd.yaml(5).\n");
}

int
cli_help(FILE *f, const char *command)
{
	const struct command_row *c = command_named(command);
	size_t i;

	if (command != NULL && c == NULL)
		return -1;
	if (c != NULL)
		fprintf(f, "usage: githerd %s %s\n", c->name, c->usage);
	else
		cli_usage(f);
	fputc('\n', f);
	for (i = 0; i < NCOMMANDS; i++) {
		if (c != NULL && c != &commands[i])
			continue;
		fprintf(f, "%-8s", commands[i].name);
		indented(f, commands[i].summary, 8);
	}
	fputc('\n', f);
	for (i = 0; i < NOPTIONS; i++)
		if (c == NULL || (options[i].cmds & c->cmd) != 0)
			help_option(f, &options[i]);
	help_footer(f);
	return 0;
}

static void
list_option(FILE *f, const struct option_row *o)
{
	const char *nl = strchr(o->help, '\n');
	size_t i;

	fprintf(f, "%s%c\t--%s\t%s\t", o->letter ? "-" : "",
	    o->letter ? o->letter : '-', o->name, o->value ? o->value : "-");
	if (o->words != NULL)
		for (i = 0; o->words[i] != NULL; i++)
			fprintf(f, "%s%s", i ? " " : "", o->words[i]);
	else
		fputs(o->complete ? o->complete : "none", f);
	fprintf(f, "\t%s\t%.*s\n",
	    o->kind == OPT_LIST || o->kind == OPT_GROUPS ? "repeat" : "once",
	    nl ? (int)(nl - o->help) : (int)strlen(o->help), o->help);
}

int
cli_list_options(FILE *f, const char *command)
{
	const struct command_row *c = command_named(command);
	size_t i;

	if (command != NULL && c == NULL)
		return -1;
	for (i = 0; i < NOPTIONS; i++)
		if (c == NULL || (options[i].cmds & c->cmd) != 0)
			list_option(f, &options[i]);
	return 0;
}
