/* The due backend's legacy mode against hsm-standin, the original firmware
 * on a pty: found at open, said in the description, HmacSHA1 signatures
 * equal to OpenSSL's (pipelined, batched, from threads, at the 8191-byte
 * edge), everything else refused before it is sent, and a hostile link
 * (due-glitch in front of the stand-in) giving only errors or the right
 * MAC. Also the due backend's advice when a device stays silent. */
#define _GNU_SOURCE /* posix_openpt, grantpt, unlockpt, ptsname_r */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "../common/due_check.h"
#include "awsv2/signer.h"
#include "child.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define OTHER_ID "AKIAI44QH8DHBEXAMPLE"
#define OTHER_SECRET "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
#define STOP_MS 5000

static char dir[512];
static struct child standin; /* its line: the pty path */
static struct child glitch;  /* due-glitch in front of it */

/* Starts hsm-standin holding both example keys, with --cut cut unless NULL. */
static void standin_start(const char *cut)
{
    char path[600], prog[PATH_MAX];
    snprintf(path, sizeof path, "%s/keys", dir);
    const char *argv[] = {child_program(prog, sizeof prog, "tests/legacy/hsm-standin"), "--keys",
                          path, cut ? "--cut" : NULL, cut, NULL};
    ck_assert_msg(child_start(&standin, argv, -1) == 0, "hsm-standin did not start");
}

static void setup(void)
{
    char path[600];
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "legacy-test"), 0);
    snprintf(path, sizeof path, "%s/keys", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s %s\n%s %s\n", KEY_ID, SECRET, OTHER_ID, OTHER_SECRET);
    fclose(f);
    standin_start(NULL);
}

static void teardown(void)
{
    child_stop(&glitch, SIGTERM, STOP_MS);
    child_stop(&standin, SIGTERM, STOP_MS);
    tmpdir_remove(dir);
}

/* String to sign number i for key_id, padded to at least min_len bytes. */
static size_t sts(size_t i, const char *key_id, size_t min_len, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "GET\n127.0.0.1:8080\n/\nAWSAccessKeyId=%s&Action=DescribeInstances&"
                     "Nonce=%zu&Pad=",
                     key_id, i * 7919 + 13);
    size_t len = (size_t)n;
    for (; len < min_len && len + 1 < cap; len++)
        buf[len] = (char)('a' + (i + len) % 26);
    buf[len] = '\0';
    return len;
}

static void expect_mac(const char *secret, const char *s, size_t len, const uint8_t *mac,
                       size_t mac_len)
{
    uint8_t want[EVP_MAX_MD_SIZE];
    unsigned want_len = 0;
    HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)s, len, want,
         &want_len);
    ck_assert_uint_eq(mac_len, 20);
    ck_assert_msg(memcmp(mac, want, 20) == 0, "not OpenSSL's HMAC-SHA1 of %.60s...", s);
}

/* String i for id, min_len bytes at least, is signed with the HMAC-SHA1 of
 * secret (OpenSSL's). Returns the string's length. */
static size_t expect_signs(awsv2_signer *s, size_t i, const char *id, const char *secret,
                           size_t min_len)
{
    static char buf[9000];
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0, len = sts(i, id, min_len, buf, sizeof buf);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_sign(s, AWSV2_HMAC_SHA1, buf, len, mac, &mac_len, &err) ==
                      AWSV2_OK,
                  "%s", err.message);
    expect_mac(secret, buf, len, mac, mac_len);
    return len;
}

START_TEST(test_found_and_described)
{
    awsv2_signer *s = due_check_open(standin.line, "");
    ck_assert_ptr_nonnull(strstr(awsv2_signer_describe(s), "original-firmware"));
    ck_assert_uint_eq(awsv2_signer_capabilities(s), AWSV2_SIGNER_CAN_HMAC_SHA1);
    ck_assert_int_eq(awsv2_signer_default_hash(s), AWSV2_HMAC_SHA1);
    ck_assert_int_eq(awsv2_signer_ping(s, NULL), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_signatures)
{
    awsv2_signer *s = due_check_open(standin.line, "");
    for (size_t i = 0; i < 50; i++)
        expect_signs(s, i, i % 2 ? OTHER_ID : KEY_ID, i % 2 ? OTHER_SECRET : SECRET, i * 9);
    awsv2_signer_close(s);
}
END_TEST

/* The sketch reads at most 8191 bytes, "SIGN-AWS-V2 " included: a string
 * of 8179 bytes is signed whole, one more is refused on the host (the
 * device would sign its first 8179 bytes and call the rest a command). */
START_TEST(test_length_edge)
{
    static char buf[9000];
    awsv2_signer *s = due_check_open(standin.line, "");
    ck_assert_uint_eq(expect_signs(s, 1, KEY_ID, SECRET, 8179), 8179);
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0, len = sts(2, KEY_ID, 8180, buf, sizeof buf);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA1, buf, len, mac, &mac_len, &err),
                     AWSV2_E_INVALID);
    ck_assert_str_eq(err.code, "message-too-long");
    /* And the link is still in step. */
    expect_signs(s, 3, KEY_ID, SECRET, 100);
    awsv2_signer_close(s);
}
END_TEST

/* What the original firmware cannot do is refused, naming it, and never
 * reaches it as a request it would answer wrongly. */
START_TEST(test_refusals)
{
    awsv2_signer *s = due_check_open(standin.line, "");
    char buf[600], ids[AWSV2_KEY_IDS_SIZE];
    size_t len = sts(1, KEY_ID, 0, buf, sizeof buf), mac_len = 0;
    uint8_t mac[AWSV2_MAC_MAX];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA256, buf, len, mac, &mac_len, &err),
                     AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "original firmware"));
    ck_assert_ptr_nonnull(strstr(err.message, "HmacSHA1"));

    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    static const char cr[] = "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; "
                             "charset=utf-8\nhost:ec2.amazonaws.com\nx-amz-date:"
                             "20261121T120000Z\n\ncontent-type;host;x-amz-date\n"
                             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    job.key_id = KEY_ID;
    job.region = "us-east-1";
    job.service = "ec2";
    job.canonical_request = cr;
    job.canonical_request_len = sizeof cr - 1;
    job.payload = "";
    ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_E_UNAVAILABLE, "sign4: %s",
                  err.message);
    ck_assert_ptr_nonnull(strstr(err.message, "original firmware"));

    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "original firmware"));
    ck_assert_int_eq(awsv2_signer_key_put(s, "AKIAEXAMPLEEXAMPLE12", "secret", NULL, &err),
                     AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_lock(s, &err), AWSV2_E_UNAVAILABLE);
    char id[AWSV2_KEY_ID_SIZE];
    ck_assert_int_eq(awsv2_signer_pick_key_id(s, NULL, id, sizeof id, &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_ptr_nonnull(strstr(err.message, "--access-key-id"));

    /* The sketch takes the first "AWSAccessKeyId=" anywhere: a parameter
     * whose name ends so, sorted first, would choose its key. */
    static const char sneaky[] = "GET\n127.0.0.1:8080\n/\nAAWSAccessKeyId=" OTHER_ID
                                 "&AWSAccessKeyId=" KEY_ID "&Action=DescribeInstances";
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA1, sneaky, sizeof sneaky - 1, mac,
                                       &mac_len, &err),
                     AWSV2_E_INVALID);
    static const char in_path[] = "GET\n127.0.0.1:8080\n/AWSAccessKeyId=" OTHER_ID
                                  "\nAWSAccessKeyId=" KEY_ID "&Action=DescribeInstances";
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA1, in_path, sizeof in_path - 1, mac,
                                       &mac_len, &err),
                     AWSV2_E_INVALID);

    /* A batch with one refused job signs nothing. */
    awsv2_sign_job jobs[3] = {AWSV2_SIGN_JOB_INIT, AWSV2_SIGN_JOB_INIT, AWSV2_SIGN_JOB_INIT};
    awsv2_sign_job *ptrs[3] = {&jobs[0], &jobs[1], &jobs[2]};
    char bufs[3][600];
    for (size_t i = 0; i < 3; i++) {
        jobs[i].len = sts(i, KEY_ID, 0, bufs[i], sizeof bufs[i]);
        jobs[i].string_to_sign = bufs[i];
        jobs[i].hash = i == 1 ? AWSV2_HMAC_SHA256 : AWSV2_HMAC_SHA1;
    }
    ck_assert_int_eq(awsv2_signer_sign_batch(s, ptrs, 3, &err), AWSV2_E_UNAVAILABLE);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_ne(jobs[i].status, AWSV2_OK);

    /* After all that, the device still signs, in step. */
    expect_signs(s, 9, KEY_ID, SECRET, 0);
    awsv2_signer_close(s);
}
END_TEST

/* ---- Pipelined, threaded, and a hostile link ----------------------------- */

static void *work(void *arg)
{
    struct due_worker *w = arg;
    enum { BATCH = 8 };
    for (size_t i = w->first; i < w->first + w->n; i += BATCH) {
        char bufs[BATCH][400];
        awsv2_sign_job jobs[BATCH], *ptrs[BATCH];
        for (size_t j = 0; j < BATCH; j++) {
            jobs[j] = (awsv2_sign_job)AWSV2_SIGN_JOB_INIT;
            jobs[j].len = sts(i + j, (i + j) % 3 ? KEY_ID : OTHER_ID, (i + j) % 300,
                              bufs[j], sizeof bufs[j]);
            jobs[j].string_to_sign = bufs[j];
            jobs[j].hash = AWSV2_HMAC_SHA1;
            ptrs[j] = &jobs[j];
        }
        awsv2_signer_sign_batch(w->s, ptrs, BATCH, NULL);
        for (size_t j = 0; j < BATCH; j++) {
            if (jobs[j].status != AWSV2_OK) {
                w->failed++;
                continue;
            }
            const char *secret = (i + j) % 3 ? SECRET : OTHER_SECRET;
            uint8_t want[EVP_MAX_MD_SIZE];
            unsigned want_len = 0;
            HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)bufs[j],
                 jobs[j].len, want, &want_len);
            if (jobs[j].mac_len == 20 && memcmp(jobs[j].mac, want, 20) == 0)
                w->ok++;
            else
                w->wrong++;
        }
    }
    return NULL;
}

/* Threads signing batches through path; fills ok and failed, and fails the
 * test on any success that is not its own string's MAC. */
static void run_workers(const char *path, const char *options, size_t *ok, size_t *failed)
{
    enum { THREADS = 4, EACH = 48 };
    awsv2_signer *s = due_check_open(path, options);
    struct due_worker sum;
    due_check_workers(work, s, THREADS, EACH, &sum);
    size_t wrong = sum.wrong;
    *ok = sum.ok;
    *failed = sum.failed;
    awsv2_signer_close(s);
    ck_assert_msg(wrong == 0, "%zu signatures of other requests returned as successes", wrong);
}

START_TEST(test_threads)
{
    size_t ok, failed;
    run_workers(standin.line, "?timeout_ms=5000", &ok, &failed);
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_eq(ok, 4 * 48);
}
END_TEST

/* due-glitch with args between the backend and the stand-in. No line of
 * the original firmware is a PONG, so every one may be mangled, the
 * resynchronisation's markers included. */
static void glitch_start(const char *const *args)
{
    due_check_glitch(&glitch, args, standin.line);
}

/* Threads through path (2 s timeout): some requests fail, and the rest
 * succeed, each with its own MAC. */
static void expect_some_failed(const char *path)
{
    size_t ok, failed;
    run_workers(path, "?timeout_ms=2000", &ok, &failed);
    ck_assert_uint_gt(failed, 0);
    ck_assert_uint_gt(ok, 0);
}

/* A line lost now and then: requests around it fail, the rest are right. */
START_TEST(test_glitch_drop)
{
    const char *args[] = {"--drop", "29", NULL};
    glitch_start(args);
    expect_some_failed(glitch.line);
}
END_TEST

/* A line lost and the one before it sent again in its place: the count
 * stays right, only the markers' kinds and order catch it. */
START_TEST(test_glitch_stale)
{
    const char *args[] = {"--stale", "29", NULL};
    glitch_start(args);
    expect_some_failed(glitch.line);
}
END_TEST

/* Every line twice: no marker sequence ever comes back as written, so the
 * link never gets in step and nothing is signed; it fails, in time. */
START_TEST(test_glitch_double)
{
    const char *args[] = {"--double", NULL};
    glitch_start(args);
    char spec[700];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    snprintf(spec, sizeof spec, "due:%s?timeout_ms=1000", glitch.line);
    awsv2_status st = awsv2_signer_open(&s, spec, NULL, &err);
    if (st == AWSV2_OK) {
        size_t ok, failed;
        awsv2_signer_close(s);
        run_workers(glitch.line, "?timeout_ms=1000", &ok, &failed);
        ck_assert_uint_eq(ok, 0);
    } else {
        ck_assert_int_eq(st, AWSV2_E_TIMEOUT);
    }
}
END_TEST

/* A host that pauses for more than a second inside a request: the sketch
 * signs the bytes it got as a request (a MAC of the wrong string) and
 * answers the rest "ERROR invalid-command". That extra line would pass for
 * a lone PING's marker; the checkpoint's N before its E catches it. */
START_TEST(test_cut_request)
{
    child_stop(&standin, SIGTERM, STOP_MS);
    standin_start("7");
    expect_some_failed(standin.line);
}
END_TEST

/* A current device can look like the original at open: the lone NUL ends
 * a half-written request (answered "ERROR invalid-command") and its PONG is
 * late. The backend then tries the original's markers, which a current
 * device never answers alike (no "ERROR awsaccesskeyid-not-found"), and
 * opens it as what it is. */
START_TEST(test_current_not_taken_for_legacy)
{
    char prog[PATH_MAX];
    struct child emu = {0};
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-due-emu"), "--stall", "2:400",
                          NULL};
    ck_assert_msg(child_start(&emu, argv, -1) == 0, "awsv2-due-emu did not start");
    int fd = open(emu.line, O_RDWR | O_NOCTTY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "SIGN-AWS", 8), 8); /* half a request: request 1 */
    close(fd);
    awsv2_signer *s = due_check_open(emu.line, "");
    ck_assert_ptr_null(strstr(awsv2_signer_describe(s), "original"));
    ck_assert_uint_eq(awsv2_signer_capabilities(s) & AWSV2_SIGNER_CAN_HMAC_SHA256,
                      AWSV2_SIGNER_CAN_HMAC_SHA256);
    awsv2_signer_close(s);
    child_stop(&emu, SIGTERM, STOP_MS);
}
END_TEST

/* ---- A device that says nothing ------------------------------------------- */

START_TEST(test_silent_device)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    char name[128];
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    ck_assert_int_eq(ptsname_r(master, name, sizeof name), 0);
    char spec[200];
    snprintf(spec, sizeof spec, "due:%s?timeout_ms=500", name);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_E_TIMEOUT);
    ck_assert_msg(strstr(err.message, "sent nothing") && strstr(err.message, "sketch") &&
                      strstr(err.message, "programming port"),
                  "%s", err.message);
    close(master);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("legacy");
    const struct check_test tests[] = {
        {"found_and_described", test_found_and_described},
        {"signatures", test_signatures},
        {"length_edge", test_length_edge},
        {"refusals", test_refusals},
        {"threads", test_threads},
        {"glitch_drop", test_glitch_drop},
        {"glitch_stale", test_glitch_stale},
        {"glitch_double", test_glitch_double},
        {"cut_request", test_cut_request},
        {"current_not_taken_for_legacy", test_current_not_taken_for_legacy},
        {"silent_device", test_silent_device},
    };
    static const struct check_fixtures f = {.setup = setup, .teardown = teardown, .timeout = 120};
    check_add_tests(s, tests, sizeof tests / sizeof tests[0], &f);
    return s;
}

int main(void)
{
    return check_run(suite());
}
