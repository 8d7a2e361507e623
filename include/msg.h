/*
 * The messages parent and worker exchange: their types, their fields and
 * one encoder/decoder pair per message.  How messages travel (frames,
 * streams, descriptors) is wire.h's business, not this file's.
 *
 * Every field of every message is written by the encoder and read back, in
 * the same order, by the decoder that sits beside it in msg.c.  A decoder
 * range-checks each enum it reads; a payload with a field out of range, a
 * string running past the end or bytes left over is refused as a whole.
 *
 * Adding a field: one member here, one line in each function of its pair.
 */
#ifndef GITHERD_MSG_H
#define GITHERD_MSG_H

#include <stdint.h>

#include "buf.h"
#include "result.h"
#include "types.h"

#define MSG_VERSION	10	/* HELLO carries it; bump on any change below */

enum msg_type {
	MSG_HELLO = 1,		/* worker -> parent: version, pid */
	MSG_JOB,		/* parent -> worker: what to clone where */
	MSG_PHASE,		/* worker -> parent: phase changed */
	MSG_PROGRESS,		/* worker -> parent: counters, throttled */
	MSG_LOG,		/* worker -> parent: a warning for the job */
	MSG_DONE,		/* worker -> parent: the job's result */
	MSG_FILE,		/* worker -> parent: a file the job was asked for */
	MSG_TYPE_MAX
};

struct msg_hello {
	uint32_t	version;
	uint32_t	pid;
};

struct msg_job {
	char		*url;
	char		*dest;		/* absolute destination */
	char		*tmp;		/* absolute temporary sibling to clone into */
	char		*path;		/* workspace-relative, for messages */
	char		*ref;
	char		*placed;	/* where githerd last put the checkout */
	char		*trash;		/* OP_RETIRE: where the entry goes */
	char		*outer;		/* the entry whose work tree holds this one */
	char		*inner;		/* entries in this one's: "b\nx/c", relative */
	uint8_t		 op;		/* enum job_op */
	uint8_t		 ref_kind;	/* enum ref_kind */
	uint8_t		 flags;		/* enum job_flags */
	int32_t		 depth;
	uint8_t		 links;		/* leading components of path that may
					 * be the user's symbolic links */
	char		*imports;	/* west: files to read at the entry's
					 * revision, '\n'-separated; or NULL */
	char		*submodules;	/* west: the submodule paths to take,
					 * '\n'-separated; NULL: all */
};

/* How a file asked for (msg_job.imports) was found. */
enum file_status {
	FILE_OK,		/* a blob of text: data is (a piece of) it */
	FILE_MISSING,		/* no such path at the revision */
	FILE_TOO_BIG,		/* larger than MSG_FILE_MAX_BYTES */
	FILE_NOT_TEXT,		/* not a blob, or holds a NUL byte */
	FILE_STATUS_MAX
};

#define MSG_FILE_CHUNK		(15 * 1024)	/* of data per message */
#define MSG_FILE_MAX_BYTES	(8u << 20)	/* the manifest's own cap */
#define MSG_FILE_MAX_FILES	64		/* per job */

/*
 * A file, in pieces of at most MSG_FILE_CHUNK bytes, all but the last
 * with more set; a path asked for that is a directory comes as its .yml
 * and .yaml files, each under "dir/name".
 */
struct msg_file {
	char		*commit;	/* hex: the revision it was read at */
	char		*path;		/* inside the entry */
	char		*data;		/* this piece; NULL for none */
	uint8_t		 status;	/* enum file_status */
	uint8_t		 more;
};

struct msg_progress {
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

struct msg_log {
	char		*text;
};

struct msg {
	uint16_t	type;		/* enum msg_type */
	uint16_t	flags;
	uint32_t	job;		/* the job it is about; 0 for none */
	union {
		struct msg_hello	hello;
		struct msg_job		job;
		uint8_t			phase;	/* enum phase */
		struct msg_progress	progress;
		struct msg_log		log;
		struct job_result	done;
		struct msg_file		file;
	} u;
};

/* The payload of m (not its header) onto b. */
void	 msg_encode(struct buf *b, const struct msg *m);
/* Fill m's union for m->type from the cursor; -1 if it is not well formed. */
int	 msg_decode(struct msg *m, struct buf_cursor *c);
/* Free what a decoder allocated and zero m. */
void	 msg_release(struct msg *m);
const char *msg_type_name(uint16_t type);

#endif
