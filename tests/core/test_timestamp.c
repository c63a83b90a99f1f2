/* ISO 8601 UTC timestamps: formatting, parsing, and what parsing refuses. */
#include <string.h>

#include "harness.h"

static void check_format(time_t t, const char *want)
{
    char out[AWSV2_TIMESTAMP_SIZE];
    memset(out, 'x', sizeof out);
    awsv2_timestamp_format(t, out);
    ck_assert_str_eq(out, want);
}

static void check_parse(const char *text, time_t want)
{
    time_t t = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_timestamp_parse(text, &t, &err) == AWSV2_OK, "'%s' refused: %s", text,
                  err.message);
    ck_assert_msg(t == want, "'%s' parsed as %lld, want %lld", text, (long long)t,
                  (long long)want);
}

static void check_refused(const char *text)
{
    time_t t = 12345;
    awsv2_error err = {0};
    ck_assert_msg(awsv2_timestamp_parse(text, &t, &err) == AWSV2_E_INVALID, "'%s' accepted",
                  text ? text : "(null)");
    ck_assert_int_eq(err.status, AWSV2_E_INVALID);
    ck_assert_int_eq(t, 12345);
    if (text)
        ck_assert_msg(strstr(err.message, text) != NULL, "'%s' not named in '%s'", text,
                      err.message);
}

START_TEST(format)
{
    check_format(0, "1970-01-01T00:00:00Z");
    check_format(1700000000, "2023-11-14T22:13:20Z");
    check_format(1795262400, "2026-11-21T12:00:00Z");
    check_format(1709251199, "2024-02-29T23:59:59Z");
    check_format((time_t)2147483648LL, "2038-01-19T03:14:08Z");
}
END_TEST

START_TEST(parse_forms)
{
    check_parse("2026-11-21T12:00:00Z", 1795262400);
    check_parse("2026-11-21T12:00:00", 1795262400);
    check_parse("2026-11-21T12:00:00.000Z", 1795262400);
    check_parse("2026-11-21T12:00:00.999", 1795262400);
    check_parse("2026-11-21T12:00:00.123456789Z", 1795262400);
    check_parse("2024-02-29T23:59:59Z", 1709251199);
    check_parse("1970-01-01T00:00:00Z", 0);
    check_parse("2011-10-03T15:19:30", 1317655170);
}
END_TEST

START_TEST(round_trip)
{
    static const time_t times[] = {0, 59, 951782400, 1317655170, 1795262400, 4102444799};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        char text[AWSV2_TIMESTAMP_SIZE];
        awsv2_timestamp_format(times[i], text);
        check_parse(text, times[i]);
    }
}
END_TEST

START_TEST(impossible_dates)
{
    check_refused("2026-02-30T00:00:00Z");
    check_refused("2023-02-29T00:00:00Z");
    check_refused("2026-04-31T00:00:00Z");
    check_refused("2026-13-01T00:00:00Z");
    check_refused("2026-00-10T00:00:00Z");
    check_refused("2026-01-00T00:00:00Z");
    check_refused("2026-01-32T00:00:00Z");
    check_refused("2026-01-01T25:00:00Z");
    check_refused("2026-01-01T24:00:00Z");
    check_refused("2026-01-01T12:60:00Z");
    check_refused("2026-01-01T12:00:61Z");
}
END_TEST

START_TEST(malformed)
{
    check_refused("garbage");
    check_refused("");
    check_refused("2026-11-21");
    check_refused("2026-11-21 12:00:00Z");
    check_refused("2026-11-21t12:00:00Z");
    check_refused("2026-1-21T12:00:00Z");
    check_refused("26-11-21T12:00:00Z");
    check_refused("2026/11/21T12:00:00Z");
    check_refused("2026-11-21T12:00Z");
    check_refused("+026-11-21T12:00:00Z");
    check_refused("2026-11-21T12:00:0aZ");
    check_refused(" 2026-11-21T12:00:00Z");
}
END_TEST

START_TEST(trailing_junk)
{
    check_refused("2026-11-21T12:00:00Zjunk");
    check_refused("2026-11-21T12:00:00ZZ");
    check_refused("2026-11-21T12:00:00 ");
    check_refused("2026-11-21T12:00:00.");
    check_refused("2026-11-21T12:00:00.Z");
    check_refused("2026-11-21T12:00:00.5x");
    check_refused("2026-11-21T12:00:00+01:00");
    check_refused("2026-11-21T12:00:00-00:00");
    check_refused("2026-11-21T12:00:00\n");
}
END_TEST

START_TEST(null)
{
    check_refused(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timestamp");
    TCase *tc = tcase_create("timestamp");
    tcase_add_test(tc, format);
    tcase_add_test(tc, parse_forms);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, impossible_dates);
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, trailing_junk);
    tcase_add_test(tc, null);
    suite_add_tcase(s, tc);
    return core_run(s);
}
