/* The two SigV2 signature methods, and SigV4's SHA-256. */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "awsv2/request.h"
#include "internal.h"

const char *awsv2_hash_name(awsv2_hash hash)
{
    return hash == AWSV2_HMAC_SHA1 ? "HmacSHA1" : "HmacSHA256";
}

size_t awsv2_hash_size(awsv2_hash hash)
{
    return hash == AWSV2_HMAC_SHA1 ? 20 : 32;
}

awsv2_status awsv2_hash_parse(const char *name, awsv2_hash *out, awsv2_error *err)
{
    if (name && strcmp(name, "HmacSHA256") == 0) {
        *out = AWSV2_HMAC_SHA256;
        return AWSV2_OK;
    }
    if (name && strcmp(name, "HmacSHA1") == 0) {
        *out = AWSV2_HMAC_SHA1;
        return AWSV2_OK;
    }
    return awsv2__fail(err, AWSV2_E_INVALID,
                       "unsupported signature method '%s' (HmacSHA256 or HmacSHA1)",
                       name ? name : "(none)");
}

/* Fetched once: an implicit fetch per digest takes OpenSSL's global locks,
 * which showed as a tenth of SigV4 signing's time. */
static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void awsv2__sha256_hex(void **ctx, const void *data, size_t n, char out[65])
{
    unsigned char h[32];
    unsigned int len = 0;
    pthread_once(&sha256_once, fetch_sha256);
    const EVP_MD *md = sha256 ? sha256 : EVP_sha256();
    EVP_MD_CTX *c = ctx ? *ctx : NULL;
    if (ctx && !c)
        c = *ctx = EVP_MD_CTX_new();
    int ok = c ? EVP_DigestInit_ex(c, md, NULL) && EVP_DigestUpdate(c, data, n) &&
                     EVP_DigestFinal_ex(c, h, &len)
               : EVP_Digest(data, n, h, &len, md, NULL);
    if (!ok || len != 32)
        memset(h, 0, sizeof h); /* never happens with a working OpenSSL */
    awsv2_hex_encode(h, sizeof h, out);
}

void awsv2__sha256_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}
