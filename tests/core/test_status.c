/* Status descriptions and the exit statuses docs/programs.md assigns them. */
#include <stddef.h>
#include <string.h>

#include "harness.h"

/* Every status there is, with its exit code and description. A status
 * added to status.h without a line here fails every_status_is_listed. */
static const struct {
    awsv2_status st;
    int code;
    const char *text;
} statuses[] = {
    {AWSV2_OK, 0, "success"},
    {AWSV2_E_INVALID, 2, "invalid argument or input"},
    {AWSV2_E_NOMEM, 2, "out of memory"},
    {AWSV2_E_SPEC, 2, "bad signer spec"},
    {AWSV2_E_UNAVAILABLE, 3, "not available in this build"},
    {AWSV2_E_CREDENTIALS, 3, "no usable credentials"},
    {AWSV2_E_CONFIG, 2, "malformed configuration file"},
    {AWSV2_E_SIGNER, 3, "signer failure"},
    {AWSV2_E_DEVICE, 3, "signing device unavailable"},
    {AWSV2_E_TIMEOUT, 3, "timed out"},
    {AWSV2_E_PROTOCOL, 3, "protocol error"},
    {AWSV2_E_REFUSED, 3, "signer refused the request"},
    {AWSV2_E_NETWORK, 4, "network error"},
    {AWSV2_E_TLS, 4, "TLS error"},
    {AWSV2_E_SERVICE, 1, "the service returned an error"},
    {AWSV2_E_RESPONSE, 1, "malformed response"},
    {AWSV2_E_CHECKSUM, 1, "checksum mismatch"},
    {AWSV2_E_IO, 2, "file I/O error"},
};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

START_TEST(exit_codes)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        ck_assert_msg(awsv2_exit_code(statuses[i].st) == statuses[i].code, "%s: exit %d, want %d",
                      awsv2_strerror(statuses[i].st), awsv2_exit_code(statuses[i].st),
                      statuses[i].code);
    ck_assert_int_eq(awsv2_exit_code((awsv2_status)-1), 2);
    ck_assert_int_eq(awsv2_exit_code((awsv2_status)1000), 2);
}
END_TEST

START_TEST(every_status_is_described)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        ck_assert_str_eq(awsv2_strerror(statuses[i].st), statuses[i].text);
    ck_assert_str_eq(awsv2_strerror((awsv2_status)-1), "unknown status");
    ck_assert_str_eq(awsv2_strerror((awsv2_status)(AWSV2_E_IO + 1)), "unknown status");
}
END_TEST

/* The statuses are 0..N-1 with no gap, and the one past the last is
 * unknown: a new status must be added to the table above. */
START_TEST(every_status_is_listed)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        ck_assert_int_eq(statuses[i].st, (int)i);
    ck_assert_str_eq(awsv2_strerror((awsv2_status)N_STATUSES), "unknown status");
}
END_TEST

START_TEST(error_clear)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    memset(&err, 'x', sizeof err);
    err.size = sizeof err;
    awsv2_error_clear(&err);
    ck_assert_uint_eq(err.size, sizeof err);
    ck_assert_int_eq(err.status, AWSV2_OK);
    ck_assert_str_eq(err.message, "");
    ck_assert_str_eq(err.code, "");
    ck_assert_str_eq(err.request_id, "");
    ck_assert_int_eq(err.http_status, 0);
}
END_TEST

/* A caller compiled with a smaller (older) awsv2_error gets nothing written
 * past its size; 0 means the whole first layout. */
START_TEST(error_set_respects_size)
{
    struct {
        awsv2_error err;
        char guard[64];
    } small;
    memset(&small, 'g', sizeof small);
    small.err.size = offsetof(awsv2_error, code);
    ck_assert_int_eq(awsv2_error_set(&small.err, AWSV2_E_REFUSED, "locked", "key %s", "X"),
                     AWSV2_E_REFUSED);
    ck_assert_int_eq(small.err.status, AWSV2_E_REFUSED);
    ck_assert_str_eq(small.err.message, "key X");
    ck_assert_uint_eq(small.err.size, offsetof(awsv2_error, code));
    for (size_t i = offsetof(awsv2_error, code); i < sizeof small.err; i++)
        ck_assert_int_eq(((unsigned char *)&small.err)[i], 'g');

    awsv2_error zero = {0};
    awsv2_error_set(&zero, AWSV2_E_SERVICE, "AuthFailure", "no");
    ck_assert_str_eq(zero.code, "AuthFailure");
    ck_assert_uint_eq(zero.size, 0);
    ck_assert_int_eq(awsv2_error_set(NULL, AWSV2_E_IO, NULL, "x"), AWSV2_E_IO);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, exit_codes);
    tcase_add_test(tc, every_status_is_described);
    tcase_add_test(tc, every_status_is_listed);
    tcase_add_test(tc, error_set_respects_size);
    tcase_add_test(tc, error_clear);
    suite_add_tcase(s, tc);
    return core_run(s);
}
