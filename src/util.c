/* Hex and base64 for programs and for the library itself (see util.h):
 * hex through the shared string-to-sign module, base64 through OpenSSL. */
#include <string.h>

#include <openssl/evp.h>

#include "awsv2_sts.h"
#include "internal.h"

void awsv2_hex_encode(const void *in, size_t n, char *out)
{
    awsv2__hex_encode(in, n, out);
    out[2 * n] = '\0';
}

awsv2_status awsv2_hex_decode(const char *hex, size_t len, void *out, size_t n, awsv2_error *err)
{
    if (!awsv2__hex_decode(hex, len, out, n))
        return awsv2__fail(err, AWSV2_E_INVALID, "not %zu bytes of hex", n);
    return AWSV2_OK;
}

/* EVP's block functions take an int length. */
#define BASE64_MAX ((size_t)1 << 30)

awsv2_status awsv2_base64_encode(const void *in, size_t n, char *out, size_t cap,
                                 size_t *out_len, awsv2_error *err)
{
    if (n > BASE64_MAX)
        return awsv2__fail(err, AWSV2_E_INVALID, "too much data to base64-encode");
    if (cap < AWSV2_BASE64_LEN(n) + 1)
        return awsv2__fail(err, AWSV2_E_INVALID, "no room for the base64 of %zu bytes", n);
    int got = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    if (out_len)
        *out_len = (size_t)got;
    return AWSV2_OK;
}

awsv2_status awsv2_base64_decode(const char *text, size_t len, void *out, size_t cap,
                                 size_t *out_len, awsv2_error *err)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    *out_len = 0;
    if (len % 4 != 0 || len > BASE64_MAX)
        return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    /* EVP_DecodeBlock counts padding as zero bytes and accepts '=' inside:
     * only canonical text gets there. */
    size_t pad = len && text[len - 1] == '=' ? (len > 1 && text[len - 2] == '=' ? 2 : 1) : 0;
    for (size_t i = 0; i < len - pad; i++)
        if (!text[i] || !memchr(alphabet, text[i], sizeof alphabet - 1))
            return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    size_t n = len / 4 * 3 - pad;
    if (cap < len / 4 * 3)
        return awsv2__fail(err, AWSV2_E_INVALID, "no room for %zu decoded bytes", n);
    if (EVP_DecodeBlock(out, (const unsigned char *)text, (int)len) < 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "not valid base64");
    *out_len = n;
    return AWSV2_OK;
}
