/* The due: backend against awsv2-due-emu on a pty: signatures equal to
 * OpenSSL's, pipelined and from many threads; every fault the emulator
 * injects; spec errors; strings that must never reach the device. */
#include <check.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsv2/signer.h"
#include "child.h"
#include "signer_impl.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define FAULT_TIMEOUT_MS 300
/* A generous bound on "within the timeout": sanitizer builds are slow. */
#define FAULT_SLACK_MS 1500
#define EMU_STOP_MS 5000 /* from SIGTERM to its exit */

static char dir[512];
static struct child emu; /* its line: the pty path */

static void tmp_setup(void)
{
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "due-test"), 0);
    ck_assert_int_eq(tmpdir_add_credentials(dir), 0);
}

static void tmp_teardown(void)
{
    tmpdir_remove(dir);
}

/* Starts awsv2-due-emu with args (NULL-terminated, after the program name). */
static int emu_start(const char *const *args)
{
    char prog[PATH_MAX];
    const char *argv[32] = {child_program(prog, sizeof prog, "awsv2-due-emu")};
    child_args(argv, sizeof argv / sizeof argv[0], 1, args);
    return child_start(&emu, argv, -1);
}

static int emu_stop(void)
{
    return child_stop(&emu, SIGTERM, EMU_STOP_MS);
}

static void emu_teardown(void)
{
    emu_stop();
}

static char *file_in_dir(const char *name)
{
    static char path[4][PATH_MAX];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, PATH_MAX, "%s/%s", dir, name);
    return p;
}

/* The emulator provisioned with the example key, plus extra options. */
static void start(const char *a1, const char *a2)
{
    const char *args[] = {"--import-credentials", file_in_dir("credentials"), a1, a2, NULL};
    ck_assert_msg(emu_start(args) == 0, "awsv2-due-emu did not start");
}

static awsv2_signer *open_signer(const char *path, const char *options)
{
    char spec[PATH_MAX + 64];
    snprintf(spec, sizeof spec, "due:%s%s", path, options ? options : "");
    awsv2_signer *s = NULL;
    awsv2_error err;
    awsv2_status st = awsv2_signer_open(&s, spec, NULL, &err);
    ck_assert_msg(st == AWSV2_OK, "open %s: %s", spec, err.message);
    return s;
}

/* String to sign number i: SHA-256 for even i, SHA-1 for odd. */
static size_t sts(size_t i, char *buf, size_t cap, awsv2_hash *hash)
{
    *hash = i % 2 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
    return (size_t)snprintf(buf, cap,
                            "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" KEY_ID
                            "&Action=DescribeInstances&InstanceId.1=i-%08zx"
                            "&SignatureMethod=%s&SignatureVersion=2"
                            "&Timestamp=2026-11-21T12%%3A00%%3A00Z&Version=2016-11-15",
                            i, awsv2_hash_name(*hash));
}

static void expect_mac(const char *s, size_t len, awsv2_hash hash, const uint8_t *mac,
                       size_t mac_len)
{
    uint8_t want[EVP_MAX_MD_SIZE];
    unsigned want_len = 0;
    HMAC(hash == AWSV2_HMAC_SHA1 ? EVP_sha1() : EVP_sha256(), SECRET, (int)strlen(SECRET),
         (const unsigned char *)s, len, want, &want_len);
    ck_assert_uint_eq(mac_len, want_len);
    ck_assert_msg(memcmp(mac, want, want_len) == 0, "wrong MAC for %.*s", (int)len, s);
}

/* Signs string number i and checks the MAC; returns the status. */
static awsv2_status sign_one(awsv2_signer *s, size_t i, awsv2_error *err)
{
    char buf[512];
    awsv2_hash hash;
    size_t len = sts(i, buf, sizeof buf, &hash), mac_len = 0;
    uint8_t mac[AWSV2_MAC_MAX];
    awsv2_status st = awsv2_signer_sign(s, hash, buf, len, mac, &mac_len, err);
    if (st == AWSV2_OK)
        expect_mac(buf, len, hash, mac, mac_len);
    return st;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- Correctness -------------------------------------------------------- */

START_TEST(test_pipelined_10000)
{
    enum { N = 10000 };
    start(NULL, NULL);
    awsv2_signer *s = open_signer(emu.line, NULL);
    ck_assert_ptr_nonnull(strstr(awsv2_signer_describe(s), "window=16"));
    static char bufs[N][300];
    static awsv2_sign_job jobs[N];
    for (size_t i = 0; i < N; i++) {
        jobs[i].len = sts(i, bufs[i], sizeof bufs[i], &jobs[i].hash);
        jobs[i].string_to_sign = bufs[i];
    }
    awsv2_error err;
    ck_assert_msg(awsv2_signer_sign_batch(s, jobs, N, &err) == AWSV2_OK, "%s", err.message);
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(jobs[i].status, AWSV2_OK);
        expect_mac(bufs[i], jobs[i].len, jobs[i].hash, jobs[i].mac, jobs[i].mac_len);
    }
    awsv2_signer_close(s);
}
END_TEST

struct worker {
    awsv2_signer *s;
    size_t first, n;
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (size_t i = w->first; i < w->first + w->n; i++) {
        if (sign_one(w->s, i, NULL) != AWSV2_OK)
            w->failures++;
        /* health checks in the same pipeline as the signatures */
        if (i % 50 == 0 && awsv2_signer_ping(w->s, NULL) != AWSV2_OK)
            w->failures++;
    }
    return NULL;
}

START_TEST(test_threads)
{
    enum { THREADS = 8, EACH = 400 };
    start(NULL, NULL);
    awsv2_signer *s = open_signer(emu.line, "?window=4");
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.s = s, .first = i * EACH, .n = EACH};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_ids)
{
    start(NULL, NULL);
    awsv2_signer *s = open_signer(emu.line, NULL);
    char ids[256];
    awsv2_error err;
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(awsv2_signer_pick_key_id(s, NULL, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_unknown_key_refused)
{
    start(NULL, NULL);
    awsv2_signer *s = open_signer(emu.line, NULL);
    const char *bad = "GET\nh\n/\nAWSAccessKeyId=AKIANOTONTHEDEVICE00&SignatureMethod=HmacSHA256";
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_error err;
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA256, bad, strlen(bad), mac, &mac_len,
                                       &err),
                     AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");
    ck_assert_int_eq(sign_one(s, 1, NULL), AWSV2_OK); /* no resync needed, still fine */
    awsv2_signer_close(s);
}
END_TEST

/* A NUL would end the request early and run the rest as a second command:
 * here one that deletes the key. Neither the public call nor the backend
 * itself (defence in depth) lets it through. */
START_TEST(test_smuggling_refused)
{
    start(NULL, NULL);
    awsv2_signer *s = open_signer(emu.line, NULL);
    static const char nul[] = "GET\nh\n/\nAWSAccessKeyId=" KEY_ID "\0DELETE-KEY " KEY_ID;
    static const char extra_nl[] = "GET\nh\n/\nAWSAccessKeyId=" KEY_ID "\nX";
    const struct {
        const char *s;
        size_t len;
    } bad[] = {{nul, sizeof nul - 1}, {extra_nl, sizeof extra_nl - 1}};
    for (size_t i = 0; i < 2; i++) {
        uint8_t mac[AWSV2_MAC_MAX];
        size_t mac_len;
        ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA256, bad[i].s, bad[i].len, mac,
                                           &mac_len, NULL),
                         AWSV2_E_INVALID);
        awsv2_sign_job job = {.string_to_sign = bad[i].s, .len = bad[i].len};
        ck_assert_int_eq(s->ops->sign(s, &job, NULL), AWSV2_E_INVALID);
        ck_assert_int_eq(job.status, AWSV2_E_INVALID);
    }
    char ids[256];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, NULL), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_spec_errors)
{
    start(NULL, NULL);
    char spec[PATH_MAX + 64];
    const struct {
        const char *fmt;
        awsv2_status want;
    } cases[] = {
        {"due:", AWSV2_E_SPEC},
        {"due:%s?bogus=1", AWSV2_E_SPEC},
        {"due:%s?window=0", AWSV2_E_SPEC},
        {"due:%s?window=100000", AWSV2_E_SPEC},
        {"due:%s?timeout_ms=soon", AWSV2_E_SPEC},
        {"due:%s/nonexistent", AWSV2_E_DEVICE},
        {"due:%s", AWSV2_E_DEVICE}, /* a directory, not a tty */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(spec, sizeof spec, cases[i].fmt, i == 5 || i == 6 ? dir : emu.line);
        awsv2_signer *s = NULL;
        awsv2_error err;
        ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), cases[i].want);
        ck_assert_ptr_null(s);
        ck_assert_msg(strstr(err.message, spec), "'%s' not named in: %s", spec, err.message);
    }
}
END_TEST

/* ---- Faults ------------------------------------------------------------- */

/* Request 1 is the PING at open, so sign call k is request k + 1: the
 * fault hits the second call; the first and the third succeed. */
static void fault_case(const char *option, const char *value, awsv2_status want)
{
    start(option, value);
    awsv2_signer *s = open_signer(emu.line, "?timeout_ms=300");
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    awsv2_error err;
    long long t0 = now_ms();
    ck_assert_int_eq(sign_one(s, 1, &err), want);
    ck_assert_int_lt(now_ms() - t0, FAULT_TIMEOUT_MS + FAULT_SLACK_MS);
    ck_assert_ptr_nonnull(strstr(err.message, emu.line));
    ck_assert_msg(sign_one(s, 2, &err) == AWSV2_OK, "after the fault: %s", err.message);
    ck_assert_int_eq(sign_one(s, 3, &err), AWSV2_OK);
    awsv2_signer_close(s);
}

START_TEST(test_drop_reply)
{
    fault_case("--drop-reply", "3", AWSV2_E_TIMEOUT);
}
END_TEST

START_TEST(test_garble_reply)
{
    fault_case("--garble-reply", "3", AWSV2_E_PROTOCOL);
}
END_TEST

START_TEST(test_stall)
{
    fault_case("--stall", "3:1000", AWSV2_E_TIMEOUT);
}
END_TEST

/* The pty closes after request 3; the emulator comes back on the same
 * symlink with the same keystore (the keys persisted: no import). */
START_TEST(test_close_after)
{
    const char *link = file_in_dir("due"), *store = file_in_dir("keystore");
    const char *args[] = {"--import-credentials", file_in_dir("credentials"), "--keystore", store,
                          "--symlink", link, "--close-after", "3", NULL};
    ck_assert_int_eq(emu_start(args), 0);
    awsv2_signer *s = open_signer(link, "?timeout_ms=300");
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    /* Request 3 (after the open's PING) is answered before the pty goes. */
    ck_assert_int_eq(sign_one(s, 1, NULL), AWSV2_OK);
    ck_assert_int_eq(emu_stop(), 0); /* it exits by itself after request 3 */
    awsv2_error err;
    long long t0 = now_ms();
    ck_assert_int_eq(sign_one(s, 2, &err), AWSV2_E_DEVICE);
    ck_assert_int_eq(sign_one(s, 3, &err), AWSV2_E_DEVICE); /* still gone */
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_E_DEVICE);
    ck_assert_int_lt(now_ms() - t0, FAULT_TIMEOUT_MS + FAULT_SLACK_MS);
    const char *again[] = {"--keystore", store, "--symlink", link, NULL};
    ck_assert_int_eq(emu_start(again), 0);
    ck_assert_msg(awsv2_signer_ping(s, &err) == AWSV2_OK, "after the restart: %s", err.message);
    ck_assert_int_eq(sign_one(s, 4, &err), AWSV2_OK);
    ck_assert_int_eq(sign_one(s, 5, &err), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

/* A lost or garbled reply in the middle of a pipelined batch: the requests
 * in flight fail, and not one job gets a MAC that is not its own. */
static void pipelined_fault(const char *option, const char *value)
{
    enum { N = 200 };
    start(option, value);
    awsv2_signer *s = open_signer(emu.line, "?timeout_ms=300&window=8");
    static char bufs[N][300];
    static awsv2_sign_job jobs[N];
    for (size_t i = 0; i < N; i++) {
        jobs[i].len = sts(i, bufs[i], sizeof bufs[i], &jobs[i].hash);
        jobs[i].string_to_sign = bufs[i];
    }
    ck_assert_int_ne(awsv2_signer_sign_batch(s, jobs, N, NULL), AWSV2_OK);
    size_t failed = 0;
    for (size_t i = 0; i < N; i++) {
        if (jobs[i].status == AWSV2_OK)
            expect_mac(bufs[i], jobs[i].len, jobs[i].hash, jobs[i].mac, jobs[i].mac_len);
        else
            failed++;
    }
    ck_assert_uint_ge(failed, 1);
    ck_assert_uint_le(failed, 2 * 8);
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    awsv2_signer_close(s);
}

START_TEST(test_pipelined_drop)
{
    pipelined_fault("--drop-reply", "50");
}
END_TEST

START_TEST(test_pipelined_garble)
{
    pipelined_fault("--garble-reply", "50");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("due");
    const struct {
        const char *name;
        const TTest *test;
    } tests[] = {
        {"pipelined_10000", test_pipelined_10000},
        {"threads", test_threads},
        {"key_ids", test_key_ids},
        {"unknown_key_refused", test_unknown_key_refused},
        {"smuggling_refused", test_smuggling_refused},
        {"spec_errors", test_spec_errors},
        {"drop_reply", test_drop_reply},
        {"garble_reply", test_garble_reply},
        {"stall", test_stall},
        {"close_after", test_close_after},
        {"pipelined_drop", test_pipelined_drop},
        {"pipelined_garble", test_pipelined_garble},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        TCase *tc = tcase_create(tests[i].name);
        tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
        tcase_add_checked_fixture(tc, NULL, emu_teardown);
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
