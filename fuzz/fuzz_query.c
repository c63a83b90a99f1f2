/* The library's parameter sets and canonical query (src/params.c,
 * src/percent.c, src/request.c) against a reference written here from
 * AWS's SigV2 documentation: every parameter but Signature, sorted by the
 * bytes of its name, name=value with RFC 3986 percent-encoding (A-Z a-z
 * 0-9 - _ . ~ kept, anything else %XX in upper-case hex), joined by '&';
 * the string to sign is METHOD\nhost\npath\n and that query; a signed
 * request's query ends in &Signature= and the encoded base64 of the MAC
 * (OpenSSL's encoder is the reference).
 *
 * The input is a list of operations separated by NUL bytes: "name=value"
 * sets (the first '=' splits; a name may contain no NUL), a part without
 * '=' removes that name. Its first byte picks the method and endpoint. */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#include "awsv2/request.h"
#include "buf.h"
#include "fuzz.h"
#include "params_impl.h"

#define MAX_PARAMS 256

struct pair {
    char *name, *value;
};

static struct pair ref[MAX_PARAMS];
static size_t nref;

static const struct {
    const char *url, *host, *path;
} endpoints[] = {
    {"https://ec2.us-east-1.amazonaws.com/", "ec2.us-east-1.amazonaws.com", "/"},
    {"http://127.0.0.1:8080", "127.0.0.1:8080", "/"},
    {"https://SQS.EU-West-1.AmazonAWS.com:443/123456789012/q", "sqs.eu-west-1.amazonaws.com",
     "/123456789012/q"},
    {"http://[::1]:80/a/b", "[::1]", "/a/b"},
};

static void ref_set(const char *name, const char *value)
{
    for (size_t i = 0; i < nref; i++)
        if (strcmp(ref[i].name, name) == 0) {
            free(ref[i].value);
            ref[i].value = strdup(value);
            return;
        }
    FUZZ_ASSERT(nref < MAX_PARAMS);
    ref[nref].name = strdup(name);
    ref[nref++].value = strdup(value);
}

static void ref_remove(const char *name)
{
    for (size_t i = 0; i < nref; i++)
        if (strcmp(ref[i].name, name) == 0) {
            free(ref[i].name);
            free(ref[i].value);
            ref[i] = ref[--nref];
            return;
        }
}

static const char *ref_get(const char *name)
{
    for (size_t i = 0; i < nref; i++)
        if (strcmp(ref[i].name, name) == 0)
            return ref[i].value;
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    size_t lx = strlen(x->name), ly = strlen(y->name);
    int c = memcmp(x->name, y->name, lx < ly ? lx : ly);

    return c ? c : (lx > ly) - (lx < ly);
}

/* RFC 3986 encoding, appended to out (size assumed sufficient). */
static char *ref_encode(char *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~')
            *out++ = (char)*p;
        else
            out += sprintf(out, "%%%02X", *p);
    }
    *out = '\0';
    return out;
}

/* The reference canonical query, malloc'd. */
static char *ref_canonical(void)
{
    size_t cap = 1;
    char *q, *p;

    for (size_t i = 0; i < nref; i++)
        cap += 3 * (strlen(ref[i].name) + strlen(ref[i].value)) + 2;
    q = p = malloc(cap);
    FUZZ_ASSERT(q);
    *p = '\0';
    qsort(ref, nref, sizeof ref[0], by_name);
    for (size_t i = 0; i < nref; i++) {
        if (strcmp(ref[i].name, "Signature") == 0)
            continue;
        if (p != q)
            *p++ = '&';
        p = ref_encode(p, ref[i].name);
        *p++ = '=';
        p = ref_encode(p, ref[i].value);
    }
    return q;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned pick = fuzz_byte(&in);
    awsv2_method method = pick & 1 ? AWSV2_POST : AWSV2_GET;
    size_t ep = (pick >> 1) % (sizeof endpoints / sizeof endpoints[0]);
    awsv2_request *req;
    awsv2_params *params;
    awsv2_error err = AWSV2_ERROR_INIT;

    FUZZ_ASSERT(awsv2_request_new(&req, method, endpoints[ep].url, &err) == AWSV2_OK);
    params = awsv2_request_params(req);
    nref = 0;
    while (in.n > 0) {
        size_t len;
        const uint8_t *part = fuzz_field(&in, 0, &len);
        char *op = fuzz_strndup(part, len), *eq = strchr(op, '=');
        if (eq) {
            *eq = '\0';
            awsv2_status st = awsv2_params_set(params, op, eq + 1, NULL);
            if (*op == '\0') {
                FUZZ_ASSERT(st != AWSV2_OK);
            } else if (nref < MAX_PARAMS || ref_get(op)) {
                FUZZ_ASSERT(st == AWSV2_OK);
                ref_set(op, eq + 1);
            } else {
                awsv2_params_remove(params, op);
            }
        } else {
            awsv2_params_remove(params, op);
            ref_remove(op);
        }
        free(op);
    }

    /* The set itself: count, order, values. */
    char *canon = ref_canonical();
    FUZZ_ASSERT(awsv2_params_count(params) == nref);
    for (size_t i = 0; i < nref; i++) {
        const char *name, *value;
        awsv2_params_at(params, i, &name, &value);
        FUZZ_ASSERT(strcmp(name, ref[i].name) == 0 && strcmp(value, ref[i].value) == 0);
        FUZZ_ASSERT(strcmp(awsv2_params_get(params, ref[i].name), ref[i].value) == 0);
    }

    /* The canonical query. */
    awsv2__buf out = {0};
    FUZZ_ASSERT(awsv2__canonical_query(params, &out) == AWSV2_OK);
    FUZZ_ASSERT(out.len == strlen(canon) && memcmp(out.data ? out.data : "", canon, out.len) == 0);
    awsv2__buf_free(&out);

    /* awsv2_percent_encode on every value. */
    for (size_t i = 0; i < nref; i++) {
        size_t n = strlen(ref[i].value);
        char *a = malloc(3 * n + 1), *b = malloc(3 * n + 1);
        FUZZ_ASSERT(a && b);
        size_t got = awsv2_percent_encode(ref[i].value, n, a);
        ref_encode(b, ref[i].value);
        FUZZ_ASSERT(got == strlen(b) && strcmp(a, b) == 0);
        free(a);
        free(b);
    }

    /* The string to sign. */
    const char *sts;
    size_t sts_len;
    if (awsv2_request_string_to_sign(req, &sts, &sts_len, &err) == AWSV2_OK) {
        size_t cap = strlen(canon) + 64 + strlen(endpoints[ep].host) + strlen(endpoints[ep].path);
        char *want = malloc(cap);
        FUZZ_ASSERT(want);
        snprintf(want, cap, "%s\n%s\n%s\n%s", method == AWSV2_POST ? "POST" : "GET",
                 endpoints[ep].host, endpoints[ep].path, canon);
        FUZZ_ASSERT(sts_len == strlen(want) && memcmp(sts, want, sts_len) == 0);
        free(want);
    }

    /* A signature computed elsewhere: the query the request sends. */
    const char *method_name = ref_get("SignatureMethod");
    size_t mac_len = !method_name                         ? 0
                     : strcmp(method_name, "HmacSHA256") == 0 ? 32
                     : strcmp(method_name, "HmacSHA1") == 0   ? 20
                                                              : 0;
    uint8_t mac[32];
    for (size_t i = 0; i < sizeof mac; i++)
        mac[i] = (uint8_t)(size * 31 + i * 7);
    awsv2_status st = awsv2_request_set_mac(req, mac, mac_len ? mac_len : 32, &err);
    if (mac_len && ref_get("AWSAccessKeyId")) {
        FUZZ_ASSERT(st == AWSV2_OK);
        unsigned char b64[64];
        char enc[200], *want = malloc(strlen(canon) + 220);
        FUZZ_ASSERT(want);
        EVP_EncodeBlock(b64, mac, (int)mac_len);
        ref_encode(enc, (const char *)b64);
        sprintf(want, "%s%sSignature=%s", canon, *canon ? "&" : "", enc);
        FUZZ_ASSERT(strcmp(awsv2_request_signature(req), (const char *)b64) == 0);
        FUZZ_ASSERT(strcmp(awsv2_request_query(req), want) == 0);
        free(want);
    } else {
        FUZZ_ASSERT(st != AWSV2_OK && awsv2_request_query(req) == NULL);
    }

    free(canon);
    for (size_t i = 0; i < nref; i++) {
        free(ref[i].name);
        free(ref[i].value);
    }
    awsv2_request_free(req);
    return 0;
}
