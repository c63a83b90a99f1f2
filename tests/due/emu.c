/* Running awsv2-due-emu from the due tests (see emu.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"

#define READY_TIMEOUT_MS 10000

int emu_tmpdir(char *dir, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, cap, "%s/due-test.XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(dir))
        return -1;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/credentials", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
               "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    return fclose(f);
}

void emu_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
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

/* $top_builddir/awsv2-due-emu, or where firmware/ may put it. */
static const char *program(void)
{
    static char path[PATH_MAX];
    const char *top = getenv("top_builddir");
    const char *const rel[] = {"awsv2-due-emu", "firmware/emu/awsv2-due-emu"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", top && *top ? top : ".", rel[i]);
        if (access(path, X_OK) == 0)
            break;
    }
    return path;
}

static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (n + 1 < cap) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = READY_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
                                        (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
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

int emu_start(struct emu *e, const char *const *args)
{
    const char *argv[32] = {program()};
    size_t argc = 1;
    for (; args && args[argc - 1] && argc < 31; argc++)
        argv[argc] = args[argc - 1];
    argv[argc] = NULL;
    int out[2];
    if (pipe(out) < 0)
        return -1;
    pid_t parent = getpid();
    e->pid = fork();
    if (e->pid < 0)
        return -1;
    if (e->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execv(argv[0], (char **)argv);
        _exit(127);
    }
    close(out[1]);
    int rc = read_line(out[0], e->pty, sizeof e->pty);
    close(out[0]); /* it prints nothing else on stdout */
    if (rc < 0) {
        emu_kill(e);
        return -1;
    }
    return 0;
}

int emu_stop(struct emu *e)
{
    if (e->pid <= 0)
        return -1;
    kill(e->pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 500; i++) {
        pid_t r = waitpid(e->pid, &status, WNOHANG);
        if (r == e->pid) {
            e->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        usleep(10000); /* polling a child's exit: there is no readiness line */
    }
    emu_kill(e);
    return -1;
}

void emu_kill(struct emu *e)
{
    if (e->pid <= 0)
        return;
    kill(e->pid, SIGKILL);
    waitpid(e->pid, NULL, 0);
    e->pid = 0;
}
