/* SigV4 through the due: backend: SIGN-AWS-V4 to awsv2-due-emu on a pty for
 * every presigned-GET and POST vector of tests/core/sigv4.jsonl (botocore's
 * signatures are the oracle), pipelined from threads alongside SigV2; the
 * 8192-byte limit refused on the host; the device's own refusals. Expected
 * values come from the vectors or from OpenSSL's SHA256()/HMAC(). The
 * vectors go as compact frames, and whole to firmware without them. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "../common/due_check.h"
#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "child.h"
#include "due_link.h"
#include "job4.h"
#include "sigv4_vectors.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMU_STOP_MS 5000
#define MAX_VECTORS 64

/* One vector the device can sign: its scope, what is sent and botocore's
 * signature. */
struct vector {
    const char *name, *key_id, *region, *service, *payload, *signature, *timestamp, *cr;
    bool post;
};

static struct vector vec[MAX_VECTORS];
static size_t nvec;

static char dir[512];
static struct child emu;
static awsv2_signer *signer;

static void load_vectors(void)
{
    const sigv4_vector *all;
    size_t n = sigv4_vectors(&all);
    for (size_t i = 0; i < n && nvec < MAX_VECTORS; i++) {
        const sigv4_vector *v = &all[i];
        bool post = strcmp(v->kind, "post-authorization") == 0;
        if ((!post && strcmp(v->kind, "presigned-get") != 0) || strcmp(v->key_id, KEY_ID) != 0 ||
            strcmp(v->secret, SECRET) != 0)
            continue;
        vec[nvec++] = (struct vector){
            .name = v->name,
            .key_id = v->key_id,
            .region = v->region,
            .service = v->service,
            /* A presigned GET hashes its empty body (botocore names
             * e3b0...: no UNSIGNED-PAYLOAD), so it sends an empty payload. */
            .payload = post ? v->body : "",
            .signature = v->signature,
            .timestamp = v->timestamp,
            .post = post,
            .cr = v->signed_request,
        };
    }
}

static void setup(void)
{
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "due-sigv4"), 0);
    ck_assert_int_eq(tmpdir_add_credentials(dir), 0);
    char prog[PATH_MAX], creds[PATH_MAX + 16];
    snprintf(creds, sizeof creds, "%s/credentials", dir);
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-due-emu"),
                          "--import-credentials", creds, NULL};
    ck_assert_msg(child_start(&emu, argv, -1) == 0, "awsv2-due-emu did not start");
    char spec[PATH_MAX + 8];
    snprintf(spec, sizeof spec, "due:%s", emu.line);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_open(&signer, spec, NULL, &err) == AWSV2_OK, "%s", err.message);
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    signer = NULL;
    child_stop(&emu, SIGTERM, EMU_STOP_MS);
    tmpdir_remove(dir);
}

static awsv2_sign4_job job_of(const struct vector *v)
{
    return job4(v->key_id, v->region, v->service, v->cr, v->payload);
}

static bool signature_is(const awsv2_sign4_job *job, const char *hex)
{
    char got[2 * AWSV2_SIGV4_SIZE + 1];
    awsv2_hex_encode(job->signature, AWSV2_SIGV4_SIZE, got);
    return strcmp(got, hex) == 0;
}

START_TEST(test_vectors)
{
    ck_assert_uint_ge(nvec, 8);
    size_t posts = 0;
    for (size_t i = 0; i < nvec; i++) {
        awsv2_sign4_job job = job_of(&vec[i]);
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign4(signer, &job, &err) == AWSV2_OK, "%s: %s", vec[i].name,
                      err.message);
        ck_assert_int_eq(job.status, AWSV2_OK);
        ck_assert_msg(signature_is(&job, vec[i].signature), "%s: wrong signature", vec[i].name);
        posts += vec[i].post;
    }
    ck_assert_uint_ge(posts, 2);
    ck_assert_uint_ge(nvec - posts, 2);
}
END_TEST

static void expected(const char *cr, const char *amz_date, const char *region,
                     const char *service, char out[65]);

/* A presigned GET whose last line is UNSIGNED-PAYLOAD goes without a
 * payload; the expected signature is computed here. */
START_TEST(test_unsigned_payload)
{
    for (size_t i = 0; i < nvec; i++) {
        if (vec[i].post)
            continue;
        char *cr = strdup(vec[i].cr), *last = strrchr(cr, '\n'), want[65];
        ck_assert_ptr_nonnull(last);
        size_t cap = strlen(cr) + 32;
        char *unsigned_cr = malloc(cap);
        ck_assert_ptr_nonnull(unsigned_cr);
        snprintf(unsigned_cr, cap, "%.*s\nUNSIGNED-PAYLOAD", (int)(last - cr), cr);
        awsv2_sign4_job job = job_of(&vec[i]);
        job.canonical_request = unsigned_cr;
        job.canonical_request_len = strlen(unsigned_cr);
        job.payload = NULL;
        job.payload_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign4(signer, &job, &err) == AWSV2_OK, "%s: %s", vec[i].name,
                      err.message);
        expected(unsigned_cr, vec[i].timestamp, vec[i].region, vec[i].service, want);
        ck_assert_msg(signature_is(&job, want), "%s: wrong signature", vec[i].name);
        free(unsigned_cr);
        free(cr);
    }
}
END_TEST

struct worker {
    size_t first;
    int wrong;
};

/* SigV4 vectors and SigV2 strings interleaved in one pipeline. */
static void *work(void *arg)
{
    struct worker *w = arg;
    for (size_t k = 0; k < 60; k++) {
        const struct vector *v = &vec[(w->first + k) % nvec];
        awsv2_sign4_job job = job_of(v);
        if (awsv2_signer_sign4(signer, &job, NULL) != AWSV2_OK || !signature_is(&job, v->signature))
            w->wrong++;
        char sts[256];
        int n = snprintf(sts, sizeof sts,
                         "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" KEY_ID
                         "&Action=DescribeRegions&Marker=%zu&SignatureMethod=HmacSHA256", k);
        uint8_t mac[AWSV2_MAC_MAX], want[32];
        size_t mac_len = 0;
        unsigned want_len = 0;
        HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)sts, (size_t)n,
             want, &want_len);
        if (awsv2_signer_sign(signer, AWSV2_HMAC_SHA256, sts, (size_t)n, mac, &mac_len, NULL) ||
            mac_len != 32 || memcmp(mac, want, 32) != 0)
            w->wrong++;
    }
    return NULL;
}

START_TEST(test_threads_mixed)
{
    enum { THREADS = 6 };
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.first = i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].wrong, 0);
    }
}
END_TEST

/* The expected signature of a canonical request, by the OpenSSL oracle. */
static void expected(const char *cr, const char *amz_date, const char *region,
                     const char *service, char out[65])
{
    sigv4_oracle_sign(SECRET, amz_date, region, service, cr, strlen(cr), NULL, out);
}

#define HOST "ec2.eu-central-1.amazonaws.com"
#define AMZ_DATE "20261121T120000Z"
#define LINE "SIGN-AWS-V4 " KEY_ID " eu-central-1 ec2\n"

/* A POST whose whole SIGN-AWS-V4 request is total bytes (before the NUL):
 * its form body padded to fit. */
static void post_of_size(size_t total, char *cr, size_t cr_cap, char *body)
{
    static const char head[] = "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; "
                               "charset=utf-8\nhost:" HOST "\nx-amz-date:" AMZ_DATE
                               "\n\ncontent-type;host;x-amz-date\n";
    size_t fixed = strlen(LINE) + strlen(head) + 64 + 1; /* + hash, '\n' */
    ck_assert_uint_gt(total, fixed + 64);
    size_t body_len = total - fixed;
    static const char start[] = "Action=DescribeInstances&Version=2016-11-15&Marker=";
    memcpy(body, start, strlen(start));
    memset(body + strlen(start), 'a', body_len - strlen(start));
    body[body_len] = '\0';
    char hash[65];
    sigv4_sha256_hex(body, body_len, hash);
    ck_assert_int_lt(snprintf(cr, cr_cap, "%s%s", head, hash), (int)cr_cap);
}

/* 8192 bytes is the device's limit, before the NUL: exactly that much is
 * signed; one byte more is refused on the host and never written. */
START_TEST(test_request_limit)
{
    static char cr[1024], body[AWSV2__DUE_REQUEST_MAX + 16];
    char want[65];
    for (size_t total = AWSV2__DUE_REQUEST_MAX - 1; total <= AWSV2__DUE_REQUEST_MAX + 1; total++) {
        post_of_size(total, cr, sizeof cr, body);
        awsv2_sign4_job job = job4(KEY_ID, "eu-central-1", "ec2", cr, body);
        ck_assert_uint_eq(strlen(LINE) + job.canonical_request_len + 1 + job.payload_len, total);
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = awsv2_signer_sign4(signer, &job, &err);
        if (total <= AWSV2__DUE_REQUEST_MAX) {
            ck_assert_msg(st == AWSV2_OK, "%zu bytes: %s", total, err.message);
            expected(cr, AMZ_DATE, "eu-central-1", "ec2", want);
            ck_assert(signature_is(&job, want));
        } else {
            ck_assert_int_eq(st, AWSV2_E_INVALID);
            ck_assert_int_eq(job.status, AWSV2_E_INVALID);
            ck_assert_str_eq(err.code, "message-too-long");
            ck_assert_ptr_nonnull(strstr(err.message, "8192"));
        }
    }
    /* The link is in step: nothing half-sent needed a resync. */
    ck_assert_int_eq(awsv2_signer_ping(signer, NULL), AWSV2_OK);
}
END_TEST

/* What only the device can tell: a payload that is not the one the
 * canonical request hashes, and a key it does not hold. */
START_TEST(test_device_refusals)
{
    static char cr[1024], body[512];
    post_of_size(600, cr, sizeof cr, body);
    awsv2_sign4_job job = job4(KEY_ID, "eu-central-1", "ec2", cr,
                               "Action=DescribeInstances&Version=2016-11-15&Marker=b");
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign4(signer, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "payload-mismatch");

    job.payload = body;
    job.payload_len = strlen(body);
    job.key_id = "AKIAI44QH8DHBEXAMPLE";
    err = (awsv2_error)AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign4(signer, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "unknown-awsaccesskey");

    job.key_id = KEY_ID;
    ck_assert_int_eq(awsv2_signer_sign4(signer, &job, &err), AWSV2_OK);
}
END_TEST

/* The link under the backend, reached without the library's checks: a NUL
 * or a space that would smuggle a command or shift the scope's words is
 * never written. */
START_TEST(test_link_refuses_smuggling)
{
    awsv2_signer_close(signer);
    signer = NULL;
    struct awsv2__due_link *link = NULL;
    ck_assert_int_eq(awsv2__due_link_open(&link, emu.line, 2000, 0, NULL), AWSV2_OK);
    const struct vector *v = &vec[0];
    static const char nul_cr[] = "GET\n/\n\0DELETE-KEY " KEY_ID;
    for (int i = 0; i < 3; i++) {
        awsv2_sign4_job job = job_of(v);
        if (i == 0) {
            job.canonical_request = nul_cr;
            job.canonical_request_len = sizeof nul_cr - 1;
        } else if (i == 1) {
            job.region = "eu-central-1 ec2";
        } else {
            job.payload = "a\0LOCK";
            job.payload_len = 6;
        }
        ck_assert_int_eq(awsv2__due_link_sign4(link, &job, NULL), AWSV2_E_INVALID);
    }
    awsv2_sign4_job job = job_of(v);
    ck_assert_int_eq(awsv2__due_link_sign4(link, &job, NULL), AWSV2_OK);
    ck_assert(signature_is(&job, v->signature));
    char ids[256];
    ck_assert_int_eq(awsv2__due_link_command(link, "KEYS", ids, sizeof ids, NULL), AWSV2_OK);
    ck_assert_str_eq(ids, "KEYS " KEY_ID);
    awsv2__due_link_close(link);
}
END_TEST

static void *glitch_work(void *arg)
{
    struct due_worker *w = arg;
    for (size_t k = 0; k < 30; k++) {
        const struct vector *v = &vec[(w->first + k) % nvec];
        awsv2_sign4_job job = job_of(v);
        if (awsv2_signer_sign4(w->s, &job, NULL) != AWSV2_OK)
            w->failed++;
        else if (!signature_is(&job, v->signature))
            w->wrong++;
    }
    return NULL;
}

/* A device that repeats and loses reply lines (due-glitch, as in test_due)
 * never gets one SigV4 request another's signature accepted. */
START_TEST(test_glitch)
{
    enum { THREADS = 6 };
    awsv2_signer_close(signer);
    signer = NULL;
    struct child glitch;
    static const char *const args[] = {"--double", "--drop", "5", NULL};
    due_check_glitch(&glitch, args, emu.line);
    signer = due_check_open(glitch.line, "?timeout_ms=1000");
    struct due_worker sum;
    due_check_workers(glitch_work, signer, THREADS, 1, &sum);
    size_t wrong = sum.wrong, failed = sum.failed;
    awsv2_signer_close(signer);
    signer = NULL;
    child_stop(&glitch, SIGTERM, EMU_STOP_MS);
    ck_assert_msg(wrong == 0, "%zu signatures of other requests returned as successes", wrong);
    ck_assert_uint_gt(failed, 0);
}
END_TEST

/* The vectors, twice over, through a device started with mode (NULL, or
 * "--no-delta" for firmware without compact frames); returns how many of
 * its log lines contain what. */
static size_t sign_logged(const char *mode, const char *what)
{
    char prog[PATH_MAX], creds[PATH_MAX + 16], log[PATH_MAX + 16], spec[PATH_MAX + 8];
    snprintf(creds, sizeof creds, "%s/credentials", dir);
    snprintf(log, sizeof log, "%s/emu.log", dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-due-emu"), "--verbose",
                          "--import-credentials", creds, mode, NULL};
    struct child e;
    ck_assert_msg(child_start(&e, argv, fd) == 0, "awsv2-due-emu did not start");
    close(fd);
    snprintf(spec, sizeof spec, "due:%s", e.line);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_open(&s, spec, NULL, &err) == AWSV2_OK, "%s", err.message);
    for (size_t i = 0; i < 2 * nvec; i++) {
        awsv2_sign4_job job = job_of(&vec[i % nvec]);
        ck_assert_msg(awsv2_signer_sign4(s, &job, &err) == AWSV2_OK, "%s", err.message);
        ck_assert_msg(signature_is(&job, vec[i % nvec].signature), "%s: wrong signature",
                      vec[i % nvec].name);
    }
    awsv2_signer_close(s);
    ck_assert_int_eq(child_stop(&e, SIGTERM, EMU_STOP_MS), 0);
    static char text[1 << 20];
    FILE *f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* Compact frames carry SIGN-AWS-V4 too (the canonical request and its
 * payload): every vector's signature is botocore's either way. */
START_TEST(test_compact_frames)
{
    ck_assert_uint_eq(sign_logged(NULL, "SIGN-AWS-V4 -> D "), 2 * nvec);
    ck_assert_uint_eq(sign_logged("--no-delta", "SIGN-AWS-V4 -> SUCCESS"), 2 * nvec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("due_sigv4");
    const struct check_test tests[] = {
        {"vectors", test_vectors},
        {"unsigned_payload", test_unsigned_payload},
        {"threads_mixed", test_threads_mixed},
        {"request_limit", test_request_limit},
        {"device_refusals", test_device_refusals},
        {"link_refuses_smuggling", test_link_refuses_smuggling},
        {"glitch", test_glitch},
        {"compact_frames", test_compact_frames},
    };
    static const struct check_fixtures f = {.setup = setup, .teardown = teardown, .timeout = 120};
    check_add_tests(s, tests, sizeof tests / sizeof tests[0], &f);
    return s;
}

int main(void)
{
    load_vectors();
    return check_run(suite());
}
