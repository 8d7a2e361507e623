/*
 * The workspace directory: opening (and for sync creating) it, its
 * .githerd state directory, the lock that keeps two runs apart, and the
 * sweep of temporary directories an interrupted run left behind.
 */
#ifndef GITHERD_WORKSPACE_H
#define GITHERD_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

enum workspace_error {
	WS_OK,
	WS_MISSING,		/* does not exist (status, freeze) */
	WS_READONLY,		/* cannot be written */
	WS_LOCKED,		/* another run holds the lock */
	WS_FOREIGN,		/* owned by another user, or a link in the way */
	WS_SYSTEM,
};

struct workspace {
	char			*path;		/* absolute */
	int			 lock_fd;	/* -1: not locked */
	/* trusted although another user owns them; NULL-terminated */
	const char *const	*safe;
};

void	workspace_init(struct workspace *);
void	workspace_release(struct workspace *);
enum workspace_error workspace_open(struct workspace *, const char *dir,
	    bool create, char *err, size_t errlen);
enum workspace_error workspace_lock(struct workspace *, bool exclusive,
	    int wait_s, char *err, size_t errlen);
size_t	workspace_sweep(const struct workspace *, const struct manifest *);
int	workspace_save_manifest(const struct workspace *,
	    const struct manifest *, char *err, size_t errlen);
char	*workspace_saved_manifest(const struct workspace *);
/* The absolute path of the manifest the saved one copies, or NULL. */
char	*workspace_manifest_origin(const struct workspace *);

#endif
