/*
 * The proxy git's configuration gives a URL, as git reads it: the longest
 * matching http.<url>.proxy (proxy.c's rule), then http.proxy.  It needs
 * libgit2 to read the configuration, so it lives on the worker's side,
 * beside proxy.c's environment half in src/common.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/errors.h>

#include "proxy.h"
#include "proxyconfig.h"
#include "xmalloc.h"

/* The best http.<url>.proxy for the job's URL, found so far. */
struct url_proxy {
	const char	*url;
	size_t		 best;
	char		*value;
};

static int
url_proxy_entry(const git_config_entry *e, void *arg)
{
	struct url_proxy *up = arg;
	size_t n = strlen(e->name), fit;
	char *pattern;

	/* "http." URL ".proxy"; the URL keeps its case. */
	if (n <= 11)
		return 0;
	pattern = xstrndup(e->name + 5, n - 11);
	fit = proxy_url_match(pattern, up->url);
	if (fit > up->best) {
		up->best = fit;
		free(up->value);
		up->value = xstrdup(e->value != NULL ? e->value : "");
	}
	free(pattern);
	return 0;
}

char *
proxyconfig_for(const char *url)
{
	struct url_proxy up = { url, 0, NULL };
	git_config *cfg = NULL;
	git_buf v = GIT_BUF_INIT;

	if (git_config_open_default(&cfg) < 0) {
		git_error_clear();
		return NULL;
	}
	git_config_foreach_match(cfg, "^http\\..+\\.proxy$", url_proxy_entry,
	    &up);
	if (up.value == NULL && git_config_get_string_buf(&v, cfg,
	    "http.proxy") == 0)
		up.value = xstrdup(v.ptr);
	git_error_clear();
	git_buf_dispose(&v);
	git_config_free(cfg);
	return up.value;
}
