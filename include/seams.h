/*
 * Test seams: the few knobs githerd's own tests turn and no user should.
 * Only the test build (build/githerd-seams, whose objects that include
 * this header are compiled with -DGITHERD_TEST_SEAMS) reads them, from
 * GITHERD_TEST_<NAME>.  In githerd itself every seam is the constant
 * NULL: the branch it guards is compiled out and the binary does not
 * name the variable (make check-layers greps for it).
 *
 *   WORKER_QUOTA     jobs a worker serves before it is replaced
 *   SYSTEM_CA        a CA file standing in for the system bundle
 *   SKIP_TREE_CHECK  check out without treecheck.c, to show what it stops
 *   SSH_SYSTEM_CONFIG  a file standing in for /etc/ssh/ssh_config
 *   STOP_GRACE_MS    how long a stopping run waits for its workers before
 *                    SIGKILL, and (rounded up to seconds) a cancelled
 *                    worker for itself: short, so that a checkout outlasts
 *                    it
 */
#ifndef GITHERD_SEAMS_H
#define GITHERD_SEAMS_H

#include <stdlib.h>

#ifdef GITHERD_TEST_SEAMS
#define seam(name)	((const char *)getenv("GITHERD_TEST_" name))
#else
#define seam(name)	((const char *)NULL)
#endif

#endif
