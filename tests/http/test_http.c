/* The http: signer backend: its reading of daemon replies (ours and the
 * original hsmd.py's), and the backend against a real awsv2-hsmd (in front
 * of awsv2-due-emu, so only when the library has the due: backend). The
 * replies expected of awsv2-hsmd are those of daemon/README.md. SigV4
 * (POST /sign/aws4): the request the backend sends and the replies it
 * reads, against a stub server; then a round trip through awsv2-hsmd with
 * the openssl signer, the expected signatures those of the shared vectors
 * (tests/core/sigv4.jsonl) or of OpenSSL. */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "http_reply.h"
#include "sigv4_vectors.h"
#include "stub_server.h"
#include "world.h"

#define SHA1_HEX "b5dd8f3ff3a5fa4e3b1d8cd1ad7a5c2f45ee3e9f"

static awsv2_status parse(long status, const char *body, awsv2_hash hash, awsv2_error *err)
{
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0;

    awsv2_error_clear(err);
    return awsv2__http_parse_sign(status, body, strlen(body), hash, mac, &mac_len, "URL", err);
}

START_TEST(test_reply_success)
{
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0;
    const char *body = "{\"success\": true, \"signature\": \"" SHA1_HEX "\"}";

    ck_assert_int_eq(awsv2__http_parse_sign(200, body, strlen(body), AWSV2_HMAC_SHA1, mac,
                                            &mac_len, "URL", NULL),
                     AWSV2_OK);
    ck_assert_uint_eq(mac_len, 20);
    ck_assert_uint_eq(mac[0], 0xb5);
    ck_assert_uint_eq(mac[19], 0x9f);
    /* upper case is fine; the wrong length for the hash is not */
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(parse(200, "{\"success\":true,\"signature\":\"B5DD8F3FF3A5FA4E3B1D8CD1AD7A5C2F45EE3E9F\"}",
                           AWSV2_HMAC_SHA1, &err),
                     AWSV2_OK);
    ck_assert_int_eq(parse(200, "{\"success\": true, \"signature\": \"" SHA1_HEX "\"}",
                           AWSV2_HMAC_SHA256, &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse(200, "{\"success\": true, \"signature\": \"" SHA1_HEX "0\"}",
                           AWSV2_HMAC_SHA1, &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse(200, "{\"success\": true, \"signature\": \"zz" SHA1_HEX "\"}",
                           AWSV2_HMAC_SHA1, &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse(200, "{\"success\": true}", AWSV2_HMAC_SHA1, &err), AWSV2_E_PROTOCOL);
}
END_TEST

/* A daemon's failure reply and what the reader makes of it. */
typedef struct reply_case {
    long status;
    const char *body;
    awsv2_status want;
    const char *code;
} reply_case;

/* Failure replies /sign/aws and /sign/aws4 share, read alike. */
static const reply_case common_failures[] = {
    /* hsmd.py: 200 and the device's ERROR code */
    {200, "{\"success\": false, \"error\": \"unknown-awsaccesskey\"}", AWSV2_E_REFUSED,
     "unknown-awsaccesskey"},
    {403, "{\"success\": false, \"error\": \"unknown-awsaccesskey\"}", AWSV2_E_REFUSED,
     "unknown-awsaccesskey"},
    {403, "{\"success\": false, \"error\": \"invalid-token\"}", AWSV2_E_REFUSED,
     "invalid-token"},
    {413, "{\"success\": false, \"error\": \"message-too-long\"}", AWSV2_E_INVALID,
     "message-too-long"},
    {503, "{\"success\": false, \"error\": \"device-unavailable\"}", AWSV2_E_DEVICE,
     "device-unavailable"},
    {504, "{\"success\": false, \"error\": \"device-timeout\"}", AWSV2_E_TIMEOUT,
     "device-timeout"},
    {500, "{\"success\": false, \"error\": \"internal-error\"}", AWSV2_E_SIGNER,
     "internal-error"},
    {200, "<html>hello</html>", AWSV2_E_PROTOCOL, ""},
    {404, "{\"success\": false, \"error\": \"not-found\"}", AWSV2_E_PROTOCOL, ""},
};

/* Each case through read (one endpoint's reader): its status, code and the
 * HTTP status kept. */
static void expect_failures(const reply_case *cases, size_t n,
                            awsv2_status (*read)(long status, const char *body,
                                                 awsv2_error *err))
{
    for (size_t i = 0; i < n; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = read(cases[i].status, cases[i].body, &err);
        ck_assert_msg(st == cases[i].want, "%s: status %d, want %d", cases[i].body, st,
                      cases[i].want);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_int_eq(err.http_status, cases[i].status);
    }
}

static awsv2_status read_sign(long status, const char *body, awsv2_error *err)
{
    return parse(status, body, AWSV2_HMAC_SHA256, err);
}

START_TEST(test_reply_failures)
{
    static const reply_case cases[] = {
        {400, "{\"success\": false, \"error\": \"invalid-command\"}", AWSV2_E_INVALID,
         "invalid-command"},
        {503, "{\"success\": false, \"error\": \"queue-full\"}", AWSV2_E_DEVICE, "queue-full"},
        {503, "<html>busy</html>", AWSV2_E_DEVICE, ""},
        {200, "", AWSV2_E_PROTOCOL, ""},
        {200, "{\"success\": tru", AWSV2_E_PROTOCOL, ""},
        {200, "[true]", AWSV2_E_PROTOCOL, ""},
        {200, "{\"success\": \"yes\"}", AWSV2_E_PROTOCOL, ""},
    };
    expect_failures(common_failures, sizeof common_failures / sizeof common_failures[0],
                    read_sign);
    expect_failures(cases, sizeof cases / sizeof cases[0], read_sign);
}
END_TEST

START_TEST(test_reply_keys)
{
    char buf[64];
    const char *two = "{\"success\": true, \"keys\": [\"AKIA1\", \"AKIA2\"]}";

    ck_assert_int_eq(awsv2__http_parse_keys(200, two, strlen(two), buf, sizeof buf, "U", NULL),
                     AWSV2_OK);
    ck_assert_str_eq(buf, "AKIA1,AKIA2");
    ck_assert_int_eq(awsv2__http_parse_keys(200, two, strlen(two), buf, 8, "U", NULL),
                     AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2__http_parse_keys(404, "", 0, buf, sizeof buf, "U", NULL),
                     AWSV2_E_UNAVAILABLE); /* hsmd.py has no /keys */
    const char *bad = "{\"success\": true, \"keys\": [1]}";
    ck_assert_int_eq(awsv2__http_parse_keys(200, bad, strlen(bad), buf, sizeof buf, "U", NULL),
                     AWSV2_E_PROTOCOL);
}
END_TEST

START_TEST(test_reply_health)
{
    static const struct {
        long status;
        const char *body;
        awsv2_status want;
        const char *code;
    } cases[] = {
        {200, "{\"success\": true, \"healthy\": true, \"signer\": \"due:/x\"}", AWSV2_OK, ""},
        {503, "{\"success\": false, \"error\": \"device-unavailable\"}", AWSV2_E_DEVICE,
         "device-unavailable"},
        {503, "{\"success\": false, \"error\": \"queue-full\"}", AWSV2_E_DEVICE, "queue-full"},
        {504, "{\"success\": false, \"error\": \"device-timeout\"}", AWSV2_E_TIMEOUT,
         "device-timeout"},
        {403, "{\"success\": false, \"error\": \"invalid-token\"}", AWSV2_E_REFUSED,
         "invalid-token"},
        {404, "not found", AWSV2_E_UNAVAILABLE, ""}, /* hsmd.py has no /healthz */
        {200, "{\"success\": true}", AWSV2_E_PROTOCOL, ""},
        {200, "{\"success\": true, \"healthy\": false}", AWSV2_E_PROTOCOL, ""},
        {200, "<html>ok</html>", AWSV2_E_PROTOCOL, ""},
        {302, "", AWSV2_E_PROTOCOL, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = awsv2__http_parse_health(cases[i].status, cases[i].body,
                                                   strlen(cases[i].body), "URL", &err);
        ck_assert_msg(st == cases[i].want, "case %zu: status %d, want %d", i, st, cases[i].want);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_int_eq(err.http_status, st ? cases[i].status : 0);
    }
}
END_TEST

#define SIGV4_HEX "41e6306e525533696fb818ae3c842a7538a8e38b20360bb762a671a5664553e0"

static awsv2_status parse4(long status, const char *body, uint8_t sig[32], awsv2_error *err)
{
    awsv2_error_clear(err);
    return awsv2__http_parse_sign4(status, body, strlen(body), sig, "URL", err);
}

static awsv2_status read_sign4(long status, const char *body, awsv2_error *err)
{
    uint8_t sig[32];
    return parse4(status, body, sig, err);
}

/* 64 hex digits where SigV4 is asked, and nothing else: not SigV2's
 * HMAC-SHA1 length, not one digit more or less. */
START_TEST(test_reply_sign4)
{
    uint8_t sig[32];
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(
        parse4(200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "\"}", sig, &err), AWSV2_OK);
    ck_assert_uint_eq(sig[0], 0x41);
    ck_assert_uint_eq(sig[31], 0xe0);
    ck_assert_int_eq(parse4(200, "{\"success\": true, \"signature\": \"" SHA1_HEX "\"}", sig, &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse4(200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "0\"}", sig,
                            &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse4(200, "{\"success\": true, \"signature\": \"1" SIGV4_HEX "\"}", sig,
                            &err),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse4(200, "{\"success\": true}", sig, &err), AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse4(200, "{\"signature\": \"" SIGV4_HEX "\"}", sig, &err),
                     AWSV2_E_PROTOCOL);
    /* ... and SigV2's parser does not take a SigV4 signature for HMAC-SHA1 */
    ck_assert_int_eq(parse(200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "\"}",
                           AWSV2_HMAC_SHA1, &err),
                     AWSV2_E_PROTOCOL);

    static const reply_case cases[] = {
        {400, "{\"success\": false, \"error\": \"invalid-canonical-request\"}", AWSV2_E_INVALID,
         "invalid-canonical-request"},
        {400, "{\"success\": false, \"error\": \"invalid-scope\"}", AWSV2_E_INVALID,
         "invalid-scope"},
        {400, "{\"success\": false, \"error\": \"invalid-awsaccesskeyid\"}", AWSV2_E_INVALID,
         "invalid-awsaccesskeyid"},
        {400, "{\"success\": false, \"error\": \"payload-mismatch\"}", AWSV2_E_REFUSED,
         "payload-mismatch"},
    };
    expect_failures(common_failures, sizeof common_failures / sizeof common_failures[0],
                    read_sign4);
    expect_failures(cases, sizeof cases / sizeof cases[0], read_sign4);
}
END_TEST

/* ---- SigV4 against a stub server ------------------------------------------ */

/* A presigned GET's canonical request (that of the shared vector
 * ec2-describe-instances-presigned), ending in UNSIGNED-PAYLOAD or, for a
 * payload, in its SHA-256. */
#define CR_HEAD                                                                                  \
    "GET\n/\nAction=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"       \
    "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request&"       \
    "X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\n"                    \
    "host:ec2.eu-central-1.amazonaws.com\n\nhost\n"

/* The JSON body of the stub's last request, after checking its head. */
static json_object *last_json(struct stub_server *stub, const char *token)
{
    static char req[65536];
    stub_last_request(stub, req, sizeof req);
    char *body = strstr(req, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    *body = '\0';
    ck_assert_msg(strncmp(req, "POST /sign/aws4 HTTP/1.1\r\n", 26) == 0, "%s", req);
    static char head[65536];
    size_t n = strlen(req);
    for (size_t i = 0; i <= n; i++)
        head[i] = (char)(req[i] >= 'A' && req[i] <= 'Z' ? req[i] - 'A' + 'a' : req[i]);
    ck_assert_ptr_nonnull(strstr(head, "\r\ncontent-type: application/json\r\n"));
    if (token) {
        char line[256];
        snprintf(line, sizeof line, "\r\nAuthorization: Bearer %s", token);
        ck_assert_ptr_nonnull(strstr(req, line));
    } else {
        ck_assert_ptr_null(strstr(head, "authorization:"));
    }
    json_object *o = json_tokener_parse(body + 4);
    ck_assert_ptr_nonnull(o);
    return o;
}

static const char *member(json_object *o, const char *name, size_t *len)
{
    json_object *v;
    if (!json_object_object_get_ex(o, name, &v))
        return NULL;
    ck_assert(json_object_is_type(v, json_type_string));
    if (len)
        *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

START_TEST(test_sign4_request_and_replies)
{
    static const struct stub_reply script[] = {
        {STUB_REPLY, 200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "\"}", 0},
        {STUB_REPLY, 200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "\"}", 0},
        {STUB_REPLY, 400, "{\"success\": false, \"error\": \"payload-mismatch\"}", 0},
        {STUB_REPLY, 403, "{\"success\": false, \"error\": \"unknown-awsaccesskey\"}", 0},
        {STUB_REPLY, 200, "{\"success\": true, \"signature\": \"" SHA1_HEX "\"}", 0},
        {STUB_REPLY, 503, "{\"success\": false, \"error\": \"device-unavailable\"}", 0},
    };
    struct stub_server *stub = stub_start(script, sizeof script / sizeof script[0]);
    char spec[256], cr[1024], hash[65];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    size_t len;

    snprintf(spec, sizeof spec, "%ssign/aws", stub_url(stub));
    unsetenv("AWSV2_HSMD_TOKEN");
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);

    /* 1: UNSIGNED-PAYLOAD, no payload member */
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = KEY_ID;
    job.region = "eu-central-1";
    job.service = "ec2";
    snprintf(cr, sizeof cr, "%sUNSIGNED-PAYLOAD", CR_HEAD);
    job.canonical_request = cr;
    job.canonical_request_len = strlen(cr);
    ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(job.status, AWSV2_OK);
    ck_assert_uint_eq(job.signature[0], 0x41);
    ck_assert_uint_eq(job.signature[31], 0xe0);
    json_object *o = last_json(stub, NULL);
    ck_assert_str_eq(member(o, "key_id", NULL), KEY_ID);
    ck_assert_str_eq(member(o, "region", NULL), "eu-central-1");
    ck_assert_str_eq(member(o, "service", NULL), "ec2");
    ck_assert_str_eq(member(o, "canonical_request", &len), cr);
    ck_assert_uint_eq(len, strlen(cr));
    ck_assert_ptr_null(member(o, "payload", NULL));
    ck_assert_int_eq(json_object_object_length(o), 4);
    json_object_put(o);

    /* 2: a payload JSON must escape: quotes, backslash, controls, UTF-8 */
    static const char payload[] = "a\"b\\c\n\r\t\x01\x1f/\xc3\xa9&x=%2B";
    sigv4_sha256_hex(payload, sizeof payload - 1, hash);
    snprintf(cr, sizeof cr, "%s%s", CR_HEAD, hash);
    job.canonical_request_len = strlen(cr);
    job.payload = payload;
    job.payload_len = sizeof payload - 1;
    ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s", err.message);
    o = last_json(stub, NULL);
    ck_assert_str_eq(member(o, "canonical_request", NULL), cr);
    const char *sent = member(o, "payload", &len);
    ck_assert_uint_eq(len, sizeof payload - 1);
    ck_assert_mem_eq(sent, payload, len);
    json_object_put(o);

    /* 3-6: the daemon's refusals, a SigV2-sized signature, a gone device */
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "payload-mismatch");
    ck_assert_int_eq(err.http_status, 400);
    ck_assert_int_eq(job.status, AWSV2_E_REFUSED);
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    ck_assert_int_eq(err.http_status, 403);
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_PROTOCOL);
    for (size_t i = 0; i < sizeof job.signature; i++)
        ck_assert_uint_eq(job.signature[i], 0); /* never half a signature */
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_DEVICE);
    ck_assert_str_eq(err.code, "device-unavailable");
    ck_assert_int_eq(stub_requests(stub), 6);

    /* what any signer refuses never reaches the daemon */
    job.region = "eu central 1";
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(stub_requests(stub), 6);
    awsv2_signer_close(s);

    /* the token goes along, as to /sign/aws */
    setenv("AWSV2_HSMD_TOKEN", "0123456789abcdef0123456789abcdef", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    unsetenv("AWSV2_HSMD_TOKEN");
    job.region = "eu-central-1";
    awsv2_signer_sign4(s, &job, &err);
    json_object_put(last_json(stub, "0123456789abcdef0123456789abcdef"));
    awsv2_signer_close(s);
    stub_stop(stub);
}
END_TEST

/* A URL not ending in /sign/aws has no /sign/aws4 beside it: nothing is
 * sent, and the signer says it cannot. */
START_TEST(test_sign4_without_sign_aws)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    char cr[1024];

    snprintf(cr, sizeof cr, "%sUNSIGNED-PAYLOAD", CR_HEAD);
    job.key_id = KEY_ID;
    job.region = "eu-central-1";
    job.service = "ec2";
    job.canonical_request = cr;
    job.canonical_request_len = strlen(cr);
    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign", NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "/sign/aws4"));
    awsv2_signer_close(s);
}
END_TEST

/* Without /sign/aws at its end the URL has no /healthz or /keys beside it:
 * nothing is sent, and the signer says it cannot tell. */
START_TEST(test_ping_without_healthz)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[64];

    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign", NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "/healthz"));
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_UNAVAILABLE);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_bad_specs)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign/aws?colour=red", NULL, &err),
                     AWSV2_E_SPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "colour"));
    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign/aws?timeout_ms=x", NULL, &err),
                     AWSV2_E_SPEC);
    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/x?token_file=/nonexistent/t", NULL,
                                       &err),
                     AWSV2_E_IO);
    ck_assert_int_eq(awsv2_signer_open(&s, "http://", NULL, &err), AWSV2_E_SPEC);
}
END_TEST

static struct world w;

static void teardown(void)
{
    ck_assert_int_eq(world_stop(&w), 0);
}

static awsv2_status ping(awsv2_signer *s, awsv2_error *err)
{
    awsv2_error_clear(err);
    return awsv2_signer_ping(s, err);
}

static awsv2_status sign_with(awsv2_signer *s, const char *key_id, unsigned n, awsv2_error *err)
{
    char sts[1024], want[65], got[65];
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0, len = world_sts(sts, sizeof sts, key_id, "HmacSHA256", n);

    awsv2_error_clear(err);
    awsv2_status st = awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, len, mac, &mac_len, err);
    if (st == AWSV2_OK) {
        world_expected_hex(sts, len, 0, want);
        for (size_t i = 0; i < mac_len; i++)
            sprintf(got + 2 * i, "%02x", mac[i]);
        ck_assert_uint_eq(mac_len, 32);
        ck_assert_str_eq(got, want);
    }
    return st;
}

START_TEST(test_backend_against_daemon)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[256];

    ck_assert_int_eq(world_start(&w, NULL, NULL, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_str_eq(awsv2_signer_describe(s), w.url);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_int_eq(sign_with(s, KEY_ID, i, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(sign_with(s, "AKIANOSUCHKEY0000000", 1, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    ck_assert_int_eq(err.http_status, 403);
    child_stop(&w.emu, SIGKILL, CHILD_TIMEOUT_MS);
    ck_assert_int_eq(sign_with(s, KEY_ID, 1, &err), AWSV2_E_DEVICE);
    ck_assert_str_eq(err.code, "device-unavailable");
    ck_assert_int_eq(world_start_emu(&w, NULL), 0);
    ck_assert_int_eq(sign_with(s, KEY_ID, 2, &err), AWSV2_OK);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(sign_with(s, KEY_ID, 3, &err), AWSV2_E_DEVICE); /* nobody listens */
    ck_assert_int_eq(err.http_status, 0);
    awsv2_signer_close(s);
}
END_TEST

/* awsv2_signer_ping is the daemon's /healthz: 200 while its device answers,
 * 503 with the daemon's code once the device is gone, and a daemon that
 * does not answer is the signer's device being unavailable, as for a
 * signature. */
START_TEST(test_backend_ping)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_start(&w, NULL, NULL, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_msg(ping(s, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(ping(s, &err), AWSV2_OK); /* again, on the kept connection */
    child_stop(&w.emu, SIGKILL, CHILD_TIMEOUT_MS);
    ck_assert_int_eq(ping(s, &err), AWSV2_E_DEVICE);
    ck_assert_str_eq(err.code, "device-unavailable");
    ck_assert_int_eq(err.http_status, 503);
    ck_assert_int_eq(world_start_emu(&w, NULL), 0);
    ck_assert_msg(ping(s, &err) == AWSV2_OK, "after the restart: %s", err.message);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(ping(s, &err), AWSV2_E_DEVICE); /* nobody listens */
    ck_assert_int_eq(err.http_status, 0);
    ck_assert_str_eq(err.code, "");
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_backend_token)
{
    char token_file[PATH_MAX + 16], spec[PATH_MAX + 600];
    const char *args[] = {"--token-file", token_file, NULL};
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_token_file(&w, "0123456789abcdef0123456789abcdef  \n", token_file,
                                      sizeof token_file),
                     0);
    ck_assert_int_eq(world_start(&w, NULL, args, ""), 0);
    unsetenv("AWSV2_HSMD_TOKEN");
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(sign_with(s, KEY_ID, 1, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "invalid-token");
    ck_assert_ptr_null(strstr(err.message, "0123456789abcdef"));
    ck_assert_int_eq(ping(s, &err), AWSV2_OK); /* /healthz is open to probes */
    awsv2_signer_close(s);
    setenv("AWSV2_HSMD_TOKEN", "not-the-token", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(ping(s, &err), AWSV2_E_REFUSED); /* but a wrong token is refused */
    ck_assert_str_eq(err.code, "invalid-token");
    awsv2_signer_close(s);
    unsetenv("AWSV2_HSMD_TOKEN");
    snprintf(spec, sizeof spec, "%s?token_file=%s", w.url, token_file);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_ptr_null(strstr(awsv2_signer_describe(s), "0123456789abcdef"));
    ck_assert_int_eq(sign_with(s, KEY_ID, 2, &err), AWSV2_OK);
    ck_assert_int_eq(ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
    setenv("AWSV2_HSMD_TOKEN", "0123456789abcdef0123456789abcdef", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(sign_with(s, KEY_ID, 3, &err), AWSV2_OK);
    awsv2_signer_close(s);
    unsetenv("AWSV2_HSMD_TOKEN");
}
END_TEST

START_TEST(test_backend_unix_socket)
{
    char listen[PATH_MAX + 16];
    const char *args[] = {"--listen", listen, NULL};
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_dir(&w), 0);
    snprintf(listen, sizeof listen, "unix:%s/sock", w.dir);
    ck_assert_int_eq(world_start(&w, NULL, args, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(sign_with(s, KEY_ID, 1, &err), AWSV2_OK);
    ck_assert_int_eq(ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

/* ---- SigV4 through a real awsv2-hsmd (the openssl signer) ----------------- */

static void hex_of(const uint8_t *b, size_t n, char *hex)
{
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
}

START_TEST(test_sign4_through_daemon)
{
    char hex[65], cr[8192];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int signed_vectors = 0;

    ck_assert_int_eq(world_start_openssl(&w, NULL), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);

    /* The shared vectors' canonical requests that were signed, with their
     * payload (a presigned GET's is empty, its hash ends the canonical
     * request); the vector's signature. */
    const sigv4_vector *all;
    size_t n = sigv4_vectors(&all);
    for (size_t i = 0; i < n; i++) {
        const sigv4_vector *v = &all[i];
        bool post = strcmp(v->kind, "post-authorization") == 0;
        if ((!post && strcmp(v->kind, "presigned-get") != 0) || strcmp(v->key_id, KEY_ID) != 0 ||
            strcmp(v->secret, SECRET) != 0)
            continue;
        awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
        job.key_id = KEY_ID;
        job.region = v->region;
        job.service = v->service;
        job.canonical_request = v->signed_request;
        job.canonical_request_len = strlen(job.canonical_request);
        job.payload = post ? v->body : "";
        job.payload_len = strlen(job.payload);
        ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s: %s", v->name,
                      err.message);
        hex_of(job.signature, sizeof job.signature, hex);
        ck_assert_msg(strcmp(hex, v->signature) == 0, "%s: %s", v->name, hex);
        signed_vectors++;

        /* the same with a payload that is not the one it names */
        job.payload = "x";
        job.payload_len = 1;
        ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_REFUSED);
        ck_assert_str_eq(err.code, "payload-mismatch");
        ck_assert_int_eq(err.http_status, 400);
    }
    ck_assert_int_ge(signed_vectors, 10);

    /* UNSIGNED-PAYLOAD and no payload: OpenSSL's signature */
    uint8_t want[32];
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    snprintf(cr, sizeof cr, "%sUNSIGNED-PAYLOAD", CR_HEAD);
    sigv4_oracle_sign(SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr, strlen(cr), want, NULL);
    job.key_id = KEY_ID;
    job.region = "eu-central-1";
    job.service = "ec2";
    job.canonical_request = cr;
    job.canonical_request_len = strlen(cr);
    ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_mem_eq(job.signature, want, 32);

    /* a key the daemon does not hold */
    snprintf(cr, sizeof cr, "%sUNSIGNED-PAYLOAD", CR_HEAD);
    memcpy(strstr(cr, KEY_ID), "AKIANOSUCHKEY0000000", 20);
    job.key_id = "AKIANOSUCHKEY0000000";
    ck_assert_int_eq(awsv2_signer_sign4(s, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    ck_assert_int_eq(err.http_status, 403);
    awsv2_signer_close(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http");
    TCase *unit = tcase_create("reply");

    tcase_add_test(unit, test_reply_success);
    tcase_add_test(unit, test_reply_failures);
    tcase_add_test(unit, test_reply_keys);
    tcase_add_test(unit, test_reply_health);
    tcase_add_test(unit, test_ping_without_healthz);
    tcase_add_test(unit, test_bad_specs);
    tcase_add_test(unit, test_reply_sign4);
    tcase_add_test(unit, test_sign4_request_and_replies);
    tcase_add_test(unit, test_sign4_without_sign_aws);
    suite_add_tcase(s, unit);
    TCase *openssl = tcase_create("daemon-openssl");
    tcase_add_checked_fixture(openssl, NULL, teardown);
    tcase_set_timeout(openssl, 60);
    tcase_add_test(openssl, test_sign4_through_daemon);
    suite_add_tcase(s, openssl);
    if (awsv2_has_backend("due")) { /* the daemon's device is awsv2-due-emu */
        TCase *live = tcase_create("daemon");
        tcase_add_checked_fixture(live, NULL, teardown);
        tcase_set_timeout(live, 60);
        tcase_add_test(live, test_backend_against_daemon);
        tcase_add_test(live, test_backend_ping);
        tcase_add_test(live, test_backend_token);
        tcase_add_test(live, test_backend_unix_socket);
        suite_add_tcase(s, live);
    }
    return world_run(s);
}
