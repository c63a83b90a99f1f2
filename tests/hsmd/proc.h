/* Running the real programs from the hsmd tests and benchmark helpers:
 * awsv2-due-emu, awsv2-hsmd, awsv2-mock. Each prints its address as its
 * first stdout line; that line is the readiness signal. */
#ifndef HSMD_TEST_PROC_H
#define HSMD_TEST_PROC_H

#include <sys/types.h>

struct proc {
    pid_t pid;
    char line[512]; /* the first line it printed */
};

/* The path of a built program into path[PATH_MAX]: $top_builddir/relpath
 * (else ./relpath). Several candidates may be given, NULL-terminated: the
 * first that exists wins. Returns path. */
const char *proc_program(char *path, const char *relpath, ...);

/* Starts argv[0] with argv (NULL-terminated), stderr to stderr_path
 * (appended; NULL: inherited), and waits at most 10 s for its first stdout
 * line. The process gets SIGTERM when the starting thread dies, so a
 * failing test leaves nothing behind. 0 on success. */
int proc_start(struct proc *p, const char *const *argv, const char *stderr_path);

/* Sends sig, waits at most 10 s (then SIGKILL). Returns the exit status,
 * 128 + the signal if killed by one, or -1. */
int proc_stop(struct proc *p, int sig);

/* Runs argv to its end (at most 10 s, then SIGKILL) with stdout and
 * stderr to /dev/null; returns what proc_stop returns. */
int proc_run(const char *const *argv);

/* A fresh temporary directory (mkdtemp under $TMPDIR, else P_tmpdir) holding
 * "credentials" with AWS's example key; 0 on success. */
int proc_tmpdir(char *dir, size_t cap);
/* Removes the directory and the files in it. */
void proc_tmpdir_remove(const char *dir);

#endif
