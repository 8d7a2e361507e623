/*
 * An ssh URL's connection as ssh_config routes it (sshroute.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seams.h"
#include "sshroute.h"
#include "url.h"
#include "xmalloc.h"

void
sshroute_init(struct sshroute *r)
{
	memset(r, 0, sizeof(*r));
}

void
sshroute_release(struct sshroute *r)
{
	sshconfig_host_release(&r->host);
	sshroute_init(r);
}

/* The URL the host's route makes of u; NULL when scp-like cannot say it. */
static char *
routed(const struct sshconfig_host *h, const struct url_ssh *u)
{
	struct url_ssh to = *u;

	to.host = h->hostname;
	to.port = h->port;
	to.user = h->user;
	return url_ssh_join(&to);
}

int
sshroute_set(struct sshroute *r, const char *url, const char *config_file)
{
	struct sshconfig_query q;
	struct url_ssh u;
	char *test = NULL;

	sshroute_release(r);
	if (url_ssh_split(url, &u) == -1)
		return 0;	/* not ssh: nothing to route */
	r->ssh = true;
	memset(&q, 0, sizeof(q));
	q.host = u.host;
	q.user = u.user;
	q.port = u.port;
	q.file = config_file;
	/* Tests stand a file of their own in for /etc/ssh/ssh_config. */
	q.system_file = seam("SSH_SYSTEM_CONFIG");
	if (sshconfig_resolve(&q, &r->host, r->why, sizeof(r->why)) == -1) {
		url_ssh_release(&u);
		return -1;
	}
	r->resolved = true;
	if (r->host.applied && (test = routed(&r->host, &u)) == NULL) {
		snprintf(r->why, sizeof(r->why), "%s: HostName %s is an IPv6 "
		    "address and the port is %d: a scp-like URL cannot say "
		    "that (use ssh://)", r->host.where, r->host.hostname,
		    r->host.port);
		url_ssh_release(&u);
		return -1;
	}
	free(test);
	url_ssh_release(&u);
	return 0;
}

const struct sshconfig_host *
sshroute_host(const struct sshroute *r)
{
	return r->resolved ? &r->host : NULL;
}

char *
sshroute_rewrite(const struct sshroute *r, const char *url)
{
	struct url_ssh u;
	char *to = NULL;

	if (!r->resolved || !r->host.applied || url_ssh_split(url, &u) == -1)
		return NULL;
	if (strcasecmp(u.host, r->host.alias) == 0)
		to = routed(&r->host, &u);
	url_ssh_release(&u);
	return to;
}

void
sshroute_note(const struct sshroute *r, char *out, size_t len)
{
	const struct sshconfig_host *h = &r->host;

	out[0] = '\0';
	if (!r->resolved || !h->applied)
		return;
	snprintf(out, len, "ssh config: %s is %s%s%s:%d (%s)", h->alias,
	    h->user ? h->user : "", h->user ? "@" : "", h->hostname, h->port,
	    h->where);
}
