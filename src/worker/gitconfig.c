/*
 * The entries of git's configuration files, in git's order (gitconfig.h).
 * libgit2's own parser reads them (includes and conditional includes
 * too); a configuration that does not hold the files at their levels,
 * lowest first, is iterated lowest level first, each file in its order.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "gitconfig.h"

static int
add_file(git_config *cfg, const char *path, git_config_level_t level,
    const git_repository *repo)
{
	/* A missing file is no error: git finds nothing there either. */
	return path == NULL ? 0 : git_config_add_file_ondisk(cfg, path, level,
	    repo, 0);
}

/* git reads config.worktree only when extensions.worktreeConfig is on. */
static int
add_repo_files(git_config *cfg, git_repository *repo)
{
	git_buf path = GIT_BUF_INIT;
	int on = 0, err;

	if ((err = git_repository_item_path(&path, repo,
	    GIT_REPOSITORY_ITEM_CONFIG)) < 0 ||
	    (err = add_file(cfg, path.ptr, GIT_CONFIG_LEVEL_LOCAL, repo)) < 0)
		goto out;
	if (git_config_get_bool(&on, cfg, "extensions.worktreeconfig") < 0 ||
	    !on) {
		git_error_clear();
		goto out;
	}
	git_buf_dispose(&path);
	if ((err = git_repository_item_path(&path, repo,
	    GIT_REPOSITORY_ITEM_WORKTREE_CONFIG)) == 0)
		err = add_file(cfg, path.ptr, GIT_CONFIG_LEVEL_WORKTREE, repo);
out:
	git_buf_dispose(&path);
	return err;
}

int
gitconfig_entries(struct cfg_list *out, const struct gitenv *env,
    git_repository *repo, char *err, size_t errlen)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	const git_error *ge;
	size_t i;
	int rc = -1, code;

	if ((code = git_config_new(&cfg)) < 0 ||
	    (code = add_file(cfg, env->system, GIT_CONFIG_LEVEL_SYSTEM,
	    repo)) < 0 ||
	    (code = add_file(cfg, env->xdg, GIT_CONFIG_LEVEL_XDG, repo)) < 0 ||
	    (code = add_file(cfg, env->global, GIT_CONFIG_LEVEL_GLOBAL,
	    repo)) < 0 ||
	    (repo != NULL && (code = add_repo_files(cfg, repo)) < 0) ||
	    (code = git_config_iterator_new(&it, cfg)) < 0)
		goto out;
	while ((code = git_config_next(&e, it)) == 0)
		cfg_list_add(out, e->name, e->value);
	if (code != GIT_ITEROVER)
		goto out;
	for (i = 0; i < env->cmdline.n; i++)
		cfg_list_add(out, env->cmdline.v[i].name,
		    env->cmdline.v[i].value);
	rc = 0;
out:
	if (rc == -1) {
		ge = git_error_last();
		snprintf(err, errlen, "%s", ge != NULL && ge->message != NULL ?
		    ge->message : "cannot read the git configuration");
		cfg_list_release(out);
	}
	git_error_clear();
	git_config_iterator_free(it);
	git_config_free(cfg);
	return rc;
}
