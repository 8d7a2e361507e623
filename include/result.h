/*
 * What a job came to, declared once: the worker fills it, its DONE
 * message carries it (msg.c, one field a line in each direction), and the
 * parent keeps it in the job (queue.h).  Strings are owned by the result.
 */
#ifndef GITHERD_RESULT_H
#define GITHERD_RESULT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "errclass.h"
#include "types.h"

/* The longest message a result keeps: far inside a frame's limit. */
#define RESULT_MESSAGE_MAX	4096

struct job_result {
	enum outcome	 outcome;
	enum err_class	 err_class;
	int32_t		 git_code;	/* libgit2's, for the curious */
	int32_t		 git_klass;
	char		*message;	/* the error, the reason to skip, or status */
	char		*where;		/* "branch main", "tag v1", ... */
	char		*placed;	/* "refs/heads/main" or a commit id:
					   where githerd put the checkout */
	char		 head[41];	/* HEAD's object id in hex, or "" */
	char		 before[41];	/* an update's HEAD before it, or "" */
	char		*branch;	/* the branch HEAD is on, or NULL */
	bool		 branch_on_remote;	/* status: origin has it too
					   (refs/remotes/origin/<branch>) */
	char		*from_branch;	/* the one an update switched from */
	uint32_t	 commits;	/* new commits an update brought to HEAD */
	uint64_t	 bytes;		/* received */
	uint64_t	 objects;
	bool		 shallow;	/* the clone really is shallow */
	bool		 fetched;	/* objects were downloaded */
	uint32_t	 lfs_pointers;	/* work tree files that are git-lfs
					   pointers, not their content */
	uint32_t	 retry_after_ms;	/* the server's Retry-After */
	/* status */
	enum entry_state state;
	uint32_t	 ahead, behind;	/* commits */
	uint32_t	 unpushed;	/* of HEAD's, on no remote-tracking ref */
	uint32_t	 dirty;		/* files with local changes */
	uint32_t	 untracked;	/* of which untracked ones */
	bool		 busy;		/* a merge (or the like) or index.lock */
};

void	result_init(struct job_result *);
void	result_release(struct job_result *);	/* and init again */
/* Take from's values and strings; from is left initialised. */
void	result_move(struct job_result *to, struct job_result *from);
/* Replace the message (cut at RESULT_MESSAGE_MAX), or the where. */
void	result_message(struct job_result *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	result_vmessage(struct job_result *, const char *fmt, va_list);
/* Add "; text" to the message (or make it the message). */
void	result_append(struct job_result *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	result_where(struct job_result *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
