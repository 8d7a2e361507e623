/*
 * githerd's own plain TCP stream for libgit2 (git://, http://, and the
 * socket under https://), registered in each worker.  It behaves like
 * libgit2's socket stream, plus two things libgit2 cannot give us:
 *
 * - waits are sliced, so a cancelled job stops within a fraction of a
 *   second even while the server sends nothing;
 * - the status line and Retry-After of plain-HTTP responses are seen, so
 *   a 429 is retried when the server asked (over https the bytes are
 *   encrypted here, and the backoff decides);
 * - every server a connection goes to is known: libgit2 follows an HTTP
 *   redirect to another host on the first request (and 1.8.4 sends it
 *   the credentials of the URL, CVE-2026-53586), so a connection to any
 *   server but the job's and its proxy is refused, or with
 *   --follow-redirects remembered so that no credential goes there.
 *
 * libgit2's stream registry takes no payload: what a stream needs of its
 * job lives in this file's one struct, one worker process each.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/errors.h>
#include <git2/sys/stream.h>

#include "clock.h"
#include "netstream.h"
#include "xmalloc.h"

#define SLICE_MS	200	/* longest wait between looks at the cancel flag */
#define HEAD_MAX	8192	/* response headers kept for sniffing */

/*
 * What a stream must know of its job.  libgit2's stream registry takes a
 * constructor and no payload, so this cannot travel with the stream: it is
 * the worker's, set by netstream_* before each job (one job at a time, one
 * thread), and the only file-scope state of this file.
 */
static struct {
	volatile sig_atomic_t	*cancel_flag;
	/* This job's server, the proxy on the way, where a redirect went. */
	char			 server_host[256], server_port[16];
	char			 proxy_host[256], proxy_port[16];
	bool			 route_http;	/* plain http through the proxy */
	bool			 follow_offsite;
	char			 offsite[300];	/* "host:port", or "" */
	bool			 offsite_refused;
	int			 connect_timeout_ms;
	int			 io_timeout_ms;
	int			 last_retry_after_ms;
} ns = {
	.connect_timeout_ms = 30000,
	.io_timeout_ms = 120000,
};

struct netstream {
	git_stream	 parent;
	char		*host;
	char		*port;
	int		 fd;
	bool		 sniffing;	/* reading a response's headers */
	char		 head[HEAD_MAX];
	size_t		 headlen;
};

static bool
cancelled(void)
{
	return ns.cancel_flag != NULL && *ns.cancel_flag != 0;
}

/*
 * Wait for fd to become ready, in slices, for at most timeout_ms (0: no
 * limit).  1 ready, 0 timed out, -1 cancelled or error.
 */
static int
wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { fd, events, 0 };
	int64_t deadline = clock_ms() + timeout_ms, left;
	int n;

	for (;;) {
		if (cancelled()) {
			git_error_set_str(GIT_ERROR_NET, "cancelled");
			return -1;
		}
		left = timeout_ms > 0 ? deadline - clock_ms() : SLICE_MS;
		if (left <= 0)
			return 0;
		n = poll(&p, 1, left < SLICE_MS ? (int)left : SLICE_MS);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR) {
			git_error_set(GIT_ERROR_OS, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

static int
try_connect(struct netstream *s, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int fd, err = 0, rc;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		s->fd = fd;
		return 0;
	}
	if (errno != EINPROGRESS) {
		err = errno;
		close(fd);
		return -err;
	}
	rc = wait_fd(fd, POLLOUT, ns.connect_timeout_ms);
	if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err == 0) {
		s->fd = fd;
		return 0;
	}
	close(fd);
	if (rc == -1)
		return 1;	/* cancelled: the error is set */
	return rc == 0 ? -ETIMEDOUT : -(err ? err : ECONNREFUSED);
}

static bool
is_server(const char *host, const char *port)
{
	if (ns.server_host[0] == '\0')
		return true;	/* no job yet: nothing to hold to */
	if (strcasecmp(host, ns.server_host) != 0)
		return false;
	/* The same host's https, after a redirect away from plain http. */
	return strcmp(port, ns.server_port) == 0 ||
	    (strcmp(ns.server_port, "80") == 0 && strcmp(port, "443") == 0);
}

static bool
is_proxy(const char *host, const char *port)
{
	return ns.proxy_host[0] != '\0' && strcasecmp(host, ns.proxy_host) == 0 &&
	    strcmp(port, ns.proxy_port) == 0;
}

/* A connection (or CONNECT) to host:port: 0 if it may go, -1 if refused. */
static int
check_server(const char *host, const char *port)
{
	if (is_server(host, port) || is_proxy(host, port))
		return 0;
	snprintf(ns.offsite, sizeof(ns.offsite), "%s:%s", host, port);
	if (ns.follow_offsite)
		return 0;
	ns.offsite_refused = true;
	git_error_set(GIT_ERROR_NET, "redirected from %s:%s to %s, another "
	    "server: not followed", ns.server_host, ns.server_port, ns.offsite);
	return -1;
}

/*
 * libgit2 writes proxy-style requests for a plain-http server behind a
 * proxy but connects to the server itself: go to the proxy instead.
 */
static void
route(const struct netstream *s, const char **host, const char **port)
{
	*host = s->host;
	*port = s->port;
	if (ns.route_http && ns.proxy_host[0] != '\0' &&
	    is_server(s->host, s->port)) {
		*host = ns.proxy_host;
		*port = ns.proxy_port;
	}
}

static int
ns_connect(git_stream *stream)
{
	struct netstream *s = (struct netstream *)stream;
	struct addrinfo hints, *res = NULL, *ai;
	const char *host, *port;
	int rc, last = ECONNREFUSED;

	if (check_server(s->host, s->port) == -1)
		return -1;
	route(s, &host, &port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		/*
		 * A name the resolver says does not exist will not exist a
		 * second later: that is permanent (errclass.c), unlike a
		 * resolver that did not answer (EAI_AGAIN), which is retried.
		 */
		if (rc == EAI_NONAME || rc == EAI_FAIL)
			git_error_set(GIT_ERROR_NET, "no such host %s: %s", host,
			    gai_strerror(rc));
		else
			git_error_set(GIT_ERROR_NET, "failed to resolve address "
			    "for %s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = try_connect(s, ai);
		if (rc == 0)
			break;
		if (rc == 1) {
			freeaddrinfo(res);
			return -1;
		}
		last = -rc;
	}
	freeaddrinfo(res);
	if (s->fd == -1) {
		/* GIT_ERROR_OS would append a stale strerror(errno). */
		git_error_set(GIT_ERROR_NET, "failed to connect to %s%s port %s: "
		    "%s", host == s->host ? "" : "the proxy ", host, port,
		    last == ETIMEDOUT ? "connect timed out" : strerror(last));
		return -1;
	}
	return 0;
}

/* Seconds of a "Retry-After: N" header line; -1 if this is not one. */
static int
retry_after(const char *line, size_t len)
{
	static const char name[] = "retry-after:";
	size_t i;

	if (len < sizeof(name) - 1)
		return -1;
	for (i = 0; i < sizeof(name) - 1; i++)
		if (tolower((unsigned char)line[i]) != name[i])
			return -1;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || !isdigit((unsigned char)line[i]))
		return -1;	/* an HTTP-date: left to the backoff */
	return atoi(line + i);
}

/* Look at a response's status line and headers as they go by. */
static void
sniff(struct netstream *s, const char *data, size_t n)
{
	const char *line, *end, *nl;
	size_t take;
	int status, secs;

	if (!s->sniffing)
		return;
	take = n < HEAD_MAX - 1 - s->headlen ? n : HEAD_MAX - 1 - s->headlen;
	memcpy(s->head + s->headlen, data, take);
	s->headlen += take;
	s->head[s->headlen] = '\0';
	if (strncmp(s->head, "HTTP/1.", s->headlen < 7 ? s->headlen : 7) != 0) {
		s->sniffing = false;	/* git:// or TLS: nothing to see */
		return;
	}
	if ((end = strstr(s->head, "\r\n\r\n")) == NULL &&
	    s->headlen < HEAD_MAX - 1)
		return;		/* the headers are not all here yet */
	s->sniffing = false;
	if (sscanf(s->head, "HTTP/1.%*d %d", &status) != 1 ||
	    (status != 429 && status != 503))
		return;
	for (line = strstr(s->head, "\r\n"); line != NULL && line < end;
	    line = nl) {
		line += 2;
		if ((nl = strstr(line, "\r\n")) == NULL)
			break;
		if ((secs = retry_after(line, (size_t)(nl - line))) >= 0)
			ns.last_retry_after_ms = secs > 86400 ? 86400000 :
			    secs * 1000;
	}
}

static ssize_t
ns_read(git_stream *stream, void *data, size_t len)
{
	struct netstream *s = (struct netstream *)stream;
	ssize_t n;
	int rc;

	for (;;) {
		n = recv(s->fd, data, len, 0);
		if (n >= 0) {
			sniff(s, data, (size_t)n);
			return n;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			git_error_set(GIT_ERROR_NET, "error receiving data from "
			    "socket: %s", strerror(errno));
			return -1;
		}
		if ((rc = wait_fd(s->fd, POLLIN, ns.io_timeout_ms)) == 0) {
			git_error_set(GIT_ERROR_NET, "could not read from %s: "
			    "timed out", s->host);
			return -1;
		}
		if (rc == -1)
			return -1;
	}
}

/* An https tunnel through the proxy: "CONNECT host:port HTTP/1.1". */
static int
connect_target(const char *data, size_t len)
{
	char host[256], port[16];
	const char *p = data + 8, *end = data + len, *colon = NULL, *sp;

	if (len < 8 || memcmp(data, "CONNECT ", 8) != 0)
		return 0;
	if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
		return 0;
	for (const char *q = p; q < sp; q++)
		if (*q == ':')
			colon = q;
	if (colon == NULL || colon - p >= (ptrdiff_t)sizeof(host) ||
	    sp - colon - 1 >= (ptrdiff_t)sizeof(port))
		return 0;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - p), p);
	snprintf(port, sizeof(port), "%.*s", (int)(sp - colon - 1), colon + 1);
	return check_server(host, port);
}

static ssize_t
ns_write(git_stream *stream, const char *data, size_t len, int flags)
{
	struct netstream *s = (struct netstream *)stream;
	ssize_t n;
	int rc;

	(void)flags;
	/* A new request: its response is worth a look. */
	s->sniffing = true;
	s->headlen = 0;
	if (is_proxy(s->host, s->port) && connect_target(data, len) == -1)
		return -1;
	for (;;) {
		n = send(s->fd, data, len, MSG_NOSIGNAL);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			git_error_set(GIT_ERROR_NET, "error sending data to %s: %s",
			    s->host, strerror(errno));
			return -1;
		}
		if ((rc = wait_fd(s->fd, POLLOUT, ns.io_timeout_ms)) == 0) {
			git_error_set(GIT_ERROR_NET, "could not write to %s: "
			    "timed out", s->host);
			return -1;
		}
		if (rc == -1)
			return -1;
	}
}

static int
ns_close(git_stream *stream)
{
	struct netstream *s = (struct netstream *)stream;

	if (s->fd != -1 && close(s->fd) == -1) {
		s->fd = -1;
		git_error_set(GIT_ERROR_OS, "close: %s", strerror(errno));
		return -1;
	}
	s->fd = -1;
	return 0;
}

static void
ns_free(git_stream *stream)
{
	struct netstream *s = (struct netstream *)stream;

	if (s->fd != -1)
		close(s->fd);
	free(s->host);
	free(s->port);
	free(s);
}

static int
ns_new(git_stream **out, const char *host, const char *port)
{
	struct netstream *s = xcalloc(1, sizeof(*s));

	s->parent.version = GIT_STREAM_VERSION;
	s->parent.timeout = ns.io_timeout_ms;
	s->parent.connect_timeout = ns.connect_timeout_ms;
	s->parent.connect = ns_connect;
	s->parent.read = ns_read;
	s->parent.write = ns_write;
	s->parent.close = ns_close;
	s->parent.free = ns_free;
	s->host = xstrdup(host);
	s->port = xstrdup(port);
	s->fd = -1;
	*out = &s->parent;
	return 0;
}

int
netstream_register(volatile sig_atomic_t *cancel, int connect_ms, int io_ms)
{
	git_stream_registration reg;

	ns.cancel_flag = cancel;
	if (connect_ms > 0)
		ns.connect_timeout_ms = connect_ms;
	if (io_ms > 0)
		ns.io_timeout_ms = io_ms;
	memset(&reg, 0, sizeof(reg));
	reg.version = GIT_STREAM_VERSION;
	reg.init = ns_new;
	return git_stream_register(GIT_STREAM_STANDARD, &reg);
}

void
netstream_server(const char *host, const char *port, const char *phost,
    const char *pport, bool http_via_proxy, bool follow)
{
	snprintf(ns.server_host, sizeof(ns.server_host), "%s", host ? host : "");
	snprintf(ns.server_port, sizeof(ns.server_port), "%s", port ? port : "");
	snprintf(ns.proxy_host, sizeof(ns.proxy_host), "%s", phost ? phost : "");
	snprintf(ns.proxy_port, sizeof(ns.proxy_port), "%s", pport ? pport : "");
	ns.route_http = http_via_proxy;
	ns.follow_offsite = follow;
	ns.offsite[0] = '\0';
	ns.offsite_refused = false;
}

const char *
netstream_offsite(bool *refused)
{
	*refused = ns.offsite_refused;
	return ns.offsite[0] != '\0' ? ns.offsite : NULL;
}

/* The Retry-After of the last 429 or 503 seen, in ms (0: none); reset. */
int
netstream_take_retry_after(void)
{
	int ms = ns.last_retry_after_ms;

	ns.last_retry_after_ms = 0;
	return ms;
}
