/* Signature Version 4: every known-answer vector of tests/core/sigv4.jsonl (a
 * copy of the shared vectors, made by botocore and AWS's documentation)
 * through the request API and the openssl signer; awsv2_signer_sign4's
 * checks and refusals; the kSigning cache under eviction and threads; and
 * which version AUTO picks. Expected values come from the vectors or are
 * computed with OpenSSL's one-shot SHA256()/HMAC() (here or by the oracle of
 * tests/common/sigv4_vectors.h), never by the code under test. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/hmac.h>

#include "awsv2/client.h"
#include "awsv2/util.h"
#include "harness.h"
#include "sigv4_vectors.h"

static const sigv4_vector *vectors;
static int nvectors;

static const char *field(json_object *v, const char *name)
{
    json_object *o;
    ck_assert_msg(json_object_object_get_ex(v, name, &o), "vector has no %s", name);
    return json_object_get_string(o);
}

/* "20261121T120000Z" as a time_t. */
static time_t amz_time(const char *ts)
{
    char iso[32];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", ts, ts + 4, ts + 6, ts + 9,
             ts + 11, ts + 13);
    time_t t;
    ck_assert_int_eq(awsv2_timestamp_parse(iso, &t, NULL), AWSV2_OK);
    return t;
}

static awsv2_signer *open_signer(const sigv4_vector *s, awsv2_credentials **creds)
{
    awsv2_signer *signer;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(creds, s->key_id, s->secret, s->session_token, &err),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", *creds, &err), AWSV2_OK);
    return signer;
}

/* The vector's request, made SigV4 and dated. */
static awsv2_request *build(const sigv4_vector *s, awsv2_method method, long expires)
{
    json_object *v = s->json;
    awsv2_request *req;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_request_new(&req, method, field(v, "endpoint"), &err), AWSV2_OK);
    json_object *params;
    ck_assert(json_object_object_get_ex(v, "params", &params));
    for (size_t i = 0; i < json_object_array_length(params); i++) {
        json_object *pair = json_object_array_get_idx(params, i);
        ck_assert_int_eq(awsv2_params_set(awsv2_request_params(req),
                                          json_object_get_string(json_object_array_get_idx(pair, 0)),
                                          json_object_get_string(json_object_array_get_idx(pair, 1)),
                                          &err),
                         AWSV2_OK);
    }
    ck_assert_msg(awsv2_request_set_auth4(req, s->key_id, s->session_token,
                                          field(v, "region"), field(v, "service"),
                                          &err) == AWSV2_OK,
                  "%s: %s", field(v, "name"), err.message);
    ck_assert_int_eq(awsv2_request_set_amz_date(req, amz_time(field(v, "timestamp")), expires,
                                                &err),
                     AWSV2_OK);
    return req;
}

START_TEST(presigned_get)
{
    const sigv4_vector *s = &vectors[_i];
    json_object *v = s->json;
    if (strcmp(s->kind, "presigned-get"))
        return;
    const char *name = field(v, "name");
    json_object *e;
    ck_assert(json_object_object_get_ex(v, "expires", &e));
    awsv2_request *req = build(s, AWSV2_GET, (long)json_object_get_int64(e));
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *cr, *sts;
    size_t len;
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, &len, &err), AWSV2_OK);
    ck_assert_msg(strcmp(cr, field(v, "canonical_request")) == 0 && len == strlen(cr),
                  "%s: canonical request\n%s\nwant\n%s", name, cr, field(v, "canonical_request"));
    ck_assert_int_eq(awsv2_request_string_to_sign(req, &sts, &len, &err), AWSV2_OK);
    ck_assert_str_eq(sts, field(v, "string_to_sign"));
    awsv2_credentials *creds;
    awsv2_signer *signer = open_signer(s, &creds);
    ck_assert_msg(awsv2_request_sign(req, signer, &err) == AWSV2_OK, "%s: %s", name, err.message);
    ck_assert_str_eq(awsv2_request_signature(req), field(v, "signature"));
    ck_assert_str_eq(awsv2_request_query(req), field(v, "query"));
    char url[8192];
    snprintf(url, sizeof url, "%s?%s", field(v, "endpoint"), field(v, "query"));
    ck_assert_str_eq(awsv2_request_url(req), url);
    ck_assert_ptr_null(awsv2_request_authorization(req));
    ck_assert_uint_eq(awsv2_request_header_count(req), 0);
    /* Signing again (a retry) gives the same, with no leftovers. */
    ck_assert_int_eq(awsv2_request_sign(req, signer, &err), AWSV2_OK);
    ck_assert_str_eq(awsv2_request_query(req), field(v, "query"));
    /* A signature made elsewhere, handed in. */
    uint8_t sig[32];
    ck_assert_int_eq(awsv2_hex_decode(field(v, "signature"), 64, sig, 32, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_request_set_mac(req, sig, 32, &err), AWSV2_OK);
    ck_assert_str_eq(awsv2_request_url(req), url);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    awsv2_request_free(req);
}
END_TEST

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pairs of a form body, sorted, one a line: order-free comparison. */
static char *pairs(const char *body)
{
    size_t n = 1;
    for (const char *c = body; *c; c++)
        n += *c == '&';
    char **items = calloc(n, sizeof *items), *copy = strdup(body), *save = NULL;
    size_t k = 0;
    for (char *t = strtok_r(copy, "&", &save); t; t = strtok_r(NULL, "&", &save))
        items[k++] = t;
    qsort(items, k, sizeof *items, compare_strings);
    char *out = calloc(1, strlen(body) + n + 1);
    for (size_t i = 0; i < k; i++) {
        strcat(out, items[i]);
        strcat(out, "\n");
    }
    free(items);
    free(copy);
    return out;
}

START_TEST(post_authorization)
{
    const sigv4_vector *s = &vectors[_i];
    json_object *v = s->json;
    if (strcmp(s->kind, "post-authorization"))
        return;
    const char *name = field(v, "name"), *body = field(v, "body");
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_credentials *creds;
    awsv2_signer *signer = open_signer(s, &creds);

    /* The signer alone, with botocore's canonical request and body. */
    const char *want_cr = s->signed_request;
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = field(v, "access_key_id");
    job.region = field(v, "region");
    job.service = field(v, "service");
    job.canonical_request = want_cr;
    job.canonical_request_len = strlen(want_cr);
    job.payload = body;
    job.payload_len = strlen(body);
    ck_assert_msg(awsv2_signer_sign4(signer, &job, &err) == AWSV2_OK, "%s: %s", name,
                  err.message);
    ck_assert_int_eq(job.status, AWSV2_OK);
    char hex[65];
    awsv2_hex_encode(job.signature, 32, hex);
    ck_assert_str_eq(hex, field(v, "signature"));

    /* The request API. Its body holds the same pairs, sorted (botocore keeps
     * the caller's order): the canonical request is botocore's but for the
     * payload hash, and the signature is checked by computing it here. */
    awsv2_request *req = build(s, AWSV2_POST, 0);
    ck_assert_msg(awsv2_request_sign(req, signer, &err) == AWSV2_OK, "%s: %s", name,
                  err.message);
    const char *ours = awsv2_request_query(req);
    char *a = pairs(ours), *b = pairs(body);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    const char *cr;
    size_t cr_len;
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, &cr_len, &err), AWSV2_OK);
    size_t head = (size_t)(strrchr(want_cr, '\n') + 1 - want_cr);
    char body_hash[65];
    sigv4_sha256_hex(ours, strlen(ours), body_hash);
    ck_assert_msg(cr_len == head + 64 && memcmp(cr, want_cr, head) == 0 &&
                      strcmp(cr + head, body_hash) == 0,
                  "%s: canonical request\n%s\nwant\n%.*s%s", name, cr, (int)head, want_cr,
                  body_hash);
    ck_assert_int_eq(awsv2_request_sign(req, signer, &err), AWSV2_OK);
    char sig[65];
    sigv4_oracle_sign(field(v, "secret"), field(v, "timestamp"), field(v, "region"),
                       field(v, "service"), cr, cr_len, NULL, sig);
    ck_assert_str_eq(awsv2_request_signature(req), sig);
    char auth[1024];
    const char *want_auth = field(v, "authorization");
    snprintf(auth, sizeof auth, "%.*s%s", (int)(strlen(want_auth) - 64), want_auth, sig);
    ck_assert_str_eq(awsv2_request_authorization(req), auth);
    ck_assert_str_eq(awsv2_request_url(req), field(v, "endpoint"));
    /* The headers to send: botocore's, and the Authorization. */
    json_object *headers;
    ck_assert(json_object_object_get_ex(v, "headers", &headers));
    size_t n = awsv2_request_header_count(req);
    ck_assert_uint_eq(n, (size_t)json_object_object_length(headers) + 1);
    for (size_t i = 0; i < n; i++) {
        const char *hn, *hv;
        awsv2_request_header_at(req, i, &hn, &hv);
        char lower[64];
        size_t k = 0;
        for (; hn[k] && k < sizeof lower - 1; k++)
            lower[k] = (char)(hn[k] >= 'A' && hn[k] <= 'Z' ? hn[k] + 32 : hn[k]);
        lower[k] = '\0';
        if (strcmp(lower, "authorization") == 0) {
            ck_assert_str_eq(hv, auth);
            continue;
        }
        json_object *want;
        ck_assert_msg(json_object_object_get_ex(headers, lower, &want), "%s: header %s", name,
                      hn);
        ck_assert_str_eq(hv, json_object_get_string(want));
    }
    awsv2_request_free(req);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}
END_TEST

/* AWS's documented example: a GET of IAM ListUsers signed in its header. */
START_TEST(aws_doc_iam)
{
    const sigv4_vector *s = &vectors[_i];
    json_object *v = s->json;
    if (strcmp(s->kind, "header-get"))
        return;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_request *req = build(s, AWSV2_GET, 0);
    awsv2_credentials *creds;
    awsv2_signer *signer = open_signer(s, &creds);
    ck_assert_msg(awsv2_request_sign(req, signer, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_request_signature(req), field(v, "signature"));
    ck_assert_str_eq(awsv2_request_authorization(req), field(v, "authorization"));
    ck_assert_str_eq(awsv2_request_url(req),
                     "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08");
    uint8_t key[32];
    char hex[65];
    sigv4_oracle_key(field(v, "secret"), "20150830", "us-east-1", "iam", key);
    awsv2_hex_encode(key, 32, hex);
    ck_assert_str_eq(hex, field(v, "signing_key"));
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    awsv2_request_free(req);
}
END_TEST

/* kSigning as computed here matches the vectors, and the signer signs with
 * it: a presigned request of that scope, checked against the vector's key. */
START_TEST(signing_keys)
{
    const sigv4_vector *s = &vectors[_i];
    json_object *v = s->json;
    if (strcmp(s->kind, "signing-key"))
        return;
    const char *date = field(v, "date"), *region = field(v, "region"),
               *service = field(v, "service");
    uint8_t key[32];
    char hex[65];
    sigv4_oracle_key(field(v, "secret"), date, region, service, key);
    awsv2_hex_encode(key, 32, hex);
    ck_assert_str_eq(hex, field(v, "signing_key"));

    char cr[1024], amz[17], sts[512];
    snprintf(amz, sizeof amz, "%sT000102Z", date);
    int n = snprintf(cr, sizeof cr, "GET\n/\nAction=X\nhost:h\nx-amz-date:%s\n\n"
                     "host;x-amz-date\nUNSIGNED-PAYLOAD", amz);
    char crh[65];
    sigv4_sha256_hex(cr, (size_t)n, crh);
    int m = snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz,
                     date, region, service, crh);
    uint8_t want[32], vkey[32];
    unsigned int len;
    ck_assert_int_eq(awsv2_hex_decode(field(v, "signing_key"), 64, vkey, 32, NULL), AWSV2_OK);
    HMAC(EVP_sha256(), vkey, 32, (const unsigned char *)sts, (size_t)m, want, &len);

    awsv2_credentials *creds;
    awsv2_signer *signer;
    ck_assert_int_eq(awsv2_credentials_new(&creds, TEST_KEY_ID, field(v, "secret"), NULL, NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", creds, NULL), AWSV2_OK);
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = TEST_KEY_ID;
    job.region = region;
    job.service = service;
    job.canonical_request = cr;
    job.canonical_request_len = (size_t)n;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_sign4(signer, &job, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_mem_eq(job.signature, want, 32);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}
END_TEST

START_TEST(file_covers_the_cases)
{
    int kinds[4] = {0};
    for (int i = 0; i < nvectors; i++) {
        kinds[0] += !strcmp(vectors[i].kind, "presigned-get");
        kinds[1] += !strcmp(vectors[i].kind, "post-authorization");
        kinds[2] += !strcmp(vectors[i].kind, "header-get");
        kinds[3] += !strcmp(vectors[i].kind, "signing-key");
    }
    for (int k = 0; k < 4; k++)
        ck_assert_int_gt(kinds[k], 0);
}
END_TEST

/* ---- the signer's checks ------------------------------------------------- */

static awsv2_signer *example_signer(awsv2_credentials **creds)
{
    awsv2_signer *s;
    ck_assert_int_eq(awsv2_credentials_new(creds, TEST_KEY_ID, TEST_SECRET, NULL, NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", *creds, NULL), AWSV2_OK);
    return s;
}

#define POST_CR_HEAD                                                                    \
    "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"        \
    "host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"              \
    "content-type;host;x-amz-date\n"

static awsv2_status sign_cr(awsv2_signer *s, const char *key_id, const char *cr,
                            const char *payload, awsv2_sign4_job *job, awsv2_error *err)
{
    awsv2_sign4_job j = AWSV2_SIGN4_JOB_INIT;
    j.key_id = key_id;
    j.region = "eu-central-1";
    j.service = "ec2";
    j.canonical_request = cr;
    j.canonical_request_len = strlen(cr);
    j.payload = payload;
    j.payload_len = payload ? strlen(payload) : 0;
    memset(j.signature, 0xAA, sizeof j.signature);
    awsv2_status st = awsv2_signer_sign4(s, &j, err);
    *job = j;
    return st;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

START_TEST(refusals)
{
    awsv2_credentials *creds;
    awsv2_signer *s = example_signer(&creds);
    awsv2_sign4_job job;
    awsv2_error err = AWSV2_ERROR_INIT;
    char cr[1024], h[65];
    sigv4_sha256_hex("Action=X", 8, h);
    snprintf(cr, sizeof cr, POST_CR_HEAD "%s", h);
    ck_assert_int_eq(sign_cr(s, TEST_KEY_ID, cr, "Action=X", &job, &err), AWSV2_OK);

    /* A payload that is not the one the canonical request hashes. */
    ck_assert_int_eq(sign_cr(s, TEST_KEY_ID, cr, "Action=Y", &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "payload-mismatch");
    ck_assert_int_eq(job.status, AWSV2_E_REFUSED);
    ck_assert(all_zero(job.signature, 32));
    /* Another key id than the signer's. */
    ck_assert_int_eq(sign_cr(s, "AKIAOTHERKEY", cr, "Action=X", &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    /* Shapes every device refuses. */
    ck_assert_int_eq(sign_cr(s, "akia-lower", cr, "Action=X", &job, &err), AWSV2_E_INVALID);
    ck_assert_str_eq(err.code, "invalid-awsaccesskeyid");
    ck_assert_int_eq(sign_cr(s, TEST_KEY_ID, "GET\n/\n", NULL, &job, &err), AWSV2_E_INVALID);
    ck_assert_str_eq(err.code, "invalid-canonical-request");
    ck_assert_int_eq(job.status, AWSV2_E_INVALID);
    ck_assert(all_zero(job.signature, 32));
    awsv2_sign4_job bad = AWSV2_SIGN4_JOB_INIT;
    bad.key_id = TEST_KEY_ID;
    bad.region = "EU_CENTRAL";
    bad.service = "ec2";
    bad.canonical_request = cr;
    bad.canonical_request_len = strlen(cr);
    bad.payload = "Action=X";
    bad.payload_len = 8;
    ck_assert_int_eq(awsv2_signer_sign4(s, &bad, &err), AWSV2_E_INVALID);
    ck_assert_str_eq(err.code, "invalid-scope");
    /* A job from a smaller, unknown layout. */
    bad.size = 8;
    ck_assert_int_eq(awsv2_signer_sign4(s, &bad, &err), AWSV2_E_INVALID);
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
}
END_TEST

static awsv2_status v2_only(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    (void)ctx, (void)job;
    return awsv2_error_set(err, AWSV2_E_SIGNER, NULL, "not called");
}

START_TEST(signer_without_sign4)
{
    awsv2_signer_ops ops = AWSV2_SIGNER_OPS_INIT;
    ops.sign = v2_only;
    awsv2_signer *s;
    ck_assert_int_eq(awsv2_signer_new(&s, &ops, NULL, "v2 only", NULL), AWSV2_OK);
    awsv2_sign4_job job;
    awsv2_error err = AWSV2_ERROR_INIT;
    char cr[1024], h[65];
    sigv4_sha256_hex("", 0, h);
    snprintf(cr, sizeof cr, POST_CR_HEAD "%s", h);
    ck_assert_int_eq(sign_cr(s, TEST_KEY_ID, cr, "", &job, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(job.status, AWSV2_E_UNAVAILABLE);
    awsv2_signer_close(s);
}
END_TEST

/* More scopes than the cache holds, twice over: every signature stays
 * right through evictions. */
START_TEST(cache_eviction)
{
    awsv2_credentials *creds;
    awsv2_signer *s = example_signer(&creds);
    static const char *const regions[] = {"eu-central-1", "us-east-2", "ap-south-1",
                                          "eu-north-1",   "sa-east-1", "me-south-1",
                                          "ca-central-1", "af-south-1", "il-central-1",
                                          "eu-west-3",    "ap-east-1"};
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof regions / sizeof *regions; i++) {
            char cr[512];
            int n = snprintf(cr, sizeof cr,
                             "GET\n/\n\nhost:h\nx-amz-date:2026112%dT000000Z\n\n"
                             "host;x-amz-date\nUNSIGNED-PAYLOAD", round);
            awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
            job.key_id = TEST_KEY_ID;
            job.region = regions[i];
            job.service = "ec2";
            job.canonical_request = cr;
            job.canonical_request_len = (size_t)n;
            awsv2_error err = AWSV2_ERROR_INIT;
            ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s", err.message);
            char amz[32], want[65], got[65];
            snprintf(amz, sizeof amz, "2026112%dT000000Z", round);
            sigv4_oracle_sign(TEST_SECRET, amz, regions[i], "ec2", cr, (size_t)n, NULL, want);
            awsv2_hex_encode(job.signature, 32, got);
            ck_assert_str_eq(got, want);
        }
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
}
END_TEST

struct worker {
    awsv2_signer *signer;
    int id;
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    static const char *const regions[] = {"eu-central-1", "us-east-2", "ap-south-1"};
    for (int i = 0; i < 300; i++) {
        char cr[512], amz[32], want[65], got[65];
        const char *region = regions[(i + w->id) % 3];
        snprintf(amz, sizeof amz, "202611%02dT000000Z", 1 + (i + w->id) % 28);
        int n = snprintf(cr, sizeof cr, "GET\n/\nN=%d\nhost:h\nx-amz-date:%s\n\n"
                         "host;x-amz-date\nUNSIGNED-PAYLOAD", i, amz);
        awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
        job.key_id = TEST_KEY_ID;
        job.region = region;
        job.service = "sqs";
        job.canonical_request = cr;
        job.canonical_request_len = (size_t)n;
        if (awsv2_signer_sign4(w->signer, &job, NULL) != AWSV2_OK) {
            w->failures++;
            continue;
        }
        sigv4_oracle_sign(TEST_SECRET, amz, region, "sqs", cr, (size_t)n, NULL, want);
        awsv2_hex_encode(job.signature, 32, got);
        w->failures += strcmp(got, want) != 0;
    }
    return NULL;
}

START_TEST(threads)
{
    awsv2_credentials *creds;
    awsv2_signer *s = example_signer(&creds);
    struct worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.signer = s, .id = i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
}
END_TEST

/* ---- the request API's own rules ----------------------------------------- */

/* A new request of method to url; the test stops if it cannot be made. */
static awsv2_request *new_request(awsv2_method method, const char *url)
{
    awsv2_request *req;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_request_new(&req, method, url, &err) == AWSV2_OK, "%s", err.message);
    return req;
}

/* Makes req SigV4 for AWS's example key in eu-central-1. */
static void auth4(awsv2_request *req, const char *service)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_request_set_auth4(req, TEST_KEY_ID, NULL, "eu-central-1", service, &err) ==
                      AWSV2_OK,
                  "%s", err.message);
}

START_TEST(request_rules)
{
    awsv2_request *req =
        new_request(AWSV2_POST, "https://EC2.eu-central-1.amazonaws.com:443/a/./b/../c//d/");
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *cr;
    /* Not SigV4 yet, or not dated yet. */
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 0, 0, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_E_INVALID);
    auth4(req, "ec2");
    ck_assert_int_eq(awsv2_request_signature_version(req), AWSV2_SIGNATURE_V4);
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_E_INVALID);
    /* Bad scopes, tokens and times. */
    ck_assert_int_eq(awsv2_request_set_auth4(req, TEST_KEY_ID, NULL, "EU", "ec2", &err),
                     AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_request_set_auth4(req, TEST_KEY_ID, NULL, "eu-central-1", "", &err),
                     AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_request_set_auth4(req, TEST_KEY_ID, "a\nb", "eu-central-1", "ec2",
                                             &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_int_eq(awsv2_request_set_auth4(req, "AKIA/X", NULL, "eu-central-1", "ec2", &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 1795262400, 900, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 1795262400, -1, &err), AWSV2_E_INVALID);
    /* Dot segments and empty ones go, as botocore removes them; the default
     * port too, and the host is lower-cased. */
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 1795262400, 0, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(awsv2_request_params(req), "Action", "X", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_OK);
    char want[1024], h[65];
    sigv4_sha256_hex("Action=X", 8, h);
    snprintf(want, sizeof want,
             "POST\n/a/c/d/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
             "host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
             "content-type;host;x-amz-date\n%s", h);
    ck_assert_str_eq(cr, want);
    /* Back to SigV2: the SigV4 state goes. */
    ck_assert_int_eq(awsv2_request_set_auth(req, TEST_KEY_ID, NULL, AWSV2_HMAC_SHA256, &err),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_request_signature_version(req), AWSV2_SIGNATURE_V2);
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_E_INVALID);
    awsv2_request_free(req);
}
END_TEST

/* Switching versions takes away what the other version's signing added,
 * and only that. */
START_TEST(switching_versions)
{
    awsv2_request *req = new_request(AWSV2_GET, "https://ec2.eu-central-1.amazonaws.com/");
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_params *p = awsv2_request_params(req);
    ck_assert_int_eq(awsv2_params_set(p, "Action", "X", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_request_set_auth(req, TEST_KEY_ID, "tok", AWSV2_HMAC_SHA1, &err),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_request_set_timestamp(req, 1795262400, &err), AWSV2_OK);
    auth4(req, "ec2");
    ck_assert_uint_eq(awsv2_params_count(p), 1);
    ck_assert_str_eq(awsv2_params_get(p, "Action"), "X");
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 1795262400, 60, &err), AWSV2_OK);
    const char *cr;
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_OK);
    ck_assert_ptr_nonnull(awsv2_params_get(p, "X-Amz-Credential"));
    ck_assert_int_eq(awsv2_request_set_auth(req, TEST_KEY_ID, NULL, AWSV2_HMAC_SHA256, &err),
                     AWSV2_OK);
    ck_assert_ptr_null(awsv2_params_get(p, "X-Amz-Credential"));
    ck_assert_ptr_null(awsv2_params_get(p, "X-Amz-Date"));
    awsv2_request_free(req);

    /* A parameter of the caller's named like SigV2's time stays. */
    req = new_request(AWSV2_POST, "https://sqs.eu-central-1.amazonaws.com/");
    p = awsv2_request_params(req);
    ck_assert_int_eq(awsv2_params_set(p, "Timestamp", "mine", &err), AWSV2_OK);
    auth4(req, "sqs");
    ck_assert_str_eq(awsv2_params_get(p, "Timestamp"), "mine");
    awsv2_request_free(req);
}
END_TEST

/* Encoded-name order differs from raw order where an encoded byte meets an
 * unreserved one (':' is 0x3A > '0', but "%3A" < "0"). */
START_TEST(query_sorted_by_encoded_name)
{
    awsv2_request *req = new_request(AWSV2_GET, "https://ec2.eu-central-1.amazonaws.com/");
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_params *p = awsv2_request_params(req);
    ck_assert_int_eq(awsv2_params_set(p, "a0", "1", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a:", "2", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a~", "3", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a ", "4", &err), AWSV2_OK);
    auth4(req, "ec2");
    ck_assert_int_eq(awsv2_request_set_amz_date(req, 1795262400, 0, &err), AWSV2_OK);
    const char *cr;
    ck_assert_int_eq(awsv2_request_canonical_request(req, &cr, NULL, &err), AWSV2_OK);
    ck_assert_str_eq(strchr(cr, '\n') + 3, "a%20=4&a%3A=2&a0=1&a~=3\n"
                                           "content-type:application/x-www-form-urlencoded; "
                                           "charset=utf-8\nhost:ec2.eu-central-1.amazonaws.com\n"
                                           "x-amz-date:20261121T120000Z\n\n"
                                           "content-type;host;x-amz-date\n"
                                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    awsv2_request_free(req);
}
END_TEST

/* ---- the version choice ---------------------------------------------------- */

START_TEST(version_auto)
{
    static const char *const v2_regions[] = {
        "us-east-1",      "us-west-1",      "us-west-2", "eu-west-1", "ap-northeast-1",
        "ap-southeast-1", "ap-southeast-2", "sa-east-1",
    };
    char url[256];
    for (size_t i = 0; i < sizeof v2_regions / sizeof *v2_regions; i++) {
        snprintf(url, sizeof url, "https://ec2.%s.amazonaws.com/", v2_regions[i]);
        ck_assert_int_eq(awsv2_signature_version_auto("ec2", v2_regions[i], url),
                         AWSV2_SIGNATURE_V2);
        snprintf(url, sizeof url, "https://sqs.%s.amazonaws.com/", v2_regions[i]);
        ck_assert_int_eq(awsv2_signature_version_auto("sqs", v2_regions[i], url),
                         AWSV2_SIGNATURE_V4);
    }
    static const char *const v4_regions[] = {"eu-central-1", "us-east-2", "ap-south-1",
                                             "eu-west-2", "ap-northeast-2", "cn-north-1"};
    for (size_t i = 0; i < sizeof v4_regions / sizeof *v4_regions; i++) {
        snprintf(url, sizeof url, "https://ec2.%s.amazonaws.com/", v4_regions[i]);
        ck_assert_int_eq(awsv2_signature_version_auto("ec2", v4_regions[i], url),
                         AWSV2_SIGNATURE_V4);
    }
    ck_assert_int_eq(awsv2_signature_version_auto("ec2", "cn-north-1",
                                                  "https://ec2.cn-north-1.amazonaws.com.cn/"),
                     AWSV2_SIGNATURE_V4);
    ck_assert_int_eq(awsv2_signature_version_auto("ec2", "eu-central-1",
                                                  "https://EC2.eu-central-1.amazonaws.com:443"),
                     AWSV2_SIGNATURE_V4);
    /* A custom endpoint: 2, whatever the region and service. */
    ck_assert_int_eq(awsv2_signature_version_auto("sqs", "eu-central-1", "http://127.0.0.1:4566/"),
                     AWSV2_SIGNATURE_V2);
    ck_assert_int_eq(awsv2_signature_version_auto("ec2", "eu-central-1",
                                                  "https://ec2.eu-central-1.amazonaws.com:8443/"),
                     AWSV2_SIGNATURE_V2);
    ck_assert_int_eq(awsv2_signature_version_auto("ec2", "eu-central-1",
                                                  "https://ec2.us-east-2.amazonaws.com/"),
                     AWSV2_SIGNATURE_V2);
    ck_assert_int_eq(awsv2_signature_version_auto("ec2", "eu-central-1", "not a url"),
                     AWSV2_SIGNATURE_V2);
}
END_TEST

START_TEST(version_parse_resolve)
{
    awsv2_signature_version v;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signature_version_parse("2", &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_V2);
    ck_assert_int_eq(awsv2_signature_version_parse("4", &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_V4);
    ck_assert_int_eq(awsv2_signature_version_parse("auto", &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_AUTO);
    ck_assert_int_eq(awsv2_signature_version_parse("v4", &v, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_signature_version_parse("", &v, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_signature_version_resolve(NULL, &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_AUTO);
    setenv("AWSV2_SIGNATURE_VERSION", "4", 1);
    ck_assert_int_eq(awsv2_signature_version_resolve(NULL, &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_V4);
    ck_assert_int_eq(awsv2_signature_version_resolve("2", &v, &err), AWSV2_OK);
    ck_assert_int_eq(v, AWSV2_SIGNATURE_V2);
    setenv("AWSV2_SIGNATURE_VERSION", "5", 1);
    ck_assert_int_eq(awsv2_signature_version_resolve(NULL, &v, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "AWSV2_SIGNATURE_VERSION"));
}
END_TEST

/* The client's options: SigV4 needs a region; unknown versions are refused;
 * a first-layout caller (no such fields) keeps SigV2. */
static awsv2_status client_with(size_t size, awsv2_signature_version v, const char *region,
                                awsv2_error *err)
{
    awsv2_credentials *creds;
    awsv2_signer *s = example_signer(&creds);
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.size = size;
    o.endpoint_url = "https://ec2.eu-central-1.amazonaws.com/";
    o.signer = s;
    o.access_key_id = TEST_KEY_ID;
    o.signature_version = v;
    o.region = region;
    awsv2_client *c = NULL;
    awsv2_status st = awsv2_client_new(&c, &o, err);
    awsv2_client_free(c);
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
    return st;
}

START_TEST(client_options)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    size_t all = sizeof(awsv2_client_options);
    size_t first = offsetof(awsv2_client_options, debug_ctx) + sizeof(void *);
    ck_assert_int_eq(client_with(all, AWSV2_SIGNATURE_V4, "eu-central-1", &err), AWSV2_OK);
    ck_assert_int_eq(client_with(all, AWSV2_SIGNATURE_AUTO, "eu-central-1", &err), AWSV2_OK);
    ck_assert_int_eq(client_with(all, AWSV2_SIGNATURE_V4, NULL, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "region"));
    ck_assert_int_eq(client_with(all, (awsv2_signature_version)3, "eu-central-1", &err),
                     AWSV2_E_INVALID);
    /* The older layout never reads the new members (garbage there is fine). */
    ck_assert_int_eq(client_with(first, (awsv2_signature_version)3, NULL, &err), AWSV2_OK);
}
END_TEST

int main(void)
{
    nvectors = (int)sigv4_vectors(&vectors);
    Suite *s = suite_create("sigv4");
    TCase *tc = tcase_create("sigv4.jsonl");
    core_env_fixtures(tc);
    tcase_add_test(tc, file_covers_the_cases);
    tcase_add_loop_test(tc, presigned_get, 0, nvectors);
    tcase_add_loop_test(tc, post_authorization, 0, nvectors);
    tcase_add_loop_test(tc, aws_doc_iam, 0, nvectors);
    tcase_add_loop_test(tc, signing_keys, 0, nvectors);
    suite_add_tcase(s, tc);
    TCase *sig = tcase_create("signer");
    core_env_fixtures(sig);
    tcase_set_timeout(sig, 60);
    tcase_add_test(sig, refusals);
    tcase_add_test(sig, signer_without_sign4);
    tcase_add_test(sig, cache_eviction);
    tcase_add_test(sig, threads);
    suite_add_tcase(s, sig);
    TCase *req = tcase_create("request");
    core_env_fixtures(req);
    tcase_add_test(req, request_rules);
    tcase_add_test(req, switching_versions);
    tcase_add_test(req, client_options);
    tcase_add_test(req, query_sorted_by_encoded_name);
    tcase_add_test(req, version_auto);
    tcase_add_test(req, version_parse_resolve);
    suite_add_tcase(s, req);
    int rc = core_run(s);
    return rc;
}
