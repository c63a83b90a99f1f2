/* RFC 3986 percent-encoding exactly as SigV2 signs it. */
#include <stdint.h>
#include <string.h>

#include "awsv2/request.h"

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
