/* Reading a bearer token file (see token_file.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "token_file.h"

awsv2_status awsv2__token_file_read(const char *path, char buf[AWSV2__TOKEN_MAX + 2], size_t *len)
{
    FILE *f = fopen(path, "r");

    *len = 0;
    buf[0] = '\0';
    if (!f)
        return AWSV2_E_IO;
    setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer keeps a copy of the token */
    if (!fgets(buf, AWSV2__TOKEN_MAX + 2, f))
        buf[0] = '\0';
    fclose(f);
    size_t n = strcspn(buf, "\r\n");
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    *len = n;
    return n == 0 || n > AWSV2__TOKEN_MAX ? AWSV2_E_CONFIG : AWSV2_OK;
}

awsv2_status awsv2_token_file_read(const char *path, char *buf, size_t cap, size_t *len,
                                   awsv2_error *err)
{
    char tmp[AWSV2__TOKEN_MAX + 2];
    awsv2_status st = awsv2__token_file_read(path, tmp, len);
    if (st == AWSV2_E_IO)
        st = awsv2__fail(err, st, "token file %s: %s", path, strerror(errno));
    else if (st)
        st = awsv2__fail(err, st, "token file %s: %s", path,
                         *len == 0 ? "no token on its first line" : "token too long");
    else if (*len >= cap)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "token file %s: token too long", path);
    else
        memcpy(buf, tmp, *len + 1);
    awsv2_wipe(tmp, sizeof tmp);
    if (st)
        *len = 0;
    return st;
}
