#include <stdio.h>

#include <git2/common.h>

#include "lg2info.h"

void
lg2info_get(struct lg2info *i)
{
	int major, minor, rev, f = git_libgit2_features();

	git_libgit2_version(&major, &minor, &rev);
	snprintf(i->version, sizeof(i->version), "%d.%d.%d", major, minor, rev);
	i->https = (f & GIT_FEATURE_HTTPS) != 0;
	i->ssh = (f & GIT_FEATURE_SSH) != 0;
	i->threads = (f & GIT_FEATURE_THREADS) != 0;
}
