/* awsv2_signer_ping of the in-process signers: openssl can always sign, a
 * custom signer without a ping operation too, and one with a ping gets its
 * answer through. The due: and http: backends' pings are tested against
 * their devices in tests/due and tests/http. */
#include "harness.h"

static awsv2_status never_signs(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    (void)ctx;
    (void)job;
    return awsv2_error_set(err, AWSV2_E_SIGNER, NULL, "not in this test");
}

static int pings;

static awsv2_status device_gone(void *ctx, awsv2_error *err)
{
    (void)ctx;
    pings++;
    return awsv2_error_set(err, AWSV2_E_DEVICE, "gone", "the test's device is gone");
}

START_TEST(openssl_can_always_sign)
{
    awsv2_credentials *creds = NULL;
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, TEST_KEY_ID, TEST_SECRET, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", creds, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
}
END_TEST

START_TEST(custom_without_ping)
{
    awsv2_signer_ops ops = AWSV2_SIGNER_OPS_INIT;
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ops.sign = never_signs;
    ck_assert_int_eq(awsv2_signer_new(&s, &ops, NULL, "no ping", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(custom_with_ping)
{
    awsv2_signer_ops ops = AWSV2_SIGNER_OPS_INIT;
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ops.sign = never_signs;
    ops.ping = device_gone;
    pings = 0;
    ck_assert_int_eq(awsv2_signer_new(&s, &ops, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_DEVICE);
    ck_assert_str_eq(err.code, "gone");
    ck_assert_int_eq(pings, 1);
    awsv2_signer_close(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ping");
    TCase *tc = tcase_create("ping");
    core_env_fixtures(tc);
    tcase_add_test(tc, openssl_can_always_sign);
    tcase_add_test(tc, custom_without_ping);
    tcase_add_test(tc, custom_with_ping);
    suite_add_tcase(s, tc);
    return core_run(s);
}
