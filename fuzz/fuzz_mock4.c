/* awsv2-mock's SigV4 verifier (mock/sigv4.c): reading a received request's
 * Authorization header or presign parameters, its canonical request and
 * string to sign, and the signature check. The input is a request:
 *   method byte, path \x01 query \x01 header lines ("name:value", '\n'
 *   between them) \x01 body
 * Invariants: no crash or leak; a canonical request has the signed headers
 * the request named and ends in the SHA-256 of the body (OpenSSL's); the
 * string to sign is AWS's, over OpenSSL's SHA-256 of it; the signature
 * computed here with OpenSSL's HMAC (kSigning chain) verifies, and one
 * changed digit does not. */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "fuzz.h"
#include "sigv4.h"

#define MAX_HEADERS 32

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void hmac256(const void *key, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32])
{
    unsigned n = 0;
    FUZZ_ASSERT(HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n) && n == 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    fuzz_in in = {data, size};
    unsigned m = fuzz_byte(&in);
    size_t pl, ql, hl;
    const uint8_t *p = fuzz_field(&in, 1, &pl), *q = fuzz_field(&in, 1, &ql);
    const uint8_t *h = fuzz_field(&in, 1, &hl);
    char *path = fuzz_strndup(p, pl), *query = fuzz_strndup(q, ql), *hdrs = fuzz_strndup(h, hl);
    char *body = malloc(in.n ? in.n : 1);
    sigv4_header headers[MAX_HEADERS];
    size_t nh = 0;

    FUZZ_ASSERT(body);
    memcpy(body, in.p, in.n);
    for (char *save = NULL, *line = strtok_r(hdrs, "\n", &save); line && nh < MAX_HEADERS;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        headers[nh++] = (sigv4_header){line, colon + 1};
    }
    sigv4_request r = {m & 1 ? "POST" : "GET", path, m & 2 ? NULL : query, headers, nh,
                       in.n ? body : NULL, in.n};
    sigv4_auth a;
    char why[256];

    (void)sigv4_header_get(&r, "host");
    sigv4_form form = sigv4_form_of(&r);
    memset(&a, 0, sizeof a);
    if (!sigv4_parse(&r, &a, why, sizeof why)) {
        FUZZ_ASSERT(memchr(why, 0, sizeof why) && why[0]);
        goto out;
    }
    FUZZ_ASSERT(form == SIGV4_HEADER || form == SIGV4_PRESIGNED);
    FUZZ_ASSERT(memchr(a.key_id, 0, sizeof a.key_id) && memchr(a.region, 0, sizeof a.region) &&
                memchr(a.service, 0, sizeof a.service) && strlen(a.date) == 8 &&
                strlen(a.amz_date) == 16); /* the scope's date is auth.c's to compare */

    size_t len, sts_len;
    char *cr = sigv4_canonical_request(&r, &a, &len);
    if (!cr)
        goto out;
    /* its last line: the body's SHA-256; the one before: the signed headers */
    unsigned char d[32], k[32];
    char body_hash[65], cr_hash[65], want[512];
    SHA256((const unsigned char *)body, in.n, d);
    hex(d, 32, body_hash);
    FUZZ_ASSERT(len > 65 && memcmp(cr + len - 65, "\n", 1) == 0 &&
                memcmp(cr + len - 64, body_hash, 64) == 0);
    size_t sh = strlen(a.signed_headers);
    FUZZ_ASSERT(len > 66 + sh && memcmp(cr + len - 65 - sh, a.signed_headers, sh) == 0 &&
                cr[len - 66 - sh] == '\n');

    char *sts = sigv4_string_to_sign(&a, cr, len, &sts_len);
    FUZZ_ASSERT(sts);
    SHA256((const unsigned char *)cr, len, d);
    hex(d, 32, cr_hash);
    int wn = snprintf(want, sizeof want, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/%s\n%s", a.amz_date, a.date,
                      a.region, a.service, a.terminator, cr_hash);
    FUZZ_ASSERT(sts_len == (size_t)wn && memcmp(sts, want, sts_len) == 0);

    /* the signature of that string under the secret verifies */
    char aws4[sizeof secret + 4];
    snprintf(aws4, sizeof aws4, "AWS4%s", secret);
    hmac256(aws4, strlen(aws4), a.date, strlen(a.date), k);
    hmac256(k, 32, a.region, strlen(a.region), k);
    hmac256(k, 32, a.service, strlen(a.service), k);
    hmac256(k, 32, "aws4_request", 12, k);
    unsigned char key[32];
    FUZZ_ASSERT(sigv4_signing_key(secret, a.date, a.region, a.service, key));
    FUZZ_ASSERT(memcmp(key, k, 32) == 0);
    hmac256(k, 32, sts, sts_len, d);
    hex(d, 32, a.signature);
    FUZZ_ASSERT(sigv4_verify(&r, &a, secret) == SIGV4_MATCH);
    a.signature[7] = a.signature[7] == '0' ? '1' : '0';
    FUZZ_ASSERT(sigv4_verify(&r, &a, secret) == SIGV4_MISMATCH);
    free(sts);
    free(cr);
out:
    free(path);
    free(query);
    free(hdrs);
    free(body);
    return 0;
}
