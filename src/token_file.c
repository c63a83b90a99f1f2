/* Reading a bearer token file (see token_file.h). */
#include <stdio.h>
#include <string.h>

#include "token_file.h"

awsv2_status awsv2__token_file_read(const char *path, char buf[AWSV2__TOKEN_MAX + 2], size_t *len)
{
    FILE *f = fopen(path, "r");

    *len = 0;
    buf[0] = '\0';
    if (!f)
        return AWSV2_E_IO;
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
