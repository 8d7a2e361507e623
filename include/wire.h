/*
 * Frames: how the messages of msg.h travel over the socketpair between the
 * parent and each worker.  A frame is a 12-byte header (payload length,
 * type, flags, job id, in host byte order: both ends are the same binary)
 * and the payload msg.c encodes.  A frame longer than WIRE_MAX, of an
 * unknown type or with a payload msg.c refuses makes the stream corrupt:
 * the parent then kills that worker, never the run.
 *
 * The parent reads and writes non-blocking (wire_reader, wire_writer); a
 * worker blocks (wire_send, wire_recv).
 */
#ifndef GITHERD_WIRE_H
#define GITHERD_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "msg.h"

#define WIRE_HEADER	12
#define WIRE_MAX	(64 * 1024)	/* largest payload accepted */

/* Reassembles frames from a byte stream. */
struct wire_reader {
	struct buf	in;
};

/* Bytes waiting to go out on a non-blocking descriptor. */
struct wire_writer {
	struct buf	out;
	size_t		off;
};

void	wire_encode(struct buf *, const struct msg *);
int	wire_decode(struct msg *, const void *frame, size_t len,
	    char *err, size_t errlen);

void	wire_reader_init(struct wire_reader *);
void	wire_reader_release(struct wire_reader *);
ssize_t	wire_fill(struct wire_reader *, int fd);
int	wire_next(struct wire_reader *, struct msg *, char *err,
	    size_t errlen);

void	wire_writer_init(struct wire_writer *);
void	wire_writer_release(struct wire_writer *);
void	wire_queue(struct wire_writer *, const struct msg *);
bool	wire_pending(const struct wire_writer *);
int	wire_flush(struct wire_writer *, int fd);

int	wire_send(int fd, const struct msg *);
int	wire_recv(int fd, struct wire_reader *, struct msg *, char *err,
	    size_t errlen);

#endif
