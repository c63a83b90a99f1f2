/* The openssl backend: HMAC in process with EVP_MAC. The secret is keyed
 * into one context per hash at open (and one keyed with "AWS4" + secret,
 * the root of SigV4's key derivation) and never kept elsewhere; each
 * signature re-initialises a keyed context (EVP_MAC_init with a NULL key
 * keeps the key), which costs a third of a one-shot HMAC(). Contexts are
 * not thread-safe, so each sits behind its own mutex. A string to sign
 * that the request code built comes with a mark of where it wrote the
 * access key id (openssl_sign_marked): the key id is compared there
 * instead of parsing the string, and parsed if it does not match.
 *
 * SigV4's kSigning depends on the date, region and service only, so the
 * last few are cached (sigv4_host.h, shared with the due backend's scoped
 * keys), wiped when evicted and on close. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "awsv2_sts.h"
#include "awsv2_sts4.h"
#include "credentials_impl.h"
#include "signer_impl.h"
#include "sigv4_host.h"

struct keyed_mac {
    pthread_mutex_t lock;
    EVP_MAC_CTX *ctx;
};

struct openssl_signer {
    struct keyed_mac mac[2]; /* indexed by awsv2_hash */
    struct keyed_mac aws4;   /* HMAC-SHA256 keyed with "AWS4" + secret */
    struct awsv2__scope_keys *keys; /* kSigning per scope, never expired: the secret is here */
    char *key_id;
    size_t key_id_len;
    bool key_id_plain; /* only unreserved bytes: percent-encoding keeps it */
    char description[AWSV2_KEY_ID_SIZE + 16];
};

static EVP_MAC_CTX *keyed_ctx(const char *digest, const char *secret, size_t len)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context holds its own reference */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && !EVP_MAC_init(ctx, (const unsigned char *)secret, len, params)) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* The secret belongs to one access key id: a string for another key (or
 * none) signed with it would be a wrong signature, so refuse it as the
 * device does. */
static awsv2_status check_key_id(const struct openssl_signer *s, const awsv2_sign_job *job,
                                 awsv2_error *err)
{
    /* The credentials' key id, not the device's [A-Z0-9] alphabet, decides
     * here: a secret is keyed to whatever id the user configured. */
    char id[AWSV2_KEY_ID_SIZE];
    size_t len = 0, qlen = 0;
    const char *query = NULL;
    if (!awsv2__sts_query(job->string_to_sign, job->len, &query, &qlen))
        return awsv2_error_set(err, AWSV2_E_INVALID, "invalid-command", "not a string to sign");
    switch (awsv2__sts_param_decoded(query, qlen, "AWSAccessKeyId", id, sizeof id - 1, &len)) {
    case 0:
        return awsv2_error_set(err, AWSV2_E_REFUSED, "awsaccesskeyid-not-found",
                               "the string to sign has no AWSAccessKeyId");
    case 1:
        break;
    default:
        return awsv2_error_set(err, AWSV2_E_REFUSED, "invalid-awsaccesskeyid",
                               "the string to sign has a repeated or malformed "
                               "AWSAccessKeyId");
    }
    if (!s->key_id || strlen(s->key_id) != len || memcmp(s->key_id, id, len) != 0)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                               "signer %s holds no secret for that access key id",
                               s->description);
    return AWSV2_OK;
}

/* Whether the mark shows this signer's key id as the whole value of an
 * AWSAccessKeyId parameter of the string's query, found at the mark
 * without parsing. The request code that made the mark writes every name
 * once and encodes every value, so a match there is the one parameter the
 * parse would find; a key id with a byte that encoding changes never
 * matches here, and is left to check_key_id. */
static bool key_id_marked(const struct openssl_signer *s, const awsv2_sign_job *job,
                          const struct awsv2__key_id_mark *mark)
{
    static const char name[] = "AWSAccessKeyId=";
    const size_t n = sizeof name - 1;
    const char *sts = job->string_to_sign;
    size_t at = mark->at, end = at + mark->len;
    return s->key_id_plain && mark->len == s->key_id_len && mark->query_at > 0 &&
           at >= mark->query_at + n && end >= at && end <= job->len &&
           sts[mark->query_at - 1] == '\n' &&
           (at - n == mark->query_at || sts[at - n - 1] == '&') &&
           (end == job->len || sts[end] == '&') && memcmp(sts + at - n, name, n) == 0 &&
           memcmp(sts + at, s->key_id, mark->len) == 0;
}

static awsv2_status hmac_job(struct openssl_signer *s, awsv2_sign_job *job, awsv2_error *err)
{
    struct keyed_mac *m = &s->mac[job->hash];
    size_t out_len = 0;
    pthread_mutex_lock(&m->lock);
    int ok = EVP_MAC_init(m->ctx, NULL, 0, NULL) &&
             EVP_MAC_update(m->ctx, (const unsigned char *)job->string_to_sign, job->len) &&
             EVP_MAC_final(m->ctx, job->mac, &out_len, sizeof job->mac);
    pthread_mutex_unlock(&m->lock);
    if (!ok || out_len != awsv2_hash_size(job->hash))
        return awsv2__fail(err, AWSV2_E_SIGNER, "OpenSSL HMAC failed");
    job->mac_len = out_len;
    return AWSV2_OK;
}

static awsv2_status openssl_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    awsv2_status st = check_key_id(ctx, job, err);
    return st ? st : hmac_job(ctx, job, err);
}

static awsv2_status openssl_sign_marked(void *ctx, awsv2_sign_job *job,
                                        const struct awsv2__key_id_mark *mark, awsv2_error *err)
{
    if (!key_id_marked(ctx, job, mark))
        return openssl_sign(ctx, job, err);
    return hmac_job(ctx, job, err);
}

/* kSigning of a scope from the secret (kDate, kRegion, kService,
 * kSigning), for the scope cache (sigv4_host.h). */
static awsv2_status derive(void *ctx, const char *key_id, const char *date, const char *region,
                           const char *service, unsigned char key[32], awsv2_error *err)
{
    struct openssl_signer *s = ctx;
    unsigned char k1[SHA256_DIGEST_LENGTH];
    size_t n = 0;
    unsigned int n2 = 0;
    (void)key_id; /* openssl_sign4 checked it */
    pthread_mutex_lock(&s->aws4.lock);
    int ok = EVP_MAC_init(s->aws4.ctx, NULL, 0, NULL) &&
             EVP_MAC_update(s->aws4.ctx, (const unsigned char *)date, strlen(date)) &&
             EVP_MAC_final(s->aws4.ctx, k1, &n, sizeof k1) && n == sizeof k1;
    pthread_mutex_unlock(&s->aws4.lock);
    ok = ok && HMAC(EVP_sha256(), k1, sizeof k1, (const unsigned char *)region, strlen(region),
                    key, &n2);
    ok = ok && HMAC(EVP_sha256(), key, 32, (const unsigned char *)service, strlen(service), k1,
                    &n2);
    ok = ok && HMAC(EVP_sha256(), k1, sizeof k1, (const unsigned char *)"aws4_request", 12, key,
                    &n2);
    OPENSSL_cleanse(k1, sizeof k1);
    if (!ok) {
        OPENSSL_cleanse(key, 32);
        return awsv2__fail(err, AWSV2_E_SIGNER, "OpenSSL HMAC failed");
    }
    return AWSV2_OK;
}

static awsv2_status openssl_sign4(void *ctx, awsv2_sign4_job *job, awsv2_error *err)
{
    struct openssl_signer *s = ctx;
    if (!s->key_id || strcmp(s->key_id, job->key_id) != 0)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                               "signer %s holds no secret for that access key id",
                               s->description);
    bool denied; /* never: this signer's derive refuses no scope */
    return awsv2__sigv4_host_sign(s->keys, job, &denied, err);
}

static awsv2_status openssl_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct openssl_signer *s = ctx;
    const char *id = s->key_id ? s->key_id : "";
    if (strlen(id) >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "buffer too small for the key id");
    strcpy(buf, id);
    return AWSV2_OK;
}

static void openssl_close(void *ctx)
{
    struct openssl_signer *s = ctx;
    for (int i = 0; i < 2; i++) {
        EVP_MAC_CTX_free(s->mac[i].ctx); /* OpenSSL cleanses the key schedule */
        pthread_mutex_destroy(&s->mac[i].lock);
    }
    EVP_MAC_CTX_free(s->aws4.ctx);
    pthread_mutex_destroy(&s->aws4.lock);
    awsv2__scope_keys_free(s->keys);
    free(s->key_id);
    free(s);
}

static const awsv2_signer_ops openssl_ops = {
    .size = sizeof openssl_ops,
    .sign = openssl_sign,
    .key_ids = openssl_key_ids,
    .close = openssl_close,
    .sign4 = openssl_sign4,
};

awsv2_status awsv2__openssl_open(awsv2_signer **out, const char *spec, const char *rest,
                                 const awsv2_credentials *creds, awsv2_error *err)
{
    (void)rest;
    const char *secret = creds ? awsv2__credentials_secret(creds) : NULL;
    if (!secret)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                           "signer '%s' needs a secret access key (AWS_SECRET_ACCESS_KEY or "
                           "the shared credentials file)", spec);
    struct openssl_signer *s = calloc(1, sizeof *s);
    if (!s)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    for (int i = 0; i < 2; i++)
        pthread_mutex_init(&s->mac[i].lock, NULL);
    pthread_mutex_init(&s->aws4.lock, NULL);
    s->keys = awsv2__scope_keys_new(derive, s, false);
    size_t len = strlen(secret);
    s->mac[AWSV2_HMAC_SHA256].ctx = keyed_ctx("SHA256", secret, len);
    s->mac[AWSV2_HMAC_SHA1].ctx = keyed_ctx("SHA1", secret, len);
    char *aws4 = malloc(len + 5);
    if (aws4) {
        memcpy(aws4, "AWS4", 4);
        memcpy(aws4 + 4, secret, len + 1);
        s->aws4.ctx = keyed_ctx("SHA256", aws4, len + 4);
        awsv2__free_secret(aws4);
    }
    const char *id = awsv2_credentials_access_key_id(creds);
    s->key_id = awsv2__strdup(id);
    s->key_id_len = s->key_id ? strlen(s->key_id) : 0;
    s->key_id_plain = s->key_id_len > 0;
    for (size_t i = 0; i < s->key_id_len; i++) {
        unsigned char c = (unsigned char)s->key_id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '~'))
            s->key_id_plain = false;
    }
    awsv2_status st = AWSV2_OK;
    if (!s->mac[0].ctx || !s->mac[1].ctx || !s->aws4.ctx || !s->keys || (id && !s->key_id))
        st = awsv2__fail(err, AWSV2_E_SIGNER, "cannot set up OpenSSL's HMAC");
    snprintf(s->description, sizeof s->description, "openssl (%.128s)", id ? id : "no key id");
    if (!st)
        st = awsv2_signer_new(out, &openssl_ops, s, s->description, err);
    if (st)
        openssl_close(s);
    else
        awsv2__signer_set_sign_marked(*out, openssl_sign_marked);
    return st;
}
