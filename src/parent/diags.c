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
	for (i = 0; i < d->n; i++) {
		free(d->v[i].msg);
		free(d->v[i].file);
	}
	free(d->v);
	free(d->file);
	diags_init(d);
}

static void
add_va(struct diags *d, const char *file, unsigned line, unsigned col,
    const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	buf_vaddf(&b, fmt, ap);
	XGROW(d->v, d->n + 1, d->cap);
	d->v[d->n].file = file ? xstrdup(file) : NULL;
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].msg = buf_detach(&b);
	d->n++;
}

void
diags_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_va(d, NULL, line, col, fmt, ap);
	va_end(ap);
}

void
diags_add_in(struct diags *d, const char *file, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_va(d, file, line, col, fmt, ap);
	va_end(ap);
}

/* Where a diag's file comes: the diags' own first, then as first named. */
static size_t
file_rank(const struct diags *d, const struct diag *x)
{
	size_t i, rank = 1;

	if (x->file == NULL)
		return 0;
	for (i = 0; i < d->n; i++) {
		if (d->v[i].file == NULL)
			continue;
		if (strcmp(d->v[i].file, x->file) == 0)
			return rank;
		rank++;
	}
	return rank;
}

struct ranked {
	size_t			 rank;
	const struct diag	*diag;
};

static int
diag_cmp(const void *a, const void *b)
{
	const struct ranked *rx = a, *ry = b;
	const struct diag *x = rx->diag, *y = ry->diag;

	if (rx->rank != ry->rank)
		return rx->rank < ry->rank ? -1 : 1;
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
	struct ranked *sorted;
	const struct diag *x;
	size_t i;

	buf_init(&b);
	if (d->n == 0)
		return buf_detach(&b);
	sorted = xreallocarray(NULL, d->n, sizeof(*sorted));
	for (i = 0; i < d->n; i++) {
		sorted[i].rank = file_rank(d, &d->v[i]);
		sorted[i].diag = &d->v[i];
	}
	qsort(sorted, d->n, sizeof(*sorted), diag_cmp);
	/* Messages quote the manifest, which may come from anyone. */
	for (i = 0; i < d->n; i++) {
		x = sorted[i].diag;
		sanitize_str(&b, x->file ? x->file : d->file ? d->file :
		    "<manifest>");
		if (x->line != 0)	/* else about the file as a whole */
			buf_addf(&b, ":%u:%u", x->line, x->col);
		buf_addstr(&b, ": ");
		sanitize_str(&b, x->msg);
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
