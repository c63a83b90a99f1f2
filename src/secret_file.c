/* Opening and reading files that hold secrets (see secret_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "secret_file.h"

static awsv2_status check_private(const char *path, int fd, awsv2_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return awsv2__fail(err, AWSV2_E_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return awsv2__fail(err, AWSV2_E_CONFIG, "'%s' is not a regular file; refused", path);
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "permissions %04o for '%s' are too open: it must be readable by "
                           "its owner only (chmod 600)",
                           (unsigned)(st.st_mode & 07777), path);
    return AWSV2_OK;
}

awsv2_status awsv2__secret_file_open(const char *path, unsigned flags, int *fd, bool *found,
                                     awsv2_error *err)
{
    bool private = flags & AWSV2__SECRET_FILE_PRIVATE;
    /* O_NONBLOCK: a FIFO planted where a private file should be must not
     * hang the open; it is refused as not a regular file just after. */
    int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (private ? O_NOFOLLOW | O_NONBLOCK : 0);
    if (found)
        *found = true;
    *fd = open(path, oflags);
    if (*fd < 0) {
        int e = errno;
        struct stat st;
        if (e == ENOENT && found) {
            *found = false;
            return AWSV2_OK;
        }
        if (private && e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            return awsv2__fail(err, AWSV2_E_CONFIG,
                               "'%s' is a symbolic link; refused (name the file itself)", path);
        errno = e;
        return awsv2__fail(err, AWSV2_E_IO, "%s: %s", path, strerror(e));
    }
    awsv2_status st = private ? check_private(path, *fd, err) : AWSV2_OK;
    if (st) {
        close(*fd);
        *fd = -1;
    }
    return st;
}

void awsv2__secret_file_free(char *data, size_t len)
{
    if (!data)
        return;
    awsv2_wipe(data, len + 1);
    free(data);
}

/* Moves the len bytes of *buf to a new block of cap bytes, wiping the old. */
static bool grow(char **buf, size_t len, size_t cap)
{
    char *p = malloc(cap);
    if (!p)
        return false;
    if (len)
        memcpy(p, *buf, len);
    awsv2__secret_file_free(*buf, len);
    *buf = p;
    return true;
}

awsv2_status awsv2__secret_file_read(const char *path, unsigned flags, size_t max, char **data,
                                     size_t *len, bool *found, awsv2_error *err)
{
    int fd;
    *data = NULL;
    *len = 0;
    awsv2_status st = awsv2__secret_file_open(path, flags, &fd, found, err);
    if (st || fd < 0)
        return st;
    struct stat sb;
    /* A regular file's size (+ 1 for the NUL, + 1 to see the end) is a
     * good first guess: usually the buffer never grows. */
    size_t cap = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
                         (uintmax_t)sb.st_size < max
                     ? (size_t)sb.st_size + 2
                     : 4096;
    char *buf = NULL;
    size_t n = 0;
    if (!grow(&buf, 0, cap))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    while (!st) {
        if (n + 1 >= cap) {
            if (cap > max) {
                st = awsv2__fail(err, AWSV2_E_CONFIG, "%s: larger than %zu bytes", path, max);
                break;
            }
            if (!grow(&buf, n, cap * 2)) {
                st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
                break;
            }
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            st = awsv2__fail(err, AWSV2_E_IO, "%s: %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            n += (size_t)r;
    }
    close(fd);
    if (!st && n > max)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "%s: larger than %zu bytes", path, max);
    if (st) {
        if (buf)
            awsv2_wipe(buf, cap);
        free(buf);
        return st;
    }
    buf[n] = '\0'; /* read(2) wrote nothing past n: wiping n + 1 bytes wipes it all */
    *data = buf;
    *len = n;
    return AWSV2_OK;
}

awsv2_status awsv2_private_file_read(const char *path, size_t max, char **data, size_t *len,
                                     awsv2_error *err)
{
    return awsv2__secret_file_read(path, AWSV2__SECRET_FILE_PRIVATE, max, data, len, NULL, err);
}

void awsv2_private_file_free(char *data, size_t len)
{
    awsv2__secret_file_free(data, len);
}
