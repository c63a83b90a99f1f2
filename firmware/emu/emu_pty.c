/* A raw pty whose master the emulator serves. Our own descriptor on the
 * slave stays open, so when a host closes the slave and opens it again
 * (as serial libraries do) the master sees neither EIO nor a hangup. */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "emu_pty.h"

int emu_pty_open(emu_pty *p)
{
	struct termios t;
	const char *name;

	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p->master < 0)
		return -1;
	if (grantpt(p->master) != 0 || unlockpt(p->master) != 0
	    || !(name = ptsname(p->master)) || strlen(name) >= sizeof p->path)
		goto fail;
	strcpy(p->path, name);
	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || tcgetattr(p->slave, &t) != 0)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(p->slave, TCSANOW, &t) != 0)
		goto fail;
	if (fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK) != 0
	    || fcntl(p->master, F_SETFD, FD_CLOEXEC) != 0)
		goto fail;
	return 0;
fail:
	emu_pty_close(p);
	return -1;
}

void emu_pty_close(emu_pty *p)
{
	int saved = errno;

	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->slave = p->master = -1;
	errno = saved;
}

int emu_symlink(const char *target, const char *link)
{
	size_t n = strlen(link) + 32;
	char *tmp = malloc(n);
	int rc = -1;

	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.%ld.tmp", link, (long)getpid());
	unlink(tmp);
	if (symlink(target, tmp) == 0) {
		rc = rename(tmp, link);
		if (rc != 0) {
			int saved = errno;
			unlink(tmp);
			errno = saved;
		}
	}
	free(tmp);
	return rc;
}
