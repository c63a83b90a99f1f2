/* awsv2-mock's own SigV2 verifier (mock/sigv2.c, compiled into this test)
 * against the shared vectors of tests/core/sigv2.jsonl, which boto2,
 * botocore, aws-sdk-js and AWS's documented example agree on: every vector
 * is accepted, with the vector's string to sign, and near misses signed
 * here with OpenSSL are refused. Then the real awsv2-mock on 127.0.0.1
 * hears each vector's request with the vector's Host header. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "../common/check_run.h"
#include "harness.h"
#include "params.h"
#include "sigv2.h"

#define MAX_VECTORS 64

typedef struct vector {
    const char *name, *method, *secret, *signature_method, *string_to_sign, *signature;
    char host[256]; /* the Host header a client sends: no default port */
    char path[256];
    json_object *params;
} vector;

static json_object *docs[MAX_VECTORS];
static vector vectors[MAX_VECTORS];
static int nvectors;

static const char *field(json_object *v, const char *name)
{
    json_object *o;
    if (!json_object_object_get_ex(v, name, &o))
        return NULL;
    return json_object_get_string(o);
}

static void load_vectors(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[65536];
    snprintf(path, sizeof path, "%s/tests/core/sigv2.jsonl", top && *top ? top : ".");
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s (is top_srcdir set?)\n", path);
        exit(99);
    }
    while (fgets(line, sizeof line, f) && nvectors < MAX_VECTORS) {
        if (line[0] != '{')
            continue;
        json_object *doc = json_tokener_parse(line);
        vector *v = &vectors[nvectors];
        if (doc == NULL || !json_object_object_get_ex(doc, "params", &v->params)) {
            fprintf(stderr, "line %d of sigv2.jsonl is not a vector\n", nvectors + 1);
            exit(99);
        }
        docs[nvectors++] = doc;
        v->name = field(doc, "name");
        v->method = field(doc, "method");
        v->secret = field(doc, "secret");
        v->signature_method = field(doc, "signature_method");
        v->string_to_sign = field(doc, "string_to_sign");
        v->signature = field(doc, "signature");
        split_endpoint(field(doc, "endpoint"), v->host, sizeof v->host, v->path, sizeof v->path);
    }
    fclose(f);
}

/* The vector's parameters plus Signature (NULL: none); value_suffix is
 * appended to the value of Action. */
static mock_params *params_of(const vector *v, const char *signature, const char *value_suffix)
{
    mock_params *p = mock_params_new();
    size_t n = json_object_array_length(v->params);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++) {
        json_object *pair = json_object_array_get_idx(v->params, i);
        const char *name = json_object_get_string(json_object_array_get_idx(pair, 0));
        char value[4096];
        snprintf(value, sizeof value, "%s%s",
                 json_object_get_string(json_object_array_get_idx(pair, 1)),
                 strcmp(name, "Action") == 0 && value_suffix ? value_suffix : "");
        ck_assert(mock_params_add(p, name, value));
    }
    if (signature != NULL)
        ck_assert(mock_params_add(p, "Signature", signature));
    return p;
}

/* Base64 HMAC of text under the vector's key and method, by OpenSSL. */
static void sign(const vector *v, const char *text, char out[64])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t len = 0;
    const char *digest = strcmp(v->signature_method, "HmacSHA1") == 0 ? "SHA1" : "SHA256";
    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, v->secret,
                                    strlen(v->secret), (const unsigned char *)text, strlen(text),
                                    mac, sizeof mac, &len));
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
}

static sigv2_result verify_with(const vector *v, const char *host, const char *signature,
                                const char *value_suffix)
{
    mock_params *p = params_of(v, signature, value_suffix);
    sigv2_result r = sigv2_verify(v->method, host, v->path, p, v->secret);
    mock_params_free(p);
    return r;
}

START_TEST(every_vector_is_accepted)
{
    ck_assert_int_ge(nvectors, 9);
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        mock_params *p = params_of(v, v->signature, NULL);
        size_t len;
        char *sts = sigv2_string_to_sign(v->method, v->host, v->path, p, &len);
        ck_assert_ptr_nonnull(sts);
        ck_assert_msg(strcmp(sts, v->string_to_sign) == 0, "%s: string to sign\n%s\nwanted\n%s",
                      v->name, sts, v->string_to_sign);
        ck_assert_uint_eq(len, strlen(v->string_to_sign));
        free(sts);
        mock_params_free(p);
        ck_assert_msg(verify_with(v, v->host, v->signature, NULL) == SIGV2_MATCH, "%s", v->name);
    }
}
END_TEST

/* The host is compared lower-cased and without the default port :80. */
START_TEST(host_is_lower_cased_without_port_80)
{
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        char host[300];
        if (strchr(v->host, ':') != NULL)
            continue;
        snprintf(host, sizeof host, "%s:80", v->host);
        for (char *s = host; *s; s++)
            *s = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
        ck_assert_msg(verify_with(v, host, v->signature, NULL) == SIGV2_MATCH, "%s as %s",
                      v->name, host);
    }
}
END_TEST

/* This test's own signing agrees with the vectors, so a refusal below is
 * the mutation's doing. */
START_TEST(openssl_signs_the_vectors)
{
    char sig[64];
    for (int i = 0; i < nvectors; i++) {
        sign(&vectors[i], vectors[i].string_to_sign, sig);
        ck_assert_str_eq(sig, vectors[i].signature);
    }
}
END_TEST

/* The string to sign with its query line replaced by fn's; true when that
 * changed anything. */
static bool mutate(const vector *v, void (*fn)(char *query), char *out, size_t cap)
{
    snprintf(out, cap, "%s", v->string_to_sign);
    fn(strrchr(out, '\n') + 1);
    return strcmp(out, v->string_to_sign) != 0;
}

static void plus_for_space(char *q)
{
    char *at;
    while ((at = strstr(q, "%20")) != NULL) {
        *at = '+';
        memmove(at + 1, at + 3, strlen(at + 3) + 1);
    }
}

static void lower_hex(char *q)
{
    for (char *at = strchr(q, '%'); at != NULL; at = strchr(at + 1, '%'))
        for (int k = 1; k <= 2; k++)
            if (at[k] >= 'A' && at[k] <= 'F')
                at[k] = (char)(at[k] - 'A' + 'a');
}

static int by_name_nocase(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int cmp = strcasecmp(x, y);
    return cmp != 0 ? cmp : strcmp(x, y);
}

static void sort_case_insensitively(char *q)
{
    char copy[65536], *parts[512];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", q);
    for (char *tok = strtok(copy, "&"); tok != NULL && n < 512; tok = strtok(NULL, "&"))
        parts[n++] = tok;
    qsort(parts, n, sizeof parts[0], by_name_nocase);
    *q = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(q, "&");
        strcat(q, parts[i]);
    }
}

START_TEST(near_misses_are_refused)
{
    static void (*const mutations[])(char *) = { plus_for_space, lower_hex,
                                                 sort_case_insensitively };
    static const char *const names[] = { "'+' for a space", "lower-case hex",
                                         "case-insensitive order" };
    int applied[3] = { 0 };
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        char text[65536], sig[64];
        for (int m = 0; m < 3; m++) {
            if (!mutate(v, mutations[m], text, sizeof text))
                continue;
            applied[m]++;
            sign(v, text, sig);
            ck_assert_msg(verify_with(v, v->host, sig, NULL) == SIGV2_MISMATCH, "%s: %s accepted",
                          v->name, names[m]);
        }
        ck_assert_msg(verify_with(v, v->host, v->signature, "x") == SIGV2_MISMATCH,
                      "%s: a changed value accepted", v->name);
        ck_assert_msg(verify_with(v, "wrong.example.com", v->signature, NULL) == SIGV2_MISMATCH,
                      "%s: the wrong host accepted", v->name);
        char host[300];
        snprintf(host, sizeof host, "%s:8080", v->host);
        ck_assert_msg(verify_with(v, host, v->signature, NULL) == SIGV2_MISMATCH,
                      "%s: another port accepted", v->name);
    }
    for (int m = 0; m < 3; m++)
        ck_assert_msg(applied[m] > 0, "no vector exercises %s", names[m]);
}
END_TEST

START_TEST(missing_signature_or_method)
{
    const vector *v = &vectors[0];
    mock_params *p = params_of(v, NULL, NULL);
    ck_assert_int_eq(sigv2_verify(v->method, v->host, v->path, p, v->secret), SIGV2_NO_SIGNATURE);
    mock_params_free(p);

    static const char *const methods[] = { NULL, "HmacMD5", "hmacsha256", "" };
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        p = mock_params_new();
        size_t n = json_object_array_length(v->params);
        for (size_t i = 0; i < n; i++) {
            json_object *pair = json_object_array_get_idx(v->params, i);
            const char *name = json_object_get_string(json_object_array_get_idx(pair, 0));
            const char *value = json_object_get_string(json_object_array_get_idx(pair, 1));
            if (strcmp(name, "SignatureMethod") == 0 && methods[m] == NULL)
                continue;
            ck_assert(mock_params_add(p, name, strcmp(name, "SignatureMethod") == 0 ? methods[m]
                                                                                     : value));
        }
        ck_assert(mock_params_add(p, "Signature", v->signature));
        ck_assert_int_eq(sigv2_verify(v->method, v->host, v->path, p, v->secret),
                         SIGV2_BAD_METHOD);
        mock_params_free(p);
    }
}
END_TEST

/* ---- The real awsv2-mock ------------------------------------------------ */

/* Sends the vector's request (the query line of its string to sign, with
 * query_fn applied, plus the signature) with Host: host. */
static reply send_vector(const mock_proc *m, const vector *v, const char *host,
                         const char *signature, void (*query_fn)(char *))
{
    char query[65536], sig[256], url[sizeof query + 256], header[512];
    snprintf(query, sizeof query, "%s", strrchr(v->string_to_sign, '\n') + 1);
    if (query_fn != NULL)
        query_fn(query);
    percent_encode(signature, sig);
    strcat(query, "&Signature=");
    strcat(query, sig);
    snprintf(header, sizeof header, "Host: %s", host);
    bool post = strcmp(v->method, "POST") == 0;
    snprintf(url, sizeof url, "%s%s%s%s", m->url, v->path + 1, post ? "" : "?", post ? "" : query);
    return post ? http("POST", url, query, strlen(query), NULL, header)
                : http("GET", url, NULL, 0, NULL, header);
}

static bool knows_action(const vector *v)
{
    const char *a = strstr(v->string_to_sign, "&Action=") + 8;
    return strncmp(a, "DescribeInstances&", 18) == 0 || strncmp(a, "SendMessage&", 12) == 0;
}

static bool is_sqs(const vector *v)
{
    return strncmp(v->path, "/123456789012/", 14) == 0;
}

/* The vectors were signed long ago (or ahead): a request the mock
 * authenticates is then refused as expired, never for its signature. */
START_TEST(the_mock_accepts_the_vectors)
{
    mock_proc m;
    int sent = 0;
    mock_start(&m, NULL);
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!knows_action(v))
            continue;
        sent++;
        reply r = send_vector(&m, v, v->host, v->signature, NULL);
        ck_assert_msg(r.status == 400 && strcmp(error_code(&r), "RequestExpired") == 0,
                      "%s: %ld %s", v->name, r.status, error_code(&r));
        reply_free(&r);
        /* '+' is a space on the wire; the signature covers %20. */
        r = send_vector(&m, v, v->host, v->signature, plus_for_space);
        ck_assert_msg(strcmp(error_code(&r), "RequestExpired") == 0, "%s with '+': %s", v->name,
                      error_code(&r));
        reply_free(&r);

        const char *bad = is_sqs(v) ? "SignatureDoesNotMatch" : "AuthFailure";
        r = send_vector(&m, v, "wrong.example.com", v->signature, NULL);
        ck_assert_msg(r.status == (is_sqs(v) ? 403 : 401) && strcmp(error_code(&r), bad) == 0,
                      "%s on the wrong host: %ld %s", v->name, r.status, error_code(&r));
        reply_free(&r);
        char text[65536], sig[64];
        if (mutate(v, lower_hex, text, sizeof text)) {
            sign(v, text, sig);
            r = send_vector(&m, v, v->host, sig, NULL);
            ck_assert_msg(strcmp(error_code(&r), bad) == 0, "%s, lower-case hex: %s", v->name,
                          error_code(&r));
            reply_free(&r);
        }
    }
    ck_assert_int_ge(sent, 4);
    ck_assert_int_eq(mock_stop(&m), 0);
}
END_TEST

int main(void)
{
    load_vectors();
    Suite *s = suite_create("awsv2-mock sigv2");
    TCase *tc = tcase_create("verifier");
    tcase_add_test(tc, every_vector_is_accepted);
    tcase_add_test(tc, host_is_lower_cased_without_port_80);
    tcase_add_test(tc, openssl_signs_the_vectors);
    tcase_add_test(tc, near_misses_are_refused);
    tcase_add_test(tc, missing_signature_or_method);
    suite_add_tcase(s, tc);
    tc = tcase_create("process");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_mock_accepts_the_vectors);
    suite_add_tcase(s, tc);
    int rc = check_run(s);
    for (int i = 0; i < nvectors; i++)
        json_object_put(docs[i]);
    return rc;
}
