#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "importrun.h"
#include "queue.h"
#include "sanitize.h"
#include "sig.h"
#include "westimport.h"
#include "xmalloc.h"

struct round {
	struct import_cache	*fresh;
	size_t			 failed;
};

/* The cache's key for an entry: the URL and revision it is synced at. */
static const char *
rev_key(const struct repo_spec *s)
{
	return s->ref != NULL ? s->ref : "";
}

static bool
fetched(enum job_state st)
{
	return st == JOB_CLONED || st == JOB_UPDATED || st == JOB_UNCHANGED ||
	    st == JOB_SKIPPED || st == JOB_KEPT;
}

static void
record_round(const struct queue *q, void *arg)
{
	struct round *r = arg;
	const struct job *j;
	size_t i;

	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		if (fetched(j->state) && j->imports.commit != NULL)
			import_cache_put(r->fresh, j->spec->url,
			    rev_key(j->spec), &j->imports);
		else
			r->failed++;
	}
}

/* One line per importing project: where its files were read, or why not. */
static void
finish_round(const struct queue *q, void *arg, struct buf *out,
    enum exit_code *code)
{
	const struct job *j;
	size_t i;

	(void)arg;
	for (i = 0; i < q->njobs; i++) {
		j = &q->jobs[i];
		buf_addstr(out, "githerd: imports: ");
		sanitize_str(out, j->spec->path);
		if (fetched(j->state) && j->imports.commit != NULL) {
			buf_addf(out, " read at %.7s (%s): %zu file%s\n",
			    j->imports.commit, job_state_name(j->state),
			    j->imports.nfiles, j->imports.nfiles == 1 ? "" :
			    "s");
			continue;
		}
		buf_addf(out, " %s: ", job_state_name(j->state));
		sanitize_str(out, j->result.message != NULL ?
		    j->result.message : "its files were not read");
		buf_addch(out, '\n');
	}
	if (*code == EXIT_SKIPPED)
		*code = EXIT_OK;
}

/* The importing projects a parse could not resolve, as a manifest. */
static void
needed(const struct manifest *full, struct manifest *sub, char ***imports)
{
	size_t i;

	manifest_init(sub);
	sub->format = full->format;
	sub->repos = xcalloc(full->nneeds, sizeof(*sub->repos));
	*imports = xcalloc(full->nneeds, sizeof(**imports));
	for (i = 0; i < full->nneeds; i++) {
		sub->repos[i] = full->repos[full->needs[i]];
		/* Its nesting belongs to the whole manifest, not this run. */
		sub->repos[i].outer = NULL;
		sub->repos[i].inner = NULL;
		(*imports)[i] = west_import_request(sub->repos[i].import);
	}
	sub->nrepos = full->nneeds;
}

/* One round: sync what sub names, reading the files; -1 on a signal. */
static int
run_round(struct command *c, const struct run_opts *base,
    const struct manifest *full, struct round *r, enum exit_code *code)
{
	struct manifest sub;
	struct run_opts o = *base;
	struct run_result res;
	char **imports;
	size_t i;

	if (command_run_setup(c, &o) == -1) {
		*code = EXIT_SYSTEM;
		return -1;
	}
	needed(full, &sub, &imports);
	o.imports = imports;
	o.json_file = NULL;
	o.trace_file = NULL;
	o.notes = NULL;
	o.order = NULL;
	o.hosts = NULL;
	o.expect_ms = NULL;
	o.expect_bytes = NULL;
	o.finish = finish_round;
	o.finish_arg = r;
	o.record = record_round;
	o.record_arg = r;
	sub.file = full->file;
	run_jobs(&sub, &o, &res);
	for (i = 0; i < sub.nrepos; i++)
		free(imports[i]);
	free(imports);
	free(sub.repos);	/* the specs are full's */
	if (res.signal != 0) {
		command_release(c);
		fflush(NULL);
		sig_raise(res.signal);
		*code = (enum exit_code)(128 + res.signal);
		return -1;
	}
	return 0;
}

int
importrun_resolve(struct command *c, const struct run_opts *base,
    enum exit_code *code)
{
	struct import_cache fresh;
	struct round r;
	struct manifest full;
	char *file, err[600];
	unsigned rounds;
	int rc = -1;

	if (c->m.format != MANIFEST_WEST)
		return 0;
	memset(&fresh, 0, sizeof(fresh));
	memset(&r, 0, sizeof(r));
	r.fresh = &fresh;
	*code = EXIT_FAILED;
	for (rounds = 0;; rounds++) {
		manifest_init(&full);
		if (command_parse(c, &full, &fresh) == -1) {
			*code = EXIT_USAGE;
			goto out;
		}
		if (full.nneeds == 0)
			break;
		if (rounds > WEST_IMPORT_MAX_DEPTH || r.failed > 0) {
			fprintf(stderr, "githerd: %s: %s\n", full.file,
			    r.failed > 0 ? "the imports of a project that "
			    "could not be synced are unknown; nothing else was "
			    "synced" : "imports nest deeper than githerd "
			    "follows");
			goto out;
		}
		if (run_round(c, base, &full, &r, code) == -1) {
			manifest_release(&full);
			import_cache_release(&fresh);
			return -1;
		}
		manifest_release(&full);
	}
	manifest_release(&full);
	if (rounds == 0) {
		/* Nothing imports: the manifest stands as it was read. */
		import_cache_release(&fresh);
		return 0;
	}
	file = xasprintf("%s/%s", c->ws.path, IMPORT_CACHE_FILE);
	if (import_cache_save(&fresh, file, err, sizeof(err)) == -1)
		fprintf(stderr, "githerd: warning: %s\n", err);
	free(file);
	import_cache_release(&c->saved_imports);
	c->saved_imports = fresh;
	memset(&fresh, 0, sizeof(fresh));
	rc = command_reselect(c, &c->saved_imports, code);
	return rc;
out:
	manifest_release(&full);
	import_cache_release(&fresh);
	return rc;
}
