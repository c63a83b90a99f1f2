/* See codec.h. OpenSSL does the digests, base64 and randomness. */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

void mock_hex(const void *data, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0x0F];
    }
    out[2 * n] = '\0';
}

void mock_md5_hex(const void *data, size_t n, char hex[33])
{
    unsigned char digest[16];
    EVP_Digest(data, n, digest, NULL, EVP_md5(), NULL);
    mock_hex(digest, sizeof digest, hex);
}

size_t mock_base64(const void *data, size_t n, char *out)
{
    return (size_t)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
}

bool mock_unbase64(const char *text, unsigned char **out, size_t *len)
{
    size_t n = strlen(text);
    if (n == 0 || n % 4 != 0 || n > (size_t)1 << 30 || (*out = malloc(n / 4 * 3 + 1)) == NULL)
        return false;
    int got = EVP_DecodeBlock(*out, (const unsigned char *)text, (int)n);
    if (got < 0) {
        free(*out);
        *out = NULL;
        return false;
    }
    /* EVP_DecodeBlock counts the bytes of '=' padding as zeros. */
    *len = (size_t)got - (text[n - 1] == '=') - (text[n - 2] == '=');
    return true;
}

static void random_bytes(unsigned char *b, size_t n)
{
    if (RAND_bytes(b, (int)n) != 1)
        abort(); /* no randomness: ids would repeat */
}

void mock_uuid(char out[37])
{
    unsigned char b[16];
    char hex[33];
    random_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    mock_hex(b, sizeof b, hex);
    memcpy(out, hex, 8);
    out[8] = '-';
    memcpy(out + 9, hex + 8, 4);
    out[13] = '-';
    memcpy(out + 14, hex + 12, 4);
    out[18] = '-';
    memcpy(out + 19, hex + 16, 4);
    out[23] = '-';
    memcpy(out + 24, hex + 20, 13);
}

void mock_random_hex(size_t n, char *out)
{
    unsigned char b[64];
    while (n > 0) {
        size_t chunk = n < sizeof b ? n : sizeof b;
        random_bytes(b, chunk);
        mock_hex(b, chunk, out);
        out += 2 * chunk;
        n -= chunk;
    }
}

static bool digits(const char *s, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

bool mock_iso8601(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec;
    if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec) ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *tail = s + 19;
    if (*tail == '.') {
        if (*++tail < '0' || *tail > '9')
            return false;
        while (*tail >= '0' && *tail <= '9')
            tail++;
    }
    if (*tail == 'Z')
        tail++;
    if (*tail != '\0')
        return false;
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = sec };
    time_t t = timegm(&tm);
    /* timegm carries 2026-02-30 into March: a changed day is no date. */
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return false;
    *out = t;
    return true;
}

bool mock_amz_date(const char *s, time_t *out)
{
    char iso[21];
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return false;
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6, s + 9, s + 11,
             s + 13);
    return mock_iso8601(iso, out);
}
