/* The due: backend against awsv2-due-emu on a pty: signatures equal to
 * OpenSSL's, pipelined and from many threads; every fault the emulator
 * injects, and a hostile device (due-glitch) that doubles, drops, repeats
 * or trickles reply lines; one host per device; spec errors; strings that must
 * never reach the device; keys stored, listed, deleted and locked through
 * the public calls. */
#define _GNU_SOURCE /* posix_openpt, grantpt, unlockpt, ptsname_r */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "../common/due_check.h"
#include "awsv2/signer.h"
#include "child.h"
#include "due_link.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define FAULT_TIMEOUT_MS 300
/* A generous bound on "within the timeout": sanitizer builds are slow. */
#define FAULT_SLACK_MS 1500
#define EMU_STOP_MS 5000 /* from SIGTERM to its exit */

static char dir[512];
static struct child emu;    /* its line: the pty path */
static struct child glitch; /* due-glitch in front of emu; its line: its pty */

static void tmp_setup(void)
{
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "due-test"), 0);
    ck_assert_int_eq(tmpdir_add_credentials(dir), 0);
}

static void tmp_teardown(void)
{
    tmpdir_remove(dir);
}

static int emu_log = -1; /* the emulator's stderr, -1: inherited */
/* One more option for the emulators a test starts, or NULL: "--no-delta"
 * for a device without compact frames (older firmware, whose replies the
 * host confirms with checkpoint PINGs). */
static const char *emu_mode;

/* Starts awsv2-due-emu with args (NULL-terminated, after the program name). */
static int emu_start(const char *const *args)
{
    char prog[PATH_MAX];
    const char *argv[32] = {child_program(prog, sizeof prog, "awsv2-due-emu")};
    child_args(argv, sizeof argv / sizeof argv[0], 1, args);
    return child_start(&emu, argv, emu_log);
}

static int emu_stop(void)
{
    return child_stop(&emu, SIGTERM, EMU_STOP_MS);
}

static void emu_teardown(void)
{
    child_stop(&glitch, SIGTERM, EMU_STOP_MS);
    emu_stop();
    if (emu_log >= 0)
        close(emu_log);
    emu_log = -1;
    emu_mode = NULL;
}

/* due-glitch with args (NULL-terminated) in front of the running emulator. */
static void glitch_start(const char *const *args)
{
    due_check_glitch(&glitch, args, emu.line);
}

static char *file_in_dir(const char *name)
{
    static char path[4][PATH_MAX];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, PATH_MAX, "%s/%s", dir, name);
    return p;
}

/* The emulator provisioned with the example key, plus options (a1 and a2,
 * each may be NULL) and emu_mode. */
static void start(const char *a1, const char *a2)
{
    const char *args[6] = {"--import-credentials", file_in_dir("credentials")};
    size_t n = 2;
    if (a1)
        args[n++] = a1;
    if (a1 && a2)
        args[n++] = a2;
    if (emu_mode)
        args[n++] = emu_mode;
    args[n] = NULL;
    ck_assert_msg(emu_start(args) == 0, "awsv2-due-emu did not start");
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
    awsv2_signer *s = due_check_open(emu.line, NULL);
    ck_assert_ptr_nonnull(strstr(awsv2_signer_describe(s), "window=16"));
    static char bufs[N][300];
    static awsv2_sign_job jobs[N], *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        jobs[i].len = sts(i, bufs[i], sizeof bufs[i], &jobs[i].hash);
        jobs[i].string_to_sign = bufs[i];
        ptrs[i] = &jobs[i];
    }
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_sign_batch(s, ptrs, N, &err) == AWSV2_OK, "%s", err.message);
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
    awsv2_signer *s = due_check_open(emu.line, "?window=4");
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
    awsv2_signer *s = due_check_open(emu.line, NULL);
    char ids[256];
    awsv2_error err = AWSV2_ERROR_INIT;
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
    awsv2_signer *s = due_check_open(emu.line, NULL);
    const char *bad = "GET\nh\n/\nAWSAccessKeyId=AKIANOTONTHEDEVICE00&SignatureMethod=HmacSHA256";
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_error err = AWSV2_ERROR_INIT;
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
    awsv2_signer *s = due_check_open(emu.line, NULL);
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
    }
    /* The link under the backend, reached without the public checks. */
    awsv2_signer_close(s);
    struct awsv2__due_link *link = NULL;
    ck_assert_int_eq(awsv2__due_link_open(&link, emu.line, 2000, 0, NULL), AWSV2_OK);
    for (size_t i = 0; i < 2; i++) {
        awsv2_sign_job job = {.string_to_sign = bad[i].s, .len = bad[i].len}, *one = &job;
        ck_assert_int_eq(awsv2__due_link_sign(link, &one, 1, NULL), AWSV2_E_INVALID);
        ck_assert_int_eq(job.status, AWSV2_E_INVALID);
    }
    awsv2__due_link_close(link);
    s = due_check_open(emu.line, NULL);
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
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), cases[i].want);
        ck_assert_ptr_null(s);
        ck_assert_msg(strstr(err.message, spec), "'%s' not named in: %s", spec, err.message);
    }
}
END_TEST

/* ---- Keys on the device ------------------------------------------------ */

#define KEY_ID2 "AKIAI44QH8DHBEXAMPLE"
#define SECRET2 "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"

/* Signs a string for key_id on the device and checks the MAC against
 * OpenSSL's with secret: the device holds exactly that key pair. */
static awsv2_status sign_as(awsv2_signer *s, const char *key_id, const char *secret)
{
    char buf[512];
    int len = snprintf(buf, sizeof buf,
                       "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=%s&Action=DescribeRegions"
                       "&SignatureMethod=HmacSHA256&SignatureVersion=2"
                       "&Timestamp=2026-11-21T12%%3A00%%3A00Z&Version=2016-11-15",
                       key_id);
    uint8_t mac[AWSV2_MAC_MAX], want[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    unsigned want_len = 0;
    awsv2_status st = awsv2_signer_sign(s, AWSV2_HMAC_SHA256, buf, (size_t)len, mac, &mac_len,
                                        NULL);
    if (st == AWSV2_OK) {
        HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)buf, (size_t)len,
             want, &want_len);
        ck_assert_uint_eq(mac_len, want_len);
        ck_assert_msg(memcmp(mac, want, want_len) == 0, "wrong MAC for %s", key_id);
    }
    return st;
}

static void expect_ids(awsv2_signer *s, const char *want)
{
    char ids[AWSV2_KEY_IDS_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_key_ids(s, ids, sizeof ids, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(ids, want);
}

/* A refusal by the device: the status, its code, and no secret in the
 * message. */
static void expect_refused(awsv2_status st, const awsv2_error *err, const char *code)
{
    ck_assert_int_eq(st, AWSV2_E_REFUSED);
    ck_assert_int_eq(err->status, AWSV2_E_REFUSED);
    ck_assert_str_eq(err->code, code);
    ck_assert_ptr_nonnull(strstr(err->message, code));
    ck_assert_ptr_null(strstr(err->message, SECRET2));
}

START_TEST(test_key_put_list)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(sign_as(s, KEY_ID2, SECRET2), AWSV2_E_REFUSED); /* not there yet */
    ck_assert_msg(awsv2_signer_key_put(s, KEY_ID2, SECRET2, NULL, &err) == AWSV2_OK, "%s",
                  err.message);
    expect_ids(s, KEY_ID "," KEY_ID2);
    ck_assert_int_eq(sign_as(s, KEY_ID2, SECRET2), AWSV2_OK);
    ck_assert_int_eq(sign_as(s, KEY_ID, SECRET), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_put_refused)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_put(s, KEY_ID, SECRET2, NULL, &err), &err, "key-exists");
    ck_assert_int_eq(sign_as(s, KEY_ID, SECRET), AWSV2_OK); /* the old secret stays */
    /* Longer than the device keeps (88 bytes): the device says so. */
    char long_secret[101];
    memset(long_secret, 'A', sizeof long_secret - 1);
    long_secret[sizeof long_secret - 1] = '\0';
    err = (awsv2_error)AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_put(s, KEY_ID2, long_secret, NULL, &err), &err,
                   "invalid-command");
    expect_ids(s, KEY_ID);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_delete)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_delete(s, KEY_ID2, &err), &err, "unknown-awsaccesskey");
    ck_assert_msg(awsv2_signer_key_delete(s, KEY_ID, &err) == AWSV2_OK, "%s", err.message);
    expect_ids(s, "");
    ck_assert_int_eq(sign_as(s, KEY_ID, SECRET), AWSV2_E_REFUSED);
    err = (awsv2_error)AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_delete(s, KEY_ID, &err), &err, "unknown-awsaccesskey");
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_put_credentials)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    awsv2_credentials *creds = NULL, *no_secret = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, KEY_ID2, SECRET2, NULL, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_credentials_new(&no_secret, KEY_ID2, NULL, NULL, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_put_credentials(s, no_secret, NULL, &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_int_eq(awsv2_signer_key_put_credentials(s, NULL, NULL, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(awsv2_signer_key_put_credentials(s, creds, NULL, &err) == AWSV2_OK, "%s",
                  err.message);
    expect_ids(s, KEY_ID "," KEY_ID2);
    ck_assert_int_eq(sign_as(s, KEY_ID2, SECRET2), AWSV2_OK);
    err = (awsv2_error)AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_put_credentials(s, creds, NULL, &err), &err, "key-exists");
    awsv2_credentials_free(creds);
    awsv2_credentials_free(no_secret);
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_lock)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_lock(s, &err) == AWSV2_OK, "%s", err.message);
    expect_refused(awsv2_signer_key_put(s, KEY_ID2, SECRET2, NULL, &err), &err, "locked");
    err = (awsv2_error)AWSV2_ERROR_INIT;
    expect_refused(awsv2_signer_key_delete(s, KEY_ID, &err), &err, "locked");
    expect_ids(s, KEY_ID);
    ck_assert_int_eq(sign_as(s, KEY_ID, SECRET), AWSV2_OK); /* locked still signs */
    awsv2_signer_close(s);
}
END_TEST

START_TEST(test_key_ids_too_small)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    char ids[sizeof KEY_ID - 1]; /* one byte short */
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_INVALID);
    expect_ids(s, KEY_ID);
    awsv2_signer_close(s);
}
END_TEST

/* Arguments the device could not take fail before anything is written.
 * The proof: the emulator garbles its reply to request 2 (request 1 is the
 * open's PING), and it is the KEYS at the end that gets it. */
START_TEST(test_key_checked_before_sending)
{
    start("--garble-reply", "2");
    awsv2_signer *s = due_check_open(emu.line, NULL);
    char long_id[AWSV2_KEY_ID_SIZE + 1], huge[10000];
    memset(long_id, 'A', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    memset(huge, 'A', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    const char *const bad_ids[] = {NULL, "", "akiaiosfodnn7example", "AKIA IOSFODNN7EXAMPLE",
                                   "AKIA-IOSFODNN7EXAMPLE", long_id};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_key_put(s, bad_ids[i], SECRET2, NULL, &err),
                         AWSV2_E_INVALID);
        ck_assert_ptr_null(strstr(err.message, SECRET2));
        ck_assert_int_eq(awsv2_signer_key_delete(s, bad_ids[i], &err), AWSV2_E_INVALID);
    }
    const char *const bad_secrets[] = {NULL, "", "wJalrXUtnFEMI K7MDENG", "wJalrXUtnFEMI\tK7",
                                       "wJalrXUtnFEMI\nLOCK", huge};
    for (size_t i = 0; i < sizeof bad_secrets / sizeof bad_secrets[0]; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_key_put(s, KEY_ID2, bad_secrets[i], NULL, &err),
                         AWSV2_E_INVALID);
        ck_assert_ptr_null(strstr(err.message, "K7MDENG"));
    }
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[AWSV2_KEY_IDS_SIZE];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_PROTOCOL);
    expect_ids(s, KEY_ID); /* recovered, and nothing was stored or deleted */
    awsv2_signer_close(s);
}
END_TEST

/* A signer without key storage says so to every call that would change
 * keys (it lists the one key it was opened with). */
START_TEST(test_openssl_keys_unavailable)
{
    awsv2_credentials *creds = NULL;
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, KEY_ID, SECRET, NULL, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", creds, &err), AWSV2_OK);
    char ids[AWSV2_KEY_IDS_SIZE];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    ck_assert_int_eq(awsv2_signer_key_put(s, KEY_ID2, SECRET2, NULL, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_key_put_credentials(s, creds, NULL, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_key_delete(s, KEY_ID, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_lock(s, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(err.status, AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_null(strstr(err.message, SECRET));
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);
}
END_TEST

/* A device of our own on a pty that answers PING as a Due does and every
 * other request with one fixed line: replies a real device never sends. */
struct fake_device {
    int master;
    char slave[PATH_MAX];
    const char *answer;
    atomic_int stop;
    pthread_t thread;
};

static void *fake_device_run(void *arg)
{
    struct fake_device *f = arg;
    char req[512];
    size_t n = 0;
    while (!f->stop) {
        struct pollfd pfd = {.fd = f->master, .events = POLLIN};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        char c;
        if (read(f->master, &c, 1) != 1)
            continue;
        if (c != '\0') {
            if (n < sizeof req - 1)
                req[n++] = c;
            continue;
        }
        req[n] = '\0';
        if (strncmp(req, "PING ", 5) == 0)
            dprintf(f->master, "PONG %s\n", req + 5);
        else if (n)
            dprintf(f->master, "%s\n", f->answer);
        n = 0;
    }
    return NULL;
}

static void fake_device_start(struct fake_device *f, const char *answer)
{
    f->answer = answer;
    f->stop = 0;
    f->master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(f->master, 0);
    ck_assert_int_eq(grantpt(f->master), 0);
    ck_assert_int_eq(unlockpt(f->master), 0);
    ck_assert_int_eq(ptsname_r(f->master, f->slave, sizeof f->slave), 0);
    ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_device_run, f), 0);
}

static void fake_device_stop(struct fake_device *f)
{
    f->stop = 1;
    pthread_join(f->thread, NULL);
    close(f->master);
}

START_TEST(test_key_unexpected_replies)
{
    static const char *const answers[] = {"HUH", "KEYS akia", "KEYS A,,B", "KEYS A,", "KEYSA"};
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        struct fake_device f;
        fake_device_start(&f, answers[i]);
        awsv2_signer *s = due_check_open(f.slave, "?timeout_ms=500");
        char ids[AWSV2_KEY_IDS_SIZE];
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_E_PROTOCOL);
        ck_assert_ptr_nonnull(strstr(err.message, "KEYS"));
        if (i == 0) {
            err = (awsv2_error)AWSV2_ERROR_INIT;
            ck_assert_int_eq(awsv2_signer_key_put(s, KEY_ID2, SECRET2, NULL, &err),
                             AWSV2_E_PROTOCOL);
            ck_assert_ptr_nonnull(strstr(err.message, "PUT-KEY"));
            ck_assert_ptr_null(strstr(err.message, SECRET2));
            ck_assert_int_eq(awsv2_signer_key_delete(s, KEY_ID2, &err), AWSV2_E_PROTOCOL);
            ck_assert_ptr_nonnull(strstr(err.message, "DELETE-KEY"));
            ck_assert_int_eq(awsv2_signer_lock(s, &err), AWSV2_E_PROTOCOL);
            ck_assert_ptr_nonnull(strstr(err.message, "LOCK"));
        }
        awsv2_signer_close(s);
        fake_device_stop(&f);
    }
}
END_TEST

/* ---- Faults ------------------------------------------------------------- */

/* Request 1 is the PING at open. With compact frames each sign call is one
 * request, its reply confirmed by its tag, so sign call k is request k + 1;
 * without them (--no-delta) it is a request and the checkpoint PING that
 * confirms its reply, so call k is request 2k. The fault hits the second
 * call; the first and the third succeed. */
static void fault_case(const char *option, const char *value, awsv2_status want)
{
    emu_stop();
    start(option, value);
    awsv2_signer *s = due_check_open(emu.line, "?timeout_ms=300");
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    awsv2_error err = AWSV2_ERROR_INIT;
    long long t0 = now_ms();
    ck_assert_int_eq(sign_one(s, 1, &err), want);
    ck_assert_int_lt(now_ms() - t0, FAULT_TIMEOUT_MS + FAULT_SLACK_MS);
    ck_assert_ptr_nonnull(strstr(err.message, emu.line));
    /* A stalled device may still be busy: the next calls time out, each
     * within its own timeout, until it answers again. */
    awsv2_status st = AWSV2_E_TIMEOUT;
    for (int tries = 0; tries < 20 && st == AWSV2_E_TIMEOUT; tries++) {
        t0 = now_ms();
        st = sign_one(s, 2, &err);
        ck_assert_int_lt(now_ms() - t0, FAULT_TIMEOUT_MS + FAULT_SLACK_MS);
    }
    ck_assert_msg(st == AWSV2_OK, "after the fault: %s", err.message);
    ck_assert_int_eq(sign_one(s, 3, &err), AWSV2_OK);
    awsv2_signer_close(s);
}

/* Without compact frames the checkpoint's PONG arrives in the lost reply's
 * place: found at once. With them nothing more comes for a lone request:
 * its timeout. */
START_TEST(test_drop_reply)
{
    fault_case("--drop-reply", "3", AWSV2_E_TIMEOUT);
    emu_mode = "--no-delta";
    fault_case("--drop-reply", "4", AWSV2_E_PROTOCOL);
    emu_mode = NULL;
}
END_TEST

START_TEST(test_garble_reply)
{
    fault_case("--garble-reply", "3", AWSV2_E_PROTOCOL);
    emu_mode = "--no-delta";
    fault_case("--garble-reply", "4", AWSV2_E_PROTOCOL);
    emu_mode = NULL;
}
END_TEST

START_TEST(test_stall)
{
    fault_case("--stall", "3:1000", AWSV2_E_TIMEOUT);
    emu_mode = "--no-delta";
    fault_case("--stall", "4:1000", AWSV2_E_TIMEOUT);
    emu_mode = NULL;
}
END_TEST

/* The pty closes after request 3 (the second sign call, a compact frame);
 * the emulator comes back on the same symlink with the same keystore (the
 * keys persisted: no import), and compact frames start over. */
START_TEST(test_close_after)
{
    const char *link = file_in_dir("due"), *store = file_in_dir("keystore");
    const char *args[] = {"--import-credentials", file_in_dir("credentials"), "--keystore", store,
                          "--symlink", link, "--close-after", "3", NULL};
    ck_assert_int_eq(emu_start(args), 0);
    awsv2_signer *s = due_check_open(link, "?timeout_ms=300");
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK);
    /* Request 3 is answered before the pty goes. */
    ck_assert_int_eq(sign_one(s, 1, NULL), AWSV2_OK);
    ck_assert_int_eq(child_wait(&emu, EMU_STOP_MS), 0); /* it exits by itself */
    awsv2_error err = AWSV2_ERROR_INIT;
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
    awsv2_signer *s = due_check_open(emu.line, "?timeout_ms=300&window=8");
    static char bufs[N][300];
    static awsv2_sign_job jobs[N], *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        jobs[i].len = sts(i, bufs[i], sizeof bufs[i], &jobs[i].hash);
        jobs[i].string_to_sign = bufs[i];
        ptrs[i] = &jobs[i];
    }
    ck_assert_int_ne(awsv2_signer_sign_batch(s, ptrs, N, NULL), AWSV2_OK);
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

/* ---- A hostile device --------------------------------------------------
 * Replies carry no request id, so a line too many or too few could hand one
 * request another's reply: each success must be the OpenSSL HMAC of its own
 * string, whatever the device does, and everything else an error. */

static void *glitch_work(void *arg)
{
    struct due_worker *w = arg;
    for (size_t i = w->first; i < w->first + w->n; i++) {
        char buf[512];
        awsv2_hash hash;
        size_t len = sts(i, buf, sizeof buf, &hash), mac_len = 0;
        uint8_t mac[AWSV2_MAC_MAX], want[EVP_MAX_MD_SIZE];
        unsigned want_len = 0;
        if (awsv2_signer_sign(w->s, hash, buf, len, mac, &mac_len, NULL) != AWSV2_OK) {
            w->failed++;
            continue;
        }
        HMAC(hash == AWSV2_HMAC_SHA1 ? EVP_sha1() : EVP_sha256(), SECRET, (int)strlen(SECRET),
             (const unsigned char *)buf, len, want, &want_len);
        if (mac_len == want_len && memcmp(mac, want, want_len) == 0)
            w->ok++;
        else
            w->wrong++;
    }
    return NULL;
}

/* Threads pipelining single signatures, then batches, through due-glitch
 * with args; returns how many succeeded (every one with its own MAC). */
static size_t glitch_case(const char *const *args, size_t *failed)
{
    enum { THREADS = 8, EACH = 40, BATCH = 64 };
    start(NULL, NULL);
    glitch_start(args);
    awsv2_signer *s = due_check_open(glitch.line, "?timeout_ms=1000");
    struct due_worker sum;
    due_check_workers(glitch_work, s, THREADS, EACH, &sum);
    size_t ok = sum.ok, wrong = sum.wrong;
    *failed = sum.failed;
    static char bufs[BATCH][300];
    static awsv2_sign_job jobs[BATCH], *ptrs[BATCH];
    for (size_t i = 0; i < BATCH; i++) {
        jobs[i] = (awsv2_sign_job){0};
        jobs[i].len = sts(1000 + i, bufs[i], sizeof bufs[i], &jobs[i].hash);
        jobs[i].string_to_sign = bufs[i];
        ptrs[i] = &jobs[i];
    }
    awsv2_signer_sign_batch(s, ptrs, BATCH, NULL);
    for (size_t i = 0; i < BATCH; i++) {
        if (jobs[i].status != AWSV2_OK) {
            ++*failed;
            continue;
        }
        expect_mac(bufs[i], jobs[i].len, jobs[i].hash, jobs[i].mac, jobs[i].mac_len);
        ok++;
    }
    ck_assert_msg(wrong == 0, "%zu signatures of other requests returned as successes", wrong);
    awsv2_signer_close(s);
    return ok;
}

/* Every reply line twice: each duplicate lands where the next request's
 * reply belongs, so nothing may succeed on the duplicates' word. */
START_TEST(test_glitch_double)
{
    const char *args[] = {"--double", NULL};
    size_t failed;
    glitch_case(args, &failed);
    ck_assert_uint_gt(failed, 0);
}
END_TEST

START_TEST(test_glitch_drop)
{
    const char *args[] = {"--drop", "7", NULL};
    size_t failed, ok = glitch_case(args, &failed);
    ck_assert_uint_gt(failed, 0);
    ck_assert_uint_gt(ok, 0); /* the link recovers between the losses */
}
END_TEST

START_TEST(test_glitch_double_drop)
{
    const char *args[] = {"--double", "--drop", "3", NULL};
    size_t failed;
    glitch_case(args, &failed);
    ck_assert_uint_gt(failed, 0);
}
END_TEST

/* A stale reply buffer: now and then the device loses a reply and sends the
 * line before it again in its place. One line lost and one repeated leave
 * the count right, so only a checkpoint after every request catches it. */
START_TEST(test_glitch_stale)
{
    const char *args[] = {"--stale", "3", NULL};
    size_t failed, ok = glitch_case(args, &failed);
    ck_assert_uint_gt(failed, 0);
    ck_assert_uint_gt(ok, 0);
}
END_TEST

/* The same without compact frames: only a checkpoint after every request
 * catches it there. */
START_TEST(test_glitch_stale_whole)
{
    const char *args[] = {"--stale", "3", NULL};
    emu_mode = "--no-delta";
    size_t failed, ok = glitch_case(args, &failed);
    ck_assert_uint_gt(failed, 0);
    ck_assert_uint_gt(ok, 0);
}
END_TEST

/* Opens the emulator's log (--verbose) to read it. */
static char *read_log(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char text[4 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static size_t count(const char *text, const char *word)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, word)); p += strlen(word))
        n++;
    return n;
}

static void log_to(const char *path)
{
    emu_log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(emu_log, 0);
}

/* Bit errors on the way to the device: a compact frame carries its
 * request's CRC-32, so a damaged one is refused (delta-checksum, or an
 * edit that does not fit) and sent again whole, and the frames after it,
 * whose reference the device dropped, too (delta-reference). Never a MAC
 * of a string the host did not send. */
START_TEST(test_glitch_flip)
{
    const char *log = file_in_dir("emu.log");
    const char *verbose[] = {"--verbose", NULL};
    log_to(log);
    emu_mode = verbose[0];
    const char *args[] = {"--flip", "1999", NULL};
    size_t failed, ok = glitch_case(args, &failed);
    char *text = read_log(log);
    ck_assert_uint_gt(ok, failed);
    ck_assert_uint_gt(count(text, "ERROR delta-checksum") + count(text, "ERROR delta-invalid"), 0);
}
END_TEST

/* A random run of strings to sign shaped like pipelined calls: mostly the
 * parameters of the one before with a value or two changed, a parameter
 * added or dropped now and then, now and then another host or hash. */
struct run {
    unsigned seed, filters, t;
    bool volumes, sha1, sqs;
};

static size_t random_sts(struct run *r, char *buf, size_t cap, awsv2_hash *hash)
{
    unsigned x = (unsigned)rand_r(&r->seed);
    if (x % 9 == 0)
        r->filters = (unsigned)rand_r(&r->seed) % 4;
    r->volumes ^= x % 7 == 0;
    r->sha1 ^= x % 13 == 0;
    r->sqs ^= x % 29 == 0;
    r->t += (unsigned)rand_r(&r->seed) % 3;
    *hash = r->sha1 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
    size_t n = (size_t)snprintf(buf, cap, "GET\n%s\n/\nAWSAccessKeyId=" KEY_ID "&Action=%s",
                                r->sqs ? "sqs.us-west-2.amazonaws.com" : "ec2.amazonaws.com",
                                r->volumes ? "DescribeVolumes" : "DescribeInstances");
    for (unsigned f = 1; f <= r->filters; f++)
        n += (size_t)snprintf(buf + n, cap - n, "&Filter.%u.Name=tag%%3AName&Filter.%u.Value.1=w%u",
                              f, f, (unsigned)rand_r(&r->seed) % 1000);
    n += (size_t)snprintf(buf + n, cap - n,
                          "&InstanceId.1=i-%08x&SignatureMethod=%s&SignatureVersion=2"
                          "&Timestamp=2026-11-21T%02u%%3A%02u%%3A%02uZ&Version=2016-11-15",
                          (unsigned)rand_r(&r->seed), awsv2_hash_name(*hash), r->t / 3600 % 24,
                          r->t / 60 % 60, r->t % 60);
    return n;
}

/* Signs random runs one at a time and in batches through a device started
 * with mode; every MAC must be OpenSSL's. Returns the emulator's log. */
static char *random_runs(const char *mode)
{
    enum { SINGLE = 150, BATCH = 100, BATCHES = 3 };
    const char *log = file_in_dir("emu.log");
    log_to(log);
    emu_mode = mode;
    start("--verbose", NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    struct run r = {.seed = 16};
    for (size_t i = 0; i < SINGLE; i++) {
        char buf[600];
        awsv2_hash hash;
        size_t len = random_sts(&r, buf, sizeof buf, &hash), mac_len = 0;
        uint8_t mac[AWSV2_MAC_MAX];
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign(s, hash, buf, len, mac, &mac_len, &err) == AWSV2_OK,
                      "%s", err.message);
        expect_mac(buf, len, hash, mac, mac_len);
    }
    static char bufs[BATCH][600];
    static awsv2_sign_job jobs[BATCH], *ptrs[BATCH];
    for (size_t b = 0; b < BATCHES; b++) {
        for (size_t i = 0; i < BATCH; i++) {
            jobs[i] = (awsv2_sign_job){.size = sizeof jobs[i]};
            jobs[i].len = random_sts(&r, bufs[i], sizeof bufs[i], &jobs[i].hash);
            jobs[i].string_to_sign = bufs[i];
            ptrs[i] = &jobs[i];
        }
        ck_assert_int_eq(awsv2_signer_sign_batch(s, ptrs, BATCH, NULL), AWSV2_OK);
        for (size_t i = 0; i < BATCH; i++)
            expect_mac(bufs[i], jobs[i].len, jobs[i].hash, jobs[i].mac, jobs[i].mac_len);
    }
    awsv2_signer_close(s);
    ck_assert_int_eq(emu_stop(), 0);
    return read_log(log);
}

/* The device offers compact frames: every signature goes as one. */
START_TEST(test_compact_random)
{
    char *text = random_runs(NULL);
    ck_assert_uint_eq(count(text, "-> D "), 150 + 3 * 100);
    ck_assert_uint_eq(count(text, "-> D 1 SUCCESS"), 1); /* one run of tags, from 1 */
    ck_assert_uint_eq(count(text, "ERROR delta-"), 0);
}
END_TEST

/* Firmware without them (--no-delta): whole requests, each confirmed by a
 * checkpoint PING, as before. */
START_TEST(test_compact_old_firmware)
{
    char *text = random_runs("--no-delta");
    ck_assert_uint_eq(count(text, "-> D "), 0);
    ck_assert_uint_eq(count(text, "SIGN-AWS-V2 -> SUCCESS"), 150 + 3 * 100);
    ck_assert_uint_ge(count(text, "PING -> PONG"), 150 + 3 * 100);
}
END_TEST

/* A device that trickles its reply, byte by byte, holds no request past
 * its timeout: not the first one, nor the next, whose recovery meets the
 * rest of the trickle. */
START_TEST(test_glitch_trickle)
{
    start(NULL, NULL);
    const char *args[] = {"--trickle", "50", NULL};
    glitch_start(args);
    awsv2_signer *s = due_check_open(glitch.line, "?timeout_ms=300");
    for (size_t i = 0; i < 3; i++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        long long t0 = now_ms();
        ck_assert_int_eq(sign_one(s, i, &err), AWSV2_E_TIMEOUT);
        long long took = now_ms() - t0;
        ck_assert_msg(took < FAULT_TIMEOUT_MS + FAULT_SLACK_MS, "request %zu took %lld ms", i,
                      took);
        ck_assert_msg(strstr(err.message, "300 ms") != NULL, "request %zu: %s", i,
                      err.message);
    }
    awsv2_signer_close(s);
}
END_TEST

/* ---- One host per device ------------------------------------------------ */

static void expect_in_use(const char *path, pid_t owner)
{
    char spec[PATH_MAX + 16], comm[64] = "", pid[32];
    snprintf(spec, sizeof spec, "due:%s", path);
    snprintf(pid, sizeof pid, "pid %ld", (long)owner);
    FILE *f = fopen("/proc/self/comm", "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(comm, sizeof comm, f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    long long t0 = now_ms();
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_E_DEVICE);
    ck_assert_int_lt(now_ms() - t0, 1000); /* at once, no PING tried */
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.message, "in use") && strstr(err.message, pid) &&
                      strstr(err.message, comm),
                  "owner (%s, %s) not named: %s", pid, comm, err.message);
}

/* A second signer on the same device, in this process or another (the
 * tests run as root in CI, where TIOCEXCL does not stop anyone), is refused
 * at once and told who holds it; once closed, the device opens again. */
START_TEST(test_exclusive)
{
    start(NULL, NULL);
    awsv2_signer *s = due_check_open(emu.line, NULL);
    expect_in_use(emu.line, getpid());
    ck_assert_int_eq(sign_one(s, 0, NULL), AWSV2_OK); /* the owner is undisturbed */
    awsv2_signer_close(s);

    int ready[2], done[2];
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(done), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char c, spec[PATH_MAX + 8];
        awsv2_signer *mine = NULL;
        close(done[1]); /* its end of file is the parent's "done" */
        snprintf(spec, sizeof spec, "due:%s", emu.line);
        c = awsv2_signer_open(&mine, spec, NULL, NULL) == AWSV2_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || read(done[0], &c, 1) < 0)
            _exit(1);
        awsv2_signer_close(mine);
        _exit(0);
    }
    char c = 0;
    close(done[0]);
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    expect_in_use(emu.line, pid);
    close(done[1]);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    s = due_check_open(emu.line, NULL);
    ck_assert_int_eq(sign_one(s, 1, NULL), AWSV2_OK);
    awsv2_signer_close(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("due");
    const struct check_test tests[] = {
        {"pipelined_10000", test_pipelined_10000},
        {"threads", test_threads},
        {"key_ids", test_key_ids},
        {"unknown_key_refused", test_unknown_key_refused},
        {"smuggling_refused", test_smuggling_refused},
        {"spec_errors", test_spec_errors},
        {"key_put_list", test_key_put_list},
        {"key_put_refused", test_key_put_refused},
        {"key_delete", test_key_delete},
        {"key_put_credentials", test_key_put_credentials},
        {"key_lock", test_key_lock},
        {"key_ids_too_small", test_key_ids_too_small},
        {"key_checked_before_sending", test_key_checked_before_sending},
        {"openssl_keys_unavailable", test_openssl_keys_unavailable},
        {"key_unexpected_replies", test_key_unexpected_replies},
        {"drop_reply", test_drop_reply},
        {"garble_reply", test_garble_reply},
        {"stall", test_stall},
        {"close_after", test_close_after},
        {"pipelined_drop", test_pipelined_drop},
        {"pipelined_garble", test_pipelined_garble},
        {"glitch_double", test_glitch_double},
        {"glitch_drop", test_glitch_drop},
        {"glitch_double_drop", test_glitch_double_drop},
        {"glitch_stale", test_glitch_stale},
        {"glitch_stale_whole", test_glitch_stale_whole},
        {"glitch_flip", test_glitch_flip},
        {"compact_random", test_compact_random},
        {"compact_old_firmware", test_compact_old_firmware},
        {"glitch_trickle", test_glitch_trickle},
        {"exclusive", test_exclusive},
    };
    static const struct check_fixtures f = {
        .unchecked_setup = tmp_setup,
        .unchecked_teardown = tmp_teardown,
        .teardown = emu_teardown,
        .timeout = 120,
    };
    check_add_tests(s, tests, sizeof tests / sizeof tests[0], &f);
    return s;
}

int main(void)
{
    return check_run(suite());
}
