#include <stdlib.h>
#include <string.h>

#include "msg.h"

/*
 * No string may outgrow the frame that carries it (wire.h's WIRE_MAX is
 * 64 KiB; DONE carries three strings): longer ones are cut when written.
 */
#define STR_MAX	(16 * 1024)

/* --- HELLO -------------------------------------------------------------- */

/* Matched by hello_read. */
static void
hello_write(struct buf *b, const struct msg *m)
{
	buf_put_u32(b, m->u.hello.version);
	buf_put_u32(b, m->u.hello.pid);
}

/* Matched by hello_write.  Another version is another binary: refused. */
static void
hello_read(struct msg *m, struct buf_cursor *c)
{
	m->u.hello.version = buf_get_u32(c);
	m->u.hello.pid = buf_get_u32(c);
	if (m->u.hello.version != MSG_VERSION)
		c->bad = true;
}

/* --- JOB ---------------------------------------------------------------- */

/* Matched by job_read. */
static void
job_write(struct buf *b, const struct msg *m)
{
	const struct msg_job *j = &m->u.job;

	buf_put_str(b, j->url, STR_MAX);
	buf_put_str(b, j->dest, STR_MAX);
	buf_put_str(b, j->tmp, STR_MAX);
	buf_put_str(b, j->path, STR_MAX);
	buf_put_str(b, j->ref, STR_MAX);
	buf_put_str(b, j->placed, STR_MAX);
	buf_put_str(b, j->trash, STR_MAX);
	buf_put_str(b, j->outer, STR_MAX);
	buf_put_str(b, j->inner, STR_MAX);
	buf_put_u8(b, j->op);
	buf_put_u8(b, j->ref_kind);
	buf_put_u8(b, j->flags);
	buf_put_i32(b, j->depth);
	buf_put_u8(b, j->links);
	buf_put_str(b, j->imports, STR_MAX);
	buf_put_str(b, j->submodules, STR_MAX);
}

/* Matched by job_write. */
static void
job_read(struct msg *m, struct buf_cursor *c)
{
	struct msg_job *j = &m->u.job;

	j->url = buf_get_str(c);
	j->dest = buf_get_str(c);
	j->tmp = buf_get_str(c);
	j->path = buf_get_str(c);
	j->ref = buf_get_str(c);
	j->placed = buf_get_str(c);
	j->trash = buf_get_str(c);
	j->outer = buf_get_str(c);
	j->inner = buf_get_str(c);
	j->op = buf_get_u8(c);
	j->ref_kind = buf_get_u8(c);
	j->flags = buf_get_u8(c);
	j->depth = buf_get_i32(c);
	j->links = buf_get_u8(c);
	j->imports = buf_get_str(c);
	j->submodules = buf_get_str(c);
	if (j->op >= OP_MAX || (j->op == OP_RETIRE && j->trash == NULL))
		c->bad = true;
}

static void
job_free(struct msg *m)
{
	free(m->u.job.url);
	free(m->u.job.dest);
	free(m->u.job.tmp);
	free(m->u.job.path);
	free(m->u.job.ref);
	free(m->u.job.placed);
	free(m->u.job.trash);
	free(m->u.job.outer);
	free(m->u.job.inner);
	free(m->u.job.imports);
	free(m->u.job.submodules);
}

/* --- PHASE -------------------------------------------------------------- */

/* Matched by phase_read. */
static void
phase_write(struct buf *b, const struct msg *m)
{
	buf_put_u8(b, m->u.phase);
}

/* Matched by phase_write. */
static void
phase_read(struct msg *m, struct buf_cursor *c)
{
	m->u.phase = buf_get_u8(c);
	if (m->u.phase >= PHASE_MAX)
		c->bad = true;
}

/* --- PROGRESS ----------------------------------------------------------- */

/* Matched by progress_read. */
static void
progress_write(struct buf *b, const struct msg *m)
{
	const struct msg_progress *p = &m->u.progress;

	buf_put_u32(b, p->received_objects);
	buf_put_u32(b, p->indexed_objects);
	buf_put_u32(b, p->total_objects);
	buf_put_u32(b, p->indexed_deltas);
	buf_put_u32(b, p->total_deltas);
	buf_put_u64(b, p->received_bytes);
	buf_put_u64(b, p->pack_bytes);
	buf_put_u32(b, p->checkout_done);
	buf_put_u32(b, p->checkout_total);
}

/* Matched by progress_write. */
static void
progress_read(struct msg *m, struct buf_cursor *c)
{
	struct msg_progress *p = &m->u.progress;

	p->received_objects = buf_get_u32(c);
	p->indexed_objects = buf_get_u32(c);
	p->total_objects = buf_get_u32(c);
	p->indexed_deltas = buf_get_u32(c);
	p->total_deltas = buf_get_u32(c);
	p->received_bytes = buf_get_u64(c);
	p->pack_bytes = buf_get_u64(c);
	p->checkout_done = buf_get_u32(c);
	p->checkout_total = buf_get_u32(c);
}

/* --- LOG ---------------------------------------------------------------- */

/* Matched by log_read. */
static void
log_write(struct buf *b, const struct msg *m)
{
	buf_put_str(b, m->u.log.text, STR_MAX);
}

/* Matched by log_write. */
static void
log_read(struct msg *m, struct buf_cursor *c)
{
	m->u.log.text = buf_get_str(c);
}

static void
log_free(struct msg *m)
{
	free(m->u.log.text);
}

/* --- DONE --------------------------------------------------------------- */

/* Matched by done_read. */
static void
done_write(struct buf *b, const struct msg *m)
{
	const struct job_result *d = &m->u.done;

	buf_put_u8(b, (uint8_t)d->outcome);
	buf_put_u8(b, (uint8_t)d->err_class);
	buf_put_u8(b, d->shallow);
	buf_put_u8(b, d->fetched);
	buf_put_u8(b, d->busy);
	buf_put_u8(b, d->branch_on_remote);
	buf_put_u8(b, (uint8_t)d->state);
	buf_put_i32(b, d->git_code);
	buf_put_i32(b, d->git_klass);
	buf_put_u32(b, d->ahead);
	buf_put_u32(b, d->behind);
	buf_put_u32(b, d->unpushed);
	buf_put_u32(b, d->dirty);
	buf_put_u32(b, d->untracked);
	buf_put_u32(b, d->retry_after_ms);
	buf_put_str(b, d->message, STR_MAX);
	buf_put_str(b, d->head[0] ? d->head : NULL, STR_MAX);
	buf_put_str(b, d->before[0] ? d->before : NULL, STR_MAX);
	buf_put_str(b, d->branch, STR_MAX);
	buf_put_str(b, d->from_branch, STR_MAX);
	buf_put_u32(b, d->commits);
	buf_put_str(b, d->where, STR_MAX);
	buf_put_str(b, d->placed, STR_MAX);
	buf_put_u64(b, d->bytes);
	buf_put_u64(b, d->objects);
	buf_put_u32(b, d->lfs_pointers);
}

/* Matched by done_write. */
static void
done_read(struct msg *m, struct buf_cursor *c)
{
	struct job_result *d = &m->u.done;

	d->outcome = buf_get_u8(c);
	d->err_class = buf_get_u8(c);
	d->shallow = buf_get_u8(c);
	d->fetched = buf_get_u8(c);
	d->busy = buf_get_u8(c);
	d->branch_on_remote = buf_get_u8(c);
	d->state = buf_get_u8(c);
	d->git_code = buf_get_i32(c);
	d->git_klass = buf_get_i32(c);
	d->ahead = buf_get_u32(c);
	d->behind = buf_get_u32(c);
	d->unpushed = buf_get_u32(c);
	d->dirty = buf_get_u32(c);
	d->untracked = buf_get_u32(c);
	d->retry_after_ms = buf_get_u32(c);
	d->message = buf_get_str(c);
	buf_get_fixed(c, d->head, sizeof(d->head));
	buf_get_fixed(c, d->before, sizeof(d->before));
	d->branch = buf_get_str(c);
	d->from_branch = buf_get_str(c);
	d->commits = buf_get_u32(c);
	d->where = buf_get_str(c);
	d->placed = buf_get_str(c);
	d->bytes = buf_get_u64(c);
	d->objects = buf_get_u64(c);
	d->lfs_pointers = buf_get_u32(c);
	if (d->outcome >= RESULT_MAX || d->state >= ES_MAX ||
	    d->err_class >= ERR_CLASS_MAX)
		c->bad = true;
}

static void
done_free(struct msg *m)
{
	result_release(&m->u.done);
}

/* --- FILE --------------------------------------------------------------- */

/* Matched by file_read. */
static void
file_write(struct buf *b, const struct msg *m)
{
	const struct msg_file *f = &m->u.file;

	buf_put_str(b, f->commit, STR_MAX);
	buf_put_str(b, f->path, STR_MAX);
	buf_put_str(b, f->data, STR_MAX);
	buf_put_u8(b, f->status);
	buf_put_u8(b, f->more);
}

/* Matched by file_write. */
static void
file_read(struct msg *m, struct buf_cursor *c)
{
	struct msg_file *f = &m->u.file;

	f->commit = buf_get_str(c);
	f->path = buf_get_str(c);
	f->data = buf_get_str(c);
	f->status = buf_get_u8(c);
	f->more = buf_get_u8(c);
	if (f->path == NULL || f->commit == NULL || strlen(f->commit) > 64 ||
	    f->status >= FILE_STATUS_MAX || f->more > 1 ||
	    (f->data != NULL && (strlen(f->data) > MSG_FILE_CHUNK ||
	    f->status != FILE_OK)))
		c->bad = true;
}

static void
file_free(struct msg *m)
{
	free(m->u.file.commit);
	free(m->u.file.path);
	free(m->u.file.data);
}

/* --- the schema --------------------------------------------------------- */

static const struct {
	const char	*name;
	void		(*write)(struct buf *, const struct msg *);
	void		(*read)(struct msg *, struct buf_cursor *);
	void		(*free)(struct msg *);	/* NULL: nothing owned */
} schema[MSG_TYPE_MAX] = {
	[MSG_HELLO] =	 { "hello", hello_write, hello_read, NULL },
	[MSG_JOB] =	 { "job", job_write, job_read, job_free },
	[MSG_PHASE] =	 { "phase", phase_write, phase_read, NULL },
	[MSG_PROGRESS] = { "progress", progress_write, progress_read, NULL },
	[MSG_LOG] =	 { "log", log_write, log_read, log_free },
	[MSG_DONE] =	 { "done", done_write, done_read, done_free },
	[MSG_FILE] =	 { "file", file_write, file_read, file_free },
};

static bool
known(uint16_t type)
{
	return type > 0 && type < MSG_TYPE_MAX;
}

const char *
msg_type_name(uint16_t type)
{
	return known(type) ? schema[type].name : "unknown";
}

void
msg_encode(struct buf *b, const struct msg *m)
{
	if (known(m->type))
		schema[m->type].write(b, m);
}

int
msg_decode(struct msg *m, struct buf_cursor *c)
{
	if (!known(m->type))
		return -1;
	schema[m->type].read(m, c);
	if (!buf_cursor_done(c)) {
		msg_release(m);
		return -1;
	}
	return 0;
}

void
msg_release(struct msg *m)
{
	if (m == NULL)
		return;
	if (known(m->type) && schema[m->type].free != NULL)
		schema[m->type].free(m);
	memset(m, 0, sizeof(*m));
}
