/* Parsing the Due's reply lines: what is accepted as whose reply. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "due_reply.h"

#define SHA256_HEX "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef"
#define SHA1_HEX "00112233445566778899aabbccddeeff00112233"

static awsv2_status parse(const char *line, awsv2_hash hash, uint8_t *mac, size_t *len,
                          char *code)
{
    return awsv2__due_parse_sign(line, strlen(line), hash, mac, len, code, 64);
}

START_TEST(test_success)
{
    uint8_t mac[32];
    size_t len = 0;
    char code[64];
    ck_assert_int_eq(parse("SUCCESS " SHA256_HEX, AWSV2_HMAC_SHA256, mac, &len, code), AWSV2_OK);
    ck_assert_uint_eq(len, 32);
    ck_assert_uint_eq(mac[0], 0x01);
    ck_assert_uint_eq(mac[16], 0x01);
    ck_assert_uint_eq(mac[31], 0xef);
    ck_assert_int_eq(parse("SUCCESS " SHA1_HEX, AWSV2_HMAC_SHA1, mac, &len, code), AWSV2_OK);
    ck_assert_uint_eq(len, 20);
}
END_TEST

/* A MAC of the other hash's length is a reply for some other request. */
START_TEST(test_success_wrong_length)
{
    uint8_t mac[32];
    size_t len = 0;
    char code[64];
    ck_assert_int_eq(parse("SUCCESS " SHA1_HEX, AWSV2_HMAC_SHA256, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("SUCCESS " SHA256_HEX, AWSV2_HMAC_SHA1, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("SUCCESS " SHA1_HEX "0", AWSV2_HMAC_SHA1, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("SUCCESS 0g112233445566778899aabbccddeeff00112233", AWSV2_HMAC_SHA1,
                           mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("SUCCESS  " SHA1_HEX, AWSV2_HMAC_SHA1, mac, &len, code),
                     AWSV2_E_PROTOCOL);
}
END_TEST

START_TEST(test_error)
{
    uint8_t mac[32];
    size_t len = 0;
    char code[64];
    ck_assert_int_eq(parse("ERROR unknown-awsaccesskey", AWSV2_HMAC_SHA256, mac, &len, code),
                     AWSV2_E_REFUSED);
    ck_assert_str_eq(code, "unknown-awsaccesskey");
    ck_assert_int_eq(parse("ERROR ", AWSV2_HMAC_SHA256, mac, &len, code), AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("ERROR Bad Code", AWSV2_HMAC_SHA256, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert(!awsv2__due_parse_error("ERROR x", 7, code, 1)); /* does not fit */
}
END_TEST

START_TEST(test_garbage)
{
    uint8_t mac[32];
    size_t len = 0;
    char code[64];
    ck_assert_int_eq(parse("S\x07" "CC#SS garbage", AWSV2_HMAC_SHA256, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("PONG abc awsv2-hsm/0.1.0", AWSV2_HMAC_SHA256, mac, &len, code),
                     AWSV2_E_PROTOCOL);
    ck_assert_int_eq(parse("", AWSV2_HMAC_SHA256, mac, &len, code), AWSV2_E_PROTOCOL);
    ck_assert(!awsv2__due_line_printable("OK\x07", 3));
    ck_assert(awsv2__due_line_printable("KEYS A,B", 8));
}
END_TEST

START_TEST(test_pong)
{
    ck_assert(awsv2__due_is_pong("PONG 0a1b awsv2-hsm/0.1.0", 25, "0a1b"));
    ck_assert(awsv2__due_is_pong("PONG 0a1b", 9, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PONG 0a1bc awsv2-hsm/0.1.0", 26, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PONG 0a1", 8, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PING 0a1b", 9, "0a1b"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("due_reply");
    TCase *tc = tcase_create("reply");
    tcase_add_test(tc, test_success);
    tcase_add_test(tc, test_success_wrong_length);
    tcase_add_test(tc, test_error);
    tcase_add_test(tc, test_garbage);
    tcase_add_test(tc, test_pong);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
