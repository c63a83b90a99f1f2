/* awsv2-hsmd-single DEVICE: the original design of the signing daemon, for
 * awsv2-bench hsmd to time against awsv2-hsmd. Like hsmd.py (bottle on
 * wsgiref), one thread serves one connection at a time, one request per
 * connection (HTTP/1.0: closed after the answer), and each POST /sign/aws
 * is one blocking device round trip: "SIGN-AWS-V2 <body>\0" written, one
 * reply line read, answered 200 with hsmd.py's JSON. Nothing else (no
 * tokens, no checks, no other route): a benchmark's stand-in, never
 * installed. Prints its URL, then serves until SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define BODY_MAX 8192

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One line from the device (pyserial's readline: byte by byte up to '\n'). */
static int read_line(int fd, char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < cap)
            line[n++] = c;
    }
    line[n] = '\0';
    return 0;
}

/* Reads one request's head and body from c into buf; the body's start and
 * length, or -1. */
static int read_request(int c, char *buf, size_t cap, char **body, size_t *len)
{
    size_t n = 0;
    char *end = NULL;
    while (!end) {
        ssize_t r = read(c, buf + n, cap - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end && n + 1 >= cap)
            return -1;
    }
    size_t want = 0;
    for (const char *h = strstr(buf, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
        if (strncasecmp(h + 2, "content-length:", 15) == 0)
            want = strtoul(h + 17, NULL, 10);
    *body = end + 4;
    size_t have = n - (size_t)(*body - buf);
    if (want > BODY_MAX || (size_t)(*body - buf) + want >= cap)
        return -1;
    while (have < want) {
        ssize_t r = read(c, *body + have, want - have);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    *len = want;
    return 0;
}

static void serve(int c, int dev)
{
    static char buf[BODY_MAX + 4096], cmd[BODY_MAX + 32], line[256], reply[512];
    char *body;
    size_t len;

    if (read_request(c, buf, sizeof buf, &body, &len) != 0)
        return;
    int n = snprintf(cmd, sizeof cmd, "SIGN-AWS-V2 %.*s", (int)len, body);
    if (write_all(dev, cmd, (size_t)n + 1) != 0 || read_line(dev, line, sizeof line) != 0)
        snprintf(line, sizeof line, "ERROR device-unavailable");
    char *sp = strchr(line, ' ');
    const char *arg = sp ? sp + 1 : "";
    char json[300];
    int m = strncmp(line, "SUCCESS ", 8) == 0
                ? snprintf(json, sizeof json, "{\"success\": true, \"signature\": \"%s\"}", arg)
                : snprintf(json, sizeof json, "{\"success\": false, \"error\": \"%s\"}", arg);
    int k = snprintf(reply, sizeof reply,
                     "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                     m, json);
    write_all(c, reply, (size_t)k);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: awsv2-hsmd-single DEVICE\n");
        return 2;
    }
    int dev = open(argv[1], O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    if (dev < 0 || tcgetattr(dev, &t) != 0) {
        perror(argv[1]);
        return 3;
    }
    cfmakeraw(&t);
    cfsetspeed(&t, B115200);
    tcsetattr(dev, TCSANOW, &t);

    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 128) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
        perror("awsv2-hsmd-single: listen");
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    printf("http://127.0.0.1:%d/sign/aws\n", ntohs(a.sin_port));
    fflush(stdout);
    while (!stop) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue; /* EINTR on SIGTERM */
        serve(c, dev);
        close(c);
    }
    close(s);
    close(dev);
    return 0;
}
