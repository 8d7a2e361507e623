/*
 * ssh_config(5) for one host, evaluated as OpenSSH's readconf.c does it:
 * line by line, Host lines switching the blocks that follow on or off,
 * the first value obtained for a setting kept.  What githerd cannot
 * honour is refused with file:line, never dropped (sshconfig.h).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "sshconfig.h"
#include "sshkeyword.h"
#include "sshpattern.h"
#include "xmalloc.h"

#define MAX_FILE	(1 << 20)	/* bytes of one file */
#define MAX_LINE	4096
#define MAX_DEPTH	16		/* Include nesting, as OpenSSH's */
#define MAX_FILES	256		/* read for one host, all told */
#define MAX_ARGS	64
#define MAX_IDENTITIES	100		/* OpenSSH's SSH_MAX_IDENTITY_FILES */

enum activity {
	ACTIVE,		/* a Host line matched the host (or none yet) */
	INACTIVE,
	UNSURE,		/* a Match block: githerd cannot tell */
};

struct block {
	enum activity	 act;
	const char	*match_file;	/* UNSURE: where its Match line is */
	int		 match_line;
};

/* A value kept as written, expanded once the host's user is known. */
struct raw {
	char	*value;
	char	*where;		/* "file:line" */
};

struct reader {
	const struct sshconfig_query	*q;
	struct sshconfig_host		*out;
	const char			*home;
	const char			*include_dir;	/* of relative Includes */
	bool				 seen[SSHKEYWORD_MAX];
	char				*ignore_unknown;
	char				*cfg_user;
	int				 cfg_port;
	struct raw			*ids;
	size_t				 nids, capids;
	struct raw			*kh;		/* UserKnownHostsFile */
	size_t				 nkh, capkh;
	size_t				 files;
	char				*err;
	size_t				 errlen;
};

static int	read_file(struct reader *, const char *path, bool optional,
		    bool check_perm, int depth, enum activity,
		    const char *from_file, int from_line);

static int fail(struct reader *, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "file:line: what", or "file: what" for line 0; always -1. */
static int
fail(struct reader *r, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = line > 0 ? snprintf(r->err, r->errlen, "%s:%d: ", file, line) :
	    snprintf(r->err, r->errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= r->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
sshconfig_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/";
}

static const char *
local_user(const struct sshconfig_query *q)
{
	struct passwd *pw;

	if (q->local_user != NULL)
		return q->local_user;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "unknown";
}

/* --- one line ----------------------------------------------------------- */

/*
 * The keyword, then the arguments, in place: OpenSSH's strdelim and
 * argv_split.  Whitespace or one '=' ends the keyword; arguments take
 * double or single quotes and backslash escapes of a quote, a backslash
 * or (unquoted) a space; a '#' that starts an argument starts a comment.
 */
static const char *
split_line(char *s, char **kw, char **argv, int *argc)
{
	char *o, quote;

	*kw = NULL;
	*argc = 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == '#')
		return NULL;
	*kw = s;
	while (*s != '\0' && !isspace((unsigned char)*s) && *s != '=')
		s++;
	if (*s != '\0') {
		quote = *s;
		*s++ = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (quote != '=' && *s == '=')
			for (s++; isspace((unsigned char)*s); s++)
				;
	}
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			return NULL;
		if (*argc == MAX_ARGS)
			return "more than 64 arguments";
		argv[(*argc)++] = o = s;
		quote = 0;
		while (*s != '\0') {
			if (!quote && isspace((unsigned char)*s)) {
				s++;
				break;
			}
			if (*s == '\\' && (s[1] == '"' || s[1] == '\'' ||
			    s[1] == '\\' || (!quote && s[1] == ' '))) {
				*o++ = s[1];
				s += 2;
			} else if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s++;
			} else if (quote && *s == quote) {
				quote = 0;
				s++;
			} else
				*o++ = *s++;
		}
		if (quote)
			return "a quote is not closed";
		*o = '\0';
	}
}

static int
yes_no(struct reader *r, const char *file, int line, const char *kw,
    const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
		*out = false;
	else
		return fail(r, file, line, "%s wants yes or no, not '%.60s'",
		    kw, v);
	return 0;
}

static int
strictness(struct reader *r, const char *file, int line, const char *v)
{
	if (sshkeyword_one_of("yes,true,ask", v))
		r->out->strict = SSHCONFIG_STRICT_YES;
	else if (sshkeyword_one_of("accept-new,no,false,off", v))
		r->out->strict = SSHCONFIG_STRICT_ACCEPT_NEW;
	else
		return fail(r, file, line, "StrictHostKeyChecking wants yes, "
		    "accept-new, no or ask, not '%.60s'", v);
	return 0;
}

static int
port(struct reader *r, const char *file, int line, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 1 || n > 65535 ||
	    !isdigit((unsigned char)*v))
		return fail(r, file, line, "Port wants a number from 1 to "
		    "65535, not '%.60s'", v);
	r->cfg_port = (int)n;
	return 0;
}

/* A user name that goes into a URL as it is: nothing ssh or a URL reads. */
static int
user(struct reader *r, const char *file, int line, const char *v)
{
	const unsigned char *p;

	if (*v == '\0' || *v == '-')
		return fail(r, file, line, "User '%.60s' is not a user name",
		    v);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("@:/\\[]%", *p) != NULL)
			return fail(r, file, line, "User '%.60s': githerd "
			    "takes user names without spaces, controls, tokens or "
			    "any of @:/\\[]", v);
	r->cfg_user = xstrdup(v);
	return 0;
}

/* HostName: %h and %%, then a host name or an address, in lower case. */
static int
hostname(struct reader *r, const char *file, int line, const char *v)
{
	struct buf b = BUF_INIT;
	const char *p, *h;
	bool colon;
	int rc = -1;

	buf_init(&b);
	for (p = v; *p != '\0'; p++) {
		if (*p != '%') {
			buf_addch(&b, (char)tolower((unsigned char)*p));
			continue;
		}
		if (p[1] == 'h') {
			for (h = r->q->host; *h != '\0'; h++)
				buf_addch(&b, (char)tolower((unsigned char)*h));
		} else if (p[1] == '%')
			buf_addch(&b, '%');
		else {
			fail(r, file, line, "HostName '%.60s': only %%h and "
			    "%%%% are expanded there", v);
			goto out;
		}
		p++;
	}
	colon = strchr(b.data, ':') != NULL;
	if (b.len == 0 || b.data[0] == '-' || strspn(b.data, colon ?
	    "0123456789abcdef:." : "abcdefghijklmnopqrstuvwxyz0123456789.-_") !=
	    b.len) {
		fail(r, file, line, "HostName '%.60s' is not a host name or an "
		    "address", v);
		goto out;
	}
	free(r->out->hostname);
	r->out->hostname = buf_detach(&b);
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

static void
keep_raw(struct raw **v, size_t *n, size_t *cap, const char *value,
    const char *file, int line)
{
	XGROW(*v, *n + 1, *cap);
	(*v)[*n].value = xstrdup(value);
	(*v)[(*n)++].where = xasprintf("%s:%d", file, line);
}

/* ~, ~/x, ~user/x, else path itself; NULL for an unknown user. */
static char *
tilde(const char *home, const char *path)
{
	const char *slash;
	struct passwd *pw;
	char *name;

	if (path[0] != '~')
		return xstrdup(path);
	slash = path + 1 + strcspn(path + 1, "/");
	if (slash == path + 1)
		return xasprintf("%s%s", home, slash);
	name = xstrndup(path + 1, (size_t)(slash - path - 1));
	pw = getpwnam(name);
	free(name);
	if (pw == NULL || pw->pw_dir == NULL)
		return NULL;
	return xasprintf("%s%s", pw->pw_dir, slash);
}

/* Include: each argument a glob, relative ones under include_dir. */
static int
include(struct reader *r, const char *file, int line, char **argv, int argc,
    int depth)
{
	glob_t g;
	char *path, *t;
	size_t i;
	int a, rc;

	for (a = 0; a < argc; a++) {
		if ((t = tilde(r->home, argv[a])) == NULL)
			return fail(r, file, line, "Include %.200s: no such "
			    "user", argv[a]);
		path = t[0] == '/' ? t : xasprintf("%s/%s", r->include_dir, t);
		if (path != t)
			free(t);
		memset(&g, 0, sizeof(g));
		rc = glob(path, 0, NULL, &g);
		free(path);
		if (rc == GLOB_NOMATCH)
			continue;
		if (rc != 0) {
			globfree(&g);
			return fail(r, file, line, "Include %.200s: cannot "
			    "expand it", argv[a]);
		}
		for (i = 0; i < g.gl_pathc; i++)
			if (read_file(r, g.gl_pathv[i], true, true, depth + 1,
			    ACTIVE, file, line) == -1) {
				globfree(&g);
				return -1;
			}
		globfree(&g);
	}
	return 0;
}

static int
refused(struct reader *r, const char *file, int line,
    const struct sshkeyword *k, char **argv)
{
	if (sshkeyword_allows(k, argv[0]))
		return 0;
	return fail(r, file, line, "%s %.60s (host %.200s): not supported: %s",
	    k->name, argv[0], r->q->host, k->why);
}

/* The directive applies to the host: take it. */
static int
apply(struct reader *r, const char *file, int line, const struct sshkeyword *k,
    size_t ki, char **argv, int argc, int depth)
{
	bool single = k->kind != SSHKW_IDENTITYFILE && k->kind != SSHKW_INCLUDE;
	bool b = false;
	int a;

	if (single && r->seen[ki])
		return 0;	/* the first value obtained wins */
	r->seen[ki] = true;
	if (k->kind != SSHKW_INCLUDE && !r->out->applied) {
		r->out->applied = true;
		r->out->where = xasprintf("%s:%d", file, line);
	}
	switch (k->kind) {
	case SSHKW_INCLUDE:
		return include(r, file, line, argv, argc, depth);
	case SSHKW_HOSTNAME:
		return hostname(r, file, line, argv[0]);
	case SSHKW_USER:
		return user(r, file, line, argv[0]);
	case SSHKW_PORT:
		return port(r, file, line, argv[0]);
	case SSHKW_IDENTITYFILE:
		if (r->nids == MAX_IDENTITIES)
			return fail(r, file, line, "more than %d IdentityFile "
			    "directives for host %.200s", MAX_IDENTITIES,
			    r->q->host);
		keep_raw(&r->ids, &r->nids, &r->capids, argv[0], file, line);
		return 0;
	case SSHKW_IDENTITIESONLY:
		if (yes_no(r, file, line, k->name, argv[0], &b) == -1)
			return -1;
		r->out->identities_only = b;
		return 0;
	case SSHKW_KNOWNHOSTS:
		r->out->known_hosts_set = true;
		if (argc == 1 && strcasecmp(argv[0], "none") == 0)
			return 0;
		for (a = 0; a < argc; a++)
			keep_raw(&r->kh, &r->nkh, &r->capkh, argv[a], file,
			    line);
		return 0;
	case SSHKW_STRICT:
		return strictness(r, file, line, argv[0]);
	case SSHKW_AGENT:
		if (strcasecmp(argv[0], "none") == 0)
			r->out->no_agent = true;
		else if (strcmp(argv[0], "SSH_AUTH_SOCK") != 0)
			return fail(r, file, line, "IdentityAgent %.60s (host "
			    "%.200s): not supported: githerd uses the agent at "
			    "SSH_AUTH_SOCK or none", argv[0], r->q->host);
		return 0;
	case SSHKW_IGNOREUNKNOWN:
		r->ignore_unknown = xstrdup(argv[0]);
		return 0;
	default:
		return refused(r, file, line, k, argv);
	}
}

/* How many arguments each used keyword takes; -1 with err when wrong. */
static int
check_args(struct reader *r, const char *file, int line,
    const struct sshkeyword *k, int argc)
{
	bool many = k->kind == SSHKW_HOST || k->kind == SSHKW_MATCH ||
	    k->kind == SSHKW_INCLUDE || k->kind == SSHKW_KNOWNHOSTS ||
	    k->kind == SSHKW_REFUSED || k->kind == SSHKW_ALGORITHMS;

	if (k->kind == SSHKW_IGNORED)
		return 0;
	if (argc == 0)
		return fail(r, file, line, "%s needs a value", k->name);
	if (!many && argc > 1)
		return fail(r, file, line, "%s takes one value", k->name);
	return 0;
}

static int
line_in_match(struct reader *r, const char *file, int line,
    const struct sshkeyword *k, size_t ki, const struct block *b)
{
	bool single = k != NULL && k->kind != SSHKW_IDENTITYFILE &&
	    k->kind != SSHKW_INCLUDE;

	if (k != NULL && (k->kind == SSHKW_IGNORED || (single && r->seen[ki])))
		return 0;	/* could change nothing */
	return fail(r, file, line, "%s, in the Match block of %s:%d, could "
	    "apply to host %.200s: githerd does not evaluate Match", k ?
	    k->name : "an unknown directive", b->match_file, b->match_line,
	    r->q->host);
}

static int
process_line(struct reader *r, const char *file, int line, char *text,
    struct block *b, int depth)
{
	char *kw, *argv[MAX_ARGS];
	const struct sshkeyword *k;
	const char *why;
	size_t ki = 0;
	int argc;

	if ((why = split_line(text, &kw, argv, &argc)) != NULL)
		return fail(r, file, line, "%s", why);
	if (kw == NULL)
		return 0;
	if (*kw == '\0')
		return fail(r, file, line, "a line without a keyword");
	k = sshkeyword_find(kw, &ki);
	if (k != NULL && check_args(r, file, line, k, argc) == -1)
		return -1;
	if (k != NULL && k->kind == SSHKW_HOST) {
		b->act = sshpattern_match_any((const char *const *)argv,
		    (size_t)argc, r->q->host) ? ACTIVE : INACTIVE;
		return 0;
	}
	if (k != NULL && k->kind == SSHKW_MATCH) {
		b->act = argc == 1 && strcasecmp(argv[0], "all") == 0 ? ACTIVE :
		    UNSURE;
		b->match_file = file;
		b->match_line = line;
		return 0;
	}
	if (b->act == INACTIVE)
		return 0;
	if (k == NULL && r->ignore_unknown != NULL &&
	    sshpattern_match_list(r->ignore_unknown, kw))
		return 0;
	if (b->act == UNSURE)
		return line_in_match(r, file, line, k, ki, b);
	if (k == NULL)
		return fail(r, file, line, "%.60s (host %.200s): githerd does "
		    "not know this directive (IgnoreUnknown can name it)", kw,
		    r->q->host);
	if (k->kind == SSHKW_IGNORED)
		return 0;
	return apply(r, file, line, k, ki, argv, argc, depth);
}

/* --- files -------------------------------------------------------------- */

/* Like ssh: a file another user could change is not read at all. */
static int
check_owner(struct reader *r, const char *path, const struct stat *st)
{
	if ((st->st_uid != 0 && st->st_uid != getuid()) ||
	    (st->st_mode & 022) != 0)
		return fail(r, path, 0, "bad owner or permissions: another "
		    "user could change it (ssh refuses it too)");
	return 0;
}

static int
load(struct reader *r, const char *path, bool optional, bool check_perm,
    struct buf *text)
{
	struct stat st;
	int fd, rc = -1;

	/* Non-blocking: a FIFO in its place must not hang the worker. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		if (optional && errno == ENOENT)
			return 1;
		return fail(r, path, 0, "%s", strerror(errno));
	}
	if (fstat(fd, &st) == -1)
		fail(r, path, 0, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		fail(r, path, 0, "not a regular file");
	else if (check_perm && check_owner(r, path, &st) == -1)
		;
	else if (fs_read_fd(fd, MAX_FILE, text) == -1)
		fail(r, path, 0, "%s", errno == EFBIG ?
		    "larger than 1 MiB: not an ssh configuration" :
		    strerror(errno));
	else
		rc = 0;
	close(fd);
	return rc;
}

static int
read_file(struct reader *r, const char *path, bool optional, bool check_perm,
    int depth, enum activity act, const char *from_file, int from_line)
{
	struct block b = { act, NULL, 0 };
	struct buf text = BUF_INIT;
	char *p, *nl;
	const char *nul;
	int line = 0, rc;

	if (depth > MAX_DEPTH)
		return fail(r, from_file, from_line, "Include nested more than "
		    "%d deep (does a file include itself?)", MAX_DEPTH);
	if (++r->files > MAX_FILES)
		return fail(r, from_file, from_line, "more than %d files to "
		    "read", MAX_FILES);
	buf_init(&text);
	if ((rc = load(r, path, optional, check_perm, &text)) != 0) {
		buf_release(&text);
		return rc == 1 ? 0 : -1;
	}
	if ((nul = memchr(text.data, '\0', text.len)) != NULL) {
		for (p = text.data; p < nul; p++)
			line += *p == '\n';
		rc = fail(r, path, line + 1, "a NUL byte: not an ssh "
		    "configuration");
		goto out;
	}
	for (p = text.data; *p != '\0' && rc == 0; p = nl) {
		line++;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = p + strlen(p);
		if (strlen(p) > MAX_LINE)
			rc = fail(r, path, line, "longer than %d bytes",
			    MAX_LINE);
		else
			rc = process_line(r, path, line, p, &b, depth);
	}
out:
	buf_release(&text);
	return rc;
}

/* --- the host's values -------------------------------------------------- */

/* ~ first, then the % tokens (ssh's order), with the host's values. */
static char *
expand(struct reader *r, const struct raw *raw, const char *kw)
{
	const struct sshconfig_host *o = r->out;
	struct buf b = BUF_INIT;
	char *t, local[256];
	const char *p;

	if ((t = tilde(r->home, raw->value)) == NULL) {
		snprintf(r->err, r->errlen, "%s: %s %.200s: no such user",
		    raw->where, kw, raw->value);
		return NULL;
	}
	buf_init(&b);
	for (p = t; *p != '\0'; p++) {
		if (*p != '%') {
			buf_addch(&b, *p);
			continue;
		}
		switch (*++p) {
		case '%':
			buf_addch(&b, '%');
			break;
		case 'd':
			buf_addstr(&b, r->home);
			break;
		case 'h':
			buf_addstr(&b, o->hostname);
			break;
		case 'i':
			buf_addf(&b, "%lu", (unsigned long)getuid());
			break;
		case 'l':
			if (gethostname(local, sizeof(local)) == -1)
				local[0] = '\0';
			local[sizeof(local) - 1] = '\0';
			buf_addstr(&b, local);
			break;
		case 'n':
			buf_addstr(&b, o->alias);
			break;
		case 'p':
			buf_addf(&b, "%d", o->port);
			break;
		case 'r':
			buf_addstr(&b, o->user ? o->user : local_user(r->q));
			break;
		case 'u':
			buf_addstr(&b, local_user(r->q));
			break;
		default:
			snprintf(r->err, r->errlen, "%s: %s %.200s: githerd "
			    "expands ~, %%d, %%h, %%i, %%l, %%n, %%p, %%r, %%u "
			    "and %%%% only", raw->where, kw, raw->value);
			buf_release(&b);
			free(t);
			return NULL;
		}
	}
	free(t);
	return buf_detach(&b);
}

/* Each value expanded, once: ssh offers a key named twice only once. */
static int
expand_all(struct reader *r, const struct raw *raw, size_t n, const char *kw,
    char ***out, size_t *nout)
{
	size_t i, k;
	char *v;

	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		if ((v = expand(r, &raw[i], kw)) == NULL)
			return -1;
		for (k = 0; k < *nout && strcmp((*out)[k], v) != 0; k++)
			;
		if (k < *nout)
			free(v);
		else
			(*out)[(*nout)++] = v;
	}
	return 0;
}

static int
finish(struct reader *r)
{
	const struct sshconfig_query *q = r->q;
	struct sshconfig_host *o = r->out;
	char *p;

	if (o->hostname == NULL) {
		o->hostname = xstrdup(q->host);
		for (p = o->hostname; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	if (q->user != NULL && *q->user != '\0')
		o->user = xstrdup(q->user);
	else if (r->cfg_user != NULL)
		o->user = xstrdup(r->cfg_user);
	o->port = q->port > 0 ? q->port : r->cfg_port > 0 ? r->cfg_port : 22;
	if (expand_all(r, r->ids, r->nids, "IdentityFile", &o->identities,
	    &o->nidentities) == -1 ||
	    expand_all(r, r->kh, r->nkh, "UserKnownHostsFile", &o->known_hosts,
	    &o->nknown_hosts) == -1)
		return -1;
	return 0;
}

static void
free_raw(struct raw *v, size_t n)
{
	while (n > 0) {
		n--;
		free(v[n].value);
		free(v[n].where);
	}
	free(v);
}

/* The directory of the system's file: its relative Includes are there. */
static char *
dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash == NULL ? xstrdup(".") : slash == file ? xstrdup("/") :
	    xstrndup(file, (size_t)(slash - file));
}

static int
read_all(struct reader *r)
{
	const struct sshconfig_query *q = r->q;
	char *user_dir, *user_file, *sys_dir;
	const char *sys = q->system_file ? q->system_file :
	    SSHCONFIG_SYSTEM_FILE;
	int rc;

	user_dir = xasprintf("%s/.ssh", r->home);
	r->include_dir = user_dir;
	if (q->file != NULL) {
		rc = strcasecmp(q->file, "none") == 0 ? 0 :
		    read_file(r, q->file, false, false, 0, ACTIVE, q->file, 0);
		free(user_dir);
		return rc;
	}
	user_file = xasprintf("%s/config", user_dir);
	rc = read_file(r, user_file, true, true, 0, ACTIVE, user_file, 0);
	free(user_file);
	if (rc == 0) {
		/* After the user's, as ssh reads it: the user's values win. */
		r->include_dir = sys_dir = dir_of(sys);
		rc = read_file(r, sys, true, false, 0, ACTIVE, sys, 0);
		free(sys_dir);
	}
	free(user_dir);
	return rc;
}

int
sshconfig_resolve(const struct sshconfig_query *q, struct sshconfig_host *out,
    char *err, size_t errlen)
{
	struct reader r;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.q = q;
	r.out = out;
	r.home = q->home != NULL ? q->home : sshconfig_home();
	r.err = err;
	r.errlen = errlen;
	err[0] = '\0';
	out->alias = xstrdup(q->host);
	rc = read_all(&r);
	if (rc == 0)
		rc = finish(&r);
	free_raw(r.ids, r.nids);
	free_raw(r.kh, r.nkh);
	free(r.ignore_unknown);
	free(r.cfg_user);
	if (rc == -1)
		sshconfig_host_release(out);
	return rc;
}

void
sshconfig_host_release(struct sshconfig_host *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nidentities; i++)
		free(h->identities[i]);
	for (i = 0; i < h->nknown_hosts; i++)
		free(h->known_hosts[i]);
	free(h->identities);
	free(h->known_hosts);
	free(h->alias);
	free(h->hostname);
	free(h->user);
	free(h->where);
	memset(h, 0, sizeof(*h));
}
