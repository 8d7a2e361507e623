/*
 * Zephyr's west.yml (manifest: with remotes, defaults, projects, self and
 * group-filter), as `west update` reads it.  Not built yet: refused with
 * a clear error.
 */
#include "manifest_read.h"

void
manifest_west_read(struct manifest_parse *p, const struct ynode *root)
{
	p->m->format = MANIFEST_WEST;
	manifest_error(p, root, "west.yml manifests are not supported yet");
}
