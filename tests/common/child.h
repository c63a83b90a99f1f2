/* Running the project's programs from tests and benchmarks as real child
 * processes: awsv2-due-emu, awsv2-hsmd and awsv2-mock each print one line
 * on stdout (a pty path or a URL) once they are ready, and nothing after
 * it, so that line is the readiness signal. Every wait has a timeout. */
#ifndef AWSV2_TESTS_CHILD_H
#define AWSV2_TESTS_CHILD_H

#include <stddef.h>
#include <sys/types.h>

/* How long a program may take to print its line, or child_run to end. */
#define CHILD_TIMEOUT_MS 10000

struct child {
    pid_t pid;      /* 0 when not running */
    char line[512]; /* its first stdout line, without the '\n' */
};

/* $top_builddir/relpath (./relpath when top_builddir is unset) into
 * path[cap]. Returns path. */
const char *child_program(char *path, size_t cap, const char *relpath);

/* Appends args (NULL-terminated; NULL: none) to argv[cap], which holds n
 * strings, as far as room for the final NULL allows; terminates argv and
 * returns the new count. */
size_t child_args(const char **argv, size_t cap, size_t n, const char *const *args);

/* Starts argv[0] with argv (NULL-terminated), stderr to err_fd (-1:
 * inherited), and reads its first stdout line within CHILD_TIMEOUT_MS.
 * The child is killed (SIGKILL) when the thread that started it dies, so a
 * failing test leaves nothing behind. 0 on success; -1, the child killed
 * and reaped, on failure. */
int child_start(struct child *c, const char *const *argv, int err_fd);

/* Waits at most ms for the child to exit by itself. Its exit status, 128 +
 * the signal that ended it, or -1 while it still runs (or on error). */
int child_wait(struct child *c, int ms);

/* Sends sig, then waits as child_wait; a child still running after ms is
 * SIGKILLed and reaped, and -1 returned. -1 too when none runs. */
int child_stop(struct child *c, int sig, int ms);

/* Runs argv to its end (stdout to /dev/null) within CHILD_TIMEOUT_MS, else
 * kills it and returns -1. Its stderr goes to err[size] (size >= 1) as a
 * string; NULL discards it. Returns what child_wait returns. */
int child_run(const char *const *argv, char *err, size_t size);

#endif
