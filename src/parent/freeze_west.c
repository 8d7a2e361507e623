#include <stdlib.h>
#include <string.h>

#include "freeze_west.h"
#include "url.h"
#include "xmalloc.h"
#include "yamltree.h"

static bool
listed(const struct manifest *m, size_t upto, size_t k, const char *g)
{
	size_t i, j;

	for (i = 0; i <= upto; i++)
		for (j = 0; j < (i == upto ? k : m->repos[i].ngroups); j++)
			if (m->repos[i].inactive &&
			    strcmp(m->repos[i].groups[j], g) == 0)
				return true;
	return false;
}

/*
 * An entry is inactive when all its groups are disabled, so disabling
 * the groups of the inactive ones leaves every active one a group on.
 */
void
freeze_west_filter(struct buf *b, const struct manifest *m)
{
	size_t i, j, n = 0;

	for (i = 0; i < m->nrepos; i++) {
		if (!m->repos[i].inactive)
			continue;
		for (j = 0; j < m->repos[i].ngroups; j++) {
			if (listed(m, i, j, m->repos[i].groups[j]))
				continue;
			buf_addstr(b, n++ ? ", " : "  group-filter: [");
			buf_addch(b, '-');
			buf_addstr(b, m->repos[i].groups[j]);
		}
	}
	if (n > 0)
		buf_addstr(b, "]\n");
}

void
freeze_west_entry(struct buf *b, const struct job *j, const char *revision)
{
	const struct repo_spec *r = j->spec;
	const char *s;
	char *p;
	size_t i;

	buf_addstr(b, "    - name: ");
	yaml_quote(b, r->name ? r->name : r->path);
	/* a lock file is shared: never with credentials in it */
	buf_addstr(b, "\n      url: ");
	p = url_strip_secrets(r->url);
	yaml_quote(b, p);
	free(p);
	buf_addstr(b, "\n      revision: ");
	yaml_quote(b, revision ? revision : r->ref ? r->ref : "master");
	buf_addstr(b, "\n      path: ");
	yaml_quote(b, r->path);
	buf_addch(b, '\n');
	if (r->depth > 0)
		buf_addf(b, "      clone-depth: %d\n", r->depth);
	if (r->submodules && r->submodule_paths == NULL)
		buf_addstr(b, "      submodules: true\n");
	else if (r->submodules) {
		buf_addstr(b, "      submodules:\n");
		for (s = r->submodule_paths; *s; s += *s == '\n') {
			i = strcspn(s, "\n");
			buf_addstr(b, "        - path: ");
			p = xstrndup(s, i);
			yaml_quote(b, p);
			free(p);
			buf_addch(b, '\n');
			s += i;
		}
	}
	if (r->ngroups > 0) {
		buf_addstr(b, "      groups: [");
		for (i = 0; i < r->ngroups; i++) {
			buf_addstr(b, i ? ", " : "");
			yaml_quote(b, r->groups[i]);
		}
		buf_addstr(b, "]\n");
	}
}
