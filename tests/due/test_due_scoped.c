/* The scoped key through the due: backend (due:PTY?scoped_key=1) against
 * awsv2-due-emu on a pty: every vector of tests/core/sigv4.jsonl signs to
 * botocore's signature with a key whose policy has scoped-key=1; a scope
 * is asked for once (DERIVE-AWS-V4 counted in the emulator's --verbose
 * log), from any number of threads; without scoped-key=1 the backend
 * falls back to SIGN-AWS-V4 and still signs right; the payload is still
 * checked; neither the secret nor any kSigning appears in the log. Expected
 * values come from the vectors or from OpenSSL (sigv4_oracle_*). */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "child.h"
#include "job4.h"
#include "sigv4_vectors.h"
#include "tmpdir.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMU_STOP_MS 5000
#define THREADS 4

static char dir[512], log_path[PATH_MAX];
static struct child emu;
static awsv2_signer *signer;

static void setup(void)
{
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "due-scoped"), 0);
    snprintf(log_path, sizeof log_path, "%s/emu.log", dir);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    ck_assert_int_ge(fd, 0);
    char prog[PATH_MAX];
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-due-emu"), "--verbose", NULL};
    ck_assert_msg(child_start(&emu, argv, fd) == 0, "awsv2-due-emu did not start");
    close(fd);
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    signer = NULL;
    child_stop(&emu, SIGTERM, EMU_STOP_MS);
    tmpdir_remove(dir);
}

/* Opens the scoped signer and stores the example key with policy. */
static void open_with_policy(const char *policy)
{
    char spec[PATH_MAX + 32];
    snprintf(spec, sizeof spec, "due:%s?scoped_key=1", emu.line);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_signer_open(&signer, spec, NULL, &err) == AWSV2_OK, "%s", err.message);
    awsv2_key_policy *p = NULL;
    ck_assert_int_eq(awsv2_key_policy_new(&p, NULL), AWSV2_OK);
    if (*policy)
        ck_assert_int_eq(awsv2_key_policy_set(p, "scoped-key", policy, &err), AWSV2_OK);
    ck_assert_msg(awsv2_signer_key_put(signer, KEY_ID, SECRET, p, &err) == AWSV2_OK, "%s",
                  err.message);
    awsv2_key_policy_free(p);
}

/* The emulator's log so far, and how many lines name command. */
static char *read_log(void)
{
    FILE *f = fopen(log_path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int occurrences(const char *pat)
{
    int n = 0;
    for (const char *s = read_log(); (s = strstr(s, pat)); s++)
        n++;
    return n;
}

static int count(const char *command)
{
    char pat[64];
    snprintf(pat, sizeof pat, ": %s -> ", command);
    return occurrences(pat);
}

static bool signature_is(const awsv2_sign4_job *job, const char *hex)
{
    char got[2 * AWSV2_SIGV4_SIZE + 1];
    awsv2_hex_encode(job->signature, AWSV2_SIGV4_SIZE, got);
    return strcmp(got, hex) == 0;
}

/* Every presigned-GET and POST vector of the example key. */
static void sign_vectors(void)
{
    const sigv4_vector *v;
    size_t n = sigv4_vectors(&v), seen = 0;
    for (size_t i = 0; i < n; i++) {
        bool post = strcmp(v[i].kind, "post-authorization") == 0;
        if ((!post && strcmp(v[i].kind, "presigned-get") != 0) || !v[i].signed_request ||
            strcmp(v[i].key_id, KEY_ID) != 0 || strcmp(v[i].secret, SECRET) != 0)
            continue;
        awsv2_sign4_job job = job4(KEY_ID, v[i].region, v[i].service, v[i].signed_request,
                                   post ? v[i].body : "");
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_signer_sign4(signer, &job, &err) == AWSV2_OK, "%s: %s", v[i].name,
                      err.message);
        ck_assert_msg(signature_is(&job, v[i].signature), "%s: wrong signature", v[i].name);
        seen++;
    }
    ck_assert_uint_ge(seen, 8);
}

/* Requests dated tomorrow (UTC), whose keys stay cached through the test:
 * a POST of body for each scope. */
static const char *scopes[][2] = {{"eu-central-1", "ec2"}, {"us-east-1", "sqs"},
                                  {"us-east-1", "ec2"}};
#define NSCOPES (sizeof scopes / sizeof scopes[0])
static const char body[] = "Action=DescribeRegions&Version=2016-11-15";
static char amz_date[17], cr[1024], want[NSCOPES][65];

static void tomorrow_requests(void)
{
    time_t t = time(NULL) + 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(amz_date, sizeof amz_date, "%Y%m%dT120000Z", &tm);
    char hash[65];
    sigv4_sha256_hex(body, strlen(body), hash);
    snprintf(cr, sizeof cr,
             "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
             "host:ec2.amazonaws.com\nx-amz-date:%s\n\ncontent-type;host;x-amz-date\n%s",
             amz_date, hash);
    for (size_t i = 0; i < NSCOPES; i++)
        sigv4_oracle_sign(SECRET, amz_date, scopes[i][0], scopes[i][1], cr, strlen(cr), NULL,
                          want[i]);
}

static void *work(void *arg)
{
    int *wrong = arg;
    for (int k = 0; k < 30; k++) {
        size_t i = (size_t)k % NSCOPES;
        awsv2_sign4_job job = job4(KEY_ID, scopes[i][0], scopes[i][1], cr, body);
        if (awsv2_signer_sign4(signer, &job, NULL) != AWSV2_OK || !signature_is(&job, want[i]))
            (*wrong)++;
    }
    return NULL;
}

/* All threads sign the three scopes; returns how many signatures were
 * wrong. */
static int sign_from_threads(void)
{
    pthread_t t[THREADS];
    int wrong[THREADS] = {0}, total = 0;
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &wrong[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        total += wrong[i];
    }
    return total;
}

/* Neither the secret nor any kSigning used is in the emulator's log. */
static void nothing_secret_logged(void)
{
    const char *log = read_log();
    ck_assert_ptr_null(strstr(log, SECRET));
    for (size_t i = 0; i < NSCOPES; i++) {
        unsigned char k[32];
        char hex[65];
        sigv4_oracle_key(SECRET, (char[9]){amz_date[0], amz_date[1], amz_date[2], amz_date[3],
                                           amz_date[4], amz_date[5], amz_date[6], amz_date[7], 0},
                         scopes[i][0], scopes[i][1], k);
        awsv2_hex_encode(k, sizeof k, hex);
        ck_assert_ptr_null(strstr(log, hex));
    }
}

START_TEST(test_scoped)
{
    open_with_policy("1");
    /* The vectors' dates have ended: each key is asked for, used once and
     * dropped. */
    sign_vectors();
    ck_assert_int_gt(count("DERIVE-AWS-V4"), 0);
    ck_assert_int_eq(count("SIGN-AWS-V4"), 0);
    tomorrow_requests();
    int derives = count("DERIVE-AWS-V4");
    ck_assert_int_eq(sign_from_threads(), 0);
    ck_assert_int_eq(sign_from_threads(), 0);
    ck_assert_int_eq(count("DERIVE-AWS-V4"), derives + (int)NSCOPES);
    ck_assert_int_eq(count("SIGN-AWS-V4"), 0);
    /* "SUCCESS" alone stands for each key handed out. */
    ck_assert_int_eq(occurrences(": DERIVE-AWS-V4 -> SUCCESS\n"), count("DERIVE-AWS-V4"));
    nothing_secret_logged();
    /* The payload is still checked, on the host, before anything is sent. */
    derives = count("DERIVE-AWS-V4");
    awsv2_sign4_job job = job4(KEY_ID, scopes[0][0], scopes[0][1], cr, "Action=DeleteVpc");
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign4(signer, &job, &err), AWSV2_E_REFUSED);
    ck_assert_str_eq(err.code, "payload-mismatch");
    ck_assert_ptr_null(strstr(err.message, SECRET));
    ck_assert_int_eq(count("DERIVE-AWS-V4"), derives);
}
END_TEST

START_TEST(test_fallback)
{
    open_with_policy("");
    sign_vectors();
    tomorrow_requests();
    int derives = count("DERIVE-AWS-V4"), signs = count("SIGN-AWS-V4");
    ck_assert_int_eq(sign_from_threads(), 0);
    /* Refused once per scope, remembered; the device signs every request. */
    ck_assert_int_eq(count("DERIVE-AWS-V4"), derives + (int)NSCOPES);
    ck_assert_int_eq(occurrences(": DERIVE-AWS-V4 -> ERROR policy-denied\n"),
                     count("DERIVE-AWS-V4"));
    ck_assert_int_eq(count("SIGN-AWS-V4"), signs + THREADS * 30);
    nothing_secret_logged();
}
END_TEST

START_TEST(test_spec)
{
    char spec[PATH_MAX + 32];
    awsv2_error err = AWSV2_ERROR_INIT;
    snprintf(spec, sizeof spec, "due:%s?scoped_key=2", emu.line);
    ck_assert_int_eq(awsv2_signer_open(&signer, spec, NULL, &err), AWSV2_E_SPEC);
    snprintf(spec, sizeof spec, "due:%s?scoped_key=0", emu.line);
    ck_assert_int_eq(awsv2_signer_open(&signer, spec, NULL, &err), AWSV2_OK);
    /* Without the option the device signs: no DERIVE. */
    awsv2_key_policy *p = NULL;
    ck_assert_int_eq(awsv2_key_policy_new(&p, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_key_policy_set(p, "scoped-key", "1", &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_put(signer, KEY_ID, SECRET, p, &err), AWSV2_OK);
    awsv2_key_policy_free(p);
    sign_vectors();
    ck_assert_int_eq(count("DERIVE-AWS-V4"), 0);
    ck_assert_int_gt(count("SIGN-AWS-V4"), 0);
}
END_TEST

static Suite *scoped_suite(void)
{
    Suite *s = suite_create("due-scoped");
    TCase *tc = tcase_create("scoped");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_scoped);
    tcase_add_test(tc, test_fallback);
    tcase_add_test(tc, test_spec);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(scoped_suite());
}
