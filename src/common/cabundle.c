#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cabundle.h"
#include "fsutil.h"
#include "seams.h"
#include "xmalloc.h"

#define CA_MAX_BYTES	(16u << 20)
#define NEXTRA		4	/* --ca-file, http.sslCAInfo, two variables */

static int
slurp(const char *file, struct buf *b, char *err, size_t errlen)
{
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	rc = fs_read_fd(fd, CA_MAX_BYTES, b);
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", file, errno == EFBIG ?
		    "over 16 MiB" : strerror(errno));
	close(fd);
	if (rc == 0 && b->len > 0 && b->data[b->len - 1] != '\n')
		buf_addch(b, '\n');
	return rc;
}

int
cabundle_check(const char *file, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	buf_init(&b);
	if (slurp(file, &b, err, errlen) == 0) {
		if (strstr(b.data, "-----BEGIN CERTIFICATE-----") != NULL)
			rc = 0;
		else
			snprintf(err, errlen, "%s: no PEM certificate in it",
			    file);
	}
	buf_release(&b);
	return rc;
}

const char *
cabundle_system(void)
{
	const char *t = seam("SYSTEM_CA");

	return t != NULL && *t != '\0' ? t : CABUNDLE_SYSTEM;
}

/*
 * An empty source, or one naming the system bundle or an earlier source
 * (GIT_SSL_CAINFO and SSL_CERT_FILE often both name the system's): none
 * of these adds anything.
 */
static bool
same_file_as_earlier(const char *const *extra, size_t i)
{
	struct stat a, b;
	size_t k;

	if (extra[i] == NULL || *extra[i] == '\0')
		return true;
	if (stat(extra[i], &a) == -1)
		return false;	/* reading it will say why */
	if (stat(cabundle_system(), &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return true;
	for (k = 0; k < i; k++)
		if (extra[k] != NULL && stat(extra[k], &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	return false;
}

char *
cabundle_combine(const char *ca_file, const char *config_file,
    const char *tmpdir, char *err, size_t errlen)
{
	/* git takes GIT_SSL_CAINFO instead of http.sslCAInfo */
	const char *env = getenv("GIT_SSL_CAINFO");
	const char *extra[NEXTRA] = { ca_file, env != NULL && *env != '\0' ?
	    NULL : config_file, env, getenv("SSL_CERT_FILE") };
	struct buf b = BUF_INIT;
	char *path = NULL;
	size_t i, nextra = 0;
	int fd = -1;

	err[0] = '\0';
	for (i = 0; i < NEXTRA; i++)
		if (same_file_as_earlier(extra, i))
			extra[i] = NULL;
		else
			nextra++;
	if (nextra == 0)
		return NULL;
	buf_init(&b);
	/* No system bundle is no reason to refuse the extra CAs. */
	if (access(cabundle_system(), R_OK) == 0 &&
	    slurp(cabundle_system(), &b, err, errlen) == -1)
		goto fail;
	for (i = 0; i < NEXTRA; i++)
		if (extra[i] != NULL && *extra[i] != '\0' &&
		    slurp(extra[i], &b, err, errlen) == -1)
			goto fail;
	path = xasprintf("%s/githerd-ca.XXXXXX", tmpdir);
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, b.data, b.len) != (ssize_t)b.len) {
		snprintf(err, errlen, "cannot write a CA bundle in %s: %s",
		    tmpdir, strerror(errno));
		goto fail;
	}
	close(fd);
	buf_release(&b);
	return path;
fail:
	if (fd != -1) {
		close(fd);
		unlink(path);
	}
	free(path);
	buf_release(&b);
	return NULL;
}
