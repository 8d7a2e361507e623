#include <stdlib.h>
#include <string.h>

#include "execresult.h"
#include "xmalloc.h"

const char *
execresult_state_name(enum exec_state s)
{
	static const char *const names[EXEC_STATE_MAX] = {
		[EXEC_PENDING] = "pending",
		[EXEC_RUNNING] = "running",
		[EXEC_OK] = "ok",
		[EXEC_FAILED] = "failed",
		[EXEC_TIMEOUT] = "timeout",
		[EXEC_NOT_RUN] = "not-run",
		[EXEC_CANCELLED] = "cancelled",
	};

	return (unsigned)s < EXEC_STATE_MAX ? names[s] : "?";
}

void
execresult_init(struct exec_run *r, const struct manifest *m)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->n = m->nrepos;
	r->e = xcalloc(r->n ? r->n : 1, sizeof(*r->e));
	for (i = 0; i < r->n; i++) {
		r->e[i].job.id = (unsigned)i;
		r->e[i].job.spec = &m->repos[i];
		result_init(&r->e[i].job.result);
		r->e[i].exit_code = -1;
		buf_init(&r->e[i].output);
	}
}

void
execresult_release(struct exec_run *r)
{
	size_t i;

	if (r == NULL || r->e == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->e[i].why);
		buf_release(&r->e[i].output);
		result_release(&r->e[i].job.result);
	}
	free(r->e);
	memset(r, 0, sizeof(*r));
}
