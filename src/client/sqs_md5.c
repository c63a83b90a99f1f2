/* The MD5s SQS returns for a message, computed locally (see awsv2/sqs.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "awsv2/sqs.h"
#include "hex.h"
#include "internal.h"
#include "sqs_impl.h"

#define MD5_BYTES 16 /* its hex plus a NUL is AWSV2_SQS_MD5_SIZE */

awsv2_status awsv2_sqs_md5_of_body(const char *body, size_t len, char out[AWSV2_SQS_MD5_SIZE],
                                   awsv2_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    if (EVP_Digest(body, len, md, NULL, EVP_md5(), NULL) != 1)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE, "MD5 is not available from OpenSSL");
    awsv2__hex_encode(md, MD5_BYTES, out);
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
    awsv2__hex_encode(md, MD5_BYTES, out);
    return AWSV2_OK;
}
