/* Reading the secret for awsv2-keys put (see keys_secret.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "awsv2/credentials.h"
#include "keys_secret.h"
#include "signer_impl.h"

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
            return awsv2__fail(err, AWSV2_E_IO, "cannot read the secret: %s", strerror(errno));
        if (r == 0 || c == '\n')
            break;
        if (n + 1 >= cap) {
            awsv2__wipe(buf, cap);
            return awsv2__fail(err, AWSV2_E_INVALID, "the secret is too long");
        }
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return n ? AWSV2_OK : awsv2__fail(err, AWSV2_E_INVALID, "no secret on standard input");
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

awsv2_status keys_secret_from_file(const char *path, const char *profile, char *id,
                                   size_t cap_id, char *secret, size_t cap, awsv2_error *err)
{
    awsv2_credentials *creds = NULL;
    awsv2_status st = awsv2_credentials_load_file(&creds, path, profile, err);
    if (st)
        return st;
    const char *key_id = awsv2_credentials_access_key_id(creds);
    const char *s = awsv2__credentials_secret(creds);
    if (!key_id || !s)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "profile [%s] of %s has no key pair",
                         profile ? profile : "default", path);
    else if (strlen(key_id) >= cap_id || strlen(s) >= cap)
        st = awsv2__fail(err, AWSV2_E_INVALID, "the key pair in %s is too long", path);
    else {
        memcpy(id, key_id, strlen(key_id) + 1);
        memcpy(secret, s, strlen(s) + 1);
    }
    awsv2_credentials_free(creds);
    return st;
}
