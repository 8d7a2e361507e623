#include <stdbool.h>

#include "override.h"
#include "sanitize.h"

/* "githerd: --shallow does not apply to 2 mirrors (...): a, b" */
static void
passed_over(struct buf *note, const char *opt, size_t n, const char *what,
    const char *why, const struct manifest *m, bool (*skips)(const
    struct repo_spec *))
{
	size_t i, listed = 0;

	if (n == 0)
		return;
	buf_addf(note, "githerd: %s does not apply to %zu %s%s (%s):", opt, n,
	    what, n == 1 ? "" : "s", why);
	for (i = 0; i < m->nrepos && listed < 5; i++)
		if (skips(&m->repos[i])) {
			buf_addstr(note, listed++ ? ", " : " ");
			sanitize_str(note, m->repos[i].path);
		}
	buf_addstr(note, n > listed ? ", ...\n" : "\n");
}

static bool
is_mirror(const struct repo_spec *r)
{
	return r->mirror;
}

static bool
is_bare(const struct repo_spec *r)
{
	return r->bare;
}

void
override_apply(struct manifest *m, const struct cli *cli, struct buf *note)
{
	size_t i, mirrors = 0, bare = 0;
	struct repo_spec *r;

	for (i = 0; i < m->nrepos; i++) {
		r = &m->repos[i];
		if (cli->depth != CLI_DEPTH_UNSET) {
			if (r->mirror && cli->depth > 0)
				mirrors++;
			else
				r->depth = (int)cli->depth;
		}
		if (cli->recursive != 0) {
			if (r->bare && cli->recursive > 0)
				bare++;
			else
				r->submodules = cli->recursive > 0;
		}
	}
	passed_over(note, cli->shallow ? "--shallow" : "--depth", mirrors,
	    "mirror", "a mirror takes every ref with its whole history", m,
	    is_mirror);
	passed_over(note, "--recursive", bare, "bare clone",
	    "submodules need a work tree", m, is_bare);
}
