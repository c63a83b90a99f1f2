/* Child-process handling for the emulator's process-level tests. Every
 * wait has a timeout; an emulator left behind by a failing test is killed
 * at exit (Check's forked test processes exit on failure). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "emu_proc.h"

static pid_t running[16];

static void kill_running(void)
{
	for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
		if (running[i] > 0)
			kill(running[i], SIGKILL);
}

static void track(pid_t pid, pid_t replace)
{
	static int registered;

	if (!registered && atexit(kill_running) == 0)
		registered = 1;
	for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
		if (running[i] == replace) {
			running[i] = pid;
			return;
		}
	}
}

int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t spawn(const char *const *args, int out_fd, int err_fd)
{
	const char *top = getenv("top_builddir");
	char prog[4096];
	const char *argv[32];
	size_t n = 0;
	pid_t pid;

	snprintf(prog, sizeof prog, "%s/awsv2-due-emu", top ? top : ".");
	argv[n++] = prog;
	while (args && *args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		dup2(out_fd, 1);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	track(pid, 0);
	return pid;
}

/* Reads into buf until '\n' or EOF; the length, or -1 on timeout. */
static int read_line_fd(int fd, char *buf, size_t size, int ms)
{
	int64_t deadline = ms_now() + ms;
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = deadline - ms_now();
		ssize_t r;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		r = read(fd, buf + n, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)  /* EOF, or EIO once the pty's other side is gone */
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

void emu_start(emu_proc *e, const char *const *args)
{
	emu_start_logged(e, args, -1);
}

void emu_start_logged(emu_proc *e, const char *const *args, int err_fd)
{
	int p[2];
	struct termios t;
	int n;

	ck_assert_int_eq(pipe(p), 0);
	e->pid = spawn(args, p[1], err_fd);
	close(p[1]);
	e->out = p[0];
	n = read_line_fd(e->out, e->path, sizeof e->path, 10000);
	ck_assert_msg(n > 1 && e->path[n - 1] == '\n', "no pty path from awsv2-due-emu");
	e->path[n - 1] = '\0';
	e->fd = open(e->path, O_RDWR | O_NOCTTY);
	ck_assert_msg(e->fd >= 0, "cannot open %s", e->path);
	ck_assert_int_eq(tcgetattr(e->fd, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(e->fd, TCSANOW, &t), 0);
}

int emu_wait(emu_proc *e, int ms)
{
	int64_t deadline = ms_now() + ms;
	int status;

	do {
		pid_t r = waitpid(e->pid, &status, WNOHANG);
		if (r == e->pid) {
			track(0, e->pid);
			if (e->fd >= 0)
				close(e->fd);
			close(e->out);
			e->fd = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		usleep(2000);
	} while (ms_now() < deadline);
	return -1;
}

int emu_stop(emu_proc *e)
{
	int rc;

	kill(e->pid, SIGTERM);
	rc = emu_wait(e, 10000);
	if (rc < 0) {
		kill(e->pid, SIGKILL);
		emu_wait(e, 10000);
	}
	return rc;
}

int emu_run(const char *const *args, char *err, size_t size)
{
	int out[2], errp[2];
	emu_proc e = { .fd = -1 };
	size_t n = 0;
	ssize_t r;

	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(errp), 0);
	e.pid = spawn(args, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	e.out = out[0];
	while (n + 1 < size && (r = read(errp[0], err + n, size - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = '\0';
	close(errp[0]);
	return emu_wait(&e, 10000);
}

void emu_send(emu_proc *e, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(e->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		ck_assert_int_gt(w, 0);
		p += w;
		len -= (size_t)w;
	}
}

int emu_read_line(emu_proc *e, char *buf, size_t size, int ms)
{
	return read_line_fd(e->fd, buf, size, ms);
}
