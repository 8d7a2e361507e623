#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "history.h"
#include "path.h"
#include "url.h"
#include "xmalloc.h"

/*
 * The file: a header line, then one line per entry,
 *	CLONE_MS <TAB> CLONE_BYTES <TAB> UPDATE_MS <TAB> PATH
 * with -1 for what was never measured.  Paths cannot hold tabs or
 * newlines (the manifest refuses control characters).
 */
#define HEADER	"# githerd history 1: clone_ms clone_bytes update_ms path\n"
#define URL_HEADER "# githerd timings 1: clone_ms clone_bytes update_ms url\n"
#define URL_MAX_LEN	8192

void
history_init(struct history *h)
{
	memset(h, 0, sizeof(*h));
	h->sorted = true;
}

void
history_init_urls(struct history *h)
{
	history_init(h);
	h->by_url = true;
}

char *
history_url_key(const char *url)
{
	char *redacted = url_redact(url), *key = url_normalize(redacted);

	free(redacted);
	return key;
}

void
history_release(struct history *h)
{
	size_t i;
	bool by_url = h->by_url;

	for (i = 0; i < h->n; i++)
		free(h->v[i].path);
	free(h->v);
	history_init(h);
	h->by_url = by_url;
}

static const char *
header_of(const struct history *h)
{
	return h->by_url ? URL_HEADER : HEADER;
}

/* A key read back: a path as the manifest allows it, or a printable URL. */
static int
key_check(const struct history *h, const char *key, char *err, size_t len)
{
	const unsigned char *p;

	if (!h->by_url)
		return path_check(key, err, len);
	for (p = (const unsigned char *)key; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -1;
	return p == (const unsigned char *)key ? -1 : 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct history_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* Equal paths keep the order they were noted in: the later wins. */
	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* Sort by path and fold duplicates, newer measurements over older ones. */
static void
compact(struct history *h)
{
	size_t i, out = 0;
	struct history_entry *e, *last;

	if (h->sorted)
		return;
	qsort(h->v, h->n, sizeof(*h->v), entry_cmp);
	for (i = 0; i < h->n; i++) {
		e = &h->v[i];
		last = out > 0 ? &h->v[out - 1] : NULL;
		if (last != NULL && strcmp(last->path, e->path) == 0) {
			if (e->clone_ms >= 0) {
				last->clone_ms = e->clone_ms;
				last->clone_bytes = e->clone_bytes;
			}
			if (e->update_ms >= 0)
				last->update_ms = e->update_ms;
			free(e->path);
			continue;
		}
		h->v[out++] = *e;
	}
	h->n = out;
	h->sorted = true;
}

static void
add(struct history *h, const char *path, size_t len, int64_t clone_ms,
    uint64_t bytes, int64_t update_ms)
{
	struct history_entry *e;

	XGROW(h->v, h->n + 1, h->cap);
	e = &h->v[h->n++];
	e->path = xstrndup(path, len);
	e->clone_ms = clone_ms;
	e->clone_bytes = bytes;
	e->update_ms = update_ms;
	h->sorted = false;
}

/* A number or -1, then a tab. */
static const char *
field(const char *p, const char *end, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || *p < '0' || *p > '9')
		return NULL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - 9) / 10)
			return NULL;
		v = v * 10 + (*p - '0');
	}
	if (p == end || *p != '\t' || (neg && v != 1))
		return NULL;
	*out = neg ? -1 : v;
	return p + 1;
}

int
history_parse(struct history *h, const char *text, size_t len, char *warn,
    size_t warnlen)
{
	const char *p = text, *end = text + len, *eol, *q, *header = header_of(h);
	int64_t clone_ms, bytes, update_ms;
	char err[256];
	unsigned line = 1;
	size_t max = h->by_url ? URL_MAX_LEN : PATH_MAX_LEN;

	if (len < strlen(header) || memcmp(text, header, strlen(header)) != 0) {
		snprintf(warn, warnlen, "line 1: not a githerd %s file",
		    h->by_url ? "timings" : "history");
		return -1;
	}
	for (p += strlen(header); p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((q = field(p, eol, &clone_ms)) == NULL ||
		    (q = field(q, eol, &bytes)) == NULL ||
		    (q = field(q, eol, &update_ms)) == NULL || q == eol ||
		    (size_t)(eol - q) > max)
			goto bad;
		add(h, q, (size_t)(eol - q), clone_ms, bytes < 0 ? 0 :
		    (uint64_t)bytes, update_ms);
		if (key_check(h, h->v[h->n - 1].path, err, sizeof(err)) == -1)
			goto bad;
	}
	compact(h);
	return 0;
bad:
	snprintf(warn, warnlen, "line %u: not a history entry", line);
	history_release(h);
	return -1;
}

static int
load(struct history *h, const char *file, char *warn, size_t warnlen)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_init(&b);
	rc = fs_read_state(file, HISTORY_MAX_BYTES, &b, warn, warnlen);
	if (rc == 1)
		rc = history_parse(h, b.data, b.len, warn, warnlen);
	buf_release(&b);
	return rc;
}

int
history_load(struct history *h, const char *file, char *warn, size_t warnlen)
{
	history_init(h);
	return load(h, file, warn, warnlen);
}

int
history_load_urls(struct history *h, const char *file, char *warn,
    size_t warnlen)
{
	history_init_urls(h);
	return load(h, file, warn, warnlen);
}

void
history_note(struct history *h, const char *path, bool clone, int64_t ms,
    uint64_t bytes)
{
	add(h, path, strlen(path), clone ? ms : -1, clone ? bytes : 0,
	    clone ? -1 : ms);
}

const struct history_entry *
history_find(struct history *h, const char *path)
{
	struct history_entry key;
	size_t lo = 0, hi, mid;
	int c;

	compact(h);
	key.path = (char *)path;
	hi = h->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key.path, h->v[mid].path);
		if (c == 0)
			return &h->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void
history_format(struct history *h, struct buf *b)
{
	size_t i;

	compact(h);
	buf_addstr(b, header_of(h));
	for (i = 0; i < h->n; i++)
		buf_addf(b, "%" PRId64 "\t%" PRIu64 "\t%" PRId64 "\t%s\n",
		    h->v[i].clone_ms, h->v[i].clone_bytes, h->v[i].update_ms,
		    h->v[i].path);
}

int
history_save(struct history *h, const char *file, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_init(&b);
	history_format(h, &b);
	rc = fs_save_state(file, &b, err, errlen);
	buf_release(&b);
	return rc;
}
