/*
 * The subcommands, one file each (cmd_<name>.c), as main.c dispatches
 * them: argv[0] is the command's name, the worker side is what the parent
 * may not link itself.  Each returns the process's exit code.
 */
#ifndef GITHERD_CMD_H
#define GITHERD_CMD_H

#include "exitcode.h"
#include "worker.h"

typedef enum exit_code (*cmd_fn)(int argc, char **argv,
    const struct worker_side *);

enum exit_code	cmd_sync(int, char **, const struct worker_side *);
enum exit_code	cmd_status(int, char **, const struct worker_side *);
enum exit_code	cmd_freeze(int, char **, const struct worker_side *);
enum exit_code	cmd_list(int, char **, const struct worker_side *);
enum exit_code	cmd_check(int, char **, const struct worker_side *);
enum exit_code	cmd_cache(int, char **, const struct worker_side *);
enum exit_code	cmd_report(int, char **, const struct worker_side *);
enum exit_code	cmd_exec(int, char **, const struct worker_side *);
enum exit_code	cmd_version(int, char **, const struct worker_side *);
enum exit_code	cmd_help(int, char **, const struct worker_side *);

#endif
