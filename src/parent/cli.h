/*
 * The command line: which command, which options, which operands.  Every
 * option is one row of the table in cli.c (names, the commands that take
 * it, its kind, where its value goes, the range accepted, its help); the
 * getopt tables, the per-command check, the value checks, --help and the
 * list the shell completions read are all derived from that row.  Every
 * value is checked here, with a message naming the option as the user
 * spelt it, before anything else happens.  Nothing here exits.
 */
#ifndef GITHERD_CLI_H
#define GITHERD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_DEFAULT_JOBS	8
#define CLI_MAX_JOBS		1024
#define CLI_DEFAULT_RETRIES	3
#define CLI_RETRY_BASE_MS	1000
#define CLI_STALL_S		60
#define CLI_CACHE_WAIT_S	300	/* another run's fetch into the cache */
#define CLI_LOW_SPEED		1024	/* bytes a second ... */
#define CLI_LOW_SPEED_S		60	/* ... over this */
#define CLI_MIN_MEMORY		(64ULL << 20)
/* Above any real repository (a kernel clone has ~10M objects), far below
 * what a lying pack header could make the indexer allocate for. */
#define CLI_MAX_OBJECTS		50000000UL
#define CLI_DEPTH_UNSET		((unsigned long)-1)	/* no --depth, no --shallow */

enum cli_cmd {
	CMD_SYNC = 1 << 0,
	CMD_STATUS = 1 << 1,
	CMD_FREEZE = 1 << 2,
	CMD_LIST = 1 << 3,
	CMD_CHECK = 1 << 4,
	CMD_CACHE = 1 << 5,
	CMD_REPORT = 1 << 6,
	CMD_EXEC = 1 << 7,
};

/* What `githerd cache` does: its operand. */
enum cli_cache_action { CLI_CACHE_NONE, CLI_CACHE_STATUS, CLI_CACHE_PRUNE };

enum cli_progress { PROGRESS_AUTO, PROGRESS_TTY, PROGRESS_PLAIN, PROGRESS_NONE };
enum cli_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* A repeatable option's values, in the order given. */
struct cli_list {
	const char	**v;
	size_t		  n;
};

struct cli_shard {
	unsigned long	i, n;		/* the i-th of n, 1-based; 0: all */
	bool		auto_index;	/* --shard auto[/N]: i from the CI */
};

struct cli {
	enum cli_cmd		 cmd;
	const char		*name;		/* "sync", ... */
	const char		*manifest;	/* NULL: the last sync's */
	struct cli_list		 paths;		/* operands after the manifest */
	char *const		*command;	/* exec: what follows "--",
						   NULL-terminated (argv's end) */
	size_t			 ncommand;
	/* options, in the order of the table */
	unsigned long		 jobs;
	bool			 jobs_given;	/* -j on the command line */
	const char		*workspace;
	const char		*json;
	const char		*trace;		/* sync --trace */
	const char		*cache;		/* sync, cache --cache */
	double			 cache_wait_s;
	int			 cache_mode;	/* enum cache_mode */
	bool			 dissociate;
	int			 cache_action;	/* enum cli_cache_action */
	long long		 unused_for_s;	/* cache prune; -1: not given */
	bool			 fetch;		/* status, sync --dry-run */
	bool			 no_prune;	/* sync */
	bool			 switch_back;	/* sync --switch */
	bool			 lfs;		/* sync --lfs: git lfs pull */
	bool			 prune_orphans;	/* sync --prune */
	bool			 allow_unpushed;	/* freeze */
	bool			 branches;	/* freeze --branches */
	/* every selected entry, whatever the manifest says (vcs import's
	 * --shallow and --recursive) */
	unsigned long		 depth;		/* CLI_DEPTH_UNSET: the manifest's */
	bool			 shallow;	/* --shallow: depth 1 */
	int			 recursive;	/* 1 --recursive, -1 --no-recursive */
	bool			 ignore_unsupported;	/* not git: exit 0 */
	const char		*output;	/* freeze -o */
	struct cli_list		 groups, excludes;
	struct cli_shard	 shard;
	int			 shard_by;	/* 0 size, 1 hash */
	bool			 dry_run;
	int			 verbosity;	/* -1 -q, 0, 1 -v */
	int			 progress;	/* enum cli_progress */
	int			 color;		/* enum cli_color */
	unsigned long		 retries;
	double			 retry_delay_s;
	double			 stall_s;
	double			 timeout_s;	/* 0: none */
	double			 wait_s;	/* for the workspace lock */
	unsigned long		 per_host;	/* 0: no limit */
	bool			 allow_local;
	const char		*manifest_url;	/* repo's --manifest-url */
	bool			 follow_symlinks;	/* also: the manifest's default */
	unsigned long		 max_objects;
	unsigned long long	 max_file_size;
	unsigned long long	 max_memory;	/* 0: from RAM and -j */
	unsigned long long	 low_speed;	/* bytes a second; 0: off */
	double			 low_speed_s;
	const char		*ssh_key;
	const char		*ssh_config;	/* -F; "none": no file */
	bool			 accept_new_host_keys;
	const char		*ca_file;
	bool			 credential_helper;
	bool			 allow_http_auth;
	bool			 follow_redirects;
	struct cli_list		 safe_dirs;	/* --safe-directory */
	bool			 help;		/* -h: print the help, do nothing */
};

/*
 * 0, or -1 after a message on stderr (exit 2).  -h sets cli->help and
 * stops there: the caller prints cli_help(stdout, cli->name).
 */
int	cli_parse(struct cli *, int argc, char **argv);
void	cli_release(struct cli *);
void	cli_usage(FILE *);
/* The help of one command, or of all with NULL; -1 for no such command. */
int	cli_help(FILE *, const char *command);
/*
 * For shell completion, one line per option the command takes (all with
 * NULL): short name or "-", long name, value name or "-", how to complete
 * the value (none, file, dir, group, text or "word1 word2 ..."),
 * "repeat" or "once", and the help's first line, separated by tabs.
 */
int	cli_list_options(FILE *, const char *command);

#endif
