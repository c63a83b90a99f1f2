/* Child processes of the tests and benchmarks (see child.h). */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Milliseconds to deadline, at least 0, as poll takes them. */
static int left_ms(long deadline)
{
    long left = deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

const char *child_program(char *path, size_t cap, const char *relpath)
{
    const char *top = getenv("top_builddir");
    snprintf(path, cap, "%s/%s", top && *top ? top : ".", relpath);
    return path;
}

size_t child_args(const char **argv, size_t cap, size_t n, const char *const *args)
{
    for (size_t i = 0; args && args[i] && n + 1 < cap; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return n;
}

/* Forks argv[0] with stdout on out_fd and stderr on err_fd (-1: ours).
 * The parent opened every other descriptor close-on-exec. */
static pid_t spawn(const char *const *argv, int out_fd, int err_fd)
{
    pid_t parent = getpid(), pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* the parent died before prctl */
        _exit(127);
    dup2(out_fd, STDOUT_FILENO);
    if (err_fd >= 0)
        dup2(err_fd, STDERR_FILENO);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Reads a line of at most cap - 1 bytes before deadline, byte by byte so
 * that nothing after it is taken from the pipe. */
static int read_line(int fd, char *buf, size_t cap, long deadline)
{
    for (size_t n = 0; n + 1 < cap; n++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, left_ms(deadline)) <= 0 || read(fd, buf + n, 1) != 1)
            return -1;
        if (buf[n] == '\n') {
            buf[n] = '\0';
            return 0;
        }
    }
    return -1;
}

int child_start(struct child *c, const char *const *argv, int err_fd)
{
    int out[2];

    c->pid = 0;
    c->line[0] = '\0';
    if (pipe2(out, O_CLOEXEC) < 0)
        return -1;
    c->pid = spawn(argv, out[1], err_fd);
    close(out[1]);
    int rc = c->pid > 0 ? read_line(out[0], c->line, sizeof c->line, now_ms() + CHILD_TIMEOUT_MS)
                        : -1;
    /* Keeping the read end would let a full pipe block the child; the
     * programs print nothing more on stdout. */
    close(out[0]);
    if (rc < 0 && c->pid > 0)
        child_stop(c, SIGKILL, CHILD_TIMEOUT_MS);
    if (c->pid < 0)
        c->pid = 0;
    return rc;
}

int child_wait(struct child *c, int ms)
{
    long deadline = now_ms() + ms;
    int status;

    if (c->pid <= 0)
        return -1;
    for (;;) {
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid)
            break;
        if (r < 0 || now_ms() >= deadline)
            return -1;
        poll(NULL, 0, 10); /* waitpid has no timeout: look again in 10 ms */
    }
    c->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int child_stop(struct child *c, int sig, int ms)
{
    if (c->pid <= 0)
        return -1;
    kill(c->pid, sig);
    int rc = child_wait(c, ms);
    if (rc < 0 && c->pid > 0) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
        c->pid = 0;
    }
    return rc;
}

/* Reads fd into buf[size] (a string) until end of file, a full buffer or
 * the deadline. */
static void read_all(int fd, char *buf, size_t size, long deadline)
{
    size_t n = 0;
    ssize_t r = 1;

    while (r > 0 && n + 1 < size) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        r = poll(&p, 1, left_ms(deadline)) > 0 ? read(fd, buf + n, size - 1 - n) : -1;
        if (r > 0)
            n += (size_t)r;
    }
    buf[n] = '\0';
}

int child_run(const char *const *argv, char *err, size_t size)
{
    long deadline = now_ms() + CHILD_TIMEOUT_MS;
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC), errp[2] = {-1, -1};
    struct child c = {0};

    if (null < 0 || (err && pipe2(errp, O_CLOEXEC) < 0)) {
        if (null >= 0)
            close(null);
        return -1;
    }
    c.pid = spawn(argv, null, err ? errp[1] : null);
    close(null);
    if (err) {
        close(errp[1]);
        if (c.pid > 0)
            read_all(errp[0], err, size, deadline);
        close(errp[0]);
    }
    if (c.pid <= 0)
        return -1;
    int rc = child_wait(&c, left_ms(deadline));
    if (rc < 0)
        child_stop(&c, SIGKILL, CHILD_TIMEOUT_MS);
    return rc;
}
