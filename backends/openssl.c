/* The openssl backend: HMAC in process with EVP_MAC. The secret is keyed
 * into one context per hash at open and never kept elsewhere; each
 * signature re-initialises a keyed context (EVP_MAC_init with a NULL key
 * keeps the key), which costs a third of a one-shot HMAC(). Contexts are
 * not thread-safe, so each sits behind its own mutex. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "signer_impl.h"
#include "sts_param.h"

struct keyed_mac {
    pthread_mutex_t lock;
    EVP_MAC_CTX *ctx;
};

struct openssl_signer {
    awsv2_signer base;
    struct keyed_mac mac[2]; /* indexed by awsv2_hash */
    char *key_id;
};

static EVP_MAC_CTX *keyed_ctx(const char *digest, const char *secret)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context holds its own reference */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && !EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params)) {
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
    const char *id;
    size_t id_len;
    int n = awsv2__sts_param(job->string_to_sign, job->len, "AWSAccessKeyId", &id, &id_len);
    if (n != 1)
        return awsv2__fail_code(err, AWSV2_E_REFUSED,
                                n ? "invalid-awsaccesskeyid" : "awsaccesskeyid-not-found",
                                "the string to sign has %s AWSAccessKeyId",
                                n ? "more than one" : "no");
    if (!s->key_id || strlen(s->key_id) != id_len || memcmp(s->key_id, id, id_len) != 0)
        return awsv2__fail_code(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                                "signer %s holds no secret for access key id %.*s",
                                s->base.description, (int)(id_len > 128 ? 128 : id_len), id);
    return AWSV2_OK;
}

static awsv2_status openssl_sign(awsv2_signer *base, awsv2_sign_job *job, awsv2_error *err)
{
    struct openssl_signer *s = (struct openssl_signer *)base;
    struct keyed_mac *m = &s->mac[job->hash];
    if ((job->status = check_key_id(s, job, err)))
        return job->status;
    size_t out_len = 0;
    pthread_mutex_lock(&m->lock);
    int ok = EVP_MAC_init(m->ctx, NULL, 0, NULL) &&
             EVP_MAC_update(m->ctx, (const unsigned char *)job->string_to_sign, job->len) &&
             EVP_MAC_final(m->ctx, job->mac, &out_len, sizeof job->mac);
    pthread_mutex_unlock(&m->lock);
    if (!ok || out_len != awsv2_hash_size(job->hash))
        return job->status = awsv2__fail(err, AWSV2_E_SIGNER, "OpenSSL HMAC failed");
    job->mac_len = out_len;
    return job->status = AWSV2_OK;
}

static awsv2_status openssl_key_ids(awsv2_signer *base, char *buf, size_t cap, awsv2_error *err)
{
    struct openssl_signer *s = (struct openssl_signer *)base;
    const char *id = s->key_id ? s->key_id : "";
    if (strlen(id) >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "buffer too small for the key id");
    strcpy(buf, id);
    return AWSV2_OK;
}

static void openssl_close(awsv2_signer *base)
{
    struct openssl_signer *s = (struct openssl_signer *)base;
    for (int i = 0; i < 2; i++) {
        EVP_MAC_CTX_free(s->mac[i].ctx); /* OpenSSL cleanses the key schedule */
        pthread_mutex_destroy(&s->mac[i].lock);
    }
    free(s->key_id);
}

static const struct awsv2_signer_ops openssl_ops = {
    .sign = openssl_sign,
    .key_ids = openssl_key_ids,
    .close = openssl_close,
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
    s->base.ops = &openssl_ops;
    for (int i = 0; i < 2; i++)
        pthread_mutex_init(&s->mac[i].lock, NULL);
    s->mac[AWSV2_HMAC_SHA256].ctx = keyed_ctx("SHA256", secret);
    s->mac[AWSV2_HMAC_SHA1].ctx = keyed_ctx("SHA1", secret);
    const char *id = awsv2_credentials_access_key_id(creds);
    s->key_id = awsv2__strdup(id);
    awsv2_status st = AWSV2_OK;
    if (!s->mac[0].ctx || !s->mac[1].ctx || (id && !s->key_id))
        st = awsv2__fail(err, AWSV2_E_SIGNER, "cannot set up OpenSSL's HMAC");
    if (!st)
        st = awsv2__signer_describe_set(&s->base, err, "openssl (%s)", id ? id : "no key id");
    if (st) {
        awsv2_signer_close(&s->base);
        return st;
    }
    *out = &s->base;
    return AWSV2_OK;
}
