/* The string-to-sign module, the one reader of what a signer is asked to
 * sign (firmware/hsm/src/awsv2_sts.c), and awsv2_string_to_sign_inspect,
 * its public face. The expected answers are the protocol's rules as
 * docs/serial-protocol.md states them: exact names, percent-decoded
 * values, a repeated key id or method refused, absent method = HmacSHA1. */
#include <stdio.h>
#include <string.h>

#include "awsv2_sts.h"
#include "harness.h"

#define ID "AKIAIOSFODNN7EXAMPLE"

static awsv2__sts_status parse(const char *s, awsv2__sts *out)
{
    return awsv2__sts_parse(s, strlen(s), out);
}

START_TEST(reads_the_four_parts)
{
    awsv2__sts p;
    ck_assert_int_eq(parse("POST\nec2.amazonaws.com\n/x\nAWSAccessKeyId=" ID
                           "&Action=DescribeInstances&SignatureMethod=HmacSHA256",
                           &p),
                     AWSV2__STS_OK);
    ck_assert_uint_eq(p.verb_len, 4);
    ck_assert_int_eq(memcmp(p.verb, "POST", 4), 0);
    ck_assert_uint_eq(p.host_len, 17);
    ck_assert_int_eq(memcmp(p.host, "ec2.amazonaws.com", 17), 0);
    ck_assert_uint_eq(p.path_len, 2);
    ck_assert_str_eq(p.key_id, ID);
    ck_assert_uint_eq(p.key_id_len, strlen(ID));
    ck_assert_int_eq(p.hash, AWSV2__STS_SHA256);
    ck_assert_uint_eq(p.action_len, 17);
    ck_assert_int_eq(memcmp(p.action, "DescribeInstances", 17), 0);
}
END_TEST

START_TEST(names_match_whole)
{
    awsv2__sts p;
    /* Only a substring of the name: no key id at all. */
    ck_assert_int_eq(parse("GET\nh\n/\nXAWSAccessKeyId=" ID, &p), AWSV2__STS_NO_KEY_ID);
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyIdX=" ID, &p), AWSV2__STS_NO_KEY_ID);
    ck_assert_int_eq(parse("GET\nh\n/\nAAWSAccessKeyId=AKIDEVIL&a=AWSAccessKeyId=" ID, &p),
                     AWSV2__STS_NO_KEY_ID);
    /* A name without '=' is no parameter of that name. */
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId", &p), AWSV2__STS_NO_KEY_ID);
    /* The real one among look-alikes is found. */
    ck_assert_int_eq(parse("GET\nh\n/\nXAWSAccessKeyId=AKIDEVIL&AWSAccessKeyId=" ID, &p),
                     AWSV2__STS_OK);
    ck_assert_str_eq(p.key_id, ID);
}
END_TEST

START_TEST(key_id_rules)
{
    awsv2__sts p;
    /* Percent-decoded before it is checked and looked up. */
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=AKIA%41%30", &p), AWSV2__STS_OK);
    ck_assert_str_eq(p.key_id, "AKIAA0");
    static const char *const bad[] = {
        "GET\nh\n/\nAWSAccessKeyId=" ID "&AWSAccessKeyId=" ID, /* repeated, even equal */
        "GET\nh\n/\nAWSAccessKeyId=",                          /* empty */
        "GET\nh\n/\nAWSAccessKeyId=akid",                      /* not [A-Z0-9] */
        "GET\nh\n/\nAWSAccessKeyId=AK%2",                      /* truncated escape */
        "GET\nh\n/\nAWSAccessKeyId=AK%G1",                     /* not hex */
        "GET\nh\n/\nAWSAccessKeyId=AK%20ID",                   /* decodes to a space */
        "GET\nh\n/\nAWSAccessKeyId=AK+ID",                     /* '+' is no space, and no id */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(parse(bad[i], &p) == AWSV2__STS_BAD_KEY_ID, "case %zu", i);
        ck_assert_str_eq(p.key_id, ""); /* never an unchecked id to log */
    }
    /* 128 characters are allowed, 129 are not. */
    char s[300] = "GET\nh\n/\nAWSAccessKeyId=";
    size_t n = strlen(s);
    memset(s + n, 'A', 128);
    s[n + 128] = '\0';
    ck_assert_int_eq(parse(s, &p), AWSV2__STS_OK);
    s[n + 128] = 'A';
    s[n + 129] = '\0';
    ck_assert_int_eq(parse(s, &p), AWSV2__STS_BAD_KEY_ID);
}
END_TEST

START_TEST(method_rules)
{
    awsv2__sts p;
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID, &p), AWSV2__STS_OK);
    ck_assert_int_eq(p.hash, AWSV2__STS_SHA1); /* absent: as the original device */
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA1", &p),
                     AWSV2__STS_OK);
    ck_assert_int_eq(p.hash, AWSV2__STS_SHA1);
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=Hmac%53HA256", &p),
                     AWSV2__STS_OK);
    ck_assert_int_eq(p.hash, AWSV2__STS_SHA256);
    static const char *const bad[] = {
        "GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA512",
        "GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=hmacsha256",
        "GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=",
        "GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA1&SignatureMethod=HmacSHA1",
        "GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256HmacSHA256",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(parse(bad[i], &p) == AWSV2__STS_BAD_METHOD, "case %zu", i);
        ck_assert_str_eq(p.key_id, ID); /* read before the method */
    }
}
END_TEST

/* A value whose percent-decoding holds a NUL is refused by the decoder
 * itself, so that no caller comparing C strings can read "HmacSHA256%00x"
 * as HmacSHA256, nor an id cut at the NUL as a stored one. */
START_TEST(decoded_nul_is_refused)
{
    awsv2__sts p;
    char out[32];
    size_t n = 0;
    static const char q[] = "SignatureMethod=HmacSHA256%00x&AWSAccessKeyId=AKIA%00B&V=a%00";
    ck_assert_int_eq(awsv2__sts_param_decoded(q, strlen(q), "SignatureMethod", out, sizeof out, &n), -1);
    ck_assert_int_eq(awsv2__sts_param_decoded(q, strlen(q), "AWSAccessKeyId", out, sizeof out, &n), -1);
    ck_assert_int_eq(awsv2__sts_param_decoded(q, strlen(q), "V", out, sizeof out, &n), -1);
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256%00x", &p),
                     AWSV2__STS_BAD_METHOD);
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA1%00", &p),
                     AWSV2__STS_BAD_METHOD);
    ck_assert_int_eq(parse("GET\nh\n/\nAWSAccessKeyId=" ID "%00&SignatureMethod=HmacSHA1", &p),
                     AWSV2__STS_BAD_KEY_ID);
    ck_assert_str_eq(p.key_id, "");
    /* Other escapes still decode. */
    ck_assert_int_eq(awsv2__sts_param_decoded("V=a%01b", 7, "V", out, sizeof out, &n), 1);
    ck_assert_uint_eq(n, 3);
}
END_TEST

/* Queries of random segments ("K=v", "KK=", "K", "", "xK=v", "=") from a
 * tiny alphabet, long enough that parameters straddle every 16-byte
 * boundary: the count and the first value against a split at every '&'. */
START_TEST(params_against_a_split)
{
    static const char *const parts[] = {"K=v", "KK=", "K", "", "xK=v", "=", "K=a&", "K=%41", "Kx"};
    uint32_t rng = 1;
    char q[512];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, segs = 1 + (rng = rng * 1103515245 + 12345) % 60;
        for (size_t i = 0; i < segs && len < 400; i++) {
            const char *part = parts[((rng = rng * 1103515245 + 12345) >> 16) % 9];
            len += (size_t)sprintf(q + len, "%s%s", i ? "&" : "", part);
        }
        int want = 0;
        const char *want_v = NULL;
        size_t want_n = 0;
        for (const char *seg = q;;) {
            const char *amp = memchr(seg, '&', (size_t)(q + len - seg));
            const char *stop = amp ? amp : q + len;
            if (stop - seg > 1 && seg[0] == 'K' && seg[1] == '=' && want++ == 0)
                want_v = seg + 2, want_n = (size_t)(stop - seg - 2);
            if (!amp)
                break;
            seg = amp + 1;
        }
        const char *v = NULL;
        size_t n = 0;
        ck_assert_int_eq(awsv2__sts_param(q, len, "K", &v, &n), want);
        if (want) {
            ck_assert_ptr_eq(v, want_v);
            ck_assert_uint_eq(n, want_n);
        }
    }
}
END_TEST

START_TEST(shape_rules)
{
    awsv2__sts p;
#define CASE(lit) {lit, sizeof lit - 1}
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        CASE("GET\nh\n/"),                                  /* two newlines */
        CASE("GET\nh\n/\nq\n"),                             /* four */
        CASE("GET\nh\n/\nAWSAccessKeyId=" ID "\t"),          /* a tab */
        CASE("GET\nh\n/\nAWSAccessKeyId=" ID "\x7f"),        /* DEL */
        CASE("GET\nh\n/\nAWSAccessKeyId=" ID "\xc3\xa9"),    /* UTF-8 */
        CASE("GET\nh\n/\nAWSAccessKeyId=" ID "\0DELETE-KEY"), /* a NUL smuggling a command */
        CASE("GET\r\nh\n/\nq"),                              /* a CR */
    };
#undef CASE
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(awsv2__sts_parse(bad[i].s, bad[i].len, &p) == AWSV2__STS_MALFORMED,
                      "case %zu", i);
        ck_assert(!awsv2__sts_is_valid(bad[i].s, bad[i].len));
        ck_assert(!awsv2_string_to_sign_is_valid(bad[i].s, bad[i].len));
    }
    ck_assert(awsv2__sts_is_valid("\n\n\n", 3)); /* empty parts are a shape */
    /* Every byte value at every offset of the query (through both the
     * 8-byte and the byte-wise part of the scan): only 0x20..0x7e pass. */
    char s[28];
    for (int c = 0; c < 256; c++)
        for (size_t at = 8; at < sizeof s; at++) {
            memcpy(s, "GET\nh\n/\naaaaaaaaaaaaaaaaaaaa", sizeof s);
            s[at] = (char)c;
            ck_assert_msg(awsv2__sts_is_valid(s, sizeof s) == (c >= 0x20 && c <= 0x7e),
                          "byte %d at %zu", c, at);
        }
}
END_TEST

START_TEST(query_of_a_valid_string)
{
    const char *q = NULL;
    size_t n = 0;
    ck_assert(awsv2__sts_query("GET\nh\n/p\na=1&b=2", 16, &q, &n));
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(memcmp(q, "a=1&b=2", 7), 0);
    ck_assert(awsv2__sts_query("\n\n\n", 3, &q, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(!awsv2__sts_query("GET\nh\n/", 7, &q, &n));
}
END_TEST

START_TEST(codes_are_the_devices)
{
    ck_assert_str_eq(awsv2__sts_code(AWSV2__STS_OK), "ok");
    ck_assert_str_eq(awsv2__sts_code(AWSV2__STS_MALFORMED), "invalid-command");
    ck_assert_str_eq(awsv2__sts_code(AWSV2__STS_NO_KEY_ID), "awsaccesskeyid-not-found");
    ck_assert_str_eq(awsv2__sts_code(AWSV2__STS_BAD_KEY_ID), "invalid-awsaccesskeyid");
    ck_assert_str_eq(awsv2__sts_code(AWSV2__STS_BAD_METHOD), "unsupported-signaturemethod");
}
END_TEST

START_TEST(codecs)
{
    char out[16];
    ck_assert_int_eq(awsv2__pct_decode("a%2Fb%2fc+", 10, out, sizeof out), 6);
    ck_assert_int_eq(memcmp(out, "a/b/c+", 6), 0);
    ck_assert_int_eq(awsv2__pct_decode("abc", 3, out, 2), -1); /* does not fit */
    ck_assert_int_eq(awsv2__pct_decode("%", 1, out, sizeof out), -1);
    ck_assert_int_eq(awsv2__pct_decode("%4", 2, out, sizeof out), -1);
    uint8_t b[2];
    ck_assert(awsv2__hex_decode("aBcD", 4, b, 2));
    ck_assert_int_eq(b[0], 0xab);
    ck_assert_int_eq(b[1], 0xcd);
    ck_assert(!awsv2__hex_decode("abc", 3, b, 2));
    ck_assert(!awsv2__hex_decode("abcg", 4, b, 2));
    uint32_t cp;
    ck_assert_uint_eq(awsv2__utf8_next((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x20ac);
    ck_assert_uint_eq(awsv2__utf8_next((const unsigned char *)"\xc0\x80", 2, &cp), 0); /* overlong */
    ck_assert_uint_eq(awsv2__utf8_next((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0); /* surrogate */
    ck_assert_uint_eq(awsv2__utf8_next((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(awsv2__utf8_next((const unsigned char *)"\xe2\x82", 2, &cp), 0); /* cut */
}
END_TEST

/* ---- awsv2_string_to_sign_inspect ---------------------------------------- */

START_TEST(inspect_a_good_string)
{
    awsv2_sts_info info = AWSV2_STS_INFO_INIT;
    static const char s[] = "GET\nh\n/\nAWSAccessKeyId=" ID "&Action=RunInstances";
    ck_assert_int_eq(awsv2_string_to_sign_inspect(s, sizeof s - 1, &info, NULL), AWSV2_OK);
    ck_assert_str_eq(info.key_id, ID);
    ck_assert_str_eq(info.action, "RunInstances");
    ck_assert_int_eq(info.hash, AWSV2_HMAC_SHA1);
}
END_TEST

START_TEST(inspect_refusals_carry_the_device_code)
{
    static const struct {
        const char *s, *code, *key_id, *action;
    } cases[] = {
        {"GET\nh\n/", "invalid-command", "", "-"},
        {"GET\nh\n/\nAction=X", "awsaccesskeyid-not-found", "", "X"},
        {"GET\nh\n/\nAWSAccessKeyId=bad&Action=X", "invalid-awsaccesskeyid", "", "X"},
        {"GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=MD5", "unsupported-signaturemethod",
         ID, "-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        awsv2_sts_info info = {0};
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_string_to_sign_inspect(cases[i].s, strlen(cases[i].s), &info,
                                                      &err),
                         AWSV2_E_INVALID);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_str_eq(info.key_id, cases[i].key_id);
        ck_assert_str_eq(info.action, cases[i].action);
        ck_assert_str_ne(err.message, "");
    }
}
END_TEST

START_TEST(inspect_cuts_a_long_action)
{
    char s[300] = "GET\nh\n/\nAWSAccessKeyId=" ID "&Action=";
    size_t n = strlen(s);
    memset(s + n, 'A', 100);
    s[n + 100] = '\0';
    awsv2_sts_info info = AWSV2_STS_INFO_INIT;
    ck_assert_int_eq(awsv2_string_to_sign_inspect(s, strlen(s), &info, NULL), AWSV2_OK);
    ck_assert_uint_eq(strlen(info.action), AWSV2_ACTION_SIZE - 1);
}
END_TEST

START_TEST(inspect_refuses_a_too_small_size)
{
    awsv2_sts_info info = {.size = 4};
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_string_to_sign_inspect("\n\n\n", 3, &info, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "size"));
}
END_TEST

/* The original firmware's reading of the key id (hsm.ino: strstr of
 * "AWSAccessKeyId=", up to '&', 64 characters at most): the due backend's
 * legacy mode sends only strings where it is the parameter's. */
START_TEST(legacy_key_id)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"GET\nh\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=A", true},
        {"GET\nh\n/\nAction=A&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE", true},
        {"GET\nh\n/\nAAWSAccessKeyId=AKIAI44QH8DHBEXAMPLE&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE",
         false},
        {"GET\nh\n/AWSAccessKeyId=X\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE", false},
        {"GET\nh\n/\nAction=A", false},
        {"GET\nh\n/\nAWSAccessKeyId=&Action=A", false},
        {"GET\nh\n/\nAWSAccessKeyId=AKIA%41EXAMPLE", false},
        {"GET\nh\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLEAKIA",
         true}, /* 64 */
        {"GET\nh\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLEAKIAI",
         false}, /* 65 */
        {"GET\nh\n/\nAWSAccessKeyId", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(awsv2__sts_legacy_key_id_ok(cases[i].s, strlen(cases[i].s)) == cases[i].ok,
                      "case %zu: %s", i, cases[i].s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sts");
    TCase *tc = tcase_create("module");
    tcase_add_test(tc, reads_the_four_parts);
    tcase_add_test(tc, names_match_whole);
    tcase_add_test(tc, key_id_rules);
    tcase_add_test(tc, method_rules);
    tcase_add_test(tc, decoded_nul_is_refused);
    tcase_add_test(tc, params_against_a_split);
    tcase_add_test(tc, shape_rules);
    tcase_add_test(tc, query_of_a_valid_string);
    tcase_add_test(tc, codes_are_the_devices);
    tcase_add_test(tc, codecs);
    tcase_add_test(tc, legacy_key_id);
    suite_add_tcase(s, tc);
    TCase *pub = tcase_create("inspect");
    tcase_add_test(pub, inspect_a_good_string);
    tcase_add_test(pub, inspect_refusals_carry_the_device_code);
    tcase_add_test(pub, inspect_cuts_a_long_action);
    tcase_add_test(pub, inspect_refuses_a_too_small_size);
    suite_add_tcase(s, pub);
    return core_run(s);
}
