/* The pkcs11: backend against a SoftHSM2 token this test makes in a
 * temporary directory: every SigV2 vector of tests/core/sigv2.jsonl and
 * thousands of random strings equal to OpenSSL's HMAC(); every SigV4 vector
 * with a canonical request (botocore's signatures) and random scopes by
 * the OpenSSL oracle; 8 threads at once; key management and the attributes
 * of what it stores (read back with PKCS#11 calls of the test's own); each
 * refusal (wrong PIN, no PIN, missing token, missing object, a key that
 * cannot sign, an extractable or non-sensitive key, a PIN in the spec, a
 * PIN file others can read) with its status and exit code; the token
 * directory taken away and put back (an error, then recovery in the same
 * process); the default module through p11-kit. SoftHSM2 missing is a
 * failure, never a skip. */
#include <check.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <p11-kit/p11-kit.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "awsv2/awsv2.h"
#include "sigv4_vectors.h"
#include "child.h"
#include "softhsm.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define PIN "246813"
#define TOKEN "awsv2-test"
/* Keys the test stores itself, bypassing the backend's rules. */
#define NOSIGN_ID "AKIANOSIGN0000000001"
#define EXTRACTABLE_ID "AKIAEXTRACTABLE00001"
#define READABLE_ID "AKIAREADABLE00000001"

static struct softhsm hsm;
static char spec[2048];

static awsv2_signer *open_spec(const char *s)
{
    awsv2_signer *signer = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_open(&signer, s, NULL, &err) == AWSV2_OK, "%s: %s", s,
                  err.message);
    return signer;
}

/* Opens s, which must fail with st: err filled for the caller. */
static void open_fails(const char *s, awsv2_status st, awsv2_error *err)
{
    awsv2_signer *signer = NULL;
    awsv2_status got = awsv2_signer_open(&signer, s, NULL, err);
    ck_assert_msg(got == st, "%s: status %d, not %d: %s", s, (int)got, (int)st, err->message);
    ck_assert_ptr_null(signer);
    ck_assert_msg(!strstr(err->message, SECRET) && !strstr(err->message, PIN), "%s",
                  err->message);
}

static void oracle(awsv2_hash hash, const char *secret, const char *s, size_t len, uint8_t *mac,
                   unsigned *mac_len)
{
    HMAC(hash == AWSV2_HMAC_SHA1 ? EVP_sha1() : EVP_sha256(), secret, (int)strlen(secret),
         (const unsigned char *)s, len, mac, mac_len);
}

/* ---- Direct PKCS#11, for what the backend would never store ---------------- */

/* Also used before the tests run, where Check cannot report. */
#define REQUIRE(cond)                                                                         \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "test_pkcs11:%d: %s failed\n", __LINE__, #cond);                  \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

static CK_FUNCTION_LIST *direct_open(CK_SESSION_HANDLE *sess)
{
    CK_FUNCTION_LIST *m = p11_kit_module_load(hsm.module, 0);
    REQUIRE(m != NULL);
    CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
    REQUIRE((m->C_Initialize(&args)) == CKR_OK);
    CK_SLOT_ID slots[8];
    CK_ULONG n = 8;
    REQUIRE((m->C_GetSlotList(CK_TRUE, slots, &n)) == CKR_OK);
    CK_ULONG i = 0;
    for (; i < n; i++) { /* SoftHSM2 adds an empty slot beside each token */
        CK_TOKEN_INFO ti;
        if (m->C_GetTokenInfo(slots[i], &ti) == CKR_OK && !memcmp(ti.label, TOKEN " ", 11))
            break;
    }
    REQUIRE(i < n);
    REQUIRE((m->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
                                      sess)) == CKR_OK);
    CK_RV rv = m->C_Login(*sess, CKU_USER, (CK_UTF8CHAR_PTR)PIN, strlen(PIN));
    REQUIRE(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN);
    return m;
}

static void direct_close(CK_FUNCTION_LIST *m)
{
    m->C_Finalize(NULL);
    p11_kit_module_release(m);
}

static void direct_create(const char *label, CK_BBOOL sign, CK_BBOOL extractable,
                          CK_BBOOL sensitive)
{
    CK_SESSION_HANDLE sess;
    CK_FUNCTION_LIST *m = direct_open(&sess);
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &type, sizeof type},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SIGN, &sign, sizeof sign},
        {CKA_EXTRACTABLE, &extractable, sizeof extractable},
        {CKA_SENSITIVE, &sensitive, sizeof sensitive},
        {CKA_LABEL, (void *)label, strlen(label)},
        {CKA_VALUE, SECRET, strlen(SECRET)},
    };
    CK_OBJECT_HANDLE h;
    REQUIRE((m->C_CreateObject(sess, t, sizeof t / sizeof t[0], &h)) == CKR_OK);
    direct_close(m);
}

/* ---- Fixture: one token for the whole run ------------------------------------ */

static void make_token(void)
{
    char why[512];
    if (softhsm_create(&hsm, "pkcs11-test", TOKEN, PIN, why, sizeof why) != 0) {
        fprintf(stderr, "test_pkcs11: %s\n", why);
        exit(1);
    }
    setenv("AWSV2_PKCS11_PIN", PIN, 1);
    /* tpm2-pkcs11, if p11-kit loads it, looks for a TPM: not here. */
    setenv("TSS2_LOG", "all+NONE", 1);
    snprintf(spec, sizeof spec, "pkcs11:token=" TOKEN "?module-path=%s", hsm.module);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signer_open(&s, spec, NULL, &err) ||
        awsv2_signer_key_put(s, KEY_ID, SECRET, NULL, &err) ||
        awsv2_signer_key_put(s, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL,
                             &err)) {
        fprintf(stderr, "test_pkcs11: cannot store the keys: %s\n", err.message);
        exit(1);
    }
    awsv2_signer_close(s);
}

/* ---- SigV2 ----------------------------------------------------------------- */

START_TEST(test_sigv2_vectors)
{
    char path[1024];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/tests/core/sigv2.jsonl", top ? top : ".");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    awsv2_signer *s = open_spec(spec);
    char line[16384];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        json_object *v = json_tokener_parse(line), *x;
        ck_assert_ptr_nonnull(v);
        const char *sts = json_object_object_get_ex(v, "string_to_sign", &x)
                              ? json_object_get_string(x) : NULL;
        const char *method = json_object_object_get_ex(v, "signature_method", &x)
                                 ? json_object_get_string(x) : "";
        const char *secret = json_object_object_get_ex(v, "secret", &x)
                                 ? json_object_get_string(x) : "";
        const char *want_b64 = json_object_object_get_ex(v, "signature", &x)
                                   ? json_object_get_string(x) : "";
        ck_assert_ptr_nonnull(sts);
        ck_assert_str_eq(secret, SECRET);
        awsv2_hash hash = strcmp(method, "HmacSHA1") == 0 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        uint8_t mac[AWSV2_MAC_MAX], want[64];
        size_t mac_len = 0;
        unsigned want_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign(s, hash, sts, strlen(sts), mac, &mac_len, &err) ==
                          AWSV2_OK, "%s", err.message);
        oracle(hash, secret, sts, strlen(sts), want, &want_len);
        ck_assert_uint_eq(mac_len, want_len);
        ck_assert(memcmp(mac, want, mac_len) == 0);
        unsigned char b64[128];
        EVP_EncodeBlock(b64, mac, (int)mac_len);
        ck_assert_str_eq((char *)b64, want_b64);
        json_object_put(v);
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 9);
    awsv2_signer_close(s);
}
END_TEST

/* A random string to sign for key_id: printable, three newlines. */
static size_t random_sts(char *out, size_t cap, const char *key_id, unsigned *seed)
{
    size_t n = (size_t)snprintf(out, cap, "%s\nhost-%u.example\n/p%u\nAWSAccessKeyId=%s&Action=",
                                rand_r(seed) % 2 ? "GET" : "POST", rand_r(seed) % 1000,
                                rand_r(seed) % 1000, key_id);
    size_t len = n + (size_t)(rand_r(seed) % 600);
    if (len >= cap)
        len = cap - 1;
    while (n < len) {
        char c = (char)(0x20 + rand_r(seed) % 95);
        if (c != '&')
            out[n++] = c;
    }
    out[n] = '\0';
    return n;
}

START_TEST(test_random_strings)
{
    awsv2_signer *s = open_spec(spec);
    unsigned seed = 20261202;
    for (int i = 0; i < 3000; i++) {
        char sts[1024];
        size_t len = random_sts(sts, sizeof sts, KEY_ID, &seed);
        awsv2_hash hash = i % 3 == 0 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        uint8_t mac[AWSV2_MAC_MAX], want[64];
        size_t mac_len = 0;
        unsigned want_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign(s, hash, sts, len, mac, &mac_len, &err) == AWSV2_OK,
                      "%d: %s", i, err.message);
        oracle(hash, SECRET, sts, len, want, &want_len);
        ck_assert_msg(mac_len == want_len && memcmp(mac, want, mac_len) == 0, "%d: %s", i, sts);
    }
    awsv2_signer_close(s);
}
END_TEST

/* ---- SigV4 ----------------------------------------------------------------- */

static bool sig_is(const awsv2_sign4_job *job, const char *hex)
{
    char got[2 * AWSV2_SIGV4_SIZE + 1];
    awsv2_hex_encode(job->signature, AWSV2_SIGV4_SIZE, got);
    return strcmp(got, hex) == 0;
}

static awsv2_sign4_job job_of(const sigv4_vector *v)
{
    bool post = strcmp(v->kind, "post-authorization") == 0;
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = v->key_id;
    job.region = v->region;
    job.service = v->service;
    job.canonical_request = v->signed_request;
    job.canonical_request_len = strlen(v->signed_request);
    /* A presigned GET hashes its empty body. */
    job.payload = post ? v->body : "";
    job.payload_len = post ? strlen(v->body) : 0;
    return job;
}

static bool signable(const sigv4_vector *v)
{
    return v->signed_request && v->signature && v->timestamp &&
           (!strcmp(v->kind, "post-authorization") || !strcmp(v->kind, "presigned-get"));
}

START_TEST(test_sigv4_vectors)
{
    const sigv4_vector *all;
    size_t n = sigv4_vectors(&all), done = 0;
    awsv2_signer *s = open_spec(spec);
    for (size_t i = 0; i < n; i++) {
        if (!signable(&all[i]))
            continue;
        awsv2_sign4_job job = job_of(&all[i]);
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s: %s", all[i].name,
                      err.message);
        ck_assert_msg(sig_is(&job, all[i].signature), "%s: wrong signature", all[i].name);
        done++;
    }
    ck_assert_uint_ge(done, 10);
    awsv2_signer_close(s);
}
END_TEST

/* A POST of DescribeRegions for key_id in a scope, as EC2 and SQS take it
 * (the strings live in static buffers until the next call). */
static awsv2_sign4_job post_job(const char *key_id, const char *amz, const char *region,
                                const char *service, int marker)
{
    static char cr[512], body[64];
    char hash[65];
    int blen = snprintf(body, sizeof body, "Action=DescribeRegions&Marker=%d", marker);
    sigv4_sha256_hex(body, (size_t)blen, hash);
    int n = snprintf(cr, sizeof cr,
                     "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; "
                     "charset=utf-8\nhost:%s.%s.amazonaws.com\nx-amz-date:%s\n\n"
                     "content-type;host;x-amz-date\n%s",
                     service, region, amz, hash);
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = key_id;
    job.region = region;
    job.service = service;
    job.canonical_request = cr;
    job.canonical_request_len = (size_t)n;
    job.payload = body;
    job.payload_len = (size_t)blen;
    return job;
}

/* Scopes no vector has (dates, regions, services), by the OpenSSL oracle:
 * a new kDate from the token for each date. */
START_TEST(test_sigv4_scopes)
{
    static const char *const regions[] = {"us-east-1", "eu-central-1", "ap-south-1"};
    static const char *const services[] = {"ec2", "sqs"};
    awsv2_signer *s = open_spec(spec);
    for (int i = 0; i < 60; i++) {
        char amz[24], want[65];
        snprintf(amz, sizeof amz, "2026%02d%02dT%02d0000Z", 1 + i % 12, 1 + i % 28, i % 24);
        const char *region = regions[i % 3], *service = services[i % 2];
        awsv2_sign4_job job = post_job(KEY_ID, amz, region, service, i);
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%d: %s", i, err.message);
        sigv4_oracle_sign(SECRET, amz, region, service, job.canonical_request,
                          job.canonical_request_len, NULL, want);
        ck_assert_msg(sig_is(&job, want), "%d: %s %s %s", i, amz, region, service);
    }
    awsv2_signer_close(s);
}
END_TEST

/* ---- Threads --------------------------------------------------------------- */

struct worker {
    awsv2_signer *s;
    unsigned seed;
    int wrong, errors;
    char why[AWSV2_ERROR_MESSAGE_MAX];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    const sigv4_vector *all;
    size_t nv = sigv4_vectors(&all);
    for (int i = 0; i < 300; i++) {
        char sts[1024];
        size_t len = random_sts(sts, sizeof sts, KEY_ID, &w->seed);
        awsv2_hash hash = i % 2 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        uint8_t mac[AWSV2_MAC_MAX], want[64];
        size_t mac_len = 0;
        unsigned want_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        if (awsv2_signer_sign(w->s, hash, sts, len, mac, &mac_len, &err)) {
            w->errors++;
            snprintf(w->why, sizeof w->why, "%s", err.message);
            continue;
        }
        oracle(hash, SECRET, sts, len, want, &want_len);
        if (mac_len != want_len || memcmp(mac, want, mac_len) != 0)
            w->wrong++;
        const sigv4_vector *v = &all[(size_t)i % nv];
        if (i % 10 == 0 && signable(v)) {
            awsv2_sign4_job job = job_of(v);
            if (awsv2_signer_sign4(w->s, &job, &err)) {
                w->errors++;
                snprintf(w->why, sizeof w->why, "%s", err.message);
            } else if (!sig_is(&job, v->signature)) {
                w->wrong++;
            }
        }
    }
    return NULL;
}

START_TEST(test_threads)
{
    enum { THREADS = 8 };
    awsv2_signer *s = open_spec(spec);
    const sigv4_vector *all;
    sigv4_vectors(&all); /* loaded before the threads start */
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.s = s, .seed = 77u + (unsigned)i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        ck_assert_msg(w[i].errors == 0, "thread %d: %d errors: %s", i, w[i].errors, w[i].why);
        ck_assert_int_eq(w[i].wrong, 0);
    }
    awsv2_signer_close(s);
}
END_TEST

/* ---- Keys ------------------------------------------------------------------ */

static void sign_as(awsv2_signer *s, const char *key_id, awsv2_status want, const char *code,
                    awsv2_error *err)
{
    char sts[256];
    int n = snprintf(sts, sizeof sts,
                     "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=%s&Action=DescribeRegions", key_id);
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0;
    awsv2_status st = awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, (size_t)n, mac, &mac_len, err);
    ck_assert_msg(st == want, "%s: status %d, not %d: %s", key_id, (int)st, (int)want,
                  err->message);
    if (code)
        ck_assert_msg(strcmp(err->code, code) == 0, "%s: code %s, not %s (%s)", key_id,
                      err->code, code, err->message);
}

START_TEST(test_keys)
{
    awsv2_signer *s = open_spec(spec);
    const char *id = "AKIAI44QH8DHBEXAMPLE", *secret = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
    char ids[AWSV2_KEY_IDS_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_key_put(s, id, secret, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    /* No ID/aws4 object and no key of the test's own made invalid. */
    ck_assert_msg(strstr(ids, id) && strstr(ids, KEY_ID) && !strstr(ids, "aws4"), "%s", ids);
    ck_assert_int_eq(awsv2_signer_key_put(s, id, secret, NULL, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "key-exists");
    ck_assert_int_eq(awsv2_exit_code(err.status), 3);

    /* What it stored signs as OpenSSL does, and cannot leave the token. */
    char sts[] = "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAI44QH8DHBEXAMPLE&Action=X";
    uint8_t mac[AWSV2_MAC_MAX], want[64];
    size_t mac_len = 0;
    unsigned want_len = 0;
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA1, sts, strlen(sts), mac, &mac_len, &err),
                     AWSV2_OK);
    oracle(AWSV2_HMAC_SHA1, secret, sts, strlen(sts), want, &want_len);
    ck_assert(mac_len == 20 && memcmp(mac, want, 20) == 0);
    CK_SESSION_HANDLE sess;
    CK_FUNCTION_LIST *m = direct_open(&sess);
    static const char *const labels[] = {"AKIAI44QH8DHBEXAMPLE", "AKIAI44QH8DHBEXAMPLE/aws4"};
    for (int i = 0; i < 2; i++) {
        CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
        CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_LABEL, (void *)labels[i], strlen(labels[i])}};
        CK_OBJECT_HANDLE h;
        CK_ULONG n = 0;
        ck_assert_int_eq(m->C_FindObjectsInit(sess, t, 2), CKR_OK);
        ck_assert_int_eq(m->C_FindObjects(sess, &h, 1, &n), CKR_OK);
        m->C_FindObjectsFinal(sess);
        ck_assert_uint_eq(n, 1);
        CK_BBOOL b[9];
        CK_KEY_TYPE type;
        CK_ATTRIBUTE a[] = {
            {CKA_TOKEN, &b[0], 1},   {CKA_SENSITIVE, &b[1], 1}, {CKA_SIGN, &b[2], 1},
            {CKA_EXTRACTABLE, &b[3], 1}, {CKA_ENCRYPT, &b[4], 1}, {CKA_DECRYPT, &b[5], 1},
            {CKA_WRAP, &b[6], 1},    {CKA_UNWRAP, &b[7], 1},    {CKA_DERIVE, &b[8], 1},
            {CKA_KEY_TYPE, &type, sizeof type},
        };
        ck_assert_int_eq(m->C_GetAttributeValue(sess, h, a, 10), CKR_OK);
        ck_assert(b[0] && b[1] && b[2]);
        ck_assert(!b[3] && !b[4] && !b[5] && !b[6] && !b[7] && !b[8]);
        ck_assert_uint_eq(type, CKK_GENERIC_SECRET);
        char value[64];
        CK_ATTRIBUTE v = {CKA_VALUE, value, sizeof value};
        ck_assert_int_eq(m->C_GetAttributeValue(sess, h, &v, 1), CKR_ATTRIBUTE_SENSITIVE);
    }
    direct_close(m);

    ck_assert_int_eq(awsv2_signer_key_delete(s, id, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_msg(!strstr(ids, id), "%s", ids);
    sign_as(s, id, AWSV2_E_REFUSED, "unknown-awsaccesskey", &err);
    ck_assert_int_eq(awsv2_signer_key_delete(s, id, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");

    /* A token cannot enforce a policy: refused, nothing stored. */
    awsv2_key_policy *p = NULL;
    ck_assert_int_eq(awsv2_key_policy_new(&p, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_key_policy_set(p, "region", "us-east-1", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_put(s, id, secret, p, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "policy-unsupported");
    awsv2_key_policy_free(p);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_msg(!strstr(ids, id), "%s", ids);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    /* SoftHSM2 has both HMAC mechanisms. */
    ck_assert_uint_eq(awsv2_signer_capabilities(s), AWSV2_SIGNER_CAN_HMAC_SHA256 |
                                                        AWSV2_SIGNER_CAN_HMAC_SHA1 |
                                                        AWSV2_SIGNER_CAN_SIGV4);
    awsv2_signer_close(s);
}
END_TEST

/* id= is stored with a key and required of the keys looked up. */
START_TEST(test_id_attribute)
{
    char with_id[2200], other_id[2200];
    snprintf(with_id, sizeof with_id, "pkcs11:token=" TOKEN ";id=%%a1%%02?module-path=%s",
             hsm.module);
    snprintf(other_id, sizeof other_id, "pkcs11:token=" TOKEN ";id=%%a1%%03?module-path=%s",
             hsm.module);
    const char *id = "AKIAWITHID0000000001";
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_signer *s = open_spec(with_id), *o = open_spec(other_id), *any = open_spec(spec);
    ck_assert_int_eq(awsv2_signer_key_put(s, id, SECRET, NULL, &err), AWSV2_OK);
    char ids[AWSV2_KEY_IDS_SIZE];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, id); /* only the keys with that CKA_ID */
    sign_as(s, id, AWSV2_OK, NULL, &err);
    sign_as(any, id, AWSV2_OK, NULL, &err);
    sign_as(o, id, AWSV2_E_REFUSED, "unknown-awsaccesskey", &err);
    sign_as(s, KEY_ID, AWSV2_E_REFUSED, "unknown-awsaccesskey", &err);
    ck_assert_int_eq(awsv2_signer_key_delete(s, id, &err), AWSV2_OK);
    awsv2_signer_close(s);
    awsv2_signer_close(o);
    awsv2_signer_close(any);
}
END_TEST

/* ---- Refusals ---------------------------------------------------------------- */

START_TEST(test_bad_keys)
{
    awsv2_signer *s = open_spec(spec);
    awsv2_error err = AWSV2_ERROR_INIT;
    sign_as(s, NOSIGN_ID, AWSV2_E_REFUSED, "key-cannot-sign", &err);
    ck_assert_msg(strstr(err.message, "CKA_SIGN"), "%s", err.message);
    sign_as(s, EXTRACTABLE_ID, AWSV2_E_REFUSED, "key-extractable", &err);
    ck_assert_msg(strstr(err.message, "CKA_EXTRACTABLE"), "%s", err.message);
    sign_as(s, READABLE_ID, AWSV2_E_REFUSED, "key-not-sensitive", &err);
    ck_assert_msg(strstr(err.message, "CKA_SENSITIVE"), "%s", err.message);
    sign_as(s, "AKIANOTINTHETOKEN001", AWSV2_E_REFUSED, "unknown-awsaccesskey", &err);
    ck_assert_int_eq(awsv2_exit_code(err.status), 3);
    ck_assert_msg(strstr(err.message, "AKIANOTINTHETOKEN001"), "%s", err.message);
    /* A key without its SigV4 object signs SigV2 only, and says why. */
    awsv2_sign4_job job = post_job(NOSIGN_ID, "20261121T120000Z", "us-east-1", "ec2", 1);
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_REFUSED);
    ck_assert_msg(strstr(err.message, NOSIGN_ID "/aws4"), "%s", err.message);
    awsv2_signer_close(s);

    /* object= limits the signer to one key. */
    char one[2200];
    snprintf(one, sizeof one, "pkcs11:token=" TOKEN ";object=" KEY_ID "?module-path=%s",
             hsm.module);
    s = open_spec(one);
    char ids[AWSV2_KEY_IDS_SIZE];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    sign_as(s, KEY_ID, AWSV2_OK, NULL, &err);
    sign_as(s, "AKIDEXAMPLE", AWSV2_E_REFUSED, "unknown-awsaccesskey", &err);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_bad_specs)
{
    char s[2400];
    awsv2_error err = AWSV2_ERROR_INIT;
    snprintf(s, sizeof s, "pkcs11:token=no-such-token?module-path=%s", hsm.module);
    open_fails(s, AWSV2_E_DEVICE, &err);
    ck_assert_str_eq(err.code, "token-not-found");
    ck_assert_int_eq(awsv2_exit_code(err.status), 3);

    setenv("WRONG_PIN", "135791", 1);
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-source=env:WRONG_PIN",
             hsm.module);
    open_fails(s, AWSV2_E_REFUSED, &err);
    ck_assert_str_eq(err.code, "pin-incorrect");
    ck_assert_msg(strstr(err.message, "WRONG_PIN") && !strstr(err.message, "135791"), "%s",
                  err.message);
    ck_assert_int_eq(awsv2_exit_code(err.status), 3);

    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-source=env:NO_SUCH_PIN_VAR",
             hsm.module);
    open_fails(s, AWSV2_E_CREDENTIALS, &err);
    ck_assert_msg(strstr(err.message, "NO_SUCH_PIN_VAR"), "%s", err.message);
    ck_assert_int_eq(awsv2_exit_code(err.status), 3);

    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-value=" PIN, hsm.module);
    open_fails(s, AWSV2_E_SPEC, &err);
    ck_assert_msg(strstr(err.message, "pin-value") && strstr(err.message, "pin-source"), "%s",
                  err.message);

    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=/nonexistent/libnone.so");
    open_fails(s, AWSV2_E_DEVICE, &err);
    ck_assert_msg(strstr(err.message, "/nonexistent/libnone.so"), "%s", err.message);

    snprintf(s, sizeof s, "pkcs11:token=" TOKEN ";frobnicate=1?module-path=%s", hsm.module);
    open_fails(s, AWSV2_E_SPEC, &err);
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN ";object=not-a-key-id?module-path=%s",
             hsm.module);
    open_fails(s, AWSV2_E_SPEC, &err);
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-source=http://x/pin",
             hsm.module);
    open_fails(s, AWSV2_E_SPEC, &err);
    open_fails("pkcs11:token=%zz", AWSV2_E_SPEC, &err);
    /* Every attribute must match: the right label in another slot is not it. */
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN ";slot-id=4242?module-path=%s", hsm.module);
    open_fails(s, AWSV2_E_DEVICE, &err);
    ck_assert_str_eq(err.code, "token-not-found");
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-name=softhsm2");
    open_fails(s, AWSV2_E_SPEC, &err);
    ck_assert_msg(strstr(err.message, "module-path"), "%s", err.message);
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN ";type=private?module-path=%s", hsm.module);
    open_fails(s, AWSV2_E_SPEC, &err);

    /* A PIN file: others may not read it; its owner's copy works. */
    char pin[1200];
    snprintf(pin, sizeof pin, "%s/pin", hsm.dir);
    FILE *f = fopen(pin, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s\n", PIN);
    fclose(f);
    chmod(pin, 0644);
    unsetenv("AWSV2_PKCS11_PIN");
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-source=file:%s", hsm.module,
             pin);
    open_fails(s, AWSV2_E_CONFIG, &err);
    ck_assert_msg(strstr(err.message, "too open"), "%s", err.message);
    chmod(pin, 0600);
    awsv2_signer *ok = open_spec(s);
    awsv2_signer_close(ok);
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s&pin-source=file://%s",
             hsm.module, pin);
    ok = open_spec(s);
    awsv2_signer_close(ok);
    /* No PIN anywhere. */
    snprintf(s, sizeof s, "pkcs11:token=" TOKEN "?module-path=%s", hsm.module);
    open_fails(s, AWSV2_E_CREDENTIALS, &err);
    ck_assert_msg(strstr(err.message, "AWSV2_PKCS11_PIN"), "%s", err.message);
    setenv("AWSV2_PKCS11_PIN", PIN, 1);
}
END_TEST

/* ---- The token going away and coming back ------------------------------------ */

/* The token behind p11-kit's RPC (p11-kit server, a process of its own,
 * and p11-kit-client.so), as a network HSM is: the server killed, the
 * token is gone for the signer; started again, it is back. */
static void start_server(struct child *c, const char *sock)
{
    char prog[512], setsid[512], provider[600];
    ck_assert_msg(softhsm_find_program("p11-kit", prog, sizeof prog) == 0,
                  "p11-kit is not installed (on Debian: apt-get install p11-kit)");
    ck_assert_msg(softhsm_find_program("setsid", setsid, sizeof setsid) == 0, "no setsid");
    snprintf(provider, sizeof provider, "--provider=%s", hsm.module);
    unlink(sock);
    /* In a process group of its own: the server forks a process for each
     * client, which goes with it. */
    const char *argv[] = {setsid, prog, "server", "-f", "-n", sock, provider,
                          "pkcs11:token=" TOKEN, NULL};
    ck_assert_msg(child_start(c, argv, -1) == 0, "p11-kit server did not start");
}

static awsv2_status sign_once(awsv2_signer *s, awsv2_error *err)
{
    char sts[] = "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" KEY_ID "&Action=X";
    uint8_t mac[AWSV2_MAC_MAX], want[32];
    size_t mac_len = 0;
    unsigned want_len;
    awsv2_status st = awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, strlen(sts), mac, &mac_len,
                                        err);
    oracle(AWSV2_HMAC_SHA256, SECRET, sts, strlen(sts), want, &want_len);
    ck_assert(st || (mac_len == 32 && memcmp(mac, want, 32) == 0));
    return st;
}

START_TEST(test_token_away_and_back)
{
    char sock[1200], addr[1300], s_spec[256];
    snprintf(sock, sizeof sock, "%s/p11-kit.sock", hsm.dir);
    snprintf(addr, sizeof addr, "unix:path=%s", sock);
    setenv("P11_KIT_SERVER_ADDRESS", addr, 1);
    /* p11-kit-client.so writes to the dead server's socket without
     * MSG_NOSIGNAL, as a program that talks to a network HSM must allow
     * for (awsv2-hsmd ignores SIGPIPE too). */
    signal(SIGPIPE, SIG_IGN);
    struct child server = {0};
    start_server(&server, sock);
    /* A module name without a path is found in p11-kit's module directory. */
    snprintf(s_spec, sizeof s_spec, "pkcs11:token=" TOKEN "?module-path=p11-kit-client.so");
    awsv2_signer *s = open_spec(s_spec);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(sign_once(s, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(kill(-server.pid, SIGKILL), 0);
    ck_assert_int_ge(child_wait(&server, 5000), 0);
    /* Gone: a clear error each time, for a sign and for a ping. */
    for (int i = 0; i < 3; i++) {
        awsv2_status st = sign_once(s, &err);
        ck_assert_msg(st == AWSV2_E_DEVICE, "%d: %s", (int)st, err.message);
        ck_assert_int_eq(awsv2_exit_code(st), 3);
        ck_assert_msg(strstr(err.message, TOKEN), "%s", err.message);
    }
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_DEVICE);
    /* Back: the same signer signs again, without a restart. */
    start_server(&server, sock);
    ck_assert_msg(sign_once(s, &err) == AWSV2_OK, "after the token came back: %s", err.message);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
    kill(-server.pid, SIGKILL);
    child_wait(&server, 5000);
}
END_TEST

/* Without module-path, p11-kit's configured modules are searched (Debian's
 * softhsm2 package registers its module with p11-kit). */
START_TEST(test_default_module)
{
    awsv2_signer *s = open_spec("pkcs11:token=" TOKEN);
    awsv2_error err = AWSV2_ERROR_INIT;
    sign_as(s, KEY_ID, AWSV2_OK, NULL, &err);
    awsv2_signer_close(s);
}
END_TEST

int main(void)
{
    make_token();
    direct_create(NOSIGN_ID, CK_FALSE, CK_FALSE, CK_TRUE);
    direct_create(EXTRACTABLE_ID, CK_TRUE, CK_TRUE, CK_TRUE);
    direct_create(READABLE_ID, CK_TRUE, CK_FALSE, CK_FALSE);
    Suite *suite = suite_create("pkcs11");
    TCase *tc = tcase_create("softhsm2");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sigv2_vectors);
    tcase_add_test(tc, test_random_strings);
    tcase_add_test(tc, test_sigv4_vectors);
    tcase_add_test(tc, test_sigv4_scopes);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_id_attribute);
    tcase_add_test(tc, test_bad_keys);
    tcase_add_test(tc, test_bad_specs);
    tcase_add_test(tc, test_default_module);
    tcase_add_test(tc, test_token_away_and_back);
    suite_add_tcase(suite, tc);
    int rc = check_run(suite);
    softhsm_remove(&hsm);
    return rc;
}
