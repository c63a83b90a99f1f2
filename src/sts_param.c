/* Finding a parameter in a string to sign (see sts_param.h). */
#include <string.h>

#include "sts_param.h"

/* The query line: what follows the third '\n', or NULL. */
static const char *query_line(const char *s, size_t len, size_t *qlen)
{
    const char *end = s + len;
    for (int i = 0; i < 3; i++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            return NULL;
        s = nl + 1;
    }
    *qlen = (size_t)(end - s);
    return s;
}

int awsv2__sts_param(const char *sts, size_t len, const char *name, const char **value,
                     size_t *value_len)
{
    size_t qlen, name_len = strlen(name);
    const char *q = query_line(sts, len, &qlen), *end;
    int count = 0;
    if (!q)
        return 0;
    for (end = q + qlen; q < end;) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - q) > name_len && memcmp(q, name, name_len) == 0 &&
            q[name_len] == '=' && count++ == 0) {
            *value = q + name_len + 1;
            *value_len = (size_t)(stop - *value);
        }
        q = stop + 1;
    }
    return count;
}
