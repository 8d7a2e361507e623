/*
 * The parent <-> worker protocol: framed messages over one socketpair per
 * worker.  Frame = 12-byte header (payload length, type, flags, job id, in
 * host byte order: both ends are the same binary) + payload.  Integers are
 * fixed width; strings are a u32 length + bytes, length 0 meaning NULL.
 * Each encoder in wire.c is matched by the decoder next to it.
 */
#ifndef GITHERD_WIRE_H
#define GITHERD_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define WIRE_VERSION	2
#define WIRE_HEADER	12
#define WIRE_MAX	(64 * 1024)	/* largest payload accepted */

enum wire_type {
	WIRE_HELLO = 1,		/* worker -> parent: version, pid */
	WIRE_JOB,		/* parent -> worker: what to clone where */
	WIRE_PHASE,		/* worker -> parent: phase changed */
	WIRE_PROGRESS,		/* worker -> parent: counters, throttled */
	WIRE_LOG,		/* worker -> parent: a warning for the job */
	WIRE_DONE,		/* worker -> parent: the job's result */
	WIRE_TYPE_MAX
};

enum phase {
	PHASE_QUEUED,
	PHASE_CONNECT,
	PHASE_RECEIVE,
	PHASE_RESOLVE,
	PHASE_CHECKOUT,
	PHASE_SUBMODULES,
	PHASE_FINISH,
	PHASE_MAX
};

enum job_op {
	OP_SYNC,		/* clone, or update what is on disk */
	OP_STATUS,		/* compare what is on disk with the manifest */
	OP_MAX
};

enum job_flags {
	JOBF_SUBMODULES = 1 << 0,
	JOBF_BARE = 1 << 1,
	JOBF_MIRROR = 1 << 2,
	JOBF_FETCH = 1 << 3,	/* status: ask the remote too */
};

enum job_result {
	RESULT_CLONED,
	RESULT_UPDATED,
	RESULT_UNCHANGED,	/* on disk and already as the manifest asks */
	RESULT_SKIPPED,		/* left alone to protect local work */
	RESULT_FAILED,
	RESULT_CANCELLED,
	RESULT_CHECKED,		/* status: see the entry state */
	RESULT_MAX
};

/* What `githerd status` finds at an entry. */
enum entry_state {
	ES_OK,			/* on the manifest's ref, up to date, clean */
	ES_MISSING,
	ES_NOT_REPO,
	ES_WRONG_ORIGIN,
	ES_DIRTY,
	ES_BEHIND,
	ES_AHEAD,
	ES_DIVERGED,
	ES_OTHER_REF,		/* on another branch, tag or commit */
	ES_BROKEN,		/* cannot be read */
	ES_BLOCKED,		/* behind, but moving would lose local files */
	ES_MAX
};

struct wire_hello {
	uint32_t	version;
	uint32_t	pid;
};

struct wire_job {
	char		*url;
	char		*dest;		/* absolute destination */
	char		*tmp;		/* absolute temporary sibling to clone into */
	char		*path;		/* workspace-relative, for messages */
	char		*ref;
	uint8_t		 op;		/* enum job_op */
	uint8_t		 ref_kind;	/* enum ref_kind */
	uint8_t		 flags;		/* enum job_flags */
	int32_t		 depth;
};

struct wire_progress {
	uint32_t	received_objects;
	uint32_t	indexed_objects;
	uint32_t	total_objects;
	uint32_t	indexed_deltas;
	uint32_t	total_deltas;
	uint64_t	received_bytes;
	uint64_t	pack_bytes;	/* received_bytes less the server's chatter */
	uint32_t	checkout_done;
	uint32_t	checkout_total;
};

struct wire_log {
	char		*text;
};

struct wire_done {
	uint8_t		 result;	/* enum job_result */
	uint8_t		 err_class;	/* enum err_class */
	uint8_t		 shallow;	/* the clone really is shallow */
	uint8_t		 fetched;	/* objects were downloaded */
	uint8_t		 state;		/* status: enum entry_state */
	int32_t		 git_code;
	int32_t		 git_klass;
	uint32_t	 ahead, behind;	/* status: commits */
	uint32_t	 dirty;		/* status: files with local changes */
	uint32_t	 retry_after_ms;	/* the server's Retry-After */
	char		*message;	/* error, reason for skipping, or status */
	char		*head;		/* hex object id of HEAD, if any */
	char		*where;		/* "branch main", "tag v1", "detached" */
	uint64_t	 bytes;
	uint64_t	 objects;
};

struct wire_msg {
	uint16_t	type;
	uint16_t	flags;
	uint32_t	job;
	union {
		struct wire_hello	hello;
		struct wire_job		job;
		uint8_t			phase;
		struct wire_progress	progress;
		struct wire_log		log;
		struct wire_done	done;
	} u;
};

/* Reassembles frames from a byte stream. */
struct wire_reader {
	struct buf	in;
};

/* Bytes waiting to go out on a non-blocking descriptor. */
struct wire_writer {
	struct buf	out;
	size_t		off;
};

void	wire_encode(struct buf *, const struct wire_msg *);
int	wire_decode(struct wire_msg *, const void *frame, size_t len,
	    char *err, size_t errlen);
void	wire_msg_release(struct wire_msg *);

void	wire_reader_init(struct wire_reader *);
void	wire_reader_release(struct wire_reader *);
ssize_t	wire_fill(struct wire_reader *, int fd);
int	wire_next(struct wire_reader *, struct wire_msg *, char *err,
	    size_t errlen);

void	wire_writer_init(struct wire_writer *);
void	wire_writer_release(struct wire_writer *);
void	wire_queue(struct wire_writer *, const struct wire_msg *);
bool	wire_pending(const struct wire_writer *);
int	wire_flush(struct wire_writer *, int fd);

int	wire_send(int fd, const struct wire_msg *);
int	wire_recv(int fd, struct wire_reader *, struct wire_msg *, char *err,
	    size_t errlen);

const char *phase_name(enum phase);
const char *entry_state_name(enum entry_state);

#endif
