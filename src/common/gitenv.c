/*
 * git's configuration environment (gitenv.h).  The rules are git's, as
 * git-config(1) documents them and git 2.39 behaves: the tests compare
 * with the git on the machine where they can.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gitenv.h"
#include "sanitize.h"
#include "xmalloc.h"

void
cfg_list_add(struct cfg_list *l, const char *name, const char *value)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].value = value != NULL ? xstrdup(value) : NULL;
	l->n++;
}

void
cfg_list_release(struct cfg_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* A key shown in a message: it is the user's, but may hold anything. */
static void
say_key(char *err, size_t errlen, const char *what, const char *key)
{
	struct buf b = BUF_INIT;

	buf_init(&b);
	sanitize_str(&b, key);
	snprintf(err, errlen, "%s: '%s'", what, b.data);
	buf_release(&b);
}

static bool
is_key_char(unsigned char c)
{
	return isalnum(c) || c == '-';
}

char *
gitenv_key(const char *key, char *err, size_t errlen)
{
	const char *first = strchr(key, '.'), *last = strrchr(key, '.');
	char *out;
	size_t i, n = strlen(key);

	if (n == 0) {
		snprintf(err, errlen, "empty config key");
		return NULL;
	}
	if (last == NULL || last == key) {
		say_key(err, errlen, "key does not contain a section", key);
		return NULL;
	}
	if (last[1] == '\0') {
		say_key(err, errlen, "key does not contain variable name", key);
		return NULL;
	}
	out = xstrdup(key);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		bool outer = key + i < first || key + i > last;

		if (outer && (!is_key_char(c) ||
		    (key + i == last + 1 && !isalpha(c))))
			goto bad;
		if (!outer && c == '\n')
			goto bad;
		if (outer)
			out[i] = (char)tolower(c);
	}
	return out;
bad:
	free(out);
	say_key(err, errlen, "invalid key", key);
	return NULL;
}

int
gitenv_bool(const char *v)
{
	char *end;
	long n;

	if (v == NULL)
		return 1;
	if (*v == '\0')
		return 0;
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0)
		return 1;
	if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "off") == 0)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0)
		return -1;
	return n != 0;
}

static int
add_pair(struct cfg_list *l, const char *key, const char *value, char *err,
    size_t errlen)
{
	char *name = gitenv_key(key, err, errlen);

	if (name == NULL)
		return -1;
	cfg_list_add(l, name, value);
	free(name);
	return 0;
}

/* git's white space: no \v or \f. */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * One single-quoted word at *p, unquoted into out: 'it'\''s' is "it's",
 * and so is '!' written '\!'.  *p is left after it.  -1 when the text
 * is not quoted so.
 */
static int
unquote(const char **p, struct buf *out)
{
	const char *s = *p;

	buf_reset(out);
	if (*s != '\'')
		return -1;
	for (s++;;) {
		if (*s == '\0')
			return -1;	/* unterminated */
		if (*s != '\'') {
			buf_addch(out, *s++);
			continue;
		}
		s++;			/* out of the quotes */
		if (s[0] == '\\' && (s[1] == '\'' || s[1] == '!') &&
		    s[2] == '\'') {
			buf_addch(out, s[1]);
			s += 3;		/* and back in */
			continue;
		}
		*p = s;
		return 0;
	}
}

/* The older form, 'key=value': the first '=' ends the key. */
static int
old_style(struct cfg_list *l, const char *text, char *err, size_t errlen)
{
	const char *eq = strchr(text, '=');
	char *key;
	int rc;

	if (eq == text || *text == '\0') {
		snprintf(err, errlen, "bogus config parameter in "
		    "GIT_CONFIG_PARAMETERS");
		return -1;
	}
	key = eq != NULL ? xstrndup(text, (size_t)(eq - text)) : xstrdup(text);
	rc = add_pair(l, key, eq != NULL ? eq + 1 : NULL, err, errlen);
	free(key);
	return rc;
}

static int
bogus(char *err, size_t errlen)
{
	snprintf(err, errlen, "bogus format in GIT_CONFIG_PARAMETERS");
	return -1;
}

int
gitenv_parameters(struct cfg_list *l, const char *text, char *err,
    size_t errlen)
{
	struct buf key = BUF_INIT, value = BUF_INIT;
	const char *p = text;
	int rc = -1;

	buf_init(&key);
	buf_init(&value);
	while (*p != '\0') {
		if (unquote(&p, &key) == -1) {
			bogus(err, errlen);
			goto out;
		}
		if (*p == '\0' || is_space(*p)) {
			if (old_style(l, key.data, err, errlen) == -1)
				goto out;
		} else if (*p == '=') {
			p++;
			if (*p == '\'') {
				if (unquote(&p, &value) == -1 ||
				    (*p != '\0' && !is_space(*p))) {
					bogus(err, errlen);
					goto out;
				}
				if (add_pair(l, key.data, value.data, err,
				    errlen) == -1)
					goto out;
			} else if (*p == '\0' || is_space(*p)) {
				/* 'key'= : the key alone, a boolean */
				if (add_pair(l, key.data, NULL, err,
				    errlen) == -1)
					goto out;
			} else {
				bogus(err, errlen);
				goto out;
			}
		} else {
			bogus(err, errlen);
			goto out;
		}
		while (is_space(*p))
			p++;
	}
	rc = 0;
out:
	buf_release(&key);
	buf_release(&value);
	return rc;
}

/* GIT_CONFIG_COUNT entries, GIT_CONFIG_KEY_<n> = GIT_CONFIG_VALUE_<n>. */
static int
counted(struct cfg_list *l, const char *count, char *err, size_t errlen)
{
	unsigned long n, i;
	const char *key, *value;
	char var[64];
	char *end;

	errno = 0;
	n = strtoul(count, &end, 10);
	if (*end != '\0') {
		snprintf(err, errlen, "bogus count in GIT_CONFIG_COUNT (not a "
		    "number)");
		return -1;
	}
	if (n > INT_MAX || errno == ERANGE) {
		snprintf(err, errlen, "too many entries in GIT_CONFIG_COUNT");
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(var, sizeof(var), "GIT_CONFIG_KEY_%lu", i);
		if ((key = getenv(var)) == NULL) {
			snprintf(err, errlen, "missing config key %s "
			    "(GIT_CONFIG_COUNT is %lu)", var, n);
			return -1;
		}
		snprintf(var, sizeof(var), "GIT_CONFIG_VALUE_%lu", i);
		if ((value = getenv(var)) == NULL) {
			snprintf(err, errlen, "missing config value %s "
			    "(GIT_CONFIG_COUNT is %lu)", var, n);
			return -1;
		}
		if (add_pair(l, key, value, err, errlen) == -1) {
			snprintf(var, sizeof(var), " (GIT_CONFIG_KEY_%lu)", i);
			if (strlen(err) + strlen(var) < errlen)
				strcat(err, var);
			return -1;
		}
	}
	return 0;
}

static char *
home_file(const char *rest)
{
	const char *home = getenv("HOME");

	return home != NULL ? xasprintf("%s/%s", home, rest) : NULL;
}

/* An empty name reads nothing, as git finds no file there. */
static char *
file_from(const char *v)
{
	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

static int
files(struct gitenv *e, char *err, size_t errlen)
{
	const char *v = getenv("GIT_CONFIG_NOSYSTEM"), *xdg;
	int nosystem = v != NULL ? gitenv_bool(v) : 0;

	if (nosystem == -1) {
		snprintf(err, errlen, "GIT_CONFIG_NOSYSTEM: bad boolean value "
		    "(true, false, yes, no, on, off or a number)");
		return -1;
	}
	if (!nosystem)
		e->system = (v = getenv("GIT_CONFIG_SYSTEM")) != NULL ?
		    file_from(v) : xstrdup(GITENV_SYSTEM_FILE);
	if ((v = getenv("GIT_CONFIG_GLOBAL")) != NULL) {
		e->global = file_from(v);	/* and no XDG file */
		return 0;
	}
	e->global = home_file(".gitconfig");
	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg != '\0')
		e->xdg = xasprintf("%s/git/config", xdg);
	else
		e->xdg = home_file(".config/git/config");
	return 0;
}

int
gitenv_read(struct gitenv *e, char *err, size_t errlen)
{
	const char *v;
	char why[400];

	memset(e, 0, sizeof(*e));
	err[0] = '\0';
	if (files(e, err, errlen) == -1)
		goto fail;
	if ((v = getenv("GIT_CONFIG_COUNT")) != NULL &&
	    counted(&e->cmdline, v, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		goto fail;
	}
	if ((v = getenv("GIT_CONFIG_PARAMETERS")) != NULL &&
	    gitenv_parameters(&e->cmdline, v, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		goto fail;
	}
	return 0;
fail:
	gitenv_release(e);
	return -1;
}

void
gitenv_release(struct gitenv *e)
{
	if (e == NULL)
		return;
	free(e->system);
	free(e->xdg);
	free(e->global);
	cfg_list_release(&e->cmdline);
	memset(e, 0, sizeof(*e));
}
