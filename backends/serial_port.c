/* Opening and driving the serial line to a Due (see serial_port.h). */
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "serial_port.h"

#define DUE_VID 0x2341
#define DUE_PID_NATIVE 0x003e
#define DUE_PID_PROGRAMMING 0x003d

struct awsv2__serial {
    struct sp_port *sp; /* NULL for a pty, opened with termios */
    int fd;             /* non-blocking; libserialport's own for a real port */
    int lock_fd;        /* holds the flock of a real port; -1 for a pty (fd does) */
    enum awsv2__serial_kind kind;
    bool exclusive; /* we set TIOCEXCL: clear it on close */
};

long long awsv2__serial_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum awsv2__serial_kind usb_kind(struct sp_port *sp)
{
    int vid = 0, pid = 0;
    if (sp_get_port_transport(sp) != SP_TRANSPORT_USB ||
        sp_get_port_usb_vid_pid(sp, &vid, &pid) != SP_OK || vid != DUE_VID)
        return AWSV2__SERIAL_UART;
    if (pid == DUE_PID_NATIVE)
        return AWSV2__SERIAL_DUE_NATIVE;
    if (pid == DUE_PID_PROGRAMMING)
        return AWSV2__SERIAL_DUE_PROGRAMMING;
    return AWSV2__SERIAL_UART;
}

/* A board with both cables plugged in shows both ports; the native one does
 * not reset the board on open and has USB flow control, so it wins. */
awsv2_status awsv2__serial_find_due(char *path, size_t cap, awsv2_error *err)
{
    struct sp_port **ports = NULL;
    if (sp_list_ports(&ports) != SP_OK)
        return awsv2__fail(err, AWSV2_E_DEVICE, "cannot list serial ports");
    const char *best = NULL;
    for (size_t i = 0; ports[i]; i++) {
        enum awsv2__serial_kind kind = usb_kind(ports[i]);
        if (kind == AWSV2__SERIAL_DUE_NATIVE) {
            best = sp_get_port_name(ports[i]);
            break;
        }
        if (kind == AWSV2__SERIAL_DUE_PROGRAMMING && !best)
            best = sp_get_port_name(ports[i]);
    }
    awsv2_status st = AWSV2_OK;
    if (!best)
        st = awsv2__fail(err, AWSV2_E_DEVICE,
                         "no Arduino Due (USB id 2341:003e or 2341:003d) found");
    else if ((size_t)snprintf(path, cap, "%s", best) >= cap)
        st = awsv2__fail(err, AWSV2_E_DEVICE, "serial port name too long");
    sp_free_port_list(ports);
    return st;
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Who holds the flock() on path, for the message that refuses a second
 * opener: " (pid N, NAME)", " (pid N)" or "" when /proc does not say. The
 * kernel lists every lock in /proc/locks with its owner's pid and the
 * file's device and inode. */
static void lock_owner(const char *path, char *out, size_t cap)
{
    struct stat st;
    FILE *f;
    char line[256];
    out[0] = '\0';
    if (stat(path, &st) < 0 || !(f = fopen("/proc/locks", "r")))
        return;
    long pid = -1;
    while (pid < 0 && fgets(line, sizeof line, f)) {
        char kind[16];
        long p;
        unsigned maj, min;
        unsigned long ino;
        if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &p, &maj, &min, &ino) == 5 &&
            strcmp(kind, "FLOCK") == 0 && p > 0 && maj == major(st.st_dev) &&
            min == minor(st.st_dev) && ino == (unsigned long)st.st_ino)
            pid = p;
    }
    fclose(f);
    if (pid < 0)
        return;
    char comm[64] = "";
    snprintf(line, sizeof line, "/proc/%ld/comm", pid);
    if ((f = fopen(line, "r"))) {
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    if (comm[0])
        snprintf(out, cap, " (pid %ld, %s)", pid, comm);
    else
        snprintf(out, cap, " (pid %ld)", pid);
}

/* open() failed with e. Permission denied is the first thing a new user
 * meets: say how to get the permission, not only that it is missing. */
static awsv2_status cannot_open(const char *path, int e, awsv2_error *err)
{
    if (e == EACCES || e == EPERM)
        return awsv2__fail(err, AWSV2_E_DEVICE,
                           "cannot open '%s': %s: join the group that owns it (usually "
                           "'dialout': sudo usermod -aG dialout $USER, then log in again), or "
                           "install the udev rule contrib/udev/60-awsv2-due.rules, which gives "
                           "an Arduino Due to the group awsv2-hsmd",
                           path, strerror(e));
    return awsv2__fail(err, AWSV2_E_DEVICE, "cannot open serial port '%s': %s", path,
                       strerror(e));
}

static awsv2_status in_use(const char *path, awsv2_error *err)
{
    char owner[96];
    lock_owner(path, owner, sizeof owner);
    return awsv2__fail(err, AWSV2_E_DEVICE, "'%s' is in use by another program%s", path, owner);
}

/* One host per device: two hosts writing requests on one link would take
 * each other's replies. TIOCEXCL makes the kernel refuse other opens, but
 * not root's; the advisory lock refuses every opener that asks for it, root
 * included (every due: signer does), and names its owner in /proc/locks.
 * Taken before the port is configured, so a refused opener changes
 * nothing on it. */
static awsv2_status lock_port(int fd, const char *path, awsv2_error *err)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return AWSV2_OK;
    return errno == EWOULDBLOCK ? in_use(path, err)
                                : awsv2__fail(err, AWSV2_E_DEVICE, "cannot lock '%s': %s", path,
                                              strerror(errno));
}

/* 115200 8N1 with no flow control, set in one call: the port never passes
 * through 1200 baud, the Due's "erase the chip" signal. */
static awsv2_status open_real(struct awsv2__serial *p, const char *path, awsv2_error *err)
{
    /* libserialport configures the port as it opens it: lock first, on a
     * descriptor of our own. */
    p->lock_fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->lock_fd < 0)
        return errno == EBUSY ? in_use(path, err) : cannot_open(path, errno, err);
    awsv2_status st = lock_port(p->lock_fd, path, err);
    if (st)
        return st;
    struct sp_port_config *cfg = NULL;
    enum sp_return r = sp_open(p->sp, SP_MODE_READ_WRITE);
    if (r == SP_OK)
        r = sp_new_config(&cfg);
    if (r == SP_OK) {
        sp_set_config_baudrate(cfg, 115200);
        sp_set_config_bits(cfg, 8);
        sp_set_config_parity(cfg, SP_PARITY_NONE);
        sp_set_config_stopbits(cfg, 1);
        sp_set_config_flowcontrol(cfg, SP_FLOWCONTROL_NONE);
        /* SerialUSB on the Due only talks to a host that raised DTR. */
        sp_set_config_dtr(cfg, SP_DTR_ON);
        sp_set_config_rts(cfg, SP_RTS_ON);
        r = sp_set_config(p->sp, cfg);
        sp_free_config(cfg);
    }
    if (r == SP_OK)
        r = sp_get_port_handle(p->sp, &p->fd);
    if (r != SP_OK || set_nonblocking(p->fd) < 0) {
        char *msg = sp_last_error_message();
        awsv2__fail(err, AWSV2_E_DEVICE, "cannot open serial port '%s': %s", path,
                    r == SP_ERR_FAIL && msg ? msg : "libserialport failed");
        sp_free_error_message(msg);
        return AWSV2_E_DEVICE;
    }
    p->kind = usb_kind(p->sp);
    p->exclusive = ioctl(p->fd, TIOCEXCL) == 0;
    return AWSV2_OK;
}

static awsv2_status open_pty(struct awsv2__serial *p, const char *path, awsv2_error *err)
{
    p->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->fd < 0 && errno == EBUSY)
        return in_use(path, err);
    if (p->fd < 0)
        return cannot_open(path, errno, err);
    struct termios t;
    if (tcgetattr(p->fd, &t) < 0)
        return awsv2__fail(err, AWSV2_E_DEVICE, "'%s' is not a serial device: %s", path,
                           strerror(errno));
    awsv2_status st = lock_port(p->fd, path, err);
    if (st)
        return st;
    p->exclusive = ioctl(p->fd, TIOCEXCL) == 0;
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    if (tcsetattr(p->fd, TCSANOW, &t) < 0)
        return awsv2__fail(err, AWSV2_E_DEVICE, "cannot set up '%s': %s", path, strerror(errno));
    p->kind = AWSV2__SERIAL_PTY;
    return AWSV2_OK;
}

awsv2_status awsv2__serial_open(struct awsv2__serial **out, const char *path, awsv2_error *err)
{
    struct awsv2__serial *p = calloc(1, sizeof *p);
    if (!p)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    p->fd = p->lock_fd = -1;
    /* libserialport knows the ports under /sys/class/tty (USB, UARTs, and
     * /dev/serial/by-id links to them); anything else that is a tty is a
     * pty and gets termios. */
    awsv2_status st = sp_get_port_by_name(path, &p->sp) == SP_OK ? open_real(p, path, err)
                                                                 : open_pty(p, path, err);
    if (st) {
        awsv2__serial_close(p);
        return st;
    }
    *out = p;
    return AWSV2_OK;
}

void awsv2__serial_close(struct awsv2__serial *p)
{
    if (!p)
        return;
    /* A pty the emulator keeps open would stay exclusive after our close
     * and refuse our own reopen. */
    if (p->exclusive)
        ioctl(p->fd, TIOCNXCL);
    if (p->sp) {
        sp_close(p->sp); /* closes p->fd; harmless when it was never opened */
        sp_free_port(p->sp);
    } else if (p->fd >= 0) {
        close(p->fd);
    }
    if (p->lock_fd >= 0)
        close(p->lock_fd);
    free(p);
}

enum awsv2__serial_kind awsv2__serial_kind(const struct awsv2__serial *p)
{
    return p->kind;
}

/* Waits for events on the port until deadline_ms; returns poll's revents,
 * 0 on timeout, -1 on a poll error. */
static int wait_for(struct awsv2__serial *p, short events, long long deadline_ms)
{
    for (;;) {
        long long left = deadline_ms - awsv2__serial_now_ms();
        struct pollfd pfd = {.fd = p->fd, .events = events};
        int n = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (n > 0)
            return pfd.revents;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

awsv2_status awsv2__serial_write(struct awsv2__serial *p, const void *buf, size_t n,
                                 long long deadline_ms, awsv2_error *err)
{
    const char *b = buf;
    while (n > 0) {
        ssize_t w = write(p->fd, b, n);
        if (w > 0) {
            b += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return awsv2__fail(err, AWSV2_E_DEVICE, "the device vanished (write: %s)",
                               strerror(errno));
        int ev = wait_for(p, POLLOUT, deadline_ms);
        if (ev == 0)
            return awsv2__fail(err, AWSV2_E_TIMEOUT, "the device does not take input");
        if (ev < 0 || (ev & (POLLERR | POLLHUP | POLLNVAL)))
            return awsv2__fail(err, AWSV2_E_DEVICE, "the device vanished (hangup)");
    }
    return AWSV2_OK;
}

awsv2_status awsv2__serial_read(struct awsv2__serial *p, void *buf, size_t cap, size_t *got,
                                long long deadline_ms, awsv2_error *err)
{
    for (;;) {
        ssize_t r = read(p->fd, buf, cap);
        if (r > 0) {
            *got = (size_t)r;
            return AWSV2_OK;
        }
        if (r == 0 || (errno != EAGAIN && errno != EINTR))
            return awsv2__fail(err, AWSV2_E_DEVICE, "the device vanished (%s)",
                               r == 0 ? "end of file" : strerror(errno));
        int ev = wait_for(p, POLLIN, deadline_ms);
        if (ev == 0)
            return awsv2__fail(err, AWSV2_E_TIMEOUT, "the device did not answer in time");
        if (ev < 0 || (ev & POLLNVAL))
            return awsv2__fail(err, AWSV2_E_DEVICE, "the device vanished (poll failed)");
        /* POLLHUP/POLLERR: the next read reports why. */
    }
}

void awsv2__serial_discard_input(struct awsv2__serial *p)
{
    char junk[512];
    tcflush(p->fd, TCIFLUSH);
    while (read(p->fd, junk, sizeof junk) > 0)
        ;
}
