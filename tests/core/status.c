/* Status descriptions and the exit statuses DESIGN.md assigns them. */
#include <string.h>

#include "core_test.h"

START_TEST(exit_codes)
{
    static const struct { awsv2_status st; int code; } table[] = {
        {AWSV2_OK, 0},
        {AWSV2_E_SERVICE, 1},     {AWSV2_E_RESPONSE, 1},  {AWSV2_E_CHECKSUM, 1},
        {AWSV2_E_INVALID, 2},     {AWSV2_E_SPEC, 2},      {AWSV2_E_CONFIG, 2},
        {AWSV2_E_CREDENTIALS, 3}, {AWSV2_E_SIGNER, 3},    {AWSV2_E_DEVICE, 3},
        {AWSV2_E_TIMEOUT, 3},     {AWSV2_E_REFUSED, 3},   {AWSV2_E_PROTOCOL, 3},
        {AWSV2_E_NETWORK, 4},     {AWSV2_E_TLS, 4},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        ck_assert_msg(awsv2_exit_code(table[i].st) == table[i].code, "%s: exit %d, want %d",
                      awsv2_strerror(table[i].st), awsv2_exit_code(table[i].st), table[i].code);
}
END_TEST

START_TEST(every_status_is_described)
{
    for (int st = 0; st < AWSV2_STATUS_COUNT; st++) {
        const char *s = awsv2_strerror((awsv2_status)st);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "");
        ck_assert_str_ne(s, "unknown status");
        ck_assert_int_ne(awsv2_exit_code((awsv2_status)st) == 0, st != AWSV2_OK);
    }
    ck_assert_str_eq(awsv2_strerror(AWSV2_STATUS_COUNT), "unknown status");
    ck_assert_str_eq(awsv2_strerror((awsv2_status)-1), "unknown status");
}
END_TEST

START_TEST(error_clear)
{
    awsv2_error err;
    memset(&err, 'x', sizeof err);
    awsv2_error_clear(&err);
    ck_assert_int_eq(err.status, AWSV2_OK);
    ck_assert_str_eq(err.message, "");
    ck_assert_str_eq(err.code, "");
    ck_assert_str_eq(err.request_id, "");
    ck_assert_int_eq(err.http_status, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, exit_codes);
    tcase_add_test(tc, every_status_is_described);
    tcase_add_test(tc, error_clear);
    suite_add_tcase(s, tc);
    return core_run(s);
}
