/* File- or memory-backed flash pages for the core's key store. Every
 * change to the file is synced before the call returns, as a flash write
 * is done when the device replies OK. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_store.h"
#include "hsm_util.h"

static off_t offset(unsigned page)
{
	return (off_t)page * HSM_PAGE_SIZE;
}

static int st_read(void *ctx, unsigned page, uint8_t buf[HSM_PAGE_SIZE])
{
	emu_store *s = ctx;

	if (page >= s->pages)
		return -1;
	if (s->mem) {
		memcpy(buf, s->mem + offset(page), HSM_PAGE_SIZE);
		return 0;
	}
	return pread(s->fd, buf, HSM_PAGE_SIZE, offset(page)) == HSM_PAGE_SIZE ? 0 : -1;
}

static int st_write(void *ctx, unsigned page, const uint8_t buf[HSM_PAGE_SIZE])
{
	emu_store *s = ctx;

	if (page >= s->pages)
		return -1;
	if (s->mem) {
		memcpy(s->mem + offset(page), buf, HSM_PAGE_SIZE);
		return 0;
	}
	if (pwrite(s->fd, buf, HSM_PAGE_SIZE, offset(page)) != HSM_PAGE_SIZE)
		return -1;
	return fdatasync(s->fd);
}

static int st_erase(void *ctx, unsigned page)
{
	uint8_t erased[HSM_PAGE_SIZE];

	memset(erased, 0xFF, sizeof erased);
	return st_write(ctx, page, erased);
}

/* Pads the file with erased pages up to s->pages. */
static int fill(emu_store *s)
{
	struct stat st;

	if (fstat(s->fd, &st) != 0)
		return -1;
	for (unsigned p = (unsigned)(st.st_size / HSM_PAGE_SIZE); p < s->pages; p++)
		if (st_erase(s, p) != 0)
			return -1;
	return 0;
}

/* As ssh treats a private key: the owner's alone, or refused. */
static int check_private(emu_store *s)
{
	struct stat st;

	if (fstat(s->fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		snprintf(s->refused, sizeof s->refused, "is not a regular file; refused");
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		snprintf(s->refused, sizeof s->refused,
			 "permissions %04o are too open: the key store must be its owner's "
			 "alone (chmod 600)", (unsigned)(st.st_mode & 07777));
	return s->refused[0] ? -1 : 0;
}

int emu_store_open(emu_store *s, const char *path, unsigned pages)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->pages = pages;
	s->storage = (hsm_storage){ s, st_read, st_erase, st_write };
	if (!path) {
		s->mem = malloc((size_t)pages * HSM_PAGE_SIZE);
		if (!s->mem)
			return -1;
		memset(s->mem, 0xFF, (size_t)pages * HSM_PAGE_SIZE);
		return 0;
	}
	/* O_NONBLOCK: a FIFO in its place is refused below, not waited on. */
	s->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK,
		     0600);
	if (s->fd < 0) {
		struct stat st;

		if (errno == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(s->refused, sizeof s->refused,
				 "is a symbolic link; refused (name the file itself)");
			errno = EPERM;
		}
		return -1;
	}
	if (check_private(s) != 0) {
		if (s->refused[0])
			errno = EPERM;
		emu_store_close(s);
		return -1;
	}
	if (flock(s->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			errno = EBUSY;
		emu_store_close(s);
		return -1;
	}
	if (fill(s) != 0) {
		emu_store_close(s);
		return -1;
	}
	return 0;
}

void emu_store_close(emu_store *s)
{
	int saved = errno;

	if (s->mem) {
		hsm_wipe(s->mem, (size_t)s->pages * HSM_PAGE_SIZE);
		free(s->mem);
		s->mem = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	errno = saved;
}
