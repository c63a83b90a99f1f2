/* The byte pipe to a Due: a real serial port (found, opened and configured
 * with libserialport) or a pty (the emulator, or a Due forwarded with socat or
 * ser2net; libserialport refuses ptys, so they are set up with termios).
 * Both end up as one non-blocking file descriptor driven with poll(), so
 * there is a single I/O path to get right and to test. Not thread-safe: the
 * due link serialises its use. */
#ifndef AWSV2_SERIAL_PORT_H
#define AWSV2_SERIAL_PORT_H

#include <stddef.h>

#include "awsv2/status.h"

/* What is at the other end; it picks the default window (due.c). */
enum awsv2__serial_kind {
    AWSV2__SERIAL_DUE_NATIVE,      /* the Due's native USB port (2341:003e) */
    AWSV2__SERIAL_DUE_PROGRAMMING, /* its programming port (2341:003d), a UART */
    AWSV2__SERIAL_UART,            /* any other serial port */
    AWSV2__SERIAL_PTY,             /* a tty libserialport does not know: a pty */
};

struct awsv2__serial;

/* The path of the first Arduino Due on USB (native port preferred) into
 * path (cap bytes). AWSV2_E_DEVICE when there is none. */
awsv2_status awsv2__serial_find_due(char *path, size_t cap, awsv2_error *err);

/* Opens path at 115200 8N1, raw, no flow control; never at 1200 baud (which
 * erases a Due). The port is ours alone until close: TIOCEXCL and an
 * exclusive flock(), so a second opener, in this process or another, root
 * included, is refused at once with AWSV2_E_DEVICE naming the owner's pid
 * and program when /proc tells them. Errors name the path (AWSV2_E_DEVICE). */
awsv2_status awsv2__serial_open(struct awsv2__serial **out, const char *path, awsv2_error *err);
void awsv2__serial_close(struct awsv2__serial *port);
enum awsv2__serial_kind awsv2__serial_kind(const struct awsv2__serial *port);

/* Writes all n bytes before deadline (awsv2__serial_now_ms clock):
 * AWSV2_E_TIMEOUT if the device does not take them in time, AWSV2_E_DEVICE
 * if it vanished. */
awsv2_status awsv2__serial_write(struct awsv2__serial *port, const void *buf, size_t n,
                                 long long deadline_ms, awsv2_error *err);

/* Reads what is available (at least one byte, at most cap), waiting until
 * deadline_ms at most: AWSV2_E_TIMEOUT when nothing came, AWSV2_E_DEVICE
 * when the device vanished (end of file, hangup, I/O error). */
awsv2_status awsv2__serial_read(struct awsv2__serial *port, void *buf, size_t cap, size_t *got,
                                long long deadline_ms, awsv2_error *err);

/* Throws away whatever input is already waiting (stale replies). */
void awsv2__serial_discard_input(struct awsv2__serial *port);

/* Milliseconds on the monotonic clock. */
long long awsv2__serial_now_ms(void);

#endif
