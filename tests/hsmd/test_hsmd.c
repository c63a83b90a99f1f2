/* awsv2-hsmd as a process, in front of awsv2-due-emu: the HTTP API of
 * docs/daemon-api.md, bad input of every kind, tokens, a vanishing device, the
 * queue's bound, the metrics and a clean shutdown. */
#include <check.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "world.h"

static struct world w;

static void start(const char *const *emu_args, const char *const *hsmd_args,
                  const char *spec_options)
{
    ck_assert_msg(world_start(&w, emu_args, hsmd_args, spec_options) == 0,
                  "cannot start the emulator and the daemon");
}

static void teardown(void)
{
    ck_assert_int_eq(world_stop(&w), 0);
}

static void sign_ok(const char *url, const char *const *headers, const char *method, unsigned n)
{
    char sts[1024], want[65];
    struct http_result r;
    size_t len = world_sts(sts, sizeof sts, KEY_ID, method, n);

    world_expected_hex(sts, len, strcmp(method, "HmacSHA256") != 0, want);
    ck_assert_int_eq(world_http("POST", url, sts, len, headers, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.success, 1);
    char body[256];
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body); /* byte for byte what hsmd.py answers */
}

static void expect(const char *method, const char *path, const char *body, size_t len,
                   long status, const char *error)
{
    char url[600];
    struct http_result r;

    snprintf(url, sizeof url, "%s%s", w.base, path);
    ck_assert_int_eq(world_http(method, url, body, len, NULL, &r), 0);
    ck_assert_msg(r.status == status, "%s %s: HTTP %ld, want %ld (%s)", method, path, r.status,
                  status, r.body);
    ck_assert_int_eq(r.success, 0);
    ck_assert_str_eq(r.error, error);
}

static void healthy(long status)
{
    char url[600];
    struct http_result r;

    snprintf(url, sizeof url, "%s/healthz", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, status);
    ck_assert_int_eq(r.success, status == 200);
}

START_TEST(test_signs_both_methods)
{
    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    sign_ok(w.url, NULL, "HmacSHA1", 2);
    sign_ok(w.url, NULL, "", 3); /* no SignatureMethod: HmacSHA1, as originally */
    healthy(200);
}
END_TEST

START_TEST(test_bad_input_answered_daemon_stays_up)
{
    static const char binary[] = "GET\n\x80\xff\x01\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\x7f";
    static const char smuggled[] = "GET\nh\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\0"
                                   "DELETE-KEY AKIAIOSFODNN7EXAMPLE";
    char sts[1024];
    size_t big = 1 << 20;
    char *huge = malloc(big);

    start(NULL, NULL, "");
    memset(huge, 'A', big);
    expect("POST", "/sign/aws", "", 0, 400, "invalid-command");
    expect("POST", "/sign/aws", huge, big, 413, "message-too-long");
    expect("POST", "/sign/aws", huge, 8193, 413, "message-too-long");
    expect("POST", "/sign/aws", binary, sizeof binary - 1, 400, "invalid-command");
    expect("POST", "/sign/aws", smuggled, sizeof smuggled - 1, 400, "invalid-command");
    expect("POST", "/sign/aws", "GET\nh\n/\nAction=X", 16, 400, "awsaccesskeyid-not-found");
    expect("POST", "/sign/aws", "GET\nh\n/\nXAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE", 44, 400,
           "awsaccesskeyid-not-found");
    expect("POST", "/sign/aws", "GET\nh\n/\nAWSAccessKeyId=akia%2", 29, 400,
           "invalid-awsaccesskeyid");
    size_t len = world_sts(sts, sizeof sts, "AKIAUNKNOWNKEY000000", "HmacSHA256", 1);
    expect("POST", "/sign/aws", sts, len, 403, "unknown-awsaccesskey");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacMD5", 1);
    expect("POST", "/sign/aws", sts, len, 400, "unsupported-signaturemethod");
    expect("GET", "/sign/aws", NULL, 0, 405, "method-not-allowed");
    expect("PUT", "/sign/aws", "x", 1, 405, "method-not-allowed");
    expect("POST", "/healthz", "", 0, 405, "method-not-allowed");
    expect("DELETE", "/keys", NULL, 0, 405, "method-not-allowed");
    expect("GET", "/", NULL, 0, 404, "not-found");
    expect("POST", "/sign/aws/", "x", 1, 404, "not-found");
    expect("GET", "/sign/aws%0aX", NULL, 0, 404, "not-found");
    free(huge);
    /* still up, and the smuggled DELETE-KEY never reached the device */
    healthy(200);
    sign_ok(w.url, NULL, "HmacSHA256", 4);
}
END_TEST

START_TEST(test_chunked_body_over_limit)
{
    static const char *const chunked[] = {"Transfer-Encoding: chunked", NULL};
    size_t big = 100000;
    char *huge = malloc(big);
    struct http_result r;

    start(NULL, NULL, "");
    memset(huge, 'A', big);
    ck_assert_int_eq(world_http("POST", w.url, huge, big, chunked, &r), 0);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(r.error, "message-too-long");
    free(huge);
    healthy(200);
}
END_TEST

START_TEST(test_keys_and_metrics)
{
    char url[600];
    struct http_result r;

    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    expect("GET", "/nothing", NULL, 0, 404, "not-found");
    snprintf(url, sizeof url, "%s/keys", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"success\": true, \"keys\": [\"" KEY_ID "\"]}");
    snprintf(url, sizeof url, "%s/metrics", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"/sign/aws\",status=\"200\"} 1\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"other\",status=\"404\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "awsv2_hsmd_errors_total{code=\"not-found\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "awsv2_hsmd_sign_duration_seconds_count 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "awsv2_hsmd_queue_depth 0\n"));
}
END_TEST

START_TEST(test_token_required)
{
    char token_file[PATH_MAX + 16];
    const char *args[] = {"--token-file", token_file, NULL};
    static const char *const good[] = {"Authorization: Bearer s3cret-t0ken", NULL};
    static const char *const wrong[] = {"Authorization: Bearer s3cret-t0ke", NULL};
    static const char *const basic[] = {"Authorization: Basic s3cret-t0ken", NULL};
    struct http_result r;

    ck_assert_int_eq(world_token_file(&w, "s3cret-t0ken\n", token_file, sizeof token_file), 0);
    start(NULL, args, "");
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "invalid-token");
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, wrong, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, basic, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_int_eq(world_http("GET", w.url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403); /* before anything else */
    sign_ok(w.url, good, "HmacSHA256", 1);
}
END_TEST

START_TEST(test_refuses_non_loopback_without_token)
{
    char prog[PATH_MAX];
    const char *argv[] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd"), "--listen",
                          "0.0.0.0:0", "openssl", NULL};
    ck_assert_int_eq(child_run(argv, NULL, 0), 2);
    const char *bad_queue[] = {argv[0], "--queue", "0", "openssl", NULL};
    ck_assert_int_eq(child_run(bad_queue, NULL, 0), 2);
    const char *no_spec[] = {argv[0], NULL};
    ck_assert_int_eq(child_run(no_spec, NULL, 0), 2);
}
END_TEST

START_TEST(test_device_vanishes_and_returns)
{
    char sts[1024];
    size_t len;

    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    child_stop(&w.emu, SIGKILL, CHILD_TIMEOUT_MS); /* pulled out: no cleanup */
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", 2);
    expect("POST", "/sign/aws", sts, len, 503, "device-unavailable");
    healthy(503);
    ck_assert_int_eq(world_start_emu(&w, NULL), 0); /* plugged in again */
    healthy(200);
    sign_ok(w.url, NULL, "HmacSHA256", 3);
    sign_ok(w.url, NULL, "HmacSHA1", 4);
}
END_TEST

START_TEST(test_device_timeout)
{
    /* request 1 is the backend's PING at open, 2 the first signature */
    static const char *const stall[] = {"--stall", "2:1500", NULL};
    char sts[1024];
    size_t len;

    start(stall, NULL, "?timeout_ms=300");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", 1);
    expect("POST", "/sign/aws", sts, len, 504, "device-timeout");
    expect("GET", "/none", NULL, 0, 404, "not-found"); /* still up */
}
END_TEST

struct burst {
    pthread_t thread;
    unsigned n;
    long status;
    char error[128];
};

static void *one_request(void *arg)
{
    struct burst *b = arg;
    char sts[1024];
    struct http_result r;
    size_t len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", b->n);

    b->status = world_http("POST", w.url, sts, len, NULL, &r) == 0 ? r.status : -1;
    snprintf(b->error, sizeof b->error, "%s", r.error);
    return NULL;
}

START_TEST(test_queue_full)
{
    static const char *const slow[] = {"--sign-us", "100000", NULL};
    static const char *const one[] = {"--queue", "1", NULL};
    struct burst b[24];
    int ok = 0, full = 0;

    start(slow, one, "?timeout_ms=10000");
    for (unsigned i = 0; i < 24; i++) {
        b[i].n = i;
        pthread_create(&b[i].thread, NULL, one_request, &b[i]);
    }
    for (unsigned i = 0; i < 24; i++) {
        pthread_join(b[i].thread, NULL);
        if (b[i].status == 200)
            ok++;
        else if (b[i].status == 503 && strcmp(b[i].error, "queue-full") == 0)
            full++;
    }
    ck_assert_int_eq(ok + full, 24);
    ck_assert_int_ge(ok, 2);
    ck_assert_int_ge(full, 1);
}
END_TEST

/* Waits (10 s at most) until the daemon reports n requests in progress. */
static void wait_in_progress(long n)
{
    char url[600];
    struct http_result r;
    long have = -1;

    snprintf(url, sizeof url, "%s/metrics", w.base);
    for (int i = 0; i < 2000 && have < n; i++) {
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        static const char gauge[] = "\nawsv2_hsmd_requests_in_progress ";
        const char *p = strstr(r.body, gauge);
        ck_assert_ptr_nonnull(p);
        have = strtol(p + sizeof gauge - 1, NULL, 10);
        if (have < n)
            poll(NULL, 0, 5); /* polling a condition, bounded */
    }
    ck_assert_int_ge(have, n);
}

START_TEST(test_sigterm_answers_requests_in_flight)
{
    static const char *const slow[] = {"--sign-us", "200000", NULL};
    struct burst b[4];

    start(slow, NULL, "?timeout_ms=10000");
    for (unsigned i = 0; i < 4; i++) {
        b[i].n = i;
        pthread_create(&b[i].thread, NULL, one_request, &b[i]);
    }
    wait_in_progress(5); /* the four, and the /metrics request asking */
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    for (unsigned i = 0; i < 4; i++) {
        pthread_join(b[i].thread, NULL);
        ck_assert_int_eq(b[i].status, 200);
    }
    struct http_result r;
    ck_assert_int_eq(world_http("GET", w.url, NULL, 0, NULL, &r), -1); /* nobody listens */
}
END_TEST

START_TEST(test_unix_socket)
{
    char listen[PATH_MAX + 16], sock[PATH_MAX + 8];
    const char *args[] = {"--listen", listen, NULL};
    struct stat sb;

    ck_assert_int_eq(world_dir(&w), 0);
    snprintf(sock, sizeof sock, "%s/s", w.dir);
    snprintf(listen, sizeof listen, "unix:%s", sock);
    start(NULL, args, "");
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "http://localhost/sign/aws?unix_socket=%s", sock);
    ck_assert_str_eq(w.url, want);
    ck_assert_int_eq(stat(sock, &sb), 0);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_ne(stat(sock, &sb), 0); /* removed on exit */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hsmd");
    TCase *tc = tcase_create("daemon");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_signs_both_methods);
    tcase_add_test(tc, test_bad_input_answered_daemon_stays_up);
    tcase_add_test(tc, test_chunked_body_over_limit);
    tcase_add_test(tc, test_keys_and_metrics);
    tcase_add_test(tc, test_token_required);
    tcase_add_test(tc, test_refuses_non_loopback_without_token);
    tcase_add_test(tc, test_device_vanishes_and_returns);
    tcase_add_test(tc, test_device_timeout);
    tcase_add_test(tc, test_queue_full);
    tcase_add_test(tc, test_sigterm_answers_requests_in_flight);
    tcase_add_test(tc, test_unix_socket);
    suite_add_tcase(s, tc);
    return world_run(s);
}
