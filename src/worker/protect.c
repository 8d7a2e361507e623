/*
 * core.protectNTFS and core.protectHFS, on for every checkout a worker
 * makes, whatever the configuration says and without writing them
 * anywhere: a read-only configuration backend held in memory, added at
 * the highest level (GIT_CONFIG_LEVEL_APP) of the repository's
 * configuration.  libgit2 then refuses tree entries that NTFS or HFS+
 * would resolve to .git (".git::$INDEX_ALLOCATION", "GIT~1",
 * ".g\u200cit"), also on the Linux file systems that mount such disks.
 * A clone's .git/config stays what git would write.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/config.h>
#include <git2/sys/errors.h>
#include <git2/sys/repository.h>

#include "protect.h"
#include "xmalloc.h"

static const char *const names[] = { "core.protectntfs", "core.protecthfs" };
#define NENTRIES	(sizeof(names) / sizeof(names[0]))

static void
entry_free(git_config_entry *e)
{
	(void)e;	/* static: nothing to free */
}

static git_config_entry entries[NENTRIES] = {
	{ "core.protectntfs", "true", "githerd", NULL, 0, GIT_CONFIG_LEVEL_APP,
	    entry_free },
	{ "core.protecthfs", "true", "githerd", NULL, 0, GIT_CONFIG_LEVEL_APP,
	    entry_free },
};

struct iter {
	git_config_iterator	 parent;
	size_t			 next;
};

static int
mem_open(git_config_backend *b, git_config_level_t level,
    const git_repository *repo)
{
	(void)b;
	(void)level;
	(void)repo;
	return 0;
}

static int
mem_get(git_config_backend *b, const char *key, git_config_entry **out)
{
	size_t i;

	(void)b;
	for (i = 0; i < NENTRIES; i++)
		if (strcmp(key, names[i]) == 0) {
			*out = &entries[i];
			return 0;
		}
	return GIT_ENOTFOUND;
}

static int
mem_readonly(void)
{
	git_error_set_str(GIT_ERROR_CONFIG, "githerd's protections are "
	    "read-only");
	return GIT_EREADONLY;
}

static int
mem_set(git_config_backend *b, const char *key, const char *value)
{
	(void)b;
	(void)key;
	(void)value;
	return mem_readonly();
}

static int
mem_set_multivar(git_config_backend *b, const char *name, const char *re,
    const char *value)
{
	(void)b;
	(void)name;
	(void)re;
	(void)value;
	return mem_readonly();
}

static int
mem_del(git_config_backend *b, const char *key)
{
	(void)b;
	(void)key;
	return mem_readonly();
}

static int
mem_del_multivar(git_config_backend *b, const char *key, const char *re)
{
	(void)b;
	(void)key;
	(void)re;
	return mem_readonly();
}

static int
iter_next(git_config_entry **out, git_config_iterator *it)
{
	struct iter *i = (struct iter *)it;

	if (i->next >= NENTRIES)
		return GIT_ITEROVER;
	*out = &entries[i->next++];
	return 0;
}

static void
iter_free(git_config_iterator *it)
{
	free(it);
}

static int
mem_iterator(git_config_iterator **out, git_config_backend *b)
{
	struct iter *i = xcalloc(1, sizeof(*i));

	i->parent.backend = b;
	i->parent.next = iter_next;
	i->parent.free = iter_free;
	*out = &i->parent;
	return 0;
}

static int	mem_snapshot(git_config_backend **, git_config_backend *);

static int
mem_lock(git_config_backend *b)
{
	(void)b;
	return 0;
}

static int
mem_unlock(git_config_backend *b, int success)
{
	(void)b;
	(void)success;
	return 0;
}

static void
mem_free(git_config_backend *b)
{
	free(b);
}

static git_config_backend *
backend_new(void)
{
	git_config_backend *b = xcalloc(1, sizeof(*b));

	git_config_init_backend(b, GIT_CONFIG_BACKEND_VERSION);
	b->readonly = 1;	/* writes go to the repository's own file */
	b->open = mem_open;
	b->get = mem_get;
	b->set = mem_set;
	b->set_multivar = mem_set_multivar;
	b->del = mem_del;
	b->del_multivar = mem_del_multivar;
	b->iterator = mem_iterator;
	b->snapshot = mem_snapshot;
	b->lock = mem_lock;
	b->unlock = mem_unlock;
	b->free = mem_free;
	return b;
}

static int
mem_snapshot(git_config_backend **out, git_config_backend *b)
{
	(void)b;
	*out = backend_new();
	return 0;
}

int
protect_repo(git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_backend *b;
	int err;

	if ((err = git_repository_config(&cfg, repo)) < 0)
		return err;
	b = backend_new();
	/* Owned by cfg once added; a second call finds the level taken. */
	if ((err = git_config_add_backend(cfg, b, GIT_CONFIG_LEVEL_APP, repo,
	    0)) < 0) {
		mem_free(b);
		if (err == GIT_EEXISTS) {
			git_error_clear();
			err = 0;
		}
	}
	/* Cached answers would outlive the new level: start afresh. */
	if (err == 0)
		err = git_repository_set_config(repo, cfg);
	git_config_free(cfg);
	return err;
}
