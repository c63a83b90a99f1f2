/* SQS's character and attribute rules and its MD5s (see sqs_check.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "awsv2/util.h"
#include "awsv2_sts.h"
#include "internal.h"
#include "sqs_check.h"

#define MD5_BYTES 16 /* its hex plus a NUL is AWSV2_SQS_MD5_SIZE */

/* data_type is base alone or base followed by ".custom". */
static bool has_base(const char *data_type, const char *base)
{
    size_t n = strlen(base);
    return strncmp(data_type, base, n) == 0 &&
           (data_type[n] == '\0' || (data_type[n] == '.' && data_type[n + 1] != '\0'));
}

bool awsv2__sqs_is_binary(const char *data_type)
{
    return has_base(data_type, "Binary");
}

awsv2_status awsv2__sqs_check_attribute(const awsv2_sqs_attribute *a, awsv2_error *err)
{
    if (!a->name || !*a->name || !a->data_type || (!a->value && a->value_len))
        return awsv2__fail(err, AWSV2_E_INVALID, "a message attribute needs a name and a type");
    if (!has_base(a->data_type, "String") && !has_base(a->data_type, "Number") &&
        !awsv2__sqs_is_binary(a->data_type))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "message attribute %s: type \"%s\" is not String, Number or Binary",
                           a->name, a->data_type);
    if (a->value_len == 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "message attribute %s has an empty value",
                           a->name);
    if (!awsv2__sqs_is_binary(a->data_type) && !awsv2__sqs_text_is_valid(a->value, a->value_len))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "message attribute %s: the value is not text SQS accepts", a->name);
    return AWSV2_OK;
}

/* awsv2__utf8_next already refuses surrogates and anything past U+10FFFF;
 * SQS also refuses most controls and the two non-characters U+FFFE/FFFF. */
static bool allowed(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

bool awsv2__sqs_text_is_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    while (len > 0) {
        uint32_t c;
        size_t n = awsv2__utf8_next(p, len, &c);
        if (n == 0 || !allowed(c))
            return false;
        p += n;
        len -= n;
    }
    return true;
}

awsv2_status awsv2__sqs_md5_check(const char *what, const char *theirs, const char *ours,
                                  awsv2_error *err)
{
    if (strcasecmp(theirs, ours) == 0)
        return AWSV2_OK;
    return awsv2_error_set(err, AWSV2_E_CHECKSUM, "MD5Mismatch",
                            "%s: SQS reported MD5 \"%s\", the message has %s", what,
                            theirs[0] ? theirs : "(none)", ours);
}

awsv2_status awsv2_sqs_md5_of_body(const char *body, size_t len, char out[AWSV2_SQS_MD5_SIZE],
                                   awsv2_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    if (EVP_Digest(body, len, md, NULL, EVP_md5(), NULL) != 1)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE, "MD5 is not available from OpenSSL");
    awsv2_hex_encode(md, MD5_BYTES, out);
    return AWSV2_OK;
}

/* Every field goes in as a 4-byte big-endian length and its bytes. */
static int update_field(EVP_MD_CTX *ctx, const void *p, size_t n)
{
    unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 8), (unsigned char)n};
    return EVP_DigestUpdate(ctx, len, 4) == 1 && EVP_DigestUpdate(ctx, p, n) == 1;
}

static int update_attribute(EVP_MD_CTX *ctx, const awsv2_sqs_attribute *a)
{
    unsigned char transport = awsv2__sqs_is_binary(a->data_type) ? 2 : 1;
    return update_field(ctx, a->name, strlen(a->name)) &&
           update_field(ctx, a->data_type, strlen(a->data_type)) &&
           EVP_DigestUpdate(ctx, &transport, 1) == 1 && update_field(ctx, a->value, a->value_len);
}

static int by_name(const void *a, const void *b)
{
    const awsv2_sqs_attribute *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

awsv2_status awsv2_sqs_md5_of_attributes(const awsv2_sqs_attribute *attributes, size_t n,
                                         char out[AWSV2_SQS_MD5_SIZE], awsv2_error *err)
{
    const awsv2_sqs_attribute **sorted = calloc(n ? n : 1, sizeof *sorted);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = sorted && ctx;
    for (size_t i = 0; ok && i < n; i++)
        sorted[i] = &attributes[i];
    if (ok)
        qsort(sorted, n, sizeof *sorted, by_name); /* strcmp: byte order, as AWS sorts */
    unsigned char md[EVP_MAX_MD_SIZE];
    ok = ok && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = update_attribute(ctx, sorted[i]);
    ok = ok && EVP_DigestFinal_ex(ctx, md, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    free(sorted);
    if (!ok)
        return awsv2__fail(err, AWSV2_E_NOMEM, "could not compute the attributes' MD5");
    awsv2_hex_encode(md, MD5_BYTES, out);
    return AWSV2_OK;
}
