/*
 * git's configuration as the environment shapes it, read as git 2.39
 * reads it: which files (GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM,
 * GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME, HOME) and the command-line level
 * (GIT_CONFIG_COUNT with GIT_CONFIG_KEY_<n> / GIT_CONFIG_VALUE_<n>, then
 * GIT_CONFIG_PARAMETERS, which `git -c` fills).  Where git dies, this
 * fails with a message that names the variable and never shows a value
 * (a value can be a token).  Pure: the parent reads it once, before any
 * worker starts, and the workers inherit it with fork.
 */
#ifndef GITHERD_GITENV_H
#define GITHERD_GITENV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One configuration entry: its name as git canonicalises it (section and
 * key lower case, a subsection as written: "http.https://H/.proxy"), and
 * its value, NULL for a key alone ("[core] bare", a boolean).
 */
struct cfg_entry {
	char	*name;
	char	*value;
};

/* Entries in the order git reads them: a later one wins. */
struct cfg_list {
	struct cfg_entry	*v;
	size_t			 n, alloc;
};

#define CFG_LIST_INIT	{ NULL, 0, 0 }

void	cfg_list_add(struct cfg_list *, const char *name, const char *value);
void	cfg_list_release(struct cfg_list *);

struct gitenv {
	char		*system;	/* NULL: none (GIT_CONFIG_NOSYSTEM) */
	char		*xdg;		/* NULL: GIT_CONFIG_GLOBAL, or no home */
	char		*global;	/* ~/.gitconfig or GIT_CONFIG_GLOBAL */
	struct cfg_list	 cmdline;	/* COUNT's, then PARAMETERS' */
};

#define GITENV_SYSTEM_FILE	"/etc/gitconfig"	/* Debian's git */

/* From getenv(): 0, or -1 with err saying what git would die of. */
int	gitenv_read(struct gitenv *, char *err, size_t errlen);
void	gitenv_release(struct gitenv *);

/*
 * GIT_CONFIG_PARAMETERS' text: 'key'='value' pairs (or the older
 * 'key=value'), single-quoted as git's shell quoting writes them,
 * separated by white space; each added to list.  0, or -1 with err.
 */
int	gitenv_parameters(struct cfg_list *, const char *text, char *err,
	    size_t errlen);
/*
 * key checked and canonicalised as git does: a section and a name, the
 * name starting with a letter, both of letters, digits and '-', lower
 * cased; a subsection between them kept as it is (no newline).  The
 * result is malloc'd; NULL with err when git refuses the key.
 */
char	*gitenv_key(const char *key, char *err, size_t errlen);
/* A boolean as git reads one: 1, 0, or -1 for neither. */
int	gitenv_bool(const char *value);

#endif
