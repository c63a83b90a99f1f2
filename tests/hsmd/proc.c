#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define TIMEOUT_MS 10000

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

const char *proc_program(char *path, const char *relpath, ...)
{
    const char *top = getenv("top_builddir");
    va_list ap;

    va_start(ap, relpath);
    for (const char *rel = relpath; rel; rel = va_arg(ap, const char *)) {
        snprintf(path, PATH_MAX, "%s/%s", top && *top ? top : ".", rel);
        if (access(path, X_OK) == 0)
            break;
    }
    va_end(ap);
    return path;
}

static int read_line(int fd, char *buf, size_t cap)
{
    long deadline = now_ms() + TIMEOUT_MS;
    size_t n = 0;

    while (n + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        long left = deadline - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0 || read(fd, buf + n, 1) != 1)
            return -1;
        if (buf[n] == '\n') {
            buf[n] = '\0';
            return 0;
        }
        n++;
    }
    return -1;
}

static void child(const char *const *argv, int out[2], const char *stderr_path, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    if (stderr_path) {
        int fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0)
            dup2(fd, STDERR_FILENO);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

int proc_start(struct proc *p, const char *const *argv, const char *stderr_path)
{
    int out[2];
    pid_t parent = getpid();

    if (pipe(out) < 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0)
        child(argv, out, stderr_path, parent);
    close(out[1]);
    int rc = read_line(out[0], p->line, sizeof p->line);
    /* Keeping the pipe's read end would let a full pipe block the child;
     * the programs print nothing else on stdout. */
    close(out[0]);
    if (rc < 0) {
        proc_stop(p, SIGKILL);
        return -1;
    }
    return 0;
}

int proc_stop(struct proc *p, int sig)
{
    long deadline = now_ms() + TIMEOUT_MS;
    int status;

    if (p->pid <= 0)
        return -1;
    kill(p->pid, sig);
    for (;;) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid)
            break;
        if (r < 0)
            return -1;
        if (now_ms() > deadline) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            break;
        }
        /* waitpid has no timeout: poll for the child's exit every 10 ms */
        poll(NULL, 0, 10);
    }
    p->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int proc_run(const char *const *argv)
{
    struct proc p = {0};
    long deadline = now_ms() + TIMEOUT_MS;
    int status = 0;

    p.pid = fork();
    if (p.pid < 0)
        return -1;
    if (p.pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    while (waitpid(p.pid, &status, WNOHANG) == 0) {
        if (now_ms() > deadline)
            return proc_stop(&p, SIGKILL);
        poll(NULL, 0, 10); /* as in proc_stop */
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int proc_tmpdir(char *dir, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];

    snprintf(dir, cap, "%s/hsmd-test.XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/credentials", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
               "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    return fclose(f);
}

void proc_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[PATH_MAX];
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}
