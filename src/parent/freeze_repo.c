#include <stdlib.h>
#include <string.h>

#include "freeze_repo.h"
#include "url.h"
#include "xmalloc.h"

static void
attr(struct buf *b, const char *name, const char *v)
{
	const char *c;

	buf_addf(b, " %s=\"", name);
	for (c = v; *c != '\0'; c++) {
		switch (*c) {
		case '&': buf_addstr(b, "&amp;"); break;
		case '<': buf_addstr(b, "&lt;"); break;
		case '>': buf_addstr(b, "&gt;"); break;
		case '"': buf_addstr(b, "&quot;"); break;
		case '\t': buf_addstr(b, "&#9;"); break;
		case '\n': buf_addstr(b, "&#10;"); break;
		case '\r': buf_addstr(b, "&#13;"); break;
		default: buf_addch(b, *c);
		}
	}
	buf_addch(b, '"');
}

/* The fetch URL a spec's URL was made of: url = fetch "/" name. */
static char *
fetch_of(const struct repo_spec *r)
{
	size_t u = strlen(r->url), n = strlen(r->name);
	char *plain, *f;

	f = xstrndup(r->url, u > n ? u - n - 1 : u);
	plain = url_strip_secrets(f);
	free(f);
	return plain;
}

void
freeze_repo_begin(struct buf *b, const struct manifest *m,
    const char *comment)
{
	size_t i, k;
	const char *c;
	char *fetch;

	buf_addstr(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (comment != NULL) {
		/* "--" may not appear inside an XML comment */
		buf_addstr(b, "<!-- ");
		for (c = comment; *c; c++)
			buf_addch(b, c[0] == '-' && c[1] == '-' ? '_' : *c);
		buf_addstr(b, " -->\n");
	}
	buf_addstr(b, "<manifest>\n");
	for (i = 0; i < m->nrepos; i++) {
		if (m->repos[i].remote == NULL)
			continue;
		for (k = 0; k < i; k++)
			if (m->repos[k].remote != NULL &&
			    strcmp(m->repos[k].remote, m->repos[i].remote) == 0)
				break;
		if (k < i)
			continue;
		fetch = fetch_of(&m->repos[i]);
		buf_addstr(b, "  <remote");
		attr(b, "name", m->repos[i].remote);
		attr(b, "fetch", fetch);
		buf_addstr(b, "/>\n");
		free(fetch);
	}
	if (m->sync_jobs > 0)
		buf_addf(b, "  <default sync-j=\"%u\"/>\n", m->sync_jobs);
}

static bool
implicit(const char *g)
{
	return strcmp(g, "all") == 0 || strcmp(g, "default") == 0 ||
	    strncmp(g, "name:", 5) == 0 || strncmp(g, "path:", 5) == 0;
}

/* The revision as repo writes it. */
static char *
revision(const struct repo_spec *r)
{
	switch (r->ref_kind) {
	case REF_BRANCH:
		return xasprintf("refs/heads/%s", r->ref);
	case REF_TAG:
		return xasprintf("refs/tags/%s", r->ref);
	case REF_DEFAULT:
		return NULL;
	default:
		return xstrdup(r->ref);
	}
}

static void
groups(struct buf *b, const struct repo_spec *r)
{
	struct buf g = BUF_INIT;
	size_t i;

	buf_init(&g);
	for (i = 0; i < r->ngroups; i++)
		if (!implicit(r->groups[i]))
			buf_addf(&g, "%s%s", g.len ? "," : "", r->groups[i]);
	if (g.len > 0)
		attr(b, "groups", g.data);
	buf_release(&g);
}

void
freeze_repo_project(struct buf *b, const struct repo_spec *r,
    const char *commit, const char *branch)
{
	char *rev, *up, *orig;
	size_t i;

	buf_addstr(b, "  <project");
	attr(b, "name", r->name);
	attr(b, "path", r->path);
	attr(b, "remote", r->remote);
	if (commit == NULL) {
		rev = revision(r);
		up = r->upstream ? xstrdup(r->upstream) : NULL;
	} else if (branch != NULL) {
		rev = xstrdup(branch);
		up = NULL;
	} else {
		/* repo manifest -r: upstream= where the commit came from */
		orig = revision(r);
		rev = xstrdup(commit);
		up = orig != NULL && r->ref_kind != REF_COMMIT ? orig : NULL;
		if (up == NULL) {
			free(orig);
			up = r->upstream ? xstrdup(r->upstream) : NULL;
		}
	}
	if (rev != NULL)
		attr(b, "revision", rev);
	if (up != NULL)
		attr(b, "upstream", up);
	if (r->depth > 0)
		buf_addf(b, " clone-depth=\"%d\"", r->depth);
	if (r->submodules)
		buf_addstr(b, " sync-s=\"true\"");
	groups(b, r);
	free(rev);
	free(up);
	if (r->ncopies == 0) {
		buf_addstr(b, "/>\n");
		return;
	}
	buf_addstr(b, ">\n");
	for (i = 0; i < r->ncopies; i++) {
		buf_addstr(b, r->copies[i].symlink ? "    <linkfile" :
		    "    <copyfile");
		attr(b, "src", r->copies[i].src);
		attr(b, "dest", r->copies[i].dest);
		buf_addstr(b, "/>\n");
	}
	buf_addstr(b, "  </project>\n");
}

void
freeze_repo_end(struct buf *b)
{
	buf_addstr(b, "</manifest>\n");
}

void
freeze_repo_write(struct buf *b, const struct manifest *m,
    const char *comment)
{
	size_t i;

	freeze_repo_begin(b, m, comment);
	for (i = 0; i < m->nrepos; i++)
		freeze_repo_project(b, &m->repos[i], NULL, NULL);
	freeze_repo_end(b);
}
