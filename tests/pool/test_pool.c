/* awsv2-hsmd with several devices (docs/daemon-api.md, "Several devices"):
 * requests go only to devices that hold their key, spread over them; /keys
 * and /healthz report each device; a device that stops answering has its
 * request re-sent to another holder and rejoins once it answers again; two
 * devices holding one key with different policies keep the daemon from
 * starting unless --allow-policy-mismatch, and a device that comes back
 * with another policy stays out. Every signature is checked
 * against OpenSSL's HMAC. */
#include <check.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/signer.h"
#include "pool_world.h"

static struct pool_world p;

static void teardown(void)
{
    ck_assert_int_eq(pool_stop(&p), 0);
    memset(&p, 0, sizeof p);
}

/* Signs request n with key (KEY_ID or KEY_ID2) through the daemon and
 * checks the answer against OpenSSL. */
static void sign_ok(const char *key, unsigned n)
{
    char sts[1024], want[65], body[256];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    struct http_result r;
    const char *secret = strcmp(key, KEY_ID) == 0 ? SECRET : SECRET2;
    size_t len = world_sts(sts, sizeof sts, key, "HmacSHA256", n);

    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)sts, len, mac,
         &mac_len);
    for (unsigned i = 0; i < mac_len; i++)
        sprintf(want + 2 * i, "%02x", mac[i]);
    ck_assert_int_eq(world_http("POST", p.w.url, sts, len, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "request %u: HTTP %ld %s", n, r.status, r.body);
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body);
}

/* Jobs device i answered, successfully or not. */
static long jobs(size_t i, const char *result)
{
    char series[128];
    snprintf(series, sizeof series, "awsv2_hsmd_device_jobs_total{device=\"%zu\",result=\"%s\"}",
             i, result);
    return pool_metric(&p, series);
}

static long device_metric(const char *name, size_t i)
{
    char series[128];
    snprintf(series, sizeof series, "%s{device=\"%zu\"}", name, i);
    return pool_metric(&p, series);
}

/* The device numbers /keys lists as holding key. */
static void holders(const char *key, char *out, size_t cap)
{
    char url[600];
    struct http_result r;
    json_object *obj, *h, *arr;

    snprintf(url, sizeof url, "%s/keys", p.w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    obj = json_tokener_parse(r.body);
    ck_assert_ptr_nonnull(obj);
    out[0] = '\0';
    if (json_object_object_get_ex(obj, "holders", &h) && json_object_object_get_ex(h, key, &arr))
        snprintf(out, cap, "%s", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
    json_object_put(obj);
}

static void start3(const enum pool_keys *keys, const char *const *hsmd_args)
{
    ck_assert_msg(pool_start_emus(&p, 3, keys, NULL) == 0, "cannot start the emulators");
    ck_assert_msg(pool_start_hsmd(&p, hsmd_args) == 0, "cannot start the daemon");
}

START_TEST(test_routes_by_key)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_BOTH, POOL_KEY2};
    char who[64], url[600];
    struct http_result r;

    start3(keys, NULL);
    holders(KEY_ID, who, sizeof who);
    ck_assert_str_eq(who, "[0,1]");
    holders(KEY_ID2, who, sizeof who);
    ck_assert_str_eq(who, "[1,2]");

    for (unsigned i = 0; i < 30; i++)
        sign_ok(KEY_ID, i);
    /* only the holders signed, and both did */
    ck_assert_int_eq(jobs(2, "ok") + jobs(2, "failed"), 0);
    ck_assert_int_gt(jobs(0, "ok"), 0);
    ck_assert_int_gt(jobs(1, "ok"), 0);
    ck_assert_int_eq(jobs(0, "ok") + jobs(1, "ok"), 30);
    long on0 = jobs(0, "ok");
    for (unsigned i = 0; i < 30; i++)
        sign_ok(KEY_ID2, i);
    ck_assert_int_eq(jobs(0, "ok"), on0);
    ck_assert_int_gt(jobs(2, "ok"), 0);
    ck_assert_int_eq(jobs(1, "ok") + jobs(2, "ok"), 60 - on0);

    /* a key no device holds: refused by the daemon, no device asked */
    char sts[1024];
    size_t len = world_sts(sts, sizeof sts, "AKIAEXAMPLENOTHELD00", "HmacSHA256", 1);
    ck_assert_int_eq(world_http("POST", p.w.url, sts, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "unknown-awsaccesskey");
    ck_assert_int_eq(jobs(0, "failed") + jobs(1, "failed") + jobs(2, "failed"), 0);

    snprintf(url, sizeof url, "%s/healthz", p.w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"signer\": \"pool of 3 devices\""));
    for (int i = 0; i < 3; i++) {
        char dev[64];
        snprintf(dev, sizeof dev, "{\"device\":%d,", i);
        ck_assert_ptr_nonnull(strstr(r.body, dev));
    }
    ck_assert_ptr_null(strstr(r.body, "\"healthy\":false"));

    /* each device's audit log, by number */
    snprintf(url, sizeof url, "%s/audit?device=2", p.w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, KEY_ID2));
    ck_assert_ptr_null(strstr(r.body, KEY_ID "\""));
    snprintf(url, sizeof url, "%s/audit?device=3", p.w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "invalid-field");
}
END_TEST

/* Waits (20 s at most) until device i's up gauge is want. */
static void wait_up(size_t i, long want)
{
    long up = -1;
    for (int k = 0; k < 2000 && up != want; k++) {
        up = device_metric("awsv2_hsmd_device_up", i);
        if (up != want)
            poll(NULL, 0, 10); /* polling a condition, bounded */
    }
    ck_assert_int_eq(up, want);
}

START_TEST(test_stalled_device_request_resent)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_KEY1};

    ck_assert_int_eq(pool_start_emus(&p, 2, keys, NULL), 0);
    p.spec_options = "?timeout_ms=500";
    ck_assert_int_eq(pool_start_hsmd(&p, NULL), 0);
    /* Device 0 stops answering: the first request goes to it (the tie
     * between idle devices starts at 0), times out, and device 1 answers
     * it; the client sees one answer, OpenSSL's. */
    ck_assert_int_eq(kill(p.emu[0].pid, SIGSTOP), 0);
    sign_ok(KEY_ID, 1);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_resent_total", 0), 1);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_down_total", 0), 1);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_up", 0), 0);
    for (unsigned i = 2; i < 12; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_eq(jobs(0, "ok"), 0);
    ck_assert_int_eq(jobs(1, "ok"), 11);
    /* It answers again: the probe lets it rejoin, and it signs again. */
    ck_assert_int_eq(kill(p.emu[0].pid, SIGCONT), 0);
    wait_up(0, 1);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_rejoined_total", 0), 1);
    for (unsigned i = 12; i < 20; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_gt(jobs(0, "ok"), 0);
}
END_TEST

/* Replaces KEY_ID on the emulator at link with one of the given policy. */
static void set_policy(const char *link, const char *field, const char *value)
{
    char spec[PATH_MAX + 32];
    awsv2_signer *s = NULL;
    awsv2_key_policy *pol = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    snprintf(spec, sizeof spec, "due:%s", link);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_key_policy_new(&pol, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_key_policy_set(pol, field, value, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_delete(s, KEY_ID, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_put(s, KEY_ID, SECRET, pol, &err), AWSV2_OK);
    awsv2_key_policy_free(pol);
    awsv2_signer_close(s);
}

START_TEST(test_policy_mismatch)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_KEY1, POOL_KEY1};
    static const char *const allow[] = {"--allow-policy-mismatch", NULL};
    char err[2048];

    ck_assert_int_eq(pool_start_emus(&p, 3, keys, NULL), 0);
    set_policy(p.link[2], "action", "DescribeInstances");
    ck_assert_int_eq(pool_run_hsmd(&p, NULL, err, sizeof err), 2);
    ck_assert_msg(strstr(err, KEY_ID) && strstr(err, "action=DescribeInstances") &&
                      strstr(err, "device 2") && strstr(err, "--allow-policy-mismatch"),
                  "%s", err);
    /* told otherwise, it starts, and each device keeps its own policy */
    ck_assert_int_eq(pool_start_hsmd(&p, allow), 0);
    for (unsigned i = 0; i < 9; i++)
        sign_ok(KEY_ID, i); /* DescribeInstances: every device allows it */
    ck_assert_int_gt(jobs(2, "ok"), 0);
}
END_TEST

/* Waits (20 s at most) until /healthz's body holds what. */
static void wait_health(const char *what)
{
    char url[600];
    struct http_result r;
    bool seen = false;

    snprintf(url, sizeof url, "%s/healthz", p.w.base);
    for (int k = 0; k < 2000 && !seen; k++) {
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        seen = strstr(r.body, what) != NULL;
        if (!seen)
            poll(NULL, 0, 10); /* polling a condition, bounded */
    }
    ck_assert_msg(seen, "/healthz never said %s: %s", what, r.body);
}

START_TEST(test_rejoin_with_other_policy_stays_out)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_KEY1};
    char prog[PATH_MAX], store[PATH_MAX + 16], spare[PATH_MAX + 16];
    struct child maker = {0};

    ck_assert_int_eq(pool_start_emus(&p, 2, keys, NULL), 0);
    ck_assert_int_eq(pool_start_hsmd(&p, NULL), 0);
    /* A key store holding the key with a policy, made by a third emulator. */
    snprintf(store, sizeof store, "%s/store", p.w.dir);
    snprintf(spare, sizeof spare, "%s/spare", p.w.dir);
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-due-emu"), "--keystore", store,
                          "--import-credentials", p.creds[1], "--symlink", spare, NULL};
    ck_assert_int_eq(child_start(&maker, argv, -1), 0);
    set_policy(spare, "action", "DescribeInstances");
    ck_assert_int_eq(child_stop(&maker, SIGTERM, CHILD_TIMEOUT_MS), 0);

    /* Device 1 is replaced by one with that key store. */
    ck_assert_int_eq(child_stop(&p.emu[1], SIGKILL, CHILD_TIMEOUT_MS), 128 + SIGKILL);
    for (unsigned i = 0; i < 4; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_down_total", 1), 1);
    const char *args[] = {"--keystore", store, NULL};
    ck_assert_int_eq(pool_start_emu(&p, 1, args), 0);
    wait_health("\"error\":\"policy-mismatch\"");
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_up", 1), 0);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_rejoined_total", 1), 0);
    long on1 = jobs(1, "ok");
    for (unsigned i = 4; i < 10; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_eq(jobs(1, "ok"), on1); /* it stays out */
}
END_TEST

START_TEST(test_device_absent_at_start)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_KEY1, POOL_KEY1};
    char err[2048];

    ck_assert_int_eq(pool_start_emus(&p, 3, keys, NULL), 0);
    /* Device 2 is not there (its emulator removes its symlink on exit). */
    ck_assert_int_eq(child_stop(&p.emu[2], SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(pool_start_hsmd(&p, NULL), 0);
    ck_assert_int_eq(device_metric("awsv2_hsmd_device_up", 2), 0);
    for (unsigned i = 0; i < 6; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_eq(jobs(0, "ok") + jobs(1, "ok"), 6);
    ck_assert_int_eq(jobs(2, "ok") + jobs(2, "failed"), 0);
    /* plugged in: it is opened, read and joins */
    ck_assert_int_eq(pool_start_emu(&p, 2, NULL), 0);
    wait_up(2, 1);
    for (unsigned i = 6; i < 12; i++)
        sign_ok(KEY_ID, i);
    ck_assert_int_gt(jobs(2, "ok"), 0);
    ck_assert_int_eq(child_stop(&p.w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);

    /* With none of them there, or its one device missing, it does not start. */
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(child_stop(&p.emu[i], SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(pool_run_hsmd(&p, NULL, err, sizeof err), 3);
    ck_assert_msg(strstr(err, "none of the 3 devices"), "%s", err);
    p.n = 1;
    ck_assert_int_eq(pool_run_hsmd(&p, NULL, err, sizeof err), 3);
}
END_TEST

START_TEST(test_too_many_or_no_specs)
{
    char prog[PATH_MAX];
    const char *argv[40] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd")};

    ck_assert_int_eq(child_run(argv, NULL, 0), 2);
    for (size_t i = 1; i < 34; i++)
        argv[i] = "openssl";
    ck_assert_int_eq(child_run(argv, NULL, 0), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_routes_by_key);
    tcase_add_test(tc, test_stalled_device_request_resent);
    tcase_add_test(tc, test_policy_mismatch);
    tcase_add_test(tc, test_rejoin_with_other_policy_stays_out);
    tcase_add_test(tc, test_device_absent_at_start);
    tcase_add_test(tc, test_too_many_or_no_specs);
    suite_add_tcase(s, tc);
    return world_run(s);
}
