/* A growable byte buffer whose storage is kept across resets, so code that
 * rebuilds a string per request stops allocating once warm. */
#ifndef AWSV2_BUF_H
#define AWSV2_BUF_H

#include <stddef.h>

#include "awsv2/status.h"

typedef struct awsv2__buf {
    char *data; /* NUL-terminated when len > 0 or after awsv2__buf_reserve */
    size_t len;
    size_t cap;
} awsv2__buf;

/* Makes room for extra more bytes plus a NUL. */
awsv2_status awsv2__buf_reserve(awsv2__buf *b, size_t extra);
awsv2_status awsv2__buf_append(awsv2__buf *b, const char *s, size_t n);
static inline void awsv2__buf_reset(awsv2__buf *b) { b->len = 0; if (b->data) b->data[0] = '\0'; }
/* Wipes the contents (they may be secret) and frees. */
void awsv2__buf_free(awsv2__buf *b);

#endif
