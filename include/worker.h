/*
 * The worker process: says HELLO, then takes JOB after JOB from its
 * socket until EOF, reporting PHASE / PROGRESS / LOG and one DONE per job.
 * It initialises libgit2 itself, after fork (the parent never does).
 */
#ifndef GITHERD_WORKER_H
#define GITHERD_WORKER_H

int	worker_main(int fd, void *arg);

#endif
