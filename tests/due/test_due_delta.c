/* Compact frames, without a device: the firmware's edit-script decoder
 * (hsm_delta.c) against the reference model of tests/firmware/delta_model.h
 * on random scripts; CRC-32 on both sides against the catalogue's check
 * value; the due backend's encoder (due_delta.c) against the decoder on
 * random runs of requests; the frame header, the reference the host keeps,
 * PONG's feature word and tagged replies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
#include "delta_model.h"
#include "due_delta.h"
#include "due_reply.h"
#include "hsm_delta.h"

#define ROOM 8192

static char buf[ROOM + 256], model[ROOM + 256];

/* The check value of CRC-32/ISO-HDLC in the CRC catalogue (Greg Cook's
 * "Catalogue of parametrised CRC algorithms"): CRC of "123456789". */
START_TEST(test_crc32)
{
    ck_assert_uint_eq(awsv2__due_delta_crc32(0, "123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(hsm_crc32(0, "123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(awsv2__due_delta_crc32(0, "", 0), 0);
    ck_assert_uint_eq(hsm_crc32(hsm_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    ck_assert_uint_eq(awsv2__due_delta_crc32(awsv2__due_delta_crc32(0, "1234", 4), "56789", 5),
                      0xcbf43926u);
    unsigned seed = 7;
    for (size_t i = 0; i < sizeof model; i++)
        model[i] = (char)rand_r(&seed);
    ck_assert_uint_eq(awsv2__due_delta_crc32(0, model, sizeof model),
                      hsm_crc32(0, model, sizeof model));
}
END_TEST

/* A random script: mostly well-formed edits, now and then a byte of noise. */
static size_t random_script(unsigned *seed, size_t rlen, char *s, size_t cap)
{
    size_t n = 0, ops = (size_t)rand_r(seed) % 8;
    for (size_t k = 0; k < ops && n + 64 < cap; k++) {
        unsigned x = (unsigned)rand_r(seed);
        size_t v = x % 3 == 0 ? (size_t)rand_r(seed) % (rlen + 3) : (size_t)rand_r(seed) % 40;
        if (x % 17 == 0) {
            s[n++] = (char)(1 + rand_r(seed) % 255); /* noise */
            continue;
        }
        n += (size_t)snprintf(s + n, cap - n, x % 23 == 0 ? "0%zu" : "%zu", v);
        char op = "=-+"[x / 3 % 3];
        s[n++] = op;
        if (op == '+')
            for (size_t i = 0; i < v && n + 1 < cap && x % 19; i++)
                s[n++] = (char)(1 + rand_r(seed) % 255);
    }
    return n;
}

START_TEST(test_decoder_model)
{
    unsigned seed = 1;
    size_t ok = 0, fails[3] = {0};
    for (int round = 0; round < 50000; round++) {
        char ref[300], s[600];
        size_t rlen = (size_t)rand_r(&seed) % sizeof ref, len = 0, mlen = 0;
        for (size_t i = 0; i < rlen; i++)
            ref[i] = (char)(1 + rand_r(&seed) % 255);
        size_t n = random_script(&seed, rlen, s, sizeof s);
        size_t cap = rlen + (size_t)rand_r(&seed) % 200;
        hsm_delta_status want = delta_model(ref, rlen, s, n, cap, model, &mlen);
        hsm_delta_status got = delta_decode(buf, ref, rlen, s, n, cap, &len);
        ck_assert_int_eq(got, want);
        if (got == HSM_DELTA_OK) {
            ck_assert_uint_eq(len, mlen);
            ck_assert_int_eq(memcmp(buf, model, len), 0);
            ok++;
        }
        fails[got]++;
    }
    /* the runs reached every outcome */
    ck_assert_uint_gt(ok, 1000);
    ck_assert_uint_gt(fails[HSM_DELTA_INVALID], 1000);
    ck_assert_uint_gt(fails[HSM_DELTA_TOO_LONG], 100);
}
END_TEST

/* A request of a random run: the parameters of the one before, mostly. */
static size_t random_request(unsigned *seed, char *out, size_t cap)
{
    static const char *const names[] = {"Action", "Filter.1.Name", "Filter.1.Value.1",
                                        "InstanceId.1", "MaxResults", "NextToken",
                                        "Timestamp", "Version"};
    size_t n = (size_t)snprintf(out, cap, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\n"
                                          "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        unsigned x = (unsigned)rand_r(seed);
        if (x % 5 == 0)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "&%s=%s%u", names[i], x % 3 ? "v" : "value-",
                              x % 7 ? x % 3 : x % 100000);
    }
    return n;
}

START_TEST(test_encoder_roundtrip)
{
    unsigned seed = 3;
    static char script[ROOM + AWSV2__DUE_DELTA_SLACK];
    char a[1024], b[1024];
    size_t an = random_request(&seed, a, sizeof a);
    for (int round = 0; round < 20000; round++) {
        size_t bn = random_request(&seed, b, sizeof b), len = 0;
        if (round % 100 == 0) /* now and then, unrelated bytes */
            for (size_t i = 0; i < bn; i++)
                b[i] = (char)(1 + rand_r(&seed) % 255);
        size_t k = awsv2__due_delta_script(a, an, b, bn, script);
        ck_assert_uint_le(k, bn + AWSV2__DUE_DELTA_SLACK);
        ck_assert_int_eq(delta_decode(buf, a, an, script, k, ROOM, &len), HSM_DELTA_OK);
        ck_assert_uint_eq(len, bn);
        ck_assert_int_eq(memcmp(buf, b, bn), 0);
        memcpy(a, b, bn);
        an = bn;
    }
}
END_TEST

/* Pipelined calls that differ in an id and a timestamp cost a few dozen
 * bytes, whatever their length. */
START_TEST(test_encoder_small)
{
    static char script[ROOM + AWSV2__DUE_DELTA_SLACK];
    const char *a = "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
                    "&Action=DescribeInstances&InstanceId.1=i-1234567890abcdef0"
                    "&SignatureMethod=HmacSHA256&SignatureVersion=2"
                    "&Timestamp=2026-11-21T12%3A00%3A00Z&Version=2016-11-15";
    const char *b = "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
                    "&Action=DescribeInstances&InstanceId.1=i-0fedcba987654321f"
                    "&SignatureMethod=HmacSHA256&SignatureVersion=2"
                    "&Timestamp=2026-11-21T12%3A00%3A07Z&Version=2016-11-15";
    size_t k = awsv2__due_delta_script(a, strlen(a), b, strlen(b), script);
    ck_assert_uint_le(k, 40);
    ck_assert_uint_eq(awsv2__due_delta_script(a, strlen(a), a, strlen(a), script), 0);
}
END_TEST

START_TEST(test_frames)
{
    struct awsv2__due_delta d = {0};
    char *f = NULL, req[6000];
    size_t cap = 0, len = 0;
    uint32_t tag = 0;
    awsv2__due_delta_reset(&d);
    ck_assert_int_eq(awsv2__due_delta_frame(&d, "SIGN-AWS-V2 ab", 14, &f, &cap, &len, &tag, NULL),
                     AWSV2_OK);
    ck_assert_uint_eq(tag, 1);
    /* the CRC of "D 1 - " and the request: zlib.crc32(b"D 1 - SIGN-AWS-V2 ab") */
    ck_assert_str_eq((f[len] = '\0', f), "D 1 - 58974ec6 14+SIGN-AWS-V2 ab");
    ck_assert_int_eq(awsv2__due_delta_frame(&d, "SIGN-AWS-V2 ac", 14, &f, &cap, &len, &tag, NULL),
                     AWSV2_OK);
    f[len] = '\0';
    ck_assert_uint_eq(tag, 2);
    ck_assert_int_eq(strncmp(f, "D 2 1 ", 6), 0);
    /* a refusal of frame 2 drops the reference: the next frame is whole */
    awsv2__due_delta_dropped(&d, 2);
    awsv2__due_delta_frame(&d, "SIGN-AWS-V2 ad", 14, &f, &cap, &len, &tag, NULL);
    f[len] = '\0';
    ck_assert_int_eq(strncmp(f, "D 3 - ", 6), 0);
    /* ... but not a refusal of a frame older than that whole one */
    awsv2__due_delta_dropped(&d, 2);
    awsv2__due_delta_frame(&d, "SIGN-AWS-V2 ae", 14, &f, &cap, &len, &tag, NULL);
    f[len] = '\0';
    ck_assert_int_eq(strncmp(f, "D 4 3 ", 6), 0);
    /* a reference and a request that do not fit the device's buffer together */
    memset(req, 'x', sizeof req);
    memcpy(req, "SIGN-AWS-V2 ", 12);
    awsv2__due_delta_frame(&d, req, 5000, &f, &cap, &len, &tag, NULL);
    awsv2__due_delta_frame(&d, req, 4000, &f, &cap, &len, &tag, NULL);
    f[len] = '\0';
    ck_assert_int_eq(strncmp(f, "D 6 - ", 6), 0);
    awsv2__due_delta_frame(&d, req, 4000, &f, &cap, &len, &tag, NULL);
    f[len] = '\0';
    ck_assert_int_eq(strncmp(f, "D 7 6 ", 6), 0);
    /* a resync starts the tags over */
    awsv2__due_delta_reset(&d);
    awsv2__due_delta_frame(&d, "SIGN-AWS-V2 ab", 14, &f, &cap, &len, &tag, NULL);
    ck_assert_uint_eq(tag, 1);
    awsv2__due_delta_free(&d);
    free(f);
}
END_TEST

START_TEST(test_replies)
{
    const char *rest = NULL;
    size_t n = 0;
    bool retry;
    ck_assert(awsv2__due_delta_reply("D 12 SUCCESS ab 12", 18, 12, &rest, &n));
    ck_assert_uint_eq(n, 10);
    ck_assert_int_eq(strncmp(rest, "SUCCESS ab", n), 0);
    ck_assert(awsv2__due_delta_reply("D 12 ERROR delta-reference 12", 29, 12, &rest, &n));
    ck_assert_uint_eq(n, 21);
    ck_assert_int_eq(strncmp(rest, "ERROR delta-reference", n), 0);
    ck_assert(!awsv2__due_delta_reply("D 12 SUCCESS ab 12", 18, 1, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("D 1 SUCCESS ab 1", 16, 12, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("SUCCESS ab", 10, 1, &rest, &n));
    /* the tag at the end is required, whole, after a space */
    ck_assert(!awsv2__due_delta_reply("D 12 SUCCESS ab", 15, 12, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("D 12 SUCCESS ab12", 17, 12, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("D 2 SUCCESS ab 12", 17, 2, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("D 12 12", 7, 12, &rest, &n));
    ck_assert(!awsv2__due_delta_reply("D 12 ", 5, 12, &rest, &n));
    ck_assert(awsv2__due_delta_code_drops("delta-reference", &retry) && retry);
    ck_assert(awsv2__due_delta_code_drops("delta-checksum", &retry) && retry);
    ck_assert(awsv2__due_delta_code_drops("message-too-long", &retry) && !retry);
    ck_assert(!awsv2__due_delta_code_drops("policy-denied", &retry) && !retry);
    static const char *const yes[] = {"PONG n v delta", "PONG n v store-fault delta",
                                      "PONG n v delta store-fault"};
    static const char *const no[] = {"PONG n v", "PONG delta", "PONG n delta", "PONG n v deltas",
                                     "PONG n v xdelta", "PONG n"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg(awsv2__due_delta_in_pong(yes[i], strlen(yes[i])), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(!awsv2__due_delta_in_pong(no[i], strlen(no[i])), "%s", no[i]);
}
END_TEST

/* Bytes lost from the middle of reply 5 to the middle of reply 6 leave a
 * well-formed line with 5's head and 6's tail: "D 5 SUCCESS <6's MAC> 6".
 * Read for request 5, it must be refused, never taken for 5's signature;
 * so must every other splice of the two but reply 5 itself. (A cut reply 5
 * may still end in " 5", from its MAC's digits: what is left is then no
 * reply, which the reply parser refuses.) */
START_TEST(test_reply_spliced)
{
    static const char mac5[] = "5555555555555555555555555555555555555555555555555555555555555555";
    static const char mac6[] = "6666666666666666666666666666666666666666666666666666666666666666";
    static const unsigned tags[][2] = {{5, 6}, {9, 10}, {1, 11}};
    char r5[128], r6[128], line[256], want[128], code[32];
    uint8_t mac[32];
    size_t mac_len = 0;
    const char *rest = NULL;
    size_t n = 0;

    int k = snprintf(line, sizeof line, "D 5 SUCCESS %s 6", mac6);
    ck_assert(!awsv2__due_delta_reply(line, (size_t)k, 5, &rest, &n));
    for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
        unsigned a = tags[t][0], b = tags[t][1];
        size_t l5 = (size_t)snprintf(r5, sizeof r5, "D %u SUCCESS %s %u", a, mac5, a);
        size_t l6 = (size_t)snprintf(r6, sizeof r6, "D %u SUCCESS %s %u", b, mac6, b);
        size_t wl = (size_t)snprintf(want, sizeof want, "SUCCESS %s", mac5);
        for (size_t i = 0; i <= l5; i++)
            for (size_t j = 0; j <= l6; j++) {
                memcpy(line, r5, i);
                memcpy(line + i, r6 + j, l6 - j);
                size_t len = i + l6 - j;
                bool whole5 = len == l5 && memcmp(line, r5, l5) == 0;
                bool ok = awsv2__due_delta_reply(line, len, a, &rest, &n);
                ck_assert_msg(ok || !whole5, "%.*s", (int)len, line);
                if (ok && !whole5)
                    ck_assert_msg(awsv2__due_parse_sign(rest, n, AWSV2_HMAC_SHA256, mac, &mac_len,
                                                        code, sizeof code) == AWSV2_E_PROTOCOL,
                                  "%.*s", (int)len, line);
                if (whole5)
                    ck_assert(n == wl && memcmp(rest, want, wl) == 0);
            }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("due_delta");
    TCase *tc = tcase_create("delta");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_crc32);
    tcase_add_test(tc, test_decoder_model);
    tcase_add_test(tc, test_encoder_roundtrip);
    tcase_add_test(tc, test_encoder_small);
    tcase_add_test(tc, test_frames);
    tcase_add_test(tc, test_replies);
    tcase_add_test(tc, test_reply_spliced);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
