/* Reading the secret for awsv2-keys put (see keys_secret.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "awsv2/status.h"
#include "awsv2/util.h"
#include "keys_secret.h"

/* Byte by byte with read(2): no stdio buffer keeps a copy of the secret. */
static awsv2_status read_line(char *buf, size_t cap, awsv2_error *err)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return awsv2_error_set(err, AWSV2_E_IO, NULL, "cannot read the secret: %s", strerror(errno));
        if (r == 0 || c == '\n')
            break;
        if (n + 1 >= cap) {
            awsv2_wipe(buf, cap);
            return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "the secret is too long");
        }
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return n ? AWSV2_OK : awsv2_error_set(err, AWSV2_E_INVALID, NULL, "no secret on standard input");
}

awsv2_status keys_secret_from_stdin(const char *id, char *secret, size_t cap, awsv2_error *err)
{
    struct termios saved, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        fprintf(stderr, "Secret access key for %s: ", id);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    awsv2_status st = read_line(secret, cap, err);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    return st;
}
