/* RFC 3986 percent-encoding exactly as SigV2 signs it. With SSE2 (every
 * x86-64), the canonical query's copy classifies sixteen bytes at once. */
#include <stdint.h>
#include <string.h>

#include "awsv2/request.h"
#include "params_impl.h"

/* For every byte, its encoding padded to four bytes ("a\0\0\0" or "%2F\0"),
 * and that encoding's length. Encoding is then one 4-byte copy and one add
 * per byte with no branch, which matters because names and values are short
 * and mix both kinds of bytes. The table is built by the preprocessor. */
#define UNRESERVED(c)                                                               \
    (((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z') ||                    \
     ((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '_' || (c) == '.' || (c) == '~')
#define HEX(n) ((n) < 10 ? '0' + (n) : 'A' + (n) - 10)
#define ENC(c)                                                                      \
    {UNRESERVED(c) ? (char)(c) : '%', UNRESERVED(c) ? 0 : (char)HEX((c) >> 4),      \
     UNRESERVED(c) ? 0 : (char)HEX((c) & 15), 0}
#define ENC4(c) ENC(c), ENC((c) + 1), ENC((c) + 2), ENC((c) + 3)
#define ENC16(c) ENC4(c), ENC4((c) + 4), ENC4((c) + 8), ENC4((c) + 12)
#define ENC64(c) ENC16(c), ENC16((c) + 16), ENC16((c) + 32), ENC16((c) + 48)
#define LEN(c) (UNRESERVED(c) ? 1 : 3)
#define LEN4(c) LEN(c), LEN((c) + 1), LEN((c) + 2), LEN((c) + 3)
#define LEN16(c) LEN4(c), LEN4((c) + 4), LEN4((c) + 8), LEN4((c) + 12)
#define LEN64(c) LEN16(c), LEN16((c) + 16), LEN16((c) + 32), LEN16((c) + 48)

static const char encoded[256][4] = {ENC64(0), ENC64(64), ENC64(128), ENC64(192)};
static const unsigned char encoded_len[256] = {LEN64(0), LEN64(64), LEN64(128), LEN64(192)};
char *awsv2__percent_copy_any(char *out, const char *in, size_t n)
{
#if defined(__SSE2__)
    /* Sixteen bytes copied and classified at once. In a block with bytes
     * to encode, the runs between them are copied sixteen at a time too,
     * each time as far as the output has got. */
    const char *end = in + n;
    char *o = out;
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)in);
        unsigned bad = awsv2__reserved16(v);
        size_t len = 16;
        _mm_storeu_si128((__m128i *)(void *)o, v);
        if (end - in <= 16) {
            len = (size_t)(end - in);
            bad &= (1u << len) - 1;
            if (!bad)
                return o + len;
        } else if (!bad) {
            in += 16;
            o += 16;
            continue;
        }
        size_t k = 0;
        for (; bad; bad &= bad - 1) {
            size_t b = (size_t)__builtin_ctz(bad);
            _mm_storeu_si128((__m128i *)(void *)o,
                             _mm_loadu_si128((const __m128i *)(const void *)(in + k)));
            o += b - k;
            memcpy(o, encoded[(unsigned char)in[b]], 4);
            o += 3;
            k = b + 1;
        }
        _mm_storeu_si128((__m128i *)(void *)o,
                         _mm_loadu_si128((const __m128i *)(const void *)(in + k)));
        o += len - k;
        in += len;
        if (in == end)
            return o;
    }
#else
    /* out has room to spare: each byte's four-byte entry is copied whole. */
    const unsigned char *p = (const unsigned char *)in;
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, encoded[p[i]], 4);
        o += encoded_len[p[i]];
    }
    return o;
#endif
}

static char *encode_one(unsigned char c, char *o)
{
    memcpy(o, encoded[c], 4);
    return o + encoded_len[c];
}

size_t awsv2_percent_encode(const char *in, size_t n, char *out)
{
    const unsigned char *p = (const unsigned char *)in;
    char *o = out;
    size_t i = 0;
    /* Eight unreserved bytes (each of length 1, so the lengths sum to 8) are
     * copied at once; most of a query's names and values are such runs. The
     * loops stop one byte short of the end, written below with its exact
     * length, so that out needs no more than the documented 3 * n + 1. */
    while (i + 9 <= n) {
        unsigned run = encoded_len[p[i]] + encoded_len[p[i + 1]] + encoded_len[p[i + 2]] +
                       encoded_len[p[i + 3]] + encoded_len[p[i + 4]] + encoded_len[p[i + 5]] +
                       encoded_len[p[i + 6]] + encoded_len[p[i + 7]];
        if (run == 8) {
            memcpy(o, p + i, 8);
            o += 8;
        } else {
            for (size_t k = i; k < i + 8; k++)
                o = encode_one(p[k], o);
        }
        i += 8;
    }
    for (; i + 1 < n; i++)
        o = encode_one(p[i], o);
    if (n) {
        memcpy(o, encoded[p[n - 1]], encoded_len[p[n - 1]]);
        o += encoded_len[p[n - 1]];
    }
    *o = '\0';
    return (size_t)(o - out);
}
