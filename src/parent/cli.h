/*
 * The command line: which command, which options, which operands.  Every
 * value is checked here, with a message naming the option, before
 * anything else happens.
 */
#ifndef GITHERD_CLI_H
#define GITHERD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* a repository failed (status: differs) */
	EXIT_USAGE = 2,		/* usage or manifest error: nothing touched */
	EXIT_SYSTEM = 3,	/* internal or system error */
	EXIT_SKIPPED = 4,	/* entries left alone to protect local work */
};

#define CLI_DEFAULT_JOBS	8
#define CLI_MAX_JOBS		1024
#define CLI_DEFAULT_RETRIES	3
#define CLI_RETRY_BASE_MS	1000
#define CLI_STALL_S		60
#define CLI_LOW_SPEED		1024	/* bytes a second ... */
#define CLI_LOW_SPEED_S		60	/* ... over this */
#define CLI_MIN_MEMORY		(64ULL << 20)
/* Above any real repository (a kernel clone has ~10M objects), far below
 * what a lying pack header could make the indexer allocate for. */
#define CLI_MAX_OBJECTS		50000000UL

enum cli_cmd {
	CMD_SYNC = 1 << 0,
	CMD_STATUS = 1 << 1,
	CMD_FREEZE = 1 << 2,
	CMD_LIST = 1 << 3,
	CMD_CHECK = 1 << 4,
};

enum cli_progress { PROGRESS_AUTO, PROGRESS_TTY, PROGRESS_PLAIN, PROGRESS_NONE };
enum cli_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct cli {
	enum cli_cmd		 cmd;
	const char		*name;		/* "sync", ... */
	const char		*manifest;	/* NULL: the last sync's */
	const char		*workspace;
	const char		*json;
	const char		*output;	/* freeze -o */
	const char		**paths;	/* operands after the manifest */
	size_t			 npaths;
	const char		**groups, **excludes;
	size_t			 ngroups, nexcludes;
	const char		**safe_dirs;	/* --safe-directory */
	size_t			 nsafe_dirs;
	size_t			 jobs;
	bool			 fetch;		/* status --fetch */
	bool			 allow_local;
	bool			 dry_run;
	int			 verbosity;	/* -1 -q, 0, 1 -v */
	enum cli_progress	 progress;
	enum cli_color		 color;
	unsigned		 retries;
	double			 retry_delay_s;
	double			 stall_s;
	double			 timeout_s;	/* 0: none */
	int			 wait_s;	/* for the workspace lock */
	unsigned long		 max_objects;
	unsigned long long	 max_file_size;
	unsigned long long	 max_memory;	/* 0: from RAM and -j */
	unsigned long long	 low_speed;	/* bytes a second; 0: off */
	double			 low_speed_s;
	unsigned long		 per_host;	/* 0: no limit */
	unsigned long		 shard, nshards;	/* 1-based; 0: all */
	/* authentication */
	const char		*ssh_key;
	bool			 accept_new_host_keys;
	const char		*ca_file;
	bool			 credential_helper;
	bool			 allow_http_auth;
	bool			 follow_redirects;
};

/* 0, or -1 after a message on stderr (exit 2).  help exits 0 itself. */
int	cli_parse(struct cli *, int argc, char **argv);
void	cli_release(struct cli *);
void	cli_usage(FILE *);
void	cli_help(void);

#endif
