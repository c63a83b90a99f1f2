/* The http: signer backend: its reading of daemon replies (ours and the
 * original hsmd.py's), and the backend against a real awsv2-hsmd (in front
 * of awsv2-due-emu, so only when the library has the due: backend). The
 * replies expected of awsv2-hsmd are those of daemon/README.md. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "http_reply.h"
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

START_TEST(test_reply_failures)
{
    static const struct {
        long status;
        const char *body;
        awsv2_status want;
        const char *code;
    } cases[] = {
        /* hsmd.py: 200 and the device's ERROR code */
        {200, "{\"success\": false, \"error\": \"unknown-awsaccesskey\"}", AWSV2_E_REFUSED,
         "unknown-awsaccesskey"},
        {400, "{\"success\": false, \"error\": \"invalid-command\"}", AWSV2_E_INVALID,
         "invalid-command"},
        {403, "{\"success\": false, \"error\": \"unknown-awsaccesskey\"}", AWSV2_E_REFUSED,
         "unknown-awsaccesskey"},
        {403, "{\"success\": false, \"error\": \"invalid-token\"}", AWSV2_E_REFUSED,
         "invalid-token"},
        {413, "{\"success\": false, \"error\": \"message-too-long\"}", AWSV2_E_INVALID,
         "message-too-long"},
        {503, "{\"success\": false, \"error\": \"device-unavailable\"}", AWSV2_E_DEVICE,
         "device-unavailable"},
        {503, "{\"success\": false, \"error\": \"queue-full\"}", AWSV2_E_DEVICE, "queue-full"},
        {504, "{\"success\": false, \"error\": \"device-timeout\"}", AWSV2_E_TIMEOUT,
         "device-timeout"},
        {500, "{\"success\": false, \"error\": \"internal-error\"}", AWSV2_E_SIGNER,
         "internal-error"},
        {503, "<html>busy</html>", AWSV2_E_DEVICE, ""},
        {200, "<html>hello</html>", AWSV2_E_PROTOCOL, ""},
        {200, "", AWSV2_E_PROTOCOL, ""},
        {200, "{\"success\": tru", AWSV2_E_PROTOCOL, ""},
        {200, "[true]", AWSV2_E_PROTOCOL, ""},
        {200, "{\"success\": \"yes\"}", AWSV2_E_PROTOCOL, ""},
        {404, "{\"success\": false, \"error\": \"not-found\"}", AWSV2_E_PROTOCOL, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = parse(cases[i].status, cases[i].body, AWSV2_HMAC_SHA256, &err);
        ck_assert_msg(st == cases[i].want, "case %zu: status %d, want %d", i, st, cases[i].want);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_int_eq(err.http_status, cases[i].status);
    }
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
    ck_assert_int_eq(ping(s, &err), AWSV2_E_REFUSED); /* /healthz wants the token too */
    ck_assert_str_eq(err.code, "invalid-token");
    awsv2_signer_close(s);
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
    suite_add_tcase(s, unit);
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
