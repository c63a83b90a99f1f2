/* The scripted HTTP server of the client's tests (see stub_server.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stub_server.h"

#define REQUEST_MAX (4u << 20)

struct stub_server {
    const struct stub_reply *script;
    size_t n, next;
    int listen_fd;
    int stop[2]; /* a byte on stop[1] ends the thread */
    pthread_t thread;
    pthread_mutex_t lock;
    int requests, connections;
    char *req; /* the request being read, then the last one */
    size_t req_len;
    char url[64];
};

/* Waits until fd is ready for events or the server is stopped. */
static bool wait_for(struct stub_server *s, int fd, short events)
{
    struct pollfd p[2] = {{fd, events, 0}, {s->stop[0], POLLIN, 0}};
    while (poll(p, 2, -1) < 0)
        ;
    return !(p[1].revents & POLLIN);
}

static bool send_all(struct stub_server *s, int fd, const char *p, size_t n)
{
    while (n > 0) {
        if (!wait_for(s, fd, POLLOUT))
            return false;
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

static size_t content_length(const char *head)
{
    for (const char *p = head; (p = strchr(p, '\n')) != NULL;)
        if (strncasecmp(++p, "content-length:", 15) == 0)
            return strtoul(p + 15, NULL, 10);
    return 0;
}

/* Reads one request (head and body) into s->req; false when the peer
 * closed, the request is too large, or the server stops. */
static bool read_request(struct stub_server *s, int fd)
{
    size_t len = 0, want = 0;
    char *end = NULL;
    while (!end || len < want) {
        if (len == REQUEST_MAX || !wait_for(s, fd, POLLIN))
            return false;
        ssize_t k = recv(fd, s->req + len, REQUEST_MAX - len, 0);
        if (k <= 0)
            return false;
        len += (size_t)k;
        s->req[len] = '\0';
        if (!end && (end = strstr(s->req, "\r\n\r\n")) != NULL)
            want = (size_t)(end + 4 - s->req) + content_length(s->req);
    }
    pthread_mutex_lock(&s->lock);
    s->req_len = len;
    s->requests++;
    pthread_mutex_unlock(&s->lock);
    return true;
}

static bool stream(struct stub_server *s, int fd, const struct stub_reply *r)
{
    char head[160];
    int n = r->kind == STUB_HUGE_LENGTH
                ? snprintf(head, sizeof head,
                           "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                           "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                           r->stream_bytes)
                : snprintf(head, sizeof head,
                           "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n");
    size_t chunk = strlen(r->body);
    bool ok = send_all(s, fd, head, (size_t)n);
    for (size_t sent = 0; ok && sent < r->stream_bytes; sent += chunk)
        ok = send_all(s, fd, r->body, chunk);
    return false; /* the connection ends either way */
}

/* Answers one request; false when the connection is to be closed. */
static bool answer(struct stub_server *s, int fd, const struct stub_reply *r)
{
    char head[160];
    switch (r->kind) {
    case STUB_REPLY: {
        size_t len = strlen(r->body);
        int n = snprintf(head, sizeof head,
                         "HTTP/1.1 %d Stub\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n",
                         r->status, len);
        return send_all(s, fd, head, (size_t)n) && send_all(s, fd, r->body, len);
    }
    case STUB_SILENT: {
        char c;
        while (wait_for(s, fd, POLLIN) && recv(fd, &c, 1, 0) > 0)
            ; /* hold the connection until the peer gives up */
        return false;
    }
    default:
        return stream(s, fd, r);
    }
}

static void *serve(void *arg)
{
    struct stub_server *s = arg;
    while (wait_for(s, s->listen_fd, POLLIN)) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&s->lock);
        s->connections++;
        pthread_mutex_unlock(&s->lock);
        bool open = true;
        while (open && read_request(s, fd)) {
            const struct stub_reply *r = &s->script[s->next < s->n ? s->next : s->n - 1];
            s->next++;
            open = answer(s, fd, r);
        }
        close(fd);
    }
    return NULL;
}

static int listen_loopback(char *url, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8) ||
        getsockname(fd, (struct sockaddr *)&a, &alen)) {
        close(fd);
        return -1;
    }
    snprintf(url, cap, "http://127.0.0.1:%d/", ntohs(a.sin_port));
    return fd;
}

struct stub_server *stub_start(const struct stub_reply *script, size_t n)
{
    struct stub_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->script = script;
    s->n = n;
    s->req = malloc(REQUEST_MAX + 1);
    s->listen_fd = listen_loopback(s->url, sizeof s->url);
    pthread_mutex_init(&s->lock, NULL);
    if (!s->req || s->listen_fd < 0 || pipe(s->stop) ||
        pthread_create(&s->thread, NULL, serve, s)) {
        fprintf(stderr, "stub_start failed\n");
        abort(); /* a test cannot go on without its server */
    }
    return s;
}

const char *stub_url(const struct stub_server *s)
{
    return s->url;
}

int stub_requests(struct stub_server *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

int stub_connections(struct stub_server *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->connections;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void stub_last_request(struct stub_server *s, char *buf, size_t cap)
{
    pthread_mutex_lock(&s->lock);
    snprintf(buf, cap, "%.*s", (int)s->req_len, s->req);
    pthread_mutex_unlock(&s->lock);
}

void stub_stop(struct stub_server *s)
{
    if (write(s->stop[1], "x", 1) != 1)
        abort();
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->stop[0]);
    close(s->stop[1]);
    pthread_mutex_destroy(&s->lock);
    free(s->req);
    free(s);
}
