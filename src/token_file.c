/* Reading a bearer token file: the token is the file's first line, without
 * its line ending and trailing spaces and tabs. One reader (public:
 * awsv2_token_file_read), so that awsv2-hsmd (--token-file) and the http:
 * backend (token_file=) always agree on what a file holds. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "secret_file.h"

/* AWSV2_TOKEN_SIZE less its NUL. */
#define AWSV2__TOKEN_MAX (AWSV2_TOKEN_SIZE - 1)

/* The first line, through read(2) into buf itself: no stdio buffer and no
 * heap block ever holds the token. Fills err, naming the file. */
static awsv2_status read_token(const char *path, char buf[AWSV2__TOKEN_MAX + 2], size_t *len,
                               awsv2_error *err)
{
    const size_t room = AWSV2__TOKEN_MAX + 1;
    size_t got = 0;
    int fd;

    *len = 0;
    buf[0] = '\0';
    awsv2_status st = awsv2__secret_file_open(path, AWSV2__SECRET_FILE_PRIVATE, &fd, NULL, err);
    if (st)
        return st;
    while (!st && got < room && !memchr(buf, '\n', got)) {
        ssize_t r = read(fd, buf + got, room - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            st = awsv2__fail(err, AWSV2_E_IO, "token file %s: %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            got += (size_t)r;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    if (st) {
        awsv2_wipe(buf, AWSV2__TOKEN_MAX + 2);
        return st;
    }
    size_t n = 0;
    while (n < got && buf[n] != '\r' && buf[n] != '\n' && buf[n] != '\0')
        n++;
    if (n < got && buf[n] == '\0') {
        awsv2_wipe(buf, AWSV2__TOKEN_MAX + 2);
        return awsv2__fail(err, AWSV2_E_CONFIG, "token file %s: a NUL byte in its first line",
                           path);
    }
    awsv2_wipe(buf + n, AWSV2__TOKEN_MAX + 2 - n); /* the rest of the file */
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    *len = n;
    if (n == 0)
        return awsv2__fail(err, AWSV2_E_CONFIG, "token file %s: no token on its first line",
                           path);
    if (n > AWSV2__TOKEN_MAX)
        return awsv2__fail(err, AWSV2_E_CONFIG, "token file %s: token too long", path);
    return AWSV2_OK;
}

awsv2_status awsv2_token_file_read(const char *path, char *buf, size_t cap, size_t *len,
                                   awsv2_error *err)
{
    char tmp[AWSV2__TOKEN_MAX + 2];
    awsv2_status st = read_token(path, tmp, len, err);
    if (!st && *len >= cap)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "token file %s: token too long", path);
    else if (!st)
        memcpy(buf, tmp, *len + 1);
    awsv2_wipe(tmp, sizeof tmp);
    if (st)
        *len = 0;
    return st;
}
