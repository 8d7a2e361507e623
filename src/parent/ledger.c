#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "ledger.h"
#include "path.h"
#include "xmalloc.h"

/*
 * The file: a header line, then one line per entry,
 *	CREATED <TAB> PLACED <TAB> SPEC <TAB> PATH
 * CREATED is 0 or 1, PLACED "-" when unknown.  Neither ref names nor
 * paths can hold a tab or a newline.
 */
#define HEADER	"# githerd entries 1: created placed spec path\n"

void
ledger_init(struct ledger *l)
{
	memset(l, 0, sizeof(*l));
}

static void
entry_release(struct ledger_entry *e)
{
	free(e->path);
	free(e->spec);
	free(e->placed);
}

void
ledger_release(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		entry_release(&l->v[i]);
	free(l->v);
	ledger_init(l);
}

/* Where path is, or would go: the index of the first entry not before it. */
static size_t
slot(const struct ledger *l, const char *path, bool *found)
{
	size_t lo = 0, hi = l->n, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(path, l->v[mid].path)) == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct ledger_entry *
ledger_find(const struct ledger *l, const char *path)
{
	bool found;
	size_t i = slot(l, path, &found);

	return found ? &l->v[i] : NULL;
}

void
ledger_note(struct ledger *l, const char *path, const char *spec,
    const char *placed, bool created)
{
	struct ledger_entry *e;
	bool found;
	size_t i = slot(l, path, &found);

	if (!found) {
		XGROW(l->v, l->n + 1, l->cap);
		memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*l->v));
		l->n++;
		e = &l->v[i];
		memset(e, 0, sizeof(*e));
		e->path = xstrdup(path);
		e->spec = xstrdup(spec);
	}
	e = &l->v[i];
	e->created = e->created || created;
	if (placed != NULL) {
		free(e->placed);
		free(e->spec);
		e->placed = xstrdup(placed);
		e->spec = xstrdup(spec);
	}
}

void
ledger_forget(struct ledger *l, const char *path)
{
	bool found;
	size_t i = slot(l, path, &found);

	if (!found)
		return;
	entry_release(&l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
	l->n--;
}

static bool
placed_ok(const char *s, size_t len)
{
	if (len == 40 && strspn(s, "0123456789abcdef") >= 40)
		return true;
	return len > 11 && strncmp(s, "refs/heads/", 11) == 0;
}

bool
ledger_placed_valid(const char *s)
{
	size_t len = strlen(s);

	return len <= PATH_MAX_LEN && placed_ok(s, len) &&
	    strpbrk(s, "\t\n\r") == NULL;
}

/* One tab-ended field of a line: its start and length, or NULL. */
static const char *
field(const char *p, const char *eol, size_t *len)
{
	const char *tab = memchr(p, '\t', (size_t)(eol - p));

	if (tab == NULL || tab == p)
		return NULL;
	*len = (size_t)(tab - p);
	return tab + 1;
}

int
ledger_parse(struct ledger *l, const char *text, size_t len, char *warn,
    size_t warnlen)
{
	const char *p = text, *end = text + len, *eol, *q, *placed, *spec;
	size_t clen, plen, slen;
	char err[256], *path, *pl, *sp;
	unsigned line = 1;

	if (len < strlen(HEADER) || memcmp(text, HEADER, strlen(HEADER)) != 0) {
		snprintf(warn, warnlen, "line 1: not a githerd entries file");
		return -1;
	}
	for (p += strlen(HEADER); p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((placed = field(p, eol, &clen)) == NULL || clen != 1 ||
		    (*p != '0' && *p != '1') ||
		    (spec = field(placed, eol, &plen)) == NULL ||
		    (q = field(spec, eol, &slen)) == NULL || q == eol ||
		    (size_t)(eol - q) > PATH_MAX_LEN ||
		    memchr(q, '\t', (size_t)(eol - q)) != NULL ||
		    (!(plen == 1 && *placed == '-') && !placed_ok(placed, plen)))
			goto bad;
		path = xstrndup(q, (size_t)(eol - q));
		pl = *placed == '-' && plen == 1 ? NULL : xstrndup(placed, plen);
		sp = xstrndup(spec, slen);
		if (path_check(path, err, sizeof(err)) == -1) {
			free(path);
			free(pl);
			free(sp);
			goto bad;
		}
		ledger_note(l, path, sp, pl, *p == '1');
		free(path);
		free(pl);
		free(sp);
	}
	return 0;
bad:
	snprintf(warn, warnlen, "line %u: not an entry", line);
	ledger_release(l);
	return -1;
}

int
ledger_load(struct ledger *l, const char *file, char *warn, size_t warnlen)
{
	struct buf b = BUF_INIT;
	int rc;

	ledger_init(l);
	buf_init(&b);
	rc = fs_read_state(file, LEDGER_MAX_BYTES, &b, warn, warnlen);
	if (rc == 1)
		rc = ledger_parse(l, b.data, b.len, warn, warnlen);
	buf_release(&b);
	return rc;
}

void
ledger_format(const struct ledger *l, struct buf *b)
{
	size_t i;

	buf_addstr(b, HEADER);
	for (i = 0; i < l->n; i++)
		buf_addf(b, "%d\t%s\t%s\t%s\n", l->v[i].created ? 1 : 0,
		    l->v[i].placed != NULL ? l->v[i].placed : "-",
		    l->v[i].spec, l->v[i].path);
}

int
ledger_save(const struct ledger *l, const char *file, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_init(&b);
	ledger_format(l, &b);
	rc = fs_save_state(file, &b, err, errlen);
	buf_release(&b);
	return rc;
}

char *
ledger_spec(const struct repo_spec *s)
{
	if (s->ref_kind == REF_DEFAULT || s->ref == NULL)
		return xstrdup("default");
	return xasprintf("%s:%s", ref_kind_name(s->ref_kind), s->ref);
}
