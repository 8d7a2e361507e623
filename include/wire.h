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
#include "result.h"
#include "types.h"

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
		struct job_result	done;
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


#endif
