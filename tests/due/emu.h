/* Running awsv2-due-emu from the due tests: a real process on a new pty. */
#ifndef AWSV2_TESTS_DUE_EMU_H
#define AWSV2_TESTS_DUE_EMU_H

#include <sys/types.h>

struct emu {
    pid_t pid;
    char pty[256]; /* the first line it printed */
};

/* A fresh temporary directory (mkdtemp) holding "credentials" with AWS's
 * example key; its path goes to dir (cap bytes). 0 on success. */
int emu_tmpdir(char *dir, size_t cap);
/* Removes what emu_tmpdir made and whatever the tests put inside. */
void emu_tmpdir_remove(const char *dir);

/* Starts the emulator with args (NULL-terminated, after the program name)
 * and waits (10 s at most) for the pty path it prints first. The emulator
 * gets SIGTERM when the starting thread dies, so a failing test leaves no
 * process behind. 0 on success. */
int emu_start(struct emu *e, const char *const *args);
/* SIGTERM, then waits (SIGKILL after 5 s). Returns the exit status, or -1. */
int emu_stop(struct emu *e);
/* SIGKILL: a device that vanishes without cleaning up. */
void emu_kill(struct emu *e);

#endif
