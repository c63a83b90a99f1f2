/* Base64 through OpenSSL's EVP block functions (see b64.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "b64.h"
#include "internal.h"

awsv2_status awsv2__b64_encode(const void *in, size_t n, char **out, awsv2_error *err)
{
    *out = NULL;
    if (n > (size_t)1 << 30)
        return awsv2__fail(err, AWSV2_E_INVALID, "too much data to base64-encode");
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (!s)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    EVP_EncodeBlock((unsigned char *)s, in, (int)n);
    *out = s;
    return AWSV2_OK;
}

awsv2_status awsv2__b64_decode(const char *text, uint8_t **out, size_t *n, awsv2_error *err)
{
    *out = NULL;
    *n = 0;
    size_t len = strlen(text);
    if (len % 4 != 0 || len > (size_t)1 << 30 ||
        strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len)
        return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    /* EVP_DecodeBlock counts padding as zero bytes; take them off. */
    size_t pad = len && text[len - 1] == '=' ? (len > 1 && text[len - 2] == '=' ? 2 : 1) : 0;
    if (memchr(text, '=', len - pad))
        return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    uint8_t *b = malloc(len / 4 * 3 + 1);
    if (!b)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    int got = EVP_DecodeBlock(b, (const unsigned char *)text, (int)len);
    if (got < 0) {
        free(b);
        return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    }
    *n = (size_t)got - pad;
    b[*n] = '\0';
    *out = b;
    return AWSV2_OK;
}
