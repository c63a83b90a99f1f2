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
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "http_reply.h"
#include "load.h"
#include "sigv4_vectors.h"
#include "stub_server.h"
#include "tmpdir.h"
#include "world.h"

#define SHA1_HEX "b5dd8f3ff3a5fa4e3b1d8cd1ad7a5c2f45ee3e9f"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signs a fixed SigV2 string (HMAC-SHA256) through s. */
static awsv2_status sign_sts(awsv2_signer *s, awsv2_error *err)
{
    static const char sts[] = "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
                              "&Action=DescribeInstances&SignatureMethod=HmacSHA256"
                              "&SignatureVersion=2&Timestamp=2026-11-21T12%3A00%3A00Z"
                              "&Version=2016-11-15";
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0;
    awsv2_error_clear(err);
    return awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, sizeof sts - 1, mac, &mac_len, err);
}

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
    /* awsv2-hsmd's 404: the URL's path is wrong (the message says where it signs) */
    {404, "{\"success\": false, \"error\": \"not-found\"}", AWSV2_E_SPEC, "not-found"},
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

/* POST /sign/batch's reply: one result per job, each read as /sign/aws's
 * with its own status; anything else fails every job alike. */
START_TEST(test_reply_batch)
{
    awsv2_sign_job jobs[3], *p[3];
    awsv2_error errors[3], *errs[3];
    long http[3];
    const char *body;

    for (int i = 0; i < 3; i++) {
        jobs[i] = (awsv2_sign_job)AWSV2_SIGN_JOB_INIT;
        jobs[i].hash = i == 1 ? AWSV2_HMAC_SHA256 : AWSV2_HMAC_SHA1;
        p[i] = &jobs[i];
        errors[i] = (awsv2_error)AWSV2_ERROR_INIT;
        errs[i] = &errors[i];
    }
    body = "{\"success\": true, \"results\": [{\"success\": true, \"signature\": \"" SHA1_HEX
           "\"}, {\"success\": false, \"error\": \"device-unavailable\", \"status\": 503}, "
           "{\"success\": false, \"error\": \"unknown-awsaccesskey\", \"status\": 403}]}";
    ck_assert_int_eq(awsv2__http_parse_batch(200, body, strlen(body), p, 3, http, errs, "U"),
                     AWSV2_OK);
    ck_assert_int_eq(jobs[0].status, AWSV2_OK);
    ck_assert_uint_eq(jobs[0].mac_len, 20);
    ck_assert_uint_eq(jobs[0].mac[0], 0xb5);
    ck_assert_int_eq(http[0], 200);
    ck_assert_int_eq(jobs[1].status, AWSV2_E_DEVICE);
    ck_assert_int_eq(http[1], 503);
    ck_assert_str_eq(errors[1].code, "device-unavailable");
    ck_assert_int_eq(jobs[2].status, AWSV2_E_REFUSED);
    ck_assert_int_eq(errors[2].http_status, 403);

    /* a signature of the wrong size for its job, a result short, a bad status */
    static const char *const bad[] = {
        "{\"success\": true, \"results\": [{\"success\": true, \"signature\": \"" SHA1_HEX
        "\"}, {\"success\": true, \"signature\": \"" SHA1_HEX "\"}, {\"success\": true, "
        "\"signature\": \"" SHA1_HEX "\"}]}",
        "{\"success\": true, \"results\": [{\"success\": true, \"signature\": \"" SHA1_HEX
        "\"}, 7, {\"success\": false, \"status\": 99}]}",
    };
    ck_assert_int_eq(awsv2__http_parse_batch(200, bad[0], strlen(bad[0]), p, 3, http, errs, "U"),
                     AWSV2_OK);
    ck_assert_int_eq(jobs[1].status, AWSV2_E_PROTOCOL); /* 20 bytes where 32 are due */
    ck_assert_uint_eq(jobs[1].mac_len, 0);
    ck_assert_int_eq(awsv2__http_parse_batch(200, bad[1], strlen(bad[1]), p, 3, http, errs, "U"),
                     AWSV2_OK);
    ck_assert_int_eq(jobs[1].status, AWSV2_E_PROTOCOL);
    ck_assert_int_eq(jobs[2].status, AWSV2_E_PROTOCOL);
    static const struct {
        long status;
        const char *body;
        awsv2_status want;
    } whole[] = {
        {200, "{\"success\": true, \"results\": []}", AWSV2_E_PROTOCOL},
        {200, "{\"success\": true}", AWSV2_E_PROTOCOL},
        {503, "{\"success\": false, \"error\": \"queue-full\"}", AWSV2_E_DEVICE},
        {403, "{\"success\": false, \"error\": \"invalid-token\"}", AWSV2_E_REFUSED},
        {413, "{\"success\": false, \"error\": \"message-too-long\"}", AWSV2_E_INVALID},
        {200, "<html>", AWSV2_E_PROTOCOL},
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        ck_assert_int_eq(awsv2__http_parse_batch(whole[i].status, whole[i].body,
                                                 strlen(whole[i].body), p, 3, http, errs, "U"),
                         whole[i].want);
        for (int j = 0; j < 3; j++) {
            ck_assert_int_eq(jobs[j].status, whole[i].want);
            ck_assert_int_eq(http[j], whole[i].status);
            ck_assert_int_eq(errors[j].status, whole[i].want);
        }
    }
}
END_TEST

/* awsv2_signer_sign_batch sends one POST /sign/batch: a JSON array of the
 * strings, in order. A daemon without the route (404: hsmd.py) gets each
 * string alone to /sign/aws, then and from then on. */
START_TEST(test_batch_request_and_fallback)
{
    static const struct stub_reply script[] = {
        {STUB_REPLY, 200, "{\"success\": true, \"results\": [{\"success\": true, \"signature\": "
                          "\"" SIGV4_HEX "\"}, {\"success\": true, \"signature\": \"" SIGV4_HEX
                          "\"}]}", 0},
        {STUB_REPLY, 404, "<html>not found</html>", 0},
        {STUB_REPLY, 200, "{\"success\": true, \"signature\": \"" SIGV4_HEX "\"}", 0},
    };
    struct stub_server *stub = stub_start(script, 3);
    char spec[256], req[8192], sts[2][256];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_sign_job jobs[2], *p[2] = {&jobs[0], &jobs[1]};

    for (int i = 0; i < 2; i++) {
        jobs[i] = (awsv2_sign_job)AWSV2_SIGN_JOB_INIT;
        jobs[i].len = world_sts(sts[i], sizeof sts[i], KEY_ID, "HmacSHA256", (unsigned)i);
        jobs[i].string_to_sign = sts[i];
        jobs[i].hash = AWSV2_HMAC_SHA256;
    }
    snprintf(spec, sizeof spec, "%ssign/aws", stub_url(stub));
    unsetenv("AWSV2_HSMD_TOKEN");
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_msg(awsv2_signer_sign_batch(s, p, 2, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_uint_eq(jobs[1].mac[0], 0x41);
    stub_last_request(stub, req, sizeof req);
    ck_assert_msg(strncmp(req, "POST /sign/batch HTTP/1.1\r\n", 27) == 0, "%s", req);
    json_object *a = json_tokener_parse(strstr(req, "\r\n\r\n") + 4);
    ck_assert(json_object_is_type(a, json_type_array));
    ck_assert_uint_eq(json_object_array_length(a), 2);
    for (size_t i = 0; i < 2; i++)
        ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(a, i)), sts[i]);
    json_object_put(a);

    /* 404: each alone (2 more requests), and the next batch too */
    ck_assert_msg(awsv2_signer_sign_batch(s, p, 2, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(stub_requests(stub), 4);
    ck_assert_msg(awsv2_signer_sign_batch(s, p, 2, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(stub_requests(stub), 6);
    stub_last_request(stub, req, sizeof req);
    ck_assert_msg(strncmp(req, "POST /sign/aws HTTP/1.1\r\n", 25) == 0, "%s", req);
    awsv2_signer_close(s);
    stub_stop(stub);
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

/* Without /sign/aws at its end the URL has no /healthz beside it: nothing
 * is sent, and the signer says it cannot tell. */
START_TEST(test_ping_without_healthz)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign", NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "/healthz"));
    awsv2_signer_close(s);
}
END_TEST

/* A URL whose path is not the daemon's says so: at open when it cannot be
 * one (no path, another route), and where the access key id is looked up
 * otherwise, instead of "no access key id configured" (issue 15). */
START_TEST(test_wrong_path)
{
    static const struct {
        const char *spec, *says;
    } at_open[] = {
        {"http://127.0.0.1:1", "has no path"},
        {"http://127.0.0.1:1/", "has no path"},
        {"http://127.0.0.1:1/keys", "ends in /keys"},
        {"http://127.0.0.1:1/sign/aws4", "ends in /sign/aws4"},
        {"http://127.0.0.1:1/sign/aws/", "ends in /sign/aws/"},
        {"http://127.0.0.1:1/sign/aws?url=http://127.0.0.1:2/", "has no path"},
    };
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[64];

    for (size_t i = 0; i < sizeof at_open / sizeof at_open[0]; i++) {
        ck_assert_int_eq(awsv2_signer_open(&s, at_open[i].spec, NULL, &err), AWSV2_E_SPEC);
        ck_assert_msg(strstr(err.message, at_open[i].says) && strstr(err.message, "/sign/aws"),
                      "%s: %s", at_open[i].spec, err.message);
    }
    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign", NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_SPEC);
    ck_assert_int_eq(awsv2_signer_pick_key_id(s, NULL, ids, sizeof ids, &err), AWSV2_E_SPEC);
    ck_assert_msg(strstr(err.message, "does not end in /sign/aws") &&
                      strstr(err.message, "--access-key-id"),
                  "%s", err.message);
    awsv2_signer_close(s);
}
END_TEST

/* A daemon that wants a token names the two ways to give one; a refused
 * token names where it came from (never the token). */
START_TEST(test_token_advice)
{
    static const struct stub_reply script[] = {
        {STUB_REPLY, 403, "{\"success\": false, \"error\": \"invalid-token\"}", 0},
    };
    struct stub_server *stub = stub_start(script, 1);
    char spec[PATH_MAX + 256], dir[PATH_MAX], file[PATH_MAX + 16];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    snprintf(spec, sizeof spec, "%ssign/aws", stub_url(stub));
    unsetenv("AWSV2_HSMD_TOKEN");
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "invalid-token");
    ck_assert_msg(strstr(err.message, "AWSV2_HSMD_TOKEN") && strstr(err.message, "token_file="),
                  "%s", err.message);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_REFUSED);
    ck_assert_msg(strstr(err.message, "AWSV2_HSMD_TOKEN"), "%s", err.message);
    awsv2_signer_close(s);

    setenv("AWSV2_HSMD_TOKEN", "0123456789abcdef0123456789abcdef", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    unsetenv("AWSV2_HSMD_TOKEN");
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_REFUSED);
    ck_assert_msg(strstr(err.message, "token of $AWSV2_HSMD_TOKEN was refused"), "%s",
                  err.message);
    ck_assert_ptr_null(strstr(err.message, "0123456789abcdef"));
    awsv2_signer_close(s);

    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "awsv2-http"), 0);
    snprintf(file, sizeof file, "%s/token", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("0123456789abcdef0123456789abcdef\n", f);
    fclose(f);
    ck_assert_int_eq(chmod(file, 0600), 0);
    snprintf(spec, sizeof spec, "%ssign/aws?token_file=%s", stub_url(stub), file);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_REFUSED);
    ck_assert_msg(strstr(err.message, "token of token_file=") && strstr(err.message, file),
                  "%s", err.message);
    ck_assert_ptr_null(strstr(err.message, "0123456789abcdef"));
    awsv2_signer_close(s);
    tmpdir_remove(dir);
    stub_stop(stub);
}
END_TEST

/* timeout_ms bounds a call to a daemon that accepts and never answers, and
 * one call in all when several daemons stall: not timeout_ms each. */
START_TEST(test_timeout_bounds_every_call)
{
    static const struct stub_reply silent[] = {{STUB_SILENT, 0, "", 0}};
    struct stub_server *stubs[4];
    char spec[1024];
    size_t n = 0;
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    for (int i = 0; i < 4; i++)
        stubs[i] = stub_start(silent, 1);
    n = (size_t)snprintf(spec, sizeof spec, "%ssign/aws?timeout_ms=300", stub_url(stubs[0]));
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    double t0 = now_s();
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_TIMEOUT);
    ck_assert_msg(strstr(err.message, "300 ms") && strstr(err.message, "timeout_ms="), "%s",
                  err.message);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_TIMEOUT);
    ck_assert_double_lt(now_s() - t0, 5.0); /* the default would be 30 s each */
    awsv2_signer_close(s);

    n = (size_t)snprintf(spec, sizeof spec, "%ssign/aws?timeout_ms=1000", stub_url(stubs[0]));
    for (int i = 1; i < 4; i++)
        n += (size_t)snprintf(spec + n, sizeof spec - n, "&url=%ssign/aws", stub_url(stubs[i]));
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    t0 = now_s();
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_TIMEOUT);
    ck_assert_double_lt(now_s() - t0, 3.0); /* 4 daemons x 1000 ms would be 4 s */
    awsv2_signer_close(s);
    for (int i = 0; i < 4; i++)
        stub_stop(stubs[i]);
}
END_TEST

START_TEST(test_bad_specs)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    static const char *const bad[] = {
        "http://127.0.0.1:1/sign/aws?failures=x",
        "http://127.0.0.1:1/sign/aws?batch=-1",
        "http://127.0.0.1:1/sign/aws?url=http://127.0.0.1:2/sign/aws?timeout_ms=1",
        "http://127.0.0.1:1/sign/aws?url=nothing",
        "http://localhost/admin?url=http://127.0.0.1:2/sign/aws",
        "http://127.0.0.1:1/sign/aws?url=http://a/sign/aws&url=http://b/sign/aws&url=http://c/"
        "sign/aws&url=http://d/sign/aws&url=http://e/sign/aws&url=http://f/sign/aws&url="
        "http://g/sign/aws&url=http://h/sign/aws",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(awsv2_signer_open(&s, bad[i], NULL, &err) == AWSV2_E_SPEC, "%s", bad[i]);
    ck_assert_int_eq(awsv2_signer_open(&s, "http://127.0.0.1:1/sign/aws?url=http://127.0.0.1:2/"
                                           "sign/aws&failures=1&cooldown_ms=0&batch=1",
                                       NULL, &err),
                     AWSV2_OK);
    ck_assert_str_eq(awsv2_signer_describe(s),
                     "http://127.0.0.1:1/sign/aws or http://127.0.0.1:2/sign/aws");
    awsv2_signer_close(s);

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

START_TEST(test_backend_against_daemon)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[256];

    ck_assert_int_eq(world_start(&w, NULL, NULL, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_str_eq(awsv2_signer_describe(s), w.url);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_int_eq(load_sign_checked(s, KEY_ID, i, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(load_sign_checked(s, "AKIANOSUCHKEY0000000", 1, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    ck_assert_int_eq(err.http_status, 403);
    child_stop(&w.emu, SIGKILL, CHILD_TIMEOUT_MS);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 1, &err), AWSV2_E_DEVICE);
    ck_assert_str_eq(err.code, "device-unavailable");
    ck_assert_int_eq(world_start_emu(&w, NULL), 0);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 2, &err), AWSV2_OK);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 3, &err), AWSV2_E_DEVICE); /* nobody listens */
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
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 1, &err), AWSV2_E_REFUSED);
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
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 2, &err), AWSV2_OK);
    ck_assert_int_eq(ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
    setenv("AWSV2_HSMD_TOKEN", "0123456789abcdef0123456789abcdef", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, w.url, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 3, &err), AWSV2_OK);
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
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 1, &err), AWSV2_OK);
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

    /* the daemon's URL under a path it does not serve: said, not "no key id" */
    char spec[600], ids[64];
    snprintf(spec, sizeof spec, "%s/x/sign/aws", w.base);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_pick_key_id(s, NULL, ids, sizeof ids, &err), AWSV2_E_SPEC);
    ck_assert_msg(strstr(err.message, "nothing at this path (HTTP 404)"), "%s", err.message);
    ck_assert_int_eq(sign_sts(s, &err), AWSV2_E_SPEC);
    ck_assert_msg(strstr(err.message, "signs at /sign/aws"), "%s", err.message);
    awsv2_signer_close(s);
}
END_TEST

/* POST /sign/batch on a real awsv2-hsmd (the openssl signer): each string
 * answered as /sign/aws would answer it alone, signatures OpenSSL's; what
 * concerns the whole request refuses it whole. */
static json_object *batch_results(const char *url, const char *body, const char *const *headers,
                                  long *status)
{
    struct http_result r;
    ck_assert_int_eq(world_http("POST", url, body, strlen(body), headers, &r), 0);
    *status = r.status;
    json_object *o = json_tokener_parse(r.body), *results = NULL;
    ck_assert_msg(o != NULL, "%s", r.body);
    if (r.status != 200) {
        json_object_put(o);
        return NULL;
    }
    ck_assert(json_object_object_get_ex(o, "results", &results));
    json_object_get(results);
    json_object_put(o);
    return results;
}

static void expect_item(json_object *results, size_t i, const char *sts, const char *code,
                        int status)
{
    json_object *it = json_object_array_get_idx(results, i), *v;
    ck_assert_ptr_nonnull(it);
    if (sts) {
        char want[65];
        world_expected_hex(sts, strlen(sts), 0, want);
        ck_assert(json_object_object_get_ex(it, "signature", &v));
        ck_assert_str_eq(json_object_get_string(v), want);
        ck_assert_int_eq(json_object_object_length(it), 2);
        return;
    }
    ck_assert(json_object_object_get_ex(it, "error", &v));
    ck_assert_str_eq(json_object_get_string(v), code);
    ck_assert(json_object_object_get_ex(it, "status", &v));
    ck_assert_int_eq(json_object_get_int(v), status);
}

START_TEST(test_batch_route)
{
    char url[600], sts[3][512], body[65536], token_file[PATH_MAX + 16];
    long status;
    const char *args[] = {"--token-file", token_file, "--token-keys", "AKIAOTHERKEY00000000", NULL};

    ck_assert_int_eq(world_start_openssl(&w, NULL), 0);
    snprintf(url, sizeof url, "%s/sign/batch", w.base);
    world_sts(sts[0], sizeof sts[0], KEY_ID, "HmacSHA256", 1);
    world_sts(sts[1], sizeof sts[1], "AKIANOSUCHKEY0000000", "HmacSHA256", 2);
    world_sts(sts[2], sizeof sts[2], KEY_ID, "", 3); /* no SignatureMethod: HMAC-SHA1 */
    json_object *a = json_object_new_array();
    json_object_array_add(a, json_object_new_string(sts[0]));
    json_object_array_add(a, json_object_new_string(sts[1]));
    json_object_array_add(a, json_object_new_string("not a string to sign"));
    json_object_array_add(a, json_object_new_string(sts[0]));
    snprintf(body, sizeof body, "%s", json_object_to_json_string(a));
    json_object_put(a);
    json_object *r = batch_results(url, body, NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_uint_eq(json_object_array_length(r), 4);
    expect_item(r, 0, sts[0], NULL, 0);
    expect_item(r, 1, NULL, "unknown-awsaccesskey", 403);
    expect_item(r, 2, NULL, "invalid-command", 400);
    expect_item(r, 3, sts[0], NULL, 0);
    json_object_put(r);

    /* HMAC-SHA1 where the string says so (40 hex digits, OpenSSL's) */
    a = json_object_new_array();
    json_object_array_add(a, json_object_new_string(sts[2]));
    snprintf(body, sizeof body, "%s", json_object_to_json_string(a));
    json_object_put(a);
    r = batch_results(url, body, NULL, &status);
    char want[65];
    world_expected_hex(sts[2], strlen(sts[2]), 1, want);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(
                         json_object_array_get_idx(r, 0), "signature")),
                     want);
    json_object_put(r);

    /* refused whole */
    static const struct {
        const char *body;
        long status;
    } whole[] = {
        {"{\"a\": 1}", 400}, {"[]", 400}, {"[1]", 400}, {"[\"x\"", 400}, {"", 400},
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        ck_assert_ptr_null(batch_results(url, whole[i].body, NULL, &status));
        ck_assert_int_eq(status, whole[i].status);
    }
    size_t n = 0;
    n += (size_t)snprintf(body + n, sizeof body - n, "[");
    for (int i = 0; i < 33; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s\"x\"", i ? "," : "");
    snprintf(body + n, sizeof body - n, "]");
    ck_assert_ptr_null(batch_results(url, body, NULL, &status)); /* 33 strings */
    ck_assert_int_eq(status, 400);
    memset(body, ' ', 20000);
    memcpy(body, "[\"x\"", 4);
    body[19999] = ']';
    body[20000] = '\0';
    ck_assert_ptr_null(batch_results(url, body, NULL, &status));
    ck_assert_int_eq(status, 413);
    ck_assert_int_eq(world_stop(&w), 0);

    /* a token limited to another key: that string refused, the rest not asked */
    ck_assert_int_eq(world_token_file(&w, "0123456789abcdef0123456789abcdef\n", token_file,
                                      sizeof token_file),
                     0);
    ck_assert_int_eq(world_start_openssl(&w, args), 0);
    snprintf(url, sizeof url, "%s/sign/batch", w.base);
    a = json_object_new_array();
    json_object_array_add(a, json_object_new_string(sts[0]));
    snprintf(body, sizeof body, "%s", json_object_to_json_string(a));
    json_object_put(a);
    ck_assert_ptr_null(batch_results(url, body, NULL, &status));
    ck_assert_int_eq(status, 403); /* no token */
    const char *auth[] = {"Authorization: Bearer 0123456789abcdef0123456789abcdef", NULL};
    r = batch_results(url, body, auth, &status);
    expect_item(r, 0, NULL, "key-not-allowed", 403);
    json_object_put(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http");
    TCase *unit = tcase_create("reply");
    tcase_set_timeout(unit, 60);

    tcase_add_test(unit, test_reply_success);
    tcase_add_test(unit, test_reply_failures);
    tcase_add_test(unit, test_reply_keys);
    tcase_add_test(unit, test_reply_health);
    tcase_add_test(unit, test_ping_without_healthz);
    tcase_add_test(unit, test_wrong_path);
    tcase_add_test(unit, test_reply_batch);
    tcase_add_test(unit, test_batch_request_and_fallback);
    tcase_add_test(unit, test_token_advice);
    tcase_add_test(unit, test_timeout_bounds_every_call);
    tcase_add_test(unit, test_bad_specs);
    tcase_add_test(unit, test_reply_sign4);
    tcase_add_test(unit, test_sign4_request_and_replies);
    tcase_add_test(unit, test_sign4_without_sign_aws);
    suite_add_tcase(s, unit);
    TCase *openssl = tcase_create("daemon-openssl");
    tcase_add_checked_fixture(openssl, NULL, teardown);
    tcase_set_timeout(openssl, 60);
    tcase_add_test(openssl, test_sign4_through_daemon);
    tcase_add_test(openssl, test_batch_route);
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
