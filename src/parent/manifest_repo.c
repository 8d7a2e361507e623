/*
 * Google repo's XML manifest (default.xml), parsed with expat.  Not built
 * yet: refused with a clear error.
 */
#include "manifest_read.h"

void
manifest_repo_read(struct manifest_parse *p, const char *text, size_t len)
{
	(void)text;
	(void)len;
	p->m->format = MANIFEST_REPO;
	manifest_error(p, NULL, "repo XML manifests are not supported yet");
}
