/* Helpers shared by the library's own files. Never installed; the symbols
 * are hidden from libawsv2.so by visibility. */
#ifndef AWSV2_INTERNAL_H
#define AWSV2_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "awsv2/status.h"
#include "awsv2/util.h"

#if defined(__GNUC__)
#define AWSV2__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AWSV2__PRINTF(f, a)
#endif

/* Fills err (if not NULL) with status and a formatted message; returns
 * status so that `return awsv2__fail(err, ...)` reads naturally. With a
 * code as well: the public awsv2_error_set. */
awsv2_status awsv2__fail(awsv2_error *err, awsv2_status status, const char *fmt, ...)
    AWSV2__PRINTF(3, 4);

/* Zeroes memory in a way the compiler cannot remove (OPENSSL_cleanse). */
void awsv2_wipe(void *p, size_t n);

/* Whether the caller's awsv2_error (not NULL) has room for field: the
 * library writes no field past err->size (0 means the first layout). */
#define AWSV2__ERROR_HAS(err, field)                                                        \
    ((err)->size == 0 || (err)->size >= offsetof(awsv2_error, field) + sizeof (err)->field)

/* Copies src into dst (if not NULL), within dst's layout (awsv2_error.size). */
void awsv2__error_copy(awsv2_error *dst, const awsv2_error *src);

/* Wipes then frees a NUL-terminated string holding a secret; NULL is fine. */
void awsv2__free_secret(char *s);

/* strdup that returns NULL only on out-of-memory (NULL in gives NULL). */
char *awsv2__strdup(const char *s);

/* The SHA-256 of n bytes as 64 lower-case hex digits and a NUL (OpenSSL,
 * its digest fetched once). ctx NULL: a one-shot digest, thread-safe.
 * Else *ctx is a digest context of the caller's (made on first use, freed
 * with awsv2__sha256_free) reused so that hashing allocates nothing; one
 * thread at a time per context. */
void awsv2__sha256_hex(void **ctx, const void *data, size_t n, char out[65]);
void awsv2__sha256_free(void *ctx);

#define AWSV2__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
