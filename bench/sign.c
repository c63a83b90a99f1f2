/* awsv2-bench sign: how fast a client signs, against the bare HMAC; and what
 * awsv2-bench sign4 shares with it (the request, the signer, the timing).
 * Input: the request of the vector ec2-describe-instances-filters. Each
 * iteration builds the parameters, canonical query, signature and URL, as a
 * client does for every request; the anchor times EVP_MAC HMAC-SHA256 with
 * a keyed context over the same string to sign. */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "awsv2/awsv2.h"
#include "bench.h"

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

int bench_sign(int argc, char **argv)
{
    (void)argc;
    (void)argv;
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
out:
    bench_signing_close(&b);
    return rc;
}
