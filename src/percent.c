/* RFC 3986 percent-encoding exactly as SigV2 signs it. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "awsv2/request.h"

/* For every byte, its encoding padded to four bytes ("a\0\0\0" or "%2F\0")
 * and that encoding's length. Encoding is then one 4-byte copy and one add
 * per byte with no branch, which matters because names and values are
 * short and mix both kinds of bytes. Built once, on first use. */
static char encoded[256][4];
static unsigned char encoded_len[256];

static int is_unreserved(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

static void build_table(void)
{
    static const char hex[] = "0123456789ABCDEF";
    for (unsigned c = 0; c < 256; c++) {
        if (is_unreserved(c)) {
            encoded[c][0] = (char)c;
            encoded_len[c] = 1;
        } else {
            encoded[c][0] = '%';
            encoded[c][1] = hex[c >> 4];
            encoded[c][2] = hex[c & 15];
            encoded_len[c] = 3;
        }
    }
}

size_t awsv2_percent_encode(const char *in, size_t n, char *out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_table);
    char *o = out;
    /* The last byte is written with exact length, so that out needs no more
     * than the documented 3 * n + 1 bytes. */
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char c = (unsigned char)in[i];
        memcpy(o, encoded[c], 4);
        o += encoded_len[c];
    }
    if (n) {
        unsigned char c = (unsigned char)in[n - 1];
        memcpy(o, encoded[c], encoded_len[c]);
        o += encoded_len[c];
    }
    *o = '\0';
    return (size_t)(o - out);
}
