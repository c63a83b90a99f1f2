#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "awsv2/status.h"
#include "listen.h"

#define BACKLOG 128

static awsv2_status sock_fail(struct hsmd_listen *l, const char *addr, const char *what,
                              awsv2_error *err)
{
    awsv2_status st = awsv2_error_set(err, AWSV2_E_NETWORK, NULL, "listen address '%s': %s: %s", addr,
                                  what, strerror(errno));
    hsmd_listen_close(l);
    return st;
}

/* A Unix socket left by a daemon that died is removed; a live one (someone
 * accepts on it) or any other file is not. */
static void remove_stale(const struct sockaddr_un *sun)
{
    struct stat sb;
    if (lstat(sun->sun_path, &sb) != 0 || !S_ISSOCK(sb.st_mode))
        return;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    if (connect(fd, (const struct sockaddr *)sun, sizeof *sun) != 0 && errno == ECONNREFUSED)
        unlink(sun->sun_path);
    close(fd);
}

static awsv2_status open_unix(struct hsmd_listen *l, const char *addr, const char *path,
                              unsigned mode, awsv2_error *err)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    mode_t old;
    int rc;

    if (*path == '\0' || strlen(path) >= sizeof sun.sun_path)
        return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "listen address '%s': bad socket path", addr);
    strcpy(sun.sun_path, path);
    remove_stale(&sun);
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l->fd < 0)
        return sock_fail(l, addr, "socket", err);
    /* bind creates the file with 0777 less the umask: the mode is right
     * from the start, never wider for a moment as with a chmod after. */
    old = umask(~(mode_t)mode & 0777);
    rc = bind(l->fd, (struct sockaddr *)&sun, sizeof sun);
    umask(old);
    if (rc != 0)
        return sock_fail(l, addr, "bind", err);
    strcpy(l->path, path);
    if (listen(l->fd, BACKLOG) != 0)
        return sock_fail(l, addr, "listen", err);
    l->local = true;
    snprintf(l->url, sizeof l->url, "http://localhost/sign/aws?unix_socket=%s", path);
    return AWSV2_OK;
}

/* Splits "host:port" or "[v6]:port" into host[] and port. */
static awsv2_status split(const char *addr, char *host, size_t cap, const char **port,
                          awsv2_error *err)
{
    const char *colon;
    size_t n;

    if (addr[0] == '[') {
        const char *end = strchr(addr, ']');
        if (!end || end[1] != ':')
            return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "listen address '%s': want [V6]:PORT", addr);
        colon = end + 1;
        addr++;
        n = (size_t)(end - addr);
    } else {
        colon = strrchr(addr, ':');
        if (!colon)
            return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "listen address '%s': want HOST:PORT", addr);
        n = (size_t)(colon - addr);
    }
    if (n == 0 || n >= cap || colon[1] == '\0')
        return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "listen address '%s': want HOST:PORT", addr);
    memcpy(host, addr, n);
    host[n] = '\0';
    *port = colon + 1;
    return AWSV2_OK;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    return sa->sa_family == AF_INET6 &&
           IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* The URL of the bound socket (the real port when 0 was asked). */
static void set_url(struct hsmd_listen *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    unsigned port;

    getsockname(l->fd, (struct sockaddr *)&ss, &len);
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
        port = ntohs(s6->sin6_port);
        snprintf(l->url, sizeof l->url, "http://[%s]:%u/sign/aws", host, port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
        port = ntohs(s4->sin_port);
        snprintf(l->url, sizeof l->url, "http://%s:%u/sign/aws", host, port);
    }
}

static awsv2_status open_inet(struct hsmd_listen *l, const char *addr, awsv2_error *err)
{
    char host[256];
    const char *port = NULL;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai;
    awsv2_status st = split(addr, host, sizeof host, &port, err);
    int one = 1;

    if (st != AWSV2_OK)
        return st;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0)
        return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "listen address '%s': %s", addr,
                           gai_strerror(rc));
    l->local = is_loopback(ai->ai_addr);
    l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l->fd < 0)
        st = sock_fail(l, addr, "socket", err);
    else if (setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        st = sock_fail(l, addr, "SO_REUSEADDR", err);
    else if (ai->ai_family == AF_INET6 &&
             setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        st = sock_fail(l, addr, "IPV6_V6ONLY", err);
    else if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) != 0)
        st = sock_fail(l, addr, "bind", err);
    else if (listen(l->fd, BACKLOG) != 0)
        st = sock_fail(l, addr, "listen", err);
    else
        set_url(l);
    freeaddrinfo(ai);
    return st;
}

awsv2_status hsmd_listen_open(struct hsmd_listen *out, const char *addr, unsigned unix_mode,
                              awsv2_error *err)
{
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (strncmp(addr, "unix:", 5) == 0)
        return open_unix(out, addr, addr + 5, unix_mode, err);
    return open_inet(out, addr, err);
}

void hsmd_listen_close(struct hsmd_listen *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    if (l->path[0])
        unlink(l->path);
    l->path[0] = '\0';
}
