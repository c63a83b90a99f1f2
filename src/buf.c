/* Growable buffers (see buf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "internal.h"

awsv2_status awsv2__buf_reserve(awsv2__buf *b, size_t extra)
{
    if (extra > SIZE_MAX / 2 - b->len)
        return AWSV2_E_NOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return AWSV2_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    /* Not realloc: the old block may hold a session token or a signature
     * base, and realloc would free it unwiped. */
    char *p = malloc(cap);
    if (!p)
        return AWSV2_E_NOMEM;
    if (b->data) {
        memcpy(p, b->data, b->len);
        awsv2_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return AWSV2_OK;
}

awsv2_status awsv2__buf_append(awsv2__buf *b, const char *s, size_t n)
{
    if (awsv2__buf_reserve(b, n))
        return AWSV2_E_NOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return AWSV2_OK;
}

void awsv2__buf_free(awsv2__buf *b)
{
    awsv2_wipe(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
