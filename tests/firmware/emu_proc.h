/* Starting the real awsv2-due-emu for a test and talking to its pty. */
#ifndef TEST_EMU_PROC_H
#define TEST_EMU_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "child.h"

typedef struct emu_proc {
	struct child proc; /* its line: the pty path */
	int fd;            /* our side: the pty's slave, raw */
} emu_proc;

/* Starts $top_builddir/awsv2-due-emu with args (NULL-terminated), reads
 * the pty path from its first line and opens it. Fails the test if it
 * cannot. The emulator is killed if the test process exits (child.h). */
void emu_start(emu_proc *e, const char *const *args);
/* The same with the emulator's stderr going to err_fd. */
void emu_start_logged(emu_proc *e, const char *const *args, int err_fd);

/* SIGTERM, then waits (at most 10 s) for the exit status. */
int emu_stop(emu_proc *e);

/* Waits for the process to exit by itself (at most ms); its status or -1. */
int emu_wait(emu_proc *e, int ms);

/* Runs the emulator with args to its end (e.g. --help or a usage error)
 * and returns its exit status; its stderr goes to err[size]. */
int emu_run(const char *const *args, char *err, size_t size);

void emu_send(emu_proc *e, const void *data, size_t len);
#define emu_send_str(e, s) emu_send(e, s, sizeof(s) - 1)

/* Reads one reply line (with its '\n') into buf within ms; returns its
 * length, 0 on end of file (the emulator closed the pty), -1 on timeout. */
int emu_read_line(emu_proc *e, char *buf, size_t size, int ms);

int64_t ms_now(void);

#endif
