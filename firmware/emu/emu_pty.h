/* The emulator's serial port: a new pseudo-terminal. */
#ifndef EMU_PTY_H
#define EMU_PTY_H

#include <stddef.h>

typedef struct emu_pty {
	int master;       /* non-blocking; the emulator's side */
	int slave;        /* kept open so the master never sees a hangup */
	char path[256];   /* the slave's path, for the host */
} emu_pty;

/* Opens a pty with its slave side raw. Returns 0, or -1 with errno set. */
int emu_pty_open(emu_pty *p);
void emu_pty_close(emu_pty *p);

/* Makes link a symlink to target, replacing any file there atomically
 * (a temporary link renamed over it). Returns 0, or -1 with errno set. */
int emu_symlink(const char *target, const char *link);

#endif
