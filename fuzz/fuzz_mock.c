/* awsv2-mock's reading of a request (mock/params.c), its SigV2 string to
 * sign and verifier (mock/sigv2.c) and its codecs (mock/codec.c).
 *
 * The parameter parser is checked against a reference written here (split
 * at '&', empty parts skipped, the first '=' splits name and value, %XX and
 * '+' decoded; a bad escape, a NUL, an empty or repeated name is an error).
 * The mock's string to sign is checked against the library's, an
 * independent implementation of the same rules (the mock shares no code
 * with it): they must agree byte for byte on every parameter set both
 * accept. A signature computed with OpenSSL over that string must verify.
 * The input is the query string; it is also read as base64 and as a time,
 * and base64-encoded and decoded back. */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "awsv2/request.h"
#include "codec.h"
#include "fuzz.h"
#include "params.h"
#include "sigv2.h"

#define MAX_REF 512

struct pair {
    char *name, *value;
    size_t name_len;
};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Form-decodes s[0..n) into a malloc'd string; NULL on a bad escape or NUL. */
static char *ref_decode(const char *s, size_t n, size_t *len)
{
    char *out = malloc(n + 1);
    size_t o = 0;

    FUZZ_ASSERT(out);
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                free(out);
                return NULL;
            }
            c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c == 0) {
            free(out);
            return NULL;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    *len = o;
    return out;
}

static int by_name(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);

    return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

/* The reference parse: the number of pairs, -1 when the query is refused,
 * -2 when it has more pairs than the reference has room for. */
static long ref_parse(const char *s, size_t n, struct pair *out)
{
    long count = 0;
    size_t start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '&')
            continue;
        if (i > start) {
            const char *part = s + start, *eq = memchr(part, '=', i - start);
            size_t nl = eq ? (size_t)(eq - part) : i - start, vl;
            char *name = ref_decode(part, nl, &nl);
            char *value = name ? (eq ? ref_decode(eq + 1, i - start - (size_t)(eq - part) - 1, &vl)
                                     : strdup(""))
                               : NULL;
            bool bad = !name || !value || nl == 0 || count == MAX_REF;
            long fail = count == MAX_REF ? -2 : -1;
            for (long k = 0; !bad && k < count; k++)
                bad = out[k].name_len == nl && memcmp(out[k].name, name, nl) == 0;
            if (bad) {
                free(name);
                free(value);
                for (long k = 0; k < count; k++)
                    free(out[k].name), free(out[k].value);
                return fail;
            }
            out[count++] = (struct pair){name, value, nl};
        }
        start = i + 1;
    }
    qsort(out, (size_t)count, sizeof out[0], by_name);
    return count;
}

static void check_sigv2(const mock_params *p)
{
    awsv2_request *req;
    const char *lib_sts;
    size_t lib_len, mock_len, n = mock_params_count(p);

    FUZZ_ASSERT(awsv2_request_new(&req, AWSV2_GET, "http://127.0.0.1:8080/", NULL) == AWSV2_OK);
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        mock_params_at(p, i, &name, &value);
        if (awsv2_params_set(awsv2_request_params(req), name, value, NULL) != AWSV2_OK) {
            awsv2_request_free(req); /* a set the library refuses: nothing to compare */
            return;
        }
    }
    FUZZ_ASSERT(awsv2_request_string_to_sign(req, &lib_sts, &lib_len, NULL) == AWSV2_OK);
    char *mock_sts = sigv2_string_to_sign("GET", "127.0.0.1:8080", "/", p, &mock_len);
    FUZZ_ASSERT(mock_sts);
    if (mock_len != lib_len || memcmp(mock_sts, lib_sts, lib_len) != 0) {
        fprintf(stderr, "mock:    %.*s\nlibrary: %.*s\n", (int)mock_len, mock_sts, (int)lib_len,
                lib_sts);
        FUZZ_ASSERT(!"the mock and the library build the same string to sign");
    }

    /* A signature over it, computed by OpenSSL, verifies. */
    const char *method = mock_params_get(p, "SignatureMethod");
    if (!mock_params_get(p, "Signature") && method &&
        (strcmp(method, "HmacSHA256") == 0 || strcmp(method, "HmacSHA1") == 0)) {
        static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        unsigned char mac[EVP_MAX_MD_SIZE], b64[EVP_MAX_MD_SIZE * 2];
        unsigned mac_len = 0;
        FUZZ_ASSERT(HMAC(strcmp(method, "HmacSHA1") == 0 ? EVP_sha1() : EVP_sha256(), secret,
                         sizeof secret - 1, (const unsigned char *)lib_sts, lib_len, mac, &mac_len));
        EVP_EncodeBlock(b64, mac, (int)mac_len);
        mock_params *signed_p = mock_params_new();
        FUZZ_ASSERT(signed_p);
        for (size_t i = 0; i < n; i++) {
            const char *name, *value;
            mock_params_at(p, i, &name, &value);
            FUZZ_ASSERT(mock_params_add(signed_p, name, value));
        }
        FUZZ_ASSERT(mock_params_add(signed_p, "Signature", (const char *)b64));
        FUZZ_ASSERT(sigv2_verify("GET", "127.0.0.1:8080", "/", signed_p, secret) == SIGV2_MATCH);
        mock_params_free(signed_p);
    }
    free(mock_sts);
    awsv2_request_free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *why = NULL;
    static struct pair ref[MAX_REF];
    mock_params *p = mock_params_new();

    FUZZ_ASSERT(p);
    long want = ref_parse(s, size, ref);
    bool ok = mock_params_parse(p, s, size, &why);
    if (want != -2) /* beyond the reference's room: the mock's limit is far higher */
        FUZZ_ASSERT(ok == (want >= 0));
    if (ok && want >= 0) {
        FUZZ_ASSERT(mock_params_count(p) == (size_t)want);
        for (long i = 0; i < want; i++) {
            const char *name, *value;
            mock_params_at(p, (size_t)i, &name, &value);
            FUZZ_ASSERT(strlen(name) == ref[i].name_len && strcmp(name, ref[i].name) == 0);
            FUZZ_ASSERT(strcmp(value, ref[i].value) == 0);
            FUZZ_ASSERT(strcmp(mock_params_get(p, name), value) == 0);
        }
        check_sigv2(p);
    } else if (!ok) {
        FUZZ_ASSERT(why && *why);
    }
    for (long i = 0; i < want; i++)
        free(ref[i].name), free(ref[i].value);
    mock_params_free(p);

    /* Codecs: base64 both ways against OpenSSL, MD5, times. */
    char *b64 = malloc(4 * ((size + 2) / 3) + 1), *text = fuzz_strndup(data, size);
    unsigned char *back = NULL, *ossl = malloc(4 * ((size + 2) / 3) + 1);
    size_t back_len = 0;
    FUZZ_ASSERT(b64 && ossl);
    size_t n = mock_base64(data, size, b64);
    FUZZ_ASSERT(n == (size_t)EVP_EncodeBlock(ossl, data, (int)size) && memcmp(b64, ossl, n) == 0);
    if (size > 0) {
        FUZZ_ASSERT(mock_unbase64(b64, &back, &back_len));
        FUZZ_ASSERT(back_len == size && memcmp(back, data, size) == 0);
        free(back);
    }
    if (mock_unbase64(text, &back, &back_len))
        free(back);
    char hex[33], ref_hex[33];
    unsigned char md5[16];
    mock_md5_hex(data, size, hex);
    FUZZ_ASSERT(EVP_Digest(data, size, md5, NULL, EVP_md5(), NULL));
    for (int i = 0; i < 16; i++)
        snprintf(ref_hex + 2 * i, 3, "%02x", md5[i]);
    FUZZ_ASSERT(strcmp(hex, ref_hex) == 0);
    time_t t;
    (void)mock_iso8601(text, &t);
    free(b64);
    free(ossl);
    free(text);
    return 0;
}
