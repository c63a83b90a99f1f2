/* due-glitch: a hostile Due for the tests. It opens a real device (the pty
 * of awsv2-due-emu), makes a pty of its own, prints that pty's path as its
 * first stdout line, and passes the host's requests through unchanged while
 * it mangles the device's reply lines:
 *
 *   due-glitch [--double] [--drop N] [--stale N] [--trickle MS] [--flip N] DEVICE
 *
 * --double      every reply line but a PONG is sent twice
 * --drop N      every Nth reply line but a PONG (counting the doubles) is lost
 * --stale N     every Nth reply line but a PONG is lost and the line sent
 *               before it goes again in its place (a stale reply buffer)
 * --trickle MS  the bytes of replies but PONGs go out one at a time, MS ms
 *               apart (a PONG waits for the slow bytes before it)
 * --flip N      the host's bytes are mangled instead: every Nth one but a
 *               NUL has its lowest bit flipped (never into a NUL)
 *
 * PONGs pass untouched so that the host can get back in step: what is
 * tested is that mangled replies never become a success for the wrong
 * request, and that slow ones never stretch a request past its timeout. Runs until SIGTERM or either side hangs
 * up. */
#define _GNU_SOURCE /* posix_openpt, grantpt, unlockpt, ptsname_r */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 16384
#define OUT_MAX (4 * 1024 * 1024)

static bool opt_double;
static unsigned long opt_drop, opt_stale, opt_trickle_ms, opt_flip, replies, stale_count,
    host_bytes;
static char last[LINE_MAX_BYTES]; /* the line sent before */
static size_t last_len;

static char line[LINE_MAX_BYTES];
static size_t line_len;
static char *out;  /* bytes for the host, not written yet */
static char *slow; /* for each, whether it is trickled */
static size_t out_len;

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void queue(const char *s, size_t n, bool trickled)
{
    bool pong = n >= 5 && memcmp(s, "PONG ", 5) == 0;
    if (opt_stale && !pong && ++stale_count % opt_stale == 0 && last_len) {
        s = last;
        n = last_len;
    } else {
        memcpy(last, s, n);
        last_len = n;
    }
    if (out_len + n > OUT_MAX) {
        fprintf(stderr, "due-glitch: host does not read\n");
        exit(1);
    }
    memcpy(out + out_len, s, n);
    memset(slow + out_len, trickled, n);
    out_len += n;
}

/* One complete reply line (with its '\n') from the device. */
static void reply_line(const char *s, size_t n)
{
    if (n >= 5 && memcmp(s, "PONG ", 5) == 0) {
        queue(s, n, false);
        return;
    }
    for (int copy = 0; copy < (opt_double ? 2 : 1); copy++) {
        replies++;
        if (opt_drop && replies % opt_drop == 0)
            continue;
        queue(s, n, opt_trickle_ms > 0);
    }
}

static void from_device(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (line_len < sizeof line)
            line[line_len++] = buf[i];
        if (buf[i] == '\n') {
            reply_line(line, line_len);
            line_len = 0;
        }
    }
}

static int raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) < 0)
        return -1;
    cfmakeraw(&t);
    return tcsetattr(fd, TCSANOW, &t);
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        if (w <= 0)
            exit(0);
        s += w;
        n -= (size_t)w;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: due-glitch [--double] [--drop N] [--stale N] [--trickle MS] "
                    "[--flip N] DEVICE\n");
    return 2;
}

/* --flip: a bit error on the way to the device. */
static void flip(char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != '\0' && buf[i] != '\1' && ++host_bytes % opt_flip == 0)
            buf[i] ^= 1;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc - 1; i++) {
        if (strcmp(argv[i], "--double") == 0)
            opt_double = true;
        else if (strcmp(argv[i], "--drop") == 0 && i + 2 < argc)
            opt_drop = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--stale") == 0 && i + 2 < argc)
            opt_stale = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--trickle") == 0 && i + 2 < argc)
            opt_trickle_ms = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--flip") == 0 && i + 2 < argc)
            opt_flip = strtoul(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (i != argc - 1)
        return usage();
    signal(SIGPIPE, SIG_IGN);
    out = malloc(OUT_MAX);
    slow = malloc(OUT_MAX);
    int dev = open(argv[i], O_RDWR | O_NOCTTY | O_CLOEXEC);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    char path[256];
    if (!out || !slow || dev < 0 || raw(dev) < 0 || master < 0 || grantpt(master) < 0 ||
        unlockpt(master) < 0 || ptsname_r(master, path, sizeof path) != 0) {
        perror("due-glitch");
        return 1;
    }
    /* Keep our pty's slave open so that the host closing it is no hangup. */
    int keep = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (keep < 0 || raw(keep) < 0) {
        perror("due-glitch");
        return 1;
    }
    printf("%s\n", path);
    fflush(stdout);

    long long next_byte = 0;
    for (;;) {
        int wait = -1;
        if (out_len) {
            long long left = slow[0] ? next_byte - now_ms() : 0;
            wait = left > 0 ? (int)left : 0;
        }
        struct pollfd p[2] = {{.fd = master, .events = POLLIN}, {.fd = dev, .events = POLLIN}};
        if (poll(p, 2, wait) < 0 && errno != EINTR)
            return 1;
        char buf[4096];
        if (p[0].revents & POLLIN) {
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0 && opt_flip)
                flip(buf, (size_t)n);
            if (n > 0)
                write_all(dev, buf, (size_t)n);
        }
        if (p[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(dev, buf, sizeof buf);
            if (n <= 0)
                return 0;
            from_device(buf, (size_t)n);
        }
        if (out_len && (!slow[0] || now_ms() >= next_byte)) {
            size_t n = 1;
            if (!slow[0])
                while (n < out_len && !slow[n])
                    n++;
            write_all(master, out, n);
            memmove(out, out + n, out_len - n);
            memmove(slow, slow + n, out_len - n);
            out_len -= n;
            next_byte = now_ms() + (long long)opt_trickle_ms;
        }
    }
}
