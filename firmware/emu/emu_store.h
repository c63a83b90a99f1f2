/* The key store's flash pages, modelled by a file (--keystore) or memory. */
#ifndef EMU_STORE_H
#define EMU_STORE_H

#include <stdint.h>

#include "hsm_storage.h"

typedef struct emu_store {
	int fd;               /* the file, or -1 for memory */
	uint8_t *mem;         /* the pages when in memory */
	unsigned pages;
	hsm_storage storage;  /* the interface the core uses; ctx is this */
	char refused[96];     /* why the file was refused, or "" */
} emu_store;

/* Opens `pages` pages: in the file path (created 0600 and erased if new,
 * padded with erased pages if short, locked against a second emulator),
 * or in memory when path is NULL. The file holds the device's secrets, so
 * it must be the file itself (no symbolic link), a regular file, and open
 * to its owner only (mode 0600 or narrower), or it is refused with
 * s->refused saying why. Returns 0, or -1 with errno set (EBUSY: another
 * emulator holds it; EPERM with s->refused set: refused). */
int emu_store_open(emu_store *s, const char *path, unsigned pages);
void emu_store_close(emu_store *s);

#endif
