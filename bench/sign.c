/* awsv2-bench sign: how fast a client signs, against the bare HMAC; and what
 * awsv2-bench sign4 shares with it (the request, the signer, the timing).
 * Input: the request of the vector ec2-describe-instances-filters. Each
 * iteration builds the parameters, canonical query, signature and URL, as a
 * client does for every request; the anchor times EVP_MAC HMAC-SHA256 with
 * a keyed context over the same string to sign. "sign -n N" runs each loop
 * N times instead, untimed, for an instruction counter (bench/callgrind.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "softhsm.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
/* The two loops run in alternating slices and each keeps its best slice, so
 * that load from other processes hits both alike. */
#define SLICE_SECONDS 0.1
#define ROUNDS 10

static const char *const vector_params[][2] = {
    {"Action", "DescribeInstances"},
    {"Version", "2016-11-15"},
    {"Filter.1.Name", "instance-state-name"},
    {"Filter.1.Value.1", "running"},
    {"Filter.1.Value.2", "stopped"},
    {"Filter.2.Name", "tag:Name"},
    {"Filter.2.Value.1", "web*"},
    {"Filter.10.Name", "instance-type"},
    {"Filter.10.Value.1", "t3.micro"},
    {"InstanceId.1", "i-1234567890abcdef0"},
    {"MaxResults", "100"},
};

awsv2_status bench_vector_params(awsv2_params *p, awsv2_error *err)
{
    awsv2_params_clear(p);
    for (size_t i = 0; i < sizeof vector_params / sizeof vector_params[0]; i++)
        if (awsv2_params_set(p, vector_params[i][0], vector_params[i][1], err))
            return err->status;
    return AWSV2_OK;
}

int bench_signing_open(struct bench_signing *b, const char *what, awsv2_method method,
                       const char *url, bench_build_fn *build)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_credentials_new(&b->creds, "AKIAIOSFODNN7EXAMPLE", SECRET, NULL, &err) ||
        awsv2_signer_open(&b->signer, "openssl", b->creds, &err) ||
        awsv2_request_new(&b->req, method, url, &err) || build(b->req, b->signer, &err)) {
        fprintf(stderr, "awsv2-bench %s: %s\n", what, err.message);
        return -1;
    }
    return 0;
}

void bench_signing_close(struct bench_signing *b)
{
    awsv2_request_free(b->req);
    awsv2_signer_close(b->signer);
    awsv2_credentials_free(b->creds);
}

double bench_rate_sign(const char *what, bench_build_fn *build, struct bench_signing *b,
                       int batch)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    long n = 0;
    double start = bench_now(), now;
    do {
        for (int i = 0; i < batch; i++)
            if (build(b->req, b->signer, &err)) {
                fprintf(stderr, "awsv2-bench %s: %s\n", what, err.message);
                return -1;
            }
        n += batch;
    } while ((now = bench_now()) - start < SLICE_SECONDS);
    return (double)n / (now - start);
}

static awsv2_status build_and_sign(awsv2_request *req, awsv2_signer *signer, awsv2_error *err)
{
    awsv2_params *p = awsv2_request_params(req);
    awsv2_status st = bench_vector_params(p, err);
    if (!st)
        st = awsv2_request_set_auth(req, "AKIAIOSFODNN7EXAMPLE", NULL, AWSV2_HMAC_SHA256, err);
    if (!st)
        st = awsv2_params_set(p, "Timestamp", "2026-11-21T12:00:00Z", err);
    if (!st)
        st = awsv2_request_sign(req, signer, err);
    return st;
}

/* One slice of bare keyed HMAC-SHA256 with ctx. */
static double rate_bare_hmac(EVP_MAC_CTX *ctx, const char *sts, size_t len)
{
    unsigned char out[32];
    size_t out_len;
    long n = 0;
    double start = bench_now(), now;
    do {
        for (int i = 0; i < 1000; i++) {
            EVP_MAC_init(ctx, NULL, 0, NULL);
            EVP_MAC_update(ctx, (const unsigned char *)sts, len);
            EVP_MAC_final(ctx, out, &out_len, sizeof out);
        }
        n += 1000;
    } while ((now = bench_now()) - start < SLICE_SECONDS);
    return (double)n / (now - start);
}

static EVP_MAC_CTX *keyed_sha256(void)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC_init(ctx, (const unsigned char *)SECRET, strlen(SECRET), params);
    EVP_MAC_free(mac);
    return ctx;
}

/* The two loops of a counted run, each in a function of its own so that
 * callgrind can tell them apart (bench/callgrind.sh). */
__attribute__((noinline)) static int count_sign(struct bench_signing *b, long n)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    for (long i = 0; i < n; i++)
        if (build_and_sign(b->req, b->signer, &err)) {
            fprintf(stderr, "awsv2-bench sign: %s\n", err.message);
            return -1;
        }
    return 0;
}

__attribute__((noinline)) static void count_bare_hmac(EVP_MAC_CTX *ctx, const char *sts,
                                                      size_t len, long n)
{
    unsigned char out[32];
    size_t out_len;
    for (long i = 0; i < n; i++) {
        EVP_MAC_init(ctx, NULL, 0, NULL);
        EVP_MAC_update(ctx, (const unsigned char *)sts, len);
        EVP_MAC_final(ctx, out, &out_len, sizeof out);
    }
}

/* ---- pkcs11: the same signing through a SoftHSM2 token made here ---------- */

/* sign_pkcs11_softhsm: build_and_sign with a pkcs11: signer on a SoftHSM2
 * token of its own in a temporary directory, best of ROUNDS slices.
 * Without SoftHSM2 (or the backend) it prints nothing, and says so on
 * stderr. */
static void bench_sign_pkcs11_softhsm(void)
{
    struct softhsm hsm = {0};
    char why[512], spec[1200];
    if (!awsv2_has_backend("pkcs11")) {
        fprintf(stderr, "awsv2-bench sign: no sign_pkcs11_softhsm: this libawsv2 was built "
                        "without the pkcs11: backend\n");
        return;
    }
    if (softhsm_create(&hsm, "awsv2-bench-softhsm", "awsv2-bench", "246813", why, sizeof why)) {
        fprintf(stderr, "awsv2-bench sign: no sign_pkcs11_softhsm: %s\n", why);
        return;
    }
    setenv("AWSV2_BENCH_SOFTHSM_PIN", "246813", 1);
    snprintf(spec, sizeof spec,
             "pkcs11:token=awsv2-bench?module-path=%s&pin-source=env:AWSV2_BENCH_SOFTHSM_PIN",
             hsm.module);
    awsv2_error err = AWSV2_ERROR_INIT;
    struct bench_signing b = {0};
    double best = 0;
    if (awsv2_signer_open(&b.signer, spec, NULL, &err) ||
        awsv2_signer_key_put(b.signer, "AKIAIOSFODNN7EXAMPLE", SECRET, NULL, &err) ||
        awsv2_request_new(&b.req, AWSV2_GET, "https://ec2.us-west-2.amazonaws.com/", &err)) {
        fprintf(stderr, "awsv2-bench sign: sign_pkcs11_softhsm: %s\n", err.message);
        best = -1;
    }
    for (int round = 0; round < ROUNDS && best >= 0; round++) {
        double r = bench_rate_sign("sign_pkcs11_softhsm", build_and_sign, &b, 100);
        best = r < 0 ? r : r > best ? r : best;
    }
    if (best > 0)
        bench_report("sign_pkcs11_softhsm", best, "req/s");
    bench_signing_close(&b);
    softhsm_remove(&hsm);
}

int bench_sign(int argc, char **argv)
{
    long count = bench_count_option("sign", argc, argv);
    if (count < 0)
        return 2;
    awsv2_error err = AWSV2_ERROR_INIT;
    struct bench_signing b = {0};
    const char *sts;
    size_t len;
    int rc = 1;
    if (bench_signing_open(&b, "sign", AWSV2_GET, "https://ec2.us-west-2.amazonaws.com/",
                           build_and_sign))
        goto out;
    if (awsv2_request_string_to_sign(b.req, &sts, &len, &err)) {
        fprintf(stderr, "awsv2-bench sign: %s\n", err.message);
        goto out;
    }
    char sts_copy[2048];
    snprintf(sts_copy, sizeof sts_copy, "%s", sts);
    EVP_MAC_CTX *ctx = keyed_sha256();
    if (count > 0) {
        /* A fixed number of each, for an instruction counter: no clock. */
        if (count_sign(&b, count) == 0) {
            count_bare_hmac(ctx, sts_copy, len, count);
            bench_report("sign_iterations", (double)count, "req");
            rc = 0;
        }
        EVP_MAC_CTX_free(ctx);
        goto out;
    }
    double bare = 0, sign = 0;
    for (int round = 0; round < ROUNDS && sign >= 0; round++) {
        double r = rate_bare_hmac(ctx, sts_copy, len),
               s = bench_rate_sign("sign", build_and_sign, &b, 1000);
        bare = r > bare ? r : bare;
        sign = s < 0 ? s : s > sign ? s : sign;
    }
    EVP_MAC_CTX_free(ctx);
    if (sign > 0) {
        bench_report("sign_openssl_hmacsha256", sign, "req/s");
        bench_report("hmac_sha256_bare", bare, "op/s");
        bench_report("sign_vs_bare_percent", 100.0 * sign / bare, "%");
        rc = 0;
    }
    bench_sign_pkcs11_softhsm();
out:
    bench_signing_close(&b);
    return rc;
}
