/* SigV4 signed on this host (see sigv4_host.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "signer_impl.h"
#include "sigv4_host.h"

static awsv2_status host_sts(const awsv2_sign4_job *job, struct awsv2__sts4 *r,
                             char sts[AWSV2__STS4_STS_MAX], size_t *len, awsv2_error *err)
{
    /* Read again: the job carries what the library checked, not its reading
     * (the date of the scope, the payload hash). */
    int rc = awsv2__sts4_check(job->key_id, job->region, job->service, job->canonical_request,
                               job->canonical_request_len, job->payload != NULL, r);
    if (rc)
        return awsv2_error_set(err, AWSV2_E_INVALID, awsv2__sts4_code(rc),
                               "not a canonical request a signer accepts");
    char hex[65];
    if (job->payload) {
        awsv2__sha256_hex(NULL, job->payload, job->payload_len, hex);
        if (r->payload_hash_len != 64 || memcmp(r->payload_hash, hex, 64) != 0)
            return awsv2_error_set(err, AWSV2_E_REFUSED, "payload-mismatch",
                                   "the payload's SHA-256 is not the one the canonical "
                                   "request names");
    }
    awsv2__sha256_hex(NULL, job->canonical_request, job->canonical_request_len, hex);
    *len = awsv2__sts4_string_to_sign(r, job->region, job->service, hex, sts);
    return AWSV2_OK;
}

#define SCOPE_KEYS 8

struct scope_key {
    char key_id[AWSV2_KEY_ID_SIZE];
    char date[9];
    char region[AWSV2__STS4_REGION_MAX + 1];
    char service[AWSV2__STS4_SERVICE_MAX + 1];
    EVP_MAC_CTX *ctx;   /* keyed with kSigning; NULL for a denied scope */
    time_t ends;        /* when its date ends (UTC) */
    unsigned long used; /* 0: empty; else the tick of its last use */
};

struct awsv2__scope_keys {
    pthread_mutex_t lock;
    awsv2__scope_derive_fn *derive;
    void *ctx;
    bool expire;
    unsigned long tick;
    struct scope_key keys[SCOPE_KEYS];
};

struct awsv2__scope_keys *awsv2__scope_keys_new(awsv2__scope_derive_fn *derive, void *ctx,
                                                bool expire)
{
    struct awsv2__scope_keys *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->derive = derive;
    c->ctx = ctx;
    c->expire = expire;
    return c;
}

/* OpenSSL cleanses the key schedule of a context it frees. */
static void drop(struct scope_key *k)
{
    EVP_MAC_CTX_free(k->ctx);
    memset(k, 0, sizeof *k);
}

void awsv2__scope_keys_free(struct awsv2__scope_keys *c)
{
    if (!c)
        return;
    for (int i = 0; i < SCOPE_KEYS; i++)
        drop(&c->keys[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The end of the UTC day date (YYYYMMDD, checked by the reader). */
static time_t day_end(const char *date)
{
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + date[3] - '0';
    int m = (date[4] - '0') * 10 + date[5] - '0', d = (date[6] - '0') * 10 + date[7] - '0';
    /* days since 1970-01-01 (Howard Hinnant's days_from_civil) */
    y -= m <= 2;
    long era = y / 400, yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (time_t)(era * 146097 + doe - 719468 + 1) * 86400;
}

static EVP_MAC_CTX *keyed(const unsigned char key[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context holds its own reference */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && !EVP_MAC_init(ctx, key, 32, params)) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* Finds the scope's entry, or derives it into the empty or least recently
 * used one. Under c->lock. */
static awsv2_status find(struct awsv2__scope_keys *c, const char *key_id, const char *date,
                         const char *region, const char *service, time_t now,
                         struct scope_key **out, awsv2_error *err)
{
    struct scope_key *lru = &c->keys[0];
    for (int i = 0; i < SCOPE_KEYS; i++) {
        struct scope_key *k = &c->keys[i];
        if (k->used && c->expire && now >= k->ends)
            drop(k);
        if (k->used && strcmp(k->key_id, key_id) == 0 && strcmp(k->date, date) == 0 &&
            strcmp(k->region, region) == 0 && strcmp(k->service, service) == 0) {
            *out = k;
            return AWSV2_OK;
        }
        if (k->used < lru->used)
            lru = k;
    }
    if (strlen(key_id) >= sizeof lru->key_id || strlen(region) >= sizeof lru->region ||
        strlen(service) >= sizeof lru->service || strlen(date) != 8)
        return awsv2__fail(err, AWSV2_E_INVALID, "not a SigV4 scope");
    unsigned char key[32];
    awsv2_error e = AWSV2_ERROR_INIT;
    awsv2_status st = c->derive(c->ctx, key_id, date, region, service, key, &e);
    bool denied = st == AWSV2_E_REFUSED && strcmp(e.code, "policy-denied") == 0;
    if (st && !denied) {
        awsv2_wipe(key, sizeof key);
        return awsv2_error_set(err, st, e.code, "%s", e.message);
    }
    drop(lru);
    if (!denied && !(lru->ctx = keyed(key))) {
        awsv2_wipe(key, sizeof key);
        return awsv2__fail(err, AWSV2_E_SIGNER, "cannot set up OpenSSL's HMAC");
    }
    awsv2_wipe(key, sizeof key);
    strcpy(lru->key_id, key_id);
    strcpy(lru->date, date);
    strcpy(lru->region, region);
    strcpy(lru->service, service);
    lru->ends = day_end(date);
    *out = lru;
    return AWSV2_OK;
}

awsv2_status awsv2__scope_keys_sign(struct awsv2__scope_keys *c, const char *key_id,
                                    const char *date, const char *region, const char *service,
                                    const char *msg, size_t len, unsigned char out[32],
                                    bool *denied, awsv2_error *err)
{
    time_t now = c->expire ? time(NULL) : 0;
    struct scope_key *k = NULL;
    *denied = false;
    pthread_mutex_lock(&c->lock);
    awsv2_status st = find(c, key_id, date, region, service, now, &k, err);
    if (!st) {
        k->used = ++c->tick;
        size_t n = 0;
        if (!k->ctx)
            *denied = true;
        else if (!EVP_MAC_init(k->ctx, NULL, 0, NULL) ||
                 !EVP_MAC_update(k->ctx, (const unsigned char *)msg, len) ||
                 !EVP_MAC_final(k->ctx, out, &n, 32) || n != 32)
            st = awsv2__fail(err, AWSV2_E_SIGNER, "OpenSSL HMAC failed");
        /* A key whose date has already ended is not kept. */
        if (c->expire && now >= k->ends)
            drop(k);
    }
    pthread_mutex_unlock(&c->lock);
    return st;
}

awsv2_status awsv2__sigv4_host_sign(struct awsv2__scope_keys *c, awsv2_sign4_job *job,
                                    bool *denied, awsv2_error *err)
{
    struct awsv2__sts4 r;
    char sts[AWSV2__STS4_STS_MAX];
    size_t sts_len = 0;
    *denied = false;
    awsv2_status st = host_sts(job, &r, sts, &sts_len, err);
    if (!st)
        st = awsv2__scope_keys_sign(c, job->key_id, r.date, job->region, job->service, sts,
                                    sts_len, job->signature, denied, err);
    return st;
}
