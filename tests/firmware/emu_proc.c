/* The emulator as a process for its process-level tests, on child.h:
 * every wait has a timeout, and an emulator left behind by a failing test
 * dies with the test process (Check's forked test processes exit on
 * failure). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "emu_proc.h"

#define ARGS_MAX 32
#define STOP_MS 10000

int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* argv: the emulator's path (into prog[PATH_MAX]), then args. */
static void emu_argv(const char **argv, char *prog, const char *const *args)
{
	argv[0] = child_program(prog, PATH_MAX, "awsv2-due-emu");
	child_args(argv, ARGS_MAX, 1, args);
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
	const char *argv[ARGS_MAX];
	char prog[PATH_MAX];
	struct termios t;

	emu_argv(argv, prog, args);
	ck_assert_msg(child_start(&e->proc, argv, err_fd) == 0 && e->proc.line[0],
		      "no pty path from awsv2-due-emu");
	e->fd = open(e->proc.line, O_RDWR | O_NOCTTY);
	ck_assert_msg(e->fd >= 0, "cannot open %s", e->proc.line);
	ck_assert_int_eq(tcgetattr(e->fd, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(e->fd, TCSANOW, &t), 0);
}

/* Once the emulator is gone, our side of its pty goes too. */
static int closed(emu_proc *e, int status)
{
	if (e->proc.pid == 0 && e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
	return status;
}

int emu_wait(emu_proc *e, int ms)
{
	return closed(e, child_wait(&e->proc, ms));
}

int emu_stop(emu_proc *e)
{
	return closed(e, child_stop(&e->proc, SIGTERM, STOP_MS));
}

int emu_run(const char *const *args, char *err, size_t size)
{
	const char *argv[ARGS_MAX];
	char prog[PATH_MAX];

	emu_argv(argv, prog, args);
	return child_run(argv, err, size);
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
