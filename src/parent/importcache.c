#include <string.h>

#include "importcache.h"

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
