#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "importcache.h"
#include "xmalloc.h"

/*
 * On disk: a header line, then per set "set", its url, rev and commit,
 * and per file "file", its path, status and text; every field is
 * "<length>\n<bytes>\n", so no byte of a hostile file needs escaping.
 */
#define HEADER	"# githerd imports 1\n"

const struct import_set *
import_cache_find(const struct import_cache *c, const char *url,
    const char *rev)
{
	size_t i;

	if (c == NULL)
		return NULL;
	for (i = 0; i < c->nsets; i++)
		if (strcmp(c->sets[i].url, url) == 0 &&
		    strcmp(c->sets[i].rev, rev) == 0)
			return &c->sets[i];
	return NULL;
}

const struct import_file *
import_set_file(const struct import_set *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return &s->files[i];
	return NULL;
}

static struct import_file *
add_file(struct import_set *s, const char *path, enum file_status status)
{
	struct import_file *f;

	s->files = xreallocarray(s->files, s->nfiles + 1, sizeof(*s->files));
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->status = status;
	return f;
}

static void
append_text(struct import_file *f, const char *data, size_t n)
{
	f->text = xreallocarray(f->text, f->len + n + 1, 1);
	memcpy(f->text + f->len, data, n);
	f->len += n;
	f->text[f->len] = '\0';
}

int
import_set_take(struct import_set *s, const struct msg_file *m, char *err,
    size_t errlen)
{
	struct import_file *f;
	size_t n = m->data != NULL ? strlen(m->data) : 0;

	/* Printed and saved: an object id in hex, or the worker is broken. */
	if (m->commit[0] == '\0' || strspn(m->commit, "0123456789abcdef") !=
	    strlen(m->commit)) {
		snprintf(err, errlen, "a file read at no commit id");
		return -1;
	}
	if (s->commit == NULL)
		s->commit = xstrdup(m->commit);
	if (s->open) {
		f = &s->files[s->nfiles - 1];
		if (strcmp(f->path, m->path) != 0 || m->status != FILE_OK) {
			snprintf(err, errlen, "file %s cut short", f->path);
			return -1;
		}
	} else {
		if (s->nfiles >= MSG_FILE_MAX_FILES) {
			snprintf(err, errlen, "more than %d files",
			    MSG_FILE_MAX_FILES);
			return -1;
		}
		f = add_file(s, m->path, (enum file_status)m->status);
		if (m->status == FILE_OK)
			append_text(f, "", 0);
	}
	if (f->len + n > MSG_FILE_MAX_BYTES) {
		snprintf(err, errlen, "file %s is larger than %u MiB", f->path,
		    MSG_FILE_MAX_BYTES >> 20);
		return -1;
	}
	if (n > 0)
		append_text(f, m->data, n);
	s->open = m->more != 0;
	return 0;
}

void
import_set_release(struct import_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].text);
	}
	free(s->files);
	free(s->url);
	free(s->rev);
	free(s->commit);
	memset(s, 0, sizeof(*s));
}

void
import_cache_put(struct import_cache *c, const char *url, const char *rev,
    const struct import_set *s)
{
	struct import_set *to = (struct import_set *)import_cache_find(c, url,
	    rev);
	struct import_file *f;
	size_t i;

	if (to != NULL)
		import_set_release(to);
	else {
		c->sets = xreallocarray(c->sets, c->nsets + 1, sizeof(*c->sets));
		to = &c->sets[c->nsets++];
	}
	memset(to, 0, sizeof(*to));
	to->url = xstrdup(url);
	to->rev = xstrdup(rev);
	to->commit = s->commit != NULL ? xstrdup(s->commit) : NULL;
	for (i = 0; i < s->nfiles; i++) {
		f = add_file(to, s->files[i].path, s->files[i].status);
		if (s->files[i].text != NULL)
			append_text(f, s->files[i].text, s->files[i].len);
	}
}

void
import_cache_release(struct import_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsets; i++)
		import_set_release(&c->sets[i]);
	free(c->sets);
	memset(c, 0, sizeof(*c));
}

/* --- on disk ------------------------------------------------------------- */

static void
put_field(struct buf *b, const char *s, size_t n)
{
	buf_addf(b, "%zu\n", n);
	buf_add(b, s, n);
	buf_addch(b, '\n');
}

static void
put_str(struct buf *b, const char *s)
{
	put_field(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

int
import_cache_save(const struct import_cache *c, const char *file, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;
	const struct import_set *s;
	const struct import_file *f;
	size_t i, k;
	int rc;

	buf_init(&b);
	buf_addstr(&b, HEADER);
	for (i = 0; i < c->nsets; i++) {
		s = &c->sets[i];
		put_str(&b, "set");
		put_str(&b, s->url);
		put_str(&b, s->rev);
		put_str(&b, s->commit);
		for (k = 0; k < s->nfiles; k++) {
			f = &s->files[k];
			put_str(&b, "file");
			put_str(&b, f->path);
			buf_addf(&b, "%d\n", (int)f->status);
			put_field(&b, f->text != NULL ? f->text : "", f->len);
		}
	}
	rc = fs_save_state(file, &b, err, errlen);
	buf_release(&b);
	return rc;
}

struct reader {
	const char	*p, *end;
	bool		 bad;
};

/*
 * The decimal number on the line at r->p, digits only, no larger than
 * max; -1 (and bad) otherwise.  Not sscanf: it would take a sign or
 * blanks, and glibc's measures the whole rest of the buffer each call
 * (a 64 MiB cache of small fields took hours to read).
 */
static int
get_number(struct reader *r, unsigned long long max, unsigned long long *v)
{
	const char *c = r->p;
	unsigned long long d;

	*v = 0;
	if (r->bad || c >= r->end || *c < '0' || *c > '9')
		goto bad;
	for (; c < r->end && *c >= '0' && *c <= '9'; c++) {
		d = (unsigned long long)(*c - '0');
		if (*v > max / 10 || *v * 10 > max - d || d > max)
			goto bad;
		*v = *v * 10 + d;
	}
	if (c >= r->end || *c != '\n')
		goto bad;
	r->p = c + 1;
	return 0;
bad:
	r->bad = true;
	return -1;
}

/* A field: its length, then its bytes; NULL (and bad) if malformed or
 * holding a NUL (every field is a C string once read). */
static char *
get_field(struct reader *r, size_t *lenp)
{
	unsigned long long n;
	char *s;

	if (get_number(r, (unsigned long long)(r->end - r->p), &n) == -1 ||
	    n >= (unsigned long long)(r->end - r->p) || r->p[n] != '\n' ||
	    memchr(r->p, '\0', (size_t)n) != NULL) {
		r->bad = true;
		return NULL;
	}
	s = xstrndup(r->p, (size_t)n);
	if (lenp != NULL)
		*lenp = (size_t)n;
	r->p += n + 1;
	return s;
}

static int
get_status(struct reader *r)
{
	unsigned long long v;

	if (get_number(r, FILE_STATUS_MAX - 1, &v) == -1)
		return FILE_MISSING;
	return (int)v;
}

static void
read_file_record(struct reader *r, struct import_set *s)
{
	char *path = get_field(r, NULL), *text;
	struct import_file *f;
	size_t len = 0;
	int status = get_status(r);

	text = get_field(r, &len);
	if (r->bad || path == NULL || text == NULL) {
		r->bad = true;
		free(path);
		free(text);
		return;
	}
	f = add_file(s, path, (enum file_status)status);
	if (status == FILE_OK) {
		f->text = text;
		f->len = len;
	} else
		free(text);
	free(path);
}

int
import_cache_load(struct import_cache *c, const char *file, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;
	struct reader r;
	struct import_set *s = NULL;
	char *tag;
	int rc;

	memset(c, 0, sizeof(*c));
	buf_init(&b);
	rc = fs_read_state(file, IMPORT_CACHE_MAX_BYTES, &b, err, errlen);
	if (rc != 1) {
		buf_release(&b);
		return rc;
	}
	r.p = b.data;
	r.end = b.data + b.len;
	r.bad = strncmp(b.data, HEADER, strlen(HEADER)) != 0;
	if (!r.bad)
		r.p += strlen(HEADER);
	while (!r.bad && r.p < r.end) {
		tag = get_field(&r, NULL);
		if (tag != NULL && strcmp(tag, "set") == 0) {
			c->sets = xreallocarray(c->sets, c->nsets + 1,
			    sizeof(*c->sets));
			s = &c->sets[c->nsets++];
			memset(s, 0, sizeof(*s));
			s->url = get_field(&r, NULL);
			s->rev = get_field(&r, NULL);
			s->commit = get_field(&r, NULL);
		} else if (tag != NULL && strcmp(tag, "file") == 0 && s != NULL)
			read_file_record(&r, s);
		else
			r.bad = true;
		free(tag);
	}
	buf_release(&b);
	if (r.bad) {
		import_cache_release(c);
		snprintf(err, errlen, "%s is not githerd's import cache", file);
		errno = EINVAL;
		return -1;
	}
	return 0;
}
