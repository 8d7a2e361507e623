#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diags.h"
#include "sanitize.h"
#include "xmalloc.h"

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
diags_release(struct diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	free(d->file);
	diags_init(d);
}

void
diags_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	XGROW(d->v, d->n + 1, d->cap);
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].msg = buf_detach(&b);
	d->n++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x < y ? -1 : x > y;
}

char *
diags_format(const struct diags *d)
{
	struct buf b = BUF_INIT;
	struct diag *sorted;
	size_t i;

	buf_init(&b);
	if (d->n == 0)
		return buf_detach(&b);
	sorted = xreallocarray(NULL, d->n, sizeof(*sorted));
	memcpy(sorted, d->v, d->n * sizeof(*sorted));
	qsort(sorted, d->n, sizeof(*sorted), diag_cmp);
	/* Messages quote the manifest, which may come from anyone. */
	for (i = 0; i < d->n; i++) {
		sanitize_str(&b, d->file ? d->file : "<manifest>");
		if (sorted[i].line != 0)	/* else about the file as a whole */
			buf_addf(&b, ":%u:%u", sorted[i].line, sorted[i].col);
		buf_addstr(&b, ": ");
		sanitize_str(&b, sorted[i].msg);
		buf_addch(&b, '\n');
	}
	free(sorted);
	return buf_detach(&b);
}

/* --- did you mean ------------------------------------------------------- */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]) || la >= 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev :
			    row[j - 1]) : (row[j] < row[j - 1] ? row[j] :
			    row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

const char *
diags_suggest(const char *word, const char *const *known)
{
	const char *best = NULL;
	size_t d, bestd = SIZE_MAX;

	for (; *known; known++) {
		d = edit_distance(word, *known);
		if (d < bestd) {
			bestd = d;
			best = *known;
		}
	}
	if (best == NULL || bestd > 2 || bestd >= strlen(best))
		return NULL;
	return best;
}
