#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "fsutil.h"
#include "gitctx.h"
#include "remotetips.h"
#include "xmalloc.h"

#define TIPS_FILE	"githerd-remote-tips"
#define TIPS_MAX	(64u << 20)

static char *
tips_path(git_repository *repo)
{
	return xasprintf("%s%s", git_repository_path(repo), TIPS_FILE);
}

int
remotetips_read(git_repository *repo, struct refs *out)
{
	struct buf b = BUF_INIT;
	char *file = tips_path(repo), *line, *nl, *sp;
	git_oid oid;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&b);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	if (fs_read_fd(fd, TIPS_MAX, &b) == -1) {
		close(fd);
		goto out;
	}
	close(fd);
	for (line = b.data; *line; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		/* "<hex> refs/heads/<name>"; anything else is not ours */
		if ((sp = strchr(line, ' ')) == NULL ||
		    git_oid_fromstrn(&oid, line, (size_t)(sp - line)) < 0 ||
		    strncmp(sp + 1, "refs/heads/", 11) != 0) {
			refs_release(out);
			goto out;
		}
		refs_add(out, sp + 1, &oid);
	}
	refs_sort(out);
	rc = 0;
out:
	buf_release(&b);
	free(file);
	return rc;
}

int
remotetips_write(struct gitctx *c, git_repository *repo)
{
	struct buf b = BUF_INIT;
	char hex[GIT_OID_MAX_HEXSIZE + 1], *file = tips_path(repo);
	size_t i;
	int rc = 0;

	buf_init(&b);
	for (i = 0; i < c->nadv; i++) {
		const char *name = c->adv[i].name;

		if (strncmp(name, "refs/heads/", 11) != 0 ||
		    strpbrk(name, "\n ") != NULL)
			continue;
		git_oid_tostr(hex, sizeof(hex), &c->adv[i].oid);
		buf_addf(&b, "%s %s\n", hex, name);
	}
	if (fs_write_atomic(file, b.data, b.len, FS_PUBLIC) == -1)
		rc = gitctx_fail_errno(c, file);
	buf_release(&b);
	free(file);
	return rc;
}
