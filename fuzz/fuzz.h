/* What every harness shares. A harness defines LLVMFuzzerTestOneInput; it
 * is linked with libFuzzer by `make fuzz` and with replay_main.c by `make
 * check`, which feeds it the seed corpus and the regression files. */
#ifndef AWSV2_FUZZ_H
#define AWSV2_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which and abort, which both libFuzzer and the
 * replay test report as a failure with the input that caused it. */
#define FUZZ_ASSERT(cond)                                                        \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                      \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* Reads the input as a sequence of fields. */
typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline unsigned fuzz_byte(fuzz_in *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

/* The bytes up to the next separator byte sep (not included; consumed), or
 * the rest: lets a seed be readable text with fields split by a byte. */
static inline const uint8_t *fuzz_field(fuzz_in *in, uint8_t sep, size_t *len)
{
    const uint8_t *start = in->p;
    size_t i = 0;

    while (i < in->n && in->p[i] != sep)
        i++;
    *len = i;
    in->p += i + (i < in->n);
    in->n -= i + (i < in->n);
    return start;
}

/* A NUL-terminated malloc'd copy (aborts when out of memory). */
static inline char *fuzz_strndup(const uint8_t *s, size_t n)
{
    char *c = malloc(n + 1);

    if (!c)
        abort();
    for (size_t i = 0; i < n; i++)
        c[i] = (char)s[i];
    c[n] = '\0';
    return c;
}
#endif
