/* All 256 byte values through awsv2_percent_encode, against RFC 3986's rule
 * computed here: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" stays,
 * every other byte becomes "%" and two upper-case hex digits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int rfc3986_unreserved(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* The expected encoding of one byte into out (at least 4 bytes). */
static void expect_byte(unsigned c, char *out)
{
    if (rfc3986_unreserved(c))
        snprintf(out, 4, "%c", (char)c);
    else
        snprintf(out, 4, "%%%02X", c);
}

/* Encodes into a heap buffer of exactly 3 * n + 1 bytes, so that a write
 * past the documented size is caught by AddressSanitizer. */
static char *encode(const char *in, size_t n, size_t *len)
{
    char *out = malloc(3 * n + 1);
    ck_assert_ptr_nonnull(out);
    *len = awsv2_percent_encode(in, n, out);
    return out;
}

START_TEST(each_byte_alone)
{
    char in = (char)_i, want[4];
    size_t len;
    expect_byte((unsigned)_i, want);
    char *out = encode(&in, 1, &len);
    ck_assert_msg(strcmp(out, want) == 0, "byte 0x%02X: got '%s', want '%s'", _i, out, want);
    ck_assert_uint_eq(len, strlen(want));
    free(out);
}
END_TEST

START_TEST(all_bytes_together)
{
    char in[256], want[3 * 256 + 1] = "";
    size_t len, want_len = 0, unreserved = 0;
    for (unsigned c = 0; c < 256; c++) {
        in[c] = (char)c;
        expect_byte(c, want + want_len);
        want_len += strlen(want + want_len);
        unreserved += rfc3986_unreserved(c) != 0;
    }
    char *out = encode(in, sizeof in, &len);
    ck_assert_uint_eq(unreserved, 26 + 26 + 10 + 4);
    ck_assert_uint_eq(len, unreserved + 3 * (256 - unreserved));
    ck_assert_uint_eq(len, want_len);
    ck_assert_str_eq(out, want);
    free(out);
}
END_TEST

/* Space is %20 (never '+'), hex is upper case, multi-byte UTF-8 byte-wise. */
START_TEST(spot_checks)
{
    static const struct { const char *in, *out; } cases[] = {
        {"a b", "a%20b"},           {"+", "%2B"},
        {"*", "%2A"},               {"~-._", "~-._"},
        {"/", "%2F"},               {"\xc3\xa9", "%C3%A9"},
        {"\xf0\x9f\x9a\x80", "%F0%9F%9A%80"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *out = encode(cases[i].in, strlen(cases[i].in), &len);
        ck_assert_str_eq(out, cases[i].out);
        ck_assert_uint_eq(len, strlen(cases[i].out));
        free(out);
    }
}
END_TEST

/* n bytes are encoded, not up to a NUL: an embedded NUL is %00. */
START_TEST(counts_bytes_not_nul)
{
    size_t len;
    char *out = encode("a\0b", 3, &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(out, "a%00b");
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("percent");
    TCase *tc = tcase_create("rfc3986");
    tcase_add_loop_test(tc, each_byte_alone, 0, 256);
    tcase_add_test(tc, all_bytes_together);
    tcase_add_test(tc, spot_checks);
    tcase_add_test(tc, counts_bytes_not_nul);
    suite_add_tcase(s, tc);
    return core_run(s);
}
