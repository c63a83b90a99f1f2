/* The daemon's listening socket: "HOST:PORT" (IPv4 or a name), "[V6]:PORT"
 * or "unix:/path". Port 0 picks a free port; the URL says which. */
#ifndef HSMD_LISTEN_H
#define HSMD_LISTEN_H

#include <stdbool.h>

#include "awsv2/status.h"

#define HSMD_DEFAULT_LISTEN "127.0.0.1:8086"
/* The owner and its group may connect; others may not. */
#define HSMD_SOCKET_MODE 0660u
/* The admin socket (--admin-listen): the owner only. */
#define HSMD_ADMIN_SOCKET_MODE 0600u

struct hsmd_listen {
    int fd;
    bool local;      /* a loopback address or a Unix socket */
    char path[108];  /* the Unix socket's path (removed on close), else "" */
    char url[256];   /* what clients use: an http: signer spec */
};

/* Parses addr, binds and listens. A Unix socket is created with
 * unix_mode's permission bits whatever the umask (HSMD_SOCKET_MODE unless
 * told). Errors name addr. Call it before any thread starts: it sets the
 * process's umask around bind. */
awsv2_status hsmd_listen_open(struct hsmd_listen *out, const char *addr, unsigned unix_mode,
                              awsv2_error *err);

/* Closes fd if still open (fd < 0 means someone took it) and removes a Unix
 * socket's path. */
void hsmd_listen_close(struct hsmd_listen *l);

#endif
