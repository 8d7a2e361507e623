#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "partial.h"

struct found {
	char	*why;
	size_t	 len;
	bool	 yes;
};

static int
on_promisor(const git_config_entry *e, void *arg)
{
	struct found *f = arg;
	int v = 0;

	if (git_config_parse_bool(&v, e->value) < 0 || !v) {
		git_error_clear();
		return 0;
	}
	snprintf(f->why, f->len, "%s = true", e->name);
	f->yes = true;
	return 1;	/* the first is enough */
}

int
partial_clone(const char *dir, char *why, size_t len)
{
	struct found f = { why, len, false };
	git_config *cfg = NULL;
	git_buf v = GIT_BUF_INIT;
	char file[4200];
	struct stat st;

	/* A work tree's .git directory, or a bare repository's own config. */
	snprintf(file, sizeof(file), "%s/.git/config", dir);
	if (lstat(file, &st) == -1)
		snprintf(file, sizeof(file), "%s/config", dir);
	if (lstat(file, &st) == -1 || !S_ISREG(st.st_mode) ||
	    git_config_open_ondisk(&cfg, file) < 0)
		goto out;
	if (git_config_get_string_buf(&v, cfg, "extensions.partialclone") == 0) {
		snprintf(why, len, "extensions.partialClone = %s", v.ptr);
		f.yes = true;
		goto out;
	}
	git_config_foreach_match(cfg, "^remote\\..*\\.promisor$", on_promisor,
	    &f);
out:
	git_error_clear();
	git_buf_dispose(&v);
	git_config_free(cfg);
	return f.yes;
}
