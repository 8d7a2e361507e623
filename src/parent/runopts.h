/*
 * From the command line to what the loop and the workers are given: -j
 * capped to the open-file limit, the view and its colours, the default
 * memory ceiling, timeouts in milliseconds; and the files the workers
 * will read, checked before anything starts.
 */
#ifndef GITHERD_RUNOPTS_H
#define GITHERD_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "run.h"

/* o from cli; a note for the user (-j capped) goes into note. */
void	runopts_fill(struct run_opts *o, const struct cli *cli,
	    const char *workspace, const char *json, char *note,
	    size_t notelen);
/* --color on fd: always and never win over NO_COLOR, auto asks fd. */
bool	runopts_color(const struct cli *cli, int fd);
/*
 * The ssh_config file the workers read instead of ~/.ssh/config and the
 * system's: -F, else GITHERD_SSH_CONFIG, else NULL; *from names which.
 */
const char *runopts_ssh_config(const struct cli *cli, const char **from);
/*
 * --ca-file, GIT_SSL_CAINFO, SSL_CERT_FILE, --ssh-key, -F: -1 after a
 * message.
 */
int	runopts_check_files(const struct cli *cli);

#endif
