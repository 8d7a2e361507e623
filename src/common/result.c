#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "result.h"

void
result_init(struct job_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
result_release(struct job_result *r)
{
	if (r == NULL)
		return;
	free(r->message);
	free(r->where);
	free(r->placed);
	free(r->branch);
	free(r->from_branch);
	result_init(r);
}

void
result_move(struct job_result *to, struct job_result *from)
{
	result_release(to);
	*to = *from;
	from->message = NULL;
	from->where = NULL;
	from->placed = NULL;
	from->branch = NULL;
	from->from_branch = NULL;
	result_init(from);
}

static char *
format(const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_vaddf(&b, fmt, ap);
	if (b.len > RESULT_MESSAGE_MAX) {
		b.len = RESULT_MESSAGE_MAX;
		b.data[b.len] = '\0';
	}
	return buf_detach(&b);
}

void
result_vmessage(struct job_result *r, const char *fmt, va_list ap)
{
	free(r->message);
	r->message = format(fmt, ap);
}

void
result_message(struct job_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vmessage(r, fmt, ap);
	va_end(ap);
}

void
result_append(struct job_result *r, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	buf_init(&b);
	if (r->message != NULL && *r->message != '\0')
		buf_addf(&b, "%s; ", r->message);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	result_message(r, "%s", b.data);
	buf_release(&b);
}

void
result_where(struct job_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->where);
	r->where = format(fmt, ap);
	va_end(ap);
}
