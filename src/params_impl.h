/* What the request code needs of a parameter set beyond the public API:
 * its canonical query. The set's struct stays private to params.c. */
#ifndef AWSV2_PARAMS_IMPL_H
#define AWSV2_PARAMS_IMPL_H

#include <stdint.h>

#include "awsv2/request.h"
#include "buf.h"

/* Appends the canonical query of params (every parameter but Signature,
 * sorted by name bytes, name=value percent-encoded, joined by '&') to out. */
awsv2_status awsv2__canonical_query(const awsv2_params *params, awsv2__buf *out);

/* What signing reads of the set, found while the query is joined. */
struct awsv2__query_marks {
    int has_key_id;           /* whether the set has AWSAccessKeyId */
    size_t key_id_at;         /* where its encoded value starts in out */
    size_t key_id_len;        /* and its length */
    const char *method;       /* the value of SignatureMethod; NULL: none */
};

/* awsv2__canonical_query, filling marks (NULL: none). method points into
 * the set, valid until it changes. */
awsv2_status awsv2__canonical_query_marked(const awsv2_params *params, awsv2__buf *out,
                                           struct awsv2__query_marks *marks);

/* Writes the n bytes at in to out percent-encoded as awsv2_percent_encode
 * does, without its NUL; returns the end of what it wrote. Made for short
 * strings, most of which need no encoding: it reads and writes 16 bytes at
 * a time, so in must have 15 readable bytes past in + n, and out room for
 * 3 * n + 16 bytes (the parameter arena and the canonical query keep that
 * much spare). awsv2__percent_copy is the common case inline (with SSE2:
 * at most 32 bytes, none to encode), awsv2__percent_copy_any the rest. */
char *awsv2__percent_copy_any(char *out, const char *in, size_t n);

#if defined(__SSE2__)
#include <emmintrin.h>

/* A bit for each of the 16 bytes of v that percent-encoding changes: all
 * but A-Z, a-z, 0-9, '-', '.', '_' and '~'. */
static inline unsigned awsv2__reserved16(__m128i v)
{
    /* Letters: v | 0x20 in 'a'..'z'. Ranges are compared as signed bytes
     * after moving lo to -128. */
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i ok = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
                                _mm_set1_epi8((char)(-128 + 26)));
    /* '-', '.', '/' and the digits, less '/'. */
    __m128i num = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '-'))),
                                 _mm_set1_epi8((char)(-128 + 13)));
    num = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), num);
    ok = _mm_or_si128(_mm_or_si128(ok, num),
                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('~'))));
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}
#endif

static inline char *awsv2__percent_copy(char *out, const char *in, size_t n)
{
#if defined(__SSE2__)
    if (n <= 32) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)in);
        _mm_storeu_si128((__m128i *)(void *)out, v);
        unsigned bad = awsv2__reserved16(v);
        if (n > 16) {
            __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(in + 16));
            _mm_storeu_si128((__m128i *)(void *)(out + 16), w);
            bad |= awsv2__reserved16(w) << 16;
        }
        if (!(bad & (uint32_t)(((uint64_t)1 << n) - 1)))
            return out + n;
    }
#endif
    return awsv2__percent_copy_any(out, in, n);
}

#endif
