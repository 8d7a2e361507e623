#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freeze.h"
#include "freeze_west.h"
#include "freeze_repo.h"
#include "sanitize.h"
#include "url.h"
#include "yamltree.h"

static void
groups(struct buf *b, const struct repo_spec *r, const char *indent)
{
	size_t i;

	if (r->ngroups == 0)
		return;
	buf_addf(b, "%sgroups: [", indent);
	for (i = 0; i < r->ngroups; i++) {
		if (i > 0)
			buf_addstr(b, ", ");
		yaml_quote(b, r->groups[i]);
	}
	buf_addstr(b, "]\n");
}

/*
 * --branches, on a branch: a lock file naming it is only as good as
 * origin's copy of it; local commits on it are not in the lock file.
 */
static int
check_branch(const struct job *j, struct buf *warnings)
{
	const struct job_result *r = &j->result;

	if (!r->branch_on_remote) {
		buf_addf(warnings, "githerd: freeze: %s: branch ", j->spec->path);
		sanitize_str(warnings, r->branch);
		buf_addstr(warnings, " is not on origin (no remote-tracking "
		    "branch of that name): a sync of the lock file elsewhere "
		    "cannot check it out\n");
		return 1;
	}
	if (r->unpushed > 0) {
		buf_addf(warnings, "warning: %s: %u commit%s on branch ",
		    j->spec->path, r->unpushed, r->unpushed == 1 ? "" : "s");
		sanitize_str(warnings, r->branch);
		buf_addf(warnings, " %s on no remote-tracking branch: the lock "
		    "file names the branch, not %s\n", r->unpushed == 1 ?
		    "is" : "are", r->unpushed == 1 ? "it" : "them");
	}
	return 0;
}

/*
 * Why an entry cannot be pinned, or what the pin does not capture: 0
 * pinned, 1 pinned to what exists only here, -1 unpinned, -2 unpinned
 * for its type.
 */
static int
check(const struct job *j, bool branches, struct buf *warnings)
{
	const char *path = j->spec->path;
	bool unusable = j->state != JOB_CHECKED ||
	    j->result.state == ES_MISSING || j->result.state == ES_NOT_REPO ||
	    j->result.state == ES_WRONG_ORIGIN || j->result.state == ES_BROKEN;

	if (j->state == JOB_UNSUPPORTED) {
		buf_addf(warnings, "githerd: freeze: %s: unsupported (type ",
		    path);
		sanitize_str(warnings, j->spec->vcs_type);
		buf_addstr(warnings, "): kept as written, unpinned\n");
		return -2;
	}
	if (unusable || (!j->spec->mirror && j->result.head[0] == '\0')) {
		buf_addf(warnings, "githerd: freeze: %s: ", path);
		sanitize_str(warnings, j->result.message ? j->result.message : "no commit");
		buf_addstr(warnings, "; kept unpinned\n");
		return -1;
	}
	if (j->spec->mirror)
		return 0;	/* a mirror takes every ref: nothing to pin */
	if (j->result.dirty > 0)
		buf_addf(warnings, "warning: %s: %u changed or untracked file%s "
		    "are not in the lock file\n", path, j->result.dirty,
		    j->result.dirty == 1 ? "" : "s");
	if (branches && j->result.branch != NULL)
		return check_branch(j, warnings);
	if (j->result.unpushed > 0) {
		buf_addf(warnings, "githerd: freeze: %s: %.12s is on no "
		    "remote-tracking branch (%u commit%s only here): a sync of "
		    "the lock file elsewhere cannot fetch it\n", path,
		    j->result.head, j->result.unpushed,
		    j->result.unpushed == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

/* A lock file is shared and committed: never with credentials in it. */
static void
quote_url(struct buf *b, const char *url)
{
	char *plain = url_strip_secrets(url);

	yaml_quote(b, plain);
	free(plain);
}

/*
 * What an entry is pinned to: with --branches the branch it is on
 * (NULL when detached, or not pinned), else its commit.
 */
struct pin {
	bool		 pinned;
	const char	*branch;
};

static void
githerd_entry(struct buf *b, const struct job *j, struct pin pin)
{
	const struct repo_spec *r = j->spec;

	buf_addstr(b, "  - url: ");
	quote_url(b, r->url);
	buf_addstr(b, "\n    path: ");
	yaml_quote(b, r->path);
	buf_addch(b, '\n');
	if (pin.pinned && !r->mirror && pin.branch != NULL) {
		buf_addstr(b, "    branch: ");
		yaml_quote(b, pin.branch);
		buf_addch(b, '\n');
	} else if (pin.pinned && !r->mirror)
		buf_addf(b, "    commit: \"%s\"\n", j->result.head);
	else if (r->ref != NULL && r->ref_kind != REF_VERSION) {
		buf_addf(b, "    %s: ", ref_kind_name(r->ref_kind));
		yaml_quote(b, r->ref);
		buf_addch(b, '\n');
	}
	if (r->depth > 0)
		buf_addf(b, "    depth: %d\n", r->depth);
	if (r->submodules)
		buf_addstr(b, "    submodules: true\n");
	if (r->mirror)
		buf_addstr(b, "    mirror: true\n");
	else if (r->bare)
		buf_addstr(b, "    bare: true\n");
	groups(b, r, "    ");
	if (r->size_hint > 0)
		buf_addf(b, "    size_hint: %llu\n",
		    (unsigned long long)r->size_hint);
}

static void
vcstool_entry(struct buf *b, const struct job *j, struct pin pin)
{
	const struct repo_spec *r = j->spec;

	buf_addstr(b, "  ");
	yaml_quote(b, r->path);
	buf_addstr(b, ":\n    type: ");
	if (r->vcs_type != NULL)
		yaml_quote(b, r->vcs_type);
	else
		buf_addstr(b, "git");
	buf_addstr(b, "\n    url: ");
	quote_url(b, r->url);
	buf_addch(b, '\n');
	if (pin.pinned) {
		buf_addstr(b, "    version: ");
		yaml_quote(b, pin.branch != NULL ? pin.branch : j->result.head);
		buf_addch(b, '\n');
	} else if (r->ref != NULL) {
		buf_addstr(b, "    version: ");
		yaml_quote(b, r->ref);
		buf_addch(b, '\n');
	}
}

/*
 * 0 when every entry is pinned to a commit (or branch) its remote has;
 * -1 when some were kept as they were; 1 when some pins exist only here.
 */
int
freeze_write(struct buf *out, const struct manifest *m, const char *named,
    const struct queue *q, bool branches, bool ignore_unsupported,
    struct buf *warnings)
{
	const struct job *j;
	struct pin pin;
	struct buf head = BUF_INIT;
	size_t i;
	int rc = 0, k;

	buf_init(&head);
	buf_addstr(&head, "githerd freeze of ");
	sanitize_str(&head, named != NULL ? named : m->file);
	buf_addstr(&head, branches ? ": every entry at the branch that was "
	    "checked out (detached: its commit)" : ": every entry at the "
	    "commit that was checked out");
	if (m->format == MANIFEST_REPO)
		freeze_repo_begin(out, m, head.data);
	else
		buf_addf(out, "# %s\n", head.data);
	buf_release(&head);
	if (m->format == MANIFEST_GITHERD && m->nhosts > 0) {
		buf_addstr(out, "hosts:\n");
		for (i = 0; i < m->nhosts; i++) {
			buf_addstr(out, "  ");
			yaml_quote(out, m->hosts[i].host);
			buf_addf(out, ":\n    jobs: %u\n", m->hosts[i].jobs);
		}
	}
	if (m->format == MANIFEST_WEST)
		buf_addstr(out, "manifest:\n  projects:\n");
	else if (m->format != MANIFEST_REPO)
		buf_addstr(out, m->format == MANIFEST_VCSTOOL ?
		    "repositories:\n" : "repos:\n");
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		k = check(j, branches, warnings);
		pin.pinned = k >= 0;
		pin.branch = branches ? j->result.branch : NULL;
		if (k == -1 || (k == -2 && !ignore_unsupported))
			rc = -1;
		else if (k == 1 && rc == 0)
			rc = 1;
		if (m->format == MANIFEST_WEST)
			freeze_west_entry(out, j, pin.pinned ? (pin.branch ?
			    pin.branch : j->result.head) : NULL);
		else if (m->format == MANIFEST_REPO)
			freeze_repo_project(out, j->spec, pin.pinned ?
			    j->result.head : NULL, pin.branch);
		else if (m->format == MANIFEST_VCSTOOL)
			vcstool_entry(out, j, pin);
		else
			githerd_entry(out, j, pin);
	}
	if (m->format == MANIFEST_WEST)
		freeze_west_filter(out, m);
	if (m->format == MANIFEST_REPO)
		freeze_repo_end(out);
	return rc;
}
