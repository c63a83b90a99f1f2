/* Every known-answer vector of tests/core/sigv2.jsonl (a copy of the shared
 * vectors): string to sign, signature through the openssl signer and through
 * awsv2_request_set_mac, and the signed query and URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "harness.h"

#define MAX_VECTORS 256

static json_object *vectors[MAX_VECTORS];
static int nvectors;

/* Loads the file once per process (before the tests fork). */
static void load_vectors(void)
{
    char *path = core_srcdir_path("tests/core/sigv2.jsonl");
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s (is top_srcdir set?)\n", path);
        exit(EXIT_FAILURE);
    }
    char line[65536];
    while (fgets(line, sizeof line, f) && nvectors < MAX_VECTORS)
        if (line[0] == '{')
            vectors[nvectors++] = json_tokener_parse(line);
    fclose(f);
    free(path);
}

static const char *field(json_object *v, const char *name)
{
    json_object *o;
    ck_assert_msg(json_object_object_get_ex(v, name, &o), "vector has no %s", name);
    return json_object_get_string(o);
}

/* The value of one parameter of the vector, or NULL. */
static const char *param(json_object *v, const char *name)
{
    json_object *params;
    ck_assert(json_object_object_get_ex(v, "params", &params));
    for (size_t i = 0; i < json_object_array_length(params); i++) {
        json_object *pair = json_object_array_get_idx(params, i);
        if (strcmp(json_object_get_string(json_object_array_get_idx(pair, 0)), name) == 0)
            return json_object_get_string(json_object_array_get_idx(pair, 1));
    }
    return NULL;
}

/* A request with the vector's method, endpoint and every parameter. */
static awsv2_request *build(json_object *v)
{
    awsv2_request *req;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_method method = strcmp(field(v, "method"), "POST") == 0 ? AWSV2_POST : AWSV2_GET;
    ck_assert_msg(awsv2_request_new(&req, method, field(v, "endpoint"), &err) == AWSV2_OK,
                  "%s: %s", field(v, "name"), err.message);
    json_object *params;
    ck_assert(json_object_object_get_ex(v, "params", &params));
    for (size_t i = 0; i < json_object_array_length(params); i++) {
        json_object *pair = json_object_array_get_idx(params, i);
        const char *name = json_object_get_string(json_object_array_get_idx(pair, 0));
        const char *value = json_object_get_string(json_object_array_get_idx(pair, 1));
        ck_assert_int_eq(awsv2_params_set(awsv2_request_params(req), name, value, &err),
                         AWSV2_OK);
    }
    return req;
}

/* The signed query ends with "&Signature=" + the percent-encoded signature;
 * a GET URL is endpoint?query, a POST URL the endpoint. */
static void check_outputs(json_object *v, awsv2_request *req)
{
    const char *name = field(v, "name"), *sig = field(v, "signature");
    ck_assert_msg(awsv2_request_signature(req) != NULL, "%s: not signed", name);
    ck_assert_msg(strcmp(awsv2_request_signature(req), sig) == 0, "%s: signature %s, want %s",
                  name, awsv2_request_signature(req), sig);
    char suffix[256] = "&Signature=";
    awsv2_percent_encode(sig, strlen(sig), suffix + strlen(suffix));
    const char *sts = field(v, "string_to_sign");
    const char *canonical = strrchr(sts, '\n') + 1;
    size_t canon_len = strlen(canonical);
    const char *query = awsv2_request_query(req), *url = awsv2_request_url(req);
    ck_assert_msg(strncmp(query, canonical, canon_len) == 0, "%s: query %s", name, query);
    ck_assert_str_eq(query + canon_len, suffix);
    const char *endpoint = field(v, "endpoint");
    size_t ep_len = strlen(endpoint);
    ck_assert_msg(strncmp(url, endpoint, ep_len) == 0, "%s: URL %s", name, url);
    if (strcmp(field(v, "method"), "GET") == 0) {
        ck_assert_int_eq(url[ep_len], '?');
        ck_assert_str_eq(url + ep_len + 1, query);
    } else {
        ck_assert_str_eq(url + ep_len, "");
    }
}

START_TEST(string_to_sign)
{
    json_object *v = vectors[_i];
    awsv2_request *req = build(v);
    const char *sts, *want = field(v, "string_to_sign");
    size_t len;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_request_string_to_sign(req, &sts, &len, &err), AWSV2_OK);
    ck_assert_msg(len == strlen(want) && memcmp(sts, want, len) == 0,
                  "%s: string to sign\n%.*s\nwant\n%s", field(v, "name"), (int)len, sts, want);
    ck_assert_int_eq(sts[len], '\0');
    awsv2_request_free(req);
}
END_TEST

START_TEST(sign_openssl)
{
    json_object *v = vectors[_i];
    awsv2_request *req = build(v);
    awsv2_credentials *creds;
    awsv2_signer *signer;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, param(v, "AWSAccessKeyId"),
                                           field(v, "secret"), NULL, &err),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", creds, &err), AWSV2_OK);
    ck_assert_msg(awsv2_request_sign(req, signer, &err) == AWSV2_OK, "%s: %s", field(v, "name"),
                  err.message);
    check_outputs(v, req);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    awsv2_request_free(req);
}
END_TEST

/* The MAC computed outside the library, handed in with set_mac. */
START_TEST(sign_set_mac)
{
    json_object *v = vectors[_i];
    awsv2_request *req = build(v);
    awsv2_hash hash;
    awsv2_error err = AWSV2_ERROR_INIT;
    uint8_t mac[AWSV2_MAC_MAX];
    ck_assert_int_eq(awsv2_hash_parse(field(v, "signature_method"), &hash, &err), AWSV2_OK);
    const char *sts = field(v, "string_to_sign");
    size_t n = core_hmac(hash, field(v, "secret"), sts, strlen(sts), mac);
    ck_assert_uint_eq(n, awsv2_hash_size(hash));
    ck_assert_int_eq(awsv2_request_set_mac(req, mac, n, &err), AWSV2_OK);
    check_outputs(v, req);
    awsv2_request_free(req);
}
END_TEST

/* The copy is complete: both methods, both hashes, and AWS's own example. */
START_TEST(file_covers_the_cases)
{
    int post = 0, sha1 = 0, aws_doc = 0;
    for (int i = 0; i < nvectors; i++) {
        ck_assert_msg(vectors[i] != NULL, "line %d of sigv2.jsonl is not JSON", i + 1);
        post += strcmp(field(vectors[i], "method"), "POST") == 0;
        sha1 += strcmp(field(vectors[i], "signature_method"), "HmacSHA1") == 0;
        aws_doc += strcmp(field(vectors[i], "name"), "aws-doc-emr-describejobflows") == 0;
    }
    ck_assert_int_ge(nvectors, 9);
    ck_assert_int_gt(post, 0);
    ck_assert_int_gt(sha1, 0);
    ck_assert_int_eq(aws_doc, 1);
}
END_TEST

int main(void)
{
    load_vectors();
    Suite *s = suite_create("vectors");
    TCase *tc = tcase_create("sigv2.jsonl");
    tcase_add_test(tc, file_covers_the_cases);
    tcase_add_loop_test(tc, string_to_sign, 0, nvectors);
    tcase_add_loop_test(tc, sign_openssl, 0, nvectors);
    tcase_add_loop_test(tc, sign_set_mac, 0, nvectors);
    suite_add_tcase(s, tc);
    int rc = core_run(s);
    for (int i = 0; i < nvectors; i++)
        json_object_put(vectors[i]);
    return rc;
}
