/* Parsing the Due's reply lines: what is accepted as whose reply. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
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
    ck_assert(awsv2__due_is_pong("PONG 0a1b awsv2-hsm/0.1.0 store-fault", 37, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PONG 0a1bc awsv2-hsm/0.1.0", 26, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PONG 0a1", 8, "0a1b"));
    ck_assert(!awsv2__due_is_pong("PING 0a1b", 9, "0a1b"));
}
END_TEST

static bool keys(const char *line, const char *want)
{
    const char *ids = NULL;
    size_t len = 0;
    if (!awsv2__due_parse_keys(line, strlen(line), &ids, &len))
        return false;
    ck_assert_uint_eq(len, strlen(want));
    ck_assert(memcmp(ids, want, len) == 0);
    return true;
}

START_TEST(test_keys)
{
    ck_assert(keys("KEYS", ""));
    ck_assert(keys("KEYS AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"));
    ck_assert(keys("KEYS AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE",
                   "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE"));
    ck_assert(!keys("KEYS ", ""));
    ck_assert(!keys("KEYSA", ""));
    ck_assert(!keys("KEYS  A", ""));
    ck_assert(!keys("KEYS A,", ""));
    ck_assert(!keys("KEYS ,A", ""));
    ck_assert(!keys("KEYS A,,B", ""));
    ck_assert(!keys("KEYS A B", ""));
    ck_assert(!keys("KEYS akia", ""));
    ck_assert(!keys("OK", ""));
    ck_assert(!keys("ERROR locked", ""));
    char line[5 + 129 + 1] = "KEYS ";
    memset(line + 5, 'A', 129);
    line[5 + 129] = '\0';
    ck_assert(!keys(line, "")); /* an id longer than 128 */
    line[5 + 128] = '\0';
    ck_assert(keys(line, line + 5));
}
END_TEST

static bool policy(const char *line, const char *want)
{
    const char *text = NULL;
    size_t len = 0;
    if (!awsv2__due_parse_policy(line, strlen(line), &text, &len))
        return false;
    return len == strlen(want) && memcmp(text, want, len) == 0;
}

START_TEST(test_policy)
{
    ck_assert(policy("POLICY", ""));
    ck_assert(policy("POLICY action=A;rate=1/s", "action=A;rate=1/s"));
    ck_assert(!policy("POLICY ", ""));
    ck_assert(!policy("POLICY a b", ""));
    ck_assert(!policy("POLICYX", ""));
    ck_assert(!policy("OK", ""));
}
END_TEST

static int audit(const char *line, uint32_t *seq)
{
    return awsv2__due_parse_audit(line, strlen(line), seq);
}

START_TEST(test_audit)
{
    uint32_t seq = 0;
    ck_assert_int_eq(audit("AUDIT 7 AKIA 2 A h ok x c", &seq), 0);
    ck_assert_uint_eq(seq, 7);
    ck_assert_int_eq(audit("AUDIT-END 8 abc", &seq), 1);
    ck_assert_uint_eq(seq, 8);
    ck_assert_int_eq(audit("AUDIT-GAP 4294967295", &seq), 2);
    ck_assert_uint_eq(seq, 4294967295u);
    ck_assert_int_eq(audit("AUDIT-GAP 4294967296", &seq), -1);
    ck_assert_int_eq(audit("AUDIT-END 8", &seq), -1);
    ck_assert_int_eq(audit("AUDIT 07 x", &seq), -1);
    ck_assert_int_eq(audit("AUDIT x 1", &seq), -1);
    ck_assert_int_eq(audit("AUDIT-GAP ", &seq), -1);
    ck_assert_int_eq(audit("AUDIT", &seq), -1);
    ck_assert_int_eq(audit("ERROR invalid-command", &seq), -1);
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
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_policy);
    tcase_add_test(tc, test_audit);
    suite_add_tcase(s, tc);
    return check_run(s);
}
