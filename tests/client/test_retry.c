/* Retries against the real awsv2-mock: the standard mode's retry quota
 * and the legacy mode without one (the mock's --fail-503 failures), the
 * retry settings of AWS_RETRY_MODE and of a profile, and clock-skew
 * correction against a mock whose clock is off (--clock-offset), by
 * Signature Version 2 and 4. */
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/check_run.h"
#include "awsv2/client.h"
#include "awsv2/credentials.h"
#include "awsv2/ec2.h"
#include "awsv2/signer.h"
#include "child.h"
#include "retry.h"
#include "stub_server.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static char dir[4096];
static struct child mock;
static awsv2_credentials *creds;
static awsv2_signer *signer;
static int signed_count; /* strings to sign seen: one per attempt */
static char last_sts[4096];

static void on_sts(void *ctx, const char *sts, size_t len)
{
    (void)ctx;
    signed_count++;
    snprintf(last_sts, sizeof last_sts, "%.*s", (int)len, sts);
}

static void setup(void)
{
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "awsv2-retry"), 0);
    ck_assert_int_eq(tmpdir_add_credentials(dir), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/config", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_RETRY_MODE");
    unsetenv("AWS_MAX_ATTEMPTS");
    ck_assert_int_eq(awsv2_credentials_new(&creds, KEY_ID, SECRET, NULL, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", creds, NULL), AWSV2_OK);
}

static void teardown(void)
{
    if (mock.pid)
        child_stop(&mock, SIGTERM, CHILD_TIMEOUT_MS);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    tmpdir_remove(dir);
}

/* Starts awsv2-mock with extra arguments (NULL-terminated). */
static void start_mock(const char *const *extra)
{
    char prog[4096], creds_path[4200];
    snprintf(creds_path, sizeof creds_path, "%s/credentials", dir);
    const char *argv[16] = {child_program(prog, sizeof prog, "awsv2-mock"), "--credentials",
                            creds_path};
    child_args(argv, 16, 3, extra);
    ck_assert_int_eq(child_start(&mock, argv, -1), 0);
}

static void write_config(const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static awsv2_status new_client(awsv2_client **c, awsv2_retry_mode mode, int attempts, int v4,
                               awsv2_error *err)
{
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.endpoint_url = mock.line;
    o.signer = signer;
    o.access_key_id = KEY_ID;
    o.max_attempts = attempts;
    o.retry_mode = mode;
    o.retry_base_ms = 1;
    o.retry_cap_ms = 1;
    o.debug = on_sts;
    o.signature_version = v4 ? AWSV2_SIGNATURE_V4 : AWSV2_SIGNATURE_V2;
    o.region = "us-east-1";
    o.service = "ec2";
    return awsv2_client_new(c, &o, err);
}

static awsv2_status describe(awsv2_client *c, awsv2_error *err)
{
    awsv2_params *p;
    ck_assert_int_eq(awsv2_params_new(&p, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "Action", "DescribeInstances", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "Version", "2016-11-15", NULL), AWSV2_OK);
    char *body = NULL;
    size_t len;
    awsv2_status st = awsv2_client_call(c, NULL, p, &body, &len, err);
    awsv2_free(body);
    awsv2_params_free(p);
    return st;
}

/* ---- the quota ------------------------------------------------------------- */

START_TEST(quota_arithmetic)
{
    awsv2__retry_quota q = {AWSV2__RETRY_QUOTA};
    int taken, n = 0;
    while (awsv2__retry_quota_take(&q, false, &taken))
        n++;
    ck_assert_int_eq(n, 100); /* 500 / 5 */
    ck_assert_int_eq(taken, 0);
    awsv2__retry_quota_success(&q, 0); /* no retry: + 1 */
    ck_assert_int_eq(q.tokens, 1);
    q.tokens = 12;
    ck_assert(awsv2__retry_quota_take(&q, true, &taken)); /* a timeout: 10 */
    ck_assert_int_eq(taken, 10);
    ck_assert_int_eq(q.tokens, 2);
    ck_assert(!awsv2__retry_quota_take(&q, false, &taken));
    ck_assert_int_eq(q.tokens, 2);
    awsv2__retry_quota_success(&q, 10); /* refund of the retry that worked */
    ck_assert_int_eq(q.tokens, 12);
    q.tokens = 499;
    awsv2__retry_quota_success(&q, 5);
    ck_assert_int_eq(q.tokens, AWSV2__RETRY_QUOTA);
}
END_TEST

/* The backoff stays within [0, cap] for any caps a caller may set: 2^32 - 1
 * (about 50 days, "no cap" to some) once divided by zero. */
START_TEST(delay_any_cap)
{
    const long caps[] = {4294967295L, 4294967296L, 8589934591L, LONG_MAX};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        for (int attempt = 1; attempt <= 100; attempt += 33) {
            long d = awsv2__retry_delay_ms(100, caps[i], attempt);
            ck_assert_int_ge(d, 0);
            ck_assert_int_le(d, caps[i]);
            d = awsv2__retry_delay_ms(caps[i] / 2 + 1, caps[i], attempt);
            ck_assert_int_ge(d, 0);
            ck_assert_int_le(d, caps[i]);
        }
}
END_TEST

/* 151 failures: 50 calls of 3 attempts spend the 500 tokens (2 retries
 * of 5 each), so the 51st call gets no retry and fails on request 151; in
 * legacy mode it retries and request 152 succeeds. */
static void run_quota(awsv2_retry_mode mode, bool want_51st_ok)
{
    start_mock((const char *[]){"--fail-503", "151", NULL});
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(new_client(&c, mode, 3, 0, &err) == AWSV2_OK, "%s", err.message);
    for (int i = 0; i < 50; i++) {
        signed_count = 0;
        ck_assert_int_eq(describe(c, &err), AWSV2_E_SERVICE);
        ck_assert_int_eq(signed_count, 3);
    }
    signed_count = 0;
    awsv2_status st = describe(c, &err);
    ck_assert_int_eq(st, want_51st_ok ? AWSV2_OK : AWSV2_E_SERVICE);
    ck_assert_int_eq(signed_count, want_51st_ok ? 2 : 1);
    if (!want_51st_ok) {
        ck_assert_str_eq(err.code, "Unavailable");
        ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    }
    awsv2_client_free(c);
}

/* A retry after a timeout costs 10: a service that never answers spends
 * the quota in 25 calls of 3 attempts, and the 26th makes one. */
START_TEST(timeouts_cost_more)
{
    static const struct stub_reply silent[] = {{STUB_SILENT, 0, NULL, 0}};
    struct stub_server *stub = stub_start(silent, 1);
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.endpoint_url = stub_url(stub);
    o.signer = signer;
    o.access_key_id = KEY_ID;
    o.max_attempts = 3;
    o.retry_mode = AWSV2_RETRY_STANDARD;
    o.retry_base_ms = 1;
    o.retry_cap_ms = 1;
    o.timeout_ms = 50;
    o.signature_version = AWSV2_SIGNATURE_V2;
    o.debug = on_sts;
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &o, &err) == AWSV2_OK, "%s", err.message);
    for (int i = 0; i < 25; i++) {
        signed_count = 0;
        ck_assert_int_eq(describe(c, &err), AWSV2_E_NETWORK);
        ck_assert_int_eq(signed_count, 3);
    }
    signed_count = 0;
    ck_assert_int_eq(describe(c, &err), AWSV2_E_NETWORK);
    ck_assert_int_eq(signed_count, 1);
    awsv2_client_free(c);
    stub_stop(stub);
}
END_TEST

START_TEST(standard_quota_spent)
{
    run_quota(AWSV2_RETRY_STANDARD, false);
}
END_TEST

START_TEST(default_is_standard)
{
    run_quota(AWSV2_RETRY_DEFAULT, false);
}
END_TEST

START_TEST(legacy_has_no_quota)
{
    run_quota(AWSV2_RETRY_LEGACY, true);
}
END_TEST

START_TEST(retry_mode_from_environment)
{
    setenv("AWS_RETRY_MODE", "legacy", 1);
    run_quota(AWSV2_RETRY_DEFAULT, true);
}
END_TEST

START_TEST(retry_mode_from_profile)
{
    write_config("[profile slow]\nretry_mode = legacy\n[default]\nretry_mode = standard\n");
    setenv("AWS_PROFILE", "slow", 1);
    run_quota(AWSV2_RETRY_DEFAULT, true);
}
END_TEST

/* max_attempts of a profile, and the mode's default when there is none. */
START_TEST(max_attempts_from_profile)
{
    start_mock((const char *[]){"--fail-503", "1000", NULL});
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    const struct {
        const char *config;
        int want;
    } cases[] = {
        {"[default]\nmax_attempts = 2\n", 2},
        {"[default]\nretry_mode = legacy\n", 5},
        {"[default]\nretry_mode = standard\n", 3},
        {"[default]\nretry_mode = legacy\nmax_attempts = 4\n", 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_config(cases[i].config);
        ck_assert_msg(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err) == AWSV2_OK, "%s",
                      err.message);
        signed_count = 0;
        ck_assert_int_eq(describe(c, &err), AWSV2_E_SERVICE);
        ck_assert_int_eq(signed_count, cases[i].want);
        awsv2_client_free(c);
    }
    setenv("AWS_MAX_ATTEMPTS", "1", 1); /* the environment wins over the profile */
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err), AWSV2_OK);
    signed_count = 0;
    ck_assert_int_eq(describe(c, &err), AWSV2_E_SERVICE);
    ck_assert_int_eq(signed_count, 1);
    awsv2_client_free(c);
}
END_TEST

START_TEST(bad_retry_settings)
{
    start_mock(NULL);
    awsv2_client *c = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_RETRY_MODE", "sometimes", 1);
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "AWS_RETRY_MODE"));
    unsetenv("AWS_RETRY_MODE");
    write_config("[default]\nretry_mode = often\n");
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, ":2: retry_mode"), "%s", err.message);
    write_config("[default]\nmax_attempts = 0\n");
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, ":2: max_attempts"), "%s", err.message);
    setenv("AWS_PROFILE", "absent", 1);
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_DEFAULT, 0, 0, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "profile 'absent' not found"));
    ck_assert_int_eq(new_client(&c, 7, 0, 0, &err), AWSV2_E_INVALID);
    ck_assert_ptr_null(c);
}
END_TEST

/* ---- clock skew ------------------------------------------------------------ */

/* The mock's clock is offset seconds off: the first call's first attempt
 * is refused (RequestExpired), the client corrects its clock from the
 * answer's Date and tries once more, even with max_attempts 1; the next
 * call is signed right at once. */
static void run_skew(const char *offset, int v4)
{
    start_mock((const char *[]){"--clock-offset", offset, NULL});
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_STANDARD, 1, v4, &err), AWSV2_OK);
    signed_count = 0;
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s: %s", err.code, err.message);
    ck_assert_int_eq(signed_count, 2);
    signed_count = 0;
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s: %s", err.code, err.message);
    ck_assert_int_eq(signed_count, 1);
    awsv2_client_free(c);
}

START_TEST(skew_ahead_sigv2)
{
    run_skew("3600", 0);
}
END_TEST

START_TEST(skew_behind_sigv2)
{
    run_skew("-7200", 0);
}
END_TEST

START_TEST(skew_ahead_sigv4)
{
    run_skew("1800", 1);
}
END_TEST

START_TEST(skew_behind_sigv4)
{
    run_skew("-86400", 1);
}
END_TEST

/* A refusal that is not the clock's (a wrong secret gives AuthFailure, the
 * clocks agree) is not retried. */
START_TEST(no_skew_no_retry)
{
    start_mock(NULL);
    awsv2_credentials *other;
    awsv2_signer *wrong;
    ck_assert_int_eq(awsv2_credentials_new(&other, KEY_ID, "not/the/secret", NULL, NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&wrong, "openssl", other, NULL), AWSV2_OK);
    awsv2_signer *keep = signer;
    signer = wrong;
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_STANDARD, 3, 0, &err), AWSV2_OK);
    signed_count = 0;
    ck_assert_int_eq(describe(c, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "AuthFailure");
    ck_assert_int_eq(signed_count, 1);
    awsv2_client_free(c);
    signer = keep;
    awsv2_signer_close(wrong);
    awsv2_credentials_free(other);
}
END_TEST

/* ---- credentials that expire --------------------------------------------------- */

static int refreshes;
static bool refresh_fails;

static awsv2_status refresh(void *ctx, awsv2_client_credentials *out, awsv2_error *err)
{
    (void)ctx;
    refreshes++;
    if (refresh_fails)
        return awsv2_error_set(err, AWSV2_E_CREDENTIALS, NULL, "the credential tool is down");
    out->signer = signer;
    out->access_key_id = KEY_ID;
    out->session_token = "fresh-token";
    out->expiration = time(NULL) + 3600;
    return AWSV2_OK;
}

static awsv2_client *expiring_client(time_t expiration)
{
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.endpoint_url = mock.line;
    o.signer = signer;
    o.access_key_id = KEY_ID;
    o.session_token = "old-token";
    o.signature_version = AWSV2_SIGNATURE_V2;
    o.debug = on_sts;
    o.credentials_expiration = expiration;
    o.refresh = refresh;
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &o, &err) == AWSV2_OK, "%s", err.message);
    refreshes = 0;
    return c;
}

/* Less than 5 minutes left: refreshed before the call, then not again. */
START_TEST(refresh_before_expiry)
{
    start_mock(NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_client *c = expiring_client(time(NULL) + 60);
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(refreshes, 1);
    ck_assert_ptr_nonnull(strstr(last_sts, "SecurityToken=fresh-token"));
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(refreshes, 1);
    awsv2_client_free(c);
    c = expiring_client(time(NULL) + 3600); /* far from expiry: untouched */
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(refreshes, 0);
    ck_assert_ptr_nonnull(strstr(last_sts, "SecurityToken=old-token"));
    awsv2_client_free(c);
    c = expiring_client(0); /* never expire */
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(refreshes, 0);
    awsv2_client_free(c);
}
END_TEST

/* A failed refresh: the old credentials serve until they expire, then the
 * call fails with the refresh's error, before anything is sent. */
START_TEST(refresh_failures)
{
    start_mock(NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    refresh_fails = true;
    awsv2_client *c = expiring_client(time(NULL) + 60);
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(refreshes, 2);
    ck_assert_ptr_nonnull(strstr(last_sts, "SecurityToken=old-token"));
    awsv2_client_free(c);
    c = expiring_client(time(NULL) - 1);
    signed_count = 0;
    ck_assert_int_eq(describe(c, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "expired and could not be refreshed: the credential tool is "
                                      "down"),
                  "%s", err.message);
    ck_assert_int_eq(signed_count, 0);
    refresh_fails = false;
    ck_assert_msg(describe(c, &err) == AWSV2_OK, "%s", err.message);
    awsv2_client_free(c);
}
END_TEST

/* ---- API versions ----------------------------------------------------------- */

/* The client asks for an older EC2 API and reads the mock's answer in its
 * namespace; one EC2 never had is AWS's NoSuchVersion, not retried. */
START_TEST(ec2_versions)
{
    start_mock(NULL);
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(new_client(&c, AWSV2_RETRY_STANDARD, 3, 0, &err), AWSV2_OK);
    awsv2_ec2_describe_instances_input in = AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT;
    awsv2_ec2_instances *out;
    in.version = "2012-12-01";
    ck_assert_msg(awsv2_ec2_describe_instances(c, &in, &out, &err) == AWSV2_OK, "%s",
                  err.message);
    ck_assert_uint_eq(out->n_reservations, 3);
    ck_assert_str_eq(out->reservations[0]->instances[0]->instance_id, "i-0a1b2c3d4e5f60001");
    awsv2_ec2_instances_free(out);
    in.version = "2099-01-01";
    signed_count = 0;
    ck_assert_int_eq(awsv2_ec2_describe_instances(c, &in, &out, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "NoSuchVersion");
    ck_assert_int_eq(signed_count, 1);
    awsv2_client_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client retry");
    TCase *q = tcase_create("quota");
    tcase_add_test(q, quota_arithmetic);
    tcase_add_test(q, delay_any_cap);
    suite_add_tcase(s, q);
    TCase *m = tcase_create("mock");
    tcase_add_checked_fixture(m, setup, teardown);
    tcase_set_timeout(m, 120);
    tcase_add_test(m, timeouts_cost_more);
    tcase_add_test(m, standard_quota_spent);
    tcase_add_test(m, default_is_standard);
    tcase_add_test(m, legacy_has_no_quota);
    tcase_add_test(m, retry_mode_from_environment);
    tcase_add_test(m, retry_mode_from_profile);
    tcase_add_test(m, max_attempts_from_profile);
    tcase_add_test(m, bad_retry_settings);
    tcase_add_test(m, skew_ahead_sigv2);
    tcase_add_test(m, skew_behind_sigv2);
    tcase_add_test(m, skew_ahead_sigv4);
    tcase_add_test(m, skew_behind_sigv4);
    tcase_add_test(m, no_skew_no_retry);
    tcase_add_test(m, ec2_versions);
    tcase_add_test(m, refresh_before_expiry);
    tcase_add_test(m, refresh_failures);
    suite_add_tcase(s, m);
    return check_run(s);
}
